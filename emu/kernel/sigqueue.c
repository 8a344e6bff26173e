/*
 * sigqueue.c - sending signals, and the queues they pend in.  A
 * thread-directed signal (tgkill, a fault, SIGPIPE) pends on its thread;
 * a process-directed one (kill, SIGCHLD, a timer, the host's) in its
 * process's shared queue, where any thread that does not block it may
 * take it: the first such thread to reach delivery, or an
 * rt_sigtimedwait for it, does.  The thread woken for it is the target
 * task when that can take it, else the first in the task table that can:
 * the choice depends only on the program, so runs stay deterministic.
 */
#include "emu/kernel/proc.h"

#include <stddef.h>

uint64_t signal_pending(const struct proc *p)
{
    return p->sig.pending.set | p->tg->shared_pending.set;
}

uint64_t signal_ready(const struct proc *p)
{
    return signal_pending(p) & ~p->sig.blocked;
}

/* The signal of q in mask that goes first: a synchronous fault, else the
 * lowest number (0: none). */
static int first_of(const struct sigqueue *q, uint64_t mask)
{
    uint64_t set = q->set & mask;
    if (set & SIG_SYNCHRONOUS)
        set &= SIG_SYNCHRONOUS;
    return set ? __builtin_ctzll(set) + 1 : 0;
}

/* The next signal of mask for p (0: none): from its own queue before its
 * process's; *shared says which. */
static int next_signal(const struct proc *p, uint64_t mask, bool *shared)
{
    int sig = first_of(&p->sig.pending, mask);
    *shared = !sig;
    return sig ? sig : first_of(&p->tg->shared_pending, mask);
}

int signal_peek(const struct proc *p, uint64_t mask, struct ksiginfo *out)
{
    bool shared;
    int sig = next_signal(p, mask, &shared);
    if (sig && out)
        *out = (shared ? &p->tg->shared_pending : &p->sig.pending)->info[sig];
    return sig;
}

int signal_take(struct proc *p, uint64_t mask, struct ksiginfo *out)
{
    bool shared;
    int sig = next_signal(p, mask, &shared);
    if (!sig)
        return 0;
    struct sigqueue *q = shared ? &p->tg->shared_pending : &p->sig.pending;
    if (out)
        *out = q->info[sig];
    q->set &= ~LINUX_SIGBIT(sig);
    return sig;
}

void signal_discard(struct emu *emu, struct proc *p, uint64_t mask)
{
    struct tgroup *tg = p->tg;
    tg->shared_pending.set &= ~mask;
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q->tg == tg)
            q->sig.pending.set &= ~mask;
    }
}

/* Job control acts when the signal is sent: SIGCONT continues a stopped
 * process (whatever its disposition) and drops pending stops; a stop
 * drops a pending SIGCONT.  In every queue of the process. */
static void job_control(struct emu *emu, struct proc *p, int sig)
{
    uint64_t stops = LINUX_SIGBIT(LINUX_SIGSTOP) | LINUX_SIGBIT(LINUX_SIGTSTP) |
                     LINUX_SIGBIT(LINUX_SIGTTIN) | LINUX_SIGBIT(LINUX_SIGTTOU);
    if (sig == LINUX_SIGCONT) {
        signal_discard(emu, p, stops);
        if (p->tg->stopped) {
            p->tg->stopped = false;
            p->tg->stop_report = false;
            p->tg->cont_report = true;
            proc_notify_parent(emu, p, 6 /* CLD_CONTINUED */, LINUX_SIGCONT);
        }
    } else if (stops & LINUX_SIGBIT(sig)) {
        signal_discard(emu, p, LINUX_SIGBIT(LINUX_SIGCONT));
    }
}

/* What every signal to task p goes through before it pends.  False when
 * it does not pend: SIGKILL ended the process, or it is ignored (and
 * discarded at generation, as Linux does). */
static bool generate(struct emu *emu, struct proc *p, const struct ksiginfo *info)
{
    int sig = info->signo;
    /* init ignores every signal, as Linux's init does those it has no
     * handler for. */
    if (!p || p->state == PROC_ZOMBIE || p->state == PROC_INIT || sig <= 0 || sig > LINUX_NSIG)
        return false;
    if (sig == LINUX_SIGKILL) {
        p->sig.fatal = *info;
        proc_exit(emu, p, LINUX_SIGKILL);
        return false;
    }
    job_control(emu, p, sig);
    const struct linux_sigaction *act = &p->tg->act[sig];
    bool ignored = act->handler == LINUX_SIG_IGN || (act->handler == LINUX_SIG_DFL && !signal_default(sig));
    return !ignored || signal_forced(info) || (p->sig.blocked & LINUX_SIGBIT(sig));
}

/* Can thread q take sig now: alive, its process not stopped, and sig
 * not blocked or waited for in rt_sigtimedwait. */
static bool wants(const struct proc *q, int sig)
{
    uint64_t bit = LINUX_SIGBIT(sig);
    return q->state != PROC_ZOMBIE && q->state != PROC_INIT && !q->tg->stopped &&
           (!(q->sig.blocked & bit) || (q->sigwait & bit));
}

/* q may take a signal: interrupt its wait (or end rt_sigtimedwait's),
 * and stop its CPU so that delivery comes at once. */
static void wake(struct proc *q)
{
    if (q->state == PROC_BLOCKED)
        q->state = PROC_RUNNABLE;
    if (q->cpu)
        cpu_request_stop(q->cpu);
}

static void enqueue(struct sigqueue *q, const struct ksiginfo *info)
{
    q->set |= LINUX_SIGBIT(info->signo);
    q->info[info->signo] = *info;
}

void proc_signal(struct emu *emu, struct proc *p, const struct ksiginfo *info)
{
    if (!generate(emu, p, info))
        return;
    enqueue(&p->sig.pending, info);
    if (wants(p, info->signo))
        wake(p);
    else if (p->cpu)
        cpu_request_stop(p->cpu); /* the signal may be forced through (a fault) */
}

/* A live task of p's process (p itself unless it has exited while other
 * threads live on), or NULL. */
static struct proc *live_task(struct emu *emu, struct proc *p)
{
    if (!p || p->state != PROC_ZOMBIE)
        return p;
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q->tg == p->tg && q->state != PROC_ZOMBIE)
            return q;
    }
    return NULL;
}

/* The thread of p's process to wake for sig: p if it can take it, else
 * the first in the task table that can; NULL when every thread blocks it. */
static struct proc *taker(struct emu *emu, struct proc *p, int sig)
{
    if (wants(p, sig))
        return p;
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q->tg == p->tg && wants(q, sig))
            return q;
    }
    return NULL;
}

void signal_retarget(struct emu *emu, struct proc *p, uint64_t mask)
{
    uint64_t set = p->tg->shared_pending.set & mask;
    while (set) {
        int sig = __builtin_ctzll(set) + 1;
        set &= set - 1;
        struct proc *t = taker(emu, p, sig);
        if (t)
            wake(t);
    }
}

void proc_signal_process(struct emu *emu, struct proc *p, const struct ksiginfo *info)
{
    p = live_task(emu, p);
    if (!generate(emu, p, info))
        return;
    int sig = info->signo;
    struct proc *t = taker(emu, p, sig);
    const struct linux_sigaction *act = &p->tg->act[sig];
    int dfl = act->handler == LINUX_SIG_DFL ? signal_default(sig) : 0;
    if (t && (dfl == 1 || dfl == 2) && !(t->sig.blocked & LINUX_SIGBIT(sig))) {
        /* Fatal, and a thread would take it: the process ends now, before
         * any of its threads runs on (Linux's group exit at generation). */
        t->sig.fatal = *info;
        proc_exit(emu, t, sig);
        return;
    }
    enqueue(&p->tg->shared_pending, info);
    if (t)
        wake(t);
}
