/*
 * timer.c - alarm, getitimer/setitimer (ITIMER_REAL) and the POSIX
 * timers, read and set on the guest's monotonic clock (kernel/timer.c
 * fires them).
 */
#include "emu/kernel/clock.h"
#include "emu/kernel/thread.h"
#include "emu/sys/sys.h"


/* A {sec, sub} pair (timeval: sub_per_sec 10^6, timespec: 10^9) as ns. */
static long pair_in(struct sys *s, uaddr_t addr, uint64_t sub_per_sec, uint64_t out[2])
{
    struct linux_itimer it;
    if (copy_in(s, &it, addr, sizeof it) < 0)
        return -LINUX_EFAULT;
    const int64_t v[4] = {it.interval_sec, it.interval_sub, it.value_sec, it.value_sub};
    for (int k = 0; k < 2; k++) {
        int64_t sec = v[2 * k], sub = v[2 * k + 1];
        if (sec < 0 || sub < 0 || (uint64_t)sub >= sub_per_sec)
            return -LINUX_EINVAL;
        uint64_t cap = (uint64_t)INT64_MAX / NS - 1; /* deadlines stay below KTIME_MAX */
        out[k] = ((uint64_t)sec > cap ? cap : (uint64_t)sec) * NS + (uint64_t)sub * (NS / sub_per_sec);
    }
    return 0;
}

/* A timer's {interval, time left} as the guest reads it. */
static long pair_out(struct sys *s, uaddr_t addr, const struct ptimer *t, uint64_t sub_per_sec)
{
    uint64_t now = emu_monotonic(s->emu);
    uint64_t left = t->at ? (t->at > now ? t->at - now : 1) : 0;
    struct linux_itimer it = {(int64_t)(t->interval / NS), (int64_t)(t->interval % NS / (NS / sub_per_sec)),
                              (int64_t)(left / NS), (int64_t)(left % NS / (NS / sub_per_sec))};
    if (sub_per_sec == LINUX_USEC_PER_SEC && left && !it.value_sec && !it.value_sub)
        it.value_sub = 1; /* a timer still armed never reads as 0 */
    return copy_out(s, addr, &it, sizeof it) < 0 ? -LINUX_EFAULT : 0;
}

static void arm(struct sys *s, struct ptimer *t, uint64_t value, uint64_t interval)
{
    uint64_t now = emu_monotonic(s->emu);
    t->interval = interval;
    t->overrun = 0;
    t->at = value ? now + value : 0;
    proc_timers_changed(s->emu);
}

long sys_alarm(struct sys *s, unsigned int seconds)
{
    struct ptimer *t = &s->p->tg->timers[0];
    uint64_t now = emu_monotonic(s->emu), left = t->at > now ? t->at - now : 0;
    /* The seconds left, rounded as Linux rounds them. */
    long old = (long)(left / NS) + ((left % NS) >= NS / 2 || (left && left < NS) ? 1 : 0);
    t->signo = LINUX_SIGALRM;
    t->notify = true;
    t->used = true;
    arm(s, t, (uint64_t)seconds * NS, 0);
    return old;
}

/* CPU-time timers (ITIMER_VIRTUAL, ITIMER_PROF) are not modelled and
 * say so. */
static long itimer_which(int which)
{
    if (which == LINUX_ITIMER_REAL)
        return 0;
    return which == LINUX_ITIMER_VIRTUAL || which == LINUX_ITIMER_PROF ? -LINUX_ENOSYS : -LINUX_EINVAL;
}

long sys_getitimer(struct sys *s, int which, uaddr_t value)
{
    long err = itimer_which(which);
    return err ? err : pair_out(s, value, &s->p->tg->timers[0], LINUX_USEC_PER_SEC);
}

long sys_setitimer(struct sys *s, int which, uaddr_t value, uaddr_t ovalue)
{
    long err = itimer_which(which);
    if (err)
        return err;
    struct ptimer *t = &s->p->tg->timers[0];
    uint64_t v[2] = {0, 0};
    if (value && (err = pair_in(s, value, LINUX_USEC_PER_SEC, v)))
        return err;
    if (ovalue && pair_out(s, ovalue, t, LINUX_USEC_PER_SEC) < 0)
        return -LINUX_EFAULT;
    t->signo = LINUX_SIGALRM;
    t->notify = true;
    t->used = true;
    arm(s, t, v[1], v[1] ? v[0] : 0);
    return 0;
}

/* A timer set again or deleted takes back its signal still pending. */
static void drop_pending(struct sys *s, const struct ptimer *t)
{
    struct sigqueue *q = timer_queue(s->emu, s->p, t);
    uint64_t bit = LINUX_SIGBIT(t->signo);
    if (!t->notify || !q || !(q->set & bit))
        return;
    const struct ksiginfo *si = &q->info[t->signo];
    if (si->code == LINUX_SI_TIMER && si->pid == (int)(t - s->p->tg->timers) - 1)
        q->set &= ~bit;
}

static struct ptimer *posix_timer(struct sys *s, int id)
{
    if (id < 0 || id >= PTIMERS - 1)
        return NULL;
    struct ptimer *t = &s->p->tg->timers[id + 1];
    return t->used ? t : NULL;
}

/* The clocks a timer may run on: CPU-time clocks are not modelled. */
static bool timer_clock(int clock)
{
    return clock == LINUX_CLOCK_REALTIME || clock == LINUX_CLOCK_MONOTONIC ||
           clock == LINUX_CLOCK_BOOTTIME || clock == LINUX_CLOCK_REALTIME_ALARM ||
           clock == LINUX_CLOCK_BOOTTIME_ALARM || clock == LINUX_CLOCK_TAI;
}

/* How the timer notifies, from the guest's sigevent at addr. */
static long timer_event_in(struct sys *s, uaddr_t addr, struct ptimer *t)
{
    struct linux_sigevent ev;
    if (copy_in(s, &ev, addr, sizeof ev) < 0)
        return -LINUX_EFAULT;
    if (ev.notify == LINUX_SIGEV_NONE) {
        t->notify = false;
    } else if (ev.notify == LINUX_SIGEV_SIGNAL || ev.notify == LINUX_SIGEV_THREAD_ID) {
        if (ev.signo <= 0 || ev.signo > LINUX_NSIG)
            return -LINUX_EINVAL;
        /* SIGEV_THREAD_ID names a thread of the caller's process. */
        if (ev.notify == LINUX_SIGEV_THREAD_ID && !thread_by_tid(s->emu, s->p->tg->tgid, ev.tid))
            return -LINUX_EINVAL;
        t->signo = ev.signo;
        t->tid = ev.notify == LINUX_SIGEV_THREAD_ID ? ev.tid : 0;
    } else {
        return -LINUX_EINVAL;
    }
    t->value = ev.value;
    return 0;
}

long sys_timer_create(struct sys *s, int which_clock, uaddr_t timer_event_spec,
                      uaddr_t created_timer_id)
{
    int clock = which_clock;
    if (!timer_clock(clock))
        return -LINUX_EINVAL;
    int slot = 1;
    while (slot < PTIMERS && s->p->tg->timers[slot].used)
        slot++;
    if (slot == PTIMERS)
        return -LINUX_EAGAIN;
    struct ptimer t = {.used = true, .notify = true, .signo = LINUX_SIGALRM, .clock = clock,
                       .value = (uint64_t)(slot - 1)};
    if (timer_event_spec) {
        long err = timer_event_in(s, timer_event_spec, &t);
        if (err)
            return err;
    }
    int32_t id = slot - 1;
    if (copy_out(s, created_timer_id, &id, sizeof id) < 0)
        return -LINUX_EFAULT;
    s->p->tg->timers[slot] = t;
    return 0;
}

long sys_timer_settime(struct sys *s, int timer_id, int flags, uaddr_t new_setting,
                       uaddr_t old_setting)
{
    struct ptimer *t = posix_timer(s, timer_id);
    if (!t)
        return -LINUX_EINVAL;
    uint64_t v[2];
    long err = pair_in(s, new_setting, NS, v);
    if (err)
        return err;
    if (old_setting && pair_out(s, old_setting, t, NS) < 0)
        return -LINUX_EFAULT;
    uint64_t value = v[1];
    if (value && (flags & LINUX_TIMER_ABSTIME)) {
        /* An absolute time on the timer's own clock. */
        uint64_t now = clock_now(s->emu, t->clock);
        value = value > now ? value - now : 1; /* in the past: expires at once */
    }
    drop_pending(s, t);
    arm(s, t, value, value ? v[0] : 0);
    return 0;
}

long sys_timer_gettime(struct sys *s, int timer_id, uaddr_t setting)
{
    struct ptimer *t = posix_timer(s, timer_id);
    return t ? pair_out(s, setting, t, NS) : -LINUX_EINVAL;
}

long sys_timer_getoverrun(struct sys *s, int timer_id)
{
    struct ptimer *t = posix_timer(s, timer_id);
    return t ? t->overrun : -LINUX_EINVAL;
}

long sys_timer_delete(struct sys *s, int timer_id)
{
    struct ptimer *t = posix_timer(s, timer_id);
    if (!t)
        return -LINUX_EINVAL;
    drop_pending(s, t);
    *t = (struct ptimer){0};
    return 0;
}
