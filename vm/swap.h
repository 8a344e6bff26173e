/*
 * swap.h - the swap file (swap.c): one slot per page, a reference count
 * per slot, and the swap cache of frames holding a slot's page.
 */
#ifndef FAULTLINE_VM_SWAP_H
#define FAULTLINE_VM_SWAP_H

#include "internal.h"

/* Open the swap file (path, or an unlinked temporary file when NULL) with
 * nslots free slots.  On failure a negative errno and a reason in err. */
int swap_init(struct swap *s, uint64_t nslots, const char *path, char *err, size_t errlen);
/* Close the swap file and free its tables (s may be half made). */
void swap_free(struct swap *s);
/* A free slot with one reference; UINT64_MAX when full. */
uint64_t swap_slot_alloc(struct vm *vm);
/* One more reference on a slot in use. */
void swap_slot_get(struct vm *vm, uint64_t slot);
/* Drop one reference; the slot is free at zero (and its swap-cache frame,
 * if any, loses the cache's reference). */
void swap_slot_put(struct vm *vm, uint64_t slot);
/* Write frames[0..n) to slots slot .. slot + n - 1 in one go (n <= 256).
 * -EIO on a write error. */
int swap_write_run(struct vm *vm, uint64_t slot, const uint32_t *frames, uint32_t n);
/* Read the page of slot into frame f.  -EIO on a read error. */
int swap_read(struct vm *vm, uint64_t slot, uint32_t f);

#endif
