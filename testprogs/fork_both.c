/* fork_both: parent writes before the child exits (cow in the parent),
 * then the child writes (cow-reuse: the parent already took a copy). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int fds[2];
    volatile char *page = malloc(4096 * 2);
    if (!page || pipe(fds) < 0)
        return 3;
    page[0] = 1;
    pid_t pid = fork();
    if (pid == 0) {
        char go;
        close(fds[1]);
        if (read(fds[0], &go, 1) != 1) /* wait until the parent wrote */
            _exit(2);
        page[0] = 3;
        _exit(page[0]);
    }
    close(fds[0]);
    page[0] = 2;
    if (write(fds[1], "g", 1) != 1)
        return 4;
    int status;
    waitpid(pid, &status, 0);
    printf("parent %d child %d\n", page[0], WEXITSTATUS(status));
    return 0;
}
