/*
 * proc.h - guest processes: identity, state, address space, CPU,
 * descriptors, signals and timers, and the scheduler that runs them.
 */
#ifndef FAULTLINE_KERNEL_PROC_H
#define FAULTLINE_KERNEL_PROC_H

#include "emu/kernel/file.h"
#include "emu/kernel/kernel.h"
#include "emu/kernel/signal.h"
#include "emu/kernel/timer.h"

#include <limits.h>

/* PROC_INIT is pid 1, faultline's own init: it never runs, adopts
 * orphans and reaps them, and ignores signals. */
enum proc_state { PROC_RUNNABLE, PROC_BLOCKED, PROC_ZOMBIE, PROC_INIT };

/* A process: what the tasks (threads) of one thread group share.
 * Owned by its tasks: the last one to go frees it. */
struct tgroup {
    int refs;                /* tasks pointing here */
    int tgid;                /* the process id: the leader's tid */
    int ppid, pgid, sid;
    char exe[PATH_MAX];      /* /proc/self/exe, a guest path */
    char cwd[PATH_MAX];      /* a guest path, always absolute */
    unsigned umask;
    struct linux_sigaction act[LINUX_NSIG + 1]; /* dispositions */
    struct sigqueue shared_pending; /* process-directed signals no thread took yet */
    struct ptimer timers[PTIMERS];
    uint64_t arg_start, arg_end, env_start, env_end; /* /proc/<pid>/cmdline, environ */
    uint64_t entry;          /* AT_ENTRY: the area holding it is the text of statm, VmExe */
    uint64_t dead_run_ns;    /* CPU time of its tasks that are gone (proc_charge) */
    uint64_t child_run_ns;   /* ... and of the children it waited for, with theirs */
    bool stopped;            /* by SIGSTOP (TSTP, TTIN, TTOU) until SIGCONT */
    int stop_sig;
    bool stop_report;        /* a stop wait4(WUNTRACED) has not seen yet */
    bool cont_report;        /* a continue wait4(WCONTINUED) has not seen yet */
    int live;                /* tasks that have not exited */
    bool threaded;           /* has had more than one task: its CPU runs by quantum */
    int membarrier_registered; /* the membarrier registrations it made */
    struct linux_rlimit rlim[LINUX_RLIM_NLIMITS]; /* setrlimit's; inherited over fork and execve */
};

struct proc {
    struct emu *emu;
    struct tgroup *tg;       /* the process (thread group) this task belongs to */
    struct cpu_ctx *regs;    /* its registers while another task of the group runs */
    bool start_pending;      /* a new thread: start_* go into its registers when first loaded */
    bool start_fs;
    uint64_t start_rip, start_rsp, start_fs_base;
    int pid;                 /* the task's id: its tid (the process id is tg->tgid) */
    enum proc_state state;
    struct vm_mm *mm;
    struct cpu *cpu;
    struct fdtable *fds;
    struct sigstate sig;
    char name[16];           /* comm */
    int nice;                /* -20..19, inherited; scheduling ignores it */
    int wait_status;         /* encoded as wait(2) gives it */
    int vfork_parent;        /* pid blocked until this child execs or exits; 0 none */
    int vfork_child;         /* blocked until this child execs or exits; 0 none */
    bool yielded;            /* sched_yield: pass the turn on */
    bool sigreturn;          /* rt_sigreturn: restore the frame once the CPU stopped */
    bool host_wait;          /* blocked in a wait that host descriptors can end */
    bool reap_when_stopped;  /* auto-reaped while its own engine ran: release after */
    uint64_t clear_child_tid;
    bool restart;            /* re-execute the syscall at restart_rip when woken */
    bool restart_eintr;      /* a handler ends the wait with EINTR even with SA_RESTART */
    uint64_t restart_rip;
    uint64_t wake_at;        /* a blocked call with a timeout: its deadline (guest ns) */
#define WAKE_NEVER UINT64_MAX    /* a timeout too far to ever end */
    struct file *fifo_wait;  /* an open of a FIFO blocked for its other side: its end, */
    uint64_t fifo_seen;      /* and the other side's opens when it began */
    bool lock_waiting;       /* blocked in F_SETLKW (POSIX) for lock_wait */
    struct lock_rec lock_wait;
    int sem_wait_id;         /* blocked in semop on this set's sem_wait_num: */
    int sem_wait_num;
    bool sem_wait_zero;      /* for it to be zero (else to grow) */
    uint64_t io_done;        /* bytes a blocking pipe write moved before it blocked */
    bool futex_wait;         /* blocked in FUTEX_WAIT on futex_key */
    bool futex_woken;        /* a FUTEX_WAKE chose this waiter */
    struct vm_key futex_key;
    uint32_t futex_bitset;   /* which FUTEX_WAKE_BITSET wakes it (all: ~0) */
    bool futex_pi;           /* waiting in FUTEX_LOCK_PI: a wake hands it the lock */
    uint64_t robust_list;    /* set_robust_list's head: walked when the task ends */
    uint64_t sleep_rem;      /* nanosleep's rem: where an interrupted sleep writes what is left */
    uint64_t sigwait;        /* rt_sigtimedwait's set: these wake it even though blocked */
    bool exec_done;          /* execve replaced the engine: do not touch the old one */
    struct cpu *dead_cpu;    /* the engine execve replaced, freed once stopped */
    uint64_t syscalls;
    uint64_t last_nr;        /* its last system call (a blocked task waits in it) */
    bool in_call;            /* in last_nr now (faults it takes are the kernel's) */
    uint64_t call_rip;       /* ... at this syscall instruction */
    struct vm_mm *call_mm;   /* ... of this address space (execve replaces it) */
    uint64_t start_seq;      /* trace sequence when it started */
    uint64_t start_ns;       /* the guest's monotonic clock when it started (stat's starttime) */
    uint64_t run_ns;         /* its CPU time: guest time that passed while it ran, */
    uint64_t run_since;      /* ... and since this time, while it runs now (0: it does not) */
};

struct proc *proc_by_pid(struct emu *emu, int pid);
/* Is p able to run, as /proc's R state and the load average count it?  A
 * task woken to retry its blocked call is still in it (S) until it
 * completes. */
static inline bool proc_running(const struct proc *p)
{
    return p->state == PROC_RUNNABLE && !p->restart && !p->tg->stopped;
}
/* Create pid 1 from the command line; returns the exit status to use
 * when it cannot start (>= 0), or -1 when it is ready. */
int proc_spawn_init(struct emu *emu, const char *path, char **argv);
/* Run every process until pid 1 is gone; returns faultline's exit status. */
int proc_schedule(struct emu *emu);
/* The process ends with a wait status (exit code << 8, or a signal). */
void proc_exit(struct emu *emu, struct proc *p, int wait_status);
void proc_block(struct proc *p);
/* CPU time: ns of the guest's clock passed while p ran (its quantum, its
 * reads of the clock; with --real-time the host's time) go to p and to
 * the machine's busy time.  proc_cpu_ns: the process's, all its tasks'. */
void proc_charge(struct emu *emu, struct proc *p, uint64_t ns);
uint64_t proc_cpu_ns(const struct proc *p);
/* The task's own, and the machine's busy time, the run under way included. */
uint64_t task_cpu_ns(const struct proc *p);
uint64_t emu_busy_ns(struct emu *emu);
/* A process with nothing but its pid: state, stats slot and pid taken;
 * NULL when the table cannot grow.  proc_release undoes it. */
struct proc *proc_alloc(struct emu *emu);
void proc_release(struct emu *emu, struct proc *p);
/* A new CPU for p, reporting to p (NULL when none can be made). */
struct cpu *proc_cpu_new(struct emu *emu, struct proc *p);
/* Registers for a new image: its stack and entry point. */
void proc_start_regs(struct cpu *cpu, const struct loader_image *img);
/* What the loader gives p's new image: ids, hwcap, AT_RANDOM's seed. */
struct loader_args proc_loader_args(struct emu *emu, struct proc *p, const char *path,
                                    char *const *argv, char *const *envp,
                                    const struct loader_fs *fs);
/* Where a new image's argument and environment strings lie. */
void proc_note_args(struct proc *p, const struct loader_image *img);
/* Tell p's parent about p with SIGCHLD (code CLD_*) and wake its waits. */
void proc_notify_parent(struct emu *emu, struct proc *p, int code, int status);
void proc_wake_all(struct emu *emu);
/* A vfork child has exec'd or exited: its waiting parent runs again. */
void proc_vfork_release(struct emu *emu, struct proc *p);
/* oom.c: out of frames and swap: kill the largest process (by resident and
 * swapped pages).  True when that was not faulting, which may retry. */
bool proc_oom_kill(struct emu *emu, struct proc *faulting);
/* A system call of p (call, its name) failed with ENOMEM: if strict
 * commit refused it, say so (once a run) with the options that would let
 * it through. */
void oom_commit_refused(struct emu *emu, struct proc *p, const char *call);
/* A timer was set: with --real-time, the host timer follows it. */
void proc_timers_changed(struct emu *emu);
/* Free the engine execve replaced, once it stopped. */
void proc_free_engine(struct proc *p);
/* An interrupted sleep writes what is left. */
void sleep_interrupted(struct emu *emu, struct proc *p);

#endif
