/*
 * vmtest.h - fixtures for the vm/ unit tests: a small machine, a port that
 * records what vm/ asked of it, and a trace recorder.
 */
#ifndef FAULTLINE_TESTS_VMTEST_H
#define FAULTLINE_TESTS_VMTEST_H

#include "vm/frame.h"
#include "vm/internal.h"
#include "vm/pt.h"
#include "vm/rmap.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_EVENTS 4096

struct recorder {
    struct vm_event_rec ev[MAX_EVENTS];
    char area[MAX_EVENTS][32];
    size_t n;
    unsigned maps, map_calls, unmaps, flushes, covers, code_changes;
    struct vm_mm *last_flush;
    bool fail_maps; /* the host refuses every alias */
};

static struct recorder rec;

static inline void rec_trace(void *ctx, const struct vm_event_rec *r)
{
    (void)ctx;
    if (rec.n < MAX_EVENTS) {
        rec.ev[rec.n] = *r;
        snprintf(rec.area[rec.n], sizeof rec.area[0], "%s", r->area);
        rec.ev[rec.n].area = rec.area[rec.n];
        rec.n++;
    }
}

static inline int rec_map(void *ctx, struct vm_mm *mm, uint64_t va, uint32_t f, uint64_t n,
                          uint64_t ahead, bool exec)
{
    (void)ctx, (void)mm, (void)va, (void)f, (void)exec, (void)ahead;
    if (rec.fail_maps)
        return -1;
    rec.maps += (unsigned)n;
    rec.map_calls++;
    return 0;
}
static inline void rec_unmap(void *ctx, struct vm_mm *mm, uint64_t va, uint64_t n)
{
    (void)ctx, (void)mm, (void)va;
    rec.unmaps += (unsigned)n;
}
static inline int rec_cover(void *ctx, struct vm_mm *mm, uint64_t s, uint64_t e)
{
    (void)ctx, (void)mm, (void)s, (void)e;
    rec.covers++;
    return 0;
}
static inline void rec_flush(void *ctx, struct vm_mm *mm)
{
    (void)ctx;
    rec.flushes++;
    rec.last_flush = mm;
}
static inline void rec_code(void *ctx, struct vm_mm *mm, uint64_t va, uint64_t len)
{
    (void)ctx, (void)mm, (void)va, (void)len;
    rec.code_changes++;
}

static inline struct vm *make_vm(uint32_t frames, uint64_t swap_pages, enum vm_policy policy)
{
    memset(&rec, 0, sizeof rec);
    struct vm_config cfg = {
        .frames = frames,
        .swap_pages = swap_pages,
        .policy = policy,
        .commit = VM_COMMIT_STRICT,
        .seed = 1,
        .trace = rec_trace,
        .trace_details = true,
    };
    char err[256];
    struct vm *vm = vm_new(&cfg, err, sizeof err);
    cr_assert_not_null(vm, "vm_new: %s", err);
    struct vm_port port = {rec_map, rec_unmap, rec_cover, rec_flush, rec_code, NULL};
    vm_set_port(vm, &port);
    return vm;
}

/* The fixture of suites whose tests may fork: a machine of frames frames
 * and swap_pages swap slots evicting in fifo order, with address space 1;
 * machine_down frees it with child (when a test forked one), checking
 * the invariants on the way. */
static inline void machine_up(struct vm **vm, struct vm_mm **mm, uint32_t frames,
                              uint64_t swap_pages)
{
    *vm = make_vm(frames, swap_pages, VM_POLICY_FIFO);
    *mm = vm_mm_new(*vm, 1);
}

static inline void machine_down(struct vm *vm, struct vm_mm *mm, struct vm_mm *child)
{
    if (child)
        vm_mm_free(child);
    vm_mm_free(mm);
    vm_check(vm);
    vm_free(vm);
}

/* The last traced event, asserted to be ev at va. */
static inline const struct vm_event_rec *last_event(void)
{
    cr_assert(rec.n > 0, "no event traced");
    return &rec.ev[rec.n - 1];
}

static inline void expect_event(enum vm_event ev, uint64_t va)
{
    const struct vm_event_rec *r = last_event();
    cr_assert_eq(r->event, ev, "event %s, expected %s", vm_event_name(r->event),
                 vm_event_name(ev));
    cr_assert_eq(r->vpage, va & VM_PAGE_MASK, "event at %#llx, expected %#llx",
                 (unsigned long long)r->vpage, (unsigned long long)va);
}

static inline size_t count_events(enum vm_event ev)
{
    size_t n = 0;
    for (size_t i = 0; i < rec.n; i++)
        n += rec.ev[i].event == ev;
    return n;
}

/* The names of the temporary files, removed when the test's process
 * ends.  They keep their names while it runs: vm/ lets go at once of the
 * page cache of a file nobody can open again. */
static char temp_paths[16][32];
static int temp_count;

static inline void temp_files_remove(void)
{
    for (int i = 0; i < temp_count; i++)
        unlink(temp_paths[i]);
}

/* A temporary file of npages pages, page p filled with byte p + 1. */
static inline int temp_file(size_t npages)
{
    char path[] = "/tmp/faultline-test-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert(temp_count < 16, "too many temporary files");
    if (temp_count == 0)
        atexit(temp_files_remove);
    snprintf(temp_paths[temp_count++], sizeof temp_paths[0], "%s", path);
    uint8_t page[VM_PAGE_SIZE];
    for (size_t p = 0; p < npages; p++) {
        memset(page, (int)(p + 1), sizeof page);
        cr_assert_eq(write(fd, page, sizeof page), (ssize_t)sizeof page);
    }
    return fd;
}

static inline uint8_t peek8(struct vm_mm *mm, uint64_t addr)
{
    uint8_t b = 0;
    cr_assert_eq(vm_copy_in(mm, &b, addr, 1), 0, "read of %#llx failed",
                 (unsigned long long)addr);
    return b;
}

static inline void poke8(struct vm_mm *mm, uint64_t addr, uint8_t b)
{
    cr_assert_eq(vm_copy_out(mm, addr, &b, 1), 0, "write of %#llx failed",
                 (unsigned long long)addr);
}

#define RW (VM_PROT_READ | VM_PROT_WRITE)
#define RX (VM_PROT_READ | VM_PROT_EXEC)
#define PG VM_PAGE_SIZE

#endif
