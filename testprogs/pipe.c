/* pipe: a child writes 100000 bytes through a pipe, the parent counts
 * them; blocking reads and writes between guest processes. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int fds[2];
    if (pipe(fds) < 0)
        return 3;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        char buf[1000];
        memset(buf, 'x', sizeof buf);
        for (int i = 0; i < 100; i++)
            if (write(fds[1], buf, sizeof buf) != (ssize_t)sizeof buf)
                _exit(1);
        _exit(0);
    }
    close(fds[1]);
    long total = 0;
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0)
        total += n;
    int status;
    waitpid(pid, &status, 0);
    printf("read %ld bytes, child exited %d\n", total, WEXITSTATUS(status));
    return 0;
}
