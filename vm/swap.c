/*
 * swap.c - the swap file: one slot per page, a reference count per slot
 * (a swapped page shared after fork is referenced by several entries),
 * and a small swap cache remembering which frame holds a slot's page once
 * one sharer has read it back, so the others find the same frame.
 *
 * A slot whose last reference goes is free at once: after swap-in by its
 * only user the slot is available again.
 */
#include "swap.h"

#include "frame.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

int swap_init(struct swap *s, uint64_t nslots, const char *path, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    if (path) {
        s->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (s->fd < 0) {
            snprintf(err, errlen, "cannot open swap file %s: %s", path, strerror(errno));
            return -errno;
        }
    } else {
        const char *dir = getenv("TMPDIR");
        s->fd = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (s->fd < 0) {
            char tmpl[] = "/tmp/faultline-swap-XXXXXX";
            s->fd = mkostemp(tmpl, O_CLOEXEC);
            if (s->fd >= 0)
                unlink(tmpl);
        }
        if (s->fd < 0) {
            snprintf(err, errlen, "cannot create a temporary swap file: %s", strerror(errno));
            return -errno;
        }
    }
    s->refs = calloc(nslots, sizeof *s->refs);
    s->cached = calloc(nslots, sizeof *s->cached);
    if (!s->refs || !s->cached) {
        snprintf(err, errlen, "out of host memory for %llu swap slots",
                 (unsigned long long)nslots);
        swap_free(s);
        return -ENOMEM;
    }
    s->nslots = nslots;
    return 0;
}

void swap_free(struct swap *s)
{
    if (s->fd >= 0)
        close(s->fd);
    free(s->refs);
    free(s->cached);
    memset(s, 0, sizeof *s);
    s->fd = -1;
}

uint64_t swap_slot_alloc(struct vm *vm)
{
    struct swap *s = &vm->swap;
    if (s->used == s->nslots)
        return UINT64_MAX;
    for (uint64_t k = 0; k < s->nslots; k++) {
        uint64_t slot = (s->cursor + k) % s->nslots;
        if (s->refs[slot] == 0) {
            s->refs[slot] = 1;
            s->used++;
            s->cursor = slot + 1;
            vm->stats.swap_used = s->used;
            if (s->used > vm->stats.peak_swap)
                vm->stats.peak_swap = s->used;
            return slot;
        }
    }
    vm_panic(__func__, "slot count disagrees with the slot map");
}

void swap_slot_get(struct vm *vm, uint64_t slot)
{
    VM_ASSERT(slot < vm->swap.nslots && vm->swap.refs[slot] > 0, "reference to a free slot");
    VM_ASSERT(vm->swap.refs[slot] < UINT16_MAX, "swap slot reference overflow");
    vm->swap.refs[slot]++;
}

void swap_slot_put(struct vm *vm, uint64_t slot)
{
    struct swap *s = &vm->swap;
    VM_ASSERT(slot < s->nslots && s->refs[slot] > 0, "swap slot freed twice");
    if (--s->refs[slot] > 0)
        return;
    s->used--;
    vm->stats.swap_used = s->used;
    if (s->cached[slot]) {
        /* The swap cache held the page for the other sharers: no more. */
        uint32_t f = s->cached[slot] - 1;
        s->cached[slot] = 0;
        vm->dram.frames[f].flags &= (uint8_t)~FRAME_SWAPCACHE;
        frame_put(vm, f);
    }
}

int swap_write_run(struct vm *vm, uint64_t slot, const uint32_t *frames, uint32_t n)
{
    struct iovec iov[256];
    VM_ASSERT(n <= 256, "swap write run too long");
    for (uint32_t i = 0; i < n; i++)
        iov[i] = (struct iovec){frame_bytes(vm, frames[i]), VM_PAGE_SIZE};
    size_t want = (size_t)n * VM_PAGE_SIZE, done = 0;
    struct iovec *v = iov;
    int cnt = (int)n;
    while (done < want) {
        ssize_t w = pwritev(vm->swap.fd, v, cnt, (off_t)(slot * VM_PAGE_SIZE + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -EIO;
        done += (size_t)w;
        /* Skip what was written: whole iovecs, then part of one. */
        while (cnt && (size_t)w >= v->iov_len) {
            w -= (ssize_t)v->iov_len;
            v++;
            cnt--;
        }
        if (cnt && w) {
            v->iov_base = (uint8_t *)v->iov_base + w;
            v->iov_len -= (size_t)w;
        }
    }
    return 0;
}

int swap_read(struct vm *vm, uint64_t slot, uint32_t f)
{
    uint8_t *dst = frame_bytes(vm, f);
    size_t done = 0;
    while (done < VM_PAGE_SIZE) {
        ssize_t n = pread(vm->swap.fd, dst + done, VM_PAGE_SIZE - done,
                          (off_t)(slot * VM_PAGE_SIZE + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -EIO;
        done += (size_t)n;
    }
    return 0;
}
