/*
 * restart.c - how a system call waits: it blocks its task and runs again
 * from its syscall instruction when woken, or with a deadline on the
 * guest's monotonic clock.
 */
#include "emu/kernel/clock.h"
#include "emu/sys/sys.h"

#include <stdint.h>

void sys_wait_and_retry(struct sys *s, bool eintr)
{
    s->p->restart = true;
    s->p->restart_eintr = eintr;
    s->p->restart_rip = s->rip;
    proc_block(s->p);
    s->no_return = true;
    s->stop = true;
    /* A signal the wait's own mask lets in (rt_sigsuspend, ppoll) ends it
     * at once: the scheduler delivers it. */
    if (signal_ready(s->p))
        s->p->state = PROC_RUNNABLE;
}

/* A wait with a deadline ns from now.  The first call records the
 * deadline and blocks (the call is retried when woken); a retry at or
 * after the deadline returns true: the time is up.  When nothing else can
 * run, the scheduler moves the fixed clock to the earliest deadline (or,
 * with --real-time, sleeps until it). */
bool sys_wait_until(struct sys *s, uint64_t ns, bool eintr)
{
    struct proc *p = s->p;
    uint64_t now = emu_monotonic(s->emu);
    if (!p->wake_at) {
        if (!ns)
            return true;
        /* Past KTIME_MAX (about 292 years) Linux never wakes: no deadline. */
        p->wake_at = ns >= (uint64_t)INT64_MAX - now ? WAKE_NEVER : now + ns;
    } else if (now >= p->wake_at) {
        p->wake_at = 0;
        return true;
    }
    sys_wait_and_retry(s, eintr);
    return false;
}

