/*
 * thread_segv.c - a thread that writes through a null pointer kills the
 * whole process with SIGSEGV (status 139 in a shell) while the main
 * thread waits in pthread_join; nothing after the fault is printed.
 * The other threads, one blocked in a condition wait and one sleeping,
 * end with it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static volatile int *volatile nowhere;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    for (;;)
        pthread_cond_wait(&never, &lock);
    return NULL;
}

static void *sleeper(void *arg)
{
    (void)arg;
    for (;;)
        sleep(1);
    return NULL;
}

static void *faulter(void *arg)
{
    (void)arg;
    usleep(1000); /* the others are waiting by now, most runs */
    *nowhere = 1;
    printf("faulter: survived the fault\n");
    return NULL;
}

int main(void)
{
    pthread_t w, s, f;
    printf("main: starting threads\n");
    fflush(stdout);
    if (pthread_create(&w, NULL, waiter, NULL) != 0 || pthread_create(&s, NULL, sleeper, NULL) != 0 ||
        pthread_create(&f, NULL, faulter, NULL) != 0)
        return 2;
    pthread_join(f, NULL);
    printf("main: the process outlived its faulting thread\n");
    return 1;
}
