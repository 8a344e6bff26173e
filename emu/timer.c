/*
 * timer.c - alarm, setitimer(ITIMER_REAL) and POSIX timers
 * (timer_create and friends), all on the guest's monotonic clock.  With
 * the default fixed clock a timer expires when the clock gets there: a
 * process blocked or sleeping lets time jump to the next expiry (see
 * the scheduler in proc.c), so `timeout 1 sleep 5` ends after one guest
 * second, at once and the same way on every run.  An expiry sends the
 * timer's signal (SIGALRM for alarm), with si_code SI_TIMER for POSIX
 * timers; an interval timer is re-armed, counting the periods it missed
 * as overruns.
 */
#include "proc.h"

#include <errno.h>
#include <signal.h>
#include <time.h>

#define NS 1000000000ULL
#define ITIMER_REAL_K 0
#define SIGEV_SIGNAL_K 0
#define SIGEV_NONE_K 1
#define SIGEV_THREAD_ID_K 4
#define TIMER_ABSTIME_K 1

/* Would t's expiry change anything now?  Not when its signal is ignored
 * (it would be discarded) or already pending (it only counts an
 * overrun): such a timer does not make time pass to it. */
static bool timer_matters(const struct proc *p, const struct ptimer *t)
{
    if (!t->notify)
        return false;
    const struct k_sigaction *act = &p->sig.act[t->signo];
    bool blocked = p->sig.blocked & (1ULL << (t->signo - 1));
    bool ignored = act->handler == 1 /* SIG_IGN */ ||
                   (act->handler == 0 && !signal_default(t->signo) && t->signo != SIGCONT);
    if (ignored && !blocked)
        return false;
    return !(p->sig.pending & (1ULL << (t->signo - 1)));
}

static void fire(struct emu *emu, struct proc *p, int i, uint64_t now)
{
    struct ptimer *t = &p->timers[i];
    uint64_t missed = t->interval ? (now - t->at) / t->interval : 0;
    if (t->interval)
        t->at += (missed + 1) * t->interval;
    else
        t->at = 0;
    if (!t->notify)
        return;
    struct siginfo_k *pend = &p->sig.info[t->signo];
    if (i > 0 && (p->sig.pending & (1ULL << (t->signo - 1))) && pend->code == SI_TIMER_K &&
        pend->pid == i - 1) {
        /* Still pending: these expiries are overruns of that signal. */
        uint64_t o = (uint64_t)t->overrun + missed + 1;
        t->overrun = o > INT32_MAX ? INT32_MAX : (int)o;
        pend->uid = t->overrun;
        return;
    }
    t->overrun = missed > INT32_MAX ? INT32_MAX : (int)missed;
    struct siginfo_k si = {.signo = t->signo};
    if (i == 0) {
        si.code = 0x80; /* SI_KERNEL, as Linux sends SIGALRM for alarm */
    } else {
        si.code = SI_TIMER_K;
        si.pid = i - 1;
        si.uid = t->overrun;
        si.value = t->value;
    }
    proc_signal(emu, p, &si);
}

/* Fire p's due timers; false when that ended p (a timer's SIGKILL). */
static bool fire_due(struct emu *emu, struct proc *p, uint64_t now)
{
    for (int i = 0; i < PTIMERS; i++) {
        if (!p->timers[i].at || p->timers[i].at > now)
            continue;
        int pid = p->pid;
        fire(emu, p, i, now);
        if (proc_by_pid(emu, pid) != p || p->state == PROC_ZOMBIE)
            return false;
    }
    return true;
}

void timers_fire(struct emu *emu)
{
    uint64_t now = emu_monotonic(emu);
    for (int k = 0; k < emu->nprocs; k++) {
        struct proc *p = emu->procs[k];
        if (p && p->state != PROC_ZOMBIE)
            fire_due(emu, p, now);
    }
}

void timers_check(struct emu *emu, struct proc *p)
{
    for (int i = 0; i < PTIMERS; i++)
        if (p->timers[i].at) {
            fire_due(emu, p, emu_monotonic(emu));
            return;
        }
}

uint64_t timers_next(struct emu *emu)
{
    uint64_t next = UINT64_MAX;
    for (int k = 0; k < emu->nprocs; k++) {
        struct proc *p = emu->procs[k];
        if (!p || p->state == PROC_ZOMBIE)
            continue;
        for (int i = 0; i < PTIMERS; i++)
            if (p->timers[i].at && p->timers[i].at < next && timer_matters(p, &p->timers[i]))
                next = p->timers[i].at;
    }
    return next;
}

void timers_exec(struct proc *p)
{
    /* execve keeps the alarm and drops the POSIX timers, as Linux does. */
    for (int i = 1; i < PTIMERS; i++)
        p->timers[i] = (struct ptimer){0};
}

/* --- reading and setting ------------------------------------------------------------------ */

/* A {sec, sub} pair (timeval: sub_per_sec 10^6, timespec: 10^9) as ns. */
static long pair_in(struct sys *s, uint64_t addr, uint64_t sub_per_sec, uint64_t out[2])
{
    int64_t v[4];
    if (copy_in(s, v, addr, sizeof v) < 0)
        return -EFAULT;
    for (int k = 0; k < 2; k++) {
        int64_t sec = v[2 * k], sub = v[2 * k + 1];
        if (sec < 0 || sub < 0 || (uint64_t)sub >= sub_per_sec)
            return -EINVAL;
        uint64_t cap = (uint64_t)INT64_MAX / NS - 1; /* deadlines stay below KTIME_MAX */
        out[k] = ((uint64_t)sec > cap ? cap : (uint64_t)sec) * NS + (uint64_t)sub * (NS / sub_per_sec);
    }
    return 0;
}

/* A timer's {interval, time left} as the guest reads it. */
static long pair_out(struct sys *s, uint64_t addr, const struct ptimer *t, uint64_t sub_per_sec)
{
    uint64_t now = emu_monotonic(s->emu);
    uint64_t left = t->at ? (t->at > now ? t->at - now : 1) : 0;
    int64_t v[4] = {(int64_t)(t->interval / NS), (int64_t)(t->interval % NS / (NS / sub_per_sec)),
                    (int64_t)(left / NS), (int64_t)(left % NS / (NS / sub_per_sec))};
    if (sub_per_sec == 1000000 && left && !v[2] && !v[3])
        v[3] = 1; /* a timer still armed never reads as 0 */
    return copy_out(s, addr, v, sizeof v) < 0 ? -EFAULT : 0;
}

static void arm(struct sys *s, struct ptimer *t, uint64_t value, uint64_t interval)
{
    uint64_t now = emu_monotonic(s->emu);
    t->interval = interval;
    t->overrun = 0;
    t->at = value ? now + value : 0;
    proc_timers_changed(s->emu);
}

SYS(alarm)
{
    struct ptimer *t = &s->p->timers[0];
    uint64_t now = emu_monotonic(s->emu), left = t->at > now ? t->at - now : 0;
    /* The seconds left, rounded as Linux rounds them. */
    long old = (long)(left / NS) + ((left % NS) >= NS / 2 || (left && left < NS) ? 1 : 0);
    t->signo = SIGALRM;
    t->notify = true;
    t->used = true;
    arm(s, t, (s->a[0] & 0xffffffff) * NS, 0);
    return old;
}

SYS(getitimer)
{
    if ((int)s->a[0] != ITIMER_REAL_K)
        return (int)s->a[0] == 1 || (int)s->a[0] == 2 ? -ENOSYS : -EINVAL;
    return pair_out(s, s->a[1], &s->p->timers[0], 1000000);
}

/* Only the real-time timer: CPU-time timers (ITIMER_VIRTUAL, ITIMER_PROF)
 * are not modelled and say so. */
SYS(setitimer)
{
    if ((int)s->a[0] != ITIMER_REAL_K)
        return (int)s->a[0] == 1 || (int)s->a[0] == 2 ? -ENOSYS : -EINVAL;
    struct ptimer *t = &s->p->timers[0];
    uint64_t v[2] = {0, 0};
    if (s->a[1]) {
        long err = pair_in(s, s->a[1], 1000000, v);
        if (err)
            return err;
    }
    if (s->a[2] && pair_out(s, s->a[2], t, 1000000) < 0)
        return -EFAULT;
    t->signo = SIGALRM;
    t->notify = true;
    t->used = true;
    arm(s, t, v[1], v[1] ? v[0] : 0);
    return 0;
}

/* A timer set again or deleted takes back its signal still pending. */
static void drop_pending(struct proc *p, const struct ptimer *t)
{
    const struct siginfo_k *si = &p->sig.info[t->signo];
    uint64_t bit = 1ULL << (t->signo - 1);
    if (t->notify && (p->sig.pending & bit) && si->code == SI_TIMER_K && si->pid == (int)(t - p->timers) - 1)
        p->sig.pending &= ~bit;
}

static struct ptimer *posix_timer(struct sys *s, uint64_t id)
{
    if (id >= PTIMERS - 1)
        return NULL;
    struct ptimer *t = &s->p->timers[id + 1];
    return t->used ? t : NULL;
}

SYS(timer_create)
{
    int clock = (int)s->a[0];
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME &&
        clock != CLOCK_REALTIME_ALARM && clock != CLOCK_BOOTTIME_ALARM && clock != CLOCK_TAI)
        return -EINVAL; /* CPU-time clocks are not modelled */
    int slot = 1;
    while (slot < PTIMERS && s->p->timers[slot].used)
        slot++;
    if (slot == PTIMERS)
        return -EAGAIN;
    struct ptimer t = {.used = true, .notify = true, .signo = SIGALRM, .clock = clock,
                       .value = (uint64_t)(slot - 1)};
    if (s->a[1]) {
        struct { uint64_t value; int32_t signo, notify, tid; } ev;
        if (copy_in(s, &ev, s->a[1], sizeof ev) < 0)
            return -EFAULT;
        if (ev.notify == SIGEV_NONE_K) {
            t.notify = false;
        } else if (ev.notify == SIGEV_SIGNAL_K ||
                   (ev.notify == SIGEV_THREAD_ID_K && ev.tid == s->p->pid)) {
            if (ev.signo <= 0 || ev.signo > NSIG_LINUX)
                return -EINVAL;
            t.signo = ev.signo;
        } else {
            return -EINVAL; /* another thread: there are none */
        }
        t.value = ev.value;
    }
    int32_t id = slot - 1;
    if (copy_out(s, s->a[2], &id, sizeof id) < 0)
        return -EFAULT;
    s->p->timers[slot] = t;
    return 0;
}

SYS(timer_settime)
{
    struct ptimer *t = posix_timer(s, s->a[0]);
    if (!t)
        return -EINVAL;
    uint64_t v[2];
    long err = pair_in(s, s->a[2], NS, v);
    if (err)
        return err;
    if (s->a[3] && pair_out(s, s->a[3], t, NS) < 0)
        return -EFAULT;
    uint64_t value = v[1];
    if (value && (s->a[1] & TIMER_ABSTIME_K)) {
        /* An absolute time on the timer's own clock. */
        uint64_t now = emu_monotonic(s->emu);
        if (t->clock == CLOCK_REALTIME || t->clock == CLOCK_REALTIME_ALARM ||
            t->clock == CLOCK_TAI)
            now += emu_realtime_offset(s->emu);
        value = value > now ? value - now : 1; /* in the past: expires at once */
    }
    drop_pending(s->p, t);
    arm(s, t, value, value ? v[0] : 0);
    return 0;
}

SYS(timer_gettime)
{
    struct ptimer *t = posix_timer(s, s->a[0]);
    return t ? pair_out(s, s->a[1], t, NS) : -EINVAL;
}

SYS(timer_getoverrun)
{
    struct ptimer *t = posix_timer(s, s->a[0]);
    return t ? t->overrun : -EINVAL;
}

SYS(timer_delete)
{
    struct ptimer *t = posix_timer(s, s->a[0]);
    if (!t)
        return -EINVAL;
    drop_pending(s->p, t);
    *t = (struct ptimer){0};
    return 0;
}
