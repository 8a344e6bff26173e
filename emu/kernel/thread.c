/*
 * thread.c - the tasks of one process.  Threads share their group's
 * address space, CPU, descriptors, dispositions and ids (struct tgroup);
 * each has its own registers, signal mask, pending signals and tid.  One
 * engine runs every thread of an address space: a thread switch saves the
 * registers of the thread that ran and loads those of the next
 * (proc_load), so translated code and the TLB serve them all and a TLB
 * flush reaches every thread at once.
 */
#include "emu/kernel/futex.h"
#include "emu/kernel/proc.h"
#include "emu/kernel/thread.h"

#include <stdlib.h>
#include <string.h>

bool proc_load(struct proc *p)
{
    struct cpu *cpu = p->cpu;
    struct proc *cur = cpu_owner(cpu);
    if (cur == p)
        return true;
    if (!p->regs)
        return false;
    if (cur)
        cpu_ctx_save(cpu, cur->regs);
    cpu_ctx_load(cpu, p->regs, p);
    if (p->start_pending) {
        /* A new thread starts after its clone, on its own stack, with 0. */
        p->start_pending = false;
        cpu_set_reg(cpu, CPU_RIP, p->start_rip);
        cpu_set_reg(cpu, CPU_RAX, 0);
        if (p->start_rsp)
            cpu_set_reg(cpu, CPU_RSP, p->start_rsp);
        if (p->start_fs)
            cpu_set_reg(cpu, CPU_FS_BASE, p->start_fs_base);
    }
    return true;
}

struct proc *thread_create(struct emu *emu, struct proc *parent)
{
    struct cpu *cpu = parent->cpu;
    if (!parent->regs && !(parent->regs = cpu_ctx_new(cpu)))
        return NULL;
    struct proc *t = proc_alloc(emu);
    if (!t)
        return NULL;
    t->regs = cpu_ctx_new(cpu);
    if (!t->regs) {
        proc_release(emu, t);
        return NULL;
    }
    /* proc_alloc made a group of its own: trade it for the parent's. */
    free(t->tg);
    t->tg = parent->tg;
    t->tg->refs++;
    t->tg->live++;
    t->tg->threaded = true;
    struct proc_stats *ps = emu_proc_stats(emu, t->tg->tgid);
    if (ps)
        ps->threads++;
    t->mm = parent->mm;
    t->cpu = cpu;
    t->fds = parent->fds;
    t->nice = parent->nice;
    memcpy(t->name, parent->name, sizeof t->name);
    t->sig.blocked = parent->sig.blocked;
    /* The registers as they are at the clone; the caller says where the
     * thread starts (start_*). */
    cpu_ctx_save(cpu, t->regs);
    t->start_pending = true;
    return t;
}

/* One lock of a dead task's robust list: if the task still owns it, it
 * is marked FUTEX_OWNER_DIED and one waiter woken (the next locker gets
 * EOWNERDEAD). */
static void robust_one(struct emu *emu, struct proc *p, uint64_t word)
{
    uint32_t v;
    if (vm_copy_in(p->mm, &v, word, 4) < 0 || (v & LINUX_FUTEX_TID_MASK) != (uint32_t)p->pid)
        return;
    uint32_t died = (v & LINUX_FUTEX_WAITERS) | LINUX_FUTEX_OWNER_DIED;
    if (vm_copy_out(p->mm, word, &died, 4) == 0 && (v & LINUX_FUTEX_WAITERS))
        futex_wake_addr(emu, p->mm, word, 1);
}

void thread_release_robust(struct emu *emu, struct proc *p)
{
    struct { uint64_t list; int64_t futex_offset; uint64_t pending; } head;
    uint64_t at = p->robust_list;
    p->robust_list = 0;
    if (!at || !p->mm || vm_copy_in(p->mm, &head, at, sizeof head) < 0)
        return;
    uint64_t entry = head.list & ~1ULL, pending = head.pending & ~1ULL;
    /* A list the guest corrupted ends the walk, as Linux bounds it. */
    for (int n = 0; entry && entry != at && n < 2048; n++) {
        uint64_t next;
        if (vm_copy_in(p->mm, &next, entry, 8) < 0)
            break;
        if (entry != pending)
            robust_one(emu, p, entry + (uint64_t)head.futex_offset);
        entry = next & ~1ULL;
    }
    if (pending)
        robust_one(emu, p, pending + (uint64_t)head.futex_offset);
}

/* A thread's end as its pthread_join sees it: 0 in its tid word, and a
 * wake of that word (CLONE_CHILD_CLEARTID, set_tid_address). */
static void clear_child_tid(struct emu *emu, struct proc *p)
{
    if (!p->clear_child_tid || !p->mm)
        return;
    uint32_t zero = 0;
    if (vm_copy_out(p->mm, p->clear_child_tid, &zero, 4) == 0)
        futex_wake_addr(emu, p->mm, p->clear_child_tid, 1);
    p->clear_child_tid = 0;
}

/* Forget task q of a dying or exec'ing group: it is not running (only the
 * current task runs, and that is not q unless q is the caller). */
/* A task that ends before its process: its calls count for the process. */
static void count_calls(struct emu *emu, struct proc *q)
{
    struct proc_stats *ps = emu_proc_stats(emu, q->tg->tgid);
    if (ps)
        ps->syscalls += q->syscalls;
    q->syscalls = 0;
}

static void drop_task(struct emu *emu, struct proc *q)
{
    count_calls(emu, q);
    thread_release_robust(emu, q);
    if (q->cpu && cpu_owner(q->cpu) == q)
        cpu_set_owner(q->cpu, NULL);
    if (q->state != PROC_ZOMBIE)
        q->tg->live--;
    q->state = PROC_ZOMBIE;
    if (q == emu->current) {
        q->reap_when_stopped = true;
        return;
    }
    proc_release(emu, q);
}

void thread_group_reduce(struct emu *emu, struct proc *p)
{
    struct tgroup *tg = p->tg;
    if (tg->refs == 1)
        return;
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q != p && q->tg == tg)
            drop_task(emu, q);
    }
    /* The one left is the process: it has the process's id. */
    p->pid = tg->tgid;
}

bool thread_exit(struct emu *emu, struct proc *p, int wait_status)
{
    struct tgroup *tg = p->tg;
    if (tg->live <= 1)
        return false;
    thread_release_robust(emu, p);
    clear_child_tid(emu, p);
    count_calls(emu, p);
    tg->live--;
    p->state = PROC_ZOMBIE;
    p->wait_status = wait_status;
    signal_retarget(emu, p, ~p->sig.blocked);
    cpu_request_stop(p->cpu);
    /* The leader's task stays, a zombie, until the whole group is gone:
     * the parent waits for it. */
    if (p->pid != tg->tgid)
        p->reap_when_stopped = true;
    proc_wake_all(emu);
    return true;
}

struct proc *thread_by_tid(struct emu *emu, int tgid, int tid)
{
    struct proc *q = proc_by_pid(emu, tid);
    if (!q || q->state == PROC_ZOMBIE || (tgid > 0 && q->tg->tgid != tgid))
        return NULL;
    return q;
}
