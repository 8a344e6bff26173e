/*
 * thread_sync.c - synchronisation between threads: mutexes (normal,
 * error-checking, recursive, trylock), condition variables (a bounded
 * queue, timed waits on both clocks), a barrier, a read-write lock, a
 * spin lock, semaphores, pthread_once, thread-specific data destructors,
 * a robust mutex whose owner dies (EOWNERDEAD, then ENOTRECOVERABLE when
 * not made consistent) and a priority-inheritance mutex under contention.
 *
 * Every check prints one line from the main thread, in a fixed order.
 * Exit 0 when all pass, else the code of the first failed check (20..39).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "thread_common.h"

/* --- mutex: a contended counter ------------------------------------------------- */

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        pthread_mutex_lock(&count_lock);
        long v = counter;
        if ((i & 255) == 0)
            sched_yield(); /* hold the lock across a switch now and then */
        counter = v + 1;
        pthread_mutex_unlock(&count_lock);
    }
    return NULL;
}

static void check_mutex(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        start(&t[i], count_worker, NULL);
    for (int i = 0; i < 4; i++)
        join(t[i]);
    char detail[64];
    snprintf(detail, sizeof detail, "counter %ld, expected 80000", counter);
    report(20, "mutex counter", counter == 80000, detail);
}

/* --- mutex kinds and trylock --------------------------------------------------- */

static pthread_mutex_t kind_lock;

static void *kind_other(void *arg)
{
    (void)arg;
    intptr_t r = 0;
    /* The main thread holds kind_lock (error-checking). */
    if (pthread_mutex_trylock(&kind_lock) != EBUSY)
        r |= 1;
    if (pthread_mutex_unlock(&kind_lock) != EPERM)
        r |= 2;
    return (void *)r;
}

static void check_mutex_kinds(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&kind_lock, &a);
    pthread_mutex_lock(&kind_lock);
    int ok = pthread_mutex_lock(&kind_lock) == EDEADLK;
    pthread_t t;
    start(&t, kind_other, NULL);
    intptr_t r = (intptr_t)join(t);
    pthread_mutex_unlock(&kind_lock);
    pthread_mutex_destroy(&kind_lock);
    const char *detail = !ok ? "relocking an error-checking mutex is not EDEADLK"
                         : (r & 1) ? "trylock of a mutex another thread holds is not EBUSY"
                                   : "unlock by a thread that does not own it is not EPERM";
    ok = ok && r == 0;

    pthread_mutex_t rec;
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rec, &a);
    if (ok && !(pthread_mutex_lock(&rec) == 0 && pthread_mutex_lock(&rec) == 0 &&
                pthread_mutex_unlock(&rec) == 0 && pthread_mutex_unlock(&rec) == 0 &&
                pthread_mutex_unlock(&rec) == EPERM))
        ok = 0, detail = "a recursive mutex does not count its locks";
    pthread_mutex_destroy(&rec);
    pthread_mutexattr_destroy(&a);
    report(21, "mutex kinds", ok, detail);
}

/* --- condition variable: a bounded queue ---------------------------------------- */

enum { QSIZE = 4, ITEMS = 2000 };
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_not_empty = PTHREAD_COND_INITIALIZER;
static int q_items[QSIZE], q_head, q_len, q_producers_left = 2;

static void *producer(void *arg)
{
    int base = (int)(intptr_t)arg;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&q_lock);
        while (q_len == QSIZE)
            pthread_cond_wait(&q_not_full, &q_lock);
        q_items[(q_head + q_len++) % QSIZE] = base + i;
        pthread_cond_signal(&q_not_empty);
        pthread_mutex_unlock(&q_lock);
    }
    pthread_mutex_lock(&q_lock);
    q_producers_left--;
    pthread_cond_broadcast(&q_not_empty);
    pthread_mutex_unlock(&q_lock);
    return NULL;
}

static void *consumer(void *arg)
{
    long sum = 0;
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&q_lock);
        while (q_len == 0 && q_producers_left > 0)
            pthread_cond_wait(&q_not_empty, &q_lock);
        if (q_len == 0) {
            pthread_mutex_unlock(&q_lock);
            break;
        }
        sum += q_items[q_head];
        q_head = (q_head + 1) % QSIZE;
        q_len--;
        pthread_cond_signal(&q_not_full);
        pthread_mutex_unlock(&q_lock);
    }
    return (void *)(intptr_t)sum;
}

static void check_condvar(void)
{
    pthread_t p[2], c[2];
    start(&c[0], consumer, NULL);
    start(&c[1], consumer, NULL);
    start(&p[0], producer, (void *)0);
    start(&p[1], producer, (void *)100000);
    join(p[0]);
    join(p[1]);
    long sum = (long)(intptr_t)join(c[0]) + (long)(intptr_t)join(c[1]);
    long want = 2L * ITEMS * (ITEMS + 1) / 2 + 100000L * ITEMS;
    char detail[80];
    snprintf(detail, sizeof detail, "consumed sum %ld, expected %ld", sum, want);
    report(22, "condvar queue", sum == want, detail);
}

/* --- timed waits ---------------------------------------------------------------------- */

static void check_timed(void)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t rt = PTHREAD_COND_INITIALIZER, mono;
    pthread_condattr_t a;
    struct timespec ts;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&mono, &a);
    pthread_condattr_destroy(&a);
    pthread_mutex_lock(&m);
    /* One already past on the realtime clock, 20 ms ahead on the monotonic one. */
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec -= 1;
    int r1 = pthread_cond_timedwait(&rt, &m, &ts);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    struct timespec begin = ts;
    ts.tv_nsec += 20000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    int r2 = pthread_cond_timedwait(&mono, &m, &ts);
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    pthread_mutex_unlock(&m);
    long waited = (end.tv_sec - begin.tv_sec) * 1000000000L + end.tv_nsec - begin.tv_nsec;
    int ok = r1 == ETIMEDOUT && r2 == ETIMEDOUT && waited >= 20000000;
    char detail[96];
    snprintf(detail, sizeof detail, "timedwait gave %d and %d%s", r1, r2,
             waited < 20000000 ? ", and returned early" : "");
    report(23, "timedwait", ok, detail);

    sem_t s;
    sem_init(&s, 0, 0);
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 5000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    int r = sem_timedwait(&s, &ts);
    report(24, "sem_timedwait", r == -1 && errno == ETIMEDOUT, "an empty semaphore's wait did not time out");
    sem_destroy(&s);
}

/* --- barrier -------------------------------------------------------------------------- */

enum { BN = 5, ROUNDS = 10 };
static pthread_barrier_t barrier;
static int slots[BN];

static void *barrier_worker(void *arg)
{
    int i = (int)(intptr_t)arg;
    intptr_t serial = 0, bad = 0;
    for (int round = 1; round <= ROUNDS; round++) {
        slots[i] = round;
        if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
            serial++;
        for (int j = 0; j < BN; j++)
            if (slots[j] != round)
                bad = 1;
        pthread_barrier_wait(&barrier);
    }
    return (void *)(bad ? -1 : serial);
}

static void check_barrier(void)
{
    pthread_t t[BN];
    pthread_barrier_init(&barrier, NULL, BN);
    for (int i = 0; i < BN; i++)
        start(&t[i], barrier_worker, (void *)(intptr_t)i);
    long serial = 0;
    int bad = 0;
    for (int i = 0; i < BN; i++) {
        intptr_t r = (intptr_t)join(t[i]);
        if (r < 0)
            bad = 1;
        else
            serial += r;
    }
    pthread_barrier_destroy(&barrier);
    report(25, "barrier", !bad && serial == ROUNDS,
           bad ? "a thread passed the barrier before all had arrived" : "not one serial thread per round");
}

/* --- read-write lock ------------------------------------------------------------------ */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t readers_in;
static int rw_value;

static void *reader(void *arg)
{
    (void)arg;
    pthread_rwlock_rdlock(&rw);
    /* All three readers hold the lock at once, or this never returns. */
    pthread_barrier_wait(&readers_in);
    int v = rw_value;
    pthread_rwlock_unlock(&rw);
    return (void *)(intptr_t)v;
}

static void *writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        pthread_rwlock_wrlock(&rw);
        int v = rw_value;
        if ((i & 127) == 0)
            sched_yield();
        rw_value = v + 1;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *try_reader(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)pthread_rwlock_tryrdlock(&rw);
}

static void check_rwlock(void)
{
    pthread_t t[3], w[2];
    pthread_barrier_init(&readers_in, NULL, 3);
    rw_value = 5;
    for (int i = 0; i < 3; i++)
        start(&t[i], reader, NULL);
    int ok = 1;
    for (int i = 0; i < 3; i++)
        if ((intptr_t)join(t[i]) != 5)
            ok = 0;
    pthread_barrier_destroy(&readers_in);
    start(&w[0], writer, NULL);
    start(&w[1], writer, NULL);
    join(w[0]);
    join(w[1]);
    ok = ok && rw_value == 2005;
    pthread_rwlock_wrlock(&rw);
    start(&t[0], try_reader, NULL);
    int busy = (int)(intptr_t)join(t[0]);
    pthread_rwlock_unlock(&rw);
    report(26, "rwlock", ok && busy == EBUSY,
           !ok ? "readers or writers lost an update" : "tryrdlock under a writer is not EBUSY");
}

/* --- spin lock: waiting threads spin, the run must not hang ---------------------------------- */

static pthread_spinlock_t spin;
static long spin_count;

static void *spin_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        pthread_spin_lock(&spin);
        spin_count++;
        pthread_spin_unlock(&spin);
    }
    return NULL;
}

static void check_spin(void)
{
    pthread_t t[3];
    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    for (int i = 0; i < 3; i++)
        start(&t[i], spin_worker, NULL);
    for (int i = 0; i < 3; i++)
        join(t[i]);
    pthread_spin_destroy(&spin);
    char detail[64];
    snprintf(detail, sizeof detail, "count %ld, expected 60000", spin_count);
    report(27, "spinlock", spin_count == 60000, detail);
}

/* --- semaphore ping-pong ------------------------------------------------------------------ */

static sem_t ping, pong;
static int volley[20], volleys;

static void *ponger(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10; i++) {
        sem_take(&ping);
        volley[volleys++] = 2;
        sem_post(&pong);
    }
    return NULL;
}

static void check_sem(void)
{
    pthread_t t;
    sem_init(&ping, 0, 0);
    sem_init(&pong, 0, 0);
    start(&t, ponger, NULL);
    for (int i = 0; i < 10; i++) {
        volley[volleys++] = 1;
        sem_post(&ping);
        sem_take(&pong);
    }
    join(t);
    int ok = volleys == 20;
    for (int i = 0; i < 20 && ok; i++)
        ok = volley[i] == 1 + (i & 1);
    report(28, "semaphores", ok, "ping and pong out of turn");
}

/* --- pthread_once and key destructors ---------------------------------------------------------- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static pthread_key_t key;
static int destructed;
static pthread_mutex_t destruct_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t once_barrier;

static void init_once(void)
{
    once_runs++;
    sched_yield(); /* the others arrive while it runs */
}

static void destructor(void *value)
{
    pthread_mutex_lock(&destruct_lock);
    destructed += (int)(intptr_t)value;
    pthread_mutex_unlock(&destruct_lock);
}

static void *once_worker(void *arg)
{
    pthread_barrier_wait(&once_barrier);
    pthread_once(&once, init_once);
    pthread_setspecific(key, arg);
    return (void *)(intptr_t)(pthread_getspecific(key) == arg);
}

static void check_once_key(void)
{
    enum { N = 8 };
    pthread_t t[N];
    int ok = 1;
    pthread_key_create(&key, destructor);
    pthread_barrier_init(&once_barrier, NULL, N);
    for (int i = 0; i < N; i++)
        start(&t[i], once_worker, (void *)(intptr_t)(i + 1));
    for (int i = 0; i < N; i++)
        if (join(t[i]) != (void *)1)
            ok = 0;
    pthread_barrier_destroy(&once_barrier);
    report(29, "pthread_once", once_runs == 1, "the init function did not run exactly once");
    char detail[64];
    snprintf(detail, sizeof detail, "destructors summed %d, expected 36", destructed);
    report(30, "key destructors", ok && destructed == 36, detail);
    pthread_key_delete(key);
}

/* --- robust mutex: the owner dies ----------------------------------------------------------- */

static pthread_mutex_t robust;
static sem_t robust_locked;

static void *die_holding(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&robust);
    sem_post(&robust_locked);
    usleep(10000); /* let the main thread block on it, most runs */
    return NULL;   /* ends holding the lock */
}

static void check_robust(void)
{
    pthread_mutexattr_t a;
    pthread_t t;
    pthread_mutexattr_init(&a);
    int ok = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) == 0;
    sem_init(&robust_locked, 0, 0);

    /* The owner dies; the next lock says so; made consistent, it works again. */
    pthread_mutex_init(&robust, &a);
    start(&t, die_holding, NULL);
    sem_take(&robust_locked);
    int r1 = pthread_mutex_lock(&robust); /* blocks until the owner is gone */
    join(t);
    int r2 = r1 == EOWNERDEAD ? pthread_mutex_consistent(&robust) : -1;
    int r3 = pthread_mutex_unlock(&robust);
    int r4 = pthread_mutex_lock(&robust);
    pthread_mutex_unlock(&robust);
    pthread_mutex_destroy(&robust);
    char detail[96];
    snprintf(detail, sizeof detail, "lock %d (EOWNERDEAD %d), consistent %d, unlock %d, relock %d", r1,
             EOWNERDEAD, r2, r3, r4);
    report(31, "robust owner died", ok && r1 == EOWNERDEAD && r2 == 0 && r3 == 0 && r4 == 0, detail);

    /* Not made consistent: unrecoverable. */
    pthread_mutex_init(&robust, &a);
    start(&t, die_holding, NULL);
    sem_take(&robust_locked);
    join(t);
    r1 = pthread_mutex_lock(&robust);
    if (r1 == EOWNERDEAD)
        pthread_mutex_unlock(&robust);
    r2 = pthread_mutex_lock(&robust);
    snprintf(detail, sizeof detail, "lock %d, then %d (ENOTRECOVERABLE %d)", r1, r2, ENOTRECOVERABLE);
    report(32, "robust not recovered", r1 == EOWNERDEAD && r2 == ENOTRECOVERABLE, detail);
    pthread_mutexattr_destroy(&a);
}

/* --- priority-inheritance mutex under contention --------------------------------------------- */

static pthread_mutex_t pi;
static long pi_count;
static sem_t pi_held, pi_release;

static void *pi_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5000; i++) {
        if (pthread_mutex_lock(&pi) != 0)
            return (void *)1;
        long v = pi_count;
        if ((i & 63) == 0)
            sched_yield(); /* the others block on the futex, in the kernel */
        pi_count = v + 1;
        if (pthread_mutex_unlock(&pi) != 0)
            return (void *)2;
    }
    return NULL;
}

static void *pi_holder(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&pi);
    sem_post(&pi_held);
    sem_take(&pi_release);
    pthread_mutex_unlock(&pi);
    return NULL;
}

static void check_pi(void)
{
    pthread_mutexattr_t a;
    pthread_t t[4];
    int proto = -1;
    pthread_mutexattr_init(&a);
    int ok = pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT) == 0 &&
             pthread_mutexattr_getprotocol(&a, &proto) == 0 && proto == PTHREAD_PRIO_INHERIT &&
             pthread_mutex_init(&pi, &a) == 0;
    pthread_mutexattr_destroy(&a);
    if (!ok) {
        report(33, "PI mutex", 0, "cannot make a PTHREAD_PRIO_INHERIT mutex");
        return;
    }
    for (int i = 0; i < 4; i++)
        start(&t[i], pi_worker, NULL);
    for (int i = 0; i < 4; i++)
        if (join(t[i]) != NULL)
            ok = 0;
    char detail[80];
    snprintf(detail, sizeof detail, "count %ld, expected 20000%s", pi_count, ok ? "" : ", a lock or unlock failed");
    report(33, "PI mutex", ok && pi_count == 20000, detail);

    /* Held by another thread: trylock is EBUSY, then the lock waits for it. */
    sem_init(&pi_held, 0, 0);
    sem_init(&pi_release, 0, 0);
    start(&t[0], pi_holder, NULL);
    sem_take(&pi_held);
    int r1 = pthread_mutex_trylock(&pi);
    sem_post(&pi_release);
    int r2 = pthread_mutex_lock(&pi);
    pthread_mutex_unlock(&pi);
    join(t[0]);
    pthread_mutex_destroy(&pi);
    snprintf(detail, sizeof detail, "trylock %d (EBUSY %d), lock %d", r1, EBUSY, r2);
    report(34, "PI trylock", r1 == EBUSY && r2 == 0, detail);
}

int main(void)
{
    check_mutex();
    check_mutex_kinds();
    check_condvar();
    check_timed();
    check_barrier();
    check_rwlock();
    check_spin();
    check_sem();
    check_once_key();
    check_robust();
    check_pi();
    return status;
}
