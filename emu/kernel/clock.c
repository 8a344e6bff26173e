/*
 * clock.c - the guest's clocks, deterministic by default: the clock
 * starts at a fixed instant and moves only when read (1 us per read) or
 * slept on; sleeping advances it instead of waiting.  --real-time uses
 * the host's clocks.
 */
#include "emu/kernel/clock.h"
#include "emu/kernel/proc.h"

#include <time.h>

#define FIXED_EPOCH 1700000000ULL /* 2023-11-14 22:13:20 UTC */

uint64_t clock_read(struct emu *emu, int clock)
{
    if (emu->opt.real_time) {
        struct timespec ts;
        clock_gettime(clock == CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
    }
    emu->clock_ns += 1000;
    uint64_t t = emu->clock_ns;
    if (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_TAI ||
        clock == CLOCK_REALTIME_ALARM)
        t += FIXED_EPOCH * NS;
    return t;
}

uint64_t emu_realtime_offset(struct emu *emu)
{
    if (!emu->opt.real_time)
        return FIXED_EPOCH * NS;
    struct timespec r, m;
    clock_gettime(CLOCK_REALTIME, &r);
    clock_gettime(CLOCK_MONOTONIC, &m);
    return ((uint64_t)r.tv_sec * NS + (uint64_t)r.tv_nsec) - ((uint64_t)m.tv_sec * NS + (uint64_t)m.tv_nsec);
}

/* The guest's monotonic clock in ns, without moving it: the fixed clock,
 * or the host's with --real-time. */
uint64_t emu_monotonic(struct emu *emu)
{
    if (!emu->opt.real_time)
        return emu->clock_ns;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
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
