/*
 * fault.c - vm_fault(), the one entry for every page fault, and the
 * handlers it dispatches to: demand-zero, file read or page-cache hit,
 * copy-on-write (or reuse of the last reference), swap-in.  Every outcome
 * is traced, failures included.
 *
 * Ordering rule for every handler: install the new entry (and its rmap
 * and reference), then drop the old page's reference.
 */
#include "fault.h"

#include "addr.h"
#include "area.h"
#include "commit.h"
#include "frame.h"
#include "object.h"
#include "pagecache.h"
#include "port.h"
#include "pt.h"
#include "reclaim.h"
#include "rmap.h"
#include "swap.h"
#include "trace.h"
#include "truncate.h"

#include <string.h>

static char access_char(vm_access_t access)
{
    return access == VM_PROT_WRITE ? 'W' : access == VM_PROT_EXEC ? 'X' : 'R';
}

struct fault {
    struct vm_mm *mm;
    struct vm_area *area;
    uint64_t va;        /* page address */
    vm_access_t access;
    char acc, mode;     /* for the trace */
};

/* Effective protection: on x86 any access right implies read. */
static bool prot_allows(unsigned prot, vm_access_t access)
{
    if (access == VM_PROT_READ)
        return prot != 0;
    return (prot & access) != 0;
}

/* The frame after the one backing the previous page, so that neighbours
 * stay contiguous in DRAM (and in the host's mappings). */
static uint32_t frame_hint(struct vm_mm *mm, uint64_t va)
{
    if (va < VM_PAGE_SIZE)
        return NO_FRAME;
    pte_t *prev = pt_walk(mm, va - VM_PAGE_SIZE, false);
    if (prev && (*prev & PTE_P))
        return pte_frame(*prev) + 1;
    return NO_FRAME;
}

#define AHEAD_MAX 63

/* How many pages after the fault's page, in its area and its page table,
 * have no entry at all: the port may show frames there in advance. */
static uint64_t empty_ahead(const struct fault *ft, const pte_t *pte)
{
    unsigned index = (unsigned)((ft->va >> VM_PAGE_SHIFT) & 511);
    uint64_t room = (ft->area->end - ft->va) / VM_PAGE_SIZE - 1;
    uint64_t n = 0;
    while (n < AHEAD_MAX && n < room && index + n + 1 < 512 && pte[n + 1] == 0)
        n++;
    return n;
}

/* Install frame f at the fault's page and tell the port. */
static enum vm_fault_result install(struct fault *ft, pte_t *pte, uint32_t f, bool writable,
                                    enum vm_fault_result r)
{
    struct vm_mm *mm = ft->mm;
    pte_t e = pte_make(f, ft->area->prot, writable) | PTE_A;
    if (ft->access == VM_PROT_WRITE)
        e |= PTE_D;
    *pte = e;
    rmap_add(mm->vm, f, mm, ft->va);
    if (++mm->rss > mm->peak_rss)
        mm->peak_rss = mm->rss;
    if (port_map(mm, ft->va, f, 1, empty_ahead(ft, pte), ft->area->prot & VM_PROT_EXEC) < 0) {
        /* The host refused the alias: undo, the guest gets no page. */
        *pte = 0;
        rmap_remove(mm->vm, f, mm, ft->va);
        mm->rss--;
        frame_put(mm->vm, f);
        return VM_FAULT_PORT;
    }
    return r;
}

static enum vm_fault_result fail(struct fault *ft, enum vm_fault_result r)
{
    const char *why = r == VM_FAULT_SEGV_MAPERR ? "MAPERR"
                      : r == VM_FAULT_SEGV_ACCERR ? "ACCERR"
                      : r == VM_FAULT_SIGBUS    ? "BUS_ADRERR"
                      : r == VM_FAULT_PORT      ? "HOSTMAP"
                                                : "OOM";
    enum vm_event ev = r == VM_FAULT_SIGBUS ? VM_EV_SIGBUS : VM_EV_SEGV;
    trace_event(ft->mm->vm, ft->mm, ev, ft->va, ft->acc, ft->mode,
                ft->area && r != VM_FAULT_SEGV_MAPERR ? ft->area->name : "-", -1, "%s", why);
    return r;
}

static enum vm_fault_result do_anonymous(struct fault *ft, pte_t *pte)
{
    struct vm *vm = ft->mm->vm;
    uint32_t f = frame_alloc(vm, FRAME_ANON, frame_hint(ft->mm, ft->va));
    if (f == NO_FRAME)
        return fail(ft, VM_FAULT_OOM);
    frame_zero(vm, f);
    enum vm_fault_result r = install(ft, pte, f, ft->area->prot & VM_PROT_WRITE,
                                     VM_FAULT_DEMAND_ZERO);
    if (r == VM_FAULT_DEMAND_ZERO)
        trace_event(vm, ft->mm, VM_EV_DEMAND_ZERO, ft->va, ft->acc, ft->mode, ft->area->name,
                    f, "-");
    return r == VM_FAULT_PORT ? fail(ft, r) : r;
}

/* Copy frame src into a new private frame for the fault's page. */
static enum vm_fault_result copy_page(struct fault *ft, pte_t *pte, uint32_t src, bool mapped)
{
    struct vm_mm *mm = ft->mm;
    struct vm *vm = mm->vm;
    uint32_t f = frame_alloc(vm, FRAME_ANON, frame_hint(mm, ft->va));
    if (f == NO_FRAME)
        return fail(ft, VM_FAULT_OOM);
    memcpy(frame_bytes(vm, f), frame_bytes(vm, src), VM_PAGE_SIZE);
    pte_t before = *pte;
    if (mapped) {
        rmap_remove(vm, src, mm, ft->va);
        mm->rss--;
    }
    enum vm_fault_result r = install(ft, pte, f, true, VM_FAULT_COW);
    if (r == VM_FAULT_PORT) {
        if (mapped) { /* keep the page the process had: nothing is lost */
            *pte = before;
            rmap_add(vm, src, mm, ft->va);
            mm->rss++;
        }
        return fail(ft, r);
    }
    if (mapped)
        frame_put(vm, src); /* after the new entry is in place */
    trace_event(vm, mm, VM_EV_COW, ft->va, ft->acc, ft->mode, ft->area->name, f, "from=%u",
                src);
    return r;
}

/* Write to a present read-only page of a private writable area. */
static enum vm_fault_result do_wp_page(struct fault *ft, pte_t *pte)
{
    struct vm *vm = ft->mm->vm;
    uint32_t f = pte_frame(*pte);
    struct frame *fr = &vm->dram.frames[f];
    if (fr->kind == FRAME_ANON && fr->refs == 1 && !(fr->flags & FRAME_SWAPCACHE)) {
        *pte |= PTE_W | PTE_A | PTE_D;
        trace_event(vm, ft->mm, VM_EV_COW_REUSE, ft->va, ft->acc, ft->mode, ft->area->name, f,
                    "-");
        return VM_FAULT_COW_REUSE;
    }
    return copy_page(ft, pte, f, true);
}

/* Bring page index of the area's object into the page cache. */
static uint32_t cache_fill(struct fault *ft, uint64_t index, enum vm_fault_result *kind)
{
    struct vm_object *obj = ft->area->obj;
    struct vm *vm = ft->mm->vm;
    struct cache_entry *ce = pagecache_slot(obj, index);
    if (!ce)
        return NO_FRAME;
    if (ce->frame != NO_FRAME) {
        *kind = VM_FAULT_CACHE_HIT;
        trace_event(vm, ft->mm, VM_EV_CACHE_HIT, ft->va, ft->acc, ft->mode, ft->area->name,
                    ce->frame, "off=0x%llx", (unsigned long long)(index * VM_PAGE_SIZE));
        return ce->frame;
    }
    uint32_t f = frame_alloc(vm, FRAME_CACHE, frame_hint(ft->mm, ft->va));
    if (f == NO_FRAME)
        return NO_FRAME;
    ce = pagecache_lookup(obj, index); /* the table does not move, but be exact */
    struct frame *fr = &vm->dram.frames[f];
    fr->obj = obj;
    fr->index = index;
    ce->frame = f;
    if (ce->slot) {
        uint64_t slot = ce->slot - 1;
        if (swap_read(vm, slot, f) < 0)
            memset(frame_bytes(vm, f), 0, VM_PAGE_SIZE);
        ce->slot = 0;
        swap_slot_put(vm, slot);
        fr->flags |= FRAME_DIRTY; /* the only copy now */
        *kind = VM_FAULT_SWAP_IN;
        trace_event(vm, ft->mm, VM_EV_SWAP_IN, ft->va, ft->acc, ft->mode, ft->area->name, f,
                    "slot=%llu", (unsigned long long)slot);
    } else if (obj->kind == OBJ_ANON_SHARED) {
        frame_zero(vm, f);
        fr->flags |= FRAME_DIRTY;
        *kind = VM_FAULT_DEMAND_ZERO;
        trace_event(vm, ft->mm, VM_EV_DEMAND_ZERO, ft->va, ft->acc, ft->mode, ft->area->name,
                    f, "-");
    } else {
        object_read_page(obj, index, f);
        *kind = VM_FAULT_FILE_READ;
        trace_event(vm, ft->mm, VM_EV_FILE_READ, ft->va, ft->acc, ft->mode, ft->area->name, f,
                    "off=0x%llx", (unsigned long long)(index * VM_PAGE_SIZE));
    }
    return f;
}

static enum vm_fault_result do_object_page(struct fault *ft, pte_t *pte)
{
    struct vm_area *a = ft->area;
    struct vm_object *obj = a->obj;
    uint64_t index = area_pgoff(a, ft->va);
    if (obj->kind == OBJ_FILE && index * VM_PAGE_SIZE >= obj->size) {
        vm_object_resized(ft->mm->vm, obj->fd); /* it may have grown */
        if (index * VM_PAGE_SIZE >= obj->size)
            return fail(ft, VM_FAULT_SIGBUS);
    }
    enum vm_fault_result kind = VM_FAULT_CACHE_HIT;
    uint32_t f = cache_fill(ft, index, &kind);
    if (f == NO_FRAME)
        return fail(ft, VM_FAULT_OOM);
    bool shared = a->flags & VM_AREA_SHARED;
    if (!shared && ft->access == VM_PROT_WRITE) {
        enum vm_fault_result r = copy_page(ft, pte, f, false);
        return r == VM_FAULT_COW ? VM_FAULT_COW : r;
    }
    ft->mm->vm->dram.frames[f].refs++;
    enum vm_fault_result r = install(ft, pte, f, shared && (a->prot & VM_PROT_WRITE), kind);
    return r == VM_FAULT_PORT ? fail(ft, r) : r;
}

static enum vm_fault_result do_swap_page(struct fault *ft, pte_t *pte)
{
    struct vm_mm *mm = ft->mm;
    struct vm *vm = mm->vm;
    uint64_t slot = pte_swap_slot(*pte);
    struct swap *s = &vm->swap;
    VM_ASSERT(slot < s->nslots && s->refs[slot] > 0, "swap entry names a free slot");
    uint32_t f;
    bool cached = s->cached[slot] != 0;
    if (cached) {
        f = s->cached[slot] - 1;
        vm->dram.frames[f].refs++;
    } else {
        f = frame_alloc(vm, FRAME_ANON, frame_hint(mm, ft->va));
        if (f == NO_FRAME)
            return fail(ft, VM_FAULT_OOM);
        if (swap_read(vm, slot, f) < 0) {
            frame_put(vm, f);
            return fail(ft, VM_FAULT_SIGBUS);
        }
        if (s->refs[slot] > 1) { /* other sharers will find it here */
            s->cached[slot] = f + 1;
            vm->dram.frames[f].flags |= FRAME_SWAPCACHE;
            vm->dram.frames[f].index = slot;
            vm->dram.frames[f].refs++;
        }
    }
    mm->swapped--;
    /* Sole user of a private page: writable at once; shared: COW later. */
    bool writable = (ft->area->prot & VM_PROT_WRITE) && s->refs[slot] == 1 && !cached;
    enum vm_fault_result r = install(ft, pte, f, writable, VM_FAULT_SWAP_IN);
    if (r == VM_FAULT_PORT) {
        *pte = pte_make_swap(slot);
        mm->swapped++;
        return fail(ft, r);
    }
    swap_slot_put(vm, slot); /* after the entry is in place */
    trace_event(vm, mm, VM_EV_SWAP_IN, ft->va, ft->acc, ft->mode, ft->area->name, f,
                cached ? "slot=%llu,shared" : "slot=%llu", (unsigned long long)slot);
    return VM_FAULT_SWAP_IN;
}

/* Grow the stack area a down to cover addr, as Linux does on a fault
 * below it.  Returns a, or NULL when addr is too far or the gap is taken. */
static struct vm_area *stack_expand(struct vm_mm *mm, uint64_t addr)
{
    size_t i = area_index(mm, addr);
    if (i == mm->nareas)
        return NULL;
    struct vm_area *a = mm->areas[i];
    if (!(a->flags & VM_AREA_GROWSDOWN) || addr >= a->start)
        return NULL;
    uint64_t start = addr & VM_PAGE_MASK;
    if (a->end - start > mm->stack_limit || start < VM_MMAP_MIN)
        return NULL;
    if (!range_clear_of_reserve(start, a->start))
        return NULL; /* never into the page tables and DRAM window */
    if (i > 0 && mm->areas[i - 1]->end + VM_STACK_GUARD_GAP > start)
        return NULL;
    uint64_t pages = (a->start - start) >> VM_PAGE_SHIFT;
    if (a->charged && commit_charge(mm->vm, pages) < 0)
        return NULL;
    if (port_cover(mm, start, a->start, a->prot) < 0) {
        if (a->charged)
            commit_uncharge(mm->vm, pages);
        return NULL;
    }
    a->start = start;
    return a;
}

static enum vm_fault_result fault_page(struct vm_mm *mm, uint64_t addr, vm_access_t access,
                                       enum vm_mode mode)
{
    struct vm *vm = mm->vm;
    struct fault ft = {
        .mm = mm,
        .va = addr & VM_PAGE_MASK,
        .access = access,
        .acc = access_char(access),
        .mode = mode == VM_USER ? 'u' : 'k',
    };
    if (!addr_in_user_half(addr))
        return fail(&ft, VM_FAULT_SEGV_MAPERR);
    ft.area = area_find(mm, addr);
    if (!ft.area)
        ft.area = stack_expand(mm, addr);
    if (!ft.area)
        return fail(&ft, VM_FAULT_SEGV_MAPERR);
    if (!prot_allows(ft.area->prot, access))
        return fail(&ft, VM_FAULT_SEGV_ACCERR);

    /* Make room first, so that nothing below has to: reclaim may change
     * any entry, including this page's, so the entry is read after it. */
    if (vm->dram.nfree < vm->dram.low_mark)
        reclaim_for(vm, vm->dram.low_mark + vm->dram.batch);

    pte_t *pte = pt_walk(mm, ft.va, true);
    if (!pte)
        return fail(&ft, VM_FAULT_OOM);
    enum vm_fault_result r;
    uint64_t io_before = vm->stats.events[VM_EV_FILE_READ] + vm->stats.events[VM_EV_SWAP_IN];
    if (*pte & PTE_P) {
        r = VM_FAULT_MINOR; /* a stale translation, or an entry to bring in line */
        if (access == VM_PROT_WRITE && !(*pte & PTE_W)) {
            if (area_private_writable(ft.area))
                r = do_wp_page(&ft, pte);
            else
                *pte |= PTE_W;
        } else if (access == VM_PROT_EXEC && (*pte & PTE_NX)) {
            *pte &= ~PTE_NX;
        }
    } else if (pte_is_swap(*pte)) {
        r = do_swap_page(&ft, pte);
    } else if (ft.area->obj) {
        r = do_object_page(&ft, pte);
    } else {
        r = do_anonymous(&ft, pte);
    }
    if (vm_fault_ok(r) && r != VM_FAULT_MINOR) {
        uint64_t io = vm->stats.events[VM_EV_FILE_READ] + vm->stats.events[VM_EV_SWAP_IN];
        if (io != io_before)
            vm->stats.major++;
        else
            vm->stats.minor++;
        if (mode == VM_KERNEL)
            vm->stats.kernel_faults++;
    }
    return r;
}

enum vm_fault_result vm_fault(struct vm_mm *mm, uint64_t addr, vm_access_t access,
                              enum vm_mode mode)
{
    /* The reclaim this fault starts names it as its cause. */
    trace_hold(mm->vm);
    enum vm_fault_result r = fault_page(mm, addr, access, mode);
    trace_release(mm->vm);
    return r;
}
