/*
 * frame.h - the simulated DRAM (frame.c): frames in one host memfd, their
 * reference counts, and the list reclaim scans.
 */
#ifndef FAULTLINE_VM_FRAME_H
#define FAULTLINE_VM_FRAME_H

#include "internal.h"

/* The bytes of frame f, in vm/'s own mapping of the memfd. */
static inline uint8_t *frame_bytes(const struct vm *vm, uint32_t f)
{
    return vm->dram.base + (uint64_t)f * VM_PAGE_SIZE;
}

/* The physical address of frame f, as page-table entries hold it. */
static inline uint64_t frame_phys(uint32_t f)
{
    return VM_PHYS_BASE + (uint64_t)f * VM_PAGE_SIZE;
}

/* Create a DRAM of nframes frames, all free.  On failure returns a
 * negative errno with a one-line reason in err, and d holds nothing. */
int dram_init(struct dram *d, uint32_t nframes, char *err, size_t errlen);
/* Free the memfd, its mapping and the frame table. */
void dram_free(struct dram *d);
/* A free frame of kind with one reference, at hint when hint is free;
 * NO_FRAME when none is free (the caller reclaims first).  The frame's
 * bytes are not cleared: frame_zero() does that. */
uint32_t frame_alloc(struct vm *vm, enum frame_kind kind, uint32_t hint);
/* Clear a frame just allocated, unless it was never used: the host gives
 * an untouched memfd page as zeros, and touching it here would cost a
 * host page fault that the first use by the guest then repeats. */
void frame_zero(struct vm *vm, uint32_t f);
/* Drop one reference; at zero the frame returns to the free pool (it must
 * be mapped nowhere and held by no cache by then). */
void frame_put(struct vm *vm, uint32_t f);

#endif
