/*
 * futex.h - futex waiters, as the kernel wakes them: by what their word
 * is (a struct vm_key), so the same word in two processes (MAP_SHARED)
 * or two threads (one address space) is one queue.
 */
#ifndef FAULTLINE_KERNEL_FUTEX_H
#define FAULTLINE_KERNEL_FUTEX_H

#include "vm/vm.h"

struct emu;

/* Wake up to nr waiters on key, lowest task slot first; how many woke. */
long futex_wake_key(struct emu *emu, const struct vm_key *key, long nr);
/* Wake up to nr waiters on the word at addr of mm, keyed as a shared
 * futex (vm_memory_key); 0 when addr is in no area. */
long futex_wake_addr(struct emu *emu, struct vm_mm *mm, uint64_t addr, long nr);

#endif
