/*
 * waits.c - waits between processes that end by time, by a signal or by
 * another process: the outcome Linux gives, and no false deadlock.
 *
 *   waits semaphore    process-shared semaphores ping-pong across fork (futex)
 *   waits sleep-poll   waitpid(WNOHANG) + usleep until the child has exited
 *   waits poll-timeout a finite poll ends while the only other process waits
 *   waits poll-signal  a handler (SA_RESTART) ends an endless poll with EINTR
 *   waits ppoll-mask   ppoll's mask lets a blocked signal in, then is undone
 *   waits futex-timeout FUTEX_WAIT with a timeout ends with ETIMEDOUT
 *   waits pipe-big     a 150000-byte write to a pipe is written whole
 *   waits sleep-kill   a sleeper wakes while its child computes (--quantum)
 *   waits futex-kick   FUTEX_WAKE ends a wait even when the word is unchanged,
 *                      and wakes nobody waiting on another word
 *   waits futex-restart an endless FUTEX_WAIT goes on after an SA_RESTART handler
 *   waits sleep-left   an interrupted nanosleep writes the time left
 *   waits ppoll-pending a pending signal ppoll's mask lets in ends a zero wait
 *   waits writev-big   a 150000-byte writev to a pipe is written whole
 *   waits yield-spin   a sched_yield loop lets a sleeper wake and finish
 *   waits select-left  select writes back the time left (0 at a timeout)
 *   waits alarm        alarm ends pause and sleep with SIGALRM; alarm(0) says what was left
 *   waits itimer       setitimer(ITIMER_REAL) ticks at its interval
 *   waits posix-timer  timer_create/settime: SI_TIMER with the timer's value,
 *                      an absolute expiry, gettime and delete
 *   waits stop-cont    SIGSTOP stops a child until SIGCONT; wait4 WUNTRACED and
 *                      WCONTINUED and waitid WSTOPPED see it; SIGTSTP with a
 *                      handler does not stop
 *   waits timer-kill   a child's own timer sends it SIGKILL (reaped at once)
 *   waits timer-ignored an ignored 1 ms interval timer does not stall a long sleep
 *   waits timer-overrun expiries while the signal is blocked count as overruns
 *   waits host-poll    (stdin a host pipe) a child waits on stdin while the
 *                      parent has an alarm due later
 *   waits alarm-spin   (--real-time or --quantum) an interval timer interrupts a
 *                      loop that makes no system calls
 *   waits sigwait      sigwaitinfo takes a blocked signal another process sends,
 *                      sigtimedwait times out; FIONBIO makes a pipe non-blocking
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

static volatile sig_atomic_t handled;

static void on_signal(int sig)
{
    (void)sig;
    handled++;
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static int child_status(pid_t c)
{
    int st;
    if (waitpid(c, &st, 0) != c)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int semaphore(void)
{
    sem_t *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (s == MAP_FAILED || sem_init(&s[0], 1, 0) || sem_init(&s[1], 1, 0))
        return 1;
    pid_t c = fork();
    if (c == 0) {
        for (int i = 0; i < 3; i++) {
            sem_wait(&s[0]);
            printf("pong %d\n", i);
            fflush(stdout);
            sem_post(&s[1]);
        }
        _exit(0);
    }
    for (int i = 0; i < 3; i++) {
        printf("ping %d\n", i);
        fflush(stdout);
        sem_post(&s[0]);
        sem_wait(&s[1]);
    }
    printf("child status %d\n", child_status(c));
    return 0;
}

static int sleep_poll(void)
{
    pid_t c = fork();
    if (c == 0) {
        printf("child runs\n");
        fflush(stdout);
        _exit(7);
    }
    int st, polls = 0;
    while (waitpid(c, &st, WNOHANG) == 0 && polls < 1000) {
        usleep(1000);
        polls++;
    }
    printf("child exited %d after %d polls\n", WEXITSTATUS(st), polls);
    return 0;
}

static int poll_timeout(void)
{
    int a[2], b[2];
    if (pipe(a) || pipe(b))
        return 1;
    pid_t c = fork();
    if (c == 0) {
        char ch = 0;
        if (read(b[0], &ch, 1) != 1)
            _exit(99);
        _exit(ch);
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct pollfd pf = {a[0], POLLIN, 0};
    int r = poll(&pf, 1, 100);
    long ms = elapsed_ms(&t0);
    printf("poll -> %d after at least 100 ms: %s\n", r, ms >= 100 ? "yes" : "no");
    if (write(b[1], "\5", 1) != 1)
        return 1;
    printf("child status %d\n", child_status(c));
    return 0;
}

static int poll_signal(void)
{
    int p[2];
    if (pipe(p))
        return 1;
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigaction(SIGUSR1, &sa, NULL);
    pid_t c = fork();
    if (c == 0) {
        usleep(50000);
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    struct pollfd pf = {p[0], POLLIN, 0};
    int r = poll(&pf, 1, -1);
    printf("poll -> %d (%s), handler ran %d\n", r, r < 0 ? strerror(errno) : "-", (int)handled);
    printf("child status %d\n", child_status(c));
    return 0;
}

static int ppoll_mask(void)
{
    int p[2];
    if (pipe(p))
        return 1;
    sigset_t usr1, none, now;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGUSR1, &sa, NULL);
    pid_t c = fork();
    if (c == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    printf("child status %d\n", child_status(c));
    printf("handler ran %d before ppoll\n", (int)handled);
    struct pollfd pf = {p[0], POLLIN, 0};
    int r = ppoll(&pf, 1, NULL, &none);
    printf("ppoll -> %d (%s), handler ran %d\n", r, r < 0 ? strerror(errno) : "-", (int)handled);
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("SIGUSR1 blocked again: %s\n", sigismember(&now, SIGUSR1) ? "yes" : "no");
    struct timespec zero = {0, 0};
    r = ppoll(&pf, 1, &zero, &none);
    printf("ppoll with zero timeout -> %d\n", r);
    return 0;
}

static int futex_timeout(void)
{
    static uint32_t word;
    struct timespec t0, to = {0, 20000000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long r = syscall(SYS_futex, &word, FUTEX_WAIT, 0, &to, NULL, 0);
    long ms = elapsed_ms(&t0);
    printf("futex wait -> %ld (%s) after at least 20 ms: %s\n", r, r < 0 ? strerror(errno) : "-",
           ms >= 20 ? "yes" : "no");
    r = syscall(SYS_futex, &word, FUTEX_WAIT, 1, &to, NULL, 0);
    printf("futex wait on a changed word -> %ld (%s)\n", r, r < 0 ? strerror(errno) : "-");
    return 0;
}

static char big[150000];

/* A child reads the pipe to its end; the parent writes big at once,
 * with write() or with a three-piece writev(). */
static int pipe_whole(int vectored)
{
    int p[2];
    if (pipe(p))
        return 1;
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * (vectored ? 13 : 7));
    pid_t c = fork();
    if (c == 0) {
        close(p[1]);
        static char in[sizeof big];
        size_t total = 0;
        ssize_t n;
        while ((n = read(p[0], in + total, sizeof in - total)) > 0)
            total += (size_t)n;
        printf("child read %zu, same bytes: %s\n", total, memcmp(in, big, total) ? "no" : "yes");
        fflush(stdout);
        _exit(0);
    }
    close(p[0]);
    ssize_t w;
    if (vectored) {
        struct iovec iov[3] = {{big, 1000}, {big + 1000, 100000}, {big + 101000, sizeof big - 101000}};
        w = writev(p[1], iov, 3);
    } else {
        w = write(p[1], big, sizeof big);
    }
    printf("%s(%zu) -> %zd\n", vectored ? "writev" : "write", sizeof big, w);
    fflush(stdout);
    close(p[1]);
    printf("child status %d\n", child_status(c));
    return 0;
}

static int pipe_big(void)
{
    return pipe_whole(0);
}

static int writev_big(void)
{
    return pipe_whole(1);
}

static int sleep_kill(void)
{
    pid_t c = fork();
    if (c == 0)
        for (volatile unsigned long i = 0;; i++)
            ;
    usleep(10000);
    kill(c, SIGKILL);
    printf("child status %d\n", child_status(c));
    return 0;
}

static int alarm_(void)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGALRM, &sa, NULL);
    alarm(2);
    printf("alarm(10) after alarm(2) -> %u\n", alarm(10));
    printf("alarm(1) -> %u\n", alarm(1));
    int r = pause();
    printf("pause -> %d (%s), handler ran %d\n", r, strerror(errno), (int)handled);
    alarm(1);
    unsigned left = sleep(5);
    printf("sleep(5) ended by the alarm with %u s left, handler ran %d\n", left, (int)handled);
    alarm(3);
    printf("alarm(0) -> %u\n", alarm(0));
    return 0;
}

static int itimer(void)
{
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 250000}, {1, 0}}, cur;
    setitimer(ITIMER_REAL, &it, NULL);
    getitimer(ITIMER_REAL, &cur);
    printf("armed: interval %ld.%06ld s, value %ld.%06ld s\n", (long)cur.it_interval.tv_sec,
           (long)cur.it_interval.tv_usec, (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
    while (handled < 4)
        pause();
    it = (struct itimerval){{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &it, &cur);
    printf("ticks %d, then disarmed with %ld.%06ld s to go\n", (int)handled,
           (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
    return 0;
}

static volatile sig_atomic_t timer_code, timer_value;

static void on_timer(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    timer_code = si->si_code;
    timer_value = si->si_value.sival_int;
    handled++;
}

static int posix_timer(void)
{
    struct sigaction sa = {.sa_sigaction = on_timer, .sa_flags = SA_SIGINFO};
    sigaction(SIGUSR1, &sa, NULL);
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
    ev.sigev_value.sival_int = 42;
    timer_t t;
    if (timer_create(CLOCK_MONOTONIC, &ev, &t) != 0)
        return 1;
    struct itimerspec its = {{0, 0}, {0, 500000000}}, cur;
    timer_settime(t, 0, &its, NULL);
    timer_gettime(t, &cur);
    printf("armed for %ld.%09ld s\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
    pause();
    printf("expired: handler ran %d, si_code SI_TIMER: %s, value %d\n", (int)handled,
           timer_code == SI_TIMER ? "yes" : "no", (int)timer_value);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    its = (struct itimerspec){{0, 0}, {now.tv_sec + 2, now.tv_nsec}};
    timer_settime(t, TIMER_ABSTIME, &its, NULL);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pause();
    printf("absolute expiry after at least 2 s: %s\n", elapsed_ms(&t0) >= 1990 ? "yes" : "no");
    int first = timer_delete(t);
    printf("delete -> %d, then again: %s\n", first, timer_delete(t) != 0 ? "fails" : "works");
    return 0;
}

static void wait_report(pid_t c, int options)
{
    int st = 0;
    pid_t r = waitpid(c, &st, options);
    if (r != c)
        printf("waitpid -> %d (%s)\n", (int)r, r < 0 ? strerror(errno) : "nothing to report");
    else if (WIFSTOPPED(st))
        printf("waitpid: stopped by signal %d\n", WSTOPSIG(st));
    else if (WIFCONTINUED(st))
        printf("waitpid: continued\n");
    else if (WIFEXITED(st))
        printf("waitpid: exited %d\n", WEXITSTATUS(st));
    else
        printf("waitpid: killed by signal %d\n", WTERMSIG(st));
}

static int stop_cont(void)
{
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigaction(SIGCHLD, &sa, NULL);
    pid_t c = fork();
    if (c == 0) {
        struct sigaction ts = {.sa_handler = on_signal};
        sigaction(SIGTSTP, &ts, NULL);
        raise(SIGTSTP); /* caught: no stop */
        raise(SIGSTOP);
        printf("child continued, its handler ran %d\n", (int)handled);
        fflush(stdout);
        _exit(6);
    }
    wait_report(c, WUNTRACED);
    wait_report(c, WUNTRACED | WNOHANG); /* a stop is reported once */
    siginfo_t si = {0};
    printf("waitid WSTOPPED -> %d (the stop was reported already: pid %d)\n",
           waitid(P_PID, (id_t)c, &si, WSTOPPED | WNOHANG), (int)si.si_pid);
    kill(c, SIGCONT);
    wait_report(c, WCONTINUED);
    wait_report(c, 0);
    printf("SIGCHLD handler ran %d times (stop, continue, exit)\n", (int)handled);
    return 0;
}

static int timer_kill(void)
{
    signal(SIGCHLD, SIG_IGN);
    pid_t c = fork();
    if (c == 0) {
        struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGKILL};
        struct itimerspec its = {{0, 0}, {0, 1000000}};
        for (int i = 0; i < 3; i++) {
            timer_t t;
            timer_create(CLOCK_MONOTONIC, &ev, &t);
            timer_settime(t, 0, &its, NULL);
        }
        pause();
        _exit(1);
    }
    int r = waitpid(c, NULL, 0);
    printf("waitpid -> %d (%s)\n", r, r < 0 ? strerror(errno) : "-");
    return 0;
}

static int timer_ignored(void)
{
    signal(SIGALRM, SIG_IGN);
    struct itimerval it = {{0, 1000}, {0, 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
    struct timespec ts = {2000, 0};
    printf("nanosleep(2000 s) -> %d\n", nanosleep(&ts, NULL));
    return 0;
}

static timer_t overrun_timer;

static void on_overrun(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    printf("signal %d, si_overrun %d, timer_getoverrun %d\n", sig, si->si_overrun,
           timer_getoverrun(overrun_timer));
}

static int timer_overrun(void)
{
    struct sigaction sa = {.sa_sigaction = on_overrun, .sa_flags = SA_SIGINFO};
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
    timer_create(CLOCK_MONOTONIC, &ev, &overrun_timer);
    struct itimerspec its = {{0, 10000000}, {0, 10000000}}, off = {{0, 0}, {0, 0}};
    timer_settime(overrun_timer, 0, &its, NULL);
    struct timespec ts = {0, 505000000};
    nanosleep(&ts, NULL);
    sigprocmask(SIG_UNBLOCK, &m, NULL);
    timer_settime(overrun_timer, 0, &off, NULL);
    return 0;
}

static int host_poll(void)
{
    pid_t c = fork();
    if (c == 0) {
        struct pollfd pf = {0, POLLIN, 0};
        char buf[16];
        if (poll(&pf, 1, -1) == 1)
            printf("child read %zd\n", read(0, buf, sizeof buf));
        fflush(stdout);
        _exit(0);
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGALRM, &sa, NULL);
    alarm(5);
    sched_yield(); /* the child starts its wait while this one can still run */
    int st;
    if (waitpid(c, &st, 0) < 0) {
        printf("the alarm came first\n");
        kill(c, SIGKILL);
        waitpid(c, &st, 0);
    }
    printf("child status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    return 0;
}

static int alarm_spin(void)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 50000}};
    setitimer(ITIMER_REAL, &it, NULL);
    while (!handled)
        ; /* no system call: only the timer can end this */
    printf("the alarm came during the loop\n");
    return 0;
}

static int sigwait_(void)
{
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    pid_t parent = getpid(), c = fork();
    if (c == 0) {
        usleep(2000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    siginfo_t si;
    int sig = sigwaitinfo(&usr1, &si);
    printf("sigwaitinfo -> %d, from the child: %s, code SI_USER: %s\n", sig,
           si.si_pid == c ? "yes" : "no", si.si_code == SI_USER ? "yes" : "no");
    struct timespec t0, to = {0, 100000000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sig = sigtimedwait(&usr1, &si, &to);
    printf("sigtimedwait -> %d (%s) after at least 100 ms: %s\n", sig, sig < 0 ? strerror(errno) : "-",
           elapsed_ms(&t0) >= 100 ? "yes" : "no");
    printf("child status %d\n", child_status(c));
    int p[2], on = 1;
    char b;
    if (pipe(p) || ioctl(p[0], FIONBIO, &on) != 0)
        return 1;
    printf("read of an empty pipe after FIONBIO -> %zd (%s)\n", read(p[0], &b, 1), strerror(errno));
    return 0;
}

static uint32_t *shared_words(void)
{
    uint32_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return w == MAP_FAILED ? NULL : w;
}

static long futex(uint32_t *w, int op, uint32_t val, const struct timespec *t)
{
    return syscall(SYS_futex, w, op, val, t, NULL, 0);
}

static int futex_kick(void)
{
    uint32_t *w = shared_words();
    if (!w)
        return 1;
    pid_t c = fork();
    if (c == 0)
        _exit(futex(&w[0], FUTEX_WAIT, 0, NULL) == 0 ? 0 : 1);
    usleep(1000);
    printf("wake on another word -> %ld\n", futex(&w[1], FUTEX_WAKE, 1, NULL));
    printf("wake on the word -> %ld\n", futex(&w[0], FUTEX_WAKE, 1, NULL));
    printf("child status %d\n", child_status(c));
    return 0;
}

static int futex_restart(void)
{
    uint32_t *w = shared_words();
    if (!w)
        return 1;
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigaction(SIGUSR1, &sa, NULL);
    pid_t parent = getpid(), c = fork();
    if (c == 0) {
        usleep(1000);
        kill(parent, SIGUSR1);
        usleep(1000);
        __atomic_store_n(w, 1, __ATOMIC_SEQ_CST);
        futex(w, FUTEX_WAKE, 1, NULL);
        _exit(0);
    }
    long r = futex(w, FUTEX_WAIT, 0, NULL);
    printf("futex wait -> %ld, handler ran %d, word %u\n", r, (int)handled, *w);
    printf("child status %d\n", child_status(c));
    return 0;
}

static int sleep_left(void)
{
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigaction(SIGUSR1, &sa, NULL);
    pid_t parent = getpid(), c = fork();
    if (c == 0) {
        usleep(1500000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    struct timespec req = {5, 0}, rem = {-1, -1};
    int r = nanosleep(&req, &rem);
    printf("nanosleep -> %d (%s), left %ld.%09ld s\n", r, r ? strerror(errno) : "-",
           (long)rem.tv_sec, rem.tv_nsec);
    printf("child status %d\n", child_status(c));
    return 0;
}

static int ppoll_pending(void)
{
    sigset_t usr1, none;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    struct timespec zero = {0, 0};
    int r = ppoll(NULL, 0, &zero, &none);
    printf("ppoll -> %d (%s), handler ran %d\n", r, r < 0 ? strerror(errno) : "-", (int)handled);
    raise(SIGUSR1);
    r = pselect(0, NULL, NULL, NULL, &zero, &none);
    printf("pselect -> %d (%s), handler ran %d\n", r, r < 0 ? strerror(errno) : "-", (int)handled);
    return 0;
}

static int yield_spin(void)
{
    uint32_t *flag = shared_words();
    if (!flag)
        return 1;
    pid_t c = fork();
    if (c == 0) {
        usleep(1000);
        __atomic_store_n(flag, 1, __ATOMIC_SEQ_CST);
        _exit(3);
    }
    while (!__atomic_load_n(flag, __ATOMIC_SEQ_CST))
        sched_yield();
    printf("flag seen\n");
    printf("child status %d\n", child_status(c));
    return 0;
}

static int select_left(void)
{
    int p[2];
    if (pipe(p))
        return 1;
    struct timeval tv = {0, 300000};
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    int n = select(p[0] + 1, &r, NULL, NULL, &tv);
    printf("select -> %d, left %ld.%06ld s\n", n, (long)tv.tv_sec, (long)tv.tv_usec);
    if (write(p[1], "x", 1) != 1)
        return 1;
    tv = (struct timeval){2, 0};
    FD_SET(p[0], &r);
    n = select(p[0] + 1, &r, NULL, NULL, &tv);
    printf("select -> %d, left %ld.%06ld s\n", n, (long)tv.tv_sec, (long)tv.tv_usec);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(void);
    } modes[] = {
        {"semaphore", semaphore},       {"sleep-poll", sleep_poll},
        {"poll-timeout", poll_timeout}, {"poll-signal", poll_signal},
        {"ppoll-mask", ppoll_mask},     {"futex-timeout", futex_timeout},
        {"pipe-big", pipe_big},         {"sleep-kill", sleep_kill},
        {"futex-kick", futex_kick},     {"futex-restart", futex_restart},
        {"sleep-left", sleep_left},     {"ppoll-pending", ppoll_pending},
        {"writev-big", writev_big},     {"yield-spin", yield_spin},
        {"select-left", select_left},   {"alarm", alarm_},
        {"itimer", itimer},             {"posix-timer", posix_timer},
        {"stop-cont", stop_cont},       {"timer-kill", timer_kill},
        {"timer-ignored", timer_ignored}, {"timer-overrun", timer_overrun},
        {"host-poll", host_poll},       {"sigwait", sigwait_},
        {"alarm-spin", alarm_spin},
    };
    for (size_t i = 0; argc == 2 && i < sizeof modes / sizeof modes[0]; i++)
        if (!strcmp(argv[1], modes[i].name))
            return modes[i].fn();
    fprintf(stderr, "usage: waits MODE (see the source)\n");
    return 2;
}
