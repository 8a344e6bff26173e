/*
 * thread_basic.c - the life of a thread: create and join, pthread_exit's
 * value, detached threads, a stack of the program's own, __thread
 * variables and errno per thread, 64 threads alive at once (and what
 * /proc says of them).
 *
 * Every check prints one line from the main thread, in a fixed order, so
 * the output does not depend on scheduling.  Exit 0 when all pass, else
 * the code of the first failed check (10..19).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "thread_common.h"

static pid_t tid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/* --- create and join ------------------------------------------------------- */

struct who {
    int index;
    pid_t pid, tid;
};

static void *who_am_i(void *arg)
{
    struct who *w = arg;
    w->pid = getpid();
    w->tid = tid();
    return (void *)(intptr_t)(w->index * 10 + 1);
}

static void check_create_join(void)
{
    enum { N = 4 };
    pthread_t t[N];
    struct who w[N];
    int ok = 1;
    char detail[128] = "";
    for (int i = 0; i < N; i++) {
        w[i].index = i;
        if (pthread_create(&t[i], NULL, who_am_i, &w[i]) != 0) {
            report(10, "create/join", 0, "pthread_create failed");
            return;
        }
    }
    for (int i = 0; i < N; i++) {
        void *ret;
        if (pthread_join(t[i], &ret) != 0 || (intptr_t)ret != i * 10 + 1) {
            ok = 0;
            snprintf(detail, sizeof detail, "thread %d returned %ld", i, (long)(intptr_t)ret);
        }
    }
    for (int i = 0; i < N && ok; i++) {
        if (w[i].pid != getpid()) {
            ok = 0;
            snprintf(detail, sizeof detail, "thread %d: getpid differs from the process's", i);
        } else if (w[i].tid == getpid() || w[i].tid == tid()) {
            ok = 0;
            snprintf(detail, sizeof detail, "thread %d: gettid is the main thread's", i);
        }
        for (int j = 0; j < i && ok; j++)
            if (w[j].tid == w[i].tid) {
                ok = 0;
                snprintf(detail, sizeof detail, "threads %d and %d have one tid", j, i);
            }
    }
    if (ok && tid() != getpid()) {
        ok = 0;
        snprintf(detail, sizeof detail, "the main thread's tid is not the pid");
    }
    report(10, "create/join", ok, detail);
}

/* --- pthread_exit from deep inside, pthread_self/equal ------------------------ */

static pthread_t exit_self;

static void __attribute__((noinline)) leave_inner(int value)
{
    pthread_exit((void *)(intptr_t)value);
}

static void __attribute__((noinline)) leave(int value)
{
    leave_inner(value + 2);
}

static void *exit_deep(void *arg)
{
    (void)arg;
    exit_self = pthread_self();
    leave(75);
    return NULL;
}

static void check_exit_value(void)
{
    pthread_t t;
    void *ret = NULL;
    if (pthread_create(&t, NULL, exit_deep, NULL) != 0 || pthread_join(t, &ret) != 0) {
        report(11, "pthread_exit", 0, "create or join failed");
        return;
    }
    char detail[64];
    snprintf(detail, sizeof detail, "join gave %ld, not 77", (long)(intptr_t)ret);
    int ok = (intptr_t)ret == 77 && pthread_equal(t, exit_self) && !pthread_equal(t, pthread_self());
    report(11, "pthread_exit", ok, (intptr_t)ret == 77 ? "pthread_self/pthread_equal disagree" : detail);
}

static int proc_threads(void);

/* --- detached threads ----------------------------------------------------------- */

static pthread_mutex_t detach_lock = PTHREAD_MUTEX_INITIALIZER;
static int detach_count;
static sem_t detach_done;

static void *detached(void *arg)
{
    if (arg)
        pthread_detach(pthread_self());
    pthread_mutex_lock(&detach_lock);
    detach_count++;
    pthread_mutex_unlock(&detach_lock);
    sem_post(&detach_done);
    return NULL;
}

static void check_detach(void)
{
    enum { N = 8 };
    pthread_attr_t attr;
    int state = -1;
    sem_init(&detach_done, 0, 0);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_getdetachstate(&attr, &state);
    int ok = state == PTHREAD_CREATE_DETACHED;
    /* Three waves: the stacks of exited detached threads are reused. */
    for (int wave = 0; wave < 3 && ok; wave++) {
        for (int i = 0; i < N; i++) {
            pthread_t t;
            if (pthread_create(&t, &attr, detached, NULL) != 0 ||
                pthread_create(&t, NULL, detached, (void *)1) != 0)
                ok = 0;
        }
        for (int i = 0; i < 2 * N && ok; i++)
            while (sem_wait(&detach_done) != 0 && errno == EINTR)
                ;
    }
    pthread_attr_destroy(&attr);
    pthread_mutex_lock(&detach_lock);
    char detail[64];
    snprintf(detail, sizeof detail, "%d of %d detached threads ran", detach_count, 6 * N);
    ok = ok && detach_count == 6 * N;
    pthread_mutex_unlock(&detach_lock);
    report(12, "detach", ok, detail);
    /* A detached thread may still be ending after its post: wait until
     * the process is down to one thread, so the counts below are exact. */
    for (int i = 0; i < 200 && proc_threads() != 1; i++)
        usleep(1000);
}

/* --- a stack the program gives, and a small one --------------------------------- */

static void *on_stack(void *arg)
{
    char *base = arg;
    char local;
    /* Use 64 KiB of the stack so a wrong stack pointer shows. */
    volatile char big[65536];
    for (size_t i = 0; i < sizeof big; i += 4096)
        big[i] = (char)i;
    if (base && (&local < base || &local >= base + (1 << 20)))
        return (void *)1;
    return (void *)(intptr_t)(big[4096] == (char)4096 ? 0 : 2);
}

static void check_stack(void)
{
    size_t size = 1 << 20;
    char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    pthread_attr_t attr;
    pthread_t t;
    void *ret = (void *)9;
    int ok = stack != MAP_FAILED;
    pthread_attr_init(&attr);
    ok = ok && pthread_attr_setstack(&attr, stack, size) == 0 &&
         pthread_create(&t, &attr, on_stack, stack) == 0 && pthread_join(t, &ret) == 0 && ret == NULL;
    pthread_attr_destroy(&attr);
    const char *detail = ret == (void *)1 ? "a local is not on the given stack" : "thread on its own stack failed";
    if (ok) {
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 256 << 10);
        ok = pthread_create(&t, &attr, on_stack, NULL) == 0 && pthread_join(t, &ret) == 0 && ret == NULL;
        pthread_attr_destroy(&attr);
        detail = "thread with a 256 KiB stack failed";
    }
    report(13, "stacks", ok, detail);
}

/* --- __thread variables ------------------------------------------------------- */

static __thread int tls_init = 42;
static __thread int tls_zero;
static __thread char tls_name[16] = "main";
static pthread_barrier_t tls_barrier;

static void *tls_worker(void *arg)
{
    int i = (int)(intptr_t)arg;
    int bad = 0;
    if (tls_init != 42 || tls_zero != 0 || strcmp(tls_name, "main") != 0)
        bad = 1; /* a new thread starts from the image, not from main's values */
    tls_init = 100 + i;
    tls_zero = i + 1;
    snprintf(tls_name, sizeof tls_name, "t%d", i);
    pthread_barrier_wait(&tls_barrier); /* every thread has written its own */
    char want[16];
    snprintf(want, sizeof want, "t%d", i);
    if (tls_init != 100 + i || tls_zero != i + 1 || strcmp(tls_name, want) != 0)
        bad = 2;
    pthread_barrier_wait(&tls_barrier);
    return (void *)(intptr_t)bad;
}

static void check_tls(void)
{
    enum { N = 8 };
    pthread_t t[N];
    int ok = 1;
    const char *detail = "";
    tls_init = 7;
    tls_zero = -1;
    strcpy(tls_name, "changed");
    pthread_barrier_init(&tls_barrier, NULL, N);
    for (int i = 0; i < N; i++)
        if (pthread_create(&t[i], NULL, tls_worker, (void *)(intptr_t)i) != 0) {
            report(14, "__thread", 0, "pthread_create failed");
            return;
        }
    for (int i = 0; i < N; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        if (ret == (void *)1)
            ok = 0, detail = "a new thread did not start with the initial values";
        else if (ret != NULL)
            ok = 0, detail = "a thread saw another thread's values";
    }
    if (tls_init != 7 || tls_zero != -1 || strcmp(tls_name, "changed") != 0)
        ok = 0, detail = "the main thread's values changed";
    pthread_barrier_destroy(&tls_barrier);
    report(14, "__thread", ok, detail);
}

/* --- errno per thread --------------------------------------------------------------- */

static pthread_barrier_t errno_barrier;
static int *errno_addr[4];

static void *errno_worker(void *arg)
{
    int i = (int)(intptr_t)arg;
    int want = 0;
    switch (i) {
    case 0:
        open("/nonexistent/faultline", O_RDONLY);
        want = ENOENT;
        break;
    case 1:
        close(-1);
        want = EBADF;
        break;
    case 2:
        mkdir("/", 0755);
        want = EEXIST;
        break;
    default:
        errno = ERANGE; /* set by hand */
        want = ERANGE;
        break;
    }
    errno_addr[i] = &errno;
    pthread_barrier_wait(&errno_barrier); /* all have set theirs */
    pthread_barrier_wait(&errno_barrier); /* main has set its own */
    return (void *)(intptr_t)(errno == want ? 0 : 1);
}

static void check_errno(void)
{
    pthread_t t[4];
    int ok = 1;
    const char *detail = "a thread's errno changed under it";
    pthread_barrier_init(&errno_barrier, NULL, 5);
    for (int i = 0; i < 4; i++)
        if (pthread_create(&t[i], NULL, errno_worker, (void *)(intptr_t)i) != 0) {
            report(15, "errno", 0, "pthread_create failed");
            exit(status); /* the others wait on a barrier that never fills */
        }
    pthread_barrier_wait(&errno_barrier);
    errno = EINTR;
    pthread_barrier_wait(&errno_barrier);
    for (int i = 0; i < 4; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        if (ret != NULL)
            ok = 0;
        if (errno_addr[i] == &errno)
            ok = 0, detail = "a thread's errno is the main thread's";
    }
    if (errno != EINTR)
        ok = 0, detail = "the main thread's errno changed";
    pthread_barrier_destroy(&errno_barrier);
    report(15, "errno", ok, detail);
}

/* --- 64 threads at once ---------------------------------------------------------------- */

enum { MANY = 64 };
static pthread_barrier_t many_barrier;

static void *many_worker(void *arg)
{
    long i = (long)(intptr_t)arg;
    pthread_barrier_wait(&many_barrier); /* all 64 alive */
    pthread_barrier_wait(&many_barrier); /* main has looked at /proc */
    return (void *)(intptr_t)(i * i);
}

static void check_many(void)
{
    pthread_t t[MANY];
    int created = 0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 128 << 10);
    pthread_barrier_init(&many_barrier, NULL, MANY + 1);
    for (int i = 0; i < MANY; i++) {
        if (pthread_create(&t[i], &attr, many_worker, (void *)(intptr_t)i) != 0)
            break;
        created++;
    }
    pthread_attr_destroy(&attr);
    if (created != MANY) {
        char detail[64];
        snprintf(detail, sizeof detail, "only %d threads created", created);
        report(16, "64 threads", 0, detail);
        exit(status); /* the created ones wait on a barrier that never fills */
    }
    pthread_barrier_wait(&many_barrier);
    int threads = proc_threads(), tasks = proc_tasks();
    pthread_barrier_wait(&many_barrier);
    long sum = 0;
    for (int i = 0; i < MANY; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        sum += (long)(intptr_t)ret;
    }
    char detail[96];
    snprintf(detail, sizeof detail, "sum of results %ld, expected %ld", sum, 63L * 64 * 127 / 6);
    report(16, "64 threads", sum == 63L * 64 * 127 / 6, detail);
    snprintf(detail, sizeof detail, "Threads: %d and %d entries in /proc/self/task, expected 65", threads, tasks);
    report(17, "/proc threads", threads == MANY + 1 && tasks == MANY + 1, detail);
    /* A joined thread's tid is cleared before Linux has removed it from
     * the process: allow it a moment. */
    for (int i = 0; i < 200 && proc_threads() != 1; i++)
        usleep(1000);
    snprintf(detail, sizeof detail, "Threads: %d after the joins, expected 1", proc_threads());
    report(18, "/proc after join", proc_threads() == 1 && proc_tasks() == 1, detail);
}

int main(void)
{
    check_create_join();
    check_exit_value();
    check_detach();
    check_stack();
    check_tls();
    check_errno();
    check_many();
    return status;
}
