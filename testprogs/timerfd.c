/*
 * timerfd.c - timerfd as programs use it, printed to compare with native
 * (only what does not depend on the machine's speed): one-shot and
 * interval timers on CLOCK_MONOTONIC, CLOCK_BOOTTIME and CLOCK_REALTIME,
 * relative and absolute (TFD_TIMER_ABSTIME, in the past too: the missed
 * periods are counted), reads that block until an expiry, EAGAIN, the
 * setting gettime and settime's old value show, readiness in poll,
 * select and epoll (a timerfd in an epoll set, edge-triggered, an epoll
 * of an epoll of a timerfd), a child reading the parent's timer, a
 * signal interrupting a blocked read, TFD_IOC_SET_TICKS, and the errors.
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
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "anon_fd.h"
#include "show.h"

#define MS 1000000LL
#define TFD_SET_TICKS _IOW('T', 0, uint64_t)

static long long now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int set(int fd, int flags, long long value, long long interval)
{
    struct itimerspec it = {{interval / 1000000000LL, interval % 1000000000LL},
                            {value / 1000000000LL, value % 1000000000LL}};
    return timerfd_settime(fd, flags, &it, NULL);
}

static long long ns_of(struct timespec t)
{
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* A read of the count: its result and value. */
static void show_read(const char *what, int fd)
{
    uint64_t v = 0;
    long r = read(fd, &v, sizeof v);
    if (r < 0)
        show(what, r);
    else
        printf("%s: %ld count %llu\n", what, r, (unsigned long long)v);
}

/* A blocking read that must wait at least min_ns: the count, and
 * whether it waited that long. */
static void timed_read(const char *what, int fd, long long min_ns)
{
    long long t0 = now_ns(CLOCK_MONOTONIC);
    uint64_t v = 0;
    long r = read(fd, &v, sizeof v);
    long long waited = now_ns(CLOCK_MONOTONIC) - t0;
    /* (less a little: the timer was set a few calls before) */
    printf("%s: %ld count %llu waited enough %d\n", what, r, (unsigned long long)v, waited >= min_ns - MS);
}

static void show_setting(const char *what, struct itimerspec it, long long value_max)
{
    long long v = ns_of(it.it_value);
    printf("%s: interval %lld.%09ld value %s\n", what, (long long)it.it_interval.tv_sec,
           it.it_interval.tv_nsec, v == 0 ? "0" : v <= value_max ? "pending" : "too long");
}

static void one_shot(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct itimerspec it;
    timerfd_gettime(fd, &it);
    show_setting("fresh", it, 0);
    show_read("fresh read", fd);
    set(fd, 0, 50 * MS, 0);
    timerfd_gettime(fd, &it);
    show_setting("armed 50 ms", it, 50 * MS);
    show_read("before expiry", fd);
    fcntl(fd, F_SETFL, 0);
    timed_read("blocking read", fd, 50 * MS);
    timerfd_gettime(fd, &it);
    show_setting("expired", it, 0);
    close(fd);
}

static void intervals(void)
{
    int fd = timerfd_create(CLOCK_BOOTTIME, 0);
    set(fd, 0, 30 * MS, 30 * MS);
    timed_read("interval first", fd, 30 * MS);
    timed_read("interval second", fd, 20 * MS);
    struct itimerspec it;
    timerfd_gettime(fd, &it);
    show_setting("interval running", it, 30 * MS);
    set(fd, TFD_TIMER_ABSTIME, now_ns(CLOCK_BOOTTIME) + 10 * MS, 1000 * MS);
    timed_read("absolute 10 ms ahead", fd, 10 * MS);
    struct itimerspec old, zero = {{0, 0}, {0, 0}};
    timerfd_settime(fd, 0, &zero, &old);
    show_setting("old setting", old, 1000 * MS);
    timerfd_gettime(fd, &it);
    show_setting("disarmed", it, 0);
    /* Disarmed with an interval: the interval is still shown. */
    struct itimerspec iv = {{2, 5}, {0, 0}};
    timerfd_settime(fd, 0, &iv, NULL);
    timerfd_gettime(fd, &it);
    show_setting("interval only", it, 0);
    close(fd);
}

static void realtime(void)
{
    int fd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
    printf("realtime abs 40 ms ahead: %d\n",
           set(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, now_ns(CLOCK_REALTIME) + 40 * MS, 0));
    fcntl(fd, F_SETFL, 0);
    timed_read("realtime read", fd, 30 * MS);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    printf("realtime abs in the past: %d\n", set(fd, TFD_TIMER_ABSTIME, now_ns(CLOCK_REALTIME) - 5 * MS, 0));
    show_read("at once", fd);
    /* Absolute, ten and a half periods ago: eleven expiries at once. */
    set(fd, TFD_TIMER_ABSTIME, now_ns(CLOCK_REALTIME) - 10500 * MS, 1000 * MS);
    show_read("periods in the past", fd);
    show_read("none since", fd);
    printf("realtime relative 20 ms: %d\n", set(fd, 0, 20 * MS, 0));
    fcntl(fd, F_SETFL, 0);
    timed_read("relative read", fd, 20 * MS);
    close(fd);
}

static void waits(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct pollfd pf = {fd, POLLIN | POLLOUT, 0};
    set(fd, 0, 40 * MS, 0);
    int n = poll(&pf, 1, 0);
    printf("poll before expiry: %d revents %#x\n", n, pf.revents);
    n = poll(&pf, 1, -1);
    printf("poll blocking: %d revents %#x\n", n, pf.revents);
    printf("poll again (unread): %d\n", poll(&pf, 1, 0));
    show_read("read", fd);
    printf("poll after read, 20 ms: %d\n", poll(&pf, 1, 20));
    set(fd, 0, 30 * MS, 0);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(fd, &rs);
    struct timeval tv = {5, 0};
    n = select(fd + 1, &rs, NULL, NULL, &tv);
    printf("select: %d set %d time left %d\n", n, FD_ISSET(fd, &rs), tv.tv_sec >= 4);
    show_read("read", fd);
    close(fd);
}

static void epolls(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), ep = epoll_create1(0), outer = epoll_create1(0);
    struct epoll_event e = {.events = EPOLLIN | EPOLLET, .data.u64 = 11}, out[4];
    printf("add timerfd: %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e));
    set(fd, 0, 30 * MS, 30 * MS);
    printf("epoll empty: %d\n", epoll_wait(ep, out, 4, 0));
    int n = epoll_wait(ep, out, 4, -1);
    printf("epoll expiry: %d data %llu events %#x\n", n, (unsigned long long)out[0].data.u64, out[0].events);
    printf("edge reported: %d\n", epoll_wait(ep, out, 4, 0));
    /* Later expiries are no new edge until a read: they are counted by it. */
    usleep(70000);
    printf("expiries since, unread: %d\n", epoll_wait(ep, out, 4, 0));
    uint64_t v = 0;
    long r = read(fd, &v, sizeof v);
    printf("read: %ld count >= 3 %d\n", r, v >= 3);
    n = epoll_wait(ep, out, 4, -1);
    printf("next expiry after the read: %d\n", n);
    r = read(fd, &v, sizeof v);
    printf("read: %ld count >= 1 %d\n", r, v >= 1);
    /* An epoll of an epoll of the timer, waited on by poll. */
    struct epoll_event ie = {.events = EPOLLIN, .data.u64 = 12};
    printf("nest: %d\n", epoll_ctl(outer, EPOLL_CTL_ADD, ep, &ie));
    e.events = EPOLLIN;
    epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
    set(fd, 0, 25 * MS, 0);
    struct pollfd pf = {outer, POLLIN, 0};
    printf("poll outer before: %d\n", poll(&pf, 1, 0));
    n = poll(&pf, 1, 1000);
    printf("poll outer: %d revents %#x\n", n, pf.revents);
    n = epoll_wait(outer, out, 4, 0);
    printf("outer reports inner: %d data %llu\n", n, (unsigned long long)out[0].data.u64);
    n = epoll_wait(ep, out, 4, 0);
    printf("inner reports timer: %d data %llu\n", n, (unsigned long long)out[0].data.u64);
    show_read("read", fd);
    close(outer);
    close(ep);
    close(fd);
}

static void on_alarm(int sig)
{
    (void)sig;
}

static void processes(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    set(fd, 0, 40 * MS, 0);
    pid_t pid = fork();
    if (pid == 0) {
        uint64_t v = 0;
        _exit(read(fd, &v, sizeof v) == 8 && v == 1 ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child read the timer: exit %d\n", WEXITSTATUS(st));
    struct itimerspec it;
    timerfd_gettime(fd, &it);
    show_setting("after child", it, 0);
    /* A signal with a handler ends a blocked read (no SA_RESTART). */
    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval alarm_it = {{0, 0}, {0, 20000}};
    set(fd, 0, 200 * MS, 0);
    setitimer(ITIMER_REAL, &alarm_it, NULL);
    uint64_t v;
    errno = 0;
    show("read interrupted", read(fd, &v, sizeof v));
    /* With SA_RESTART the read goes on until the expiry. */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &alarm_it, NULL);
    timed_read("read restarted", fd, 100 * MS);
    close(fd);
}

static void errors(void)
{
    show("create CLOCK_TAI", timerfd_create(CLOCK_TAI, 0));
    show("create CLOCK_PROCESS_CPUTIME_ID", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
    show("create bad flags", timerfd_create(CLOCK_MONOTONIC, 1));
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), p[2];
    if (pipe(p) < 0)
        return;
    show("settime bad flags", set(fd, 4, MS, 0));
    struct itimerspec bad = {{0, 0}, {0, 1000000000}};
    show("settime nsec 1e9", timerfd_settime(fd, 0, &bad, NULL));
    bad.it_value.tv_nsec = 0;
    bad.it_value.tv_sec = -1;
    show("settime negative", timerfd_settime(fd, 0, &bad, NULL));
    bad.it_value.tv_sec = 1;
    bad.it_interval.tv_nsec = -1;
    show("settime bad interval", timerfd_settime(fd, 0, &bad, NULL));
    show("settime NULL", timerfd_settime(fd, 0, NULL, NULL));
    show("settime on a pipe", set(p[0], 0, MS, 0));
    show("settime bad fd", set(99, 0, MS, 0));
    struct itimerspec it;
    show("gettime on a pipe", timerfd_gettime(p[0], &it));
    show("gettime NULL", timerfd_gettime(fd, NULL));
    char buf[8];
    show("read 4 bytes", read(fd, buf, 4));
    show("write", write(fd, buf, 8));
    uint64_t ticks = 5;
    show("SET_TICKS 5", ioctl(fd, TFD_SET_TICKS, &ticks));
    show_read("after SET_TICKS", fd);
    ticks = 0;
    show("SET_TICKS 0", ioctl(fd, TFD_SET_TICKS, &ticks));
    show("FIONREAD", ioctl(fd, FIONREAD, &ticks));
    show_anon_fd(fd);
    printf("flags: nonblock %d\n", !!(fcntl(fd, F_GETFL) & O_NONBLOCK));
    close(fd);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    one_shot();
    intervals();
    realtime();
    waits();
    epolls();
    processes();
    errors();
    return 0;
}
