/*
 * signal.c - guest signals: dispositions, masks, delivery on the guest's
 * stack in Linux's rt_sigframe layout (with the FP/SSE state saved in an
 * fxsave area), rt_sigreturn, kill and the default actions.
 */
#include "emu/kernel/proc.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>



static const char *const names[LINUX_NSIG + 1] = {
    [LINUX_SIGHUP] = "SIGHUP",   [LINUX_SIGINT] = "SIGINT",       [LINUX_SIGQUIT] = "SIGQUIT",
    [LINUX_SIGILL] = "SIGILL",   [LINUX_SIGTRAP] = "SIGTRAP",     [LINUX_SIGABRT] = "SIGABRT",
    [LINUX_SIGBUS] = "SIGBUS",   [LINUX_SIGFPE] = "SIGFPE",       [LINUX_SIGKILL] = "SIGKILL",
    [LINUX_SIGUSR1] = "SIGUSR1", [LINUX_SIGSEGV] = "SIGSEGV",     [LINUX_SIGUSR2] = "SIGUSR2",
    [LINUX_SIGPIPE] = "SIGPIPE", [LINUX_SIGALRM] = "SIGALRM",     [LINUX_SIGTERM] = "SIGTERM",
    [LINUX_SIGSTKFLT] = "SIGSTKFLT", [LINUX_SIGCHLD] = "SIGCHLD", [LINUX_SIGCONT] = "SIGCONT",
    [LINUX_SIGSTOP] = "SIGSTOP", [LINUX_SIGTSTP] = "SIGTSTP",     [LINUX_SIGTTIN] = "SIGTTIN",
    [LINUX_SIGTTOU] = "SIGTTOU", [LINUX_SIGURG] = "SIGURG",       [LINUX_SIGXCPU] = "SIGXCPU",
    [LINUX_SIGXFSZ] = "SIGXFSZ", [LINUX_SIGVTALRM] = "SIGVTALRM", [LINUX_SIGPROF] = "SIGPROF",
    [LINUX_SIGWINCH] = "SIGWINCH", [LINUX_SIGIO] = "SIGIO",       [LINUX_SIGPWR] = "SIGPWR",
    [LINUX_SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
    static char buf[16];
    if (sig > 0 && sig <= LINUX_NSIG && names[sig])
        return names[sig];
    snprintf(buf, sizeof buf, "SIG%d", sig);
    return buf;
}

const char *signal_code_name(int sig, int code)
{
    static const char *const segv[] = {NULL, "SEGV_MAPERR", "SEGV_ACCERR"};
    static const char *const bus[] = {NULL, "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR"};
    static const char *const ill[] = {NULL, "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR",
                                      "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC",
                                      "ILL_BADSTK"};
    static const char *const fpe[] = {NULL, "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV",
                                      "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV",
                                      "FPE_FLTSUB"};
    static const char *const trap[] = {NULL, "TRAP_BRKPT", "TRAP_TRACE"};
#define PICK(t) (code > 0 && (size_t)code < sizeof t / sizeof t[0] ? t[code] : NULL)
    const char *name = NULL;
    switch (sig) {
    case LINUX_SIGSEGV: name = PICK(segv); break;
    case LINUX_SIGBUS: name = PICK(bus); break;
    case LINUX_SIGILL: name = PICK(ill); break;
    case LINUX_SIGFPE: name = PICK(fpe); break;
    case LINUX_SIGTRAP: name = PICK(trap); break;
    default: break;
    }
#undef PICK
    if (name)
        return name;
    switch (code) {
    case LINUX_SI_USER: return "SI_USER";
    case LINUX_SI_KERNEL: return "SI_KERNEL";
    case LINUX_SI_TIMER: return "SI_TIMER";
    default: return "?";
    }
}

int signal_default(int sig)
{
    switch (sig) {
    case LINUX_SIGCHLD: case LINUX_SIGURG: case LINUX_SIGWINCH: case LINUX_SIGCONT: /* SIGCONT continues when sent */
        return 0;
    case LINUX_SIGSTOP: case LINUX_SIGTSTP: case LINUX_SIGTTIN: case LINUX_SIGTTOU:
        return 3;
    case LINUX_SIGQUIT: case LINUX_SIGILL: case LINUX_SIGTRAP: case LINUX_SIGABRT: case LINUX_SIGBUS: case LINUX_SIGFPE:
    case LINUX_SIGSEGV: case LINUX_SIGXCPU: case LINUX_SIGXFSZ: case LINUX_SIGSYS:
        return 2;
    default:
        return 1;
    }
}

static bool is_fault(int sig)
{
    return sig == LINUX_SIGSEGV || sig == LINUX_SIGBUS || sig == LINUX_SIGILL || sig == LINUX_SIGFPE || sig == LINUX_SIGTRAP;
}

/* A fault the CPU raised (si_code > 0), not one sent by kill or raise:
 * blocking or ignoring it does not save the process. */
static bool is_forced(const struct ksiginfo *si)
{
    return is_fault(si->signo) && si->code > 0;
}

void proc_signal(struct emu *emu, struct proc *p, const struct ksiginfo *info)
{
    int sig = info->signo;
    /* init ignores every signal, as Linux's init does those it has no
     * handler for. */
    if (!p || p->state == PROC_ZOMBIE || p->state == PROC_INIT || sig <= 0 || sig > LINUX_NSIG)
        return;
    if (sig == LINUX_SIGKILL) {
        p->sig.info[sig] = *info;
        proc_exit(emu, p, LINUX_SIGKILL);
        return;
    }
    /* Job control acts when the signal is sent: SIGCONT continues a
     * stopped process (whatever its disposition) and drops pending stops;
     * a stop drops a pending SIGCONT. */
    uint64_t stops = LINUX_SIGBIT(LINUX_SIGSTOP) | LINUX_SIGBIT(LINUX_SIGTSTP) | LINUX_SIGBIT(LINUX_SIGTTIN) | LINUX_SIGBIT(LINUX_SIGTTOU);
    if (sig == LINUX_SIGCONT) {
        p->sig.pending &= ~stops;
        if (p->tg->stopped) {
            p->tg->stopped = false;
            p->tg->stop_report = false;
            p->tg->cont_report = true;
            proc_notify_parent(emu, p, 6 /* CLD_CONTINUED */, LINUX_SIGCONT);
        }
    } else if (stops & LINUX_SIGBIT(sig)) {
        p->sig.pending &= ~LINUX_SIGBIT(LINUX_SIGCONT);
    }
    const struct linux_sigaction *act = &p->tg->act[sig];
    bool ignored = act->handler == LINUX_SIG_IGN || (act->handler == LINUX_SIG_DFL && !signal_default(sig));
    if (ignored && !is_forced(info) && !(p->sig.blocked & LINUX_SIGBIT(sig)))
        return; /* discarded at generation, as Linux does */
    p->sig.pending |= LINUX_SIGBIT(sig);
    p->sig.info[sig] = *info;
    if (p->state == PROC_BLOCKED && (!(p->sig.blocked & LINUX_SIGBIT(sig)) || (p->sigwait & LINUX_SIGBIT(sig))))
        p->state = PROC_RUNNABLE; /* interrupt the wait, or end rt_sigtimedwait's */
    if (p->cpu)
        cpu_request_stop(p->cpu);
}

/* --- the frame ------------------------------------------------------------------------ */



struct rt_frame {
    uint64_t pretcode;
    struct linux_ucontext uc;
    struct linux_siginfo info;
};

/* The general registers in struct linux_sigcontext's order. */
static const enum cpu_reg gpr_ids[] = {
    CPU_R8,  CPU_R9,  CPU_R10, CPU_R11, CPU_R12, CPU_R13, CPU_R14, CPU_R15, CPU_RDI,
    CPU_RSI, CPU_RBP, CPU_RBX, CPU_RDX, CPU_RAX, CPU_RCX, CPU_RSP, CPU_RIP, CPU_EFLAGS,
};
#define NGPR (sizeof gpr_ids / sizeof gpr_ids[0])

/* The siginfo_t the guest sees for sig. */
void signal_info_fill(struct linux_siginfo *out, int sig, const struct ksiginfo *si)
{
    memset(out, 0, sizeof *out);
    out->signo = sig;
    out->code = si->code;
    if (is_fault(sig)) {
        out->u.addr = si->addr;
    } else if (sig == LINUX_SIGCHLD) {
        out->u.chld.pid = si->pid;
        out->u.chld.status = (si->status & 0x7f) ? (si->status & 0x7f) : (si->status >> 8) & 0xff;
    } else if (si->code == LINUX_SI_TIMER) {
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
    const struct linux_sigaction *act = &p->tg->act[sig];
    uint64_t regs[NGPR];
    cpu_regs_read(cpu, gpr_ids, regs, NGPR);
    uint64_t rsp = regs[15];
    (void)emu;
    bool on_alt = p->sig.altstack_size && !(p->sig.altstack_flags & LINUX_SS_DISABLE) &&
                  !(rsp >= p->sig.altstack_sp && rsp < p->sig.altstack_sp + p->sig.altstack_size);
    uint64_t sp = (act->flags & LINUX_SA_ONSTACK) && on_alt
                      ? p->sig.altstack_sp + p->sig.altstack_size
                      : rsp - 128; /* skip the red zone */
    uint64_t fp_addr = (sp - sizeof(struct linux_fxsave)) & ~63ULL;
    uint64_t frame = ((fp_addr - sizeof(struct rt_frame)) & ~15ULL) - 8;

    struct rt_frame f;
    memset(&f, 0, sizeof f);
    f.pretcode = act->restorer;
    f.uc.ss_sp = p->sig.altstack_sp;
    f.uc.ss_size = p->sig.altstack_size;
    f.uc.ss_flags = p->sig.altstack_size ? (on_alt ? 0 : LINUX_SS_ONSTACK) : LINUX_SS_DISABLE;
    memcpy(&f.uc.mc, regs, NGPR * sizeof(uint64_t));
    f.uc.mc.cs = 0x33;
    f.uc.mc.ss = 0x2b;
    f.uc.mc.fpstate = fp_addr;
    f.uc.sigmask = p->sig.suspended ? p->sig.saved_mask : p->sig.blocked;
    p->sig.suspended = false;
    const struct ksiginfo *si = &p->sig.info[sig];
    signal_info_fill(&f.info, sig, si);
    if (is_fault(sig)) {
        f.uc.mc.cr2 = si->addr;
        f.uc.mc.trapno = sig == LINUX_SIGSEGV || sig == LINUX_SIGBUS ? 14 : 0;
    }
    struct linux_fxsave fx;
    cpu_fp_save(cpu, &fx);
    if (vm_copy_out(p->mm, fp_addr, &fx, sizeof fx) < 0 ||
        vm_copy_out(p->mm, frame, &f, sizeof f) < 0)
        return false;
    cpu_fp_signal_entry(cpu);
    cpu_set_reg(cpu, CPU_RSP, frame);
    cpu_set_reg(cpu, CPU_RIP, act->handler);
    cpu_set_reg(cpu, CPU_RDI, (uint64_t)sig);
    cpu_set_reg(cpu, CPU_RSI, frame + offsetof(struct rt_frame, info));
    cpu_set_reg(cpu, CPU_RDX, frame + offsetof(struct rt_frame, uc));
    cpu_set_reg(cpu, CPU_RAX, 0);
    /* The direction flag is clear on entry, as the ABI wants. */
    cpu_set_reg(cpu, CPU_EFLAGS, regs[17] & ~0x400ULL);
    uint64_t mask = act->mask;
    if (!(act->flags & LINUX_SA_NODEFER))
        mask |= LINUX_SIGBIT(sig);
    p->sig.blocked = (p->sig.blocked | mask) & ~SIG_UNBLOCKABLE;
    if (act->flags & LINUX_SA_RESETHAND)
        p->tg->act[sig] = (struct linux_sigaction){0};
    return true;
}

void signal_deliver(struct emu *emu, struct proc *p)
{
    while (p->state == PROC_RUNNABLE && p->cpu && !p->tg->stopped) {
        uint64_t ready = p->sig.pending & ~p->sig.blocked;
        /* A fault that is blocked or ignored still kills (force_sig). */
        for (int sig = 1; sig <= LINUX_NSIG; sig++)
            if ((p->sig.pending & LINUX_SIGBIT(sig)) && is_forced(&p->sig.info[sig]) &&
                ((p->sig.blocked & LINUX_SIGBIT(sig)) || p->tg->act[sig].handler == LINUX_SIG_IGN)) {
                p->tg->act[sig].handler = LINUX_SIG_DFL;
                p->sig.blocked &= ~LINUX_SIGBIT(sig);
                ready |= LINUX_SIGBIT(sig);
            }
        if (!ready)
            return;
        /* Synchronous faults first, then the lowest number. */
        int sig = 0;
        for (int s = 1; s <= LINUX_NSIG && !sig; s++)
            if ((ready & LINUX_SIGBIT(s)) && is_fault(s))
                sig = s;
        if (!sig)
            sig = __builtin_ctzll(ready) + 1;
        p->sig.pending &= ~LINUX_SIGBIT(sig);
        const struct linux_sigaction *act = &p->tg->act[sig];
        if (act->handler == LINUX_SIG_IGN)
            continue;
        if (act->handler == LINUX_SIG_DFL) {
            int d = signal_default(sig);
            if (d == 0)
                continue;
            if (d == 3) {
                /* Stop until SIGCONT; a blocked call waits on after it. */
                p->tg->stopped = true;
                p->tg->stop_sig = sig;
                p->tg->stop_report = true;
                p->tg->cont_report = false;
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
            cpu_set_reg(p->cpu, CPU_RIP, p->restart_rip);
            if (p->io_done) {
                /* A pipe write that moved some bytes returns their count. */
                cpu_set_reg(p->cpu, CPU_RIP, p->restart_rip + 2);
                cpu_set_reg(p->cpu, CPU_RAX, p->io_done);
            } else if (!(act->flags & LINUX_SA_RESTART) || p->restart_eintr) {
                cpu_set_reg(p->cpu, CPU_RIP, p->restart_rip + 2);
                cpu_set_reg(p->cpu, CPU_RAX, (uint64_t)-LINUX_EINTR);
                sleep_interrupted(emu, p);
            }
            /* Ended, or to be made again from the start. */
            p->io_done = 0;
            p->sigwait = 0;
            p->wake_at = 0;
            p->futex_wait = p->futex_woken = p->futex_pi = false;
            p->sleep_rem = 0;
        }
        if (!setup_frame(emu, p, sig)) {
            /* No room for the frame: Linux kills with SIGSEGV. */
            p->sig.info[LINUX_SIGSEGV] = (struct ksiginfo){.signo = LINUX_SIGSEGV, .code = LINUX_SI_KERNEL};
            proc_exit(emu, p, LINUX_SIGSEGV);
            return;
        }
    }
}

long signal_sigreturn(struct emu *emu, struct proc *p)
{
    (void)emu;
    struct cpu *cpu = p->cpu;
    uint64_t ucp = cpu_reg(cpu, CPU_RSP); /* the restorer's ret popped pretcode */
    struct linux_ucontext uc;
    if (vm_copy_in(p->mm, &uc, ucp, sizeof uc) < 0) {
        struct ksiginfo si = {.signo = LINUX_SIGSEGV, .code = LINUX_SI_KERNEL};
        proc_signal(emu, p, &si);
        return -LINUX_EFAULT;
    }
    uint64_t regs[NGPR];
    memcpy(regs, &uc.mc, NGPR * sizeof(uint64_t));
    regs[17] = (regs[17] & 0x3f7fd5ULL) | 0x202ULL; /* user-changeable flags only */
    cpu_regs_write(cpu, gpr_ids, regs, NGPR);
    if (uc.mc.fpstate) {
        struct linux_fxsave fx;
        if (vm_copy_in(p->mm, &fx, uc.mc.fpstate, sizeof fx) == 0)
            cpu_fp_restore(cpu, &fx);
    }
    p->sig.blocked = uc.sigmask & ~SIG_UNBLOCKABLE;
    return 0;
}
