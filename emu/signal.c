/*
 * signal.c - guest signals: dispositions, masks, delivery on the guest's
 * stack in Linux's rt_sigframe layout (with the FP/SSE state saved in an
 * fxsave area), rt_sigreturn, kill and the default actions.
 */
#include "proc.h"
#include "emu/cpu/fpu.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>

#define SIG_DFL_K 0
#define SIG_IGN_K 1
#define SA_NOCLDSTOP_K 0x00000001
#define SA_SIGINFO_K 0x00000004
#define SA_ONSTACK_K 0x08000000
#define SA_RESTART_K 0x10000000
#define SA_NODEFER_K 0x40000000
#define SA_RESETHAND_K 0x80000000
#define SA_RESTORER_K 0x04000000
#define SS_ONSTACK_K 1
#define SS_DISABLE_K 2

#define BIT(sig) (1ULL << ((sig) - 1))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))

static const char *const names[NSIG_LINUX + 1] = {
    [SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",       [SIGQUIT] = "SIGQUIT",
    [SIGILL] = "SIGILL",   [SIGTRAP] = "SIGTRAP",     [SIGABRT] = "SIGABRT",
    [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",       [SIGKILL] = "SIGKILL",
    [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV",     [SIGUSR2] = "SIGUSR2",
    [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",     [SIGTERM] = "SIGTERM",
    [SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
    [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",     [SIGTTIN] = "SIGTTIN",
    [SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG",       [SIGXCPU] = "SIGXCPU",
    [SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
    [SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO",       [SIGPWR] = "SIGPWR",
    [SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
    static char buf[16];
    if (sig > 0 && sig <= NSIG_LINUX && names[sig])
        return names[sig];
    snprintf(buf, sizeof buf, "SIG%d", sig);
    return buf;
}

int signal_default(int sig)
{
    switch (sig) {
    case SIGCHLD: case SIGURG: case SIGWINCH: case SIGCONT: /* SIGCONT continues when sent */
        return 0;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return 3;
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
    case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
        return 2;
    default:
        return 1;
    }
}

static bool is_fault(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP;
}

/* A fault the CPU raised (si_code > 0), not one sent by kill or raise:
 * blocking or ignoring it does not save the process. */
static bool is_forced(const struct siginfo_k *si)
{
    return is_fault(si->signo) && si->code > 0;
}

void proc_signal(struct emu *emu, struct proc *p, const struct siginfo_k *info)
{
    int sig = info->signo;
    if (!p || p->state == PROC_ZOMBIE || sig <= 0 || sig > NSIG_LINUX)
        return;
    if (sig == SIGKILL) {
        p->sig.info[sig] = *info;
        proc_exit(emu, p, SIGKILL);
        return;
    }
    /* Job control acts when the signal is sent: SIGCONT continues a
     * stopped process (whatever its disposition) and drops pending stops;
     * a stop drops a pending SIGCONT. */
    uint64_t stops = BIT(SIGSTOP) | BIT(SIGTSTP) | BIT(SIGTTIN) | BIT(SIGTTOU);
    if (sig == SIGCONT) {
        p->sig.pending &= ~stops;
        if (p->stopped) {
            p->stopped = false;
            p->stop_report = false;
            p->cont_report = true;
            proc_notify_parent(emu, p, 6 /* CLD_CONTINUED */, SIGCONT);
        }
    } else if (stops & BIT(sig)) {
        p->sig.pending &= ~BIT(SIGCONT);
    }
    const struct k_sigaction *act = &p->sig.act[sig];
    bool ignored = act->handler == SIG_IGN_K || (act->handler == SIG_DFL_K && !signal_default(sig));
    if (ignored && !is_forced(info) && !(p->sig.blocked & BIT(sig)))
        return; /* discarded at generation, as Linux does */
    p->sig.pending |= BIT(sig);
    p->sig.info[sig] = *info;
    if (p->state == PROC_BLOCKED && (!(p->sig.blocked & BIT(sig)) || (p->sigwait & BIT(sig))))
        p->state = PROC_RUNNABLE; /* interrupt the wait, or end rt_sigtimedwait's */
    if (p->cpu)
        cpu_request_stop(p->cpu);
}

/* --- the frame ------------------------------------------------------------------------ */

struct sigcontext_k {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2, fpstate;
    uint64_t reserved[8];
};

struct ucontext_k {
    uint64_t flags, link;
    uint64_t ss_sp;
    int32_t ss_flags, pad;
    uint64_t ss_size;
    struct sigcontext_k mc;
    uint64_t sigmask;
};

struct siginfo_linux {
    int32_t signo, errno_, code, pad;
    union {
        struct { int32_t pid, uid, status; } chld; /* pid at +16 */
        struct { int32_t pid, uid; } kill;
        struct { int32_t tid, overrun; uint64_t value; } timer; /* value at +24 */
        uint64_t addr;
        uint8_t raw[112];
    } u;
};

struct fxsave {
    uint16_t fcw, fsw;
    uint8_t ftw, pad0;
    uint16_t fop;
    uint64_t fip, fdp;
    uint32_t mxcsr, mxcsr_mask;
    uint8_t st[8][16];
    uint8_t xmm[16][16];
    uint8_t pad[96];
};

_Static_assert(sizeof(struct sigcontext_k) == 256, "sigcontext layout");
_Static_assert(sizeof(struct ucontext_k) == 304, "ucontext layout");
_Static_assert(sizeof(struct siginfo_linux) == 128, "siginfo layout");
_Static_assert(sizeof(struct fxsave) == 512, "fxsave layout");

struct rt_frame {
    uint64_t pretcode;
    struct ucontext_k uc;
    struct siginfo_linux info;
};

static const int gpr_ids[] = {
    UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12,
    UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15, UC_X86_REG_RDI, UC_X86_REG_RSI,
    UC_X86_REG_RBP, UC_X86_REG_RBX, UC_X86_REG_RDX, UC_X86_REG_RAX, UC_X86_REG_RCX,
    UC_X86_REG_RSP, UC_X86_REG_RIP, UC_X86_REG_EFLAGS,
};
#define NGPR (sizeof gpr_ids / sizeof gpr_ids[0])

static void save_fp(struct cpu *cpu, struct fxsave *fx)
{
    memset(fx, 0, sizeof *fx);
    uint64_t v = 0;
    uc_reg_read(cpu->uc, UC_X86_REG_FPCW, &v);
    fx->fcw = (uint16_t)v;
    uc_reg_read(cpu->uc, UC_X86_REG_FPSW, &v);
    fx->fsw = (uint16_t)v;
    uint32_t mx = 0;
    uc_reg_read(cpu->uc, UC_X86_REG_MXCSR, &mx);
    fx->mxcsr = mx;
    fx->mxcsr_mask = 0xffff;
    for (int i = 0; i < 8; i++)
        uc_reg_read(cpu->uc, UC_X86_REG_FP0 + i, fx->st[i]);
    for (int i = 0; i < 16; i++)
        uc_reg_read(cpu->uc, UC_X86_REG_XMM0 + i, fx->xmm[i]);
}

static void restore_fp(struct cpu *cpu, const struct fxsave *fx)
{
    uint64_t v = fx->fcw;
    uc_reg_write(cpu->uc, UC_X86_REG_FPCW, &v);
    v = fx->fsw;
    uc_reg_write(cpu->uc, UC_X86_REG_FPSW, &v);
    uint32_t mx = fx->mxcsr;
    uc_reg_write(cpu->uc, UC_X86_REG_MXCSR, &mx);
    for (int i = 0; i < 8; i++)
        uc_reg_write(cpu->uc, UC_X86_REG_FP0 + i, fx->st[i]);
    for (int i = 0; i < 16; i++)
        uc_reg_write(cpu->uc, UC_X86_REG_XMM0 + i, fx->xmm[i]);
}

static uint64_t read_gprs(struct cpu *cpu, uint64_t *vals)
{
    void *ptrs[NGPR];
    for (size_t i = 0; i < NGPR; i++)
        ptrs[i] = &vals[i];
    uc_reg_read_batch(cpu->uc, (int *)gpr_ids, ptrs, (int)NGPR);
    return vals[15]; /* rsp */
}

/* The siginfo_t the guest sees for sig. */
static void info_fill(struct siginfo_linux *out, int sig, const struct siginfo_k *si)
{
    memset(out, 0, sizeof *out);
    out->signo = sig;
    out->code = si->code;
    if (is_fault(sig)) {
        out->u.addr = si->addr;
    } else if (sig == SIGCHLD) {
        out->u.chld.pid = si->pid;
        out->u.chld.status = (si->status & 0x7f) ? (si->status & 0x7f) : (si->status >> 8) & 0xff;
    } else if (si->code == SI_TIMER_K) {
        out->u.timer.tid = si->pid;
        out->u.timer.overrun = si->uid;
        out->u.timer.value = si->value;
    } else {
        out->u.kill.pid = si->pid;
        out->u.kill.uid = si->uid;
    }
}

/* Build the frame for sig on p's stack and point the CPU at the handler. */
static bool setup_frame(struct emu *emu, struct proc *p, int sig)
{
    struct cpu *cpu = p->cpu;
    const struct k_sigaction *act = &p->sig.act[sig];
    uint64_t regs[NGPR];
    uint64_t rsp = read_gprs(cpu, regs);
    (void)emu;
    bool on_alt = p->sig.altstack_size && !(p->sig.altstack_flags & SS_DISABLE_K) &&
                  !(rsp >= p->sig.altstack_sp && rsp < p->sig.altstack_sp + p->sig.altstack_size);
    uint64_t sp = (act->flags & SA_ONSTACK_K) && on_alt
                      ? p->sig.altstack_sp + p->sig.altstack_size
                      : rsp - 128; /* skip the red zone */
    uint64_t fp_addr = (sp - sizeof(struct fxsave)) & ~63ULL;
    uint64_t frame = ((fp_addr - sizeof(struct rt_frame)) & ~15ULL) - 8;

    struct rt_frame f;
    memset(&f, 0, sizeof f);
    f.pretcode = act->restorer;
    f.uc.ss_sp = p->sig.altstack_sp;
    f.uc.ss_size = p->sig.altstack_size;
    f.uc.ss_flags = p->sig.altstack_size ? (on_alt ? 0 : SS_ONSTACK_K) : SS_DISABLE_K;
    memcpy(&f.uc.mc, regs, NGPR * sizeof(uint64_t));
    f.uc.mc.cs = 0x33;
    f.uc.mc.ss = 0x2b;
    f.uc.mc.fpstate = fp_addr;
    f.uc.sigmask = p->sig.suspended ? p->sig.saved_mask : p->sig.blocked;
    p->sig.suspended = false;
    const struct siginfo_k *si = &p->sig.info[sig];
    info_fill(&f.info, sig, si);
    if (is_fault(sig)) {
        f.uc.mc.cr2 = si->addr;
        f.uc.mc.trapno = sig == SIGSEGV || sig == SIGBUS ? 14 : 0;
    }
    struct fxsave fx;
    save_fp(cpu, &fx);
    if (vm_copy_out(p->mm, fp_addr, &fx, sizeof fx) < 0 ||
        vm_copy_out(p->mm, frame, &f, sizeof f) < 0)
        return false;
    fpu_signal_entry(cpu->uc);
    cpu_set_reg(cpu, UC_X86_REG_RSP, frame);
    cpu_set_reg(cpu, UC_X86_REG_RIP, act->handler);
    cpu_set_reg(cpu, UC_X86_REG_RDI, (uint64_t)sig);
    cpu_set_reg(cpu, UC_X86_REG_RSI, frame + offsetof(struct rt_frame, info));
    cpu_set_reg(cpu, UC_X86_REG_RDX, frame + offsetof(struct rt_frame, uc));
    cpu_set_reg(cpu, UC_X86_REG_RAX, 0);
    /* The direction flag is clear on entry, as the ABI wants. */
    cpu_set_reg(cpu, UC_X86_REG_EFLAGS, regs[17] & ~0x400ULL);
    uint64_t mask = act->mask;
    if (!(act->flags & SA_NODEFER_K))
        mask |= BIT(sig);
    p->sig.blocked = (p->sig.blocked | mask) & ~UNBLOCKABLE;
    if (act->flags & SA_RESETHAND_K)
        p->sig.act[sig] = (struct k_sigaction){0};
    return true;
}

void signal_deliver(struct emu *emu, struct proc *p)
{
    while (p->state == PROC_RUNNABLE && p->cpu && !p->stopped) {
        uint64_t ready = p->sig.pending & ~p->sig.blocked;
        /* A fault that is blocked or ignored still kills (force_sig). */
        for (int sig = 1; sig <= NSIG_LINUX; sig++)
            if ((p->sig.pending & BIT(sig)) && is_forced(&p->sig.info[sig]) &&
                ((p->sig.blocked & BIT(sig)) || p->sig.act[sig].handler == SIG_IGN_K)) {
                p->sig.act[sig].handler = SIG_DFL_K;
                p->sig.blocked &= ~BIT(sig);
                ready |= BIT(sig);
            }
        if (!ready)
            return;
        /* Synchronous faults first, then the lowest number. */
        int sig = 0;
        for (int s = 1; s <= NSIG_LINUX && !sig; s++)
            if ((ready & BIT(s)) && is_fault(s))
                sig = s;
        if (!sig)
            sig = __builtin_ctzll(ready) + 1;
        p->sig.pending &= ~BIT(sig);
        const struct k_sigaction *act = &p->sig.act[sig];
        if (act->handler == SIG_IGN_K)
            continue;
        if (act->handler == SIG_DFL_K) {
            int d = signal_default(sig);
            if (d == 0)
                continue;
            if (d == 3) {
                /* Stop until SIGCONT; a blocked call waits on after it. */
                p->stopped = true;
                p->stop_sig = sig;
                p->stop_report = true;
                p->cont_report = false;
                if (p->cpu)
                    cpu_request_stop(p->cpu);
                proc_notify_parent(emu, p, 5 /* CLD_STOPPED */, sig);
                return;
            }
            proc_exit(emu, p, sig); /* no core is dumped: no 0x80 bit */
            return;
        }
        /* A blocked system call: restart it after the handler (SA_RESTART)
         * or make it fail with EINTR. */
        if (p->restart) {
            p->restart = false;
            cpu_set_reg(p->cpu, UC_X86_REG_RIP, p->restart_rip);
            if (p->io_done) {
                /* A pipe write that moved some bytes returns their count. */
                cpu_set_reg(p->cpu, UC_X86_REG_RIP, p->restart_rip + 2);
                cpu_set_reg(p->cpu, UC_X86_REG_RAX, p->io_done);
            } else if (!(act->flags & SA_RESTART_K) || p->restart_eintr) {
                cpu_set_reg(p->cpu, UC_X86_REG_RIP, p->restart_rip + 2);
                cpu_set_reg(p->cpu, UC_X86_REG_RAX, (uint64_t)-EINTR);
                sleep_interrupted(emu, p);
            }
            /* Ended, or to be made again from the start. */
            p->io_done = 0;
            p->sigwait = 0;
            p->wake_at = 0;
            p->futex_wait = p->futex_woken = false;
            p->sleep_rem = 0;
        }
        if (!setup_frame(emu, p, sig)) {
            /* No room for the frame: Linux kills with SIGSEGV. */
            p->sig.info[SIGSEGV] = (struct siginfo_k){.signo = SIGSEGV, .code = 0x80};
            proc_exit(emu, p, SIGSEGV);
            return;
        }
    }
}

long signal_sigreturn(struct emu *emu, struct proc *p)
{
    (void)emu;
    struct cpu *cpu = p->cpu;
    uint64_t ucp = cpu_reg(cpu, UC_X86_REG_RSP); /* the restorer's ret popped pretcode */
    struct ucontext_k uc;
    if (vm_copy_in(p->mm, &uc, ucp, sizeof uc) < 0) {
        struct siginfo_k si = {.signo = SIGSEGV, .code = 0x80};
        proc_signal(emu, p, &si);
        return -EFAULT;
    }
    uint64_t regs[NGPR];
    memcpy(regs, &uc.mc, NGPR * sizeof(uint64_t));
    regs[17] = (regs[17] & 0x3f7fd5ULL) | 0x202ULL; /* user-changeable flags only */
    void *ptrs[NGPR];
    for (size_t i = 0; i < NGPR; i++)
        ptrs[i] = &regs[i];
    uc_reg_write_batch(cpu->uc, (int *)gpr_ids, ptrs, (int)NGPR);
    if (uc.mc.fpstate) {
        struct fxsave fx;
        if (vm_copy_in(p->mm, &fx, uc.mc.fpstate, sizeof fx) == 0)
            restore_fp(cpu, &fx);
    }
    p->sig.blocked = uc.sigmask & ~UNBLOCKABLE;
    return 0;
}

/* --- system calls ----------------------------------------------------------------------- */

SYS(rt_sigaction)
{
    int sig = (int)s->a[0];
    if (sig <= 0 || sig > NSIG_LINUX || s->a[3] != 8)
        return -EINVAL;
    struct k_sigaction *act = &s->p->sig.act[sig], old = *act, n;
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
        n.mask &= ~UNBLOCKABLE;
        *act = n;
        /* Setting a signal to be ignored discards it if pending. */
        if (n.handler == SIG_IGN_K || (n.handler == SIG_DFL_K && !signal_default(sig)))
            s->p->sig.pending &= ~BIT(sig);
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
        s->p->sig.blocked &= ~UNBLOCKABLE;
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
    p->sig.blocked = mask & ~UNBLOCKABLE;
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
    set &= ~UNBLOCKABLE;
    uint64_t ready = p->sig.pending & set;
    if (ready) {
        int sig = __builtin_ctzll(ready) + 1;
        struct siginfo_linux info;
        info_fill(&info, sig, &p->sig.info[sig]);
        p->sig.pending &= ~BIT(sig);
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
    if (sig < 0 || sig > NSIG_LINUX)
        return -EINVAL;
    if (!target || target->state == PROC_ZOMBIE)
        return target ? 0 : -ESRCH;
    if (sig == 0)
        return 0;
    struct siginfo_k si = {.signo = sig, .code = 0 /* SI_USER */, .pid = s->p->pid,
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
    if (sig < 0 || sig > NSIG_LINUX)
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
        ss.flags = p->sig.altstack_size ? 0 : SS_DISABLE_K;
        ss.pad = 0;
        if (copy_out(s, s->a[1], &ss, sizeof ss) < 0)
            return -EFAULT;
    }
    if (s->a[0]) {
        if (copy_in(s, &ss, s->a[0], sizeof ss) < 0)
            return -EFAULT;
        if (ss.flags & SS_DISABLE_K) {
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
