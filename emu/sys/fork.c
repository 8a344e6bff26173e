/*
 * fork.c - fork, vfork, clone: a process child gets a copy-on-write copy
 * of the address space (vm_mm_fork), the descriptors, the signal
 * dispositions and the registers; a thread (CLONE_VM | CLONE_THREAD |
 * CLONE_SIGHAND, as pthreads, Go and Rust make them) shares them all.
 *
 * CLONE_VM without CLONE_THREAD (a process sharing memory) is not
 * supported, but with CLONE_VFORK (posix_spawn), which runs the child in
 * a copy of the parent's memory while the parent waits.
 */
#include "emu/kernel/thread.h"
#include "emu/sys/sys.h"

#include <stdio.h>
#include <string.h>

#define CLONE_SUPPORTED                                                                       \
    (LINUX_CSIGNAL | LINUX_CLONE_VM | LINUX_CLONE_FS | LINUX_CLONE_VFORK | LINUX_CLONE_PARENT |  \
     LINUX_CLONE_SETTLS | LINUX_CLONE_PARENT_SETTID | LINUX_CLONE_CHILD_CLEARTID |             \
     LINUX_CLONE_CHILD_SETTID)

/* What a child inherits besides memory, descriptors and registers. */
static void copy_identity(struct proc *c, const struct proc *parent, uint64_t flags)
{
    c->tg->ppid = (flags & LINUX_CLONE_PARENT) ? parent->tg->ppid : parent->tg->tgid;
    c->tg->pgid = parent->tg->pgid;
    c->tg->sid = parent->tg->sid;
    c->tg->umask = parent->tg->umask;
    memcpy(c->tg->rlim, parent->tg->rlim, sizeof c->tg->rlim);
    c->nice = parent->nice;
    c->tg->arg_start = parent->tg->arg_start;
    c->tg->arg_end = parent->tg->arg_end;
    c->tg->env_start = parent->tg->env_start;
    c->tg->env_end = parent->tg->env_end;
    c->tg->entry = parent->tg->entry;
    memcpy(c->name, parent->name, sizeof c->name);
    memcpy(c->tg->exe, parent->tg->exe, sizeof c->tg->exe);
    memcpy(c->tg->cwd, parent->tg->cwd, sizeof c->tg->cwd);
    memcpy(c->tg->act, parent->tg->act, sizeof c->tg->act);
    c->sig = parent->sig;
    c->sig.pending.set = 0;
    c->sig.suspended = false;
}

/* Say once why the program's error message will follow. */
static long refuse_clone(struct sys *s, uint64_t flags)
{
    if (!s->emu->thread_warned) {
        s->emu->thread_warned = true;
        notice(&s->emu->notices, "pid %d (%s): clone flags %#llx are not supported (a process "
               "sharing memory or descriptors without being a thread); clone fails with ENOSYS",
               s->p->tg->tgid, s->p->name, (unsigned long long)flags);
    }
    return -LINUX_ENOSYS;
}

#define CLONE_THREAD_NEEDS (LINUX_CLONE_VM | LINUX_CLONE_SIGHAND | LINUX_CLONE_THREAD)
#define CLONE_THREAD_OK                                                                        \
    (CLONE_THREAD_NEEDS | LINUX_CLONE_FS | LINUX_CLONE_FILES | LINUX_CLONE_SYSVSEM |           \
     LINUX_CLONE_SETTLS | LINUX_CLONE_PARENT_SETTID | LINUX_CLONE_CHILD_CLEARTID |             \
     LINUX_CLONE_CHILD_SETTID | LINUX_CLONE_DETACHED)

/* A new thread of the caller's process, starting after the clone on
 * newsp; its tid, or -errno. */
static long do_thread(struct sys *s, uint64_t flags, uint64_t newsp, uaddr_t ptid, uaddr_t ctid,
                      uint64_t tls)
{
    if ((flags & ~(uint64_t)CLONE_THREAD_OK) || (flags & CLONE_THREAD_NEEDS) != CLONE_THREAD_NEEDS ||
        !(flags & LINUX_CLONE_FILES) || !(flags & LINUX_CLONE_FS))
        return refuse_clone(s, flags);
    struct proc *t = thread_create(s->emu, s->p);
    if (!t)
        return -LINUX_EAGAIN;
    t->start_rip = s->rip + 2;
    t->start_rsp = newsp;
    t->start_fs = flags & LINUX_CLONE_SETTLS;
    t->start_fs_base = tls;
    int32_t tid = t->pid;
    if (flags & LINUX_CLONE_PARENT_SETTID)
        (void)copy_out(s, ptid, &tid, 4);
    if (flags & LINUX_CLONE_CHILD_SETTID)
        (void)copy_out(s, ctid, &tid, 4);
    if (flags & LINUX_CLONE_CHILD_CLEARTID)
        t->clear_child_tid = ctid;
    /* The process's first thread: its engine may be running without an
     * instruction count, and a caller that spins waiting for the new
     * thread would never give up the turn.  The next run counts. */
    s->stop = true;
    return t->pid;
}

/* A new process as clone's flags ask; the child's pid, or -errno with
 * nothing of the child left. */
static long do_fork(struct sys *s, uint64_t flags, uint64_t newsp, uaddr_t ptid, uaddr_t ctid,
                    uint64_t tls)
{
    struct emu *emu = s->emu;
    struct proc *parent = s->p;
    if (flags & LINUX_CLONE_THREAD)
        return do_thread(s, flags, newsp, ptid, ctid, tls);
    if ((flags & ~(uint64_t)CLONE_SUPPORTED) ||
        ((flags & LINUX_CLONE_VM) && !(flags & LINUX_CLONE_VFORK)))
        return refuse_clone(s, flags);
    struct proc *c = proc_alloc(emu);
    if (!c)
        return -LINUX_EAGAIN; /* --max-procs */
    copy_identity(c, parent, flags);
    c->fds = fdtable_clone(parent->fds);
    c->cpu = c->fds ? proc_cpu_new(emu, c) : NULL;
    c->mm = c->cpu ? vm_mm_fork(parent->mm, c->pid, c->cpu) : NULL;
    if (!c->mm) {
        proc_release(emu, c);
        return -LINUX_ENOMEM;
    }
    cpu_set_mm(c->cpu, c->mm);
    emu_trace_proc(emu, TRACE_PROC_FORK, c, 0);
    /* The parent's registers; the child resumes after the syscall with 0. */
    cpu_copy_state(c->cpu, parent->cpu);
    cpu_set_reg(c->cpu, CPU_RIP, s->rip + 2);
    cpu_set_reg(c->cpu, CPU_RAX, 0);
    if (newsp)
        cpu_set_reg(c->cpu, CPU_RSP, newsp);
    if (flags & LINUX_CLONE_SETTLS)
        cpu_set_reg(c->cpu, CPU_FS_BASE, tls);
    int32_t pid = c->pid;
    if ((flags & LINUX_CLONE_PARENT_SETTID) && copy_out(s, ptid, &pid, 4) < 0) {
        proc_release(emu, c);
        return -LINUX_EFAULT;
    }
    if (flags & LINUX_CLONE_CHILD_SETTID)
        vm_copy_out(c->mm, ctid, &pid, 4); /* the child's first write: a COW */
    if (flags & LINUX_CLONE_CHILD_CLEARTID)
        c->clear_child_tid = ctid;
    c->state = PROC_RUNNABLE;
    if (flags & LINUX_CLONE_VFORK) {
        c->vfork_parent = parent->pid;
        parent->vfork_child = c->pid;
        parent->state = PROC_BLOCKED;
        s->stop = true;
    }
    return c->pid;
}

long sys_fork(struct sys *s)
{
    return do_fork(s, LINUX_SIGCHLD, 0, 0, 0, 0);
}

long sys_vfork(struct sys *s)
{
    return do_fork(s, LINUX_CLONE_VM | LINUX_CLONE_VFORK | LINUX_SIGCHLD, 0, 0, 0, 0);
}

/* x86-64 order: flags, stack, parent_tid, child_tid, tls. */
long sys_clone(struct sys *s, unsigned long clone_flags, unsigned long newsp, uaddr_t parent_tidptr,
               uaddr_t child_tidptr, unsigned long tls)
{
    return do_fork(s, clone_flags, newsp, parent_tidptr, child_tidptr, tls);
}

/* glibc falls back to clone. */
long sys_clone3(struct sys *s, uaddr_t uargs, size_t size)
{
    (void)s, (void)uargs, (void)size;
    return -LINUX_ENOSYS;
}
