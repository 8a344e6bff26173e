/*
 * msync.c - dirty shared file pages back to their files: over a range of
 * one address space (msync), over one object (fsync, and before read()
 * of a mapped file), over every file (sync).
 */
#include "area.h"
#include "object.h"
#include "pagecache.h"
#include "port.h"
#include "pt.h"
#include "rmap.h"

#include <errno.h>

struct sync_ctx {
    const struct vm_area *area;
};

/* Write a present page of a shared area back if any mapper dirtied it. */
static void sync_one(struct vm_mm *mm, uint64_t va, pte_t *pte, void *arg)
{
    const struct vm_area *a = ((struct sync_ctx *)arg)->area;
    if (!(*pte & PTE_P))
        return;
    uint32_t f = pte_frame(*pte);
    struct frame *fr = &mm->vm->dram.frames[f];
    if (fr->kind != FRAME_CACHE || fr->obj->kind != OBJ_FILE || !rmap_collect_dirty(mm->vm, f))
        return;
    object_writeback(mm, va, a->name, f);
}

int vm_sync(struct vm_mm *mm, uint64_t start, uint64_t len)
{
    len = vm_page_up(len);
    if (start & ~VM_PAGE_MASK)
        return -EINVAL;
    uint64_t end = start + len;
    if (end < start)
        return -ENOMEM;
    /* As Linux: the areas in the range are synced, holes between them
     * stepped over and reported at the end. */
    int unmapped = 0;
    uint64_t at = start;
    for (size_t i = area_index(mm, start); at < end; i++) {
        if (i == mm->nareas) {
            unmapped = -ENOMEM;
            break;
        }
        const struct vm_area *a = mm->areas[i];
        if (at < a->start)
            unmapped = -ENOMEM;
        if (a->start >= end)
            break;
        uint64_t from = a->start > at ? a->start : at, to = a->end < end ? a->end : end;
        if ((a->flags & VM_AREA_SHARED) && a->obj) {
            struct sync_ctx sc = {.area = a};
            pt_for_each(mm, from, to, sync_one, &sc);
        }
        at = to;
    }
    port_flush_all(mm->vm);
    return unmapped;
}

int vm_object_sync(struct vm_object *obj)
{
    struct vm *vm = obj->vm;
    if (obj->kind != OBJ_FILE)
        return 0;
    for (size_t i = 0; i < obj->cap; i++) {
        struct cache_entry *e = &obj->cache[i];
        if (e->index == CACHE_EMPTY || e->frame == NO_FRAME)
            continue;
        if (rmap_collect_dirty(vm, e->frame))
            object_write_page(obj, e->index, e->frame);
    }
    port_flush_all(vm);
    return 0;
}

void vm_file_sync(struct vm *vm, uint64_t dev, uint64_t ino, uint64_t off, uint64_t len)
{
    struct vm_object *o = object_find_file(vm, dev, ino);
    if (!o || !o->used || off >= o->size)
        return;
    uint64_t end = len < o->size - off ? off + len : o->size;
    uint64_t first = off / VM_PAGE_SIZE, last = (end - 1) / VM_PAGE_SIZE;
    /* A read of a few pages of a file with many cached looks up just
     * those: a whole scan before every read() would make reading a file
     * through its cache quadratic. */
    if (last - first >= o->cap) {
        vm_object_sync(o);
        return;
    }
    for (uint64_t index = first; index <= last; index++) {
        struct cache_entry *e = pagecache_lookup(o, index);
        if (e && e->frame != NO_FRAME && rmap_collect_dirty(vm, e->frame))
            object_write_page(o, index, e->frame);
    }
    port_flush_all(vm);
}

void vm_sync_all(struct vm *vm)
{
    for (struct vm_object *o = vm->objects; o; o = o->next)
        if (o->kind == OBJ_FILE)
            vm_object_sync(o);
}
