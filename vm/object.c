/*
 * object.c - what areas are backed by: files (found by device+inode) and
 * shared anonymous memory, their lifetime (a file's pages outlive its last
 * user, as Linux's page cache does), and the reads and writes of their
 * pages.  Each has a page cache (pagecache.c) mapping a page index to the
 * frame holding it, so that every mapping of one page shares a frame.
 */
#include "object.h"

#include "frame.h"
#include "pagecache.h"
#include "swap.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Idle file objects kept for their page cache, at most this many. */
#define VM_IDLE_OBJECTS_MAX 64

void object_get(struct vm_object *obj)
{
    obj->refs++;
}

static struct vm_object *object_new(struct vm *vm, enum object_kind kind, const char *name)
{
    struct vm_object *obj = calloc(1, sizeof *obj);
    if (!obj)
        return NULL;
    obj->name = strdup(name);
    if (!obj->name) {
        free(obj);
        return NULL;
    }
    obj->vm = vm;
    obj->kind = kind;
    obj->refs = 1;
    obj->fd = -1;
    return obj;
}

static int64_t ns(struct timespec t)
{
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* The file changed behind our back since its pages were cached (another
 * program wrote it): those pages are stale. */
static bool cache_stale(const struct vm_object *o, const struct stat *st)
{
    return o->size != (uint64_t)st->st_size || o->mtime_ns != ns(st->st_mtim) ||
           o->ctime_ns != ns(st->st_ctim);
}

void object_note_stat(struct vm_object *o, const struct stat *st)
{
    o->size = (uint64_t)st->st_size;
    o->mtime_ns = ns(st->st_mtim);
    o->ctime_ns = ns(st->st_ctim);
}

static void cache_drop_all(struct vm_object *obj);

/* A new reference on o, the existing object of the file fd: its fd is
 * upgraded to a writable one when the caller needs it, and pages it kept
 * while idle are dropped if the file changed meanwhile.  NULL with *err
 * when the dup fails. */
static struct vm_object *object_reuse(struct vm_object *o, int fd, bool writable,
                                      const struct stat *st, int *err)
{
    struct vm *vm = o->vm;
    if (writable && !o->fd_writable) {
        int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (nfd < 0) {
            *err = -errno;
            return NULL;
        }
        close(o->fd);
        o->fd = nfd;
        o->fd_writable = true;
    }
    if (o->idle_since) {
        /* Back in use: its pages are still good unless the file changed. */
        if (cache_stale(o, st))
            cache_drop_all(o);
        o->idle_since = 0;
        vm->idle_objects--;
    }
    object_note_stat(o, st);
    object_get(o);
    return o;
}

struct vm_object *vm_object_file(struct vm *vm, int fd, const char *name, bool writable,
                                 int *err)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        *err = -errno;
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *err = -ENODEV;
        return NULL;
    }
    int flags = fcntl(fd, F_GETFL);
    bool fd_writable = flags >= 0 && (flags & O_ACCMODE) == O_RDWR;
    if (writable && !fd_writable) {
        *err = -EACCES;
        return NULL;
    }
    struct vm_object *o = object_find_file(vm, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
    if (o)
        return object_reuse(o, fd, writable, &st, err);
    struct vm_object *obj = object_new(vm, OBJ_FILE, name);
    if (!obj) {
        *err = -ENOMEM;
        return NULL;
    }
    obj->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (obj->fd < 0) {
        *err = -errno;
        free(obj->name);
        free(obj);
        return NULL;
    }
    obj->fd_writable = fd_writable;
    obj->dev = (uint64_t)st.st_dev;
    obj->ino = (uint64_t)st.st_ino;
    object_note_stat(obj, &st);
    obj->next = vm->objects;
    vm->objects = obj;
    return obj;
}

struct vm_object *vm_object_anon_shared(struct vm *vm, uint64_t size)
{
    struct vm_object *obj = object_new(vm, OBJ_ANON_SHARED, "[shared]");
    if (obj) {
        obj->size = size;
        obj->next = vm->objects;
        vm->objects = obj;
    }
    return obj;
}

uint64_t vm_object_size(const struct vm_object *obj)
{
    return obj->size;
}

/* Drop every cached page (writing dirty ones back). */
static void cache_drop_all(struct vm_object *obj)
{
    struct vm *vm = obj->vm;
    for (size_t i = 0; i < obj->cap; i++) {
        struct cache_entry *e = &obj->cache[i];
        if (e->index == CACHE_EMPTY)
            continue;
        if (e->frame != NO_FRAME) {
            struct frame *fr = &vm->dram.frames[e->frame];
            VM_ASSERT(fr->nrmap == 0, "cached page still mapped by a dying object");
            if (obj->kind == OBJ_FILE && (fr->flags & FRAME_DIRTY))
                object_write_page(obj, e->index, e->frame);
            fr->kind = FRAME_ANON;
            fr->obj = NULL;
            frame_put(vm, e->frame);
        }
        if (e->slot)
            swap_slot_put(vm, e->slot - 1);
    }
    free(obj->cache);
    obj->cache = NULL;
    obj->cap = obj->used = 0;
}

void object_destroy(struct vm_object *obj)
{
    struct vm *vm = obj->vm;
    cache_drop_all(obj);
    for (struct vm_object **p = &vm->objects; *p; p = &(*p)->next) {
        if (*p == obj) {
            *p = obj->next;
            break;
        }
    }
    if (obj->idle_since)
        vm->idle_objects--;
    if (obj->fd >= 0)
        close(obj->fd);
    free(obj->name);
    free(obj);
}

/* Keep at most VM_IDLE_OBJECTS_MAX idle objects: forget the oldest. */
static void trim_idle(struct vm *vm)
{
    while (vm->idle_objects > VM_IDLE_OBJECTS_MAX) {
        struct vm_object *oldest = NULL;
        for (struct vm_object *o = vm->objects; o; o = o->next)
            if (o->idle_since && (!oldest || o->idle_since < oldest->idle_since))
                oldest = o;
        object_destroy(oldest);
    }
}

void vm_object_put(struct vm_object *obj)
{
    VM_ASSERT(obj->refs > 0, "object reference underflow");
    if (--obj->refs > 0)
        return;
    struct vm *vm = obj->vm;
    if (obj->kind != OBJ_FILE || obj->used == 0) {
        object_destroy(obj);
        return;
    }
    /* A file's pages stay in the page cache after its last user, as in
     * Linux: the next program to map it finds them (cache-hit).  Not a
     * file's that has no name left: nobody can open it again, and the
     * descriptor kept would keep its blocks on the disk. */
    struct stat st;
    if (fstat(obj->fd, &st) == 0) {
        if (st.st_nlink == 0) {
            object_destroy(obj);
            return;
        }
        object_note_stat(obj, &st);
    }
    obj->idle_since = ++vm->idle_clock;
    vm->idle_objects++;
    trim_idle(vm);
}

/* --- file I/O ------------------------------------------------------------------- */

int object_read_page(struct vm_object *obj, uint64_t index, uint32_t f)
{
    uint8_t *dst = frame_bytes(obj->vm, f);
    size_t done = 0;
    if (obj->kind == OBJ_FILE) {
        while (done < VM_PAGE_SIZE) {
            ssize_t n = pread(obj->fd, dst + done, VM_PAGE_SIZE - done,
                              (off_t)(index * VM_PAGE_SIZE + done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return -EIO;
            if (n == 0)
                break;
            done += (size_t)n;
        }
    }
    memset(dst + done, 0, VM_PAGE_SIZE - done);
    return 0;
}

int object_write_page(struct vm_object *obj, uint64_t index, uint32_t f)
{
    VM_ASSERT(obj->kind == OBJ_FILE, "writing back a page without a file");
    uint64_t off = index * VM_PAGE_SIZE;
    struct stat st;
    if (fstat(obj->fd, &st) == 0)
        obj->size = (uint64_t)st.st_size;
    if (off >= obj->size)
        return 0; /* the file shrank under the mapping: nothing to keep */
    size_t len = obj->size - off < VM_PAGE_SIZE ? (size_t)(obj->size - off) : VM_PAGE_SIZE;
    const uint8_t *src = frame_bytes(obj->vm, f);
    size_t done = 0;
    while (done < len) {
        ssize_t n = pwrite(obj->fd, src + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -EIO;
        done += (size_t)n;
    }
    obj->vm->dram.frames[f].flags &= (uint8_t)~FRAME_DIRTY;
    return 0;
}

void object_writeback(struct vm_mm *mm, uint64_t va, const char *area, uint32_t f)
{
    struct vm *vm = mm->vm;
    struct frame *fr = &vm->dram.frames[f];
    object_write_page(fr->obj, fr->index, f);
    trace_event(vm, mm, VM_EV_WRITEBACK, va, '-', '-', area, f, "off=0x%llx",
                (unsigned long long)(fr->index * VM_PAGE_SIZE));
}

struct vm_object *object_find_file(struct vm *vm, uint64_t dev, uint64_t ino)
{
    for (struct vm_object *o = vm->objects; o; o = o->next)
        if (o->kind == OBJ_FILE && o->dev == dev && o->ino == ino)
            return o;
    return NULL;
}

void vm_file_written(struct vm *vm, uint64_t dev, uint64_t ino, uint64_t off, const void *buf,
                     size_t len)
{
    struct vm_object *o = object_find_file(vm, dev, ino);
    if (!o || !len)
        return;
    /* The cached pages stay equal to the file: say so, or the object
     * would think them stale the next time it is taken up again. */
    struct stat st;
    if (fstat(o->fd, &st) == 0)
        object_note_stat(o, &st);
    if (off + len > o->size)
        o->size = off + len;
    const uint8_t *src = buf;
    for (uint64_t at = off; at < off + len;) {
        uint64_t index = at / VM_PAGE_SIZE, in = at % VM_PAGE_SIZE;
        size_t n = VM_PAGE_SIZE - in < off + len - at ? (size_t)(VM_PAGE_SIZE - in)
                                                      : (size_t)(off + len - at);
        struct cache_entry *e = pagecache_lookup(o, index);
        if (e && e->frame != NO_FRAME)
            memcpy(frame_bytes(vm, e->frame) + in, src + (at - off), n);
        at += n;
    }
}
