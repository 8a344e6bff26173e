/*
 * zap.h - dropping the pages of a range (zap.c), for munmap, madvise and
 * the teardown of an address space.
 */
#ifndef FAULTLINE_VM_ZAP_H
#define FAULTLINE_VM_ZAP_H

#include "internal.h"

/* Drop every page of [start, end) within area a of mm: entries cleared,
 * frame references and swap slots dropped, dirty shared file pages no
 * longer mapped anywhere written back, the port told what no longer shows
 * (unless mm is dying) and what code is gone.  The tables stay; the
 * caller flushes the TLB. */
void zap_range(struct vm_mm *mm, const struct vm_area *a, uint64_t start, uint64_t end);

#endif
