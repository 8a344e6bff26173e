/*
 * object.c - what areas are backed by: files (found by device+inode) and
 * shared anonymous memory, each with a page cache mapping a page index to
 * the frame holding it, so that every mapping of one page shares a frame.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static void note_file_state(struct vm_object *o, const struct stat *st)
{
    o->size = (uint64_t)st->st_size;
    o->mtime_ns = ns(st->st_mtim);
    o->ctime_ns = ns(st->st_ctim);
}

static void cache_drop_all(struct vm_object *obj);

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
    for (struct vm_object *o = vm->objects; o; o = o->next) {
        if (o->kind != OBJ_FILE || o->dev != (uint64_t)st.st_dev || o->ino != (uint64_t)st.st_ino)
            continue;
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
            if (cache_stale(o, &st))
                cache_drop_all(o);
            o->idle_since = 0;
            vm->idle_objects--;
        }
        note_file_state(o, &st);
        object_get(o);
        return o;
    }
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
    note_file_state(obj, &st);
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
     * Linux: the next program to map it finds them (cache-hit). */
    struct stat st;
    if (fstat(obj->fd, &st) == 0)
        note_file_state(obj, &st);
    obj->idle_since = ++vm->idle_clock;
    vm->idle_objects++;
    trim_idle(vm);
}

/* --- the page cache: open addressing on the page index --------------------- */

static size_t hash_index(uint64_t index, size_t cap)
{
    return (size_t)((index * 0x9e3779b97f4a7c15ULL) >> 16) & (cap - 1);
}

struct cache_entry *cache_lookup(struct vm_object *obj, uint64_t index)
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

static int cache_grow(struct vm_object *obj)
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

struct cache_entry *cache_slot(struct vm_object *obj, uint64_t index)
{
    struct cache_entry *e = cache_lookup(obj, index);
    if (e)
        return e;
    if ((obj->used + 1) * 4 > obj->cap * 3 && cache_grow(obj) < 0)
        return NULL;
    size_t i = hash_index(index, obj->cap);
    while (obj->cache[i].index != CACHE_EMPTY)
        i = (i + 1) & (obj->cap - 1);
    obj->cache[i] = (struct cache_entry){index, NO_FRAME, 0};
    obj->used++;
    return &obj->cache[i];
}

/* Delete by re-inserting the run after the hole (linear probing). */
void cache_delete(struct vm_object *obj, uint64_t index)
{
    struct cache_entry *e = cache_lookup(obj, index);
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

/* The file shrank to size: pages wholly past the new end leave every
 * mapping and the cache (a later touch is SIGBUS), and the tail of the
 * last page reads as zero, as after Linux's truncate. */
static void object_truncate(struct vm_object *o, uint64_t size)
{
    struct vm *vm = o->vm;
    uint64_t first_gone = (size + VM_PAGE_SIZE - 1) / VM_PAGE_SIZE;
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
                cache_delete(o, e->index);
                again = true;
            }
        }
    }
    for (size_t k = 0; k < vm->nmms; k++)
        port_flush(vm->mms[k]);
}

void vm_object_resized(struct vm *vm, int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return;
    for (struct vm_object *o = vm->objects; o; o = o->next) {
        if (o->kind != OBJ_FILE || o->dev != (uint64_t)st.st_dev || o->ino != (uint64_t)st.st_ino)
            continue;
        if ((uint64_t)st.st_size < o->size)
            object_truncate(o, (uint64_t)st.st_size);
        note_file_state(o, &st);
    }
}

static struct vm_object *file_object(struct vm *vm, uint64_t dev, uint64_t ino)
{
    for (struct vm_object *o = vm->objects; o; o = o->next)
        if (o->kind == OBJ_FILE && o->dev == dev && o->ino == ino)
            return o;
    return NULL;
}

void vm_file_written(struct vm *vm, uint64_t dev, uint64_t ino, uint64_t off, const void *buf,
                     size_t len)
{
    struct vm_object *o = file_object(vm, dev, ino);
    if (!o || !len)
        return;
    if (off + len > o->size)
        o->size = off + len;
    const uint8_t *src = buf;
    for (uint64_t at = off; at < off + len;) {
        uint64_t index = at / VM_PAGE_SIZE, in = at % VM_PAGE_SIZE;
        size_t n = VM_PAGE_SIZE - in < off + len - at ? (size_t)(VM_PAGE_SIZE - in)
                                                      : (size_t)(off + len - at);
        struct cache_entry *e = cache_lookup(o, index);
        if (e && e->frame != NO_FRAME)
            memcpy(frame_bytes(vm, e->frame) + in, src + (at - off), n);
        at += n;
    }
}

void vm_file_sync(struct vm *vm, uint64_t dev, uint64_t ino)
{
    struct vm_object *o = file_object(vm, dev, ino);
    if (o)
        vm_object_sync(o);
}

void vm_sync_all(struct vm *vm)
{
    for (struct vm_object *o = vm->objects; o; o = o->next)
        if (o->kind == OBJ_FILE)
            vm_object_sync(o);
}
