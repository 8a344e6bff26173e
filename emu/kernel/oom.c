/*
 * oom.c - running out of memory, and saying so.  Strict commit refuses
 * private writable memory past DRAM plus swap at mmap, brk or fork time;
 * overcommit lets it through and kills the largest process when a page
 * then finds neither a frame nor a swap slot, as Linux's OOM killer does.
 * Either way the user is told once, on stderr, what was refused and which
 * options would change it.
 */
#include "emu/kernel/proc.h"

#include <stdio.h>

/* A size of pages for people: "400.0 MiB", "64.0 TiB". */
struct size_text { char s[24]; };

static struct size_text size_of(uint64_t pages)
{
    static const char *const units[] = {"MiB", "GiB", "TiB", "PiB"};
    double v = (double)pages * VM_PAGE_SIZE / (1024.0 * 1024.0);
    int u = 0;
    while (v >= 1024.0 && u < 3)
        v /= 1024.0, u++;
    struct size_text t;
    snprintf(t.s, sizeof t.s, "%.1f %s", v, units[u]);
    return t;
}

void oom_commit_refused(struct emu *emu, struct proc *p, const char *call)
{
    const struct vm_stats *st = vm_stats(emu->vm);
    if (st->commit_refusals == emu->commit_refusals)
        return; /* an ENOMEM for another reason */
    bool first = emu->commit_refusals == 0;
    emu->commit_refusals = st->commit_refusals;
    if (!first)
        return;
    notice(&emu->notices,
           "pid %d (%s): %s of %s refused: strict commit keeps private writable memory within "
           "DRAM and swap (%s: --frames %u, --swap-pages %llu, less page tables' share), and %s "
           "is committed; --commit overcommit lets it through, more --frames or --swap-pages "
           "raise the limit",
           p->tg->tgid, p->name, call, size_of(st->refused_pages).s, size_of(st->commit_limit).s,
           emu->opt.frames, (unsigned long long)emu->opt.swap_pages,
           size_of(st->refused_committed).s);
}

bool proc_oom_kill(struct emu *emu, struct proc *faulting)
{
    struct proc *victim = NULL;
    uint64_t most = 0;
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (!q || q->state == PROC_ZOMBIE || !q->mm)
            continue;
        uint64_t size = vm_mm_rss(q->mm) + vm_mm_swapped(q->mm);
        if (!victim || size > most || (size == most && q == faulting)) {
            victim = q;
            most = size;
        }
    }
    if (!victim)
        return false;
    notice(&emu->notices,
           "out of memory: killed pid %d (%s), the largest: %s resident, %s in swap; DRAM "
           "(--frames %u) and swap (--swap-pages %llu) were full; more of either lets it run",
           victim->tg->tgid, victim->name, size_of(vm_mm_rss(victim->mm)).s,
           size_of(vm_mm_swapped(victim->mm)).s, emu->opt.frames,
           (unsigned long long)emu->opt.swap_pages);
    struct ksiginfo si = {.signo = LINUX_SIGKILL, .code = LINUX_SI_KERNEL};
    proc_signal_process(emu, victim, &si);
    return victim != faulting;
}
