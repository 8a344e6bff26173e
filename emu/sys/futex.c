/*
 * futex.c - the futex calls: WAIT and WAKE and their _BITSET forms,
 * REQUEUE, CMP_REQUEUE, WAKE_OP, and the priority-inheritance locks
 * (LOCK_PI, LOCK_PI2, UNLOCK_PI, TRYLOCK_PI: the word holds the owner's
 * tid, FUTEX_WAITERS while others wait, and an unlock hands the lock to
 * the first waiter).
 *
 * A waiter is keyed by what its word is (vm_memory_key: the object and
 * offset for MAP_SHARED memory, so the same in every process; the address
 * space and address otherwise, and always with FUTEX_PRIVATE_FLAG, so the
 * threads of a process meet).  A waiter ends when chosen, by a signal, or
 * at its timeout.  Priorities are not modelled: a PI lock is a fair lock
 * handed over in tid order of the waiters.
 */
#include "emu/kernel/clock.h"
#include "emu/kernel/futex.h"
#include "emu/kernel/thread.h"
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
        uint64_t now = clock_now(s->emu, op & LINUX_FUTEX_CLOCK_REALTIME ? LINUX_CLOCK_REALTIME
                                                                         : LINUX_CLOCK_MONOTONIC);
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
    p->futex_pi = false;
    p->futex_bitset = (op & LINUX_FUTEX_CMD_MASK) == LINUX_FUTEX_WAIT_BITSET
                          ? val3
                          : LINUX_FUTEX_BITSET_MATCH_ANY;
    /* Untimed, a handler with SA_RESTART makes the call again (Linux's
     * ERESTARTSYS); timed, it ends with EINTR. */
    if (timed)
        sys_wait_until(s, ns, true);
    else
        sys_wait_and_retry(s, false);
    return 0;
}

static long futex_wake(struct sys *s, uaddr_t uaddr, int op, int nr, uint32_t bitset)
{
    struct vm_key key;
    if (uaddr & 3)
        return -LINUX_EINVAL;
    if ((op & LINUX_FUTEX_CMD_MASK) == LINUX_FUTEX_WAKE_BITSET && !bitset)
        return -LINUX_EINVAL;
    if (!futex_key(s, uaddr, op, &key))
        return -LINUX_EFAULT;
    if ((op & LINUX_FUTEX_CMD_MASK) != LINUX_FUTEX_WAKE_BITSET)
        bitset = LINUX_FUTEX_BITSET_MATCH_ANY;
    return futex_wake_bitset(s->emu, &key, nr < 0 ? 0 : nr, bitset);
}

/* Wake nr waiters of uaddr and move up to nr2 others to uaddr2; with
 * CMP_REQUEUE only while uaddr still holds val3. */
static long futex_requeue(struct sys *s, uaddr_t uaddr, int op, int nr, int nr2, uaddr_t uaddr2,
                          uint32_t val3)
{
    struct vm_key k1, k2;
    if ((uaddr & 3) || (uaddr2 & 3) || nr < 0 || nr2 < 0)
        return -LINUX_EINVAL;
    if (!futex_key(s, uaddr, op, &k1) || !futex_key(s, uaddr2, op, &k2))
        return -LINUX_EFAULT;
    if ((op & LINUX_FUTEX_CMD_MASK) == LINUX_FUTEX_CMP_REQUEUE) {
        uint32_t cur;
        if (copy_in(s, &cur, uaddr, 4) < 0)
            return -LINUX_EFAULT;
        if (cur != val3)
            return -LINUX_EAGAIN;
    }
    long woke = futex_wake_key(s->emu, &k1, nr);
    long moved = futex_requeue_key(s->emu, &k1, &k2, nr2);
    /* CMP_REQUEUE counts both; REQUEUE the woken only. */
    return (op & LINUX_FUTEX_CMD_MASK) == LINUX_FUTEX_CMP_REQUEUE ? woke + moved : woke;
}

static int32_t sign_extend12(uint32_t v)
{
    return (int32_t)(v << 20) >> 20;
}

/* *uaddr2 = op(*uaddr2, oparg); wake nr on uaddr, and nr2 on uaddr2 if
 * the old value compared with cmparg as val3 says. */
static long futex_wake_op(struct sys *s, uaddr_t uaddr, int op, int nr, int nr2, uaddr_t uaddr2,
                          uint32_t val3)
{
    int opc = (val3 >> 28) & 7, cmp = (val3 >> 24) & 15;
    int32_t oparg = sign_extend12((val3 >> 12) & 0xfff), cmparg = sign_extend12(val3 & 0xfff);
    if ((val3 >> 28) & 8)
        oparg = (oparg & 31) ? (int32_t)(1u << (oparg & 31)) : 1;
    struct vm_key k1, k2;
    if ((uaddr & 3) || (uaddr2 & 3))
        return -LINUX_EINVAL;
    if (!futex_key(s, uaddr, op, &k1) || !futex_key(s, uaddr2, op, &k2))
        return -LINUX_EFAULT;
    int32_t old, new;
    if (copy_in(s, &old, uaddr2, 4) < 0)
        return -LINUX_EFAULT;
    switch (opc) {
    case 0: new = oparg; break;                    /* SET */
    case 1: new = (int32_t)((uint32_t)old + (uint32_t)oparg); break; /* ADD */
    case 2: new = old | oparg; break;              /* OR */
    case 3: new = old & ~oparg; break;             /* ANDN */
    case 4: new = old ^ oparg; break;              /* XOR */
    default: return -LINUX_ENOSYS;
    }
    bool hit;
    switch (cmp) {
    case 0: hit = old == cmparg; break;
    case 1: hit = old != cmparg; break;
    case 2: hit = old < cmparg; break;
    case 3: hit = old <= cmparg; break;
    case 4: hit = old > cmparg; break;
    case 5: hit = old >= cmparg; break;
    default: return -LINUX_ENOSYS;
    }
    if (copy_out(s, uaddr2, &new, 4) < 0)
        return -LINUX_EFAULT;
    long n = futex_wake_key(s->emu, &k1, nr < 0 ? 0 : nr);
    if (hit)
        n += futex_wake_key(s->emu, &k2, nr2 < 0 ? 0 : nr2);
    return n;
}

/* An absolute deadline as ns from now, on CLOCK_REALTIME or the
 * monotonic clock. */
static long deadline_ns(struct sys *s, uaddr_t utime, bool realtime, uint64_t *ns)
{
    long err = timespec_ns(s, utime, ns);
    if (err)
        return err;
    uint64_t now = clock_now(s->emu, realtime ? LINUX_CLOCK_REALTIME : LINUX_CLOCK_MONOTONIC);
    *ns = *ns > now ? *ns - now : 0;
    return 0;
}

/* Take the PI lock at uaddr: free (or its owner gone: then marked
 * FUTEX_OWNER_DIED), it is ours at once; held, we wait for its owner to
 * hand it over (TRYLOCK_PI does not wait). */
static long futex_lock_pi(struct sys *s, uaddr_t uaddr, int op, uaddr_t utime)
{
    struct proc *p = s->p;
    int cmd = op & LINUX_FUTEX_CMD_MASK;
    if (p->futex_wait && p->futex_pi) {
        if (p->futex_woken) {
            p->futex_wait = p->futex_woken = p->futex_pi = false;
            return 0; /* handed over: the word holds our tid */
        }
        if (utime ? sys_wait_until(s, 0, true) : (sys_wait_and_retry(s, false), false)) {
            p->futex_wait = p->futex_pi = false;
            return -LINUX_ETIMEDOUT;
        }
        return 0;
    }
    uint32_t cur, tid = (uint32_t)p->pid;
    struct vm_key key;
    if (uaddr & 3)
        return -LINUX_EINVAL;
    if (copy_in(s, &cur, uaddr, 4) < 0 || !futex_key(s, uaddr, op, &key))
        return -LINUX_EFAULT;
    uint32_t owner = cur & LINUX_FUTEX_TID_MASK;
    if (owner == tid)
        return -LINUX_EDEADLK;
    if (!owner || !thread_by_tid(s->emu, 0, (int)owner)) {
        uint32_t died = owner ? LINUX_FUTEX_OWNER_DIED : (cur & LINUX_FUTEX_OWNER_DIED);
        uint32_t mine = tid | (cur & LINUX_FUTEX_WAITERS) | died;
        return copy_out(s, uaddr, &mine, 4) < 0 ? -LINUX_EFAULT : 0;
    }
    if (cmd == LINUX_FUTEX_TRYLOCK_PI)
        return -LINUX_EAGAIN;
    uint64_t ns = 0;
    if (utime) {
        bool realtime = cmd == LINUX_FUTEX_LOCK_PI || (op & LINUX_FUTEX_CLOCK_REALTIME);
        long err = deadline_ns(s, utime, realtime, &ns);
        if (err)
            return err;
        if (!ns)
            return -LINUX_ETIMEDOUT;
    }
    cur |= LINUX_FUTEX_WAITERS;
    if (copy_out(s, uaddr, &cur, 4) < 0)
        return -LINUX_EFAULT;
    p->futex_key = key;
    p->futex_wait = p->futex_pi = true;
    p->futex_woken = false;
    if (utime)
        sys_wait_until(s, ns, true);
    else
        sys_wait_and_retry(s, false);
    return 0;
}

/* Release the PI lock at uaddr, which we hold: to its first waiter (the
 * word names it, with FUTEX_WAITERS if others remain), or free. */
static long futex_unlock_pi(struct sys *s, uaddr_t uaddr, int op)
{
    uint32_t cur, tid = (uint32_t)s->p->pid;
    struct vm_key key;
    if (uaddr & 3)
        return -LINUX_EINVAL;
    if (copy_in(s, &cur, uaddr, 4) < 0 || !futex_key(s, uaddr, op, &key))
        return -LINUX_EFAULT;
    if ((cur & LINUX_FUTEX_TID_MASK) != tid)
        return -LINUX_EPERM;
    bool more;
    struct proc *w = futex_pi_waiter(s->emu, &key, &more);
    uint32_t next = w ? (uint32_t)w->pid | (more ? LINUX_FUTEX_WAITERS : 0) : 0;
    if (copy_out(s, uaddr, &next, 4) < 0)
        return -LINUX_EFAULT;
    if (w) {
        w->futex_woken = true;
        w->state = PROC_RUNNABLE;
    }
    return 0;
}

long sys_futex(struct sys *s, uaddr_t uaddr, int op, uint32_t val, uaddr_t utime, uaddr_t uaddr2,
               uint32_t val3)
{
    /* For REQUEUE and WAKE_OP the timeout argument is a count. */
    int nr2 = (int)(uint32_t)utime;
    switch (op & LINUX_FUTEX_CMD_MASK) {
    case LINUX_FUTEX_WAIT:
    case LINUX_FUTEX_WAIT_BITSET:
        return futex_wait(s, uaddr, op, val, utime, val3);
    case LINUX_FUTEX_WAKE:
    case LINUX_FUTEX_WAKE_BITSET:
        return futex_wake(s, uaddr, op, (int)val, val3);
    case LINUX_FUTEX_REQUEUE:
    case LINUX_FUTEX_CMP_REQUEUE:
        return futex_requeue(s, uaddr, op, (int)val, nr2, uaddr2, val3);
    case LINUX_FUTEX_WAKE_OP:
        return futex_wake_op(s, uaddr, op, (int)val, nr2, uaddr2, val3);
    case LINUX_FUTEX_LOCK_PI:
    case LINUX_FUTEX_LOCK_PI2:
    case LINUX_FUTEX_TRYLOCK_PI:
        return futex_lock_pi(s, uaddr, op, utime);
    case LINUX_FUTEX_UNLOCK_PI:
        return futex_unlock_pi(s, uaddr, op);
    default:
        return -LINUX_ENOSYS;
    }
}
