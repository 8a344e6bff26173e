/*
 * mm.c - the machine (struct vm) and address spaces (struct vm_mm):
 * creation, fork and teardown, and the area operations behind mmap,
 * munmap, mprotect, mremap, madvise, msync and brk.
 */
#include "internal.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

/* --- the machine --------------------------------------------------------------- */

struct vm *vm_new(const struct vm_config *cfg, char *err, size_t errlen)
{
    struct vm *vm = calloc(1, sizeof *vm);
    if (!vm) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    vm->cfg = *cfg;
    vm->swap.fd = -1;
    if (dram_init(&vm->dram, cfg->frames, err, errlen) < 0) {
        free(vm);
        return NULL;
    }
    if (cfg->swap_pages) {
        if (swap_init(&vm->swap, cfg->swap_pages, cfg->swap_path, err, errlen) < 0) {
            dram_free(&vm->dram);
            free(vm);
            return NULL;
        }
        vm->has_swap = true;
    }
    /* Strict commit (the CS:APP rule): private writable memory must fit in
     * DRAM plus swap; a sixteenth of DRAM stays for page tables. */
    uint64_t pt_reserve = cfg->frames / 16 > 8 ? cfg->frames / 16 : 8;
    vm->commit_limit = cfg->frames + cfg->swap_pages - pt_reserve;
    vm->rng = cfg->seed ? cfg->seed : 0x9e3779b97f4a7c15ULL;
    return vm;
}

void vm_free(struct vm *vm)
{
    if (!vm)
        return;
    VM_ASSERT(vm->nmms == 0, "freeing the machine with live address spaces");
    while (vm->objects)
        object_destroy(vm->objects); /* idle page cache (and leaked objects) */
    if (vm->has_swap)
        swap_free(&vm->swap);
    dram_free(&vm->dram);
    free(vm->mms);
    free(vm);
}

void vm_set_port(struct vm *vm, const struct vm_port *port)
{
    vm->port = *port;
}

int vm_dram_fd(const struct vm *vm) { return vm->dram.fd; }
uint8_t *vm_dram_base(const struct vm *vm) { return vm->dram.base; }
uint32_t vm_dram_frames(const struct vm *vm) { return vm->dram.nframes; }
uint32_t vm_frames_free(const struct vm *vm) { return vm->dram.nfree; }
const struct vm_stats *vm_stats(const struct vm *vm) { return &vm->stats; }
uint64_t vm_event_seq(const struct vm *vm) { return vm->seq; }

static const char *const event_names[VM_EV_COUNT] = {
    [VM_EV_DEMAND_ZERO] = "demand-zero", [VM_EV_FILE_READ] = "file-read",
    [VM_EV_CACHE_HIT] = "cache-hit",     [VM_EV_COW] = "cow",
    [VM_EV_COW_REUSE] = "cow-reuse",     [VM_EV_SWAP_OUT] = "swap-out",
    [VM_EV_SWAP_IN] = "swap-in",         [VM_EV_EVICT_CLEAN] = "evict-clean",
    [VM_EV_WRITEBACK] = "writeback",     [VM_EV_SEGV] = "segv",
    [VM_EV_SIGBUS] = "sigbus",
};

const char *vm_event_name(enum vm_event ev)
{
    return (unsigned)ev < VM_EV_COUNT ? event_names[ev] : "?";
}

int vm_event_parse(const char *name)
{
    for (int i = 0; i < VM_EV_COUNT; i++)
        if (strcmp(name, event_names[i]) == 0)
            return i;
    return -1;
}

void trace_event(struct vm *vm, struct vm_mm *mm, enum vm_event ev, uint64_t va, char access,
                 char mode, const char *area, int64_t frame, const char *detail_fmt, ...)
{
    vm->stats.events[ev]++;
    struct vm_event_rec rec = {
        .seq = ++vm->seq,
        .pid = mm ? mm->pid : 0,
        .event = ev,
        .vpage = va & VM_PAGE_MASK,
        .access = access,
        .mode = mode,
        .area = area,
        .frame = frame,
    };
    if (!vm->cfg.trace)
        return;
    if (vm->cfg.trace_details) {
        va_list ap;
        va_start(ap, detail_fmt);
        vsnprintf(rec.detail, sizeof rec.detail, detail_fmt, ap);
        va_end(ap);
    }
    vm->cfg.trace(vm->cfg.trace_ctx, &rec);
}

/* --- the port ------------------------------------------------------------------ */

int port_map(struct vm_mm *mm, uint64_t va, uint32_t f, uint64_t npages, uint64_t ahead,
             bool exec)
{
    struct vm_port *p = &mm->vm->port;
    return p->map && npages ? p->map(p->ctx, mm, va, f, npages, ahead, exec) : 0;
}

void port_unmap(struct vm_mm *mm, uint64_t va, uint64_t npages)
{
    struct vm_port *p = &mm->vm->port;
    if (p->unmap && npages)
        p->unmap(p->ctx, mm, va, npages);
}

int port_cover(struct vm_mm *mm, uint64_t start, uint64_t end, unsigned prot)
{
    struct vm_port *p = &mm->vm->port;
    if (!prot)
        return 0;
    return p->cover && start < end ? p->cover(p->ctx, mm, start, end) : 0;
}

void port_flush(struct vm_mm *mm)
{
    struct vm_port *p = &mm->vm->port;
    if (!mm->tlb_stale)
        return;
    mm->tlb_stale = false;
    if (p->flush_tlb)
        p->flush_tlb(p->ctx, mm);
}

/* --- commit accounting --------------------------------------------------------- */

bool area_needs_charge(const struct vm *vm, unsigned prot, unsigned flags)
{
    if (vm->cfg.commit == VM_COMMIT_OVERCOMMIT)
        return false;
    return (prot & VM_PROT_WRITE) && !(flags & VM_AREA_SHARED);
}

int commit_charge(struct vm *vm, uint64_t pages)
{
    if (vm->cfg.commit == VM_COMMIT_STRICT && vm->committed + pages > vm->commit_limit)
        return -ENOMEM;
    vm->committed += pages;
    return 0;
}

void commit_uncharge(struct vm *vm, uint64_t pages)
{
    VM_ASSERT(vm->committed >= pages, "commit charge underflow");
    vm->committed -= pages;
}

static uint64_t area_pages(const struct vm_area *a)
{
    return (a->end - a->start) >> VM_PAGE_SHIFT;
}

/* --- address spaces ------------------------------------------------------------ */

static int mm_register(struct vm *vm, struct vm_mm *mm)
{
    if (vm->nmms == vm->mmcap) {
        size_t cap = vm->mmcap ? vm->mmcap * 2 : 8;
        struct vm_mm **v = realloc(vm->mms, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        vm->mms = v;
        vm->mmcap = cap;
    }
    vm->mms[vm->nmms++] = mm;
    return 0;
}

static void mm_unregister(struct vm *vm, struct vm_mm *mm)
{
    for (size_t i = 0; i < vm->nmms; i++) {
        if (vm->mms[i] == mm) {
            vm->mms[i] = vm->mms[--vm->nmms];
            return;
        }
    }
    vm_panic(__func__, "address space not registered");
}

struct vm_mm *vm_mm_new(struct vm *vm, int pid)
{
    struct vm_mm *mm = calloc(1, sizeof *mm);
    if (!mm)
        return NULL;
    mm->vm = vm;
    mm->pid = pid;
    mm->stack_limit = VM_STACK_LIMIT_DEFAULT;
    mm->pml4 = NO_FRAME;
    if (vm->dram.nfree < vm->dram.low_mark)
        reclaim_for(vm, vm->dram.low_mark + 1);
    uint32_t f = frame_alloc(vm, FRAME_PT, NO_FRAME);
    if (f == NO_FRAME || mm_register(vm, mm) < 0) {
        if (f != NO_FRAME)
            frame_put(vm, f);
        free(mm);
        return NULL;
    }
    frame_zero(vm, f);
    vm->dram.frames[f].owner = mm;
    mm->pml4 = f;
    mm->npt = 1;
    vm->stats.pt_frames++;
    if (vm->stats.pt_frames > vm->stats.peak_pt_frames)
        vm->stats.peak_pt_frames = vm->stats.pt_frames;
    return mm;
}

void vm_mm_set_pid(struct vm_mm *mm, int pid) { mm->pid = pid; }
int vm_mm_pid(const struct vm_mm *mm) { return mm->pid; }
uint64_t vm_mm_cr3(const struct vm_mm *mm) { return frame_phys(mm->pml4); }
void vm_mm_set_port_data(struct vm_mm *mm, void *data) { mm->port_data = data; }
void *vm_mm_port_data(const struct vm_mm *mm) { return mm->port_data; }
uint64_t vm_mm_rss(const struct vm_mm *mm) { return mm->rss; }
uint64_t vm_mm_swapped(const struct vm_mm *mm) { return mm->swapped; }
void vm_set_stack_limit(struct vm_mm *mm, uint64_t limit)
{
    mm->stack_limit = limit < VM_STACK_LIMIT_MAX ? limit : VM_STACK_LIMIT_MAX;
}

uint64_t vm_stack_limit(const struct vm_mm *mm) { return mm->stack_limit; }

/* Is frame f dirty with respect to its backing (file or slot)?  Folds the
 * D bits of every mapping into the frame and clears them, so the next
 * write sets them again (the TLB of each mapper goes stale). */
bool frame_collect_dirty(struct vm *vm, uint32_t f)
{
    struct frame *fr = &vm->dram.frames[f];
    struct rmap_ref *r = rmap_refs(fr);
    for (uint32_t i = 0; i < fr->nrmap; i++) {
        pte_t *pte = pt_walk(r[i].mm, r[i].va, false);
        VM_ASSERT(pte && (*pte & PTE_P) && pte_frame(*pte) == f, "rmap names a wrong entry");
        if (*pte & PTE_D) {
            *pte &= ~PTE_D;
            r[i].mm->tlb_stale = true;
            fr->flags |= FRAME_DIRTY;
        }
    }
    return fr->flags & FRAME_DIRTY;
}

void mm_zap_pte(struct vm_mm *mm, const struct vm_area *a, uint64_t va, pte_t *pte)
{
    struct vm *vm = mm->vm;
    pte_t e = *pte;
    if (e & PTE_P) {
        uint32_t f = pte_frame(e);
        struct frame *fr = &vm->dram.frames[f];
        if ((e & PTE_D) && fr->kind == FRAME_CACHE)
            fr->flags |= FRAME_DIRTY;
        *pte = 0;
        rmap_remove(vm, f, mm, va);
        mm->rss--;
        /* Nothing is lost: a dirty shared file page no longer mapped
         * anywhere is written back now, on munmap and exit. */
        if (fr->kind == FRAME_CACHE && fr->nrmap == 0 && (fr->flags & FRAME_DIRTY) &&
            fr->obj->kind == OBJ_FILE && (a->flags & VM_AREA_SHARED)) {
            object_write_page(fr->obj, fr->index, f);
            trace_event(vm, mm, VM_EV_WRITEBACK, va, '-', '-', a->name, f, "off=0x%llx",
                        (unsigned long long)(fr->index * VM_PAGE_SIZE));
        }
        frame_put(vm, f);
        mm->tlb_stale = true;
    } else if (pte_is_swap(e)) {
        *pte = 0;
        mm->swapped--;
        swap_slot_put(vm, pte_swap_slot(e));
    } else {
        *pte = 0;
    }
}

struct zap_ctx {
    const struct vm_area *area;
    uint64_t run_start, run_pages; /* a run of host aliases to drop */
};

static void zap_flush_run(struct vm_mm *mm, struct zap_ctx *z)
{
    /* A dying address space's CPU is discarded whole: no need to hide
     * pages one by one (and on a fragmented host map, doing so would
     * cost mappings while tearing down). */
    if (!mm->dying)
        port_unmap(mm, z->run_start, z->run_pages);
    z->run_pages = 0;
}

static void zap_one(struct vm_mm *mm, uint64_t va, pte_t *pte, void *arg)
{
    struct zap_ctx *z = arg;
    if (*pte & PTE_P) {
        if (z->run_pages && z->run_start + z->run_pages * VM_PAGE_SIZE != va)
            zap_flush_run(mm, z);
        if (!z->run_pages)
            z->run_start = va;
        z->run_pages++;
    }
    mm_zap_pte(mm, z->area, va, pte);
}

/* Drop every page of [start, end) within area a (entries, frames, slots). */
/* Pages of an area that was ever executable leave [start, end): what
 * comes there next is other code. */
static void code_gone(struct vm_mm *mm, const struct vm_area *a, uint64_t start, uint64_t end)
{
    struct vm_port *port = &mm->vm->port;
    if ((a->flags & VM_AREA_CODE) && port->code_changed && start < end)
        port->code_changed(port->ctx, mm, start, end - start);
}

static void zap_range(struct vm_mm *mm, const struct vm_area *a, uint64_t start, uint64_t end)
{
    code_gone(mm, a, start, end);
    struct zap_ctx z = {.area = a};
    pt_for_each(mm, start, end, zap_one, &z);
    if (z.run_pages)
        zap_flush_run(mm, &z);
}

void vm_mm_free(struct vm_mm *mm)
{
    if (!mm)
        return;
    struct vm *vm = mm->vm;
    mm->dying = true;
    for (size_t i = 0; i < mm->nareas; i++) {
        struct vm_area *a = mm->areas[i];
        zap_range(mm, a, a->start, a->end);
        if (a->charged)
            commit_uncharge(vm, area_pages(a));
        area_free(a);
    }
    free(mm->areas);
    pt_free_all(mm);
    mm_unregister(vm, mm);
    free(mm);
}

/* --- fork ---------------------------------------------------------------------- */

struct fork_ctx {
    struct vm_mm *child;
    const struct vm_area *area;
    uint64_t run_va, run_pages; /* frames to alias in the child, in one call */
    uint32_t run_frame;
    bool failed;
};

static void fork_flush_run(struct fork_ctx *fc)
{
    if (fc->run_pages && port_map(fc->child, fc->run_va, fc->run_frame, fc->run_pages, 0,
                                  fc->area->prot & VM_PROT_EXEC) < 0)
        fc->failed = true;
    fc->run_pages = 0;
}

static void fork_one(struct vm_mm *parent, uint64_t va, pte_t *pte, void *arg)
{
    struct fork_ctx *fc = arg;
    struct vm *vm = parent->vm;
    if (fc->failed)
        return;
    pte_t *cpte = pt_walk(fc->child, va, true);
    if (!cpte) {
        fc->failed = true;
        return;
    }
    pte_t e = *pte;
    if (e & PTE_P) {
        uint32_t f = pte_frame(e);
        if (area_private_writable(fc->area) && (e & PTE_W)) {
            e &= ~PTE_W; /* copy-on-write in both */
            *pte = e;
            parent->tlb_stale = true;
        }
        if (vm->dram.frames[f].kind == FRAME_CACHE && (e & PTE_D))
            vm->dram.frames[f].flags |= FRAME_DIRTY;
        vm->dram.frames[f].refs++;
        rmap_add(vm, f, fc->child, va);
        fc->child->rss++;
        /* The child starts with clean, old entries, as Linux gives it. */
        *cpte = e & ~(PTE_A | PTE_D);
        if (fc->run_pages && (fc->run_va + fc->run_pages * VM_PAGE_SIZE != va ||
                              fc->run_frame + fc->run_pages != f))
            fork_flush_run(fc);
        if (!fc->run_pages) {
            fc->run_va = va;
            fc->run_frame = f;
        }
        fc->run_pages++;
    } else if (pte_is_swap(e)) {
        swap_slot_get(vm, pte_swap_slot(e));
        fc->child->swapped++;
        *cpte = e;
    }
}

struct vm_mm *vm_mm_fork(struct vm_mm *parent, int child_pid, void *child_port_data)
{
    struct vm *vm = parent->vm;
    /* Page tables for the child must not come from reclaim in the middle
     * of the copy: make room for as many as the parent has, first. */
    uint32_t need = parent->npt + vm->dram.low_mark;
    if (vm->dram.nfree < need)
        reclaim_for(vm, need);
    if (vm->dram.nfree < parent->npt)
        return NULL;
    struct vm_mm *child = vm_mm_new(vm, child_pid);
    if (!child)
        return NULL;
    child->port_data = child_port_data;
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    child->stack_limit = parent->stack_limit;
    /* Each area is charged as it is copied, so a failure part-way gives
     * back exactly what was taken (vm_mm_free uncharges charged areas). */
    for (size_t i = 0; i < parent->nareas; i++) {
        const struct vm_area *a = parent->areas[i];
        if (a->charged && commit_charge(vm, area_pages(a)) < 0)
            goto fail;
        struct vm_area *c = area_new(a->start, a->end, a->prot, a->flags, a->obj, a->pgoff,
                                     a->name);
        if (!c || area_insert(child, c) < 0) {
            area_free(c);
            if (a->charged)
                commit_uncharge(vm, area_pages(a));
            goto fail;
        }
        c->charged = a->charged;
    }
    for (size_t i = 0; i < child->nareas; i++) {
        struct vm_area *a = child->areas[i];
        struct fork_ctx fc = {.child = child, .area = a};
        if (port_cover(child, a->start, a->end, a->prot) < 0)
            goto fail;
        pt_for_each(parent, a->start, a->end, fork_one, &fc);
        fork_flush_run(&fc);
        if (fc.failed)
            goto fail;
    }
    port_flush(parent);
    return child;
fail:
    port_flush(parent);
    vm_mm_free(child); /* uncharges what its areas carry */
    return NULL;
}

/* --- areas ------------------------------------------------------------------- */

static bool range_ok(uint64_t start, uint64_t len)
{
    if ((start | len) & ~VM_PAGE_MASK || len == 0)
        return false;
    uint64_t end = start + len;
    if (end < start || end > VM_USER_END)
        return false;
    return end <= VM_RESERVED_START || start >= VM_RESERVED_END;
}

bool vm_range_free(const struct vm_mm *mm, uint64_t start, uint64_t len)
{
    if (!range_ok(start, len))
        return false;
    size_t i = area_index(mm, start);
    return i == mm->nareas || mm->areas[i]->start >= start + len;
}

int vm_map(struct vm_mm *mm, uint64_t start, uint64_t len, unsigned prot, unsigned flags,
           struct vm_object *obj, uint64_t off, const char *name)
{
    struct vm *vm = mm->vm;
    if (!range_ok(start, len) || (off & ~VM_PAGE_MASK) || (prot & ~7u))
        return -EINVAL;
    if (!vm_range_free(mm, start, len))
        return -EEXIST;
    bool charge = area_needs_charge(vm, prot, flags) && !(obj && (flags & VM_AREA_SHARED));
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

/* Split areas so that start and end fall on area boundaries. */
static int split_at(struct vm_mm *mm, uint64_t addr)
{
    size_t i = area_index(mm, addr);
    if (i < mm->nareas && mm->areas[i]->start < addr)
        return area_split(mm, i, addr);
    return 0;
}

int vm_unmap(struct vm_mm *mm, uint64_t start, uint64_t len)
{
    if (!range_ok(start, (len + VM_PAGE_SIZE - 1) & VM_PAGE_MASK))
        return -EINVAL;
    uint64_t end = start + ((len + VM_PAGE_SIZE - 1) & VM_PAGE_MASK);
    int err = split_at(mm, start);
    if (!err)
        err = split_at(mm, end);
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

struct protect_ctx {
    const struct vm_area *area;
    bool gains_exec;            /* bytes written while not executable may be stale code */
    uint64_t code_va, code_len; /* a run of present pages to retranslate */
};

static void protect_flush_code(struct vm_mm *mm, struct protect_ctx *pc)
{
    struct vm_port *port = &mm->vm->port;
    if (pc->code_len && port->code_changed)
        port->code_changed(port->ctx, mm, pc->code_va, pc->code_len);
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

/* Are the areas of [start, end) back to back, with no hole? */
static bool fully_mapped(const struct vm_mm *mm, uint64_t start, uint64_t end)
{
    size_t i = area_index(mm, start);
    uint64_t at = start;
    for (; i < mm->nareas && at < end; i++) {
        if (mm->areas[i]->start > at)
            return false;
        at = mm->areas[i]->end;
    }
    return at >= end;
}

int vm_protect(struct vm_mm *mm, uint64_t start, uint64_t len, unsigned prot)
{
    if ((start & ~VM_PAGE_MASK) || (prot & ~7u))
        return -EINVAL;
    len = (len + VM_PAGE_SIZE - 1) & VM_PAGE_MASK;
    if (len == 0)
        return 0;
    if (!range_ok(start, len))
        return -ENOMEM;
    uint64_t end = start + len;
    if (!fully_mapped(mm, start, end))
        return -ENOMEM;
    for (size_t i = area_index(mm, start); i < mm->nareas && mm->areas[i]->start < end; i++) {
        const struct vm_area *a = mm->areas[i];
        if ((a->flags & VM_AREA_SHARED) && (prot & VM_PROT_WRITE) && a->obj &&
            a->obj->kind == OBJ_FILE && !a->obj->fd_writable)
            return -EACCES;
    }
    int err = split_at(mm, start);
    if (!err)
        err = split_at(mm, end);
    if (err)
        return err;
    size_t i = area_index(mm, start);
    for (; i < mm->nareas && mm->areas[i]->start < end; i++) {
        struct vm_area *a = mm->areas[i];
        bool gains_exec = (prot & VM_PROT_EXEC) && !(a->prot & VM_PROT_EXEC);
        if (!a->prot && port_cover(mm, a->start, a->end, prot) < 0) {
            err = -ENOMEM; /* the host cannot hold it: it stays PROT_NONE */
            break;
        }
        bool charge = area_needs_charge(mm->vm, prot, a->flags) && !a->charged;
        if (charge && commit_charge(mm->vm, area_pages(a)) < 0) {
            err = -ENOMEM;
            break;
        }
        if (charge)
            a->charged = true;
        a->prot = prot;
        if (prot & VM_PROT_EXEC)
            a->flags |= VM_AREA_CODE;
        struct protect_ctx pc = {.area = a, .gains_exec = gains_exec};
        pt_for_each(mm, a->start, a->end, protect_one, &pc);
        protect_flush_code(mm, &pc);
    }
    /* Merge back what the splits left compatible, from the top down (a
     * merge only removes the area at k or k + 1). */
    size_t first = area_index(mm, start);
    for (size_t k = i < mm->nareas ? i + 1 : mm->nareas; k-- > first;)
        if (k < mm->nareas)
            area_try_merge(mm, k);
    port_flush(mm);
    return err;
}

/* The highest page-aligned start of len bytes in [lo, hi) outside the
 * reserve, or 0. */
static uint64_t fit_below(uint64_t lo, uint64_t hi, uint64_t len)
{
    if (hi > VM_RESERVED_START && lo < VM_RESERVED_END) {
        uint64_t above = fit_below(lo > VM_RESERVED_END ? lo : VM_RESERVED_END, hi, len);
        if (above || hi <= VM_RESERVED_END)
            return above;
        hi = VM_RESERVED_START;
    }
    if (hi < lo || hi - lo < len)
        return 0;
    return hi - len;
}

#define MMAP_MIN_ADDR 0x10000ULL /* Linux's vm.mmap_min_addr */

uint64_t vm_find_free(const struct vm_mm *mm, uint64_t len, uint64_t hint)
{
    len = (len + VM_PAGE_SIZE - 1) & VM_PAGE_MASK;
    if (!len || len > VM_USER_END)
        return 0;
    hint &= VM_PAGE_MASK;
    if (hint >= MMAP_MIN_ADDR && vm_range_free(mm, hint, len))
        return hint;
    uint64_t hi = VM_MMAP_BASE;
    size_t k = area_index(mm, hi);
    if (k < mm->nareas && mm->areas[k]->start < hi)
        hi = mm->areas[k]->start;
    for (;;) {
        uint64_t lo = k > 0 ? mm->areas[k - 1]->end : MMAP_MIN_ADDR;
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

int vm_move(struct vm_mm *mm, uint64_t old, uint64_t len, uint64_t new_start)
{
    len = (len + VM_PAGE_SIZE - 1) & VM_PAGE_MASK;
    if (!range_ok(old, len) || !range_ok(new_start, len))
        return -EINVAL;
    struct vm_area *a = area_find(mm, old);
    if (!a || a->end < old + len)
        return -EFAULT;
    if (!vm_range_free(mm, new_start, len))
        return -ENOMEM;
    int err = split_at(mm, old);
    if (!err)
        err = split_at(mm, old + len);
    if (err)
        return err;
    size_t i = area_index(mm, old);
    a = mm->areas[i];
    err = port_cover(mm, new_start, new_start + len, a->prot);
    if (err)
        return err;
    /* Page tables for the destination first, so the move cannot stop half way. */
    for (uint64_t va = new_start; va < new_start + len; va += 512 * VM_PAGE_SIZE)
        if (!pt_walk(mm, va, true))
            return -ENOMEM;
    if (!pt_walk(mm, new_start + len - VM_PAGE_SIZE, true))
        return -ENOMEM;
    code_gone(mm, a, old, old + len);
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

int vm_discard(struct vm_mm *mm, uint64_t start, uint64_t len)
{
    len = (len + VM_PAGE_SIZE - 1) & VM_PAGE_MASK;
    if ((start & ~VM_PAGE_MASK) || !range_ok(start, len ? len : VM_PAGE_SIZE))
        return -EINVAL;
    uint64_t end = start + len;
    if (!fully_mapped(mm, start, end))
        return -ENOMEM;
    for (size_t i = area_index(mm, start); i < mm->nareas && mm->areas[i]->start < end; i++) {
        const struct vm_area *a = mm->areas[i];
        zap_range(mm, a, a->start > start ? a->start : start, a->end < end ? a->end : end);
    }
    port_flush(mm);
    return 0;
}

/* Write frame f of a shared file mapping back if any mapper dirtied it. */
static void writeback_frame(struct vm *vm, struct vm_mm *mm, uint64_t va, const char *name,
                            uint32_t f)
{
    struct frame *fr = &vm->dram.frames[f];
    if (fr->kind != FRAME_CACHE || fr->obj->kind != OBJ_FILE || !frame_collect_dirty(vm, f))
        return;
    object_write_page(fr->obj, fr->index, f);
    trace_event(vm, mm, VM_EV_WRITEBACK, va, '-', '-', name, f, "off=0x%llx",
                (unsigned long long)(fr->index * VM_PAGE_SIZE));
}

struct sync_ctx {
    const struct vm_area *area;
};

static void sync_one(struct vm_mm *mm, uint64_t va, pte_t *pte, void *arg)
{
    const struct vm_area *a = ((struct sync_ctx *)arg)->area;
    if (*pte & PTE_P)
        writeback_frame(mm->vm, mm, va, a->name, pte_frame(*pte));
}

int vm_sync(struct vm_mm *mm, uint64_t start, uint64_t len)
{
    len = (len + VM_PAGE_SIZE - 1) & VM_PAGE_MASK;
    if (start & ~VM_PAGE_MASK)
        return -EINVAL;
    uint64_t end = start + len;
    if (end < start || !fully_mapped(mm, start, end))
        return -ENOMEM;
    for (size_t i = area_index(mm, start); i < mm->nareas && mm->areas[i]->start < end; i++) {
        const struct vm_area *a = mm->areas[i];
        if (!(a->flags & VM_AREA_SHARED) || !a->obj)
            continue;
        struct sync_ctx sc = {.area = a};
        pt_for_each(mm, a->start > start ? a->start : start, a->end < end ? a->end : end,
                    sync_one, &sc);
    }
    for (size_t k = 0; k < mm->vm->nmms; k++)
        port_flush(mm->vm->mms[k]);
    return 0;
}

int vm_object_sync(struct vm_object *obj)
{
    struct vm *vm = obj->vm;
    if (obj->kind != OBJ_FILE)
        return 0;
    for (size_t i = 0; i < obj->cap; i++) {
        struct cache_entry *e = &obj->cache[i];
        if (e->index == CACHE_EMPTY || e->frame == NO_FRAME)
            continue;
        if (frame_collect_dirty(vm, e->frame))
            object_write_page(obj, e->index, e->frame);
    }
    for (size_t k = 0; k < vm->nmms; k++)
        port_flush(vm->mms[k]);
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
    uint64_t base = (mm->brk_start + VM_PAGE_SIZE - 1) & VM_PAGE_MASK;
    uint64_t old_end = (mm->brk + VM_PAGE_SIZE - 1) & VM_PAGE_MASK;
    uint64_t new_end = (new_brk + VM_PAGE_SIZE - 1) & VM_PAGE_MASK;
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

/* --- looking at areas -------------------------------------------------------- */

struct count_ctx {
    uint64_t resident, swapped, shared;
};

static void count_one(struct vm_mm *mm, uint64_t va, pte_t *pte, void *arg)
{
    struct count_ctx *cc = arg;
    (void)va;
    if (*pte & PTE_P) {
        cc->resident++;
        if (mm->vm->dram.frames[pte_frame(*pte)].nrmap > 1)
            cc->shared++;
    } else if (pte_is_swap(*pte)) {
        cc->swapped++;
    }
}

static void area_info(const struct vm_mm *mm, const struct vm_area *a, struct vm_area_info *o)
{
    struct count_ctx cc = {0};
    pt_for_each((struct vm_mm *)mm, a->start, a->end, count_one, &cc);
    *o = (struct vm_area_info){
        .start = a->start,
        .end = a->end,
        .prot = a->prot,
        .flags = a->flags,
        .name = a->name,
        .offset = a->pgoff * VM_PAGE_SIZE,
        .dev = a->obj ? a->obj->dev : 0,
        .ino = a->obj ? a->obj->ino : 0,
        .file = a->obj && a->obj->kind == OBJ_FILE,
        .resident = cc.resident,
        .swapped = cc.swapped,
        .shared = cc.shared,
    };
}

bool vm_memory_key(const struct vm_mm *mm, uint64_t addr, struct vm_key *key)
{
    const struct vm_area *a = area_find(mm, addr);
    if (!a)
        return false;
    if ((a->flags & VM_AREA_SHARED) && a->obj)
        *key = (struct vm_key){a->obj, a->pgoff * VM_PAGE_SIZE + (addr - a->start)};
    else
        *key = (struct vm_key){mm, addr};
    return true;
}

size_t vm_areas(const struct vm_mm *mm, struct vm_area_info *out, size_t max)
{
    size_t n = mm->nareas < max ? mm->nareas : max;
    for (size_t i = 0; i < n; i++)
        area_info(mm, mm->areas[i], &out[i]);
    return n;
}

bool vm_area_at(const struct vm_mm *mm, uint64_t addr, struct vm_area_info *out)
{
    const struct vm_area *a = area_find(mm, addr);
    if (a)
        area_info(mm, a, out);
    return a != NULL;
}
