/*
 * rmap.h - the reverse map (rmap.c): for every user frame, the (mm, va)
 * of each entry that maps it, so that one page can be unmapped or cleaned
 * in every process that shares it.
 */
#ifndef FAULTLINE_VM_RMAP_H
#define FAULTLINE_VM_RMAP_H

#include "internal.h"

/* The fr->nrmap mappings of a frame. */
struct rmap_ref *rmap_refs(struct frame *fr);
/* Record that mm maps frame f at va (the caller has written the entry).
 * Out of host memory is fatal: the map must not lose a mapping. */
void rmap_add(struct vm *vm, uint32_t f, struct vm_mm *mm, uint64_t va);
/* Forget the mapping of f by mm at va, which must be recorded. */
void rmap_remove(struct vm *vm, uint32_t f, struct vm_mm *mm, uint64_t va);
/* Remove every mapping of frame f, leaving entry e (0 or a swap entry) in
 * its place and dropping the reference each held; traces ev for each
 * unless ev is VM_EV_COUNT.  The caller holds its own reference on f if
 * it needs f afterwards, and flushes the TLBs. */
void rmap_unmap_all(struct vm *vm, uint32_t f, pte_t e, enum vm_event ev, const char *detail);
/* Is cache frame f newer than its backing (file or slot)?  Folds the D
 * bits of every mapping into FRAME_DIRTY and clears them, so the next
 * write sets them again (the TLB of each mapper goes stale). */
bool rmap_collect_dirty(struct vm *vm, uint32_t f);

#endif
