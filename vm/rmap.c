/*
 * rmap.c - the reverse map: one (mm, va) per entry mapping a frame, kept
 * inline for the common single mapping and in a growing array beyond, and
 * the walks over it that unmap a frame everywhere or collect its D bits.
 */
#include "rmap.h"

#include "area.h"
#include "frame.h"
#include "pt.h"
#include "trace.h"

#include <string.h>

struct rmap_ref *rmap_refs(struct frame *fr)
{
    return fr->rmapcap ? fr->rmap : &fr->rmap1;
}

void rmap_add(struct vm *vm, uint32_t f, struct vm_mm *mm, uint64_t va)
{
    struct frame *fr = &vm->dram.frames[f];
    if (fr->nrmap == 1) {
        vm->stats.shared_frames++;
        if (vm->stats.shared_frames > vm->stats.peak_shared_frames)
            vm->stats.peak_shared_frames = vm->stats.shared_frames;
    }
    if (fr->nrmap == 0 && !fr->rmapcap) {
        fr->rmap1 = (struct rmap_ref){mm, va};
        fr->nrmap = 1;
        return;
    }
    if (!fr->rmapcap || fr->nrmap == fr->rmapcap) {
        uint32_t cap = fr->rmapcap ? fr->rmapcap * 2 : 4;
        struct rmap_ref *v = malloc(cap * sizeof *v);
        if (!v)
            vm_panic(__func__, "out of host memory for the reverse map");
        memcpy(v, rmap_refs(fr), fr->nrmap * sizeof *v);
        if (fr->rmapcap)
            free(fr->rmap);
        fr->rmap = v;
        fr->rmapcap = cap;
    }
    fr->rmap[fr->nrmap++] = (struct rmap_ref){mm, va};
}

void rmap_remove(struct vm *vm, uint32_t f, struct vm_mm *mm, uint64_t va)
{
    struct frame *fr = &vm->dram.frames[f];
    struct rmap_ref *r = rmap_refs(fr);
    for (uint32_t i = 0; i < fr->nrmap; i++) {
        if (r[i].mm == mm && r[i].va == va) {
            r[i] = r[--fr->nrmap];
            if (fr->nrmap == 1)
                vm->stats.shared_frames--;
            return;
        }
    }
    vm_panic(__func__, "mapping not in the reverse map");
}

void rmap_unmap_all(struct vm *vm, uint32_t f, pte_t e, enum vm_event ev, const char *detail)
{
    struct frame *fr = &vm->dram.frames[f];
    while (fr->nrmap) {
        struct rmap_ref ref = rmap_refs(fr)[fr->nrmap - 1];
        pte_t *pte = pt_walk(ref.mm, ref.va, false);
        VM_ASSERT(pte && (*pte & PTE_P) && pte_frame(*pte) == f, "rmap names a wrong entry");
        struct vm_area *a = area_find(ref.mm, ref.va);
        *pte = e;
        rmap_remove(vm, f, ref.mm, ref.va);
        ref.mm->rss--;
        if (pte_is_swap(e))
            ref.mm->swapped++;
        /* No port_unmap: with the entry gone and the TLB flushed the CPU
         * cannot reach the page, and the port replaces the alias when the
         * page comes back.  Hiding single pages would only split the
         * host's merged mappings (and cost a system call each). */
        ref.mm->tlb_stale = true;
        if (ev != VM_EV_COUNT)
            trace_event(vm, ref.mm, ev, ref.va, '-', '-', a ? a->name : "-", f, "%s", detail);
        frame_put(vm, f);
    }
}

bool rmap_collect_dirty(struct vm *vm, uint32_t f)
{
    struct frame *fr = &vm->dram.frames[f];
    struct rmap_ref *r = rmap_refs(fr);
    for (uint32_t i = 0; i < fr->nrmap; i++) {
        pte_t *pte = pt_walk(r[i].mm, r[i].va, false);
        VM_ASSERT(pte && (*pte & PTE_P) && pte_frame(*pte) == f, "rmap names a wrong entry");
        if (*pte & PTE_D) {
            *pte &= ~PTE_D;
            r[i].mm->tlb_stale = true;
            fr->flags |= FRAME_DIRTY;
        }
    }
    return fr->flags & FRAME_DIRTY;
}
