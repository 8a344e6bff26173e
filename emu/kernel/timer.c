/*
 * timer.c - alarm, setitimer(ITIMER_REAL) and POSIX timers
 * (timer_create and friends), all on the guest's monotonic clock.  With
 * the default fixed clock a timer expires when the clock gets there: a
 * process blocked or sleeping lets time jump to the next expiry (see
 * the scheduler in proc.c), so `timeout 1 sleep 5` ends after one guest
 * second, at once and the same way on every run.  An expiry sends the
 * timer's signal (SIGALRM for alarm), with si_code SI_TIMER for POSIX
 * timers; an interval timer is re-armed, counting the periods it missed
 * as overruns.  Time wakes are the deadlines of files whose readiness
 * changes with time (timerfds): reaching one wakes every blocked task.
 */
#include "emu/kernel/clock.h"
#include "emu/kernel/proc.h"
#include "emu/kernel/thread.h"

#include <errno.h>
#include <signal.h>
#include <time.h>


/* The thread t signals, or NULL for the process. */
static struct proc *timer_thread(struct emu *emu, struct proc *p, const struct ptimer *t)
{
    return t->tid ? thread_by_tid(emu, p->tg->tgid, t->tid) : NULL;
}

struct sigqueue *timer_queue(struct emu *emu, struct proc *p, const struct ptimer *t)
{
    struct proc *to = timer_thread(emu, p, t);
    if (t->tid)
        return to ? &to->sig.pending : NULL;
    return &p->tg->shared_pending;
}

/* Would t's expiry change anything now?  Not when its signal is ignored
 * (it would be discarded) or already pending (it only counts an
 * overrun): such a timer does not make time pass to it. */
static bool timer_matters(struct emu *emu, struct proc *p, const struct ptimer *t)
{
    const struct sigqueue *q = timer_queue(emu, p, t);
    if (!t->notify || !q)
        return false;
    const struct linux_sigaction *act = &p->tg->act[t->signo];
    struct proc *to = timer_thread(emu, p, t);
    bool blocked = (to ? to : p)->sig.blocked & LINUX_SIGBIT(t->signo);
    bool ignored = act->handler == LINUX_SIG_IGN ||
                   (act->handler == LINUX_SIG_DFL && !signal_default(t->signo) && t->signo != LINUX_SIGCONT);
    if (ignored && !blocked)
        return false;
    return !(q->set & LINUX_SIGBIT(t->signo));
}

static void fire(struct emu *emu, struct proc *p, int i, uint64_t now)
{
    struct ptimer *t = &p->tg->timers[i];
    uint64_t missed = t->interval ? (now - t->at) / t->interval : 0;
    if (t->interval)
        t->at += (missed + 1) * t->interval;
    else
        t->at = 0;
    struct sigqueue *q = timer_queue(emu, p, t);
    if (!t->notify || !q)
        return;
    struct ksiginfo *pend = &q->info[t->signo];
    if (i > 0 && (q->set & LINUX_SIGBIT(t->signo)) && pend->code == LINUX_SI_TIMER &&
        pend->pid == i - 1) {
        /* Still pending: these expiries are overruns of that signal. */
        uint64_t o = (uint64_t)t->overrun + missed + 1;
        t->overrun = o > INT32_MAX ? INT32_MAX : (int)o;
        pend->uid = t->overrun;
        return;
    }
    t->overrun = missed > INT32_MAX ? INT32_MAX : (int)missed;
    struct ksiginfo si = {.signo = t->signo};
    if (i == 0) {
        si.code = LINUX_SI_KERNEL; /* as Linux sends SIGALRM for alarm */
    } else {
        si.code = LINUX_SI_TIMER;
        si.pid = i - 1;
        si.uid = t->overrun;
        si.value = t->value;
    }
    struct proc *to = timer_thread(emu, p, t);
    if (to)
        proc_signal(emu, to, &si);
    else
        proc_signal_process(emu, p, &si);
}

/* Fire p's due timers; false when that ended p (a timer's SIGKILL). */
static bool fire_due(struct emu *emu, struct proc *p, uint64_t now)
{
    for (int i = 0; i < PTIMERS; i++) {
        if (!p->tg->timers[i].at || p->tg->timers[i].at > now)
            continue;
        int pid = p->pid;
        fire(emu, p, i, now);
        if (proc_by_pid(emu, pid) != p || p->state == PROC_ZOMBIE)
            return false;
    }
    return true;
}

void timewake_set(struct emu *emu, struct timewake *w, uint64_t at)
{
    bool linked = w->at != 0;
    if (linked && !at) {
        if (w->prev)
            w->prev->next = w->next;
        else
            emu->timewakes = w->next;
        if (w->next)
            w->next->prev = w->prev;
        w->prev = w->next = NULL;
    } else if (!linked && at) {
        w->prev = NULL;
        w->next = emu->timewakes;
        if (w->next)
            w->next->prev = w;
        emu->timewakes = w;
    }
    bool changed = w->at != at;
    w->at = at;
    if (changed)
        proc_timers_changed(emu);
}

/* Disarm the time wakes that are due; true when there was one (every
 * blocked task must look again). */
static bool timewakes_due(struct emu *emu, uint64_t now)
{
    bool any = false;
    for (struct timewake *w = emu->timewakes, *next; w; w = next) {
        next = w->next;
        if (w->at <= now) {
            timewake_set(emu, w, 0);
            any = true;
        }
    }
    return any;
}

void timers_fire(struct emu *emu)
{
    uint64_t now = emu_monotonic(emu);
    if (timewakes_due(emu, now))
        proc_wake_all(emu);
    for (int k = 0; k < emu->nprocs; k++) {
        struct proc *p = emu->procs[k];
        if (p && p->state != PROC_ZOMBIE)
            fire_due(emu, p, now);
    }
}

void timers_check(struct emu *emu, struct proc *p)
{
    for (int i = 0; i < PTIMERS; i++)
        if (p->tg->timers[i].at) {
            fire_due(emu, p, emu_monotonic(emu));
            return;
        }
}

uint64_t timers_next(struct emu *emu)
{
    uint64_t next = UINT64_MAX;
    for (const struct timewake *w = emu->timewakes; w; w = w->next)
        if (w->at < next)
            next = w->at;
    for (int k = 0; k < emu->nprocs; k++) {
        struct proc *p = emu->procs[k];
        if (!p || p->state == PROC_ZOMBIE)
            continue;
        for (int i = 0; i < PTIMERS; i++)
            if (p->tg->timers[i].at && p->tg->timers[i].at < next && timer_matters(emu, p, &p->tg->timers[i]))
                next = p->tg->timers[i].at;
    }
    return next;
}

void timers_exec(struct proc *p)
{
    /* execve keeps the alarm and drops the POSIX timers, as Linux does. */
    for (int i = 1; i < PTIMERS; i++)
        p->tg->timers[i] = (struct ptimer){0};
}
