/*
 * lock.c - the table of file locks guest processes hold (lock.h).  A
 * flat array, scanned: a run holds few locks.  Records of one owner never
 * overlap, and touching ones of one type are merged, as Linux keeps its
 * lists, so F_GETLK reports the ranges Linux would.
 */
#include "emu/kernel/lock.h"
#include "emu/kernel/proc.h"

#include <stdlib.h>

static bool same_owner(const struct lock_rec *a, const struct lock_rec *b)
{
    if (a->kind != b->kind || a->dev != b->dev || a->ino != b->ino)
        return false;
    return a->kind == LOCK_POSIX ? a->pid == b->pid : a->ofd == b->ofd;
}

static bool overlap(const struct lock_rec *a, const struct lock_rec *b)
{
    return a->start <= b->end && b->start <= a->end;
}

static bool touch(const struct lock_rec *a, const struct lock_rec *b)
{
    return overlap(a, b) || (a->end != LOCK_TO_EOF && a->end + 1 == b->start) ||
           (b->end != LOCK_TO_EOF && b->end + 1 == a->start);
}

const struct lock_rec *lock_conflict(const struct lock_table *t, const struct lock_rec *req)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct lock_rec *a = &t->recs[i];
        if (a->dev != req->dev || a->ino != req->ino || same_owner(a, req))
            continue;
        if ((a->kind == LOCK_FLOCK) != (req->kind == LOCK_FLOCK))
            continue; /* flock and fcntl locks never meet */
        if (overlap(a, req) && (a->type == LINUX_F_WRLCK || req->type == LINUX_F_WRLCK))
            return a;
    }
    return NULL;
}

static int reserve(struct lock_table *t, size_t n)
{
    if (n <= t->cap)
        return 0;
    size_t cap = t->cap ? t->cap * 2 : 16;
    while (cap < n)
        cap *= 2;
    struct lock_rec *r = realloc(t->recs, cap * sizeof *r);
    if (!r)
        return -LINUX_ENOLCK;
    t->recs = r;
    t->cap = cap;
    return 0;
}

/* Take req's range out of its owner's locks: a lock covering it on both
 * sides leaves two pieces (room for one more was reserved).  True when
 * anything was taken. */
static bool cut_range(struct lock_table *t, const struct lock_rec *req)
{
    bool cut = false;
    for (size_t i = 0; i < t->n;) {
        struct lock_rec a = t->recs[i];
        if (!same_owner(&a, req) || !overlap(&a, req)) {
            i++;
            continue;
        }
        t->recs[i] = t->recs[--t->n];
        cut = true;
        if (a.start < req->start) {
            struct lock_rec left = a;
            left.end = req->start - 1;
            t->recs[t->n++] = left;
        }
        if (a.end > req->end) {
            struct lock_rec right = a;
            right.start = req->end + 1;
            t->recs[t->n++] = right;
        }
    }
    return cut;
}

int lock_set(struct emu *emu, const struct lock_rec *req)
{
    struct lock_table *t = &emu->locks;
    if (reserve(t, t->n + 2) < 0)
        return -LINUX_ENOLCK;
    bool cut = cut_range(t, req);
    if (req->type != LINUX_F_UNLCK) {
        struct lock_rec add = *req;
        for (size_t i = 0; i < t->n;) {
            struct lock_rec *a = &t->recs[i];
            if (!same_owner(a, &add) || a->type != add.type || !touch(a, &add)) {
                i++;
                continue;
            }
            add.start = a->start < add.start ? a->start : add.start;
            add.end = a->end > add.end ? a->end : add.end;
            t->recs[i] = t->recs[--t->n];
            i = 0; /* the wider lock may touch one already passed */
        }
        t->recs[t->n++] = add;
    }
    if (cut)
        proc_wake_all(emu); /* a waiter may fit now (an unlock, a downgrade) */
    return 0;
}

/* Drop every lock gone() says goes; wake the waiters if any went. */
static void drop_where(struct emu *emu, bool (*gone)(const struct lock_rec *, const void *),
                       const void *arg)
{
    struct lock_table *t = &emu->locks;
    size_t before = t->n;
    for (size_t i = 0; i < t->n;) {
        if (gone(&t->recs[i], arg))
            t->recs[i] = t->recs[--t->n];
        else
            i++;
    }
    if (t->n != before)
        proc_wake_all(emu);
}

static bool posix_of(const struct lock_rec *a, const void *arg)
{
    const struct lock_rec *k = arg;
    return a->kind == LOCK_POSIX && a->pid == k->pid &&
           (k->kind != LOCK_POSIX || (a->dev == k->dev && a->ino == k->ino));
}

void lock_close(struct emu *emu, int tgid, uint64_t dev, uint64_t ino)
{
    struct lock_rec k = {.kind = LOCK_POSIX, .pid = tgid, .dev = dev, .ino = ino};
    drop_where(emu, posix_of, &k);
}

void lock_exit(struct emu *emu, int tgid)
{
    struct lock_rec k = {.kind = LOCK_FLOCK, .pid = tgid}; /* any file */
    drop_where(emu, posix_of, &k);
}

static bool of_file(const struct lock_rec *a, const void *arg)
{
    return a->kind != LOCK_POSIX && a->ofd == arg;
}

void lock_file_gone(struct emu *emu, const struct file *f)
{
    drop_where(emu, of_file, f);
}

void lock_table_free(struct lock_table *t)
{
    free(t->recs);
    *t = (struct lock_table){0};
}
