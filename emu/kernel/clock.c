/*
 * clock.c - the guest's clocks.  The monotonic clocks are deterministic
 * by default: they start at 0 and move only when read (1 us per read),
 * slept on, or past a quantum; sleeping advances them instead of waiting.
 * CLOCK_REALTIME is that clock plus an offset:
 *
 *   pinned (--epoch or SOURCE_DATE_EPOCH): the epoch, fixed, so a program
 *   that reads the date behaves the same on every run;
 *
 *   by default: the host's time at the start, and raised whenever the
 *   host's clock has got ahead, so the guest never sees a file the host
 *   wrote a moment ago as one from its future (make's "Clock skew
 *   detected"); a guest's sleep still passes at once and moves the date
 *   by as much.  The offset is a whole number of seconds, so the date's
 *   fraction is the guest's own clock's: what a program makes of the
 *   nanoseconds (musl's mkstemp names its files with them) is the same
 *   on every run.
 *
 * --real-time uses the host's clocks for everything.
 */
#include "emu/kernel/clock.h"
#include "emu/kernel/proc.h"

#include <time.h>

static uint64_t host_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

static bool is_realtime(int clock)
{
    return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_TAI ||
           clock == CLOCK_REALTIME_ALARM;
}

static uint64_t whole_seconds_up(uint64_t ns)
{
    return (ns + NS - 1) / NS * NS;
}

void clock_init(struct emu *emu)
{
    emu->clock_ns = 0;
    emu->realtime_off = emu->opt.epoch_set ? emu->opt.epoch * NS : whole_seconds_up(host_ns(CLOCK_REALTIME));
}

uint64_t emu_realtime_offset(struct emu *emu)
{
    if (emu->opt.real_time)
        return host_ns(CLOCK_REALTIME) - host_ns(CLOCK_MONOTONIC);
    if (!emu->opt.epoch_set) {
        uint64_t host = host_ns(CLOCK_REALTIME), guest = emu->realtime_off + emu->clock_ns;
        if (host > guest)
            emu->realtime_off += whole_seconds_up(host - guest);
    }
    return emu->realtime_off;
}

uint64_t clock_now(struct emu *emu, int clock)
{
    if (emu->opt.real_time)
        return host_ns(is_realtime(clock) ? CLOCK_REALTIME : CLOCK_MONOTONIC);
    return emu->clock_ns + (is_realtime(clock) ? emu_realtime_offset(emu) : 0);
}

uint64_t clock_read(struct emu *emu, int clock)
{
    if (!emu->opt.real_time)
        emu->clock_ns += 1000;
    return clock_now(emu, clock);
}

/* The guest's monotonic clock in ns, without moving it: the fixed clock,
 * or the host's with --real-time. */
uint64_t emu_monotonic(struct emu *emu)
{
    return emu->opt.real_time ? host_ns(CLOCK_MONOTONIC) : emu->clock_ns;
}

void sleep_interrupted(struct emu *emu, struct proc *p)
{
    if (!p->sleep_rem || !p->wake_at || p->wake_at == WAKE_NEVER)
        return;
    uint64_t now = emu_monotonic(emu);
    uint64_t left = p->wake_at > now ? p->wake_at - now : 0;
    struct { int64_t sec, nsec; } ts = {(int64_t)(left / NS), (int64_t)(left % NS)};
    (void)vm_copy_out(p->mm, p->sleep_rem, &ts, sizeof ts); /* a bad rem: Linux's EFAULT is moot */
}
