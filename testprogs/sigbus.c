/* sigbus FILE: map two pages of a one-page file; the second page is past
 * the end of the file (SIGBUS) until the file grows. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;

static void on_bus(int sig)
{
    (void)sig;
    siglongjmp(env, 1);
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, 4096) < 0)
        return 3;
    volatile char *map = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        return 4;
    signal(SIGBUS, on_bus);
    map[0] = 'a';
    if (sigsetjmp(env, 1) == 0) {
        map[4096] = 'b';
        printf("no SIGBUS\n");
        return 1;
    }
    printf("SIGBUS past the end of the file\n");
    if (ftruncate(fd, 8192) < 0)
        return 5;
    map[4096] = 'b';
    char c;
    if (pread(fd, &c, 1, 4096) != 1 || c != 'b')
        return 6;
    printf("after growing the file the page is there: %c\n", c);
    signal(SIGBUS, SIG_DFL);
    if (ftruncate(fd, 4096) < 0)
        return 7;
    return map[4096 + 1]; /* past the end again: killed by SIGBUS */
}
