/*
 * sites.h - where a fault came from (sites.c): the instruction, the
 * system call of a kernel-mode fault, and their names in the guest's
 * objects, for the fault log.
 */
#ifndef FAULTLINE_SITES_H
#define FAULTLINE_SITES_H

#include "emu/kernel/proc.h"

/* Fill r's ip and call from task p, whose process raised r (a fault, not
 * reclaim), or whose call did (a kernel fault in its child): a user fault's ip is p's instruction pointer, a kernel
 * fault's is the syscall instruction of the call p is in (and call its
 * name).  The names (object, func, src) come from the symbols of the
 * object ip lies in, unless --no-symbols. */
void site_fill(struct emu *emu, struct proc *p, struct vm_event_rec *r);

#endif
