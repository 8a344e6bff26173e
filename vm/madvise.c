/*
 * madvise.c - MADV_DONTNEED: the pages of a range go, the areas stay, and
 * the next touch faults as if new.
 */
#include "addr.h"
#include "area.h"
#include "port.h"
#include "zap.h"

#include <errno.h>

int vm_discard(struct vm_mm *mm, uint64_t start, uint64_t len)
{
    len = vm_page_up(len);
    if ((start & ~VM_PAGE_MASK) || !range_ok(start, len ? len : VM_PAGE_SIZE))
        return -EINVAL;
    uint64_t end = start + len;
    if (!area_range_mapped(mm, start, end))
        return -ENOMEM;
    for (size_t i = area_index(mm, start); i < mm->nareas && mm->areas[i]->start < end; i++) {
        const struct vm_area *a = mm->areas[i];
        zap_range(mm, a, a->start > start ? a->start : start, a->end < end ? a->end : end);
    }
    port_flush(mm);
    return 0;
}
