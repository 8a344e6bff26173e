/*
 * hostsig.c - signals sent to faultline itself go to the guest, as a
 * terminal or kill would send them: SIGINT and SIGQUIT to the program's
 * process group (the foreground job), SIGTERM and SIGHUP to the program.
 * The handler only records the signal and stops the running CPU; the
 * scheduler hands it on between runs.  When the guest dies of it the run
 * ends as any other, with the whole trace written and the summary
 * printed.  A second SIGINT within a second ends the run at once, still
 * with a complete log (exit 130).
 *
 * The CPU is stopped at once only where no guest code runs on after the
 * stop: when the running process is one the signal goes to and dies of
 * it by default, or on the second SIGINT.  A stop from a host signal can
 * land in the middle of a translated block, and a guest that ran on from
 * there was seen to go wrong now and then (libunicorn 2.0.1); so a signal
 * the guest catches reaches it at its next system call, fault or quantum.
 *
 * A signal faultline started with ignored (a background job's SIGINT)
 * stays ignored, as a shell's children keep it.
 */
#include "emu/kernel/hostsig.h"
#include "emu/kernel/proc.h"

#include <signal.h>
#include <string.h>
#include <time.h>

static const int forwarded[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP};
#define NFORWARDED (sizeof forwarded / sizeof forwarded[0])

static struct emu *hs_emu;
static volatile sig_atomic_t pending[NFORWARDED];
static volatile sig_atomic_t any_pending, give_up;
static struct timespec last_int;
/* Who the signals go to, refreshed between runs (the handler must not
 * walk the process table): the program's process and its group. */
static volatile sig_atomic_t target_tgid, target_pgid;
static bool installed[NFORWARDED];

static void on_host_signal(int sig)
{
    for (size_t i = 0; i < NFORWARDED; i++)
        if (forwarded[i] == sig)
            pending[i] = 1;
    if (sig == SIGINT) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double since = (double)(now.tv_sec - last_int.tv_sec) +
                       (double)(now.tv_nsec - last_int.tv_nsec) / 1e9;
        if (last_int.tv_sec && since < 1.0)
            give_up = 1;
        last_int = now;
    }
    any_pending = 1;
    struct emu *emu = hs_emu;
    struct proc *cur = emu ? emu->current : NULL;
    if (!cur || !cur->cpu)
        return;
    bool group = sig == SIGINT || sig == SIGQUIT;
    bool targeted = group ? cur->tg->pgid == target_pgid : cur->tg->tgid == target_tgid;
    bool dies = cur->tg->act[sig].handler == LINUX_SIG_DFL && signal_default(sig) != 0 &&
                !(cur->sig.blocked & LINUX_SIGBIT(sig));
    if (give_up || (targeted && dies))
        cpu_request_stop(cur->cpu);
}

void hostsig_install(struct emu *emu)
{
    hs_emu = emu;
    for (size_t i = 0; i < NFORWARDED; i++) {
        struct sigaction old;
        if (sigaction(forwarded[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        struct sigaction sa = {.sa_handler = on_host_signal, .sa_flags = SA_RESTART};
        sigemptyset(&sa.sa_mask);
        installed[i] = sigaction(forwarded[i], &sa, NULL) == 0;
    }
}

void hostsig_remove(void)
{
    for (size_t i = 0; i < NFORWARDED; i++)
        if (installed[i]) {
            signal(forwarded[i], SIG_DFL);
            installed[i] = false;
        }
    hs_emu = NULL;
}

/* The program's process, if it still runs. */
static struct proc *program(struct emu *emu)
{
    struct proc *p = proc_by_pid(emu, emu->main_pid);
    return p && p->state != PROC_ZOMBIE ? p : NULL;
}

static void send_to(struct emu *emu, struct proc *p, int sig)
{
    struct ksiginfo si = {.signo = sig, .code = LINUX_SI_USER};
    proc_signal_process(emu, p, &si);
}

/* SIGINT and SIGQUIT: every process of the program's process group. */
static void send_to_group(struct emu *emu, int pgid, int sig)
{
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q->pid == q->tg->tgid && q->state != PROC_ZOMBIE && q->state != PROC_INIT &&
            q->tg->pgid == pgid)
            send_to(emu, q, sig);
    }
}

bool hostsig_pending(void)
{
    return any_pending;
}

bool hostsig_deliver(struct emu *emu)
{
    struct proc *prog = program(emu);
    target_tgid = prog ? prog->tg->tgid : -1;
    target_pgid = prog ? prog->tg->pgid : -1;
    if (!any_pending)
        return !give_up;
    any_pending = 0;
    if (give_up) {
        emu->interrupted = true;
        return false;
    }
    struct proc *main = program(emu);
    for (size_t i = 0; i < NFORWARDED; i++) {
        if (!pending[i])
            continue;
        pending[i] = 0;
        int sig = forwarded[i];
        if (!main)
            continue;
        if (sig == SIGINT || sig == SIGQUIT)
            send_to_group(emu, main->tg->pgid, sig);
        else
            send_to(emu, main, sig);
        main = program(emu);
    }
    return true;
}
