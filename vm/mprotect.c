/*
 * mprotect.c - changing the protection of a range: its areas are split to
 * fit, recharged when they become private writable, and every present
 * entry brought in line with the new protection.
 */
#include "addr.h"
#include "area.h"
#include "commit.h"
#include "port.h"
#include "pt.h"

#include <errno.h>

struct protect_ctx {
    const struct vm_area *area;
    bool gains_exec;            /* bytes written while not executable may be stale code */
    uint64_t code_va, code_len; /* a run of present pages to retranslate */
};

static void protect_flush_code(struct vm_mm *mm, struct protect_ctx *pc)
{
    port_code_changed(mm, pc->code_va, pc->code_len);
    pc->code_len = 0;
}

static void protect_one(struct vm_mm *mm, uint64_t va, pte_t *pte, void *arg)
{
    struct protect_ctx *pc = arg;
    const struct vm_area *a = pc->area;
    pte_t e = *pte;
    if (!(e & PTE_P))
        return;
    if (pc->gains_exec) {
        if (pc->code_len && pc->code_va + pc->code_len != va)
            protect_flush_code(mm, pc);
        if (!pc->code_len)
            pc->code_va = va;
        pc->code_len += VM_PAGE_SIZE;
    }
    pte_t n = e;
    if (a->prot & VM_PROT_EXEC)
        n &= ~PTE_NX;
    else
        n |= PTE_NX;
    if (!(a->prot & VM_PROT_WRITE)) {
        n &= ~PTE_W;
    } else if (a->flags & VM_AREA_SHARED) {
        n |= PTE_W;
    } else if (!(e & PTE_W)) {
        /* Private: writable again only when the page is ours alone. */
        struct frame *fr = &mm->vm->dram.frames[pte_frame(e)];
        if (fr->kind == FRAME_ANON && fr->refs == 1 && !(fr->flags & FRAME_SWAPCACHE))
            n |= PTE_W;
    }
    /* PROT_NONE keeps the page but denies every access: without the user
     * bit the CPU (running the guest at CPL 3) faults on it. */
    if (a->prot)
        n |= PTE_U;
    else
        n &= ~PTE_U;
    if ((e & ~n & (PTE_W | PTE_U)) || (n & ~e & PTE_NX))
        mm->tlb_stale = true;
    *pte = n;
}

/* Give area a (already split to fit) protection prot.  -ENOMEM, with a
 * unchanged, when the host cannot cover it or the commit charge fails. */
static int protect_area(struct vm_mm *mm, struct vm_area *a, unsigned prot)
{
    bool gains_exec = (prot & VM_PROT_EXEC) && !(a->prot & VM_PROT_EXEC);
    if (!a->prot && port_cover(mm, a->start, a->end, prot) < 0)
        return -ENOMEM; /* the host cannot hold it: it stays PROT_NONE */
    bool charge = commit_needs_charge(mm->vm, prot, a->flags) && !a->charged;
    if (charge && commit_charge(mm->vm, area_pages(a)) < 0)
        return -ENOMEM;
    if (charge)
        a->charged = true;
    a->prot = prot;
    if (prot & VM_PROT_EXEC)
        a->flags |= VM_AREA_CODE;
    struct protect_ctx pc = {.area = a, .gains_exec = gains_exec};
    pt_for_each(mm, a->start, a->end, protect_one, &pc);
    protect_flush_code(mm, &pc);
    return 0;
}

/* May area a be given prot?  A shared mapping of a file opened read-only
 * may never be made writable (Linux: no VM_MAYWRITE). */
static bool protect_allowed(const struct vm_area *a, unsigned prot)
{
    return !((prot & VM_PROT_WRITE) && (a->flags & VM_AREA_NOWRITE));
}

int vm_protect(struct vm_mm *mm, uint64_t start, uint64_t len, unsigned prot)
{
    if ((start & ~VM_PAGE_MASK) || (prot & ~7u))
        return -EINVAL;
    if (len == 0)
        return 0;
    len = vm_page_up(len);
    uint64_t end = start + len;
    if (end <= start)
        return -ENOMEM;
    const struct vm_area *first = area_find(mm, start);
    if (!first)
        return -ENOMEM;
    int err = area_split_at(mm, start);
    if (!err)
        err = area_split_at(mm, end);
    if (err)
        return err;
    /* Area by area while they are back to back: what was done before a
     * hole or a refusal stays done. */
    size_t i = area_index(mm, start);
    uint64_t done = start;
    for (; i < mm->nareas && done < end; i++) {
        struct vm_area *a = mm->areas[i];
        if (a->start != done)
            break;
        if (!protect_allowed(a, prot)) {
            err = -EACCES;
            break;
        }
        err = protect_area(mm, a, prot);
        if (err)
            break;
        done = a->end;
    }
    if (!err && done < end)
        err = -ENOMEM;
    /* Merge back what the splits left compatible, up to the area that
     * starts at end, from the top down (a merge only removes the area at
     * k or k + 1). */
    size_t first_i = area_index(mm, start);
    size_t last = area_index(mm, end);
    for (size_t k = last < mm->nareas ? last + 1 : mm->nareas; k-- > first_i;)
        if (k < mm->nareas)
            area_try_merge(mm, k);
    port_flush(mm);
    return err;
}
