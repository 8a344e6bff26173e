/*
 * pagecache.h - the page cache of an object (pagecache.c): page index ->
 * frame or swap slot.  Entries live in obj->cache; a pointer to one stays
 * good until the next pagecache_slot or pagecache_delete on obj.
 */
#ifndef FAULTLINE_VM_PAGECACHE_H
#define FAULTLINE_VM_PAGECACHE_H

#include "internal.h"

/* The entry for page index of obj, or NULL. */
struct cache_entry *pagecache_lookup(struct vm_object *obj, uint64_t index);
/* The entry for index, created empty (NO_FRAME, no slot) when absent;
 * NULL when the table cannot grow (out of host memory). */
struct cache_entry *pagecache_slot(struct vm_object *obj, uint64_t index);
/* Forget the entry for index, if any (its frame and slot are not touched). */
void pagecache_delete(struct vm_object *obj, uint64_t index);

#endif
