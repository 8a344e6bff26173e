/*
 * thread_signal.c - signals and threads: pthread_kill reaches the thread
 * it names, a signal a thread blocks stays pending on that thread only, a
 * process-directed signal goes to a thread that does not block it, masks
 * and alternate stacks are per thread, a fault is handled on the thread
 * that faulted, and cancellation (at a blocking read, in a condition
 * wait, at pthread_testcancel in a busy loop, deferred while disabled)
 * runs the cleanup handlers and joins as PTHREAD_CANCELED.
 *
 * Every check prints one line from the main thread, in a fixed order.
 * Exit 0 when all pass, else the code of the first failed check (40..59).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "thread_common.h"

static int blocked(int sig)
{
    sigset_t s;
    pthread_sigmask(SIG_BLOCK, NULL, &s);
    return sigismember(&s, sig);
}

static sem_t ready;
static volatile sig_atomic_t got;
static pthread_t handler_thread;

static void record(int sig)
{
    (void)sig;
    handler_thread = pthread_self();
    got = 1;
}

/* Block sig, say so, then wait for it with sigsuspend (no lost wake-up). */
static void *suspend_for(void *arg)
{
    int sig = (int)(intptr_t)arg;
    sigset_t none;
    block(SIG_BLOCK, sig);
    sigemptyset(&none);
    sem_post(&ready);
    while (!got)
        sigsuspend(&none);
    return NULL;
}

/* --- pthread_kill to one thread ------------------------------------------------ */

static void check_kill(void)
{
    pthread_t t;
    got = 0;
    handle(SIGUSR1, record, 0);
    start(&t, suspend_for, (void *)(intptr_t)SIGUSR1);
    sem_take(&ready);
    int r = pthread_kill(t, SIGUSR1); /* the main thread does not block it */
    join(t);
    report(40, "pthread_kill", r == 0 && got && pthread_equal(handler_thread, t),
           "the handler did not run on the target thread");
    /* Signal 0 checks that a thread exists. */
    got = 0;
    start(&t, suspend_for, (void *)(intptr_t)SIGUSR1);
    sem_take(&ready);
    int r0 = pthread_kill(t, 0);
    pthread_kill(t, SIGUSR1);
    join(t);
    report(41, "pthread_kill 0", r0 == 0, "signal 0 to a live thread failed");
    handle(SIGUSR1, SIG_DFL, 0);
}

/* --- a blocked signal pends on its thread only ------------------------------------ */

static sem_t sent;

static void *pend_worker(void *arg)
{
    (void)arg;
    sigset_t set, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    sem_post(&ready);
    sem_take(&sent);
    sigpending(&pend);
    intptr_t r = sigismember(&pend, SIGUSR2) ? 0 : 1;
    int sig = 0;
    if (sigwait(&set, &sig) != 0 || sig != SIGUSR2)
        r |= 2;
    sigpending(&pend);
    if (sigismember(&pend, SIGUSR2))
        r |= 4;
    return (void *)r;
}

static void check_pending(void)
{
    pthread_t t;
    block(SIG_BLOCK, SIGUSR2);
    start(&t, pend_worker, NULL);
    sem_take(&ready);
    pthread_kill(t, SIGUSR2);
    sigset_t pend;
    sigpending(&pend);
    int mine = sigismember(&pend, SIGUSR2);
    sem_post(&sent);
    intptr_t r = (intptr_t)join(t);
    block(SIG_UNBLOCK, SIGUSR2);
    const char *detail = mine       ? "a signal sent to another thread is pending on the main thread"
                         : (r & 1) ? "the target thread does not see its pending signal"
                         : (r & 2) ? "sigwait did not take it"
                                   : "still pending after sigwait";
    report(42, "per-thread pending", !mine && r == 0, detail);
}

/* --- a process-directed signal goes to the thread that takes it ------------------------------ */

static void *unblocked_waiter(void *arg)
{
    sigset_t none;
    (void)arg;
    block(SIG_UNBLOCK, SIGUSR1);
    sigemptyset(&none);
    sem_post(&ready);
    /* Blocked everywhere else, so only this thread can take it. */
    while (!got)
        sigsuspend(&none);
    return NULL;
}

static void check_process_signal(void)
{
    pthread_t t;
    got = 0;
    handle(SIGUSR1, record, 0);
    block(SIG_BLOCK, SIGUSR1); /* the new thread inherits it, then unblocks */
    start(&t, unblocked_waiter, NULL);
    sem_take(&ready);
    kill(getpid(), SIGUSR1);
    join(t);
    int still = blocked(SIGUSR1);
    block(SIG_UNBLOCK, SIGUSR1);
    handle(SIGUSR1, SIG_DFL, 0);
    report(43, "kill to the process", got && pthread_equal(handler_thread, t) && still,
           "not taken by the one thread that does not block it");
}

/* --- masks are per thread, and inherited at creation -------------------------------------------- */

static void *mask_worker(void *arg)
{
    (void)arg;
    intptr_t r = blocked(SIGHUP) ? 0 : 1; /* inherited from the creator */
    block(SIG_BLOCK, SIGTERM);
    block(SIG_UNBLOCK, SIGHUP);
    sem_post(&ready);
    sem_take(&sent);
    return (void *)r;
}

static void check_masks(void)
{
    pthread_t t;
    block(SIG_BLOCK, SIGHUP);
    start(&t, mask_worker, NULL);
    sem_take(&ready);
    int ok = !blocked(SIGTERM) && blocked(SIGHUP);
    sem_post(&sent);
    int inherited = join(t) == NULL;
    block(SIG_UNBLOCK, SIGHUP);
    report(44, "per-thread masks", ok && inherited,
           !inherited ? "a new thread did not inherit its creator's mask" : "another thread's mask changed the main one's");
}

/* --- a fault is handled on the thread that faulted -------------------------------------------- */

static __thread sigjmp_buf fault_jmp;
static pthread_t fault_thread;
static volatile int *volatile nowhere;

static void on_fault(int sig)
{
    (void)sig;
    fault_thread = pthread_self();
    siglongjmp(fault_jmp, 1);
}

static void *faulter(void *arg)
{
    (void)arg;
    if (sigsetjmp(fault_jmp, 1) == 0) {
        *nowhere = 1;
        return (void *)1;
    }
    return NULL;
}

static void check_fault(void)
{
    pthread_t t;
    handle(SIGSEGV, on_fault, SA_NODEFER);
    start(&t, faulter, NULL);
    void *r = join(t);
    handle(SIGSEGV, SIG_DFL, 0);
    report(45, "fault on its thread", r == NULL && pthread_equal(fault_thread, t),
           "the SIGSEGV handler did not run on the faulting thread");
}

/* --- sigaltstack is per thread ----------------------------------------------------------------- */

static char alt_mem[65536];
static volatile sig_atomic_t on_alt;

static void on_urg(int sig)
{
    char local;
    (void)sig;
    on_alt = &local >= alt_mem && &local < alt_mem + sizeof alt_mem;
    got = 1;
}

static void *alt_worker(void *arg)
{
    (void)arg;
    stack_t ss = {.ss_sp = alt_mem, .ss_size = sizeof alt_mem, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0)
        return (void *)1;
    got = 0;
    on_alt = 0;
    pthread_kill(pthread_self(), SIGURG);
    intptr_t r = got && on_alt ? 0 : 2;
    sem_post(&ready);
    sem_take(&sent);
    return (void *)r;
}

static void check_altstack(void)
{
    pthread_t t;
    stack_t old;
    handle(SIGURG, on_urg, SA_ONSTACK);
    start(&t, alt_worker, NULL);
    sem_take(&ready);
    /* The worker's stack is set; the main thread's is not. */
    sigaltstack(NULL, &old);
    got = 0;
    on_alt = 1;
    raise(SIGURG);
    int main_ok = (old.ss_flags & SS_DISABLE) && got && !on_alt;
    sem_post(&sent);
    intptr_t r = (intptr_t)join(t);
    handle(SIGURG, SIG_DFL, 0);
    const char *detail = r == 1 ? "sigaltstack failed"
                         : r    ? "the worker's handler did not run on its alternate stack"
                                : "the main thread has the worker's alternate stack";
    report(46, "per-thread sigaltstack", r == 0 && main_ok, detail);
}

/* --- cancellation ----------------------------------------------------------------------------- */

static int cleanups;
static int cancel_pipe[2];

static void cleanup(void *arg)
{
    cleanups += (int)(intptr_t)arg;
}

static void *cancel_in_read(void *arg)
{
    char c;
    (void)arg;
    pthread_cleanup_push(cleanup, (void *)1);
    sem_post(&ready);
    for (;;)
        read(cancel_pipe[0], &c, 1); /* nobody writes: a cancellation point that blocks */
    pthread_cleanup_pop(0);
    return NULL;
}

static pthread_mutex_t cancel_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cancel_cond = PTHREAD_COND_INITIALIZER;

static void unlock_cleanup(void *arg)
{
    pthread_mutex_unlock(arg);
    cleanups += 10;
}

static void *cancel_in_wait(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&cancel_lock);
    pthread_cleanup_push(unlock_cleanup, &cancel_lock);
    sem_post(&ready);
    for (;;)
        pthread_cond_wait(&cancel_cond, &cancel_lock);
    pthread_cleanup_pop(0);
    return NULL;
}

static volatile long spins;

static void *cancel_busy(void *arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, (void *)100);
    sem_post(&ready);
    for (;;) {
        spins++;
        pthread_testcancel();
    }
    pthread_cleanup_pop(0);
    return NULL;
}

static void *cancel_disabled(void *arg)
{
    (void)arg;
    int old;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    sem_post(&ready);
    sem_take(&sent);  /* the cancel request arrives meanwhile */
    usleep(1000);     /* a cancellation point, but cancellation is off */
    pthread_cleanup_push(cleanup, (void *)1000);
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
    pthread_testcancel();
    pthread_cleanup_pop(0);
    return (void *)1; /* not cancelled */
}

static void check_cancel(void)
{
    pthread_t t;
    if (pipe(cancel_pipe) != 0) {
        report(47, "cancel in read", 0, "pipe failed");
        return;
    }
    start(&t, cancel_in_read, NULL);
    sem_take(&ready);
    int r = pthread_cancel(t);
    void *ret = join(t);
    report(47, "cancel in read", r == 0 && ret == PTHREAD_CANCELED && cleanups == 1,
           ret != PTHREAD_CANCELED ? "did not join as PTHREAD_CANCELED" : "the cleanup handler did not run");

    start(&t, cancel_in_wait, NULL);
    sem_take(&ready);
    pthread_cancel(t);
    ret = join(t);
    /* The cleanup handler unlocked the mutex the wait had retaken. */
    int relock = pthread_mutex_trylock(&cancel_lock);
    if (relock == 0)
        pthread_mutex_unlock(&cancel_lock);
    report(48, "cancel in cond_wait", ret == PTHREAD_CANCELED && cleanups == 11 && relock == 0,
           relock ? "the mutex is still held" : "not cancelled, or the cleanup did not run");

    start(&t, cancel_busy, NULL);
    sem_take(&ready);
    pthread_cancel(t);
    ret = join(t);
    report(49, "cancel at testcancel", ret == PTHREAD_CANCELED && cleanups == 111,
           "a busy thread calling pthread_testcancel was not cancelled");

    start(&t, cancel_disabled, NULL);
    sem_take(&ready);
    pthread_cancel(t);
    sem_post(&sent);
    ret = join(t);
    report(50, "cancel deferred", ret == PTHREAD_CANCELED && cleanups == 1111,
           ret == (void *)1 ? "the pending request was lost" : "cancelled while disabled, or no cleanup");
    close(cancel_pipe[0]);
    close(cancel_pipe[1]);
}

int main(void)
{
    sem_init(&ready, 0, 0);
    sem_init(&sent, 0, 0);
    check_kill();
    check_pending();
    check_process_signal();
    check_masks();
    check_fault();
    check_altstack();
    check_cancel();
    return status;
}
