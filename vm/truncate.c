/*
 * truncate.c - pages of an object leave every process and the page cache,
 * as after Linux's truncate and hole punching: those past the new end of
 * a file that shrank behind its mappings (ftruncate by the guest or by
 * another program), or those of a hole punched in it (MADV_REMOVE).
 */
#include "truncate.h"

#include "addr.h"
#include "frame.h"
#include "object.h"
#include "pagecache.h"
#include "port.h"
#include "rmap.h"
#include "swap.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

/* Pages first .. last - 1 of o leave every mapping and the cache, dirty
 * or not (their bytes are gone from the backing too), and so do the swap
 * slots of shared anonymous ones.  Private copies made from them stay. */
static void drop_pages(struct vm_object *o, uint64_t first, uint64_t last)
{
    struct vm *vm = o->vm;
    for (size_t i = 0; i < o->cap; i++) {
        struct cache_entry *e = &o->cache[i];
        if (e->index == CACHE_EMPTY || e->index < first || e->index >= last)
            continue;
        if (e->slot) {
            swap_slot_put(vm, e->slot - 1);
            e->slot = 0;
        }
        if (e->frame == NO_FRAME)
            continue;
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

/* The file shrank to size: pages wholly past the new end leave every
 * mapping and the cache (a later touch is SIGBUS), and the tail of the
 * last page reads as zero. */
static void object_truncate(struct vm_object *o, uint64_t size)
{
    struct vm *vm = o->vm;
    uint64_t first_gone = vm_page_up(size) / VM_PAGE_SIZE;
    struct cache_entry *e = size % VM_PAGE_SIZE ? pagecache_lookup(o, first_gone - 1) : NULL;
    if (e && e->frame != NO_FRAME)
        memset(frame_bytes(vm, e->frame) + size % VM_PAGE_SIZE, 0,
               VM_PAGE_SIZE - size % VM_PAGE_SIZE);
    drop_pages(o, first_gone, UINT64_MAX);
}

int object_punch(struct vm_object *o, uint64_t first, uint64_t n)
{
    if (o->kind == OBJ_FILE) {
        if (fallocate(o->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                      (off_t)(first * VM_PAGE_SIZE), (off_t)(n * VM_PAGE_SIZE)) < 0)
            return -errno;
        struct stat st;
        if (fstat(o->fd, &st) == 0)
            object_note_stat(o, &st); /* the cache still matches the file */
    }
    drop_pages(o, first, first + n);
    return 0;
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
