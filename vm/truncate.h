/*
 * truncate.h - pages leaving an object (truncate.c); vm_object_resized()
 * is declared with its contract in vm.h.
 */
#ifndef FAULTLINE_VM_TRUNCATE_H
#define FAULTLINE_VM_TRUNCATE_H

#include "internal.h"

/* Punch a hole of n pages from page first in o: a file's bytes there
 * become zero (its size stays), and the pages leave every mapping and the
 * cache, shared anonymous ones their swap slots too, so the next touch
 * reads zero.  -errno when the host cannot punch the file (nothing
 * changed). */
int object_punch(struct vm_object *o, uint64_t first, uint64_t n);

#endif
