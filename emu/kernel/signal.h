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
/* The signals a fault (or seccomp) raises: taken before any other, as
 * Linux's dequeue does. */
#define SIG_SYNCHRONOUS                                                                  \
    (LINUX_SIGBIT(LINUX_SIGSEGV) | LINUX_SIGBIT(LINUX_SIGBUS) | LINUX_SIGBIT(LINUX_SIGILL) | \
     LINUX_SIGBIT(LINUX_SIGFPE) | LINUX_SIGBIT(LINUX_SIGTRAP) | LINUX_SIGBIT(LINUX_SIGSYS))

/* What a pending signal carries (the kernel's view, not the guest's
 * siginfo layout). */
struct ksiginfo {
    int signo, code;
    uint64_t addr;   /* SIGSEGV/SIGBUS/SIGILL/SIGFPE */
    int pid, uid, status; /* SIGCHLD, kill; a timer: pid = its id, uid = overruns */
    uint64_t value;       /* a timer's sigev_value */
};

/* A set of pending signals and what each carries: one instance of each
 * signal at most. */
struct sigqueue {
    uint64_t set;
    struct ksiginfo info[LINUX_NSIG + 1];
};

/* A thread's signal state.  Process-directed signals (kill, SIGCHLD,
 * timers, the host's) pend in the process's shared queue
 * (tgroup.shared_pending), not here. */
struct sigstate {
    uint64_t blocked;
    struct sigqueue pending; /* thread-directed: tgkill, a fault, SIGPIPE */
    struct ksiginfo fatal;   /* the signal that ended the process, for its report */
    uint64_t altstack_sp, altstack_size; /* size 0: none */
    uint32_t altstack_flags; /* as sigaltstack set them (SS_AUTODISARM, ...) */
    bool suspended;      /* in rt_sigsuspend: saved_mask is the mask to restore */
    uint64_t saved_mask;
};

struct emu;
struct proc;

/* --- sending and the pending queues (sigqueue.c) --- */

/* Send a thread-directed signal to task p (tgkill, a fault, SIGPIPE): it
 * pends on p alone; p is woken, or its CPU stopped, if it can take it. */
void proc_signal(struct emu *emu, struct proc *p, const struct ksiginfo *info);
/* Send a process-directed signal to the process of task p (kill,
 * SIGCHLD, a timer, the host's): it pends in the shared queue until a
 * thread that does not block it (or waits for it in rt_sigtimedwait)
 * takes it, whichever reaches delivery first; one such thread is woken.
 * A fatal one that some thread would take ends the process at once. */
void proc_signal_process(struct emu *emu, struct proc *p, const struct ksiginfo *info);
/* What is pending for thread p: its own set and its process's. */
uint64_t signal_pending(const struct proc *p);
/* Pending for p and not blocked by it: what delivery would act on. */
uint64_t signal_ready(const struct proc *p);
/* The signal of mask that p would take next (its own queue first, then
 * the shared one; a synchronous fault before the others, else the lowest
 * number), with what it carries in *out when out is not NULL; 0 when
 * none is pending.  Changes nothing. */
int signal_peek(const struct proc *p, uint64_t mask, struct ksiginfo *out);
/* Take that signal out of its queue: its number and *out, or 0. */
int signal_take(struct proc *p, uint64_t mask, struct ksiginfo *out);
/* Thread p no longer takes the shared signals of mask (it blocked them,
 * or it is ending): for each one pending, wake a thread that can. */
void signal_retarget(struct emu *emu, struct proc *p, uint64_t mask);
/* Drop the signals of mask from the shared queue of p's process and from
 * the queue of each of its threads (a disposition set to ignore them). */
void signal_discard(struct emu *emu, struct proc *p, uint64_t mask);

/* --- delivery (signal.c) --- */

/* Deliver pending unblocked signals to p (between runs of its CPU). */
void signal_deliver(struct emu *emu, struct proc *p);
/* Default action of sig: 0 ignore, 1 terminate, 2 core, 3 stop. */
int signal_default(int sig);
/* A fault the CPU raised (si_code > 0), not one sent by kill or raise:
 * blocking or ignoring it does not save the process. */
bool signal_forced(const struct ksiginfo *si);
/* rt_sigreturn, once the CPU stopped: restore the frame's registers,
 * FP state and mask.  0, or -EFAULT when the frame cannot be read. */
long signal_sigreturn(struct emu *emu, struct proc *p);
const char *signal_name(int sig);
/* The name of a si_code of sig ("SEGV_MAPERR", "SI_KERNEL", ...). */
const char *signal_code_name(int sig, int code);
/* Is sp on p's alternate stack (never with SS_AUTODISARM)? */
bool signal_on_altstack(const struct proc *p, uint64_t sp);
/* The alternate stack as sigaltstack reports it to p at sp (SS_ONSTACK
 * when sp is on it). */
void signal_get_altstack(const struct proc *p, uint64_t sp, struct linux_stack *out);
/* sigaltstack's change of p's alternate stack to ss, the caller's stack
 * pointer at sp: 0, or -EPERM while on the stack, -EINVAL for unknown
 * flags, -ENOMEM for a stack under MINSIGSTKSZ. */
long signal_set_altstack(struct proc *p, const struct linux_stack *ss, uint64_t sp);
/* The siginfo_t the guest sees for sig. */
void signal_info_fill(struct linux_siginfo *out, int sig, const struct ksiginfo *si);

#endif
