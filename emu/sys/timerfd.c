/*
 * timerfd.c - timerfd_create, timerfd_settime and timerfd_gettime: a
 * timer on the guest's clock whose expiries are counted in a descriptor.
 * A read of 8 bytes or more takes the count, blocking while it is 0; poll
 * sees it readable while it is not.
 *
 * Expiries are counted lazily, from the guest clock, whenever the timer
 * is looked at (a read, a poll, gettime): an interval timer that expired
 * n periods ago counts n at once, as Linux's forwarding does.  While
 * nothing is counted, the next expiry is a time wake (kernel/timer.c):
 * the scheduler treats it as a deadline, so with the fixed clock a
 * process blocked on the timer (in read, poll, select or epoll, directly
 * or through nested epolls) lets time jump to it, and reaching it wakes
 * every blocked task to look again.  A CLOCK_REALTIME timer keeps its
 * expiry as a date, so when the date is raised (kernel/clock.c) it comes
 * that much sooner, as on Linux when the clock is set; the guest cannot
 * set the clock itself, so TFD_TIMER_CANCEL_ON_SET is accepted and never
 * cancels.
 */
#include "emu/kernel/clock.h"
#include "emu/sys/fd.h"

#include <stdio.h>
#include <stdlib.h>

#define KTIME_MAX INT64_MAX /* Linux's end of time: an expiry there never comes */

struct timerfd {
    struct emu *emu;
    int clock;
    bool realtime;       /* on CLOCK_REALTIME: times are the date's, which may be raised */
    bool armed;
    int64_t at;          /* armed: the next expiry, ns on its clock */
    uint64_t interval;   /* ns; 0: one shot */
    uint64_t ticks;      /* expiries not read yet */
    uint64_t gen;        /* times it became readable: edges for EPOLLET */
    struct timewake wake;
};

static const struct file_ops timerfd_ops;

/* a + b, stopping at the end of time. */
static int64_t add_sat(int64_t a, unsigned __int128 b)
{
    __int128 r = (__int128)a + (__int128)(b > (unsigned __int128)KTIME_MAX ? KTIME_MAX : b);
    return r >= KTIME_MAX ? KTIME_MAX : (int64_t)r;
}

/* Count the expiries up to now; then the time wake follows the next
 * expiry while nothing is counted (a count already makes it readable). */
static void timerfd_update(struct timerfd *t)
{
    uint64_t off = t->realtime ? emu_realtime_offset(t->emu) : 0;
    uint64_t now = emu_monotonic(t->emu) + off;
    if (t->armed && t->at <= (int64_t)now) {
        uint64_t n = t->interval ? 1 + (now - (uint64_t)t->at) / t->interval : 1;
        if (!t->ticks)
            t->gen++; /* readable now: an edge (later expiries are not, as on Linux) */
        t->ticks = n > UINT64_MAX - t->ticks ? UINT64_MAX : t->ticks + n;
        if (t->interval)
            t->at = add_sat(t->at, (unsigned __int128)n * t->interval); /* past now */
        else
            t->armed = false;
    }
    bool wake = t->armed && !t->ticks && t->at < KTIME_MAX;
    timewake_set(t->emu, &t->wake, wake ? (uint64_t)t->at - off : 0); /* at > now >= off */
}

static long timerfd_read(struct sys *s, struct file *f, uaddr_t buf, size_t len)
{
    struct timerfd *t = f->priv;
    uint64_t v;
    if (len < sizeof v)
        return -LINUX_EINVAL;
    timerfd_update(t);
    if (!t->ticks) {
        if (f->status & LINUX_O_NONBLOCK) {
            /* Looking at the time moves the fixed clock, as a clock read
             * does, so a program that spins on the timer sees it expire. */
            clock_read(s->emu, LINUX_CLOCK_MONOTONIC);
            return -LINUX_EAGAIN;
        }
        sys_wait_and_retry(s, false);
        return 0;
    }
    v = t->ticks;
    t->ticks = 0;
    timerfd_update(t);
    return copy_out(s, buf, &v, sizeof v) < 0 ? -LINUX_EFAULT : (long)sizeof v;
}

/* TFD_IOC_SET_TICKS: the count becomes the given one (not 0). */
static long timerfd_ioctl(struct sys *s, struct file *f, unsigned int cmd, uint64_t arg)
{
    struct timerfd *t = f->priv;
    uint64_t v;
    if (cmd != LINUX_TFD_IOC_SET_TICKS)
        return -LINUX_ENOTTY;
    if (copy_in(s, &v, arg, sizeof v) < 0)
        return -LINUX_EFAULT;
    if (!v)
        return -LINUX_EINVAL;
    t->gen += !t->ticks;
    t->ticks = v;
    timerfd_update(t);
    proc_wake_all(s->emu);
    return 0;
}

static short timerfd_poll(struct proc *p, struct file *f)
{
    (void)p;
    struct timerfd *t = f->priv;
    timerfd_update(t);
    return t->ticks ? LINUX_POLLIN : 0;
}

static uint64_t timerfd_gen(struct file *f)
{
    struct timerfd *t = f->priv;
    timerfd_update(t);
    return t->gen;
}

static void timerfd_link(struct file *f, char *buf, size_t len)
{
    (void)f;
    snprintf(buf, len, "anon_inode:[timerfd]");
}

static void timerfd_release(struct file *f)
{
    struct timerfd *t = f->priv;
    timewake_set(t->emu, &t->wake, 0);
    free(t);
}

static const struct file_ops timerfd_ops = {
    .read = timerfd_read,
    .ioctl = timerfd_ioctl,
    .poll = timerfd_poll,
    .gen = timerfd_gen,
    .link = timerfd_link,
    .release = timerfd_release,
};

static bool is_realtime(int clock)
{
    return clock == LINUX_CLOCK_REALTIME || clock == LINUX_CLOCK_REALTIME_ALARM;
}

long sys_timerfd_create(struct sys *s, int clockid, int flags)
{
    if (flags & ~(LINUX_O_CLOEXEC | LINUX_O_NONBLOCK))
        return -LINUX_EINVAL;
    if (!is_realtime(clockid) && clockid != LINUX_CLOCK_MONOTONIC && clockid != LINUX_CLOCK_BOOTTIME &&
        clockid != LINUX_CLOCK_BOOTTIME_ALARM)
        return -LINUX_EINVAL;
    struct timerfd *t = calloc(1, sizeof *t);
    if (!t)
        return -LINUX_ENOMEM;
    t->emu = s->emu;
    t->clock = clockid;
    t->realtime = is_realtime(clockid);
    return install_ops(s, &timerfd_ops, t, flags);
}

/* The timerfd behind descriptor fd: NULL with *err -EBADF (no such
 * descriptor) or -EINVAL (another kind of file). */
static struct timerfd *timerfd_of(struct sys *s, int fd, long *err)
{
    struct file *f = fd_file(s->p, fd);
    *err = !f ? -LINUX_EBADF : f->kind != FILE_OPS || f->ops != &timerfd_ops ? -LINUX_EINVAL : 0;
    return *err ? NULL : f->priv;
}

/* A guest timespec pair as ns, saturating at KTIME_MAX; -EINVAL as Linux
 * rejects a negative or unnormalised one. */
static long spec_ns(int64_t sec, int64_t nsec, uint64_t *ns)
{
    if (sec < 0 || nsec < 0 || nsec >= (int64_t)NS)
        return -LINUX_EINVAL;
    *ns = (uint64_t)sec >= (uint64_t)KTIME_MAX / NS ? (uint64_t)KTIME_MAX
                                                    : (uint64_t)sec * NS + (uint64_t)nsec;
    return 0;
}

/* The setting gettime shows: the interval, and the time to the next
 * expiry (0 when disarmed). */
static struct linux_itimer timerfd_setting(struct timerfd *t)
{
    timerfd_update(t);
    uint64_t now = emu_monotonic(t->emu) + (t->realtime ? emu_realtime_offset(t->emu) : 0);
    uint64_t left = t->armed ? (uint64_t)t->at - now : 0;
    return (struct linux_itimer){(int64_t)(t->interval / NS), (int64_t)(t->interval % NS),
                                 (int64_t)(left / NS), (int64_t)(left % NS)};
}

/* Arm t for value ns (from now, or on its own clock with ABSTIME) and
 * then every interval ns; a value of 0 disarms it.  Unread expiries go. */
static void timerfd_arm(struct sys *s, struct timerfd *t, int flags, uint64_t value, uint64_t interval)
{
    int64_t now = (int64_t)clock_now(s->emu, t->clock);
    t->ticks = 0;
    t->interval = interval;
    t->armed = value != 0;
    t->at = flags & LINUX_TFD_TIMER_ABSTIME ? (int64_t)value : add_sat(now, value);
    timerfd_update(t); /* an absolute time already past counts at once */
}

long sys_timerfd_settime(struct sys *s, int ufd, int flags, uaddr_t utmr, uaddr_t otmr)
{
    struct linux_itimer it;
    uint64_t value, interval;
    if (copy_in(s, &it, utmr, sizeof it) < 0)
        return -LINUX_EFAULT;
    if ((flags & ~(LINUX_TFD_TIMER_ABSTIME | LINUX_TFD_TIMER_CANCEL_ON_SET)) ||
        spec_ns(it.value_sec, it.value_sub, &value) || spec_ns(it.interval_sec, it.interval_sub, &interval))
        return -LINUX_EINVAL;
    long err;
    struct timerfd *t = timerfd_of(s, ufd, &err);
    if (!t)
        return err;
    struct linux_itimer old = timerfd_setting(t);
    timerfd_arm(s, t, flags, value, interval);
    /* The new setting stays even when the old cannot be handed over. */
    return otmr && copy_out(s, otmr, &old, sizeof old) < 0 ? -LINUX_EFAULT : 0;
}

long sys_timerfd_gettime(struct sys *s, int ufd, uaddr_t otmr)
{
    long err;
    struct timerfd *t = timerfd_of(s, ufd, &err);
    if (!t)
        return err;
    clock_read(s->emu, LINUX_CLOCK_MONOTONIC); /* a look at the time, as clock_gettime */
    struct linux_itimer cur = timerfd_setting(t);
    return copy_out(s, otmr, &cur, sizeof cur) < 0 ? -LINUX_EFAULT : 0;
}
