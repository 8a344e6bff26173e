/*
 * pt.c - x86-64 4-level page tables in DRAM frames.
 *
 * The tables are exactly what the emulated CPU walks: each table is one
 * frame, entries hold physical addresses VM_PHYS_BASE + frame * 4096, and
 * upper levels always allow user read/write/execute so that the leaf entry
 * alone decides.  Page-table frames are charged to DRAM like any other.
 */
#include "pt.h"

#include <errno.h>

#define PT_UPPER (PTE_P | PTE_W | PTE_U)

static pte_t *table(const struct vm_mm *mm, uint32_t f)
{
    return (pte_t *)frame_bytes(mm->vm, f);
}

static unsigned pt_index(uint64_t va, int level)
{
    return (unsigned)((va >> (VM_PAGE_SHIFT + 9 * level)) & 511);
}

static uint32_t pt_alloc(struct vm_mm *mm)
{
    struct vm *vm = mm->vm;
    uint32_t f = frame_alloc(vm, FRAME_PT, NO_FRAME);
    if (f == NO_FRAME)
        return NO_FRAME;
    frame_zero(vm, f);
    vm->dram.frames[f].owner = mm;
    mm->npt++;
    vm->stats.pt_frames++;
    if (vm->stats.pt_frames > vm->stats.peak_pt_frames)
        vm->stats.peak_pt_frames = vm->stats.pt_frames;
    return f;
}

int pt_init(struct vm_mm *mm)
{
    uint32_t f = pt_alloc(mm);
    if (f == NO_FRAME)
        return -ENOMEM;
    mm->pml4 = f;
    return 0;
}

static void pt_release(struct vm_mm *mm, uint32_t f)
{
    mm->npt--;
    mm->vm->stats.pt_frames--;
    frame_put(mm->vm, f);
}

pte_t *pt_walk(struct vm_mm *mm, uint64_t va, bool create)
{
    uint32_t f = mm->pml4;
    for (int level = 3; level > 0; level--) {
        pte_t *e = &table(mm, f)[pt_index(va, level)];
        if (!(*e & PTE_P)) {
            if (!create)
                return NULL;
            uint32_t nf = pt_alloc(mm);
            if (nf == NO_FRAME)
                return NULL;
            *e = frame_phys(nf) | PT_UPPER;
        }
        f = pte_frame(*e);
    }
    return &table(mm, f)[pt_index(va, 0)];
}

static bool table_empty(const pte_t *t)
{
    for (int i = 0; i < 512; i++)
        if (t[i])
            return false;
    return true;
}

/* Free empty tables below entry e (a table at level) within [start, end). */
static void prune(struct vm_mm *mm, pte_t *e, int level, uint64_t base,
                  uint64_t start, uint64_t end)
{
    if (!(*e & PTE_P))
        return;
    uint32_t f = pte_frame(*e);
    pte_t *t = table(mm, f);
    uint64_t span = 1ULL << (VM_PAGE_SHIFT + 9 * level);
    if (level > 0) {
        for (unsigned i = 0; i < 512; i++) {
            uint64_t lo = base + i * span;
            if (lo + span <= start || lo >= end)
                continue;
            prune(mm, &t[i], level - 1, lo, start, end);
        }
    }
    if (table_empty(t)) {
        *e = 0;
        pt_release(mm, f);
    }
}

void pt_prune(struct vm_mm *mm, uint64_t start, uint64_t end)
{
    pte_t *top = table(mm, mm->pml4);
    uint64_t span = 1ULL << (VM_PAGE_SHIFT + 27);
    for (unsigned i = 0; i < 256; i++) {
        uint64_t lo = i * span;
        if (lo + span <= start || lo >= end)
            continue;
        prune(mm, &top[i], 2, lo, start, end);
    }
}

static void free_level(struct vm_mm *mm, uint32_t f, int level)
{
    pte_t *t = table(mm, f);
    if (level > 0)
        for (int i = 0; i < 512; i++)
            if (t[i] & PTE_P)
                free_level(mm, pte_frame(t[i]), level - 1);
    pt_release(mm, f);
}

void pt_free_all(struct vm_mm *mm)
{
    if (mm->pml4 == NO_FRAME)
        return;
    pte_t *top = table(mm, mm->pml4);
    for (int i = 0; i < 512; i++)
        if (top[i] & PTE_P)
            free_level(mm, pte_frame(top[i]), 2);
    pt_release(mm, mm->pml4);
    mm->pml4 = NO_FRAME;
}

static void visit(struct vm_mm *mm, uint32_t f, int level, uint64_t base, uint64_t start,
                  uint64_t end, pt_visit_fn fn, void *arg)
{
    pte_t *t = table(mm, f);
    uint64_t span = 1ULL << (VM_PAGE_SHIFT + 9 * level);
    unsigned first = start > base ? (unsigned)((start - base) / span) : 0;
    for (unsigned i = first; i < 512; i++) {
        uint64_t lo = base + i * span;
        if (lo >= end)
            break;
        if (!t[i])
            continue;
        if (level == 0)
            fn(mm, lo, &t[i], arg);
        else if (t[i] & PTE_P)
            visit(mm, pte_frame(t[i]), level - 1, lo, start, end, fn, arg);
    }
}

void pt_for_each(struct vm_mm *mm, uint64_t start, uint64_t end, pt_visit_fn fn, void *arg)
{
    if (start < end)
        visit(mm, mm->pml4, 3, 0, start, end, fn, arg);
}

uint32_t pt_count(const struct vm_mm *mm)
{
    return mm->npt;
}

pte_t vm_pte(const struct vm_mm *mm, uint64_t addr)
{
    pte_t *e = pt_walk((struct vm_mm *)mm, addr, false);
    return e ? *e : 0;
}

static bool any_present(const struct vm_mm *mm, uint32_t f, int level, uint64_t base,
                        uint64_t start, uint64_t end)
{
    const pte_t *t = table(mm, f);
    uint64_t span = 1ULL << (VM_PAGE_SHIFT + 9 * level);
    unsigned first = start > base ? (unsigned)((start - base) / span) : 0;
    for (unsigned i = first; i < 512; i++) {
        uint64_t lo = base + i * span;
        if (lo >= end)
            break;
        if (!(t[i] & PTE_P))
            continue;
        if (level == 0 || any_present(mm, pte_frame(t[i]), level - 1, lo, start, end))
            return true;
    }
    return false;
}

bool vm_mm_present_in(const struct vm_mm *mm, uint64_t start, uint64_t end)
{
    return mm->pml4 != NO_FRAME && start < end && any_present(mm, mm->pml4, 3, 0, start, end);
}
