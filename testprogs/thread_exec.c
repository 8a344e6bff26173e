/*
 * thread_exec.c - execve from a thread that is not the main one: the
 * other threads end, the new image runs as the process's only thread,
 * with the process's pid as its tid.
 *
 *   thread_exec              the main thread waits in pthread_join, two
 *                            threads in a condition wait, a third execs
 *                            this program again as "thread_exec after1 PID"
 *   thread_exec after1 PID   checks, then the main thread calls pthread_exit
 *                            and the remaining thread execs "after2 PID"
 *   thread_exec after2 PID   checks again and exits
 *
 * The program is found by the /proc/self/exe link read at start (with the
 * main thread gone, /proc/self/exe cannot be read).
 *
 * Every image prints only what it checked, so the output is fixed.  Exit
 * 0 when all pass, else the code of the first failed check (70..79).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "thread_common.h"

static char *self;
static char exe[4096]; /* read at start: once the main thread is gone, /proc/self/exe is not */

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

static void *execer(void *arg)
{
    char pid[24];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    char *argv[] = {self, arg, pid, NULL};
    usleep(20000); /* the others are waiting (or gone) by now, most runs */
    execv(exe, argv);
    printf("execv from a thread failed\n");
    fflush(stdout);
    _exit(79);
}

static void check_image(const char *stage, const char *pid)
{
    char name[64], detail[96];
    snprintf(name, sizeof name, "%s: pid kept", stage);
    report(70, name, getpid() == atoi(pid), "the new image has another pid");
    snprintf(name, sizeof name, "%s: tid is pid", stage);
    report(71, name, syscall(SYS_gettid) == getpid(), "the new image's thread is not the main thread");
    int t = proc_threads(), n = proc_tasks();
    snprintf(name, sizeof name, "%s: one thread", stage);
    snprintf(detail, sizeof detail, "Threads: %d, %d entries in /proc/self/task", t, n);
    report(72, name, t == 1 && n == 1, detail);
}

int main(int argc, char **argv)
{
    pthread_t w[2], e;
    self = argv[0];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return 76;
    exe[len] = 0;
    if (argc == 3 && strcmp(argv[1], "after2") == 0) {
        check_image("after exec, main thread gone", argv[2]);
        return status;
    }
    if (argc == 3 && strcmp(argv[1], "after1") == 0) {
        check_image("after exec from a thread", argv[2]);
        if (status)
            return status;
        if (pthread_create(&e, NULL, execer, "after2") != 0)
            return 78;
        pthread_exit(NULL); /* the process goes on with one thread */
    }
    printf("before exec\n");
    fflush(stdout);
    for (int i = 0; i < 2; i++)
        if (pthread_create(&w[i], NULL, waiter, NULL) != 0)
            return 78;
    if (pthread_create(&e, NULL, execer, "after1") != 0)
        return 78;
    pthread_join(e, NULL);
    printf("the main thread outlived execve\n");
    return 77;
}
