/*
 * futex.c - FUTEX_WAIT and FUTEX_WAKE (and their _BITSET forms, with
 * any bitset).
 *
 * Processes share futex words only through MAP_SHARED memory (threads
 * are not supported).  A waiter is keyed by what its word is
 * (vm_memory_key: the object and offset for shared memory, so the same in
 * every process; the process and address otherwise, and always with
 * FUTEX_PRIVATE_FLAG); FUTEX_WAKE wakes up to val waiters with the same
 * key.  A waiter ends when chosen, by a signal, or at its timeout.
 */
#include "emu/kernel/clock.h"
#include "emu/kernel/futex.h"
#include "emu/sys/sys.h"

static bool futex_key(struct sys *s, uaddr_t addr, int op, struct vm_key *key)
{
    if (op & LINUX_FUTEX_PRIVATE_FLAG) {
        *key = (struct vm_key){s->p->mm, addr};
        return true;
    }
    return vm_memory_key(s->p->mm, addr, key);
}

/* A retry of a wait: chosen (0), timed out, or still waiting. */
static long futex_wait_again(struct sys *s, bool timed)
{
    struct proc *p = s->p;
    if (p->futex_woken) {
        p->futex_wait = p->futex_woken = false;
        return 0;
    }
    if (timed ? sys_wait_until(s, 0, true) : (sys_wait_and_retry(s, false), false)) {
        p->futex_wait = false;
        return -LINUX_ETIMEDOUT;
    }
    return 0;
}

/* The relative timeout of a wait: FUTEX_WAIT's is relative, the
 * _BITSET form's an absolute time on its clock. */
static long futex_timeout(struct sys *s, int op, uaddr_t utime, uint64_t *ns)
{
    long err = timespec_ns(s, utime, ns);
    if (err)
        return err;
    if ((op & LINUX_FUTEX_CMD_MASK) == LINUX_FUTEX_WAIT_BITSET) {
        uint64_t now = emu_monotonic(s->emu);
        if (op & LINUX_FUTEX_CLOCK_REALTIME)
            now = s->emu->opt.real_time ? clock_read(s->emu, LINUX_CLOCK_REALTIME) : now + FIXED_EPOCH * NS;
        *ns = *ns > now ? *ns - now : 0;
    }
    return 0;
}

static long futex_wait(struct sys *s, uaddr_t uaddr, int op, uint32_t val, uaddr_t utime,
                       uint32_t val3)
{
    struct proc *p = s->p;
    bool timed = utime != 0;
    if (p->futex_wait)
        return futex_wait_again(s, timed);
    if ((uaddr & 3) || ((op & LINUX_FUTEX_CMD_MASK) == LINUX_FUTEX_WAIT_BITSET && !val3))
        return -LINUX_EINVAL;
    uint64_t ns = 0;
    if (timed) {
        long err = futex_timeout(s, op, utime, &ns);
        if (err)
            return err;
    }
    uint32_t cur;
    struct vm_key key;
    if (copy_in(s, &cur, uaddr, 4) < 0 || !futex_key(s, uaddr, op, &key))
        return -LINUX_EFAULT;
    if (cur != val)
        return -LINUX_EAGAIN;
    if (timed && !ns)
        return -LINUX_ETIMEDOUT;
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

static long futex_wake(struct sys *s, uaddr_t uaddr, int op, int nr)
{
    struct vm_key key;
    if (uaddr & 3)
        return -LINUX_EINVAL;
    if (!futex_key(s, uaddr, op, &key))
        return -LINUX_EFAULT;
    return futex_wake_key(s->emu, &key, nr);
}

long sys_futex(struct sys *s, uaddr_t uaddr, int op, uint32_t val, uaddr_t utime, uaddr_t uaddr2,
               uint32_t val3)
{
    (void)uaddr2;
    switch (op & LINUX_FUTEX_CMD_MASK) {
    case LINUX_FUTEX_WAIT:
    case LINUX_FUTEX_WAIT_BITSET:
        return futex_wait(s, uaddr, op, val, utime, val3);
    case LINUX_FUTEX_WAKE:
    case LINUX_FUTEX_WAKE_BITSET:
        return futex_wake(s, uaddr, op, (int)val);
    default:
        return -LINUX_ENOSYS;
    }
}
