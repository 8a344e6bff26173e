/*
 * futex.c - waking futex waiters (see futex.h); the waits themselves are
 * system calls (emu/sys/futex.c).
 */
#include "emu/kernel/futex.h"
#include "emu/kernel/proc.h"

/* A waiter is one until chosen or its wait ends, also while a wake of
 * everyone (a child's exit, a signal) has it runnable to look again:
 * that look must not lose this wake. */
static bool waits_on(const struct proc *q, const struct vm_key *key)
{
    return q && (q->state == PROC_BLOCKED || q->state == PROC_RUNNABLE) && q->futex_wait &&
           !q->futex_woken && q->futex_key.base == key->base && q->futex_key.off == key->off;
}

long futex_wake_bitset(struct emu *emu, const struct vm_key *key, long nr, uint32_t bitset)
{
    long n = 0;
    for (int i = 0; i < emu->nprocs && n < nr; i++) {
        struct proc *q = emu->procs[i];
        if (waits_on(q, key) && !q->futex_pi && (q->futex_bitset & bitset)) {
            q->futex_woken = true;
            q->state = PROC_RUNNABLE;
            n++;
        }
    }
    return n;
}

long futex_wake_key(struct emu *emu, const struct vm_key *key, long nr)
{
    return futex_wake_bitset(emu, key, nr, LINUX_FUTEX_BITSET_MATCH_ANY);
}

long futex_requeue_key(struct emu *emu, const struct vm_key *from, const struct vm_key *to,
                       long nr)
{
    long n = 0;
    for (int i = 0; i < emu->nprocs && n < nr; i++) {
        struct proc *q = emu->procs[i];
        if (waits_on(q, from) && !q->futex_pi) {
            q->futex_key = *to;
            n++;
        }
    }
    return n;
}

struct proc *futex_pi_waiter(struct emu *emu, const struct vm_key *key, bool *more)
{
    struct proc *first = NULL;
    *more = false;
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (!waits_on(q, key) || !q->futex_pi)
            continue;
        if (first) {
            *more = true;
            break;
        }
        first = q;
    }
    return first;
}

long futex_wake_addr(struct emu *emu, struct vm_mm *mm, uint64_t addr, long nr)
{
    struct vm_key key;
    if (!vm_memory_key(mm, addr, &key))
        return 0;
    return futex_wake_key(emu, &key, nr);
}
