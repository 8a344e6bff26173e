/*
 * mremap.c - moving one area to a free range (MREMAP_MAYMOVE): its
 * entries move, with their frames and swap slots, and the host aliases
 * follow.  Growing or shrinking in place is vm_resize, in mmap.c.
 */
#include "addr.h"
#include "area.h"
#include "port.h"
#include "pt.h"
#include "rmap.h"

#include <errno.h>

struct move_ctx {
    int64_t delta;
    bool failed, port_failed;
};

static void move_one(struct vm_mm *mm, uint64_t va, pte_t *pte, void *arg)
{
    struct move_ctx *mc = arg;
    struct vm *vm = mm->vm;
    if (mc->failed)
        return;
    uint64_t nva = va + (uint64_t)mc->delta;
    pte_t *npte = pt_walk(mm, nva, true);
    if (!npte) {
        mc->failed = true;
        return;
    }
    pte_t e = *pte;
    *npte = e;
    *pte = 0;
    if (e & PTE_P) {
        uint32_t f = pte_frame(e);
        rmap_remove(vm, f, mm, va);
        rmap_add(vm, f, mm, nva);
        port_unmap(mm, va, 1);
        if (port_map(mm, nva, f, 1, 0, !(e & PTE_NX)) < 0)
            mc->port_failed = true; /* keep moving: the tables stay whole */
        mm->tlb_stale = true;
    }
}

/* Page tables for [start, start + len) first, so that a move cannot stop
 * half way.  -ENOMEM when a table gets no frame. */
static int move_prepare_tables(struct vm_mm *mm, uint64_t start, uint64_t len)
{
    for (uint64_t va = start; va < start + len; va += 512 * VM_PAGE_SIZE)
        if (!pt_walk(mm, va, true))
            return -ENOMEM;
    if (!pt_walk(mm, start + len - VM_PAGE_SIZE, true))
        return -ENOMEM;
    return 0;
}

int vm_move(struct vm_mm *mm, uint64_t old, uint64_t len, uint64_t new_start)
{
    len = vm_page_up(len);
    if (!range_ok(old, len) || !range_ok(new_start, len))
        return -EINVAL;
    struct vm_area *a = area_find(mm, old);
    if (!a || a->end < old + len)
        return -EFAULT;
    if (!vm_range_free(mm, new_start, len))
        return -ENOMEM;
    int err = area_split_at(mm, old);
    if (!err)
        err = area_split_at(mm, old + len);
    if (err)
        return err;
    size_t i = area_index(mm, old);
    a = mm->areas[i];
    err = port_cover(mm, new_start, new_start + len, a->prot);
    if (!err)
        err = move_prepare_tables(mm, new_start, len);
    if (err)
        return err;
    port_code_gone(mm, a, old, old + len);
    struct move_ctx mc = {.delta = (int64_t)(new_start - old)};
    pt_for_each(mm, old, old + len, move_one, &mc);
    area_remove_at(mm, i);
    a->start = new_start;
    a->end = new_start + len;
    VM_ASSERT(area_insert(mm, a) == 0, "reinserting a moved area into a free range");
    area_try_merge(mm, area_index(mm, new_start));
    pt_prune(mm, old, old + len);
    port_flush(mm);
    return mc.failed ? -ENOMEM : mc.port_failed ? -EHOSTDOWN : 0;
}
