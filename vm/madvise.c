/*
 * madvise.c - advice about a range, taken area by area the way Linux's
 * madvise walks it: pages dropped (DONTNEED, FREE), a hole punched in the
 * object behind a shared area (REMOVE), a file's pages read ahead into the
 * page cache (WILLNEED), what a fork child gets (DONTFORK, WIPEONFORK and
 * their undoing).  A hole in the range is stepped over and
 * reported at the end; an area that cannot take the advice ends the walk.
 */
#include "area.h"
#include "cachefill.h"
#include "port.h"
#include "truncate.h"
#include "zap.h"

#include <errno.h>

/* Can area a take adv?  0 or Linux's error. */
static int advice_allowed(const struct vm_area *a, enum vm_advice adv)
{
    switch (adv) {
    case VM_ADV_FREE:
    case VM_ADV_WIPEONFORK:
        return a->obj ? -EINVAL : 0; /* private anonymous memory only */
    case VM_ADV_REMOVE:
        if (!a->obj)
            return -EINVAL; /* nothing to punch a hole in */
        return (a->flags & VM_AREA_SHARED) && !(a->flags & VM_AREA_NOWRITE) ? 0 : -EACCES;
    default:
        return 0;
    }
}

/* Give [start, end), inside one area, the flags set and not clear: the
 * area is split to fit and merged with its neighbours again.  -EAGAIN
 * when it cannot be split (Linux's answer to running out). */
static int advise_flags(struct vm_mm *mm, uint64_t start, uint64_t end, unsigned set,
                        unsigned clear)
{
    const struct vm_area *a = area_find(mm, start);
    if (((a->flags | set) & ~clear) == a->flags)
        return 0;
    if (area_split_at(mm, start) < 0 || area_split_at(mm, end) < 0)
        return -EAGAIN;
    size_t i = area_index(mm, start);
    mm->areas[i]->flags = (mm->areas[i]->flags | set) & ~clear;
    area_try_merge(mm, i);
    return 0;
}

/* Apply adv to [start, end), inside area a. */
static int advise_area(struct vm_mm *mm, struct vm_area *a, uint64_t start, uint64_t end,
                       enum vm_advice adv)
{
    int err = advice_allowed(a, adv);
    if (err)
        return err;
    switch (adv) {
    case VM_ADV_DONTNEED:
    case VM_ADV_FREE:
        zap_range(mm, a, start, end);
        return 0;
    case VM_ADV_REMOVE:
        return object_punch(a->obj, area_pgoff(a, start), (end - start) >> VM_PAGE_SHIFT);
    case VM_ADV_WILLNEED:
        if (a->obj && a->obj->kind == OBJ_FILE)
            cache_pages(a->obj, area_pgoff(a, start), (end - start) >> VM_PAGE_SHIFT);
        return 0;
    case VM_ADV_DONTFORK:
        return advise_flags(mm, start, end, VM_AREA_DONTFORK, 0);
    case VM_ADV_DOFORK:
        return advise_flags(mm, start, end, 0, VM_AREA_DONTFORK);
    case VM_ADV_WIPEONFORK:
        return advise_flags(mm, start, end, VM_AREA_WIPEONFORK, 0);
    case VM_ADV_KEEPONFORK:
        return advise_flags(mm, start, end, 0, VM_AREA_WIPEONFORK);
    default:
        return 0;
    }
}

int vm_advise(struct vm_mm *mm, uint64_t start, uint64_t len, enum vm_advice adv)
{
    uint64_t span = vm_page_up(len);
    if ((start & ~VM_PAGE_MASK) || (len && !span) || start + span < start)
        return -EINVAL;
    uint64_t end = start + span;
    int err = 0, unmapped = 0;
    for (uint64_t at = start; at < end && !err;) {
        size_t i = area_index(mm, at);
        if (i == mm->nareas) {
            err = -ENOMEM;
            break;
        }
        struct vm_area *a = mm->areas[i];
        if (at < a->start) {
            unmapped = -ENOMEM;
            at = a->start;
            if (at >= end)
                break;
        }
        uint64_t stop = a->end < end ? a->end : end;
        err = advise_area(mm, a, at, stop, adv);
        at = stop;
    }
    port_flush(mm);
    return err ? err : unmapped;
}
