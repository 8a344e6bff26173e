/* spawn2 PROG ARGS...: run PROG twice at the same time, both reading one
 * pipe, then end them by closing it.  With PROG dynamic, the second
 * process finds its libraries in the page cache and both share frames. */
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t start(int in, int out, char **argv)
{
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in, 0);
        close(in);
        close(out);
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

int main(int argc, char **argv)
{
    int fds[2];
    if (argc < 2 || pipe(fds) < 0)
        return 2;
    pid_t a = start(fds[0], fds[1], argv + 1);
    pid_t b = start(fds[0], fds[1], argv + 1);
    close(fds[0]);
    sched_yield(); /* let both start and block on the pipe */
    close(fds[1]);
    int sa, sb;
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    printf("both exited: %d %d\n", WEXITSTATUS(sa), WEXITSTATUS(sb));
    return WEXITSTATUS(sa) | WEXITSTATUS(sb);
}
