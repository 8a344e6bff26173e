/*
 * kernel.h - the emulated kernel's machine-wide state (struct emu): the
 * options of the run, the memory system, the process table, the guest
 * clock and what --summary counts.  One struct emu is the whole machine;
 * it is passed explicitly.
 */
#ifndef FAULTLINE_KERNEL_H
#define FAULTLINE_KERNEL_H

#include "emu/cpu/cpu.h"
#include "emu/kernel/lock.h"
#include "emu/trace/trace.h"
#include "emu/util/notice.h"
#include "loader/loader.h"
#include "loader/sym.h"
#include "vm/vm.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SYSCALL_MAX 512

struct emu_options {
    struct trace_opts trace;
    bool summary;
    bool no_symbols;       /* the fault log names no functions or lines */
    bool maps;
    uint32_t frames;
    uint64_t swap_pages;
    const char *swap_file;
    enum vm_policy policy;
    enum vm_commit commit;
    uint64_t seed;
    const char *root;
    char **env_set;        /* -E NAME=VALUE, NULL-terminated */
    bool env_clear;
    int max_procs;
    uint64_t quantum;      /* instructions per turn; 0 = run until blocked */
    double timeout;        /* seconds; 0 = none */
    bool real_time;
    bool net_host;         /* --net host: TCP and UDP may reach the host's loopback */
    bool epoch_set;        /* --epoch or SOURCE_DATE_EPOCH: CLOCK_REALTIME pinned */
    uint64_t epoch;        /* ... to this many seconds since 1970 at the start */
    bool verbose;
    bool quiet;            /* -q: none of faultline's own notices */
    int pid;               /* the program's pid (2 by default) */
    bool check;            /* run vm/'s invariant checker after every system call */
};

struct proc;
struct net;
struct pipe;
struct ipc_space;
struct timewake;

/* What one process did, kept after it is reaped (for --summary). */
struct proc_stats {
    char name[16];
    uint64_t events[VM_EV_COUNT];
    uint64_t syscalls;       /* of all its threads */
    int threads;             /* threads it started besides its first */
    int wait_status;
    bool exited;
};

/* The load average (procsys.c): Linux's fixed-point averages of the
 * tasks able to run, sampled every 5 s of the guest's clock. */
struct loadavg {
    uint64_t next;           /* guest ns of the next sample (0: not started) */
    unsigned long avg[3];    /* 1, 5 and 15 minutes, 11 fraction bits */
};

/* The system-call layer, as the kernel calls it (set by whoever builds
 * the machine: the kernel does not depend on the system calls). */
struct kernel_syscalls {
    /* A syscall instruction of p; true when its CPU must stop. */
    bool (*dispatch)(struct proc *p);
    /* Run p's blocked call again, outside the CPU: it completes (rax set,
     * rip past it) or blocks again. */
    void (*retry)(struct proc *p);
    /* The name of call nr (NULL: none). */
    const char *(*name)(uint64_t nr);
    /* Process tgid ended: what the layer keeps for it goes (SEM_UNDO). */
    void (*exited)(struct emu *emu, int tgid);
};

struct emu {
    struct emu_options opt;
    struct vm *vm;
    struct cpu_calib *calib;
    struct kernel_syscalls sys;
    struct tracer *tracer;
    struct notices notices; /* faultline's own messages (-q, repeats) */
    struct sym_table *syms; /* names for the log's instruction addresses; NULL: none */
    struct proc **procs;   /* by slot; NULL free */
    int nprocs, proccap;
    int next_pid;
    int live;              /* processes not yet reaped */
    struct proc *current;
    int rootfd;            /* the guest's "/" */
    char **envp;           /* pid 1's environment */
    uint64_t clock_ns;     /* the fixed clock, advanced by sleeps and reads */
    uint64_t realtime_off; /* CLOCK_REALTIME - the fixed clock, in ns (clock.c) */
    struct pipe *fifos;    /* the FIFOs guest processes have open (file.h) */
    struct lock_table locks; /* the file locks guest processes hold (lock.h) */
    struct ipc_space *ipc; /* System V IPC objects (emu/sys/ipc.h), made at first use */
    uint64_t pipes;        /* made-up files so far (pipes, eventfds, sockets): their inode numbers */
    struct net *net;       /* the sockets (emu/sys/sock.h), made at the first */
    struct timewake *timewakes; /* armed time wakes (timer.h), in no order */
    uint64_t poll_until;   /* --real-time: a host wait ends by then (the next deadline) */
    uint64_t rng;          /* getrandom stream, from --seed */
    uint64_t hwcap;
    int main_pid;          /* the program's pid (--pid); pid 1 is init */
    int main_status;       /* the program's wait status, once it exited */
    uint64_t commit_refusals; /* strict commit's refusals already seen */
    bool thread_warned;    /* the one notice that threads are not supported */
    bool main_exited;
    bool deadlock;
    bool timed_out;
    bool interrupted;      /* a second SIGINT: the run ended at once */
    uint64_t syscall_calls[SYSCALL_MAX];
    uint64_t unknown_calls[SYSCALL_MAX];
    uint64_t unknown_other; /* numbers past the table */
    uint64_t procs_created;
    struct loadavg load;
    uint64_t busy_ns;      /* CPU time of every task so far (proc_charge) */
    struct proc_stats *pstats; /* by pid (index pid - 1) */
    int npstats;
};

/* The vm/ trace callback: counts per process, then writes the trace. */
void emu_trace(void *emu, const struct vm_event_rec *rec);
struct proc_stats *emu_proc_stats(struct emu *emu, int pid);
/* Note p's fork, exec or exit (status: the wait
 * status of an exit) in the fault log. */
void emu_trace_proc(struct emu *emu, enum trace_proc_kind kind, const struct proc *p, int status);
/* The guest's monotonic clock in ns, without moving it: the fixed clock,
 * or the host's with --real-time. */
uint64_t emu_monotonic(struct emu *emu);
/* The guest's CLOCK_REALTIME minus its CLOCK_MONOTONIC, in ns. */
uint64_t emu_realtime_offset(struct emu *emu);
/* Can a process other than self run now? */
bool emu_others_runnable(struct emu *emu, const struct proc *self);

#endif
