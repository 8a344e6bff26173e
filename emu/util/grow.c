/*
 * grow.c - growable arrays (grow.h).
 */
#include "emu/util/grow.h"

#include <stdint.h>
#include <stdlib.h>

void *grow_array(void *v, size_t *cap, size_t n, size_t size, size_t first)
{
    if (n < *cap)
        return v;
    size_t c = *cap ? *cap * 2 : first;
    if (c < *cap || c > SIZE_MAX / size)
        return NULL;
    void *w = realloc(v, c * size);
    if (w)
        *cap = c;
    return w;
}
