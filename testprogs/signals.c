/* signals: the signal and wait behaviours a shell relies on, each checked,
 * each printed: SIGPIPE's default kills a writer, kill() and tgkill()
 * reach a handler with si_pid, a blocked signal stays pending until
 * unblocked, SA_RESTART restarts a blocked read while its absence gives
 * EINTR, waitid with WNOHANG sees no child yet, SIGTERM's default kills
 * a child, SIG_IGN on SIGCHLD reaps children. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t hits, from_pid;

static void on_usr(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    hits++;
    from_pid = si->si_pid;
}

static void handle(int sig, int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

static int check(const char *what, int ok)
{
    printf("%-40s %s\n", what, ok ? "ok" : "WRONG");
    return ok ? 0 : 1;
}

/* A child that sends SIGUSR1 to its parent, then blocks reading a pipe
 * that the parent never writes: read in the parent is interrupted. */
static int read_interrupted(int flags)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    handle(SIGUSR1, flags);
    pid_t pid = fork();
    if (pid == 0) {
        kill(getppid(), SIGUSR1);
        if (flags & SA_RESTART) {
            char c = 'x';
            _exit(write(fds[1], &c, 1) == 1 ? 0 : 1); /* ends the restarted read */
        }
        _exit(0);
    }
    char c;
    ssize_t n = read(fds[0], &c, 1);
    int err = errno;
    waitpid(pid, NULL, 0);
    close(fds[0]);
    close(fds[1]);
    return n == 1 ? 0 : err;
}

int main(void)
{
    int bad = 0;
    int fds[2];

    /* SIGPIPE: writing to a pipe nobody reads kills the writer. */
    if (pipe(fds) < 0)
        return 2;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        char c = 'x';
        (void)write(fds[1], &c, 1);
        _exit(0);
    }
    close(fds[0]);
    close(fds[1]);
    int st;
    waitpid(pid, &st, 0);
    bad |= check("SIGPIPE kills the writer", WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);

    /* kill and tgkill to ourselves, with the sender's pid. */
    handle(SIGUSR1, 0);
    kill(getpid(), SIGUSR1);
    syscall(SYS_tgkill, getpid(), getpid(), SIGUSR1);
    bad |= check("kill and tgkill reach the handler", hits == 2 && from_pid == getpid());

    /* Blocked: pending until unblocked. */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    kill(getpid(), SIGUSR1);
    sigset_t pend;
    sigpending(&pend);
    int pending = sigismember(&pend, SIGUSR1) && hits == 2;
    sigprocmask(SIG_SETMASK, &old, NULL);
    bad |= check("a blocked signal waits, then arrives", pending && hits == 3);

    /* A read blocked in the parent, interrupted by a child's signal. */
    bad |= check("no SA_RESTART: read fails with EINTR", read_interrupted(0) == EINTR);
    bad |= check("SA_RESTART: read is restarted", read_interrupted(SA_RESTART) == 0);

    /* waitid WNOHANG before the child ran; SIGTERM's default action. */
    if (pipe(fds) < 0)
        return 2;
    pid = fork();
    if (pid == 0) {
        char c;
        close(fds[1]);
        (void)read(fds[0], &c, 1);
        _exit(0);
    }
    close(fds[0]);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG);
    bad |= check("waitid WNOHANG: nothing yet", r == 0 && si.si_pid == 0);
    kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
    close(fds[1]);
    bad |= check("SIGTERM's default kills the child", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);

    /* SIGCHLD ignored: children are reaped by themselves. */
    signal(SIGCHLD, SIG_IGN);
    pid = fork();
    if (pid == 0)
        _exit(0);
    sched_yield();
    r = waitpid(pid, &st, 0);
    bad |= check("SIG_IGN on SIGCHLD: no zombie", r < 0 && errno == ECHILD);
    return bad;
}
