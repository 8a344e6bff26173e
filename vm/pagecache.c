/*
 * pagecache.c - the page cache of one object: a hash table from page index
 * to the frame holding that page (or the swap slot of an evicted
 * shared-anonymous page), with open addressing and linear probing.  It
 * keeps entries only: frames and slots are its callers' to manage.
 */
#include "pagecache.h"

#include <errno.h>

static size_t hash_index(uint64_t index, size_t cap)
{
    return (size_t)((index * 0x9e3779b97f4a7c15ULL) >> 16) & (cap - 1);
}

struct cache_entry *pagecache_lookup(struct vm_object *obj, uint64_t index)
{
    if (!obj->cap)
        return NULL;
    for (size_t i = hash_index(index, obj->cap);; i = (i + 1) & (obj->cap - 1)) {
        struct cache_entry *e = &obj->cache[i];
        if (e->index == index)
            return e;
        if (e->index == CACHE_EMPTY)
            return NULL;
    }
}

static int pagecache_grow(struct vm_object *obj)
{
    size_t cap = obj->cap ? obj->cap * 2 : 64;
    struct cache_entry *v = malloc(cap * sizeof *v);
    if (!v)
        return -ENOMEM;
    for (size_t i = 0; i < cap; i++)
        v[i] = (struct cache_entry){CACHE_EMPTY, NO_FRAME, 0};
    for (size_t i = 0; i < obj->cap; i++) {
        struct cache_entry *e = &obj->cache[i];
        if (e->index == CACHE_EMPTY)
            continue;
        size_t j = hash_index(e->index, cap);
        while (v[j].index != CACHE_EMPTY)
            j = (j + 1) & (cap - 1);
        v[j] = *e;
    }
    free(obj->cache);
    obj->cache = v;
    obj->cap = cap;
    return 0;
}

struct cache_entry *pagecache_slot(struct vm_object *obj, uint64_t index)
{
    struct cache_entry *e = pagecache_lookup(obj, index);
    if (e)
        return e;
    if ((obj->used + 1) * 4 > obj->cap * 3 && pagecache_grow(obj) < 0)
        return NULL;
    size_t i = hash_index(index, obj->cap);
    while (obj->cache[i].index != CACHE_EMPTY)
        i = (i + 1) & (obj->cap - 1);
    obj->cache[i] = (struct cache_entry){index, NO_FRAME, 0};
    obj->used++;
    return &obj->cache[i];
}

/* Delete by re-inserting the run after the hole (linear probing). */
void pagecache_delete(struct vm_object *obj, uint64_t index)
{
    struct cache_entry *e = pagecache_lookup(obj, index);
    if (!e)
        return;
    size_t i = (size_t)(e - obj->cache);
    obj->cache[i] = (struct cache_entry){CACHE_EMPTY, NO_FRAME, 0};
    obj->used--;
    for (size_t j = (i + 1) & (obj->cap - 1); obj->cache[j].index != CACHE_EMPTY;
         j = (j + 1) & (obj->cap - 1)) {
        struct cache_entry moved = obj->cache[j];
        obj->cache[j] = (struct cache_entry){CACHE_EMPTY, NO_FRAME, 0};
        size_t k = hash_index(moved.index, obj->cap);
        while (obj->cache[k].index != CACHE_EMPTY)
            k = (k + 1) & (obj->cap - 1);
        obj->cache[k] = moved;
    }
}
