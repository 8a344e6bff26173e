/*
 * commit.h - commit accounting (commit.c): private writable memory is
 * charged to a limit of DRAM plus swap when it is mapped, not when it is
 * touched, so that running out shows at mmap and fork, not as a fault.
 */
#ifndef FAULTLINE_VM_COMMIT_H
#define FAULTLINE_VM_COMMIT_H

#include "internal.h"

/* Set vm's commit limit from its configuration (frames and swap). */
void commit_init(struct vm *vm);
/* Does an area of prot and flags count against the limit? */
bool commit_needs_charge(const struct vm *vm, unsigned prot, unsigned flags);
/* Charge pages; -ENOMEM (nothing charged) when strict accounting is on and
 * they do not fit under the limit. */
int commit_charge(struct vm *vm, uint64_t pages);
/* Give back pages charged before. */
void commit_uncharge(struct vm *vm, uint64_t pages);

#endif
