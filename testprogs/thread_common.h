/*
 * thread_common.h - what the thread testprogs (thread_*.c) share: a
 * check's report (the first failed check's code is the exit status),
 * starting and joining a thread, a semaphore wait that EINTR does not
 * end, a handler and a one-signal mask change, and how many threads
 * /proc/self/status and /proc/self/task count.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int status;

static inline void report(int code, const char *name, int ok, const char *detail)
{
    if (ok) {
        printf("%s: ok\n", name);
    } else {
        printf("%s: FAIL %s\n", name, detail);
        if (!status)
            status = code;
    }
    fflush(stdout);
}

/* pthread_create, or exit 99 saying so. */
static inline void start(pthread_t *t, void *(*fn)(void *), void *arg)
{
    if (pthread_create(t, NULL, fn, arg) != 0) {
        printf("pthread_create failed\n");
        exit(99);
    }
}

static inline void sem_take(sem_t *s)
{
    while (sem_wait(s) != 0 && errno == EINTR)
        ;
}

/* sig's handler fn (or SIG_DFL, SIG_IGN) with sa_flags flags. */
static inline void handle(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* pthread_sigmask(how) of sig alone. */
static inline void block(int how, int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    pthread_sigmask(how, &s, NULL);
}

static inline void *join(pthread_t t)
{
    void *ret = NULL;
    pthread_join(t, &ret);
    return ret;
}

static inline int proc_tasks(void)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static inline int proc_threads(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    fclose(f);
    return n;
}
