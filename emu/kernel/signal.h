/*
 * signal.h - a task's signals: dispositions, the blocked and pending
 * sets, what each pending signal carries, the alternate stack; delivery
 * on the guest's stack in Linux's rt_sigframe layout.
 */
#ifndef FAULTLINE_KERNEL_SIGNAL_H
#define FAULTLINE_KERNEL_SIGNAL_H

#include "emu/abi/linux.h"

#include <stdbool.h>
#include <stdint.h>

/* SIGKILL and SIGSTOP can be neither blocked nor caught. */
#define SIG_UNBLOCKABLE (LINUX_SIGBIT(9) | LINUX_SIGBIT(19))

/* What a pending signal carries (the kernel's view, not the guest's
 * siginfo layout). */
struct ksiginfo {
    int signo, code;
    uint64_t addr;   /* SIGSEGV/SIGBUS/SIGILL/SIGFPE */
    int pid, uid, status; /* SIGCHLD, kill; a timer: pid = its id, uid = overruns */
    uint64_t value;       /* a timer's sigev_value */
};

struct sigstate {
    uint64_t blocked;
    uint64_t pending;
    struct ksiginfo info[LINUX_NSIG + 1];
    uint64_t altstack_sp, altstack_size;
    int altstack_flags;
    bool suspended;      /* in rt_sigsuspend: saved_mask is the mask to restore */
    uint64_t saved_mask;
};

struct emu;
struct proc;

/* Give a fatal or caught signal to p (and wake it, or stop its CPU). */
void proc_signal(struct emu *emu, struct proc *p, const struct ksiginfo *info);
/* Deliver pending unblocked signals to p (between runs of its CPU). */
void signal_deliver(struct emu *emu, struct proc *p);
/* Default action of sig: 0 ignore, 1 terminate, 2 core. */
int signal_default(int sig);
/* rt_sigreturn, once the CPU stopped: restore the frame's registers,
 * FP state and mask.  0, or -EFAULT when the frame cannot be read. */
long signal_sigreturn(struct emu *emu, struct proc *p);
const char *signal_name(int sig);
/* The name of a si_code of sig ("SEGV_MAPERR", "SI_KERNEL", ...). */
const char *signal_code_name(int sig, int code);
/* The siginfo_t the guest sees for sig. */
void signal_info_fill(struct linux_siginfo *out, int sig, const struct ksiginfo *si);

#endif
