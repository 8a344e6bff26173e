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
    return sig == LINUX_SIGSEGV || sig == LINUX_SIGBUS || sig == LINUX_SIGILL || sig == LINUX_SIGFPE ||
           sig == LINUX_SIGTRAP;
}

bool signal_forced(const struct ksiginfo *si)
{
    return is_fault(si->signo) && si->code > 0;
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

/* --- the alternate stack ------------------------------------------------------------- */

bool signal_on_altstack(const struct proc *p, uint64_t sp)
{
    const struct sigstate *s = &p->sig;
    if (s->altstack_flags & LINUX_SS_AUTODISARM)
        return false;
    return sp > s->altstack_sp && sp - s->altstack_sp <= s->altstack_size;
}

void signal_get_altstack(const struct proc *p, uint64_t sp, struct linux_stack *out)
{
    const struct sigstate *s = &p->sig;
    memset(out, 0, sizeof *out);
    out->sp = s->altstack_sp;
    out->size = s->altstack_size;
    uint32_t mode = !s->altstack_size ? LINUX_SS_DISABLE : signal_on_altstack(p, sp) ? LINUX_SS_ONSTACK : 0;
    out->flags = (int32_t)(mode | (s->altstack_flags & LINUX_SS_AUTODISARM));
}

long signal_set_altstack(struct proc *p, const struct linux_stack *ss, uint64_t sp)
{
    if (signal_on_altstack(p, sp))
        return -LINUX_EPERM;
    uint32_t flags = (uint32_t)ss->flags, mode = flags & ~LINUX_SS_AUTODISARM;
    if (mode != 0 && mode != LINUX_SS_ONSTACK && mode != LINUX_SS_DISABLE)
        return -LINUX_EINVAL;
    uint64_t base = ss->sp, size = ss->size;
    if (mode == LINUX_SS_DISABLE)
        base = size = 0;
    else if (size < LINUX_MINSIGSTKSZ)
        return -LINUX_ENOMEM;
    p->sig.altstack_sp = base;
    p->sig.altstack_size = size;
    p->sig.altstack_flags = flags;
    return 0;
}

/* Build the frame for sig (carrying si) on p's stack and point the CPU
 * at the handler. */
static bool setup_frame(struct proc *p, int sig, const struct ksiginfo *si)
{
    struct cpu *cpu = p->cpu;
    const struct linux_sigaction *act = &p->tg->act[sig];
    uint64_t regs[NGPR];
    cpu_regs_read(cpu, gpr_ids, regs, NGPR);
    uint64_t rsp = regs[15];
    /* SA_ONSTACK moves to the top of the alternate stack unless already
     * on it (a nested signal goes below the frame there). */
    struct sigstate *ss = &p->sig;
    bool to_alt = (act->flags & LINUX_SA_ONSTACK) && ss->altstack_size && !signal_on_altstack(p, rsp);
    uint64_t sp = to_alt ? ss->altstack_sp + ss->altstack_size
                      : rsp - 128; /* skip the red zone */
    uint64_t fp_addr = (sp - sizeof(struct linux_fxsave)) & ~63ULL;
    uint64_t frame = ((fp_addr - sizeof(struct rt_frame)) & ~15ULL) - 8;

    struct rt_frame f;
    memset(&f, 0, sizeof f);
    f.pretcode = act->restorer;
    /* uc_stack: the stack as sigaltstack set it, restored at sigreturn. */
    f.uc.ss_sp = ss->altstack_sp;
    f.uc.ss_size = ss->altstack_size;
    f.uc.ss_flags = (int32_t)(ss->altstack_size ? ss->altstack_flags : ss->altstack_flags | LINUX_SS_DISABLE);
    memcpy(&f.uc.mc, regs, NGPR * sizeof(uint64_t));
    f.uc.mc.cs = 0x33;
    f.uc.mc.ss = 0x2b;
    f.uc.mc.fpstate = fp_addr;
    f.uc.sigmask = p->sig.suspended ? p->sig.saved_mask : p->sig.blocked;
    p->sig.suspended = false;
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
    if (ss->altstack_flags & LINUX_SS_AUTODISARM) {
        /* Gone while the handler runs; uc_stack brings it back. */
        ss->altstack_sp = ss->altstack_size = 0;
        ss->altstack_flags = LINUX_SS_DISABLE;
    }
    return true;
}

/* A fault that is blocked or ignored still kills (force_sig): its
 * disposition goes back to the default and it is unblocked. */
static void force_faults(struct proc *p)
{
    for (int sig = 1; sig <= LINUX_NSIG; sig++)
        if ((p->sig.pending.set & LINUX_SIGBIT(sig)) && signal_forced(&p->sig.pending.info[sig]) &&
            ((p->sig.blocked & LINUX_SIGBIT(sig)) || p->tg->act[sig].handler == LINUX_SIG_IGN)) {
            p->tg->act[sig].handler = LINUX_SIG_DFL;
            p->sig.blocked &= ~LINUX_SIGBIT(sig);
        }
}

/* A blocked system call that a handler interrupts: restart it after the
 * handler (SA_RESTART) or make it fail with EINTR. */
static void interrupt_call(struct emu *emu, struct proc *p, const struct linux_sigaction *act)
{
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

/* sig's default action on p: false when that ended delivery (the process
 * stopped or died). */
static bool default_action(struct emu *emu, struct proc *p, int sig, const struct ksiginfo *si)
{
    int d = signal_default(sig);
    if (d == 0)
        return true;
    if (d == 3) {
        /* Stop until SIGCONT; a blocked call waits on after it. */
        p->tg->stopped = true;
        p->tg->stop_sig = sig;
        p->tg->stop_report = true;
        p->tg->cont_report = false;
        if (p->cpu)
            cpu_request_stop(p->cpu);
        proc_notify_parent(emu, p, 5 /* CLD_STOPPED */, sig);
        return false;
    }
    p->sig.fatal = *si;
    proc_exit(emu, p, sig); /* no core is dumped: no 0x80 bit */
    return false;
}

void signal_deliver(struct emu *emu, struct proc *p)
{
    while (p->state == PROC_RUNNABLE && p->cpu && !p->tg->stopped) {
        force_faults(p);
        struct ksiginfo si;
        int sig = signal_take(p, ~p->sig.blocked, &si);
        if (!sig)
            return;
        const struct linux_sigaction *act = &p->tg->act[sig];
        if (act->handler == LINUX_SIG_IGN)
            continue;
        if (act->handler == LINUX_SIG_DFL) {
            if (!default_action(emu, p, sig, &si))
                return;
            continue;
        }
        if (p->restart)
            interrupt_call(emu, p, act);
        if (!setup_frame(p, sig, &si)) {
            /* No room for the frame: Linux kills with SIGSEGV. */
            p->sig.fatal = (struct ksiginfo){.signo = LINUX_SIGSEGV, .code = LINUX_SI_KERNEL};
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
    /* The frame's uc_stack becomes the alternate stack again, unless the
     * frame lies on the current one (a nested return, or a handler that
     * ran there and changed uc_stack: Linux keeps the stack then too);
     * an invalid one is ignored, as Linux ignores it. */
    struct linux_stack alt = {.sp = uc.ss_sp, .flags = uc.ss_flags, .size = uc.ss_size};
    (void)signal_set_altstack(p, &alt, ucp);
    return 0;
}
