/*
 * mincore.c - which pages of a range are in DRAM, the way Linux's mincore
 * answers: a page whose entry is present is resident; one whose entry
 * holds a swap slot is resident only while the swap cache still has a
 * frame for that slot (another sharer swapped it back in); a page with no
 * entry at all is resident when its object's page cache holds it (a file
 * page someone else faulted in, or one this process dropped, stays in the
 * cache), and never for private anonymous memory.
 */
#include "area.h"
#include "pagecache.h"
#include "pt.h"

#include <errno.h>

/* Is page index of obj in its page cache, in a frame? */
static bool cached(struct vm_object *obj, uint64_t index)
{
    const struct cache_entry *e = pagecache_lookup(obj, index);
    return e && e->frame != NO_FRAME;
}

static uint8_t resident(struct vm_mm *mm, const struct vm_area *a, uint64_t va)
{
    const pte_t *pte = pt_walk(mm, va, false);
    pte_t e = pte ? *pte : 0;
    if (e & PTE_P)
        return 1;
    if (pte_is_swap(e))
        return mm->vm->swap.cached[pte_swap_slot(e)] != 0;
    return a->obj && cached(a->obj, area_pgoff(a, va));
}

long vm_mincore(struct vm_mm *mm, uint64_t addr, uint64_t pages, uint8_t *out)
{
    if (addr & ~VM_PAGE_MASK)
        return -EINVAL;
    const struct vm_area *a = area_find(mm, addr);
    if (!a)
        return -ENOMEM;
    uint64_t room = (a->end - addr) >> VM_PAGE_SHIFT;
    uint64_t n = pages < room ? pages : room;
    for (uint64_t i = 0; i < n; i++)
        out[i] = resident(mm, a, addr + i * VM_PAGE_SIZE);
    return (long)n;
}
