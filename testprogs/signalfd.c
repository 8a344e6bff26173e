/*
 * signalfd.c - signalfd as programs use it, printed to compare with
 * native: blocked signals read as records (kill, tgkill, a POSIX timer
 * with its value, a child's exit), several in one read in
 * Linux's order, EAGAIN, a blocking read a child's kill ends, readiness
 * in poll, select and epoll (edge-triggered too), a mask changed in
 * place, a child reading its own signals through the parent's
 * descriptor, an unblocked signal going to its handler instead, an
 * eventfd, a timerfd and a signalfd in one epoll set, and the errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "anon_fd.h"
#include "show.h"

static const char *sig_name(unsigned sig)
{
    if (sig == (unsigned)SIGRTMIN)
        return "SIGRTMIN";
    switch (sig) {
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    case SIGCHLD: return "SIGCHLD";
    case SIGALRM: return "SIGALRM";
    case SIGHUP: return "SIGHUP";
    case SIGTERM: return "SIGTERM";
    default: return "other";
    }
}

/* One record, with the pid shown as whom it is. */
static void show_record(const struct signalfd_siginfo *r, pid_t expect_pid)
{
    printf("  %s code %d errno %d pid %s uid %u", sig_name(r->ssi_signo), r->ssi_code, r->ssi_errno,
           r->ssi_pid == (uint32_t)expect_pid ? "as expected" : r->ssi_pid ? "another" : "0", r->ssi_uid);
    if (r->ssi_code == SI_QUEUE || r->ssi_code == SI_TIMER)
        printf(" int %d ptr %llu", r->ssi_int, (unsigned long long)r->ssi_ptr);
    if (r->ssi_code == SI_TIMER)
        printf(" overrun %u", r->ssi_overrun);
    if (r->ssi_signo == SIGCHLD)
        printf(" status %d", r->ssi_status);
    printf("\n");
}

/* Read up to n records; print each. */
static long take(const char *what, int fd, int n, pid_t expect_pid)
{
    struct signalfd_siginfo r[4];
    long got = read(fd, r, sizeof r[0] * (size_t)n);
    show(what, got);
    for (long i = 0; got > 0 && i < got / (long)sizeof r[0]; i++)
        show_record(&r[i], expect_pid);
    return got;
}

static int blocked_fd(sigset_t *set, int flags)
{
    sigemptyset(set);
    sigaddset(set, SIGUSR1);
    sigaddset(set, SIGUSR2);
    sigaddset(set, SIGCHLD);
    sigaddset(set, SIGALRM);
    sigaddset(set, SIGRTMIN);
    sigset_t more = *set;
    sigaddset(&more, SIGTERM); /* blocked, not in the mask */
    sigprocmask(SIG_BLOCK, &more, NULL);
    return signalfd(-1, set, flags);
}

static void basics(int fd)
{
    pid_t me = getpid();
    take("empty", fd, 1, me);
    kill(me, SIGUSR2);
    raise(SIGUSR1);
    kill(me, SIGRTMIN);
    kill(me, SIGTERM); /* not in the mask: stays blocked and pending */
    struct pollfd pf = {fd, POLLIN | POLLOUT, 0};
    int n = poll(&pf, 1, 0);
    printf("poll: %d revents %#x\n", n, pf.revents);
    take("three at once, in order", fd, 4, me);
    take("none left", fd, 1, me);
    sigset_t pend;
    sigpending(&pend);
    printf("SIGTERM still pending: %d\n", sigismember(&pend, SIGTERM));
    int sig;
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigwait(&term, &sig);
    kill(me, SIGUSR1);
    kill(me, SIGUSR2);
    take("one record's room", fd, 1, me);
    char small[100];
    show("read 100 bytes", read(fd, small, sizeof small));
    take("the other", fd, 1, me);
    show("write", write(fd, small, 8));
}

static void timer_and_child(int fd)
{
    timer_t t;
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM};
    ev.sigev_value.sival_int = 7;
    timer_create(CLOCK_MONOTONIC, &ev, &t);
    struct itimerspec its = {{0, 0}, {0, 30000000}};
    timer_settime(t, 0, &its, NULL);
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    struct signalfd_siginfo r;
    long got = read(fd, &r, sizeof r);
    printf("blocking read of the timer: %ld %s code SI_TIMER %d int %d tid is the timer %d overrun %u\n",
           got, sig_name(r.ssi_signo), r.ssi_code == SI_TIMER, r.ssi_int,
           r.ssi_tid == (uint32_t)(intptr_t)t, r.ssi_overrun);
    timer_delete(t);
    pid_t pid = fork();
    if (pid == 0) {
        usleep(20000);
        kill(getppid(), SIGUSR2);
        usleep(20000);
        _exit(3);
    }
    take("blocking read, a child's kill", fd, 1, pid);
    take("blocking read, the child's exit", fd, 1, pid);
    waitpid(pid, NULL, 0);
    fcntl(fd, F_SETFL, flags);
}

static void waits(int fd)
{
    pid_t me = getpid();
    int ep = epoll_create1(0);
    struct epoll_event e = {.events = EPOLLIN, .data.u64 = 5}, out[2];
    printf("epoll add: %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e));
    printf("epoll empty: %d\n", epoll_wait(ep, out, 2, 0));
    pid_t pid = fork();
    if (pid == 0) {
        usleep(20000);
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    int n = epoll_wait(ep, out, 2, 5000);
    printf("epoll woken by a child: %d data %llu events %#x\n", n, (unsigned long long)out[0].data.u64,
           out[0].events);
    waitpid(pid, NULL, 0);
    take("read", fd, 2, pid);
    e.events = EPOLLIN | EPOLLET;
    epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
    kill(me, SIGUSR2);
    printf("edge: %d\n", epoll_wait(ep, out, 2, 0));
    printf("edge reported: %d\n", epoll_wait(ep, out, 2, 0));
    take("read", fd, 1, me);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(fd, &rs);
    struct timeval tv = {0, 20000};
    printf("select empty: %d\n", select(fd + 1, &rs, NULL, NULL, &tv));
    pid = fork();
    if (pid == 0) {
        usleep(20000);
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    FD_ZERO(&rs);
    FD_SET(fd, &rs);
    tv.tv_sec = 5;
    n = select(fd + 1, &rs, NULL, NULL, &tv);
    printf("select woken: %d set %d\n", n, FD_ISSET(fd, &rs));
    waitpid(pid, NULL, 0);
    take("read", fd, 2, pid);
    close(ep);
}

static void on_hup(int sig)
{
    printf("handler got %s\n", sig_name((unsigned)sig));
}

static void masks(int fd)
{
    pid_t me = getpid();
    sigset_t only2;
    sigemptyset(&only2);
    sigaddset(&only2, SIGUSR2);
    printf("change mask: same fd %d\n", signalfd(fd, &only2, 0) == fd);
    kill(me, SIGUSR1);
    kill(me, SIGUSR2);
    take("only SIGUSR2 now", fd, 2, me);
    sigset_t all;
    sigfillset(&all);
    printf("every signal (KILL and STOP dropped): %d\n", signalfd(fd, &all, 0) == fd);
    take("SIGUSR1 too now", fd, 2, me);
    /* An unblocked signal in the mask goes to its handler. */
    signal(SIGHUP, on_hup);
    kill(me, SIGHUP);
    take("after the handler", fd, 1, me);
    /* A child reads its own signals through the parent's descriptor. */
    pid_t pid = fork();
    if (pid == 0) {
        kill(getpid(), SIGUSR2);
        struct signalfd_siginfo r;
        long got = read(fd, &r, sizeof r);
        _exit(got == sizeof r && r.ssi_signo == SIGUSR2 && r.ssi_pid == (uint32_t)getpid() ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child read its own: exit %d\n", WEXITSTATUS(st));
    take("parent has none", fd, 1, me);
}

static void errors(int fd)
{
    sigset_t set;
    sigemptyset(&set);
    int p[2];
    if (pipe(p) < 0)
        return;
    show("sizemask 4", syscall(SYS_signalfd4, -1, &set, 4, 0));
    show("bad flags", syscall(SYS_signalfd4, -1, &set, 8, 1));
    show("NULL mask", syscall(SYS_signalfd4, -1, NULL, 8, 0));
    show("a pipe", signalfd(p[0], &set, 0));
    show("bad fd", signalfd(77, &set, 0));
    long old = syscall(SYS_signalfd, -1, &set, 8);
    show("old call", old > 0 ? 0 : old);
    close((int)old);
    show_anon_fd(fd);
    printf("flags: nonblock %d cloexec %d\n", !!(fcntl(fd, F_GETFL) & O_NONBLOCK),
           !!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
    close(p[0]);
    close(p[1]);
}

/* An eventfd, a timerfd and a signalfd in one epoll set, watched by
 * poll through the epoll: each wakes the wait in its turn (a child writes
 * the eventfd at 20 ms, the timer expires at 80, the child's signal comes
 * at 140). */
static void together(int sfd)
{
    int efd = eventfd(0, EFD_NONBLOCK), tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    int ep = epoll_create1(0);
    struct epoll_event e = {.events = EPOLLIN, .data.u64 = 1};
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &e);
    e.data.u64 = 2;
    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &e);
    e.data.u64 = 3;
    epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &e);
    struct itimerspec its = {{0, 0}, {0, 80000000}};
    timerfd_settime(tfd, 0, &its, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        usleep(20000);
        uint64_t one = 1;
        if (write(efd, &one, sizeof one) != sizeof one)
            _exit(1);
        usleep(120000);
        kill(getppid(), SIGUSR2);
        _exit(0);
    }
    for (int round = 0; round < 3; round++) {
        struct pollfd pf = {ep, POLLIN, 0};
        int n = poll(&pf, 1, 5000);
        struct epoll_event out[4];
        int m = epoll_wait(ep, out, 4, 0);
        printf("together %d: poll %d epoll %d data %llu\n", round, n, m,
               (unsigned long long)out[0].data.u64);
        uint64_t v;
        struct signalfd_siginfo r;
        if (out[0].data.u64 == 1 && read(efd, &v, sizeof v) < 0)
            printf("eventfd read failed\n");
        if (out[0].data.u64 == 2 && read(tfd, &v, sizeof v) < 0)
            printf("timerfd read failed\n");
        if (out[0].data.u64 == 3 && read(sfd, &r, sizeof r) < 0)
            printf("signalfd read failed\n");
    }
    waitpid(pid, NULL, 0);
    take("the child's exit", sfd, 1, pid);
    close(ep);
    close(efd);
    close(tfd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    sigset_t set;
    int fd = blocked_fd(&set, SFD_NONBLOCK | SFD_CLOEXEC);
    basics(fd);
    timer_and_child(fd);
    waits(fd);
    masks(fd);
    together(fd);
    errors(fd);
    return 0;
}
