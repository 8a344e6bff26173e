/*
 * futex.c - waking futex waiters (see futex.h); the waits themselves are
 * system calls (emu/sys/futex.c).
 */
#include "emu/kernel/futex.h"
#include "emu/kernel/proc.h"

long futex_wake_key(struct emu *emu, const struct vm_key *key, long nr)
{
    long n = 0;
    for (int i = 0; i < emu->nprocs && n < nr; i++) {
        struct proc *q = emu->procs[i];
        if (q && q->state == PROC_BLOCKED && q->futex_wait && !q->futex_woken &&
            q->futex_key.base == key->base && q->futex_key.off == key->off) {
            q->futex_woken = true;
            q->state = PROC_RUNNABLE;
            n++;
        }
    }
    return n;
}

long futex_wake_addr(struct emu *emu, struct vm_mm *mm, uint64_t addr, long nr)
{
    struct vm_key key;
    if (!vm_memory_key(mm, addr, &key))
        return 0;
    return futex_wake_key(emu, &key, nr);
}
