/*
 * port.h - vm/'s calls of the port (port.c), the few things it asks of
 * whatever runs the guest.  Each is a no-op when the port leaves its
 * callback NULL.
 */
#ifndef FAULTLINE_VM_PORT_H
#define FAULTLINE_VM_PORT_H

#include "internal.h"

/* Frames f .. f + npages - 1 now back the pages from va on (see struct
 * vm_port's map).  Returns 0 or the port's negative errno. */
int port_map(struct vm_mm *mm, uint64_t va, uint32_t f, uint64_t npages, uint64_t ahead,
             bool exec);
/* [va, va + npages pages) of mm no longer hold pages. */
void port_unmap(struct vm_mm *mm, uint64_t va, uint64_t npages);
/* An area with prot now covers [start, end): make it reachable.  An area
 * nobody may touch (PROT_NONE: guard regions, reservations of terabytes)
 * needs nothing until vm_protect opens it. */
int port_cover(struct vm_mm *mm, uint64_t start, uint64_t end, unsigned prot);
/* Tell the port once that mm's TLB is stale, if it is. */
void port_flush(struct vm_mm *mm);
/* port_flush for every address space of vm: after work that may have
 * touched the entries of any of them (reclaim, writeback, truncation). */
void port_flush_all(struct vm *vm);
/* The code at [va, va + len) of mm may differ from what the CPU
 * translated.  Nothing when len is 0. */
void port_code_changed(struct vm_mm *mm, uint64_t va, uint64_t len);
/* Pages of area a leave [start, end): if a was ever executable, what comes
 * there next is other code. */
void port_code_gone(struct vm_mm *mm, const struct vm_area *a, uint64_t start, uint64_t end);

#endif
