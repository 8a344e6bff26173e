/*
 * thread_pending.c - the process-wide pending set.  A signal kill()ed
 * while every thread blocks it stays pending for the process: each
 * thread's sigpending shows it (/proc's ShdPnd too, SigPnd not), and the
 * thread that unblocks it first takes it.  sigwait in one thread takes a
 * kill()ed signal that all threads block; sigtimedwait takes one that was
 * pending before it was called.  A pthread_kill()ed signal is seen only
 * by its thread's sigpending (SigPnd), and is lost when that thread
 * exits.  A timer's signal goes to the one thread that does not block
 * it; SIGEV_THREAD_ID's to the thread it names.  A fatal signal pending
 * for the process ends every thread when one thread unblocks it, and at
 * once, inside kill(), when some thread does not block it.
 *
 * Every check prints one line from the main thread, in a fixed order.
 * Exit 0 when all pass, else the code of the first failed check (60..79).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "thread_common.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

static int pending(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigpending(&s);
    return sigismember(&s, sig);
}

/* The bit of sig in the calling thread's /proc status line key
 * ("SigPnd" or "ShdPnd"); -1 when it cannot be read. */
static int status_bit(const char *key, int sig)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/self/task/%ld/status", (long)syscall(SYS_gettid));
    FILE *f = fopen(path, "r");
    unsigned long long v = 0;
    int found = -1;
    if (!f)
        return -1;
    size_t n = strlen(key);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ':' && sscanf(line + n + 1, "%llx", &v) == 1)
            found = (v >> (sig - 1)) & 1;
    fclose(f);
    return found;
}

static sem_t ready, go, done;
static volatile sig_atomic_t got;
static pthread_t taker;

static void record(int sig)
{
    (void)sig;
    taker = pthread_self();
    got++;
}

/* --- kill() while every thread blocks it ---------------------------------------- */

/* A worker's view of a pending SIGUSR1, bit by bit (0: all as expected). */
static intptr_t view_process_pending(void)
{
    intptr_t r = 0;
    if (!pending(SIGUSR1))
        r |= 1;
    if (status_bit("ShdPnd", SIGUSR1) != 1 || status_bit("SigPnd", SIGUSR1) != 0)
        r |= 2;
    return r;
}

struct worker {
    pthread_t t;
    int unblocks;
    sem_t go;
};

static void *blocked_worker(void *arg)
{
    struct worker *w = arg;
    intptr_t r;
    sem_post(&ready);
    sem_take(&w->go);
    r = view_process_pending();
    if (w->unblocks) {
        block(SIG_UNBLOCK, SIGUSR1); /* delivered before this returns */
        if (got != 1 || !pthread_equal(taker, pthread_self()))
            r |= 4;
    }
    sem_post(&done);
    sem_take(&w->go);
    if (pending(SIGUSR1))
        r |= 8; /* still pending after it was taken */
    return (void *)r;
}

static void check_blocked_everywhere(void)
{
    struct worker w[2] = {{.unblocks = 0}, {.unblocks = 1}};
    got = 0;
    handle(SIGUSR1, record, 0);
    block(SIG_BLOCK, SIGUSR1); /* the workers inherit it */
    for (int i = 0; i < 2; i++) {
        sem_init(&w[i].go, 0, 0);
        start(&w[i].t, blocked_worker, &w[i]);
        sem_take(&ready);
    }
    kill(getpid(), SIGUSR1);
    int main_sees = pending(SIGUSR1) && status_bit("ShdPnd", SIGUSR1) == 1 &&
                    status_bit("SigPnd", SIGUSR1) == 0;
    int early = got;
    /* The first worker looks; then the second looks and unblocks. */
    sem_post(&w[0].go);
    sem_take(&done);
    sem_post(&w[1].go);
    sem_take(&done);
    int main_after = pending(SIGUSR1);
    sem_post(&w[0].go);
    sem_post(&w[1].go);
    intptr_t r0 = (intptr_t)join(w[0].t), r1 = (intptr_t)join(w[1].t);
    block(SIG_UNBLOCK, SIGUSR1);
    handle(SIGUSR1, SIG_DFL, 0);
    report(60, "kill while all block: pending everywhere", main_sees && !early && !(r0 & 3) && !(r1 & 3),
           !main_sees ? "the main thread's sigpending or ShdPnd does not show it"
                      : early ? "delivered although every thread blocks it"
                              : "a worker's sigpending or ShdPnd does not show it");
    report(61, "kill while all block: the unblocker takes it", !(r1 & 4) && got == 1,
           "not delivered to the thread that unblocked it, when it did");
    report(62, "kill while all block: taken once", !main_after && !(r0 & 8) && !(r1 & 8),
           "still pending after a thread took it");
}

/* --- sigwait for a kill()ed signal ---------------------------------------------------- */

static void *waiter(void *arg)
{
    (void)arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    siginfo_t si;
    sem_post(&ready);
    int sig = sigwaitinfo(&set, &si);
    intptr_t r = sig == SIGUSR2 && si.si_code == SI_USER && si.si_pid == getpid() ? 0 : 1;
    return (void *)r;
}

static void *bystander(void *arg)
{
    (void)arg;
    sem_post(&ready);
    sem_take(&go);
    return (void *)(intptr_t)pending(SIGUSR2);
}

static void check_sigwait(void)
{
    pthread_t w, b;
    block(SIG_BLOCK, SIGUSR2);
    start(&b, bystander, NULL);
    start(&w, waiter, NULL);
    sem_take(&ready);
    sem_take(&ready);
    kill(getpid(), SIGUSR2); /* the waiter takes it, in its sigwaitinfo or as it gets there */
    intptr_t wr = (intptr_t)join(w);
    int left = pending(SIGUSR2);
    sem_post(&go);
    intptr_t br = (intptr_t)join(b);
    report(63, "sigwaitinfo takes a kill()ed signal", wr == 0,
           "not received, or si_code/si_pid wrong");
    report(64, "sigwaitinfo: gone for all", !left && !br, "still pending after sigwaitinfo took it");

    /* Pending before the wait starts: sigtimedwait takes it at once. */
    kill(getpid(), SIGUSR2);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    struct timespec ts = {0, 0};
    int sig = sigtimedwait(&set, NULL, &ts);
    int again = sigtimedwait(&set, NULL, &ts);
    int eagain = again < 0 && errno == EAGAIN;
    block(SIG_UNBLOCK, SIGUSR2);
    report(65, "sigtimedwait takes one already pending", sig == SIGUSR2 && eagain,
           sig != SIGUSR2 ? "not taken" : "taken twice");
}

/* --- pthread_kill pends on its thread only --------------------------------------------- */

static void *own_pending(void *arg)
{
    intptr_t target = (intptr_t)arg, r = 0;
    sem_post(&ready);
    sem_take(&go);
    if (pending(SIGUSR1) != target)
        r |= 1;
    if (status_bit("SigPnd", SIGUSR1) != target || status_bit("ShdPnd", SIGUSR1) != 0)
        r |= 2;
    if (target) {
        sigset_t set;
        int sig = 0;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        if (sigwait(&set, &sig) != 0 || sig != SIGUSR1 || pending(SIGUSR1))
            r |= 4;
    }
    return (void *)r;
}

static void check_thread_pending(void)
{
    pthread_t t[2];
    block(SIG_BLOCK, SIGUSR1);
    start(&t[0], own_pending, (void *)1);
    start(&t[1], own_pending, (void *)0);
    sem_take(&ready);
    sem_take(&ready);
    pthread_kill(t[0], SIGUSR1);
    int mine = pending(SIGUSR1) || status_bit("SigPnd", SIGUSR1) != 0 || status_bit("ShdPnd", SIGUSR1) != 0;
    sem_post(&go);
    sem_post(&go);
    intptr_t r0 = (intptr_t)join(t[0]), r1 = (intptr_t)join(t[1]);
    block(SIG_UNBLOCK, SIGUSR1);
    report(66, "pthread_kill: only its thread sees it", !mine && !(r0 & 3) && !(r1 & 3),
           mine ? "the main thread sees another thread's signal"
                : (r0 & 3) ? "the target's sigpending or SigPnd does not show it"
                           : "a third thread sees it");
    report(67, "pthread_kill: sigwait takes it", !(r0 & 4), "sigwait on the target failed");
}

/* A thread-directed signal dies with its thread: it never reaches the process. */
static void *exit_with_pending(void *arg)
{
    (void)arg;
    block(SIG_BLOCK, SIGUSR1);
    pthread_kill(pthread_self(), SIGUSR1);
    return (void *)(intptr_t)pending(SIGUSR1);
}

static void check_lost_with_thread(void)
{
    pthread_t t;
    got = 0;
    handle(SIGUSR1, record, 0);
    start(&t, exit_with_pending, NULL);
    intptr_t had = (intptr_t)join(t);
    int now = pending(SIGUSR1);
    handle(SIGUSR1, SIG_DFL, 0);
    report(68, "pthread_kill: lost with its thread", had && !now && !got,
           !had ? "not pending on the thread" : "it reached another thread");
}

/* A one-shot timer in ns on CLOCK_MONOTONIC that signals signo as notify
 * says (to thread tid for SIGEV_THREAD_ID); 1 when it is set. */
static int arm_timer(timer_t *id, int notify, int signo, pid_t tid, long ns)
{
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = notify;
    ev.sigev_signo = signo;
    if (notify == SIGEV_THREAD_ID)
        ev.sigev_notify_thread_id = tid;
    struct itimerspec its = {{0, 0}, {0, ns}};
    return timer_create(CLOCK_MONOTONIC, &ev, id) == 0 && timer_settime(*id, 0, &its, NULL) == 0;
}

/* --- timers --------------------------------------------------------------------------- */

static void *timer_taker(void *arg)
{
    (void)arg;
    sigset_t none;
    sigemptyset(&none);
    block(SIG_UNBLOCK, SIGALRM);
    sem_post(&ready);
    while (!got)
        sigsuspend(&none);
    return NULL;
}

static void check_timer(void)
{
    pthread_t t;
    timer_t id;
    got = 0;
    handle(SIGALRM, record, 0);
    block(SIG_BLOCK, SIGALRM);
    start(&t, timer_taker, NULL);
    sem_take(&ready);
    int made = arm_timer(&id, SIGEV_SIGNAL, SIGALRM, 0, 10 * 1000 * 1000);
    join(t);
    int ok = made && got == 1 && pthread_equal(taker, t) && !pending(SIGALRM);
    if (made)
        timer_delete(id);
    block(SIG_UNBLOCK, SIGALRM);
    handle(SIGALRM, SIG_DFL, 0);
    report(69, "timer signal to the thread that takes it", ok,
           !made ? "timer_create failed" : "not delivered to the one thread that does not block it");
}

static volatile pid_t target_tid;

static void *thread_timer_target(void *arg)
{
    (void)arg;
    intptr_t r = 0;
    target_tid = (pid_t)syscall(SYS_gettid);
    sem_post(&ready);
    sem_take(&go); /* the timer has fired */
    if (!pending(SIGUSR2) || status_bit("SigPnd", SIGUSR2) != 1)
        r = 1;
    sigset_t set;
    int sig = 0;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    if (sigwait(&set, &sig) != 0 || sig != SIGUSR2)
        r |= 2;
    return (void *)r;
}

static void check_thread_timer(void)
{
    pthread_t t;
    timer_t id;
    block(SIG_BLOCK, SIGUSR2);
    start(&t, thread_timer_target, NULL);
    sem_take(&ready);
    int made = arm_timer(&id, SIGEV_THREAD_ID, SIGUSR2, target_tid, 1000 * 1000);
    struct timespec nap = {0, 20 * 1000 * 1000};
    nanosleep(&nap, NULL);
    int mine = pending(SIGUSR2);
    sem_post(&go);
    intptr_t r = (intptr_t)join(t);
    if (made)
        timer_delete(id);
    block(SIG_UNBLOCK, SIGUSR2);
    report(70, "SIGEV_THREAD_ID timer to its thread", made && !mine && r == 0,
           !made ? "timer_create failed" : mine ? "pending on the main thread" : "not pending on its thread");
}

/* --- fatal signals end every thread ------------------------------------------------------------ */

static void *spin(void *arg)
{
    (void)arg;
    sem_post(&ready); /* running, with its own mask in place */
    for (;;)
        sched_yield();
    return NULL;
}

static void *unblock_later(void *arg)
{
    (void)arg;
    sem_take(&go);
    block(SIG_UNBLOCK, SIGTERM); /* the process dies here */
    printf("survived the unblock\n");
    fflush(stdout);
    return NULL;
}

/* In a child: how=0 every thread blocks SIGTERM until one unblocks it;
 * how=1 one thread does not block it, and kill() ends the process. */
static int fatal_child(int how)
{
    pthread_t a, b;
    block(SIG_BLOCK, SIGTERM);
    start(&a, spin, NULL);
    sem_take(&ready);
    if (how == 0) {
        start(&b, unblock_later, NULL);
        kill(getpid(), SIGTERM);
        if (!pending(SIGTERM))
            return 3;
        sem_post(&go);
        join(b);
        return 4;
    }
    block(SIG_UNBLOCK, SIGTERM);
    start(&b, spin, NULL); /* this one does not block it */
    sem_take(&ready);
    block(SIG_BLOCK, SIGTERM);
    kill(getpid(), SIGTERM);
    printf("survived kill\n");
    fflush(stdout);
    return 5;
}

static void check_fatal(int code, const char *name, int how)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(fatal_child(how));
    int st = 0;
    waitpid(pid, &st, 0);
    report(code, name, WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
           WIFEXITED(st) ? "the process lived on" : "killed by another signal");
}

int main(void)
{
    sem_init(&ready, 0, 0);
    sem_init(&go, 0, 0);
    sem_init(&done, 0, 0);
    check_blocked_everywhere();
    check_sigwait();
    check_thread_pending();
    check_lost_with_thread();
    check_timer();
    check_thread_timer();
    check_fatal(71, "fatal signal once unblocked ends all", 0);
    check_fatal(72, "fatal kill ends all at once", 1);
    return status;
}
