/* fork_cow: after fork both parent and child write the same heap pages:
 * each write is a cow in the writer (the other keeps the original). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGES 4

int main(void)
{
    volatile char *buf = malloc(PAGES * 4096);
    if (!buf)
        return 3;
    for (int i = 0; i < PAGES; i++)
        buf[i * 4096] = 'p';
    pid_t pid = fork();
    if (pid < 0)
        return 4;
    if (pid == 0) {
        for (int i = 0; i < PAGES; i++)
            buf[i * 4096] = 'c';
        _exit(buf[0] == 'c' ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    /* The child is gone: the parent is the last user of the old pages. */
    for (int i = 0; i < PAGES; i++)
        buf[i * 4096] = 'P';
    printf("child %d, parent sees %c\n", WEXITSTATUS(status), buf[0]);
    return 0;
}
