/*
 * reclaim.c - eviction when free frames run low.
 *
 * A policy picks a batch of victims among user frames (private pages and
 * page-cache pages; page tables stay): clock gives a second chance to
 * frames whose Accessed bit the CPU set, fifo takes the oldest, lru ages
 * every frame by its Accessed bits and takes the oldest-unused, random
 * draws from the seeded generator.  A victim is unmapped from every
 * process through the reverse map: clean file pages are dropped, dirty
 * shared file pages written back, private and shared-anonymous pages
 * written to swap.  Each process's TLB is flushed once per batch.
 */
#include "reclaim.h"

#include "frame.h"
#include "object.h"
#include "pagecache.h"
#include "port.h"
#include "pt.h"
#include "rmap.h"
#include "swap.h"
#include "trace.h"

static bool evictable(struct vm *vm, uint32_t f)
{
    struct frame *fr = &vm->dram.frames[f];
    switch (fr->kind) {
    case FRAME_ANON:
        if (fr->flags & FRAME_SWAPCACHE)
            return true; /* its bytes are already in the slot */
        return fr->nrmap > 0 && vm->has_swap && vm->swap.used < vm->swap.nslots;
    case FRAME_CACHE:
        if (fr->obj->kind == OBJ_FILE)
            return true;
        return vm->has_swap && vm->swap.used < vm->swap.nslots;
    default:
        return false;
    }
}

/* Did the CPU touch f since the last look?  Clears the Accessed bits. */
static bool referenced(struct vm *vm, uint32_t f)
{
    struct frame *fr = &vm->dram.frames[f];
    struct rmap_ref *r = rmap_refs(fr);
    bool young = false;
    for (uint32_t i = 0; i < fr->nrmap; i++) {
        pte_t *pte = pt_walk(r[i].mm, r[i].va, false);
        VM_ASSERT(pte && (*pte & PTE_P), "rmap names a missing entry");
        if (*pte & PTE_A) {
            *pte &= ~PTE_A;
            r[i].mm->tlb_stale = true; /* or the CPU would not set it again */
            young = true;
        }
    }
    vm->stats.reclaim_referenced += young;
    return young;
}

/* Does evicting f write it to a new swap slot? */
static bool needs_slot(const struct vm *vm, uint32_t f)
{
    const struct frame *fr = &vm->dram.frames[f];
    if (fr->kind == FRAME_ANON)
        return !(fr->flags & FRAME_SWAPCACHE);
    return fr->kind == FRAME_CACHE && fr->obj->kind == OBJ_ANON_SHARED;
}

/* Evict f.  slot: where f's bytes were just written (when needs_slot).
 * Returns false when it could not be (I/O error writing a file page). */
static bool evict(struct vm *vm, uint32_t f, uint64_t slot)
{
    struct frame *fr = &vm->dram.frames[f];
    char detail[40];
    if (fr->kind == FRAME_ANON) {
        bool cached = fr->flags & FRAME_SWAPCACHE;
        if (cached)
            slot = fr->index;
        /* One reference per entry that will hold the slot. */
        uint32_t n = fr->nrmap;
        for (uint32_t i = cached ? 0 : 1; i < n; i++)
            swap_slot_get(vm, slot);
        fr->refs++; /* keep f while its mappings go */
        snprintf(detail, sizeof detail, "slot=%llu", (unsigned long long)slot);
        rmap_unmap_all(vm, f, pte_make_swap(slot), VM_EV_SWAP_OUT, detail);
        if (cached) {
            vm->swap.cached[slot] = 0;
            fr->flags &= (uint8_t)~FRAME_SWAPCACHE;
            fr->refs--; /* the swap cache's reference */
        }
        frame_put(vm, f);
        return true;
    }
    /* A page-cache page. */
    struct vm_object *obj = fr->obj;
    uint64_t index = fr->index;
    struct cache_entry *ce = pagecache_lookup(obj, index);
    VM_ASSERT(ce && ce->frame == f, "cache page not in its object's cache");
    enum vm_event ev;
    if (obj->kind == OBJ_FILE) {
        bool dirty = rmap_collect_dirty(vm, f);
        if (dirty && object_write_page(obj, index, f) < 0)
            return false;
        ev = dirty ? VM_EV_WRITEBACK : VM_EV_EVICT_CLEAN;
        snprintf(detail, sizeof detail, "off=0x%llx", (unsigned long long)(index * VM_PAGE_SIZE));
    } else {
        ce->slot = slot + 1;
        ev = VM_EV_SWAP_OUT;
        snprintf(detail, sizeof detail, "slot=%llu", (unsigned long long)slot);
    }
    if (fr->nrmap == 0)
        trace_event(vm, NULL, ev, 0, '-', '-', obj->name, f, "%s", detail);
    rmap_unmap_all(vm, f, 0, ev, detail);
    ce = pagecache_lookup(obj, index);
    ce->frame = NO_FRAME;
    if (!ce->slot)
        pagecache_delete(obj, index);
    fr->kind = FRAME_ANON; /* no longer the cache's */
    fr->obj = NULL;
    fr->flags &= (uint8_t)~FRAME_DIRTY;
    frame_put(vm, f);
    return true;
}

static uint64_t next_random(struct vm *vm)
{
    /* xorshift64*: deterministic for a given --seed */
    vm->rng ^= vm->rng >> 12;
    vm->rng ^= vm->rng << 25;
    vm->rng ^= vm->rng >> 27;
    return vm->rng * 0x2545f4914f6cdd1dULL;
}

/* Add f to the n victims in out[] unless it is there already. */
static void add_victim(uint32_t *out, uint32_t *n, uint32_t f)
{
    for (uint32_t k = 0; k < *n; k++)
        if (out[k] == f)
            return;
    out[(*n)++] = f;
}

/* Choose up to max victims into out[]; returns how many. */
static uint32_t pick_clock(struct vm *vm, uint32_t *out, uint32_t max)
{
    struct dram *d = &vm->dram;
    uint32_t n = 0, listed = d->nframes - d->nfree;
    /* Two sweeps: the first clears Accessed bits, the second finds them clear. */
    for (uint64_t steps = 0; n < max && steps < 2ULL * listed + 2; steps++) {
        if (d->hand == NO_FRAME)
            d->hand = d->lru_head;
        if (d->hand == NO_FRAME)
            break;
        uint32_t f = d->hand;
        d->hand = d->frames[f].lru_next;
        vm->stats.reclaim_scans++;
        if (!evictable(vm, f) || referenced(vm, f))
            continue;
        add_victim(out, &n, f);
    }
    return n;
}

static uint32_t pick_fifo(struct vm *vm, uint32_t *out, uint32_t max)
{
    uint32_t n = 0;
    for (uint32_t f = vm->dram.lru_head; f != NO_FRAME && n < max;
         f = vm->dram.frames[f].lru_next) {
        vm->stats.reclaim_scans++;
        if (evictable(vm, f))
            out[n++] = f;
    }
    return n;
}

static uint32_t pick_lru(struct vm *vm, uint32_t *out, uint32_t max)
{
    struct dram *d = &vm->dram;
    uint32_t hist[256] = {0};
    for (uint32_t f = d->lru_head; f != NO_FRAME; f = d->frames[f].lru_next) {
        struct frame *fr = &d->frames[f];
        vm->stats.reclaim_scans++;
        if (referenced(vm, f))
            fr->age = 0;
        else if (fr->age < 255)
            fr->age++;
        if (evictable(vm, f))
            hist[fr->age]++;
    }
    /* The oldest ages first, oldest frames first within an age. */
    uint32_t n = 0;
    for (int age = 255; age >= 0 && n < max; age--) {
        if (!hist[age])
            continue;
        for (uint32_t f = d->lru_head; f != NO_FRAME && n < max; f = d->frames[f].lru_next)
            if (d->frames[f].age == age && evictable(vm, f))
                out[n++] = f;
    }
    return n;
}

static uint32_t pick_random(struct vm *vm, uint32_t *out, uint32_t max)
{
    struct dram *d = &vm->dram;
    uint32_t n = 0;
    for (uint32_t tries = 0; n < max && tries < 8 * max + 64; tries++) {
        uint32_t f = (uint32_t)(next_random(vm) % d->nframes);
        vm->stats.reclaim_scans++;
        if (d->frames[f].kind == FRAME_FREE || !evictable(vm, f))
            continue;
        add_victim(out, &n, f);
    }
    if (n == 0) /* unlucky draws: fall back to order */
        n = pick_fifo(vm, out, max);
    return n;
}

/* Give every victim that goes to swap a slot, then write them, a run of
 * consecutive slots in one call.  A victim that gets no slot (swap full)
 * or whose write fails is dropped from the list (its slot given back);
 * returns how many victims stay.  slots[i] is UINT64_MAX for victims that
 * need none (file pages, swap-cache pages). */
static uint32_t write_victims(struct vm *vm, uint32_t *victims, uint64_t *slots, uint32_t n)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t slot = UINT64_MAX;
        if (needs_slot(vm, victims[i]) && (slot = swap_slot_alloc(vm)) == UINT64_MAX)
            continue;
        victims[kept] = victims[i];
        slots[kept++] = slot;
    }
    for (uint32_t i = 0; i < kept;) {
        if (slots[i] == UINT64_MAX) {
            i++;
            continue;
        }
        uint32_t len = 1;
        while (i + len < kept && slots[i + len] == slots[i] + len)
            len++;
        if (swap_write_run(vm, slots[i], victims + i, len) < 0) {
            for (uint32_t j = i; j < i + len; j++) {
                swap_slot_put(vm, slots[j]);
                victims[j] = NO_FRAME;
            }
        }
        i += len;
    }
    uint32_t out = 0;
    for (uint32_t i = 0; i < kept; i++) {
        if (victims[i] == NO_FRAME)
            continue;
        victims[out] = victims[i];
        slots[out++] = slots[i];
    }
    return out;
}

uint32_t vm_reclaim(struct vm *vm, uint32_t want)
{
    if (vm->in_reclaim)
        return 0;
    vm->in_reclaim = true;
    uint32_t victims[256], done = 0;
    while (done < want) {
        uint32_t max = want - done < 256 ? want - done : 256;
        uint32_t n;
        switch (vm->cfg.policy) {
        case VM_POLICY_FIFO: n = pick_fifo(vm, victims, max); break;
        case VM_POLICY_LRU: n = pick_lru(vm, victims, max); break;
        case VM_POLICY_RANDOM: n = pick_random(vm, victims, max); break;
        default: n = pick_clock(vm, victims, max); break;
        }
        uint64_t slots[256];
        n = write_victims(vm, victims, slots, n);
        uint32_t evicted = 0;
        for (uint32_t i = 0; i < n; i++)
            evicted += evict(vm, victims[i], slots[i]);
        done += evicted;
        vm->stats.reclaim_batches++;
        if (evicted == 0)
            break;
    }
    port_flush_all(vm);
    vm->in_reclaim = false;
    return done;
}

void reclaim_for(struct vm *vm, uint32_t want)
{
    if (want > vm->dram.nframes)
        want = vm->dram.nframes;
    if (vm->dram.nfree >= want)
        return;
    uint32_t need = want - vm->dram.nfree;
    vm_reclaim(vm, need > vm->dram.batch ? need : vm->dram.batch);
}
