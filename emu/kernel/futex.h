/*
 * futex.h - futex waiters, as the kernel wakes them: by what their word
 * is (a struct vm_key), so the same word in two processes (MAP_SHARED)
 * or two threads (one address space) is one queue.
 */
#ifndef FAULTLINE_KERNEL_FUTEX_H
#define FAULTLINE_KERNEL_FUTEX_H

#include "vm/vm.h"

struct emu;

#include <stdbool.h>
#include <stdint.h>

struct proc;

/* Wake up to nr waiters on key, lowest task slot first; how many woke.
 * The _bitset form wakes only waiters whose bitset meets bitset.  PI
 * waiters are woken only by futex_pi_waiter's caller. */
long futex_wake_key(struct emu *emu, const struct vm_key *key, long nr);
long futex_wake_bitset(struct emu *emu, const struct vm_key *key, long nr, uint32_t bitset);
/* Move up to nr waiters of from to wait on to; how many moved. */
long futex_requeue_key(struct emu *emu, const struct vm_key *from, const struct vm_key *to,
                       long nr);
/* The first FUTEX_LOCK_PI waiter on key (NULL: none); *more when there
 * are others. */
struct proc *futex_pi_waiter(struct emu *emu, const struct vm_key *key, bool *more);
/* Wake up to nr waiters on the word at addr of mm, keyed as a shared
 * futex (vm_memory_key); 0 when addr is in no area. */
long futex_wake_addr(struct emu *emu, struct vm_mm *mm, uint64_t addr, long nr);

#endif
