/* symbols: faults whose code has names, built with -g so that the fault
 * log can name the function and the source line of each one.  The lines
 * marked "fault:" are where tests/e2e/symbols.sh expects them:
 * demand-zero faults in touch_pages, a copy-on-write in the child's
 * store_after_fork, (dynamic build) libc's memset clearing a fresh
 * mapping, and a read(2) into a fresh page, a fault of the kernel's. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

__attribute__((noinline)) static void touch_pages(volatile char *p, long n)
{
    for (long i = 0; i < n; i++)
        p[i * PAGE] = (char)i; /* fault: touch */
}

__attribute__((noinline)) static void store_after_fork(volatile char *p)
{
    p[0] = 42; /* fault: cow */
}

int main(int argc, char **argv)
{
    (void)argv;
    long n = 8;
    char *p = mmap(NULL, (size_t)n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED)
        return 2;
    touch_pages(p, n);
    pid_t pid = fork();
    if (pid < 0)
        return 3;
    if (pid == 0) {
        store_after_fork(p);
        _exit(p[0] == 42 ? 0 : 1);
    }
    int st;
    if (waitpid(pid, &st, 0) != pid || st != 0)
        return 4;
    size_t len = (size_t)argc * 4 * PAGE; /* not a constant: memset stays a call */
    char *q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED)
        return 5;
    memset(q, 7, len);
    /* The kernel's store into a fresh page: a kernel-mode fault in read. */
    char *r = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int fds[2];
    if (r == MAP_FAILED || pipe(fds) != 0 || write(fds[1], "x", 1) != 1 ||
        read(fds[0], r, 1) != 1)
        return 7;
    return p[0] == 0 && q[len - 1] == 7 && r[0] == 'x' ? 0 : 6;
}
