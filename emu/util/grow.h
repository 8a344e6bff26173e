/*
 * grow.h - room for one more element in a growable array.  Includes
 * nothing of faultline.
 */
#ifndef FAULTLINE_UTIL_GROW_H
#define FAULTLINE_UTIL_GROW_H

#include <stddef.h>

/* The array v (n elements of size bytes used of *cap) with room for one
 * more: v itself when it has it, else v moved to twice the room (first
 * elements the first time) and *cap updated.  NULL when out of memory;
 * then v and *cap are as they were. */
void *grow_array(void *v, size_t *cap, size_t n, size_t size, size_t first);

#endif
