/*
 * check.c - the invariant checker.  Unit tests call vm_check() after every
 * operation; it aborts with "vm_check: reason" on the first violation.
 */
#include "addr.h"
#include "area.h"
#include "pt.h"
#include "rmap.h"

/* Every failed check reports as vm_check, whichever helper found it, as
 * vm.h promises. */
#define CHECK(cond, reason)                                              \
    do {                                                                 \
        if (!(cond))                                                     \
            vm_panic("vm_check", reason);                                \
    } while (0)

struct walk_ctx {
    const struct vm *vm;
    uint32_t *maps;   /* mapping entries seen per frame */
    uint32_t *slots;  /* references seen per swap slot */
    uint64_t present, swapped;
};

static void check_entry(struct vm_mm *mm, uint64_t va, pte_t *pte, void *arg)
{
    struct walk_ctx *w = arg;
    const struct vm *vm = w->vm;
    const struct vm_area *a = area_find(mm, va);
    CHECK(a != NULL, "a page-table entry outside every area");
    pte_t e = *pte;
    if (e & PTE_P) {
        uint32_t f = pte_frame(e);
        CHECK(f < vm->dram.nframes, "entry names a frame past DRAM");
        struct frame *fr = &vm->dram.frames[f];
        CHECK(fr->kind == FRAME_ANON || fr->kind == FRAME_CACHE, "entry maps a free or table frame");
        CHECK(e & PTE_U || !a->prot, "present user page without the user bit");
        CHECK(!(e & PTE_W) || (a->prot & VM_PROT_WRITE), "writable entry in a read-only area");
        CHECK(!(e & PTE_W) || (a->flags & VM_AREA_SHARED) || fr->refs == 1,
              "writable private entry on a shared frame");
        CHECK(!(e & PTE_NX) == !!(a->prot & VM_PROT_EXEC), "NX bit disagrees with the area");
        bool found = false;
        struct rmap_ref *r = rmap_refs(fr);
        for (uint32_t i = 0; i < fr->nrmap && !found; i++)
            found = r[i].mm == mm && r[i].va == va;
        CHECK(found, "mapping missing from the reverse map");
        w->maps[f]++;
        w->present++;
    } else if (pte_is_swap(e)) {
        uint64_t slot = pte_swap_slot(e);
        CHECK(vm->has_swap && slot < vm->swap.nslots, "swap entry past the swap file");
        CHECK(!a->obj || !(a->flags & VM_AREA_SHARED), "swap entry in a shared object area");
        w->slots[slot]++;
        w->swapped++;
    } else {
        CHECK(e == 0, "non-present entry that is neither empty nor swap");
    }
}

static void check_areas(const struct vm_mm *mm)
{
    for (size_t i = 0; i < mm->nareas; i++) {
        const struct vm_area *a = mm->areas[i];
        CHECK(a->start < a->end, "empty area");
        CHECK(!((a->start | a->end) & ~VM_PAGE_MASK), "unaligned area");
        CHECK(a->end <= VM_USER_END, "area past the user half");
        CHECK(range_clear_of_reserve(a->start, a->end), "area inside the frames reserve");
        CHECK(i == 0 || mm->areas[i - 1]->end <= a->start, "areas unsorted or overlapping");
        CHECK(a->name != NULL, "area without a name");
    }
}

static void check_cache(const struct vm *vm, const struct vm_object *o, uint32_t *slots)
{
    size_t used = 0;
    for (size_t i = 0; i < o->cap; i++) {
        const struct cache_entry *e = &o->cache[i];
        if (e->index == CACHE_EMPTY)
            continue;
        used++;
        CHECK(e->frame != NO_FRAME || e->slot, "empty page-cache entry");
        if (e->frame != NO_FRAME) {
            const struct frame *fr = &vm->dram.frames[e->frame];
            CHECK(fr->kind == FRAME_CACHE && fr->obj == o && fr->index == e->index,
                  "page-cache entry and frame disagree");
        }
        if (e->slot)
            slots[e->slot - 1]++;
    }
    CHECK(used == o->used, "page-cache count wrong");
}

/* The free map, the frame kinds and the page-table owners agree;
 * returns the number of page-table frames. */
static uint32_t check_frames(const struct vm *vm)
{
    const struct dram *d = &vm->dram;
    uint32_t nfree = 0, npt = 0;
    for (uint32_t f = 0; f < d->nframes; f++) {
        bool free_bit = d->freemap[f / 64] & (1ULL << (f % 64));
        const struct frame *fr = &d->frames[f];
        CHECK(free_bit == (fr->kind == FRAME_FREE), "free map and frame kind disagree");
        if (free_bit) {
            CHECK(fr->refs == 0 && fr->nrmap == 0, "free frame with references");
            nfree++;
        }
        if (fr->kind == FRAME_PT) {
            npt++;
            bool live = false;
            for (size_t i = 0; i < vm->nmms && !live; i++)
                live = vm->mms[i] == fr->owner;
            CHECK(live, "page table of a dead address space");
        }
    }
    CHECK(nfree == d->nfree, "free frame count wrong");
    CHECK(npt == vm->stats.pt_frames, "page-table frame count wrong");

    uint32_t listed = 0;
    for (uint32_t f = d->lru_head; f != NO_FRAME; f = d->frames[f].lru_next) {
        CHECK(d->frames[f].kind == FRAME_ANON || d->frames[f].kind == FRAME_CACHE,
              "reclaim list holds a non-user frame");
        CHECK(++listed <= d->nframes, "reclaim list loops");
    }
    CHECK(listed + npt + nfree == d->nframes, "a user frame missing from the reclaim list");
    return npt;
}

/* Every user frame's references are its mappings plus its caches. */
static void check_frame_refs(const struct vm *vm, const uint32_t *maps)
{
    const struct dram *d = &vm->dram;
    uint32_t shared = 0;
    for (uint32_t f = 0; f < d->nframes; f++) {
        const struct frame *fr = &d->frames[f];
        if (fr->kind != FRAME_ANON && fr->kind != FRAME_CACHE)
            continue;
        shared += fr->nrmap > 1;
        CHECK(maps[f] == fr->nrmap, "reverse map disagrees with the page tables");
        uint32_t extra = (fr->kind == FRAME_CACHE) + !!(fr->flags & FRAME_SWAPCACHE);
        CHECK(fr->refs == fr->nrmap + extra, "reference count is not mappings plus caches");
        CHECK(fr->refs > 0, "user frame with no reference");
        if (fr->flags & FRAME_SWAPCACHE)
            CHECK(vm->has_swap && vm->swap.cached[fr->index] == f + 1,
                  "swap-cache frame not in the swap cache");
    }
    CHECK(shared == vm->stats.shared_frames, "shared frame count wrong");
}

/* Every slot's references are the entries and cache entries seen. */
static void check_swap_slots(const struct vm *vm, const uint32_t *slots)
{
    uint64_t used = 0;
    for (uint64_t s = 0; s < vm->swap.nslots; s++) {
        CHECK(slots[s] == vm->swap.refs[s], "swap slot references miscounted");
        used += vm->swap.refs[s] > 0;
        if (vm->swap.cached[s])
            CHECK(vm->swap.refs[s] > 0, "swap cache holds a free slot");
    }
    CHECK(used == vm->swap.used, "swap slot count wrong");
}

void vm_check(const struct vm *vm)
{
    const struct dram *d = &vm->dram;
    uint32_t *maps = calloc(d->nframes, sizeof *maps);
    uint32_t *slots = vm->has_swap ? calloc(vm->swap.nslots, sizeof *slots) : NULL;
    CHECK(maps && (!vm->has_swap || slots), "out of host memory for the checker");

    uint32_t npt = check_frames(vm);
    uint32_t mm_pts = 0;
    for (size_t i = 0; i < vm->nmms; i++) {
        struct vm_mm *mm = vm->mms[i];
        CHECK(mm->vm == vm, "address space of another machine");
        check_areas(mm);
        struct walk_ctx w = {.vm = vm, .maps = maps, .slots = slots};
        pt_for_each(mm, 0, VM_USER_END, check_entry, &w);
        CHECK(w.present == mm->rss, "resident page count wrong");
        CHECK(w.swapped == mm->swapped, "swapped page count wrong");
        mm_pts += mm->npt;
    }
    CHECK(mm_pts == npt, "page-table pages not owned by their address space");

    for (const struct vm_object *o = vm->objects; o; o = o->next)
        check_cache(vm, o, slots ? slots : maps);
    check_frame_refs(vm, maps);
    if (vm->has_swap)
        check_swap_slots(vm, slots);
    free(maps);
    free(slots);
}
