/*
 * maps.h - the address-space picture shared by inspect, --maps and
 * /proc/<pid>/maps.
 */
#ifndef FAULTLINE_KERNEL_MAPS_H
#define FAULTLINE_KERNEL_MAPS_H

#include "vm/vm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

void maps_print(FILE *out, const struct vm_mm *mm, bool counts);
/* /proc/self/maps text; returns a malloc'd string. */
char *maps_proc_text(const struct vm_mm *mm, size_t *len);

#endif
