/*
 * sys_time.c - time, sleeping, randomness and futexes, deterministic by
 * default: the clock starts at a fixed instant and moves only when read
 * (1 us per read) or slept on; sleeping advances it instead of waiting.
 * --real-time uses the host's clocks.  getrandom draws from a stream
 * seeded by --seed.
 */
#include "emu/kernel/clock.h"
#include "emu/sys/sys.h"

#include <errno.h>
#include <string.h>
#include <time.h>

SYS(clock_gettime)
{
    int clock = (int)s->a[0];
    if (clock < 0 || clock > 11)
        return -EINVAL;
    uint64_t t = clock_read(s->emu, clock);
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
    uint64_t t = clock_read(s->emu, CLOCK_REALTIME);
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
    int64_t t = (int64_t)(clock_read(s->emu, CLOCK_REALTIME) / NS);
    if (s->a[0] && copy_out(s, s->a[0], &t, 8) < 0)
        return -EFAULT;
    return t;
}

/* A guest timespec as ns, saturating; -EINVAL for what Linux rejects. */
long timespec_ns(struct sys *s, uint64_t addr, uint64_t *ns)
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
 * ends it with EINTR, and what was left is written to rem (if not NULL),
 * by sleep_interrupted. */
static long sleep_ns(struct sys *s, uint64_t ns, uint64_t rem)
{
    if (!s->p->wake_at)
        s->p->sleep_rem = rem;
    sys_wait_until(s, ns, true);
    return 0;
}


SYS(nanosleep)
{
    uint64_t ns = 0;
    long err = s->p->wake_at ? 0 : timespec_ns(s, s->a[0], &ns);
    return err ? err : sleep_ns(s, ns, s->a[1]);
}

SYS(clock_nanosleep)
{
    int clock = (int)s->a[0];
    if (clock < 0 || clock > 11 || clock == CLOCK_THREAD_CPUTIME_ID)
        return -EINVAL;
    if (clock == CLOCK_MONOTONIC_RAW || clock == CLOCK_REALTIME_COARSE ||
        clock == CLOCK_MONOTONIC_COARSE)
        return -EOPNOTSUPP;
    bool abs = s->a[1] & 1; /* TIMER_ABSTIME */
    uint64_t ns = 0;
    long err = s->p->wake_at ? 0 : timespec_ns(s, s->a[2], &ns);
    if (err)
        return err;
    if (!s->p->wake_at && abs) {
        uint64_t now = emu_monotonic(s->emu);
        if (!s->emu->opt.real_time && clock == CLOCK_REALTIME)
            now += FIXED_EPOCH * NS;
        else if (s->emu->opt.real_time && clock == CLOCK_REALTIME)
            now = clock_read(s->emu, CLOCK_REALTIME);
        ns = ns > now ? ns - now : 0;
    }
    return sleep_ns(s, ns, abs ? 0 : s->a[3]);
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
 * are not supported).  A waiter is keyed by what its word is
 * (vm_memory_key: the object and offset for shared memory, so the same in
 * every process; the process and address otherwise, and always with
 * FUTEX_PRIVATE_FLAG); FUTEX_WAKE wakes up to nr waiters with the same
 * key.  A waiter ends when chosen, by a signal, or at its timeout. */
#define FUTEX_PRIVATE 128
#define FUTEX_CLOCK_REALTIME 256

static bool futex_key(struct sys *s, uint64_t addr, struct vm_key *key)
{
    if (s->a[1] & FUTEX_PRIVATE) {
        *key = (struct vm_key){s->p->mm, addr};
        return true;
    }
    return vm_memory_key(s->p->mm, addr, key);
}

static long futex_wait(struct sys *s, int op)
{
    struct proc *p = s->p;
    bool timed = s->a[3] != 0;
    if (p->futex_wait) { /* a retry: chosen, timed out, or still waiting */
        if (p->futex_woken) {
            p->futex_wait = p->futex_woken = false;
            return 0;
        }
        if (timed ? sys_wait_until(s, 0, true) : (sys_wait_and_retry(s, false), false)) {
            p->futex_wait = false;
            return -ETIMEDOUT;
        }
        return 0;
    }
    if ((s->a[0] & 3) || (op == FUTEX_WAIT_BITSET && !(uint32_t)s->a[5]))
        return -EINVAL;
    uint64_t ns = 0;
    if (timed) {
        long err = timespec_ns(s, s->a[3], &ns);
        if (err)
            return err;
        if (op == FUTEX_WAIT_BITSET) { /* an absolute time */
            uint64_t now = emu_monotonic(s->emu);
            if (s->a[1] & FUTEX_CLOCK_REALTIME)
                now = s->emu->opt.real_time ? clock_read(s->emu, CLOCK_REALTIME) : now + FIXED_EPOCH * NS;
            ns = ns > now ? ns - now : 0;
        }
    }
    uint32_t val;
    struct vm_key key;
    if (copy_in(s, &val, s->a[0], 4) < 0 || !futex_key(s, s->a[0], &key))
        return -EFAULT;
    if (val != (uint32_t)s->a[2])
        return -EAGAIN;
    if (timed && !ns)
        return -ETIMEDOUT;
    p->futex_key = key;
    p->futex_wait = true;
    p->futex_woken = false;
    /* Untimed, a handler with SA_RESTART makes the call again (Linux's
     * ERESTARTSYS); timed, it ends with EINTR. */
    if (timed)
        sys_wait_until(s, ns, true);
    else
        sys_wait_and_retry(s, false);
    return 0;
}

static long futex_wake(struct sys *s)
{
    struct vm_key key;
    if (s->a[0] & 3)
        return -EINVAL;
    if (!futex_key(s, s->a[0], &key))
        return -EFAULT;
    int nr = (int)s->a[2];
    long n = 0;
    for (int i = 0; i < s->emu->nprocs && n < nr; i++) {
        struct proc *q = s->emu->procs[i];
        if (q && q->state == PROC_BLOCKED && q->futex_wait && !q->futex_woken &&
            q->futex_key.base == key.base && q->futex_key.off == key.off) {
            q->futex_woken = true;
            q->state = PROC_RUNNABLE;
            n++;
        }
    }
    return n;
}

SYS(futex)
{
    int op = (int)(s->a[1] & FUTEX_CMD_MASK);
    switch (op) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
        return futex_wait(s, op);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        return futex_wake(s);
    default:
        return -ENOSYS;
    }
}

SYS(pause)
{
    sys_wait_and_retry(s, true);
    return 0;
}
