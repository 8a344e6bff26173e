/*
 * truncate.h - truncate.c exports only vm_object_resized(), declared with
 * its contract in vm.h.  The vm/ files that call it include this header
 * all the same, so that their includes name every module they use.
 */
#ifndef FAULTLINE_VM_TRUNCATE_H
#define FAULTLINE_VM_TRUNCATE_H

#include "internal.h"

#endif
