/*
 * pt.h - x86-64 4-level page tables in DRAM frames (pt.c), and the bits
 * of their entries.
 */
#ifndef FAULTLINE_VM_PT_H
#define FAULTLINE_VM_PT_H

#include "frame.h"

/* Give mm its PML4, an empty table.  -ENOMEM when no frame is free. */
int pt_init(struct vm_mm *mm);
/* The leaf entry for va; with create, missing tables are allocated (from
 * frames).  NULL: no table (create false) or no frame (create true). */
pte_t *pt_walk(struct vm_mm *mm, uint64_t va, bool create);
/* Free the page-table pages under [start, end) that hold no entry. */
void pt_prune(struct vm_mm *mm, uint64_t start, uint64_t end);
/* Free every page-table page of mm, PML4 included. */
void pt_free_all(struct vm_mm *mm);
/* Call fn on every non-empty leaf entry in [start, end), in address order.
 * fn may change the entry but not the tables. */
typedef void (*pt_visit_fn)(struct vm_mm *mm, uint64_t va, pte_t *pte, void *arg);
void pt_for_each(struct vm_mm *mm, uint64_t start, uint64_t end, pt_visit_fn fn, void *arg);
/* Number of page-table pages of mm. */
uint32_t pt_count(const struct vm_mm *mm);

/* The frame a present entry points at. */
static inline uint32_t pte_frame(pte_t e)
{
    return (uint32_t)(((e & PTE_ADDR) - VM_PHYS_BASE) >> VM_PAGE_SHIFT);
}
/* A present user entry for frame f in an area of prot. */
static inline pte_t pte_make(uint32_t f, unsigned prot, bool writable)
{
    pte_t e = frame_phys(f) | PTE_P | PTE_U;
    if (writable)
        e |= PTE_W;
    if (!(prot & VM_PROT_EXEC))
        e |= PTE_NX;
    return e;
}
/* A non-present entry holding a swap slot. */
static inline bool pte_is_swap(pte_t e)
{
    return !(e & PTE_P) && (e & PTE_SWAP);
}
static inline uint64_t pte_swap_slot(pte_t e)
{
    return (e & PTE_ADDR) >> VM_PAGE_SHIFT;
}
static inline pte_t pte_make_swap(uint64_t slot)
{
    return (slot << VM_PAGE_SHIFT) | PTE_SWAP;
}

#endif
