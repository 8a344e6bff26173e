/*
 * frame.c - the simulated DRAM: frames in one host memfd, their refcounts,
 * the free bitmap and the list of user frames in allocation order.
 *
 * Frames are handed out next-fit from a cursor, or exactly at a hint (the
 * frame after the one backing the neighbouring page), so pages touched in
 * order get consecutive frames and the host can merge their aliases into
 * one mapping.
 */
#include "frame.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int dram_init(struct dram *d, uint32_t nframes, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->fd = -1;
    if (nframes < 16 || nframes > VM_FRAMES_MAX) {
        snprintf(err, errlen, "--frames must be between 16 and %llu",
                 (unsigned long long)VM_FRAMES_MAX);
        return -EINVAL;
    }
    size_t bytes = (size_t)nframes * VM_PAGE_SIZE;
    d->fd = memfd_create("faultline-dram", MFD_CLOEXEC);
    if (d->fd < 0 || ftruncate(d->fd, (off_t)bytes) < 0) {
        snprintf(err, errlen, "cannot create DRAM of %u frames: %s", nframes, strerror(errno));
        goto fail;
    }
    d->base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, 0);
    if (d->base == MAP_FAILED) {
        d->base = NULL;
        snprintf(err, errlen, "cannot map DRAM of %u frames: %s", nframes, strerror(errno));
        goto fail;
    }
    d->frames = calloc(nframes, sizeof *d->frames);
    d->freemap = calloc((nframes + 63) / 64, sizeof *d->freemap);
    d->pristine = calloc((nframes + 63) / 64, sizeof *d->pristine);
    if (!d->frames || !d->freemap || !d->pristine) {
        snprintf(err, errlen, "out of host memory for %u frames", nframes);
        goto fail;
    }
    /* Every frame free and pristine.  The records stay untouched (calloc's
     * zero pages) until their frame is first allocated: at 1 GiB of DRAM
     * writing them all cost 18 MB of host memory and 18 ms at start. */
    size_t whole = nframes / 64;
    memset(d->freemap, 0xff, whole * sizeof *d->freemap);
    memset(d->pristine, 0xff, whole * sizeof *d->pristine);
    if (nframes % 64)
        d->freemap[whole] = d->pristine[whole] = (1ULL << (nframes % 64)) - 1;
    d->nframes = d->nfree = nframes;
    d->lru_head = d->lru_tail = d->hand = NO_FRAME;
    d->batch = nframes >= 4096 ? 64 : nframes >= 256 ? 16 : 4;
    d->low_mark = d->batch + 8;
    return 0;
fail:
    dram_free(d);
    return -ENOMEM;
}

void dram_free(struct dram *d)
{
    if (d->frames)
        for (uint32_t f = 0; f < d->nframes; f++)
            if (d->frames[f].rmapcap)
                free(d->frames[f].rmap);
    if (d->base)
        munmap(d->base, (size_t)d->nframes * VM_PAGE_SIZE);
    if (d->fd >= 0)
        close(d->fd);
    free(d->frames);
    free(d->freemap);
    free(d->pristine);
    memset(d, 0, sizeof *d);
    d->fd = -1;
}

static bool frame_is_free(const struct dram *d, uint32_t f)
{
    return d->freemap[f / 64] & (1ULL << (f % 64));
}

static uint32_t find_free(const struct dram *d, uint32_t from)
{
    uint32_t nwords = (d->nframes + 63) / 64;
    for (uint32_t k = 0; k <= nwords; k++) {
        uint32_t w = (from / 64 + k) % nwords;
        uint64_t bits = d->freemap[w];
        if (k == 0)
            bits &= ~0ULL << (from % 64);
        if (bits)
            return w * 64 + (uint32_t)__builtin_ctzll(bits);
    }
    return NO_FRAME;
}

static void lru_append(struct dram *d, uint32_t f)
{
    struct frame *fr = &d->frames[f];
    fr->lru_prev = d->lru_tail;
    fr->lru_next = NO_FRAME;
    if (d->lru_tail != NO_FRAME)
        d->frames[d->lru_tail].lru_next = f;
    else
        d->lru_head = f;
    d->lru_tail = f;
}

static void lru_unlink(struct dram *d, uint32_t f)
{
    struct frame *fr = &d->frames[f];
    if (d->hand == f)
        d->hand = fr->lru_next;
    if (fr->lru_prev != NO_FRAME)
        d->frames[fr->lru_prev].lru_next = fr->lru_next;
    else
        d->lru_head = fr->lru_next;
    if (fr->lru_next != NO_FRAME)
        d->frames[fr->lru_next].lru_prev = fr->lru_prev;
    else
        d->lru_tail = fr->lru_prev;
    fr->lru_prev = fr->lru_next = NO_FRAME;
}

uint32_t frame_alloc(struct vm *vm, enum frame_kind kind, uint32_t hint)
{
    struct dram *d = &vm->dram;
    VM_ASSERT(kind != FRAME_FREE, "allocating a free frame");
    if (d->nfree == 0)
        return NO_FRAME;
    uint32_t f = hint < d->nframes && frame_is_free(d, hint) ? hint : find_free(d, d->cursor);
    VM_ASSERT(f != NO_FRAME, "free count disagrees with the free map");
    d->freemap[f / 64] &= ~(1ULL << (f % 64));
    d->nfree--;
    d->cursor = f + 1 < d->nframes ? f + 1 : 0;
    struct frame *fr = &d->frames[f];
    fr->refs = 1;
    fr->kind = (uint8_t)kind;
    fr->flags = 0;
    fr->age = 0;
    fr->nrmap = 0;
    fr->obj = NULL;
    fr->owner = NULL;
    fr->index = 0;
    fr->lru_prev = fr->lru_next = NO_FRAME;
    if (d->pristine[f / 64] & (1ULL << (f % 64))) {
        d->pristine[f / 64] &= ~(1ULL << (f % 64));
        fr->flags = FRAME_PRISTINE;
    }
    if (kind != FRAME_PT)
        lru_append(d, f);
    uint32_t used = d->nframes - d->nfree;
    vm->stats.frames_in_use = used;
    if (used > vm->stats.peak_frames)
        vm->stats.peak_frames = used;
    return f;
}

void frame_zero(struct vm *vm, uint32_t f)
{
    struct frame *fr = &vm->dram.frames[f];
    if (fr->flags & FRAME_PRISTINE)
        fr->flags &= (uint8_t)~FRAME_PRISTINE;
    else
        memset(frame_bytes(vm, f), 0, VM_PAGE_SIZE);
}

/* Return a frame whose references are all gone to the free pool. */
static void frame_release(struct vm *vm, uint32_t f)
{
    struct dram *d = &vm->dram;
    struct frame *fr = &d->frames[f];
    VM_ASSERT(!frame_is_free(d, f), "frame freed twice");
    VM_ASSERT(fr->nrmap == 0, "freeing a frame that is still mapped");
    if (fr->kind != FRAME_PT)
        lru_unlink(d, f);
    if (fr->rmapcap)
        free(fr->rmap);
    memset(fr, 0, sizeof *fr);
    fr->lru_prev = fr->lru_next = NO_FRAME;
#ifdef VM_POISON
    memset(frame_bytes(vm, f), 0xdb, VM_PAGE_SIZE); /* dangling use shows */
#endif
    d->freemap[f / 64] |= 1ULL << (f % 64);
    d->nfree++;
    vm->stats.frames_in_use = d->nframes - d->nfree;
}

void frame_put(struct vm *vm, uint32_t f)
{
    struct frame *fr = &vm->dram.frames[f];
    VM_ASSERT(fr->refs > 0, "reference count underflow");
    if (--fr->refs > 0)
        return;
    VM_ASSERT(fr->kind != FRAME_CACHE && !(fr->flags & FRAME_SWAPCACHE),
              "cache page lost its cache reference");
    frame_release(vm, f);
}
