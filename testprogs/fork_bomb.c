/* fork_bomb: fork until fork fails; the children wait on a pipe so all
 * stay alive.  Under --max-procs the failure is EAGAIN and everything
 * ends cleanly. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int fds[2];
    if (pipe(fds) < 0)
        return 3;
    int made = 0, err = 0;
    for (;;) {
        pid_t pid = fork();
        if (pid < 0) {
            err = errno;
            break;
        }
        if (pid == 0) {
            char c;
            close(fds[1]);
            _exit(read(fds[0], &c, 1) == 0 ? 0 : 1);
        }
        made++;
    }
    close(fds[1]); /* every child sees end of file and exits */
    int reaped = 0;
    while (wait(NULL) > 0)
        reaped++;
    printf("forked %d, then %s; reaped %d\n", made, strerror(err), reaped);
    return err == EAGAIN ? 0 : 1;
}
