/*
 * trace.c - the events of vm/: their names, their sequence numbers, and
 * the one function that counts an event and hands it to the tracer.
 */
#include "trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

uint64_t vm_event_seq(const struct vm *vm) { return vm->seq; }

/* Hand the held reclaim events on, numbered from vm->seq + 1, each with
 * cause as its cause. */
static void held_flush(struct vm *vm, uint64_t cause)
{
    struct held_events *h = &vm->held;
    for (size_t i = 0; i < h->n; i++) {
        struct vm_event_rec *r = &h->v[i].rec;
        r->seq = ++vm->seq;
        r->cause = cause;
        r->area = h->v[i].area;
        vm->cfg.trace(vm->cfg.trace_ctx, r);
    }
    h->n = 0;
}

/* Keep a reclaim event until its fault is traced; false when out of memory. */
static bool held_push(struct vm *vm, const struct vm_event_rec *rec)
{
    struct held_events *h = &vm->held;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        struct held_event *v = realloc(h->v, cap * sizeof *v);
        if (!v)
            return false;
        h->v = v;
        h->cap = cap;
    }
    struct held_event *e = &h->v[h->n++];
    e->rec = *rec;
    snprintf(e->area, sizeof e->area, "%s", rec->area);
    return true;
}

void trace_hold(struct vm *vm)
{
    vm->held.depth++;
}

void trace_release(struct vm *vm)
{
    if (--vm->held.depth == 0 && vm->held.n)
        held_flush(vm, 0);
}

void trace_event(struct vm *vm, struct vm_mm *mm, enum vm_event ev, uint64_t va, char access,
                 char mode, const char *area, int64_t frame, const char *detail_fmt, ...)
{
    vm->stats.events[ev]++;
    struct vm_event_rec rec = {
        .pid = mm ? mm->pid : 0,
        .event = ev,
        .vpage = va & VM_PAGE_MASK,
        .access = access,
        .mode = mode,
        .area = area,
        .frame = frame,
        .rss = mm ? mm->rss : 0,
        .swap = vm->stats.swap_used,
    };
    if (!vm->cfg.trace) {
        ++vm->seq;
        return;
    }
    if (vm->cfg.trace_details) {
        va_list ap;
        va_start(ap, detail_fmt);
        vsnprintf(rec.detail, sizeof rec.detail, detail_fmt, ap);
        va_end(ap);
    }
    /* Reclaim inside a fault: its cause is the fault's event, still to come. */
    if (mode == '-' && vm->held.depth && held_push(vm, &rec))
        return;
    if (vm->held.n)
        held_flush(vm, vm->seq + vm->held.n + 1);
    rec.seq = ++vm->seq;
    vm->cfg.trace(vm->cfg.trace_ctx, &rec);
}
