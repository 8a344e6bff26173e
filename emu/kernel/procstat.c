/*
 * procstat.c - the text of /proc/<pid>/status and /proc/<pid>/stat (and
 * of each thread's under task/<tid>/), in Linux's formats, from the
 * emulator's state: ids, state, memory from vm/, fault counts from the
 * trace, signal sets, threads.
 */
#include "emu/kernel/procstat.h"
#include "emu/kernel/proc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A growing text; NULL text once out of memory. */
struct text {
    char *s;
    size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *t, const char *fmt, ...)
{
    if (!t->s && t->cap)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if (t->s && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = (t->cap ? t->cap * 2 : 1024) + (size_t)n;
        char *s = realloc(t->s, cap);
        if (!s) {
            free(t->s);
            t->s = NULL;
            t->cap = 1;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
}

/* Linux's one-letter states. */
static char state_letter(const struct proc *p)
{
    if (p->state == PROC_ZOMBIE)
        return 'Z';
    if (p->tg->stopped)
        return 'T';
    return p->state == PROC_RUNNABLE ? 'R' : 'S';
}

static const char *state_name(char c)
{
    switch (c) {
    case 'R': return "R (running)";
    case 'Z': return "Z (zombie)";
    case 'T': return "T (stopped)";
    default: return "S (sleeping)";
    }
}

static int threads_of(const struct emu *emu, const struct tgroup *tg)
{
    int n = 0;
    for (int i = 0; i < emu->nprocs; i++)
        if (emu->procs[i] && emu->procs[i]->tg == tg && emu->procs[i]->state != PROC_ZOMBIE)
            n++;
    return n ? n : 1;
}

/* Signal dispositions as status shows them: ignored and caught. */
static void dispositions(const struct tgroup *tg, uint64_t *ign, uint64_t *cgt)
{
    *ign = *cgt = 0;
    for (int sig = 1; sig <= LINUX_NSIG; sig++) {
        if (tg->act[sig].handler == LINUX_SIG_IGN)
            *ign |= LINUX_SIGBIT(sig);
        else if (tg->act[sig].handler != LINUX_SIG_DFL)
            *cgt |= LINUX_SIGBIT(sig);
    }
}

/* The address space's size and what of it is resident, in pages. */
static void memory(const struct proc *p, uint64_t *size, uint64_t *rss, uint64_t *swap)
{
    *size = *rss = *swap = 0;
    if (!p->mm)
        return;
    size_t n = vm_area_count(p->mm);
    struct vm_area_info *a = n ? calloc(n, sizeof *a) : NULL;
    if (a) {
        n = vm_areas(p->mm, a, n);
        for (size_t i = 0; i < n; i++)
            *size += (a[i].end - a[i].start) / VM_PAGE_SIZE;
        free(a);
    }
    *rss = vm_mm_rss(p->mm);
    *swap = vm_mm_swapped(p->mm);
}

char *procstat_status(struct emu *emu, struct proc *p, bool thread, size_t *len)
{
    struct text t = {0};
    const struct tgroup *tg = p->tg;
    char st = state_letter(p);
    uint64_t ign, cgt, size, rss, swap;
    dispositions(tg, &ign, &cgt);
    memory(p, &size, &rss, &swap);
    unsigned uid = (unsigned)getuid(), gid = (unsigned)getgid();
    put(&t, "Name:\t%s\nUmask:\t%04o\nState:\t%s\n", p->name, tg->umask, state_name(st));
    put(&t, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", tg->tgid,
        thread ? p->pid : tg->tgid, tg->ppid);
    put(&t, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", uid, uid, uid, uid, gid, gid, gid, gid);
    put(&t, "FDSize:\t%d\nGroups:\t\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", MAX_FDS,
        tg->tgid, thread ? p->pid : tg->tgid, tg->pgid, tg->sid);
    put(&t, "VmPeak:\t%8llu kB\nVmSize:\t%8llu kB\nVmHWM:\t%8llu kB\nVmRSS:\t%8llu kB\n",
        (unsigned long long)size * 4, (unsigned long long)size * 4, (unsigned long long)rss * 4,
        (unsigned long long)rss * 4);
    put(&t, "VmSwap:\t%8llu kB\nThreads:\t%d\nSigQ:\t0/%d\n", (unsigned long long)swap * 4,
        threads_of(emu, tg), 63465);
    put(&t, "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\nSigIgn:\t%016llx\n"
            "SigCgt:\t%016llx\n",
        (unsigned long long)p->sig.pending.set, (unsigned long long)tg->shared_pending.set,
        (unsigned long long)p->sig.blocked,
        (unsigned long long)ign, (unsigned long long)cgt);
    put(&t, "CapInh:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n"
            "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n"
            "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
    *len = t.len;
    return t.s;
}

char *procstat_stat(struct emu *emu, struct proc *p, bool thread, size_t *len)
{
    struct text t = {0};
    const struct tgroup *tg = p->tg;
    uint64_t ign, cgt, size, rss, swap;
    dispositions(tg, &ign, &cgt);
    memory(p, &size, &rss, &swap);
    const struct proc_stats *ps = emu_proc_stats(emu, tg->tgid);
    uint64_t minflt = 0, majflt = 0;
    if (ps) {
        minflt = ps->events[VM_EV_DEMAND_ZERO] + ps->events[VM_EV_CACHE_HIT] +
                 ps->events[VM_EV_COW] + ps->events[VM_EV_COW_REUSE];
        majflt = ps->events[VM_EV_FILE_READ] + ps->events[VM_EV_SWAP_IN];
    }
    /* pid (comm) state ppid pgrp session tty_nr tpgid flags minflt
     * cminflt majflt cmajflt utime stime cutime cstime priority nice
     * num_threads itrealvalue starttime vsize rss rsslim ... */
    put(&t, "%d (%s) %c %d %d %d 0 -1 4194304 %llu 0 %llu 0 0 0 0 0 20 %d %d 0 0 %llu %llu",
        thread ? p->pid : tg->tgid, p->name, state_letter(p), tg->ppid, tg->pgid, tg->sid,
        (unsigned long long)minflt, (unsigned long long)majflt, p->nice, threads_of(emu, tg),
        (unsigned long long)size * VM_PAGE_SIZE, (unsigned long long)rss);
    /* rsslim startcode endcode startstack kstkesp kstkeip signal blocked
     * sigignore sigcatch wchan nswap cnswap exit_signal processor
     * rt_priority policy blkio guest_time cguest_time start_data end_data
     * start_brk arg_start arg_end env_start env_end exit_code */
    put(&t, " 18446744073709551615 0 0 0 0 0 %llu %llu %llu %llu 0 0 0 17 0 0 0 0 0 0 0 0 0"
            " %llu %llu %llu %llu 0\n",
        (unsigned long long)p->sig.pending.set, (unsigned long long)p->sig.blocked,
        (unsigned long long)ign, (unsigned long long)cgt, (unsigned long long)tg->arg_start,
        (unsigned long long)tg->arg_end, (unsigned long long)tg->env_start,
        (unsigned long long)tg->env_end);
    *len = t.len;
    return t.s;
}
