/*
 * time.c - reading the clocks and sleeping, deterministic by default:
 * the clock starts at a fixed instant and moves only when read (1 us per
 * read) or slept on; sleeping advances it instead of waiting.
 * --real-time uses the host's clocks.
 */
#include "emu/kernel/clock.h"
#include "emu/sys/sys.h"

/* The clock ids up to CLOCK_TAI. */
static bool clock_known(int clock)
{
    return clock >= LINUX_CLOCK_REALTIME && clock <= LINUX_CLOCK_TAI;
}

long sys_clock_gettime(struct sys *s, int which_clock, uaddr_t tp)
{
    if (!clock_known(which_clock))
        return -LINUX_EINVAL;
    uint64_t t = clock_read(s->emu, which_clock);
    struct linux_timespec ts = {(int64_t)(t / NS), (int64_t)(t % NS)};
    return copy_out(s, tp, &ts, sizeof ts) < 0 ? -LINUX_EFAULT : 0;
}

long sys_clock_getres(struct sys *s, int which_clock, uaddr_t tp)
{
    if (!clock_known(which_clock))
        return -LINUX_EINVAL;
    struct linux_timespec ts = {0, 1};
    return tp && copy_out(s, tp, &ts, sizeof ts) < 0 ? -LINUX_EFAULT : 0;
}

long sys_gettimeofday(struct sys *s, uaddr_t tv, uaddr_t tz)
{
    uint64_t t = clock_read(s->emu, LINUX_CLOCK_REALTIME);
    struct linux_timeval v = {(int64_t)(t / NS), (int64_t)(t % NS / 1000)};
    if (tv && copy_out(s, tv, &v, sizeof v) < 0)
        return -LINUX_EFAULT;
    if (tz) {
        struct linux_timezone z = {0, 0};
        if (copy_out(s, tz, &z, sizeof z) < 0)
            return -LINUX_EFAULT;
    }
    return 0;
}

long sys_time(struct sys *s, uaddr_t tloc)
{
    int64_t t = (int64_t)(clock_read(s->emu, LINUX_CLOCK_REALTIME) / NS);
    if (tloc && copy_out(s, tloc, &t, sizeof t) < 0)
        return -LINUX_EFAULT;
    return t;
}

long timespec_ns(struct sys *s, uaddr_t addr, uint64_t *ns)
{
    struct linux_timespec ts;
    if (copy_in(s, &ts, addr, sizeof ts) < 0)
        return -LINUX_EFAULT;
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NS)
        return -LINUX_EINVAL;
    *ns = (uint64_t)ts.sec > (UINT64_MAX - NS) / NS ? UINT64_MAX : (uint64_t)ts.sec * NS + (uint64_t)ts.nsec;
    return 0;
}

/* Sleeping is a timed wait: others run meanwhile, and when nobody can,
 * the fixed clock jumps to the deadline instead of waiting.  A handler
 * ends it with EINTR, and what was left is written to rem (if not NULL),
 * by sleep_interrupted. */
static long sleep_ns(struct sys *s, uint64_t ns, uaddr_t rem)
{
    if (!s->p->wake_at)
        s->p->sleep_rem = rem;
    sys_wait_until(s, ns, true);
    return 0;
}

long sys_nanosleep(struct sys *s, uaddr_t rqtp, uaddr_t rmtp)
{
    uint64_t ns = 0;
    long err = s->p->wake_at ? 0 : timespec_ns(s, rqtp, &ns);
    return err ? err : sleep_ns(s, ns, rmtp);
}

/* An absolute time on clock as ns from now (0 when past). */
static uint64_t abs_to_rel(struct sys *s, int clock, uint64_t ns)
{
    uint64_t now = clock_now(s->emu, clock);
    return ns > now ? ns - now : 0;
}

long sys_clock_nanosleep(struct sys *s, int which_clock, int flags, uaddr_t rqtp, uaddr_t rmtp)
{
    if (!clock_known(which_clock) || which_clock == LINUX_CLOCK_THREAD_CPUTIME_ID)
        return -LINUX_EINVAL;
    if (which_clock == LINUX_CLOCK_MONOTONIC_RAW || which_clock == LINUX_CLOCK_REALTIME_COARSE ||
        which_clock == LINUX_CLOCK_MONOTONIC_COARSE)
        return -LINUX_EOPNOTSUPP;
    bool abs = flags & LINUX_TIMER_ABSTIME;
    uint64_t ns = 0;
    long err = s->p->wake_at ? 0 : timespec_ns(s, rqtp, &ns);
    if (err)
        return err;
    if (!s->p->wake_at && abs)
        ns = abs_to_rel(s, which_clock, ns);
    return sleep_ns(s, ns, abs ? 0 : rmtp);
}
