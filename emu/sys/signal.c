/*
 * signal.c - the signal system calls: dispositions, masks, waits for
 * signals (rt_sigsuspend, rt_sigtimedwait, pause), kill and friends, the
 * alternate stack.  Delivery itself is kernel/signal.c's.
 */
#include "emu/kernel/clock.h"
#include "emu/kernel/thread.h"
#include "emu/sys/sys.h"

#include <limits.h>
#include <unistd.h>

/* A sigset_t as the kernel takes it: 8 bytes. */
#define SIGSET_SIZE sizeof(uint64_t)

long sys_rt_sigaction(struct sys *s, int sig, uaddr_t act, uaddr_t oact, size_t sigsetsize)
{
    if (sig <= 0 || sig > LINUX_NSIG || sigsetsize != SIGSET_SIZE)
        return -LINUX_EINVAL;
    struct linux_sigaction *cur = &s->p->tg->act[sig], old = *cur, n;
    /* Read the new action before writing the old: they may share memory. */
    if (act) {
        if (sig == LINUX_SIGKILL || sig == LINUX_SIGSTOP)
            return -LINUX_EINVAL;
        if (copy_in(s, &n, act, sizeof n) < 0)
            return -LINUX_EFAULT;
    }
    if (oact && copy_out(s, oact, &old, sizeof old) < 0)
        return -LINUX_EFAULT;
    if (act) {
        n.mask &= ~SIG_UNBLOCKABLE;
        *cur = n;
        /* Setting a signal to be ignored discards it if pending. */
        if (n.handler == LINUX_SIG_IGN || (n.handler == LINUX_SIG_DFL && !signal_default(sig)))
            signal_discard(s->emu, s->p, LINUX_SIGBIT(sig));
    }
    return 0;
}

long sys_rt_sigprocmask(struct sys *s, int how, uaddr_t nset, uaddr_t oset, size_t sigsetsize)
{
    if (sigsetsize != SIGSET_SIZE)
        return -LINUX_EINVAL;
    struct sigstate *sig = &s->p->sig;
    uint64_t old = sig->blocked, set;
    if (nset) {
        if (copy_in(s, &set, nset, SIGSET_SIZE) < 0)
            return -LINUX_EFAULT;
        switch (how) {
        case LINUX_SIG_BLOCK: sig->blocked |= set; break;
        case LINUX_SIG_UNBLOCK: sig->blocked &= ~set; break;
        case LINUX_SIG_SETMASK: sig->blocked = set; break;
        default: return -LINUX_EINVAL;
        }
        sig->blocked &= ~SIG_UNBLOCKABLE;
        /* Shared signals this thread would have taken go to another. */
        signal_retarget(s->emu, s->p, sig->blocked & ~old);
    }
    if (oset && copy_out(s, oset, &old, SIGSET_SIZE) < 0)
        return -LINUX_EFAULT;
    if (signal_ready(s->p))
        s->stop = true; /* deliver what just got unblocked */
    return 0;
}

long sys_rt_sigpending(struct sys *s, uaddr_t uset, size_t sigsetsize)
{
    (void)sigsetsize;
    /* The thread's own and its process's, as far as it blocks them. */
    uint64_t set = signal_pending(s->p) & s->p->sig.blocked;
    return copy_out(s, uset, &set, SIGSET_SIZE) < 0 ? -LINUX_EFAULT : 0;
}

/* The registers come back once the CPU has stopped: inside the syscall
 * hook Unicorn still moves RIP past the instruction afterwards. */
long sys_rt_sigreturn(struct sys *s)
{
    s->p->sigreturn = true;
    s->no_return = true;
    s->stop = true;
    return 0;
}

/* The old mask is kept for the handler's frame to restore, or for
 * signal_wait_mask_end when the call ends without a signal. */
long signal_wait_mask(struct sys *s, uaddr_t addr, size_t size)
{
    struct proc *p = s->p;
    if (size != SIGSET_SIZE)
        return -LINUX_EINVAL;
    uint64_t mask;
    if (copy_in(s, &mask, addr, SIGSET_SIZE) < 0)
        return -LINUX_EFAULT;
    if (!p->sig.suspended) {
        p->sig.saved_mask = p->sig.blocked;
        p->sig.suspended = true;
    }
    p->sig.blocked = mask & ~SIG_UNBLOCKABLE;
    return 0;
}

void signal_wait_mask_end(struct sys *s, long r)
{
    struct proc *p = s->p;
    if (s->no_return || !p->sig.suspended)
        return; /* still waiting */
    if (r == -LINUX_EINTR && signal_ready(p))
        return; /* the handler's frame restores the old mask */
    p->sig.blocked = p->sig.saved_mask;
    p->sig.suspended = false;
}

/* Take the next pending signal of set without a handler, from the
 * thread's own queue or its process's: its number, and its siginfo at
 * uinfo if asked; 0 when none is pending. */
static long take_signal(struct sys *s, uint64_t set, uaddr_t uinfo)
{
    struct proc *p = s->p;
    struct ksiginfo si;
    int sig = signal_take(p, set, &si);
    if (!sig)
        return 0;
    struct linux_siginfo info;
    signal_info_fill(&info, sig, &si);
    p->sigwait = 0;
    p->wake_at = 0;
    if (uinfo && copy_out(s, uinfo, &info, sizeof info) < 0)
        return -LINUX_EFAULT;
    return sig;
}

/* Wait for one of the signals in set (which the caller blocks) and take
 * it without a handler.  Another signal with a handler ends the wait with
 * EINTR; a timeout with EAGAIN. */
long sys_rt_sigtimedwait(struct sys *s, uaddr_t uthese, uaddr_t uinfo, uaddr_t uts,
                         size_t sigsetsize)
{
    struct proc *p = s->p;
    uint64_t set;
    if (sigsetsize != SIGSET_SIZE)
        return -LINUX_EINVAL;
    if (copy_in(s, &set, uthese, SIGSET_SIZE) < 0)
        return -LINUX_EFAULT;
    set &= ~SIG_UNBLOCKABLE;
    long taken = take_signal(s, set, uinfo);
    if (taken)
        return taken;
    p->sigwait = set;
    if (!uts) {
        sys_wait_and_retry(s, true);
        return 0;
    }
    uint64_t ns = 0;
    long err = p->wake_at ? 0 : timespec_ns(s, uts, &ns); /* the first call: the timeout */
    if (err) {
        p->sigwait = 0;
        return err;
    }
    if (sys_wait_until(s, ns, true)) {
        p->sigwait = 0;
        return -LINUX_EAGAIN;
    }
    return 0;
}

long sys_rt_sigsuspend(struct sys *s, uaddr_t unewset, size_t sigsetsize)
{
    long err = signal_wait_mask(s, unewset, sigsetsize);
    if (err)
        return err;
    sys_wait_and_retry(s, true);
    return 0;
}

long sys_pause(struct sys *s)
{
    sys_wait_and_retry(s, true);
    return 0;
}

/* Signal sig (0: only check) from the caller to a thread (tgkill,
 * tkill), or to a process through one of its threads (kill). */
static long send(struct sys *s, struct proc *target, int sig, bool to_process)
{
    if (sig < 0 || sig > LINUX_NSIG)
        return -LINUX_EINVAL;
    if (!target)
        return -LINUX_ESRCH;
    if (sig == 0)
        return 0;
    /* glibc's cancellation and set*id broadcasts check for SI_TKILL. */
    struct ksiginfo si = {.signo = sig, .code = to_process ? LINUX_SI_USER : LINUX_SI_TKILL,
                          .pid = s->p->tg->tgid, .uid = (int)getuid()};
    /* The signal may end the target (and free it): look first. */
    if (target->tg == s->p->tg)
        s->stop = true;
    if (to_process)
        proc_signal_process(s->emu, target, &si);
    else
        proc_signal(s->emu, target, &si);
    return 0;
}

/* The process with id pid: its leader's task, also when the leader has
 * exited and other threads live on. */
static struct proc *process_by_pid(struct emu *emu, int pid)
{
    struct proc *p = proc_by_pid(emu, pid);
    return p && p->tg->tgid == pid && (p->state != PROC_ZOMBIE || p->tg->live) ? p : NULL;
}

long sys_kill(struct sys *s, int pid, int sig)
{
    if (pid > 0)
        return send(s, process_by_pid(s->emu, pid), sig, true);
    if (sig < 0 || sig > LINUX_NSIG)
        return -LINUX_EINVAL;
    if (pid == INT_MIN)
        return -LINUX_ESRCH; /* as Linux: its negation is no process group */
    /* A process group, or everyone (-1): all but pid 1 and the caller. */
    int pgid = pid == 0 ? s->p->tg->pgid : -pid;
    long found = 0;
    for (int i = 0; i < s->emu->nprocs; i++) {
        struct proc *q = s->emu->procs[i];
        if (!q || q->pid != q->tg->tgid || (q->state == PROC_ZOMBIE && !q->tg->live) ||
            q->state == PROC_INIT)
            continue;
        if (pid == -1 ? q->tg == s->p->tg : q->tg->pgid != pgid)
            continue;
        found++;
        send(s, q, sig, true);
    }
    return found ? 0 : -LINUX_ESRCH;
}

long sys_tgkill(struct sys *s, int tgid, int pid, int sig)
{
    if (tgid <= 0 || pid <= 0)
        return -LINUX_EINVAL;
    return send(s, thread_by_tid(s->emu, tgid, pid), sig, false);
}

long sys_tkill(struct sys *s, int pid, int sig)
{
    if (pid <= 0)
        return -LINUX_EINVAL;
    return send(s, thread_by_tid(s->emu, 0, pid), sig, false);
}

/* The caller's stack pointer decides: on the alternate stack (in a
 * handler running there) it reads SS_ONSTACK and may not change it. */
long sys_sigaltstack(struct sys *s, uaddr_t uss, uaddr_t uoss)
{
    struct proc *p = s->p;
    uint64_t sp = cpu_reg(p->cpu, CPU_RSP);
    struct linux_stack ss, old;
    signal_get_altstack(p, sp, &old);
    /* Read the new stack before writing the old: they may share memory. */
    if (uss) {
        if (copy_in(s, &ss, uss, sizeof ss) < 0)
            return -LINUX_EFAULT;
        long err = signal_set_altstack(p, &ss, sp);
        if (err)
            return err;
    }
    if (uoss && copy_out(s, uoss, &old, sizeof old) < 0)
        return -LINUX_EFAULT;
    return 0;
}
