/* exec_chain N: fork and execve itself N levels deep; each level exits
 * with its child's status plus one, so the top exits with N. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 3;
    if (n == 0)
        return 0;
    pid_t pid = fork();
    if (pid < 0)
        return 100;
    if (pid == 0) {
        char arg[16];
        snprintf(arg, sizeof arg, "%d", n - 1);
        char *child_argv[] = {argv[0], arg, NULL};
        execv("/proc/self/exe", child_argv);
        _exit(101);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return 102;
    printf("level %d: child exited %d\n", n, WEXITSTATUS(status));
    fflush(stdout);
    return WEXITSTATUS(status) + 1;
}
