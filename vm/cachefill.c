/*
 * cachefill.c - read() and write() of a file go through the page cache,
 * as in Linux: the pages they cover enter it, read from the file (which
 * holds the bytes by then), so that a mapping made afterwards finds them
 * (a cache-hit, and mincore says resident); MADV_WILLNEED reads a mapped
 * range ahead the same way.  No fault happens and nothing is traced;
 * reclaim drops these pages as any clean page-cache page.
 */
#include "cachefill.h"

#include "frame.h"
#include "object.h"
#include "pagecache.h"
#include "reclaim.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bring page index of o into its cache, in a frame near *hint (the frame
 * it got is left there); false when no frame can be had. */
static bool cache_page(struct vm_object *o, uint64_t index, uint32_t *hint)
{
    struct vm *vm = o->vm;
    struct cache_entry *e = pagecache_lookup(o, index);
    if (e && e->frame != NO_FRAME) {
        *hint = e->frame + 1;
        return true;
    }
    /* Reclaim before taking an entry: eviction reorders the table. */
    if (vm->dram.nfree < vm->dram.low_mark)
        reclaim_for(vm, vm->dram.low_mark + vm->dram.batch);
    e = pagecache_slot(o, index);
    uint32_t f = e ? frame_alloc(vm, FRAME_CACHE, *hint) : NO_FRAME;
    if (f == NO_FRAME || object_read_page(o, index, f) < 0) {
        if (f != NO_FRAME) {
            vm->dram.frames[f].kind = FRAME_ANON; /* never the cache's */
            frame_put(vm, f);
        }
        if (e)
            pagecache_delete(o, index);
        return false;
    }
    vm->dram.frames[f].obj = o;
    vm->dram.frames[f].index = index;
    e->frame = f;
    *hint = f + 1;
    return true;
}

void vm_file_cache(struct vm *vm, int fd, const char *name, uint64_t off, size_t len)
{
    struct stat st;
    if (!len || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        return;
    /* A file with no name left gets no new object: it would go again at
     * once.  A new object reads through a dup of the descriptor it is
     * made with: for a file open only for writing, one opened again for
     * reading (when that is allowed; else nothing is cached). */
    bool known = object_find_file(vm, (uint64_t)st.st_dev, (uint64_t)st.st_ino) != NULL;
    if (!known && st.st_nlink == 0)
        return;
    int rfd = -1, err = 0;
    if (!known && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY) {
        char path[40];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        if ((rfd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
            return;
    }
    struct vm_object *o = vm_object_file(vm, rfd >= 0 ? rfd : fd, name, false, &err);
    if (rfd >= 0)
        close(rfd);
    if (!o)
        return;
    uint64_t first = off / VM_PAGE_SIZE;
    cache_pages(o, first, (off + len - 1) / VM_PAGE_SIZE - first + 1);
    vm_object_put(o);
}

void cache_pages(struct vm_object *o, uint64_t first, uint64_t n)
{
    uint32_t hint = NO_FRAME;
    for (uint64_t index = first; index < first + n; index++)
        if (index * VM_PAGE_SIZE >= o->size || !cache_page(o, index, &hint))
            break;
}
