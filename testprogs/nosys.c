/*
 * nosys.c - calls no kernel has: system call 999 N times (argv[1]), 335
 * once, 999 once more; each must fail with ENOSYS.  Exit 0 when all did.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static int nosys(long nr)
{
    errno = 0;
    return syscall(nr) == -1 && errno == ENOSYS;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1, ok = 1;
    for (int i = 0; i < n; i++)
        ok &= nosys(999);
    ok &= nosys(335);
    ok &= nosys(999);
    printf("%s\n", ok ? "ENOSYS every time" : "a call did not fail with ENOSYS");
    return !ok;
}
