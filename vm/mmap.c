/*
 * mmap.c - making and removing areas: mmap (vm_map, and vm_find_free for
 * a place), munmap, mremap in place (vm_resize), and brk on top of them.
 */
#include "addr.h"
#include "area.h"
#include "commit.h"
#include "port.h"
#include "pt.h"
#include "zap.h"

#include <errno.h>

int vm_map(struct vm_mm *mm, uint64_t start, uint64_t len, unsigned prot, unsigned flags,
           struct vm_object *obj, uint64_t off, const char *name)
{
    struct vm *vm = mm->vm;
    if (!range_ok(start, len) || (off & ~VM_PAGE_MASK) || (prot & ~7u))
        return -EINVAL;
    if (!vm_range_free(mm, start, len))
        return -EEXIST;
    bool charge = commit_needs_charge(vm, prot, flags) && !(obj && (flags & VM_AREA_SHARED));
    uint64_t pages = len >> VM_PAGE_SHIFT;
    if (charge && commit_charge(vm, pages) < 0)
        return -ENOMEM;
    if (prot & VM_PROT_EXEC)
        flags |= VM_AREA_CODE;
    struct vm_area *a = area_new(start, start + len, prot, flags, obj, off >> VM_PAGE_SHIFT,
                                 name);
    int err = a ? port_cover(mm, start, start + len, prot) : -ENOMEM;
    if (!err)
        err = area_insert(mm, a);
    if (err) {
        area_free(a);
        if (charge)
            commit_uncharge(vm, pages);
        return err;
    }
    a->charged = charge;
    area_try_merge(mm, area_index(mm, start));
    return 0;
}

int vm_unmap(struct vm_mm *mm, uint64_t start, uint64_t len)
{
    if (!range_ok(start, vm_page_up(len)))
        return -EINVAL;
    uint64_t end = start + vm_page_up(len);
    int err = area_split_at(mm, start);
    if (!err)
        err = area_split_at(mm, end);
    if (err)
        return err;
    size_t i = area_index(mm, start);
    while (i < mm->nareas && mm->areas[i]->start < end) {
        struct vm_area *a = mm->areas[i];
        zap_range(mm, a, a->start, a->end);
        if (a->charged)
            commit_uncharge(mm->vm, area_pages(a));
        area_remove_at(mm, i);
        area_free(a);
    }
    pt_prune(mm, start, end);
    port_flush(mm);
    return 0;
}

/* The highest page-aligned start of len bytes in [lo, hi) outside the
 * reserve, or 0. */
static uint64_t fit_below(uint64_t lo, uint64_t hi, uint64_t len)
{
    if (!range_clear_of_reserve(lo, hi)) {
        uint64_t above = fit_below(lo > VM_RESERVED_END ? lo : VM_RESERVED_END, hi, len);
        if (above || hi <= VM_RESERVED_END)
            return above;
        hi = VM_RESERVED_START;
    }
    if (hi < lo || hi - lo < len)
        return 0;
    return hi - len;
}

uint64_t vm_find_free(const struct vm_mm *mm, uint64_t len, uint64_t hint)
{
    len = vm_page_up(len);
    if (!len || len > VM_USER_END)
        return 0;
    hint &= VM_PAGE_MASK;
    if (hint >= VM_MMAP_MIN && vm_range_free(mm, hint, len))
        return hint;
    uint64_t hi = VM_MMAP_BASE;
    size_t k = area_index(mm, hi);
    if (k < mm->nareas && mm->areas[k]->start < hi)
        hi = mm->areas[k]->start;
    for (;;) {
        uint64_t lo = k > 0 ? mm->areas[k - 1]->end : VM_MMAP_MIN;
        uint64_t at = fit_below(lo, hi, len);
        if (at)
            return at;
        if (k == 0)
            return 0;
        k--;
        hi = mm->areas[k]->start;
    }
}

int vm_resize(struct vm_mm *mm, uint64_t start, uint64_t new_end)
{
    struct vm_area *a = area_find(mm, start);
    if (!a || a->start != start || (new_end & ~VM_PAGE_MASK) || new_end <= start)
        return -EINVAL;
    if (new_end < a->end)
        return vm_unmap(mm, new_end, a->end - new_end);
    if (new_end == a->end)
        return 0;
    uint64_t grow = new_end - a->end;
    if (!vm_range_free(mm, a->end, grow))
        return -ENOMEM;
    uint64_t pages = grow >> VM_PAGE_SHIFT;
    if (a->charged && commit_charge(mm->vm, pages) < 0)
        return -ENOMEM;
    int err = port_cover(mm, a->end, new_end, a->prot);
    if (err) {
        if (a->charged)
            commit_uncharge(mm->vm, pages);
        return err;
    }
    a->end = new_end;
    area_try_merge(mm, area_index(mm, start));
    return 0;
}

/* --- brk ------------------------------------------------------------------------ */

void vm_brk_init(struct vm_mm *mm, uint64_t start)
{
    mm->brk_start = mm->brk = start;
}

uint64_t vm_brk(struct vm_mm *mm, uint64_t new_brk)
{
    if (new_brk < mm->brk_start)
        return mm->brk;
    uint64_t base = vm_page_up(mm->brk_start);
    uint64_t old_end = vm_page_up(mm->brk);
    uint64_t new_end = vm_page_up(new_brk);
    if (new_end < new_brk)
        return mm->brk;
    int err = 0;
    if (new_end != old_end) {
        struct vm_area *heap = area_find(mm, base);
        bool have = heap && heap->start == base && (heap->flags & VM_AREA_HEAP);
        if (new_end == base)
            err = have ? vm_unmap(mm, base, old_end - base) : 0;
        else if (have)
            err = vm_resize(mm, base, new_end);
        else
            err = vm_map(mm, base, new_end - base, VM_PROT_READ | VM_PROT_WRITE, VM_AREA_HEAP,
                         NULL, 0, "[heap]");
    }
    if (!err)
        mm->brk = new_brk;
    return mm->brk;
}
