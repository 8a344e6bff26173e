/*
 * thread_common.h - what the thread testprogs (thread_*.c) share: a
 * check's report (the first failed check's code is the exit status), a
 * join that returns the thread's value, and how many threads
 * /proc/self/status and /proc/self/task count.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>

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
