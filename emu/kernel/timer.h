/*
 * timer.h - a task's timers on the guest's monotonic clock: the interval
 * timer (alarm, setitimer ITIMER_REAL) and timer_create's.
 */
#ifndef FAULTLINE_KERNEL_TIMER_H
#define FAULTLINE_KERNEL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/* Timers on the guest's monotonic clock: [0] is the interval timer
 * (alarm, setitimer ITIMER_REAL), the others timer_create's (id = index - 1). */
#define PTIMERS 9
struct ptimer {
    bool used;           /* a timer_create slot in use ([0] always is) */
    bool notify;         /* send signo when it expires (not SIGEV_NONE) */
    int signo;
    int clock;           /* the clock it was created on */
    int overrun;
    uint64_t at;         /* the next expiry, guest monotonic ns; 0: disarmed */
    uint64_t interval;   /* ns; 0: one shot */
    uint64_t value;      /* sigev_value */
    int tid;             /* SIGEV_THREAD_ID: the thread it signals; 0: the process */
};

/* A moment at which a file's readiness changes by time alone (a
 * timerfd's expiry).  While armed it is in the machine's list: it counts
 * as a deadline for the scheduler (the fixed clock may jump to it), and
 * when the guest clock reaches it every blocked task is woken to look
 * again and it is disarmed.  Owned by the file it is embedded in. */
struct timewake {
    uint64_t at;                    /* guest monotonic ns; 0: disarmed */
    struct timewake *prev, *next;   /* the machine's list (emu->timewakes) */
};

struct emu;
struct proc;
struct sigqueue;

/* Arm w for guest monotonic time at (0 disarms it: do so before freeing
 * it). */
void timewake_set(struct emu *emu, struct timewake *w, uint64_t at);

/* Fire what is due in every live process, and the due time wakes. */
void timers_fire(struct emu *emu);
/* Fire p's timers that are due (a busy process meets its own alarm). */
void timers_check(struct emu *emu, struct proc *p);
/* The earliest expiry that matters of any live process, or time wake
 * (UINT64_MAX: none). */
uint64_t timers_next(struct emu *emu);
/* The queue timer t of p's process signals into: the process's shared
 * one, or its thread's (NULL when that thread is gone: the expiry is
 * lost, as on Linux). */
struct sigqueue *timer_queue(struct emu *emu, struct proc *p, const struct ptimer *t);
/* execve drops timer_create's timers and keeps the alarm. */
void timers_exec(struct proc *p);

#endif
