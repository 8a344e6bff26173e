/*
 * cachefill.h - file pages entering the page cache without a fault
 * (cachefill.c); vm_file_cache() is declared with its contract in vm.h.
 */
#ifndef FAULTLINE_VM_CACHEFILL_H
#define FAULTLINE_VM_CACHEFILL_H

#include "internal.h"

/* Bring pages first .. first + n - 1 of file object o into its cache, up
 * to the end of the file; those cached already stay.  Stops early when no
 * frame can be had (reclaim runs first when DRAM is short). */
void cache_pages(struct vm_object *o, uint64_t first, uint64_t n);

#endif
