/*
 * truncate.c - a file shrank behind its mappings (ftruncate by the guest
 * or by another program): the pages past the new end leave every process
 * and the page cache, as after Linux's truncate.
 */
#include "truncate.h"

#include "addr.h"
#include "frame.h"
#include "object.h"
#include "pagecache.h"
#include "port.h"
#include "rmap.h"

#include <string.h>
#include <sys/stat.h>

/* The file shrank to size: pages wholly past the new end leave every
 * mapping and the cache (a later touch is SIGBUS), and the tail of the
 * last page reads as zero. */
static void object_truncate(struct vm_object *o, uint64_t size)
{
    struct vm *vm = o->vm;
    uint64_t first_gone = vm_page_up(size) / VM_PAGE_SIZE;
    for (size_t i = 0; i < o->cap; i++) {
        struct cache_entry *e = &o->cache[i];
        if (e->index == CACHE_EMPTY || e->frame == NO_FRAME)
            continue;
        if (e->index < first_gone) {
            if (e->index == first_gone - 1 && size % VM_PAGE_SIZE)
                memset(frame_bytes(vm, e->frame) + size % VM_PAGE_SIZE, 0,
                       VM_PAGE_SIZE - size % VM_PAGE_SIZE);
            continue;
        }
        uint32_t f = e->frame;
        struct frame *fr = &vm->dram.frames[f];
        fr->refs++; /* keep it while its mappings go */
        rmap_unmap_all(vm, f, 0, VM_EV_COUNT, NULL);
        e->frame = NO_FRAME;
        fr->kind = FRAME_ANON;
        fr->obj = NULL;
        fr->flags = 0;
        fr->refs--; /* the cache's reference */
        frame_put(vm, f);
    }
    /* Forget the emptied entries (deleting reorders the table: restart). */
    for (bool again = true; again;) {
        again = false;
        for (size_t i = 0; i < o->cap && !again; i++) {
            struct cache_entry *e = &o->cache[i];
            if (e->index != CACHE_EMPTY && e->frame == NO_FRAME && !e->slot) {
                pagecache_delete(o, e->index);
                again = true;
            }
        }
    }
    port_flush_all(vm);
}

void vm_object_resized(struct vm *vm, int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return;
    /* One object per file: vm_object_file finds the existing one. */
    struct vm_object *o = object_find_file(vm, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
    if (!o)
        return;
    if ((uint64_t)st.st_size < o->size)
        object_truncate(o, (uint64_t)st.st_size);
    object_note_stat(o, &st);
}
