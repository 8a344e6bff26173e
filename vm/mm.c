/*
 * mm.c - address spaces (struct vm_mm): creation, fork and teardown.  The
 * area operations behind the memory system calls are in mmap.c,
 * mprotect.c, mremap.c, madvise.c and msync.c.
 */
#include "area.h"
#include "commit.h"
#include "frame.h"
#include "port.h"
#include "pt.h"
#include "reclaim.h"
#include "rmap.h"
#include "swap.h"
#include "zap.h"

#include <errno.h>

static int mm_register(struct vm *vm, struct vm_mm *mm)
{
    if (vm->nmms == vm->mmcap) {
        size_t cap = vm->mmcap ? vm->mmcap * 2 : 8;
        struct vm_mm **v = realloc(vm->mms, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        vm->mms = v;
        vm->mmcap = cap;
    }
    vm->mms[vm->nmms++] = mm;
    return 0;
}

static void mm_unregister(struct vm *vm, struct vm_mm *mm)
{
    for (size_t i = 0; i < vm->nmms; i++) {
        if (vm->mms[i] == mm) {
            vm->mms[i] = vm->mms[--vm->nmms];
            return;
        }
    }
    vm_panic(__func__, "address space not registered");
}

struct vm_mm *vm_mm_new(struct vm *vm, int pid)
{
    struct vm_mm *mm = calloc(1, sizeof *mm);
    if (!mm)
        return NULL;
    mm->vm = vm;
    mm->pid = pid;
    mm->stack_limit = VM_STACK_LIMIT_DEFAULT;
    mm->pml4 = NO_FRAME;
    if (vm->dram.nfree < vm->dram.low_mark)
        reclaim_for(vm, vm->dram.low_mark + 1);
    if (mm_register(vm, mm) < 0) {
        free(mm);
        return NULL;
    }
    if (pt_init(mm) < 0) {
        mm_unregister(vm, mm);
        free(mm);
        return NULL;
    }
    return mm;
}

void vm_mm_set_pid(struct vm_mm *mm, int pid) { mm->pid = pid; }
int vm_mm_pid(const struct vm_mm *mm) { return mm->pid; }
uint64_t vm_mm_cr3(const struct vm_mm *mm) { return frame_phys(mm->pml4); }
void vm_mm_set_port_data(struct vm_mm *mm, void *data) { mm->port_data = data; }
void *vm_mm_port_data(const struct vm_mm *mm) { return mm->port_data; }
uint64_t vm_mm_rss(const struct vm_mm *mm) { return mm->rss; }
uint64_t vm_mm_swapped(const struct vm_mm *mm) { return mm->swapped; }
uint64_t vm_mm_peak_rss(const struct vm_mm *mm) { return mm->peak_rss; }
uint32_t vm_mm_pt_pages(const struct vm_mm *mm) { return mm->npt; }
void vm_set_stack_limit(struct vm_mm *mm, uint64_t limit)
{
    mm->stack_limit = limit < VM_STACK_LIMIT_MAX ? limit : VM_STACK_LIMIT_MAX;
}

uint64_t vm_stack_limit(const struct vm_mm *mm) { return mm->stack_limit; }

void vm_mm_free(struct vm_mm *mm)
{
    if (!mm)
        return;
    struct vm *vm = mm->vm;
    mm->dying = true;
    for (size_t i = 0; i < mm->nareas; i++) {
        struct vm_area *a = mm->areas[i];
        zap_range(mm, a, a->start, a->end);
        if (a->charged)
            commit_uncharge(vm, area_pages(a));
        area_free(a);
    }
    free(mm->areas);
    pt_free_all(mm);
    mm_unregister(vm, mm);
    free(mm);
}

/* --- fork ------------------------------------------------------------------ */

struct fork_ctx {
    struct vm_mm *child;
    const struct vm_area *area;
    uint64_t run_va, run_pages; /* frames to alias in the child, in one call */
    uint32_t run_frame;
    bool failed;
};

static void fork_flush_run(struct fork_ctx *fc)
{
    if (fc->run_pages && port_map(fc->child, fc->run_va, fc->run_frame, fc->run_pages, 0,
                                  fc->area->prot & VM_PROT_EXEC) < 0)
        fc->failed = true;
    fc->run_pages = 0;
}

static void fork_one(struct vm_mm *parent, uint64_t va, pte_t *pte, void *arg)
{
    struct fork_ctx *fc = arg;
    struct vm *vm = parent->vm;
    if (fc->failed)
        return;
    pte_t *cpte = pt_walk(fc->child, va, true);
    if (!cpte) {
        fc->failed = true;
        return;
    }
    pte_t e = *pte;
    if (e & PTE_P) {
        uint32_t f = pte_frame(e);
        if (area_private_writable(fc->area) && (e & PTE_W)) {
            e &= ~PTE_W; /* copy-on-write in both */
            *pte = e;
            parent->tlb_stale = true;
        }
        if (vm->dram.frames[f].kind == FRAME_CACHE && (e & PTE_D))
            vm->dram.frames[f].flags |= FRAME_DIRTY;
        vm->dram.frames[f].refs++;
        rmap_add(vm, f, fc->child, va);
        if (++fc->child->rss > fc->child->peak_rss)
            fc->child->peak_rss = fc->child->rss;
        /* The child starts with clean, old entries, as Linux gives it. */
        *cpte = e & ~(PTE_A | PTE_D);
        if (fc->run_pages && (fc->run_va + fc->run_pages * VM_PAGE_SIZE != va ||
                              fc->run_frame + fc->run_pages != f))
            fork_flush_run(fc);
        if (!fc->run_pages) {
            fc->run_va = va;
            fc->run_frame = f;
        }
        fc->run_pages++;
    } else if (pte_is_swap(e)) {
        swap_slot_get(vm, pte_swap_slot(e));
        fc->child->swapped++;
        *cpte = e;
    }
}

struct vm_mm *vm_mm_fork(struct vm_mm *parent, int child_pid, void *child_port_data)
{
    struct vm *vm = parent->vm;
    /* Page tables for the child must not come from reclaim in the middle
     * of the copy: make room for as many as the parent has, first. */
    uint32_t need = parent->npt + vm->dram.low_mark;
    if (vm->dram.nfree < need)
        reclaim_for(vm, need);
    if (vm->dram.nfree < parent->npt)
        return NULL;
    struct vm_mm *child = vm_mm_new(vm, child_pid);
    if (!child)
        return NULL;
    child->port_data = child_port_data;
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    child->stack_limit = parent->stack_limit;
    /* Each area is charged as it is copied, so a failure part-way gives
     * back exactly what was taken (vm_mm_free uncharges charged areas). */
    for (size_t i = 0; i < parent->nareas; i++) {
        const struct vm_area *a = parent->areas[i];
        if (a->flags & VM_AREA_DONTFORK)
            continue;
        if (a->charged && commit_charge(vm, area_pages(a)) < 0)
            goto fail;
        struct vm_area *c = area_new(a->start, a->end, a->prot, a->flags, a->obj, a->pgoff,
                                     a->name);
        if (!c || area_insert(child, c) < 0) {
            area_free(c);
            if (a->charged)
                commit_uncharge(vm, area_pages(a));
            goto fail;
        }
        c->charged = a->charged;
    }
    for (size_t i = 0; i < child->nareas; i++) {
        struct vm_area *a = child->areas[i];
        struct fork_ctx fc = {.child = child, .area = a};
        if (port_cover(child, a->start, a->end, a->prot) < 0)
            goto fail;
        if (a->flags & VM_AREA_WIPEONFORK)
            continue; /* the child's starts empty: demand-zero again */
        pt_for_each(parent, a->start, a->end, fork_one, &fc);
        fork_flush_run(&fc);
        if (fc.failed)
            goto fail;
    }
    port_flush(parent);
    return child;
fail:
    port_flush(parent);
    vm_mm_free(child); /* uncharges what its areas carry */
    return NULL;
}
