/* timeit OUT CMD [ARGS...]: run CMD once with the caller's stdio, then
 * append "WALL_NS MAXRSS_KB STATUS CPU_NS" to the file OUT.  WALL_NS runs
 * from just before fork to just after wait4; MAXRSS_KB is the child's
 * peak resident set from wait4's rusage (what /usr/bin/time -v reports);
 * STATUS is the exit status, or 128+N for death by signal N; CPU_NS is
 * the user and system time of the child and of the children it waited
 * for.  Exits with CMD's STATUS, or 125 when it could not run CMD. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: timeit OUT CMD [ARGS...]\n");
        return 125;
    }
    FILE *out = fopen(argv[1], "a");
    if (!out) {
        perror(argv[1]);
        return 125;
    }
    long long t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 125;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    int wst;
    struct rusage ru;
    if (wait4(pid, &wst, 0, &ru) < 0) {
        perror("wait4");
        return 125;
    }
    long long t1 = now_ns();
    int status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
    long long cpu = ((long long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
                    ((long long)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
    fprintf(out, "%lld %ld %d %lld\n", t1 - t0, ru.ru_maxrss, status, cpu);
    if (fclose(out) != 0) {
        perror(argv[1]);
        return 125;
    }
    return status;
}
