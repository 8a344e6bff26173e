/*
 * reclaim.h - eviction when free frames run low (reclaim.c); vm_reclaim
 * itself is declared in vm.h.
 */
#ifndef FAULTLINE_VM_RECLAIM_H
#define FAULTLINE_VM_RECLAIM_H

#include "internal.h"

/* Reclaim until at least want frames are free (best effort: fewer when
 * nothing more can be evicted), at least a batch at a time.  Any entry of
 * any mm may change; every TLB is flushed before it returns. */
void reclaim_for(struct vm *vm, uint32_t want);

#endif
