/*
 * area.h - the ordered, disjoint areas of one mm (area.c).  The queries
 * the outside sees (vm_areas, vm_area_at, vm_memory_key, vm_range_free,
 * vm_area_count) are declared in vm.h.
 */
#ifndef FAULTLINE_VM_AREA_H
#define FAULTLINE_VM_AREA_H

#include "internal.h"

/* Index of the first area with end > addr (nareas when none). */
size_t area_index(const struct vm_mm *mm, uint64_t addr);
/* The area containing addr, or NULL. */
struct vm_area *area_find(const struct vm_mm *mm, uint64_t addr);
/* A new area, in no mm yet, with a copy of name ("[anon]" when NULL) and
 * its own reference on obj.  NULL when out of host memory. */
struct vm_area *area_new(uint64_t start, uint64_t end, unsigned prot, unsigned flags,
                         struct vm_object *obj, uint64_t pgoff, const char *name);
/* Free an area that is in no mm (NULL: nothing), dropping its object
 * reference.  Its pages and commit charge are the caller's business. */
void area_free(struct vm_area *a);
/* Insert a into mm's ordered set (no overlap allowed).  -ENOMEM: the
 * array cannot grow (or the Linux area limit is reached); a is not in. */
int area_insert(struct vm_mm *mm, struct vm_area *a);
/* Take the area at index i out of mm's set (it is not freed). */
void area_remove_at(struct vm_mm *mm, size_t i);
/* Split the area at index i at addr (start < addr < end): the upper part
 * becomes a new area at i + 1.  -ENOMEM: nothing changed. */
int area_split(struct vm_mm *mm, size_t i, uint64_t addr);
/* Split the area containing addr, if any, so that an area starts at addr. */
int area_split_at(struct vm_mm *mm, uint64_t addr);
/* Merge area i with its neighbours where they are compatible. */
void area_try_merge(struct vm_mm *mm, size_t i);
/* Are the areas of [start, end) back to back, with no hole? */
bool area_range_mapped(const struct vm_mm *mm, uint64_t start, uint64_t end);

/* Object page index of va in a. */
static inline uint64_t area_pgoff(const struct vm_area *a, uint64_t va)
{
    return a->pgoff + ((va - a->start) >> VM_PAGE_SHIFT);
}
static inline uint64_t area_pages(const struct vm_area *a)
{
    return (a->end - a->start) >> VM_PAGE_SHIFT;
}
static inline bool area_private_writable(const struct vm_area *a)
{
    return !(a->flags & VM_AREA_SHARED) && (a->prot & VM_PROT_WRITE);
}

#endif
