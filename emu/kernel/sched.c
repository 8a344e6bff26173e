/*
 * sched.c - the scheduler.  It is deterministic: a process runs until it
 * blocks, exits, or (with --quantum) has executed its quantum of
 * instructions; then the next runnable process in pid order runs.  A
 * blocked system call is re-executed when its process is woken.  When
 * nobody can run, the fixed clock jumps to the earliest deadline; when
 * every process is blocked and no deadline is left, nothing can ever
 * wake them: that is reported as a deadlock.
 */
#include "emu/kernel/clock.h"
#include "emu/kernel/hostsig.h"
#include "emu/kernel/proc.h"
#include "emu/kernel/procsys.h"
#include "emu/kernel/thread.h"
#include "emu/util/tool.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/* The default turn of a thread, in instructions (see run_quantum; the
 * value is measured by bench/quantum.sh, which builds faultline with
 * others through -DTHREAD_QUANTUM=N). */
#ifndef THREAD_QUANTUM
#define THREAD_QUANTUM 20000
#endif
/* Instructions between looks at the host's clock with --real-time (a few
 * ms of guest code): how late a timer may come to a computing process. */
#define REAL_TIME_QUANTUM 1000000

static struct emu *timer_emu; /* for the handlers of --timeout and the deadline timer */

static void on_timeout(int sig)
{
    (void)sig;
    struct emu *emu = timer_emu;
    emu->timed_out = true;
    if (emu->current && emu->current->cpu)
        cpu_request_stop(emu->current->cpu);
}

/* --real-time: a host timer marks the next guest deadline and breaks a
 * host wait; a process that computes without system calls sees it at the
 * end of its quantum (REAL_TIME_QUANTUM), when its timer's signal is
 * delivered.  The timer does not stop the CPU itself: a stop from a host
 * signal lands in the middle of a translated block, after which
 * libunicorn 2.0.1 was seen to run the guest on wrongly now and then. */
static timer_t deadline_timer;
static bool deadline_timer_made;
static volatile sig_atomic_t deadline_hit;

static void on_deadline(int sig)
{
    (void)sig;
    deadline_hit = 1;
}

static void arm_deadline(struct emu *emu, uint64_t next)
{
    if (!emu->opt.real_time)
        return;
    if (!deadline_timer_made) {
        timer_emu = emu;
        struct sigaction sa = {.sa_handler = on_deadline, .sa_flags = SA_RESTART};
        sigaction(SIGRTMIN, &sa, NULL);
        struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN};
        if (timer_create(CLOCK_MONOTONIC, &ev, &deadline_timer) != 0)
            return;
        deadline_timer_made = true;
    }
    struct itimerspec its = {{0, 0}, {0, 0}};
    if (next != UINT64_MAX && next)
        its.it_value = (struct timespec){(time_t)(next / 1000000000ULL), (long)(next % 1000000000ULL)};
    timer_settime(deadline_timer, TIMER_ABSTIME, &its, NULL);
}

static uint64_t next_deadline(struct emu *emu);

void proc_timers_changed(struct emu *emu)
{
    if (emu->opt.real_time)
        arm_deadline(emu, next_deadline(emu));
}

static void start_timer(struct emu *emu)
{
    if (emu->opt.timeout <= 0)
        return;
    timer_emu = emu;
    struct sigaction sa = {.sa_handler = on_timeout};
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {0};
    it.it_value.tv_sec = (time_t)emu->opt.timeout;
    it.it_value.tv_usec = (suseconds_t)((emu->opt.timeout - (double)it.it_value.tv_sec) * 1e6);
    if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
        it.it_value.tv_usec = 1;
    setitimer(ITIMER_REAL, &it, NULL);
}

static struct proc *next_runnable(struct emu *emu, struct proc *last, bool stay)
{
    if (stay && last && last->state == PROC_RUNNABLE && !last->tg->stopped)
        return last;
    /* Round robin in pid order after last. */
    struct proc *best = NULL, *first = NULL;
    int after = last ? last->pid : 0;
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *p = emu->procs[i];
        if (!p || p->state != PROC_RUNNABLE || p->tg->stopped)
            continue;
        if (!first || p->pid < first->pid)
            first = p;
        if (p->pid > after && (!best || p->pid < best->pid))
            best = p;
    }
    return best ? best : first;
}

bool emu_others_runnable(struct emu *emu, const struct proc *self)
{
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q != self && q->state == PROC_RUNNABLE && !q->tg->stopped)
            return true;
    }
    return false;
}

/* Wake every timed wait whose deadline has passed; fire due timers. */
static void wake_timers(struct emu *emu)
{
    timers_fire(emu);
    uint64_t now = emu_monotonic(emu);
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q->state == PROC_BLOCKED && q->wake_at && q->wake_at <= now)
            q->state = PROC_RUNNABLE; /* WAKE_NEVER is never <= now */
    }
}

/* The earliest deadline: a blocked process's timed wait, or a timer
 * whose expiry would change something (UINT64_MAX: none). */
static uint64_t next_deadline(struct emu *emu)
{
    uint64_t next = timers_next(emu);
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q->state == PROC_BLOCKED && q->wake_at && q->wake_at != WAKE_NEVER &&
            q->wake_at < next)
            next = q->wake_at;
    }
    return next;
}

/* Nothing can run: time passes to the earliest deadline (the fixed clock
 * jumps there; with --real-time the host sleeps).  False when there is
 * none: only a host descriptor or nothing at all can end the waits. */
static bool pass_time(struct emu *emu)
{
    uint64_t next = next_deadline(emu);
    if (next == UINT64_MAX)
        return false;
    if (!emu->opt.real_time) {
        load_advance(emu, next, 0); /* nobody could run meanwhile */
        if (emu->clock_ns < next)
            emu->clock_ns = next;
    } else {
        uint64_t now = emu_monotonic(emu);
        if (next > now) {
            uint64_t d = next - now;
            struct timespec ts = {(time_t)(d / 1000000000ULL), (long)(d % 1000000000ULL)};
            nanosleep(&ts, NULL); /* an early end (the --timeout alarm) only retries */
        }
        load_advance(emu, emu_monotonic(emu), 0);
    }
    return true;
}

/* A load-average sample that came due while tasks ran: those able to run
 * now count. */
static void load_tick(struct emu *emu)
{
    uint64_t now = emu_monotonic(emu);
    if (now >= emu->load.next)
        load_advance(emu, now, load_active(emu));
}

/* A process waiting on host descriptors, when nothing else can run. */
static struct proc *host_waiter(struct emu *emu)
{
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q->state == PROC_BLOCKED && q->host_wait && !q->tg->stopped)
            return q;
    }
    return NULL;
}

/* A run the CPU gave up on ends the process as Linux would end it. */
static void run_error(struct emu *emu, struct proc *p, enum cpu_exit why)
{
    if (p->state != PROC_RUNNABLE || p->sig.pending.set || why == CPU_EXIT_STOPPED)
        return;
    struct ksiginfo si = {.signo = LINUX_SIGSEGV, .code = LINUX_SI_KERNEL};
    switch (why) {
    case CPU_EXIT_INVALID:
        si.signo = LINUX_SIGILL;
        si.code = LINUX_ILL_ILLOPN;
        si.addr = cpu_reg(p->cpu, CPU_RIP);
        break;
    case CPU_EXIT_UNMAPPED:
        si.code = LINUX_SEGV_MAPERR;
        break;
    default:
        break;
    }
    proc_signal(emu, p, &si);
}

/* The scheduler's memory between turns. */
struct sched {
    struct proc *last;   /* who ran last */
    bool stay;           /* let last run again */
    unsigned idle;       /* turns in a row in which time passed and nobody ran */
};

/* Auto-reaped children whose end came while they were not running (a
 * timer's SIGKILL): gone now, before any wait can see them. */
static void reap_stopped(struct emu *emu, struct sched *sc)
{
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q->reap_when_stopped && q->state == PROC_ZOMBIE &&
            !(q->dead_cpu && cpu_running(q->dead_cpu))) {
            if (q == sc->last)
                sc->last = NULL;
            if (q == emu->current)
                emu->current = NULL;
            proc_release(emu, q);
        }
    }
}

enum pick { PICK_RUN, PICK_AGAIN, PICK_DEADLOCK };

/* Who runs next: a runnable process, or (when none is) a waiter on host
 * descriptors, after time passed to the next deadline if there is one. */
static enum pick pick(struct emu *emu, struct sched *sc, struct proc **out)
{
    struct proc *p = next_runnable(emu, sc->last, sc->stay);
    emu->poll_until = 0;
    if (!p && emu->opt.real_time && (p = host_waiter(emu))) {
        /* Real time passes for the host's descriptors and the deadlines
         * alike: wait on the host until the next deadline. */
        uint64_t next = next_deadline(emu);
        emu->poll_until = next == UINT64_MAX ? 0 : next;
        p->state = PROC_RUNNABLE;
    }
    /* Time passing may wake someone; a timer whose signal wakes nobody
     * (blocked) for a million turns is a hang like any other. */
    if (!p && sc->idle < 1000000 && pass_time(emu)) {
        sc->idle++;
        return PICK_AGAIN;
    }
    if (!p) {
        /* Nothing in the guest can act: a wait on host descriptors may
         * still end (its retry now waits on the host). */
        p = host_waiter(emu);
        if (!p)
            return PICK_DEADLOCK;
        p->state = PROC_RUNNABLE;
    }
    *out = p;
    return PICK_RUN;
}

/* Before p's CPU runs: its woken call runs again first (a child's exit
 * completes wait4 even though SIGCHLD woke it), then its signals are
 * delivered.  False when p cannot run after all. */
static bool prepare(struct emu *emu, struct proc *p, struct sched *sc)
{
    if (p->cpu && !proc_load(p)) {
        sc->stay = false;
        return false;
    }
    if (p->restart) {
        emu->sys.retry(p);
        if (p->state == PROC_BLOCKED) {
            if (!signal_ready(p)) {
                sc->stay = false;
                return false; /* still nothing: keep waiting */
            }
            p->state = PROC_RUNNABLE; /* a signal interrupts the wait */
        }
    }
    signal_deliver(emu, p);
    if (p->state == PROC_RUNNABLE && p->restart)
        p->state = PROC_BLOCKED; /* the signal did not end the wait */
    if (p->state != PROC_RUNNABLE || p->tg->stopped) {
        sc->stay = false;
        return false;
    }
    return true;
}

/* Instructions p may run before the next task's turn: --quantum, or for
 * a process that has had threads THREAD_QUANTUM, so that a thread that
 * spins waiting for another cannot hang the run, or with --real-time
 * REAL_TIME_QUANTUM, so that timers come.  (An engine's first run by
 * a quantum drops its translated blocks, to count them from then on;
 * see hooks_count_blocks.) */
static uint64_t run_quantum(const struct emu *emu, const struct proc *p)
{
    if (emu->opt.quantum)
        return emu->opt.quantum;
    if (p->tg->threaded)
        return THREAD_QUANTUM;
    return emu->opt.real_time ? REAL_TIME_QUANTUM : 0;
}

/* One run of p's CPU and what follows it. */
static void run_turn(struct emu *emu, struct proc *p, struct sched *sc)
{
    sc->idle = 0;
    proc_timers_changed(emu); /* time may have passed: the host timer follows */
    uint64_t quantum = run_quantum(emu, p);
    p->run_since = emu_monotonic(emu);
    enum cpu_exit why = cpu_run(p->cpu, quantum);
    proc_charge(emu, p, emu_monotonic(emu) - p->run_since);
    p->run_since = 0;
    proc_free_engine(p);
    if (p->reap_when_stopped) {
        proc_release(emu, p);
        sc->last = NULL;
        sc->stay = false;
        return;
    }
    if (p->sigreturn && p->state != PROC_ZOMBIE) {
        p->sigreturn = false;
        signal_sigreturn(emu, p);
    }
    run_error(emu, p, why);
    /* With a quantum, a stop that used it up passes the turn on, and the
     * fixed clock moves on by the quantum (1 ns an instruction), so that
     * a sleeper wakes while others compute. */
    sc->stay = !(quantum && why == CPU_EXIT_STOPPED && p->state == PROC_RUNNABLE &&
                 !signal_ready(p) && cpu_settled(p->cpu));
    if (!sc->stay && !emu->opt.real_time) {
        emu->clock_ns += quantum;
        proc_charge(emu, p, quantum);
    }
    if (deadline_hit) {
        deadline_hit = 0;
        sc->stay = false; /* a deadline came: whoever it woke gets a turn */
    }
    if (p->yielded) {
        /* A process that yields waits for another: when nobody else can
         * run, time passes to the next deadline. */
        p->yielded = false;
        sc->stay = false;
        if (!emu_others_runnable(emu, p))
            pass_time(emu);
    }
    if (p->state == PROC_RUNNABLE && signal_ready(p))
        signal_deliver(emu, p);
}

static void stop_timers(struct emu *emu)
{
    if (emu->opt.timeout > 0) {
        struct itimerval off = {0};
        setitimer(ITIMER_REAL, &off, NULL);
    }
    if (deadline_timer_made) {
        timer_delete(deadline_timer);
        deadline_timer_made = false;
    }
}

/* faultline's exit status once the run is over. */
static int run_status(struct emu *emu)
{
    if (emu->interrupted) {
        notice_error(&emu->notices, "interrupted");
        return 128 + SIGINT;
    }
    if (emu->timed_out) {
        notice_error(&emu->notices, "timed out after %g s", emu->opt.timeout);
        return EXIT_TIMEOUT;
    }
    if (emu->deadlock) {
        char who[NOTICE_MAX - 64] = "";
        size_t at = 0;
        int n = 0;
        for (int i = 0; i < emu->nprocs; i++) {
            struct proc *q = emu->procs[i];
            if (q && q->state != PROC_ZOMBIE && (q->state == PROC_BLOCKED || q->tg->stopped))
            {
                const char *in = emu->opt.verbose && emu->sys.name ? emu->sys.name(q->last_nr) : NULL;
                int k = snprintf(who + at, sizeof who - at, "%spid %d %s%s%s%s", n++ ? ", " : "",
                                 q->pid, q->name, q->tg->stopped ? " (stopped)" : "",
                                 in ? " in " : "", in ? in : "");
                at = k < 0 || (size_t)k >= sizeof who - at ? sizeof who - 1 : at + (size_t)k;
            }
        }
        notice_error(&emu->notices, "deadlock: every process is blocked (%s)", who);
        return EXIT_FAULTLINE;
    }
    int st = emu->main_status;
    if (st & 0x7f)
        return 128 + (st & 0x7f);
    return (st >> 8) & 0xff;
}

int proc_schedule(struct emu *emu)
{
    start_timer(emu);
    hostsig_install(emu);
    struct sched sc = {.stay = true};
    while (!emu->main_exited && !emu->timed_out) {
        if (!hostsig_deliver(emu))
            break;
        wake_timers(emu);
        if (emu->main_exited)
            break; /* a fatal signal from the host or a timer */
        load_tick(emu);
        reap_stopped(emu, &sc);
        struct proc *p = NULL;
        enum pick r = pick(emu, &sc, &p);
        if (r == PICK_AGAIN)
            continue;
        if (r == PICK_DEADLOCK) {
            emu->deadlock = true;
            break;
        }
        p->host_wait = false;
        sc.last = p;
        emu->current = p;
        if (prepare(emu, p, &sc))
            run_turn(emu, p, &sc);
    }
    stop_timers(emu);
    hostsig_remove();
    return run_status(emu);
}
