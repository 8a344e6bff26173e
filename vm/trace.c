/*
 * trace.c - the events of vm/: their names, their sequence numbers, and
 * the one function that counts an event and hands it to the tracer.
 */
#include "trace.h"

#include <stdarg.h>
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
