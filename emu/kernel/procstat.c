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

void text_put(struct text *t, const char *fmt, ...)
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
    return proc_running(p) ? 'R' : 'S';
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

/* What status, stat and statm say of an address space, in pages. */
struct mem_view {
    uint64_t size, rss, peak_rss, swap; /* VmSize, VmRSS, VmHWM, VmSwap */
    uint64_t anon, file, shmem;         /* RssAnon, RssFile, RssShmem */
    uint64_t data, stack, exec, text;   /* VmData, VmStk, VmExe + VmLib, VmExe */
    uint64_t pt;                        /* VmPTE */
    uint64_t start_code, end_code;      /* the program's text area */
};

/* Linux's counts from the areas: data is private writable memory off the
 * stack, exec executable memory that is not writable; the resident split
 * is the memory system's own (vm_area_info). */
static void memory(const struct proc *p, struct mem_view *m)
{
    memset(m, 0, sizeof *m);
    if (!p->mm)
        return;
    size_t n = vm_area_count(p->mm);
    struct vm_area_info *a = n ? calloc(n, sizeof *a) : NULL;
    n = a ? vm_areas(p->mm, a, n) : 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t pages = (a[i].end - a[i].start) / VM_PAGE_SIZE;
        bool stack = a[i].flags & VM_AREA_GROWSDOWN, shared = a[i].flags & VM_AREA_SHARED;
        m->size += pages;
        m->anon += a[i].anon;
        m->shmem += a[i].shmem;
        m->file += a[i].resident - a[i].anon - a[i].shmem;
        m->stack += stack ? pages : 0;
        m->data += (a[i].prot & VM_PROT_WRITE) && !shared && !stack ? pages : 0;
        m->exec += (a[i].prot & VM_PROT_EXEC) && !(a[i].prot & VM_PROT_WRITE) && !stack ? pages : 0;
        if (p->tg->entry >= a[i].start && p->tg->entry < a[i].end) {
            m->text = pages;
            m->start_code = a[i].start;
            m->end_code = a[i].end;
        }
    }
    free(a);
    m->rss = vm_mm_rss(p->mm);
    m->peak_rss = vm_mm_peak_rss(p->mm);
    m->swap = vm_mm_swapped(p->mm);
    m->pt = vm_mm_pt_pages(p->mm);
}

/* The Vm and Rss lines of status (a process with no memory, init, has
 * none, as a kernel thread has none). */
static void status_memory(struct text *t, const struct mem_view *m)
{
    static const char *const names[] = {"VmPeak", "VmSize", "VmLck", "VmPin", "VmHWM", "VmRSS",
                                        "RssAnon", "RssFile", "RssShmem", "VmData", "VmStk",
                                        "VmExe", "VmLib", "VmPTE", "VmSwap", "HugetlbPages"};
    /* VmPeak is VmSize: the address space's peak is not kept. */
    const uint64_t pages[] = {m->size, m->size, 0, 0, m->peak_rss, m->rss, m->anon, m->file,
                              m->shmem, m->data, m->stack, m->text, m->exec - m->text, m->pt,
                              m->swap, 0};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        text_put(t, "%s:\t%8llu kB\n", names[i], (unsigned long long)pages[i] * (VM_PAGE_SIZE / 1024));
}

char *procstat_status(struct emu *emu, struct proc *p, bool thread, size_t *len)
{
    struct text t = {0};
    const struct tgroup *tg = p->tg;
    char st = state_letter(p);
    uint64_t ign, cgt;
    struct mem_view m;
    dispositions(tg, &ign, &cgt);
    memory(p, &m);
    unsigned uid = (unsigned)getuid(), gid = (unsigned)getgid();
    text_put(&t, "Name:\t%s\nUmask:\t%04o\nState:\t%s\n", p->name, tg->umask, state_name(st));
    text_put(&t, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", tg->tgid,
             thread ? p->pid : tg->tgid, tg->ppid);
    text_put(&t, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", uid, uid, uid, uid, gid, gid,
             gid, gid);
    text_put(&t, "FDSize:\t%d\nGroups:\t\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
             MAX_FDS, tg->tgid, thread ? p->pid : tg->tgid, tg->pgid, tg->sid);
    if (p->mm)
        status_memory(&t, &m);
    text_put(&t, "CoreDumping:\t0\nThreads:\t%d\nSigQ:\t0/%d\n", threads_of(emu, tg), 63465);
    text_put(&t, "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\nSigIgn:\t%016llx\n"
                 "SigCgt:\t%016llx\n",
             (unsigned long long)p->sig.pending.set,
              (unsigned long long)tg->shared_pending.set, (unsigned long long)p->sig.blocked,
             (unsigned long long)ign, (unsigned long long)cgt);
    text_put(&t, "CapInh:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n"
                 "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n"
                 "Mems_allowed:\t1\nMems_allowed_list:\t0\n"
                 "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
    *len = t.len;
    return t.s;
}

/* Guest ns as clock ticks (USER_HZ). */
static unsigned long long ticks(uint64_t ns)
{
    return (unsigned long long)(ns / (LINUX_NSEC_PER_SEC / LINUX_USER_HZ));
}

char *procstat_stat(struct emu *emu, struct proc *p, bool thread, size_t *len)
{
    struct text t = {0};
    const struct tgroup *tg = p->tg;
    uint64_t ign, cgt;
    struct mem_view m;
    dispositions(tg, &ign, &cgt);
    memory(p, &m);
    const struct proc_stats *ps = emu_proc_stats(emu, tg->tgid);
    uint64_t minflt = 0, majflt = 0;
    if (ps) {
        minflt = ps->events[VM_EV_DEMAND_ZERO] + ps->events[VM_EV_CACHE_HIT] +
                 ps->events[VM_EV_COW] + ps->events[VM_EV_COW_REUSE];
        majflt = ps->events[VM_EV_FILE_READ] + ps->events[VM_EV_SWAP_IN];
    }
    /* pid (comm) state ppid pgrp session tty_nr tpgid flags minflt
     * cminflt majflt cmajflt utime stime cutime cstime priority nice
     * num_threads itrealvalue starttime vsize rss */
    text_put(&t, "%d (%s) %c %d %d %d 0 -1 4194304 %llu 0 %llu 0 %llu 0 %llu 0 20 %d %d 0 %llu %llu %llu",
             thread ? p->pid : tg->tgid, p->name, state_letter(p), tg->ppid, tg->pgid, tg->sid,
             (unsigned long long)minflt, (unsigned long long)majflt,
             ticks(thread ? task_cpu_ns(p) : proc_cpu_ns(p)), ticks(tg->child_run_ns), p->nice,
             threads_of(emu, tg), ticks(p->start_ns), (unsigned long long)m.size * VM_PAGE_SIZE,
             (unsigned long long)m.rss);
    /* rsslim startcode endcode startstack kstkesp kstkeip signal blocked
     * sigignore sigcatch wchan nswap cnswap exit_signal processor
     * rt_priority policy blkio guest_time cguest_time start_data end_data
     * start_brk arg_start arg_end env_start env_end exit_code */
    text_put(&t, " 18446744073709551615 %llu %llu 0 0 0 %llu %llu %llu %llu 0 0 0 17 0 0 0 0 0 0"
                 " 0 0 0 %llu %llu %llu %llu 0\n",
             (unsigned long long)m.start_code, (unsigned long long)m.end_code,
             (unsigned long long)p->sig.pending.set, (unsigned long long)p->sig.blocked,
             (unsigned long long)ign, (unsigned long long)cgt, (unsigned long long)tg->arg_start,
             (unsigned long long)tg->arg_end, (unsigned long long)tg->env_start,
             (unsigned long long)tg->env_end);
    *len = t.len;
    return t.s;
}

/* size resident shared text lib data dt, in pages; shared is what of
 * the resident pages a file or shared memory backs, as Linux counts it. */
char *procstat_statm(struct emu *emu, struct proc *p, size_t *len)
{
    (void)emu;
    struct text t = {0};
    struct mem_view m;
    memory(p, &m);
    text_put(&t, "%llu %llu %llu %llu 0 %llu 0\n", (unsigned long long)m.size,
             (unsigned long long)m.rss, (unsigned long long)(m.file + m.shmem),
             (unsigned long long)m.text, (unsigned long long)(m.data + m.stack));
    *len = t.len;
    return t.s;
}
