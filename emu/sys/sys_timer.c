/*
 * sys_timer.c - alarm, getitimer/setitimer (ITIMER_REAL) and the POSIX
 * timers, read and set on the guest's monotonic clock (kernel/timer.c
 * fires them).
 */
#include "emu/kernel/clock.h"
#include "emu/sys/sys.h"

#include <errno.h>
#include <signal.h>
#include <time.h>

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
    if ((int)s->a[0] != LINUX_ITIMER_REAL)
        return (int)s->a[0] == 1 || (int)s->a[0] == 2 ? -ENOSYS : -EINVAL;
    return pair_out(s, s->a[1], &s->p->timers[0], 1000000);
}

/* Only the real-time timer: CPU-time timers (ITIMER_VIRTUAL, ITIMER_PROF)
 * are not modelled and say so. */
SYS(setitimer)
{
    if ((int)s->a[0] != LINUX_ITIMER_REAL)
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
    const struct ksiginfo *si = &p->sig.info[t->signo];
    uint64_t bit = 1ULL << (t->signo - 1);
    if (t->notify && (p->sig.pending & bit) && si->code == LINUX_SI_TIMER && si->pid == (int)(t - p->timers) - 1)
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
        if (ev.notify == LINUX_SIGEV_NONE) {
            t.notify = false;
        } else if (ev.notify == LINUX_SIGEV_SIGNAL ||
                   (ev.notify == LINUX_SIGEV_THREAD_ID && ev.tid == s->p->pid)) {
            if (ev.signo <= 0 || ev.signo > LINUX_NSIG)
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
    if (value && (s->a[1] & LINUX_TIMER_ABSTIME)) {
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
