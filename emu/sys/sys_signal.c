/*
 * sys_signal.c - the signal system calls: dispositions, masks, waits for
 * signals, kill and friends, the alternate stack.
 */
#include "emu/kernel/clock.h"
#include "emu/sys/sys.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

SYS(rt_sigaction)
{
    int sig = (int)s->a[0];
    if (sig <= 0 || sig > LINUX_NSIG || s->a[3] != 8)
        return -EINVAL;
    struct linux_sigaction *act = &s->p->sig.act[sig], old = *act, n;
    /* Read the new action before writing the old: they may share memory. */
    if (s->a[1]) {
        if (sig == SIGKILL || sig == SIGSTOP)
            return -EINVAL;
        if (copy_in(s, &n, s->a[1], sizeof n) < 0)
            return -EFAULT;
    }
    if (s->a[2] && copy_out(s, s->a[2], &old, sizeof old) < 0)
        return -EFAULT;
    if (s->a[1]) {
        n.mask &= ~SIG_UNBLOCKABLE;
        *act = n;
        /* Setting a signal to be ignored discards it if pending. */
        if (n.handler == LINUX_SIG_IGN || (n.handler == LINUX_SIG_DFL && !signal_default(sig)))
            s->p->sig.pending &= ~LINUX_SIGBIT(sig);
    }
    return 0;
}

SYS(rt_sigprocmask)
{
    if (s->a[3] != 8)
        return -EINVAL;
    uint64_t old = s->p->sig.blocked, set;
    if (s->a[1]) {
        if (copy_in(s, &set, s->a[1], 8) < 0)
            return -EFAULT;
        switch (s->a[0]) {
        case SIG_BLOCK: s->p->sig.blocked |= set; break;
        case SIG_UNBLOCK: s->p->sig.blocked &= ~set; break;
        case SIG_SETMASK: s->p->sig.blocked = set; break;
        default: return -EINVAL;
        }
        s->p->sig.blocked &= ~SIG_UNBLOCKABLE;
    }
    if (s->a[2] && copy_out(s, s->a[2], &old, 8) < 0)
        return -EFAULT;
    if (s->p->sig.pending & ~s->p->sig.blocked)
        s->stop = true; /* deliver what just got unblocked */
    return 0;
}

SYS(rt_sigpending)
{
    uint64_t set = s->p->sig.pending & s->p->sig.blocked;
    return copy_out(s, s->a[0], &set, 8) < 0 ? -EFAULT : 0;
}

/* The registers come back once the CPU has stopped: inside the syscall
 * hook Unicorn still moves RIP past the instruction afterwards. */
SYS(rt_sigreturn)
{
    s->p->sigreturn = true;
    s->no_return = true;
    s->stop = true;
    return 0;
}

/* A wait under a temporary signal mask (rt_sigsuspend, ppoll,
 * pselect6): the old mask is kept for the handler's frame to restore, or
 * for signal_wait_mask_end when the call ends without a signal. */
long signal_wait_mask(struct sys *s, uint64_t addr, uint64_t size)
{
    struct proc *p = s->p;
    if (size != 8)
        return -EINVAL;
    uint64_t mask;
    if (copy_in(s, &mask, addr, 8) < 0)
        return -EFAULT;
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
    if (r == -EINTR && (p->sig.pending & ~p->sig.blocked))
        return; /* the handler's frame restores the old mask */
    p->sig.blocked = p->sig.saved_mask;
    p->sig.suspended = false;
}

/* Wait for one of the signals in set (which the caller blocks) and take
 * it without a handler: its number, and its siginfo if asked.  Another
 * signal with a handler ends the wait with EINTR; a timeout with EAGAIN. */
SYS(rt_sigtimedwait)
{
    struct proc *p = s->p;
    uint64_t set;
    if (s->a[3] != 8)
        return -EINVAL;
    if (copy_in(s, &set, s->a[0], 8) < 0)
        return -EFAULT;
    set &= ~SIG_UNBLOCKABLE;
    uint64_t ready = p->sig.pending & set;
    if (ready) {
        int sig = __builtin_ctzll(ready) + 1;
        struct linux_siginfo info;
        signal_info_fill(&info, sig, &p->sig.info[sig]);
        p->sig.pending &= ~LINUX_SIGBIT(sig);
        p->sigwait = 0;
        p->wake_at = 0;
        if (s->a[1] && copy_out(s, s->a[1], &info, sizeof info) < 0)
            return -EFAULT;
        return sig;
    }
    p->sigwait = set;
    if (!s->a[2]) {
        sys_wait_and_retry(s, true);
        return 0;
    }
    uint64_t ns = 0;
    long err = p->wake_at ? 0 : timespec_ns(s, s->a[2], &ns); /* the first call: the timeout */
    if (err) {
        p->sigwait = 0;
        return err;
    }
    if (sys_wait_until(s, ns, true)) {
        p->sigwait = 0;
        return -EAGAIN;
    }
    return 0;
}

SYS(rt_sigsuspend)
{
    long err = signal_wait_mask(s, s->a[0], s->a[1]);
    if (err)
        return err;
    sys_wait_and_retry(s, true);
    return 0;
}

static long send(struct sys *s, struct proc *target, int sig)
{
    if (sig < 0 || sig > LINUX_NSIG)
        return -EINVAL;
    if (!target || target->state == PROC_ZOMBIE)
        return target ? 0 : -ESRCH;
    if (sig == 0)
        return 0;
    struct ksiginfo si = {.signo = sig, .code = 0 /* SI_USER */, .pid = s->p->pid,
                           .uid = (int)getuid()};
    proc_signal(s->emu, target, &si);
    if (target == s->p)
        s->stop = true;
    return 0;
}

SYS(kill)
{
    int pid = (int)s->a[0], sig = (int)s->a[1];
    if (pid > 0)
        return send(s, proc_by_pid(s->emu, pid), sig);
    if (sig < 0 || sig > LINUX_NSIG)
        return -EINVAL;
    if (pid == INT_MIN)
        return -ESRCH; /* as Linux: its negation is no process group */
    /* A process group, or everyone (-1): all but pid 1 and the caller. */
    int pgid = pid == 0 ? s->p->pgid : -pid;
    long found = 0;
    for (int i = 0; i < s->emu->nprocs; i++) {
        struct proc *q = s->emu->procs[i];
        if (!q || q->state == PROC_ZOMBIE)
            continue;
        if (pid == -1 ? (q->pid == 1 || q == s->p) : q->pgid != pgid)
            continue;
        found++;
        send(s, q, sig);
    }
    return found ? 0 : -ESRCH;
}

SYS(tgkill)
{
    if ((int)s->a[0] != (int)s->a[1])
        return -ESRCH;
    return send(s, proc_by_pid(s->emu, (int)s->a[1]), (int)s->a[2]);
}

SYS(tkill)
{
    return send(s, proc_by_pid(s->emu, (int)s->a[0]), (int)s->a[1]);
}

SYS(sigaltstack)
{
    struct proc *p = s->p;
    struct { uint64_t sp; int32_t flags, pad; uint64_t size; } ss;
    if (s->a[1]) {
        ss.sp = p->sig.altstack_sp;
        ss.size = p->sig.altstack_size;
        ss.flags = p->sig.altstack_size ? 0 : LINUX_SS_DISABLE;
        ss.pad = 0;
        if (copy_out(s, s->a[1], &ss, sizeof ss) < 0)
            return -EFAULT;
    }
    if (s->a[0]) {
        if (copy_in(s, &ss, s->a[0], sizeof ss) < 0)
            return -EFAULT;
        if (ss.flags & LINUX_SS_DISABLE) {
            p->sig.altstack_sp = p->sig.altstack_size = 0;
        } else {
            if (ss.size < 2048)
                return -ENOMEM;
            p->sig.altstack_sp = ss.sp;
            p->sig.altstack_size = ss.size;
        }
        p->sig.altstack_flags = ss.flags;
    }
    return 0;
}
