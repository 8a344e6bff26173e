/*
 * sys_time.c - time, sleeping, randomness and futexes, deterministic by
 * default: the clock starts at a fixed instant and moves only when read
 * (1 us per read) or slept on; sleeping advances it instead of waiting.
 * --real-time uses the host's clocks.  getrandom draws from a stream
 * seeded by --seed.
 */
#include "proc.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#define FIXED_EPOCH 1700000000ULL /* 2023-11-14 22:13:20 UTC */
#define NS 1000000000ULL

static uint64_t now_ns(struct emu *emu, int clock)
{
    if (emu->opt.real_time) {
        struct timespec ts;
        clock_gettime(clock == CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
    }
    emu->clock_ns += 1000;
    uint64_t t = emu->clock_ns;
    if (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)
        t += FIXED_EPOCH * NS;
    return t;
}

SYS(clock_gettime)
{
    int clock = (int)s->a[0];
    if (clock < 0 || clock > 11)
        return -EINVAL;
    uint64_t t = now_ns(s->emu, clock);
    struct { int64_t sec, nsec; } ts = {(int64_t)(t / NS), (int64_t)(t % NS)};
    return copy_out(s, s->a[1], &ts, sizeof ts) < 0 ? -EFAULT : 0;
}

SYS(clock_getres)
{
    if ((int)s->a[0] < 0 || (int)s->a[0] > 11)
        return -EINVAL;
    struct { int64_t sec, nsec; } ts = {0, 1};
    return s->a[1] && copy_out(s, s->a[1], &ts, sizeof ts) < 0 ? -EFAULT : 0;
}

SYS(gettimeofday)
{
    uint64_t t = now_ns(s->emu, CLOCK_REALTIME);
    struct { int64_t sec, usec; } tv = {(int64_t)(t / NS), (int64_t)(t % NS / 1000)};
    if (s->a[0] && copy_out(s, s->a[0], &tv, sizeof tv) < 0)
        return -EFAULT;
    if (s->a[1]) {
        int32_t tz[2] = {0, 0};
        if (copy_out(s, s->a[1], tz, sizeof tz) < 0)
            return -EFAULT;
    }
    return 0;
}

SYS(time)
{
    int64_t t = (int64_t)(now_ns(s->emu, CLOCK_REALTIME) / NS);
    if (s->a[0] && copy_out(s, s->a[0], &t, 8) < 0)
        return -EFAULT;
    return t;
}

/* A guest timespec as ns, saturating; -EINVAL for what Linux rejects. */
static long timespec_ns(struct sys *s, uint64_t addr, uint64_t *ns)
{
    struct { int64_t sec, nsec; } ts;
    if (copy_in(s, &ts, addr, sizeof ts) < 0)
        return -EFAULT;
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NS)
        return -EINVAL;
    *ns = (uint64_t)ts.sec > (UINT64_MAX - NS) / NS ? UINT64_MAX : (uint64_t)ts.sec * NS + (uint64_t)ts.nsec;
    return 0;
}

/* Sleeping is a timed wait: others run meanwhile, and when nobody can,
 * the fixed clock jumps to the deadline instead of waiting.  A handler
 * ends it with EINTR. */
static long sleep_ns(struct sys *s, uint64_t ns)
{
    sys_wait_until(s, ns, true);
    return 0;
}

SYS(nanosleep)
{
    uint64_t ns = 0;
    long err = s->p->wake_at ? 0 : timespec_ns(s, s->a[0], &ns);
    return err ? err : sleep_ns(s, ns);
}

SYS(clock_nanosleep)
{
    int clock = (int)s->a[0];
    if (clock < 0 || clock > 11)
        return -EINVAL;
    uint64_t ns = 0;
    long err = s->p->wake_at ? 0 : timespec_ns(s, s->a[2], &ns);
    if (err)
        return err;
    if (!s->p->wake_at && s->a[1] & 1 /* TIMER_ABSTIME */) {
        uint64_t now = emu_monotonic(s->emu);
        if (!s->emu->opt.real_time && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE))
            now += FIXED_EPOCH * NS;
        else if (s->emu->opt.real_time && clock == CLOCK_REALTIME)
            now = now_ns(s->emu, CLOCK_REALTIME);
        ns = ns > now ? ns - now : 0;
    }
    return sleep_ns(s, ns);
}

/* splitmix64 over the machine's stream */
static uint64_t next_random(struct emu *emu)
{
    uint64_t z = (emu->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

SYS(getrandom)
{
    size_t len = s->a[1] > (1u << 25) ? (1u << 25) : (size_t)s->a[1];
    uint8_t buf[256];
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < sizeof buf ? len - done : sizeof buf;
        for (size_t i = 0; i < n; i += 8) {
            uint64_t r = next_random(s->emu);
            memcpy(buf + i, &r, n - i < 8 ? n - i : 8);
        }
        if (copy_out(s, s->a[0] + done, buf, n) < 0)
            return done ? (long)done : -EFAULT;
        done += n;
    }
    return (long)done;
}

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_CMD_MASK 0x7f

/* Processes share futex words only through MAP_SHARED memory (threads
 * are not supported): a wait blocks until a wake from any process (the
 * retry compares the word again, so a wake for another word costs a
 * spurious retry, as futex allows), a signal, or its timeout. */
SYS(futex)
{
    int op = (int)(s->a[1] & FUTEX_CMD_MASK);
    struct proc *p = s->p;
    uint32_t val;
    switch (op) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
        bool woken = p->futex_wait; /* a retry: the word may have changed since */
        p->futex_wait = false;
        if (copy_in(s, &val, s->a[0], 4) < 0)
            return -EFAULT;
        if (val != (uint32_t)s->a[2])
            return woken ? 0 : -EAGAIN;
        if (op == FUTEX_WAIT_BITSET && !(uint32_t)s->a[5])
            return -EINVAL;
        uint64_t ns = 0;
        if (s->a[3] && !p->wake_at) {
            long err = timespec_ns(s, s->a[3], &ns);
            if (err)
                return err;
            if (op == FUTEX_WAIT_BITSET) { /* an absolute time */
                uint64_t now = emu_monotonic(s->emu);
                if (s->a[1] & 256 /* FUTEX_CLOCK_REALTIME */)
                    now = s->emu->opt.real_time ? now_ns(s->emu, CLOCK_REALTIME) : now + FIXED_EPOCH * NS;
                ns = ns > now ? ns - now : 0;
            }
            if (!ns)
                return -ETIMEDOUT;
        }
        if (s->a[3]) {
            if (sys_wait_until(s, ns, true))
                return -ETIMEDOUT;
        } else {
            sys_wait_and_retry(s, true);
        }
        p->futex_wait = true;
        return 0;
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
        if (copy_in(s, &val, s->a[0], 4) < 0)
            return -EFAULT;
        long n = 0;
        for (int i = 0; i < s->emu->nprocs && n < (long)(int)s->a[2]; i++) {
            struct proc *q = s->emu->procs[i];
            n += q && q != p && q->state == PROC_BLOCKED && q->futex_wait;
        }
        if (n)
            proc_wake_all(s->emu);
        return n;
    }
    default:
        return -ENOSYS;
    }
}

SYS(pause)
{
    sys_wait_and_retry(s, true);
    return 0;
}
