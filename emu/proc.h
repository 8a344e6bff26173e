/*
 * proc.h - the machine (struct emu), guest processes, their files and
 * signals, and the system-call context.
 */
#ifndef FAULTLINE_PROC_H
#define FAULTLINE_PROC_H

#include "emu.h"

#include <fcntl.h>
#include <limits.h>

#define NSIG_LINUX 64
#define MAX_FDS 1024
#define PIPE_BUF_SIZE 65536
#define SYSCALL_MAX 512

/* --- files --------------------------------------------------------------------- */

struct pipe {
    uint8_t *buf;
    size_t head, len;
    int readers, writers;
    uint64_t ino;        /* pipe:[ino], numbered per run */
};

enum file_kind { FILE_HOST, FILE_PIPE_READ, FILE_PIPE_WRITE, FILE_MEM };

/* An open file description, shared by dup'd descriptors and after fork. */
struct file {
    int refs;
    enum file_kind kind;
    int hostfd;          /* FILE_HOST */
    int status;          /* O_APPEND, O_NONBLOCK and the access mode */
    struct pipe *pipe;   /* FILE_PIPE_* */
    char *mem;           /* FILE_MEM: generated contents (/proc/self/maps) */
    size_t memlen, pos;
    bool is_dir;
    bool is_reg;         /* a regular file: its page cache must stay coherent */
    int dir_of;          /* FILE_MEM directory: /proc/<dir_of> (or its fd/ with dir_fds) */
    bool dir_fds;
    uint64_t dev, ino;
    char path[PATH_MAX]; /* the guest's path, for readlink of /proc/self/fd */
};

struct fdtable {
    struct file *file[MAX_FDS];
    bool cloexec[MAX_FDS];
};

/* --- signals --------------------------------------------------------------------- */

struct k_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

#define SI_HOSTMAP 0x81 /* faultline's own si_code: the host refused to map a page */

#define SI_TIMER_K (-2) /* a POSIX timer expired */

struct siginfo_k {
    int signo, code;
    uint64_t addr;   /* SIGSEGV/SIGBUS/SIGILL/SIGFPE */
    int pid, uid, status; /* SIGCHLD, kill; a timer: pid = its id, uid = overruns */
    uint64_t value;       /* a timer's sigev_value */
};

/* Timers on the guest's monotonic clock: [0] is the interval timer
 * (alarm, setitimer ITIMER_REAL), the others timer_create's (id = index - 1). */
#define PTIMERS 9
struct ptimer {
    bool used;           /* a timer_create slot in use ([0] always is) */
    bool notify;         /* send signo when it expires (not SIGEV_NONE) */
    int signo;
    int clock;           /* the clock it was created on */
    int overrun;
    uint64_t at;         /* the next expiry, guest monotonic ns; 0: disarmed */
    uint64_t interval;   /* ns; 0: one shot */
    uint64_t value;      /* sigev_value */
};

struct sigstate {
    struct k_sigaction act[NSIG_LINUX + 1];
    uint64_t blocked;
    uint64_t pending;
    struct siginfo_k info[NSIG_LINUX + 1];
    uint64_t altstack_sp, altstack_size;
    int altstack_flags;
    bool suspended;      /* in rt_sigsuspend: saved_mask is the mask to restore */
    uint64_t saved_mask;
};

/* --- processes -------------------------------------------------------------------- */

enum proc_state { PROC_RUNNABLE, PROC_BLOCKED, PROC_ZOMBIE };

struct proc {
    int pid, ppid, pgid, sid;
    enum proc_state state;
    struct vm_mm *mm;
    struct cpu *cpu;
    struct fdtable *fds;
    struct sigstate sig;
    char name[16];           /* comm */
    char exe[PATH_MAX];      /* /proc/self/exe, a guest path */
    char cwd[PATH_MAX];      /* a guest path, always absolute */
    unsigned umask;
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
    uint64_t io_done;        /* bytes a blocking pipe write moved before it blocked */
    bool stopped;            /* by SIGSTOP (TSTP, TTIN, TTOU) until SIGCONT */
    int stop_sig;
    bool stop_report;        /* a stop wait4(WUNTRACED) has not seen yet */
    bool cont_report;        /* a continue wait4(WCONTINUED) has not seen yet */
    bool futex_wait;         /* blocked in FUTEX_WAIT on futex_key */
    bool futex_woken;        /* a FUTEX_WAKE chose this waiter */
    struct vm_key futex_key;
    uint64_t sleep_rem;      /* nanosleep's rem: where an interrupted sleep writes what is left */
    uint64_t sigwait;        /* rt_sigtimedwait's set: these wake it even though blocked */
    uint64_t arg_start, arg_end, env_start, env_end; /* /proc/<pid>/cmdline, environ */
    struct ptimer timers[PTIMERS];
    bool exec_done;          /* execve replaced the engine: do not touch the old one */
    struct cpu *dead_cpu;    /* the engine execve replaced, freed once stopped */
    uint64_t syscalls;
    uint64_t start_seq;      /* trace sequence when it started */
};

/* --- the machine ------------------------------------------------------------------- */

struct syscall_count {
    uint64_t calls;
    uint64_t unknown;
};

/* What one process did, kept after it is reaped (for --summary). */
struct proc_stats {
    char name[16];
    uint64_t events[VM_EV_COUNT];
    uint64_t syscalls;
    int wait_status;
    bool exited;
};

struct emu {
    struct emu_options opt;
    struct vm *vm;
    struct cpu_calib calib;
    struct tracer *tracer;
    struct proc **procs;   /* by slot; NULL free */
    int nprocs, proccap;
    int next_pid;
    int live;              /* processes not yet reaped */
    struct proc *current;
    int rootfd;            /* the guest's "/" */
    char **envp;           /* pid 1's environment */
    uint64_t clock_ns;     /* the fixed clock, advanced by sleeps and reads */
    uint64_t pipes;        /* pipes made so far: their inode numbers */
    uint64_t poll_until;   /* --real-time: a host wait ends by then (the next deadline) */
    uint64_t rng;          /* getrandom stream, from --seed */
    uint64_t hwcap;
    int init_status;       /* pid 1's wait status, once it exited */
    bool thread_warned;    /* the one notice that threads are not supported */
    bool init_exited;
    bool deadlock;
    bool timed_out;
    uint64_t syscall_calls[SYSCALL_MAX];
    uint64_t unknown_calls[SYSCALL_MAX];
    uint64_t unknown_other; /* numbers past the table */
    uint64_t procs_created;
    struct proc_stats *pstats; /* by pid (index pid - 1) */
    int npstats;
};

/* The vm/ trace callback: counts per process, then writes the trace. */
void emu_trace(void *emu, const struct vm_event_rec *rec);
struct proc_stats *emu_proc_stats(struct emu *emu, int pid);

/* proc.c */
struct proc *proc_by_pid(struct emu *emu, int pid);
/* Create pid 1 from the command line; returns the exit status to use
 * when it cannot start (>= 0), or -1 when it is ready. */
int proc_spawn_init(struct emu *emu, const char *path, char **argv);
/* Run every process until pid 1 is gone; returns faultline's exit status. */
int proc_schedule(struct emu *emu);
/* The process ends with a wait status (exit code << 8, or a signal). */
void proc_exit(struct emu *emu, struct proc *p, int wait_status);
void proc_block(struct proc *p);
struct sys;
/* Block the calling process; the call runs again when it is woken (a
 * handled signal ends it with EINTR when eintr or without SA_RESTART). */
void sys_wait_and_retry(struct sys *s, bool eintr);
bool sys_wait_until(struct sys *s, uint64_t ns, bool eintr);
long signal_wait_mask(struct sys *s, uint64_t addr, uint64_t size);
void signal_wait_mask_end(struct sys *s, long r);
uint64_t emu_monotonic(struct emu *emu);
bool emu_others_runnable(struct emu *emu, const struct proc *self);
void sleep_interrupted(struct emu *emu, struct proc *p);
/* A guest timespec as ns (saturating); -EFAULT, or -EINVAL as Linux. */
long timespec_ns(struct sys *s, uint64_t addr, uint64_t *ns);
/* Tell p's parent about p with SIGCHLD (code CLD_*) and wake its waits. */
void proc_notify_parent(struct emu *emu, struct proc *p, int code, int status);
/* Where a new image's argument and environment strings lie. */
void proc_note_args(struct proc *p, const struct loader_image *img);
/* timer.c: fire what is due; the earliest expiry of any live process's
 * timers (UINT64_MAX: none); execve drops timer_create's timers. */
void timers_fire(struct emu *emu);
void timers_check(struct emu *emu, struct proc *p);
uint64_t timers_next(struct emu *emu);
void timers_exec(struct proc *p);
/* A timer was set: with --real-time, the host timer follows it. */
void proc_timers_changed(struct emu *emu);
/* The guest's CLOCK_REALTIME minus its CLOCK_MONOTONIC, in ns. */
uint64_t emu_realtime_offset(struct emu *emu);
struct proc *proc_alloc(struct emu *emu);
void proc_release(struct emu *emu, struct proc *p);
void proc_start_regs(struct cpu *cpu, const struct loader_image *img);
/* What the loader gives p's new image: ids, hwcap, AT_RANDOM's seed. */
struct loader_args proc_loader_args(struct emu *emu, struct proc *p, const char *path,
                                    char *const *argv, char *const *envp,
                                    const struct loader_fs *fs);
void proc_wake_all(struct emu *emu);
void proc_vfork_release(struct emu *emu, struct proc *p);
/* Out of frames and swap: kill the largest process (by resident and
 * swapped pages).  True when that was not faulting, which may retry. */
bool proc_oom_kill(struct emu *emu, struct proc *faulting);
/* Give a fatal or caught signal to p. */
void proc_signal(struct emu *emu, struct proc *p, const struct siginfo_k *info);
struct fdtable *fdtable_clone(const struct fdtable *t);
void fdtable_free(struct fdtable *t);
void file_put(struct file *f);
struct file *file_get(struct file *f);
struct file *file_new(enum file_kind kind);
/* Lowest free descriptor >= min, or -EMFILE. */
int fd_alloc(struct proc *p, int min);
struct file *fd_file(struct proc *p, int fd);
void proc_free_engine(struct proc *p);

/* signal.c */
/* Deliver pending unblocked signals to p (between runs of its CPU). */
void signal_deliver(struct emu *emu, struct proc *p);
/* Default action of sig: 0 ignore, 1 terminate, 2 core. */
int signal_default(int sig);
long signal_sigreturn(struct emu *emu, struct proc *p);
const char *signal_name(int sig);

/* --- system calls ------------------------------------------------------------------- */

struct sys {
    struct emu *emu;
    struct proc *p;
    uint64_t a[6];
    uint64_t nr;
    uint64_t rip;        /* of the syscall instruction */
    bool stop;           /* the CPU must stop after this call */
    bool no_return;      /* rax must not be written (exit, execve success, sigreturn) */
    bool vectored;       /* inside readv/writev: one piece of a larger transfer */
};

typedef long (*sys_fn)(struct sys *s);

struct syscall_def {
    const char *name;
    sys_fn fn;
};

extern const struct syscall_def syscall_table[SYSCALL_MAX];
void syscall_dispatch(struct cpu *cpu);
/* Run p's blocked call again, outside the CPU: it completes (rax set, rip
 * past it) or blocks again. */
void syscall_retry(struct proc *p);
const char *syscall_name(uint64_t nr);

/* The families, each in its own file. */
#define SYS(name) long sys_##name(struct sys *s)
/* sys_mem.c */
SYS(brk); SYS(mmap); SYS(munmap); SYS(mprotect); SYS(madvise); SYS(mremap); SYS(msync);
SYS(mincore);
/* sys_file.c */
SYS(read); SYS(write); SYS(pread64); SYS(pwrite64); SYS(readv); SYS(writev); SYS(open);
SYS(openat); SYS(close); SYS(lseek); SYS(fstat); SYS(stat); SYS(lstat); SYS(newfstatat);
SYS(statx); SYS(ioctl); SYS(access); SYS(faccessat); SYS(faccessat2); SYS(getcwd);
SYS(chdir); SYS(fchdir); SYS(readlink); SYS(readlinkat); SYS(unlink); SYS(unlinkat);
SYS(mkdir); SYS(mkdirat); SYS(rmdir); SYS(rename); SYS(renameat); SYS(renameat2);
SYS(ftruncate); SYS(truncate); SYS(fsync); SYS(fdatasync); SYS(getdents64); SYS(dup);
SYS(dup2); SYS(dup3); SYS(fcntl); SYS(pipe); SYS(pipe2); SYS(umask); SYS(utimensat);
SYS(poll); SYS(ppoll); SYS(fchmod); SYS(chmod);
SYS(fchmodat); SYS(fchown); SYS(chown); SYS(lchown); SYS(fchownat); SYS(symlink);
SYS(symlinkat); SYS(link); SYS(linkat); SYS(statfs); SYS(fstatfs); SYS(flock);
SYS(fadvise64); SYS(select); SYS(pselect6); SYS(creat); SYS(getxattr); SYS(lgetxattr);
SYS(fgetxattr); SYS(listxattr); SYS(llistxattr); SYS(flistxattr); SYS(sync); SYS(syncfs);
SYS(fallocate);
/* sys_proc.c */
SYS(exit); SYS(exit_group); SYS(fork); SYS(vfork); SYS(clone); SYS(clone3); SYS(execve);
SYS(execveat); SYS(wait4); SYS(waitid); SYS(getpid); SYS(getppid); SYS(gettid);
SYS(getuid); SYS(geteuid); SYS(getgid); SYS(getegid); SYS(getgroups); SYS(setuid);
SYS(setgid); SYS(getpgid); SYS(setpgid); SYS(getpgrp); SYS(getsid); SYS(setsid);
SYS(arch_prctl); SYS(set_tid_address); SYS(set_robust_list); SYS(rseq); SYS(prlimit64);
SYS(getrlimit); SYS(setrlimit); SYS(uname); SYS(sysinfo); SYS(sched_getaffinity);
SYS(sched_yield); SYS(getrusage); SYS(times); SYS(prctl); SYS(getresuid); SYS(getresgid);
SYS(setresuid); SYS(setresgid); SYS(setreuid); SYS(setregid); SYS(getpriority);
SYS(setpriority); SYS(sched_getscheduler); SYS(sched_setscheduler); SYS(sched_getparam);
SYS(sched_setparam); SYS(sched_get_priority_max); SYS(sched_get_priority_min);
SYS(ioprio_get); SYS(ioprio_set);
/* sys_time.c */
SYS(clock_gettime); SYS(clock_getres); SYS(gettimeofday); SYS(time); SYS(nanosleep);
SYS(clock_nanosleep); SYS(getrandom); SYS(futex); SYS(pause);
/* timer.c */
SYS(alarm); SYS(setitimer); SYS(getitimer); SYS(timer_create); SYS(timer_settime);
SYS(timer_gettime); SYS(timer_getoverrun); SYS(timer_delete);
/* signal.c */
SYS(rt_sigaction); SYS(rt_sigprocmask); SYS(rt_sigreturn); SYS(kill); SYS(tgkill);
SYS(tkill); SYS(sigaltstack); SYS(rt_sigsuspend); SYS(rt_sigpending); SYS(rt_sigtimedwait);

/* Guest memory through vm/ (faults traced as kernel mode). */
static inline int copy_in(struct sys *s, void *dst, uint64_t src, size_t len)
{
    return vm_copy_in(s->p->mm, dst, src, len);
}
static inline int copy_out(struct sys *s, uint64_t dst, const void *src, size_t len)
{
    return vm_copy_out(s->p->mm, dst, src, len);
}

/* fs.c: paths inside --root. */
/* Open path (relative to dirfd's guest directory or the cwd) inside the
 * root; returns a host fd or -errno.  resolve_flags: openat2 RESOLVE_*. */
int fs_open(struct emu *emu, struct proc *p, int dirfd, const char *path, int flags,
            unsigned mode);
/* The absolute guest path for path as seen from dirfd (AT_FDCWD: cwd). */
int fs_guest_path(struct proc *p, int dirfd, const char *path, char *out, size_t outlen);
/* Split into a host fd of the parent directory (inside the root) and the
 * last component; returns the fd or -errno. */
int fs_parent(struct emu *emu, struct proc *p, int dirfd, const char *path, char *base,
              size_t baselen);
/* getdents64 of a generated /proc directory (FILE_MEM, is_dir). */
long fs_mem_getdents(struct emu *emu, struct file *f, char *out, size_t len);
/* Fill f->path with the canonical guest path of f's host fd. */
void fs_note_path(struct emu *emu, struct file *f, const char *fallback);
/* A FILE_HOST file for a host fd just opened for guest path (owns hostfd). */
struct file *file_from_host(struct emu *emu, int hostfd, int flags, const char *path);
/* The loader's view of the root. */
struct loader_fs fs_loader(struct emu *emu, struct proc *p);
/* Read a NUL-terminated guest path. */
long fs_path_in(struct sys *s, uint64_t addr, char *buf);
/* Synthesised /proc/self files: returns a FILE_MEM file, NULL when path
 * is not one, or ERR via *err. */
struct file *fs_proc_file(struct emu *emu, struct proc *p, const char *abs, int *err);
/* readlink of /proc/self/exe and friends: length or -errno; -ENOENT when
 * the path is not synthesised. */
long fs_proc_readlink(struct emu *emu, struct proc *p, const char *abs, char *buf, size_t len);

/* maps.c: the address-space picture shared by inspect and --maps. */
void maps_print(FILE *out, const struct vm_mm *mm, bool counts);
/* /proc/self/maps text; returns a malloc'd string. */
char *maps_proc_text(const struct vm_mm *mm, size_t *len);

/* summary.c */
void summary_print(struct emu *emu, FILE *out);

#endif
