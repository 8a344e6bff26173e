/* show.h - what the call-by-call testprogs print: one line per check, the
 * result or -1 and the error's text (the same natively and emulated); a
 * short nap and a child's reaping. */
#ifndef TESTPROGS_SHOW_H
#define TESTPROGS_SHOW_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

static inline void show(const char *what, long r)
{
    if (r < 0)
        printf("%s: -1 %s\n", what, strerror(errno));
    else
        printf("%s: %ld\n", what, r);
}

/* A tenth of a second: long enough for a child to reach its wait. */
static inline void nap(void)
{
    struct timespec ts = {0, 100000000};
    nanosleep(&ts, NULL);
}

/* Wait for pid: its exit code, or 128 + the signal that ended it. */
static inline int reap(pid_t pid)
{
    int st;
    waitpid(pid, &st, 0);
    fflush(stdout);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#endif
