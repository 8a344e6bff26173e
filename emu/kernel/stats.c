/*
 * stats.c - what each process did, kept after it is reaped (for
 * --summary), counted from the trace as events pass to the tracer.
 */
#include "emu/kernel/proc.h"
#include "emu/kernel/sites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct proc_stats *emu_proc_stats(struct emu *emu, int pid)
{
    if (pid <= 0)
        return NULL;
    if (pid > emu->npstats) {
        int n = pid + 64;
        struct proc_stats *v = realloc(emu->pstats, (size_t)n * sizeof *v);
        if (!v)
            return NULL;
        memset(v + emu->npstats, 0, (size_t)(n - emu->npstats) * sizeof *v);
        emu->pstats = v;
        emu->npstats = n;
    }
    return &emu->pstats[pid - 1];
}

void emu_trace(void *ctx, const struct vm_event_rec *rec)
{
    struct emu *emu = ctx;
    struct proc_stats *ps = emu_proc_stats(emu, rec->pid);
    if (ps)
        ps->events[rec->event]++;
    /* The thread is the one running, when the event is of its process. */
    struct vm_event_rec r = *rec;
    struct proc *cur = emu->current;
    bool own = cur && rec->pid && cur->tg->tgid == rec->pid;
    r.tid = own ? cur->pid : 0;
    /* A kernel fault in another process (fork's) is still the caller's call. */
    bool site = own ? rec->mode != '-' : cur && rec->mode == 'k' && cur->in_call;
    if (site && tracer_wants_sites(emu->tracer))
        site_fill(emu, cur, &r);
    tracer_event(emu->tracer, &r);
}

void emu_trace_proc(struct emu *emu, enum trace_proc_kind kind, const struct proc *p, int status)
{
    struct trace_proc r = {
        .kind = kind,
        .pid = p->tg->tgid,
        .ppid = p->tg->ppid,
        .status = status,
    };
    snprintf(r.comm, sizeof r.comm, "%s", p->name);
    tracer_process(emu->tracer, &r);
}
