/*
 * thread_fork.c - fork in a threaded process: the child has one thread,
 * the one that called fork, which is now its main thread (tid == pid);
 * it can start threads of its own; the parent's threads go on.  Once
 * from a second thread (the main thread waits in pthread_join), once
 * from the main thread while three others wait on a condition variable.
 *
 * The child prints its lines before the parent waits for it, so the
 * order is fixed.  Exit 0 when all pass, else the code of the first
 * failed check (60..69).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "thread_common.h"

static void *child_thread(void *arg)
{
    return (void *)((intptr_t)arg + 1);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t arrived = PTHREAD_COND_INITIALIZER; /* not cond: no waiter wakes */
static int release, waiting, woke;

/* In the child: report, and exit with the first failed check's code. */
static void child(const char *who, pid_t parent)
{
    char name[64], detail[96];
    status = 0; /* the child's own checks only */
    snprintf(name, sizeof name, "child of %s: one thread", who);
    int t = proc_threads(), n = proc_tasks();
    snprintf(detail, sizeof detail, "Threads: %d, %d entries in /proc/self/task", t, n);
    report(60, name, t == 1 && n == 1, detail);
    snprintf(name, sizeof name, "child of %s: tid is pid", who);
    report(61, name, syscall(SYS_gettid) == getpid() && getppid() == parent, "gettid or getppid is wrong");
    pthread_t th;
    void *ret = NULL;
    snprintf(name, sizeof name, "child of %s: new thread", who);
    report(62, name, pthread_create(&th, NULL, child_thread, (void *)41) == 0 && pthread_join(th, &ret) == 0 &&
                         ret == (void *)42,
           "cannot start and join a thread");
    /* The mutex was free at fork: the child can use it. */
    snprintf(name, sizeof name, "child of %s: mutex", who);
    report(63, name, pthread_mutex_trylock(&lock) == 0, "a mutex free at fork is held in the child");
    _exit(status);
}

static int fork_and_wait(const char *who)
{
    pid_t parent = getpid();
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        child(who, parent);
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return -2;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void *forker(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)fork_and_wait("a thread");
}

static void *cond_waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    waiting++;
    pthread_cond_signal(&arrived);
    while (!release)
        pthread_cond_wait(&cond, &lock);
    woke++;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    pthread_t t, w[3];
    char detail[64];
    if (pthread_create(&t, NULL, forker, NULL) != 0)
        return 2;
    void *ret;
    pthread_join(t, &ret);
    snprintf(detail, sizeof detail, "the child exited %d", (int)(intptr_t)ret);
    report(64, "fork from a thread", ret == NULL, detail);

    for (int i = 0; i < 3; i++)
        if (pthread_create(&w[i], NULL, cond_waiter, NULL) != 0) {
            report(65, "fork with threads waiting", 0, "pthread_create failed");
            return status;
        }
    pthread_mutex_lock(&lock);
    while (waiting < 3)
        pthread_cond_wait(&arrived, &lock);
    pthread_mutex_unlock(&lock); /* the three wait in pthread_cond_wait now */
    int r = fork_and_wait("main");
    snprintf(detail, sizeof detail, "the child exited %d", r);
    report(65, "fork with threads waiting", r == 0, detail);
    pthread_mutex_lock(&lock);
    release = 1;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < 3; i++)
        pthread_join(w[i], NULL);
    report(66, "parent's threads go on", woke == 3, "the parent's waiting threads did not all wake");
    return status;
}
