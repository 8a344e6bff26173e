/*
 * zap.c - dropping pages: one leaf entry at a time, with the host aliases
 * of consecutive present pages hidden in one port call.
 */
#include "zap.h"

#include "frame.h"
#include "object.h"
#include "port.h"
#include "pt.h"
#include "rmap.h"
#include "swap.h"

/* Drop the page behind one leaf entry (present or swap) of mm at va in
 * area a and clear the entry.  The TLB goes stale when a page was present. */
static void zap_pte(struct vm_mm *mm, const struct vm_area *a, uint64_t va, pte_t *pte)
{
    struct vm *vm = mm->vm;
    pte_t e = *pte;
    if (e & PTE_P) {
        uint32_t f = pte_frame(e);
        struct frame *fr = &vm->dram.frames[f];
        if ((e & PTE_D) && fr->kind == FRAME_CACHE)
            fr->flags |= FRAME_DIRTY;
        *pte = 0;
        rmap_remove(vm, f, mm, va);
        mm->rss--;
        /* Nothing is lost: a dirty shared file page no longer mapped
         * anywhere is written back now, on munmap and exit. */
        if (fr->kind == FRAME_CACHE && fr->nrmap == 0 && (fr->flags & FRAME_DIRTY) &&
            fr->obj->kind == OBJ_FILE && (a->flags & VM_AREA_SHARED))
            object_writeback(mm, va, a->name, f);
        frame_put(vm, f);
        mm->tlb_stale = true;
    } else if (pte_is_swap(e)) {
        *pte = 0;
        mm->swapped--;
        swap_slot_put(vm, pte_swap_slot(e));
    } else {
        *pte = 0;
    }
}

struct zap_ctx {
    const struct vm_area *area;
    uint64_t run_start, run_pages; /* a run of host aliases to drop */
};

static void zap_flush_run(struct vm_mm *mm, struct zap_ctx *z)
{
    /* A dying address space's CPU is discarded whole: no need to hide
     * pages one by one (and on a fragmented host map, doing so would
     * cost mappings while tearing down). */
    if (!mm->dying)
        port_unmap(mm, z->run_start, z->run_pages);
    z->run_pages = 0;
}

static void zap_one(struct vm_mm *mm, uint64_t va, pte_t *pte, void *arg)
{
    struct zap_ctx *z = arg;
    if (*pte & PTE_P) {
        if (z->run_pages && z->run_start + z->run_pages * VM_PAGE_SIZE != va)
            zap_flush_run(mm, z);
        if (!z->run_pages)
            z->run_start = va;
        z->run_pages++;
    }
    zap_pte(mm, z->area, va, pte);
}

void zap_range(struct vm_mm *mm, const struct vm_area *a, uint64_t start, uint64_t end)
{
    port_code_gone(mm, a, start, end);
    struct zap_ctx z = {.area = a};
    pt_for_each(mm, start, end, zap_one, &z);
    if (z.run_pages)
        zap_flush_run(mm, &z);
}
