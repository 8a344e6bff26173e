/*
 * linux.h - the x86-64 Linux ABI as the guest sees it: constants and
 * structure layouts, each in the LINUX_ / linux_ namespace so a guest value
 * is never confused with the host's.  Host structures that reach the guest
 * go through one named converter each (convert.c).
 *
 * Everything here is fixed by the kernel's user ABI; the layouts are
 * checked by size where the kernel documents one.
 */
#ifndef FAULTLINE_ABI_LINUX_H
#define FAULTLINE_ABI_LINUX_H

#include <stdint.h>

/* --- errno ------------------------------------------------------------------ */

#define LINUX_EPERM 1
#define LINUX_ENOENT 2
#define LINUX_ESRCH 3
#define LINUX_EINTR 4
#define LINUX_EIO 5
#define LINUX_ENXIO 6
#define LINUX_E2BIG 7
#define LINUX_ENOEXEC 8
#define LINUX_EBADF 9
#define LINUX_ECHILD 10
#define LINUX_EAGAIN 11
#define LINUX_ENOMEM 12
#define LINUX_EACCES 13
#define LINUX_EFAULT 14
#define LINUX_EBUSY 16
#define LINUX_EEXIST 17
#define LINUX_EXDEV 18
#define LINUX_ENODEV 19
#define LINUX_ENOTDIR 20
#define LINUX_EISDIR 21
#define LINUX_EINVAL 22
#define LINUX_ENFILE 23
#define LINUX_EMFILE 24
#define LINUX_ENOTTY 25
#define LINUX_EFBIG 27
#define LINUX_ENOSPC 28
#define LINUX_ESPIPE 29
#define LINUX_EROFS 30
#define LINUX_EMLINK 31
#define LINUX_EPIPE 32
#define LINUX_EDOM 33
#define LINUX_ERANGE 34
#define LINUX_EDEADLK 35
#define LINUX_ENAMETOOLONG 36
#define LINUX_ENOLCK 37
#define LINUX_ENOSYS 38
#define LINUX_ENOTEMPTY 39
#define LINUX_ELOOP 40
#define LINUX_ENODATA 61
#define LINUX_EOVERFLOW 75
#define LINUX_EOPNOTSUPP 95
#define LINUX_ETIMEDOUT 110
#define LINUX_EHOSTDOWN 112

/* --- signals ------------------------------------------------------------------ */

#define LINUX_SIGHUP 1
#define LINUX_SIGINT 2
#define LINUX_SIGQUIT 3
#define LINUX_SIGILL 4
#define LINUX_SIGTRAP 5
#define LINUX_SIGABRT 6
#define LINUX_SIGBUS 7
#define LINUX_SIGFPE 8
#define LINUX_SIGKILL 9
#define LINUX_SIGUSR1 10
#define LINUX_SIGSEGV 11
#define LINUX_SIGUSR2 12
#define LINUX_SIGPIPE 13
#define LINUX_SIGALRM 14
#define LINUX_SIGTERM 15
#define LINUX_SIGSTKFLT 16
#define LINUX_SIGCHLD 17
#define LINUX_SIGCONT 18
#define LINUX_SIGSTOP 19
#define LINUX_SIGTSTP 20
#define LINUX_SIGTTIN 21
#define LINUX_SIGTTOU 22
#define LINUX_SIGURG 23
#define LINUX_SIGXCPU 24
#define LINUX_SIGXFSZ 25
#define LINUX_SIGVTALRM 26
#define LINUX_SIGPROF 27
#define LINUX_SIGWINCH 28
#define LINUX_SIGIO 29
#define LINUX_SIGPWR 30
#define LINUX_SIGSYS 31

#define LINUX_SIG_BLOCK 0
#define LINUX_SIG_UNBLOCK 1
#define LINUX_SIG_SETMASK 2

#define LINUX_NSIG 64
#define LINUX_SIG_DFL 0
#define LINUX_SIG_IGN 1
#define LINUX_SA_NOCLDSTOP 0x00000001
#define LINUX_SA_NOCLDWAIT 0x00000002
#define LINUX_SA_SIGINFO 0x00000004
#define LINUX_SA_RESTORER 0x04000000
#define LINUX_SA_ONSTACK 0x08000000
#define LINUX_SA_RESTART 0x10000000
#define LINUX_SA_NODEFER 0x40000000
#define LINUX_SA_RESETHAND 0x80000000
#define LINUX_SS_ONSTACK 1
#define LINUX_SS_DISABLE 2
#define LINUX_SS_AUTODISARM (1U << 31) /* drop the stack while its handler runs */

/* si_code values. */
#define LINUX_SI_USER 0
#define LINUX_SI_KERNEL 0x80
#define LINUX_SI_TIMER (-2)
#define LINUX_SI_TKILL (-6)
#define LINUX_SEGV_MAPERR 1
#define LINUX_SEGV_ACCERR 2
#define LINUX_BUS_ADRALN 1
#define LINUX_BUS_ADRERR 2
#define LINUX_FPE_INTDIV 1
#define LINUX_FPE_INTOVF 2
#define LINUX_FPE_FLTDIV 3
#define LINUX_FPE_FLTOVF 4
#define LINUX_FPE_FLTUND 5
#define LINUX_FPE_FLTRES 6
#define LINUX_FPE_FLTINV 7
#define LINUX_FPE_FLTSUB 8
#define LINUX_ILL_ILLOPN 2
#define LINUX_TRAP_BRKPT 1
#define LINUX_CLD_EXITED 1
#define LINUX_CLD_KILLED 2
#define LINUX_CLD_DUMPED 3
#define LINUX_CLD_TRAPPED 4
#define LINUX_CLD_STOPPED 5
#define LINUX_CLD_CONTINUED 6

/* A signal set as a 64-bit mask: bit sig-1. */
#define LINUX_SIGBIT(sig) (1ULL << ((sig) - 1))

struct linux_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

struct linux_sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2, fpstate;
    uint64_t reserved[8];
};

struct linux_ucontext {
    uint64_t flags, link;
    uint64_t ss_sp;
    int32_t ss_flags, pad;
    uint64_t ss_size;
    struct linux_sigcontext mc;
    uint64_t sigmask;
};

struct linux_siginfo {
    int32_t signo, errno_, code, pad;
    union {
        struct { int32_t pid, uid, status; } chld; /* pid at +16 */
        struct { int32_t pid, uid; } kill;
        struct { int32_t tid, overrun; uint64_t value; } timer; /* value at +24 */
        uint64_t addr;
        uint8_t raw[112];
    } u;
};

/* The FP/SSE state in a signal frame: the fxsave image. */
struct linux_fxsave {
    uint16_t fcw, fsw;
    uint8_t ftw, pad0;
    uint16_t fop;
    uint64_t fip, fdp;
    uint32_t mxcsr, mxcsr_mask;
    uint8_t st[8][16];
    uint8_t xmm[16][16];
    uint8_t pad[96];
};

_Static_assert(sizeof(struct linux_sigcontext) == 256, "sigcontext layout");
_Static_assert(sizeof(struct linux_ucontext) == 304, "ucontext layout");
_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo layout");
_Static_assert(sizeof(struct linux_fxsave) == 512, "fxsave layout");

/* --- exceptions the CPU raises (vectors), as the kernel numbers them ------------- */

#define LINUX_TRAP_DE 0   /* divide error */
#define LINUX_TRAP_DB 1
#define LINUX_TRAP_BP 3
#define LINUX_TRAP_UD 6
#define LINUX_TRAP_GP 13
#define LINUX_TRAP_PF 14
#define LINUX_TRAP_MF 16  /* x87 floating point */
#define LINUX_TRAP_AC 17
#define LINUX_TRAP_XF 19  /* SIMD floating point */

/* --- processes -------------------------------------------------------------- */

#define LINUX_CSIGNAL 0x000000ff /* the signal sent to the parent at exit */
#define LINUX_CLONE_VM 0x00000100
#define LINUX_CLONE_FS 0x00000200
#define LINUX_CLONE_FILES 0x00000400
#define LINUX_CLONE_SIGHAND 0x00000800
#define LINUX_CLONE_VFORK 0x00004000
#define LINUX_CLONE_PARENT 0x00008000
#define LINUX_CLONE_THREAD 0x00010000
#define LINUX_CLONE_SYSVSEM 0x00040000
#define LINUX_CLONE_SETTLS 0x00080000
#define LINUX_CLONE_PARENT_SETTID 0x00100000
#define LINUX_CLONE_CHILD_CLEARTID 0x00200000
#define LINUX_CLONE_DETACHED 0x00400000
#define LINUX_CLONE_CHILD_SETTID 0x01000000

#define LINUX_WNOHANG 1
#define LINUX_WSTOPPED 2 /* WUNTRACED for wait4 */
#define LINUX_WEXITED 4
#define LINUX_WCONTINUED 8
#define LINUX_WNOWAIT 0x01000000

#define LINUX_ARG_MAX (2u << 20)
#define LINUX_PR_SET_PDEATHSIG 1
#define LINUX_PR_SET_DUMPABLE 4
#define LINUX_PR_SET_NAME 15
#define LINUX_PR_GET_NAME 16
#define LINUX_PR_SET_NO_NEW_PRIVS 38
#define LINUX_ARCH_SET_GS 0x1001
#define LINUX_ARCH_SET_FS 0x1002
#define LINUX_ARCH_GET_FS 0x1003
#define LINUX_ARCH_GET_GS 0x1004

/* waitid's idtype. */
#define LINUX_P_ALL 0
#define LINUX_P_PID 1
#define LINUX_P_PGID 2
/* wait4's options also take these two (thread selection). */
#define LINUX___WNOTHREAD 0x20000000
#define LINUX___WALL 0x40000000
#define LINUX___WCLONE 0x80000000

/* Wait statuses as wait4 encodes them. */
#define LINUX_W_STOPCODE(sig) (((sig) << 8) | 0x7f)
#define LINUX_W_CONTINUED 0xffff
#define LINUX_WTERMSIG(st) ((st) & 0x7f)
#define LINUX_WEXITSTATUS(st) (((st) >> 8) & 0xff)
#define LINUX_W_EXITCODE(code) (((code) & 0xff) << 8)

#define LINUX_PRIO_PROCESS 0
#define LINUX_PRIO_PGRP 1
#define LINUX_PRIO_USER 2
#define LINUX_SCHED_OTHER 0
#define LINUX_SCHED_FIFO 1
#define LINUX_SCHED_RR 2
#define LINUX_SCHED_DEADLINE 6
#define LINUX_SCHED_RESET_ON_FORK 0x40000000
#define LINUX_IOPRIO_WHO_PROCESS 1
#define LINUX_IOPRIO_WHO_USER 3
/* times(): clock ticks (USER_HZ) a second. */
#define LINUX_USER_HZ 100

#define LINUX_RLIMIT_CPU 0
#define LINUX_RLIMIT_FSIZE 1
#define LINUX_RLIMIT_DATA 2
#define LINUX_RLIMIT_STACK 3
#define LINUX_RLIMIT_CORE 4
#define LINUX_RLIMIT_RSS 5
#define LINUX_RLIMIT_NPROC 6
#define LINUX_RLIMIT_NOFILE 7
#define LINUX_RLIMIT_MEMLOCK 8
#define LINUX_RLIMIT_AS 9
#define LINUX_NR_OPEN 1048576 /* fs.nr_open: the highest RLIMIT_NOFILE */
#define LINUX_RLIM_NLIMITS 16
#define LINUX_RLIM_INFINITY (~0ULL)

struct linux_rlimit {
    uint64_t cur, max;
};

/* The robust futex list head set_robust_list takes. */
#define LINUX_ROBUST_LIST_HEAD_SIZE 24

struct linux_utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};
_Static_assert(sizeof(struct linux_utsname) == 390, "utsname layout");

/* sysinfo's loads are fixed point with this many fraction bits. */
#define LINUX_SI_LOAD_SHIFT 16
struct linux_sysinfo {
    int64_t uptime;
    uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint32_t pad2;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char pad3[4];
};
_Static_assert(sizeof(struct linux_sysinfo) == 112, "sysinfo layout");

/* struct tms: four clock_t. */
struct linux_tms {
    int64_t utime, stime, cutime, cstime;
};

/* --- memory ------------------------------------------------------------------ */

#define LINUX_PAGE_SIZE 4096ULL
/* v rounded up to a whole page (0 stays 0; wraps past the top as the
 * kernel's PAGE_ALIGN does). */
static inline uint64_t linux_page_up(uint64_t v)
{
    return (v + LINUX_PAGE_SIZE - 1) & ~(LINUX_PAGE_SIZE - 1);
}
static inline int linux_page_aligned(uint64_t v)
{
    return (v & (LINUX_PAGE_SIZE - 1)) == 0;
}
/* vm.mmap_min_addr: nothing is mapped below it. */
#define LINUX_MMAP_MIN_ADDR 0x10000ULL
/* User addresses are below 2^47; the kernel's half starts at -2^47. */
#define LINUX_USER_TOP (1ULL << 47)
/* An address the CPU accepts: bits 63..47 all equal. */
static inline int linux_addr_canonical(uint64_t addr)
{
    return addr < LINUX_USER_TOP || addr >= -LINUX_USER_TOP;
}

#define LINUX_PROT_NONE 0x0
#define LINUX_PROT_READ 0x1
#define LINUX_PROT_WRITE 0x2
#define LINUX_PROT_EXEC 0x4
#define LINUX_PROT_MASK 0x7
#define LINUX_PROT_SEM 0x8
#define LINUX_MAP_SHARED 0x01
#define LINUX_MAP_PRIVATE 0x02
#define LINUX_MAP_SHARED_VALIDATE 0x03
#define LINUX_MAP_TYPE 0x0f
#define LINUX_MAP_FIXED 0x10
#define LINUX_MAP_ANONYMOUS 0x20
#define LINUX_MAP_GROWSDOWN 0x100
#define LINUX_MAP_DENYWRITE 0x800
#define LINUX_MAP_EXECUTABLE 0x1000
#define LINUX_MAP_LOCKED 0x2000
#define LINUX_MAP_NORESERVE 0x4000
#define LINUX_MAP_POPULATE 0x8000
#define LINUX_MAP_NONBLOCK 0x10000
#define LINUX_MAP_STACK 0x20000
#define LINUX_MAP_HUGETLB 0x40000
#define LINUX_MAP_SYNC 0x80000
#define LINUX_MAP_FIXED_NOREPLACE 0x100000
#define LINUX_PROT_GROWSDOWN 0x01000000
#define LINUX_PROT_GROWSUP 0x02000000
#define LINUX_MADV_WILLNEED 3
#define LINUX_MADV_DONTNEED 4
#define LINUX_MADV_FREE 8
#define LINUX_MADV_REMOVE 9
#define LINUX_MADV_DONTFORK 10
#define LINUX_MADV_DOFORK 11
#define LINUX_MADV_WIPEONFORK 18
#define LINUX_MADV_KEEPONFORK 19
#define LINUX_MADV_POPULATE_READ 22
#define LINUX_MADV_POPULATE_WRITE 23
#define LINUX_MADV_DONTNEED_LOCKED 24
#define LINUX_MADV_COLLAPSE 25
#define LINUX_MREMAP_MAYMOVE 1
#define LINUX_MREMAP_FIXED 2
#define LINUX_MS_ASYNC 1
#define LINUX_MS_INVALIDATE 2
#define LINUX_MS_SYNC 4

/* --- time --------------------------------------------------------------------- */

#define LINUX_ITIMER_REAL 0
#define LINUX_ITIMER_VIRTUAL 1
#define LINUX_ITIMER_PROF 2
#define LINUX_CLOCK_REALTIME 0
#define LINUX_CLOCK_MONOTONIC 1
#define LINUX_CLOCK_PROCESS_CPUTIME_ID 2
#define LINUX_CLOCK_THREAD_CPUTIME_ID 3
#define LINUX_CLOCK_MONOTONIC_RAW 4
#define LINUX_CLOCK_REALTIME_COARSE 5
#define LINUX_CLOCK_MONOTONIC_COARSE 6
#define LINUX_CLOCK_BOOTTIME 7
#define LINUX_CLOCK_REALTIME_ALARM 8
#define LINUX_CLOCK_BOOTTIME_ALARM 9
#define LINUX_CLOCK_TAI 11
#define LINUX_NSEC_PER_SEC 1000000000LL
#define LINUX_USEC_PER_SEC 1000000LL
#define LINUX_FUTEX_WAIT 0
#define LINUX_FUTEX_WAKE 1
#define LINUX_FUTEX_REQUEUE 3
#define LINUX_FUTEX_CMP_REQUEUE 4
#define LINUX_FUTEX_WAKE_OP 5
#define LINUX_FUTEX_LOCK_PI 6
#define LINUX_FUTEX_UNLOCK_PI 7
#define LINUX_FUTEX_TRYLOCK_PI 8
#define LINUX_FUTEX_WAIT_BITSET 9
#define LINUX_FUTEX_WAKE_BITSET 10
#define LINUX_FUTEX_PRIVATE_FLAG 128
#define LINUX_FUTEX_CLOCK_REALTIME 256
#define LINUX_FUTEX_CMD_MASK 0x7f
#define LINUX_FUTEX_LOCK_PI2 13
#define LINUX_FUTEX_WAITERS 0x80000000u
#define LINUX_FUTEX_OWNER_DIED 0x40000000u
#define LINUX_FUTEX_TID_MASK 0x3fffffffu
#define LINUX_FUTEX_BITSET_MATCH_ANY 0xffffffffu
#define LINUX_SIGEV_SIGNAL 0
#define LINUX_SIGEV_NONE 1
#define LINUX_SIGEV_THREAD_ID 4
#define LINUX_TIMER_ABSTIME 1

struct linux_timespec {
    int64_t sec, nsec;
};
struct linux_timeval {
    int64_t sec, usec;
};
#define LINUX_RUSAGE_SELF 0
#define LINUX_RUSAGE_CHILDREN (-1)
#define LINUX_RUSAGE_THREAD 1
/* struct rusage: user and system time, then longs from ru_maxrss (kB). */
struct linux_rusage {
    struct linux_timeval utime, stime;
    int64_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv,
        nsignals, nvcsw, nivcsw;
};
_Static_assert(sizeof(struct linux_rusage) == 144, "rusage layout");
struct linux_timezone {
    int32_t minuteswest, dsttime;
};
/* itimerval and itimerspec: {interval, value}, each a {sec, sub} pair. */
struct linux_itimer {
    int64_t interval_sec, interval_sub, value_sec, value_sub;
};
/* The head of struct sigevent that timer_create reads. */
struct linux_sigevent {
    uint64_t value;
    int32_t signo, notify, tid, pad0;
};
_Static_assert(sizeof(struct linux_sigevent) == 24, "sigevent head layout");

struct linux_stack {
    uint64_t sp;
    int32_t flags, pad;
    uint64_t size;
};
_Static_assert(sizeof(struct linux_stack) == 24, "stack_t layout");
#define LINUX_MINSIGSTKSZ 2048

/* --- files -------------------------------------------------------------------- */

#define LINUX_IOV_MAX 1024
/* read and write move at most this much in one call. */
#define LINUX_MAX_RW_COUNT 0x7ffff000ULL
#define LINUX_PIPE_BUF 4096

#define LINUX_O_ACCMODE 00000003
#define LINUX_O_RDONLY 00000000
#define LINUX_O_WRONLY 00000001
#define LINUX_O_RDWR 00000002
#define LINUX_O_CREAT 00000100
#define LINUX_O_EXCL 00000200
#define LINUX_O_NOCTTY 00000400
#define LINUX_O_TRUNC 00001000
#define LINUX_O_APPEND 00002000
#define LINUX_O_NONBLOCK 00004000
#define LINUX_O_DSYNC 00010000
#define LINUX_O_ASYNC 00020000
#define LINUX_O_DIRECT 00040000
#define LINUX_O_LARGEFILE 00100000
#define LINUX_O_DIRECTORY 00200000
#define LINUX_O_NOFOLLOW 00400000
#define LINUX_O_NOATIME 01000000
#define LINUX_O_CLOEXEC 02000000
#define LINUX_O_SYNC 04010000
#define LINUX_O_PATH 010000000
#define LINUX_O_TMPFILE 020200000

#define LINUX_AT_FDCWD (-100)
#define LINUX_AT_SYMLINK_NOFOLLOW 0x100
#define LINUX_AT_EACCESS 0x200
#define LINUX_AT_REMOVEDIR 0x200
#define LINUX_AT_SYMLINK_FOLLOW 0x400
#define LINUX_AT_EMPTY_PATH 0x1000

#define LINUX_F_OK 0
#define LINUX_X_OK 1
#define LINUX_W_OK 2
#define LINUX_R_OK 4

#define LINUX_SEEK_SET 0
#define LINUX_SEEK_CUR 1
#define LINUX_SEEK_END 2

#define LINUX_F_DUPFD 0
#define LINUX_F_GETFD 1
#define LINUX_F_SETFD 2
#define LINUX_F_GETFL 3
#define LINUX_F_SETFL 4
#define LINUX_F_GETLK 5
#define LINUX_F_SETLK 6
#define LINUX_F_SETLKW 7
#define LINUX_F_OFD_GETLK 36
#define LINUX_F_OFD_SETLK 37
#define LINUX_F_OFD_SETLKW 38
#define LINUX_F_DUPFD_CLOEXEC 1030
#define LINUX_F_SETPIPE_SZ 1031
#define LINUX_F_GETPIPE_SZ 1032
#define LINUX_FD_CLOEXEC 1
#define LINUX_F_RDLCK 0
#define LINUX_F_WRLCK 1
#define LINUX_F_UNLCK 2

#define LINUX_LOCK_SH 1
#define LINUX_LOCK_EX 2
#define LINUX_LOCK_NB 4
#define LINUX_LOCK_UN 8

#define LINUX_FALLOC_FL_KEEP_SIZE 0x01
#define LINUX_FALLOC_FL_PUNCH_HOLE 0x02
#define LINUX_FALLOC_FL_COLLAPSE_RANGE 0x08
#define LINUX_FALLOC_FL_ZERO_RANGE 0x10
#define LINUX_FALLOC_FL_INSERT_RANGE 0x20

#define LINUX_RENAME_NOREPLACE 1
#define LINUX_RENAME_EXCHANGE 2
#define LINUX_RENAME_WHITEOUT 4

#define LINUX_S_IFMT 0170000
#define LINUX_S_IFSOCK 0140000
#define LINUX_S_IFLNK 0120000
#define LINUX_S_IFREG 0100000
#define LINUX_S_IFBLK 0060000
#define LINUX_S_IFDIR 0040000
#define LINUX_S_IFCHR 0020000
#define LINUX_S_IFIFO 0010000
#define LINUX_S_IALLUGO 07777 /* permissions, set-id and sticky bits */
#define LINUX_S_IRWXUGO 0777

/* The fields statx fills from a struct stat. */
#define LINUX_STATX_BASIC_STATS 0x7ffU

#define LINUX_POLLIN 0x001
#define LINUX_POLLPRI 0x002
#define LINUX_POLLOUT 0x004
#define LINUX_POLLERR 0x008
#define LINUX_POLLHUP 0x010
#define LINUX_POLLNVAL 0x020
#define LINUX_POLLRDHUP 0x2000
#define LINUX_EPOLL_CLOEXEC 02000000
#define LINUX_EPOLL_CTL_ADD 1
#define LINUX_EPOLL_CTL_DEL 2
#define LINUX_EPOLL_CTL_MOD 3
#define LINUX_EPOLLEXCLUSIVE (1u << 28)
#define LINUX_EPOLLWAKEUP (1u << 29)
#define LINUX_EPOLLONESHOT (1u << 30)
#define LINUX_EPOLLET (1u << 31)

/* struct epoll_event: packed on x86-64. */
struct __attribute__((packed)) linux_epoll_event {
    uint32_t events;
    uint64_t data;
};
_Static_assert(sizeof(struct linux_epoll_event) == 12, "epoll_event layout");

struct linux_pollfd {
    int32_t fd;
    int16_t events, revents;
};
_Static_assert(sizeof(struct linux_pollfd) == 8, "pollfd layout");

/* eventfd2, timerfd_create and signalfd4 take O_CLOEXEC and O_NONBLOCK
 * as their flags; these are the others. */
#define LINUX_EFD_SEMAPHORE 1
#define LINUX_TFD_TIMER_ABSTIME 1
#define LINUX_TFD_TIMER_CANCEL_ON_SET 2
#define LINUX_TFD_IOC_SET_TICKS 0x40085400 /* _IOW('T', 0, __u64) */

/* What read of a signalfd gives for each signal. */
struct linux_signalfd_siginfo {
    uint32_t signo;
    int32_t errno_, code;
    uint32_t pid, uid;
    int32_t fd;
    uint32_t tid, band, overrun, trapno;
    int32_t status, int_;
    uint64_t ptr, utime, stime, addr;
    uint16_t addr_lsb, pad2;
    int32_t syscall;
    uint64_t call_addr;
    uint32_t arch;
    uint8_t pad[28];
};
_Static_assert(sizeof(struct linux_signalfd_siginfo) == 128, "signalfd_siginfo layout");

struct linux_iovec {
    uint64_t base, len;
};
_Static_assert(sizeof(struct linux_iovec) == 16, "iovec layout");

/* Terminal and descriptor ioctls (asm-generic/ioctls.h). */
#define LINUX_TCGETS 0x5401
#define LINUX_TCSETS 0x5402
#define LINUX_TCSETSW 0x5403
#define LINUX_TCSETSF 0x5404
#define LINUX_TIOCGPGRP 0x540F
#define LINUX_TIOCSPGRP 0x5410
#define LINUX_TIOCGWINSZ 0x5413
#define LINUX_FIONREAD 0x541B
#define LINUX_FIONBIO 0x5421
#define LINUX_FIONCLEX 0x5450
#define LINUX_FIOCLEX 0x5451
#define LINUX_FIOASYNC 0x5452

struct linux_winsize {
    uint16_t row, col, xpixel, ypixel;
};
_Static_assert(sizeof(struct linux_winsize) == 8, "winsize layout");

struct linux_stat {
    uint64_t dev, ino, nlink;
    uint32_t mode, uid, gid, pad0;
    uint64_t rdev;
    int64_t size, blksize, blocks;
    struct linux_timespec atime, mtime, ctime;
    int64_t reserved[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "stat layout");

struct linux_statx_timestamp {
    int64_t sec;
    uint32_t nsec;
    int32_t reserved;
};

struct linux_statx {
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, pad0;
    uint64_t ino, size, blocks, attributes_mask;
    struct linux_statx_timestamp atime, btime, ctime, mtime;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t mnt_id;
    uint32_t dio_mem_align, dio_offset_align;
    uint64_t spare[12];
};
_Static_assert(sizeof(struct linux_statx) == 256, "statx layout");

struct linux_statfs {
    int64_t type, bsize;
    uint64_t blocks, bfree, bavail, files, ffree;
    int32_t fsid[2];
    int64_t namelen, frsize, flags;
    int64_t spare[4];
};
_Static_assert(sizeof(struct linux_statfs) == 120, "statfs layout");

#define LINUX_NCCS 19
/* The kernel's struct termios (TCGETS/TCSETS), not the C library's. */
struct linux_termios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line;
    uint8_t cc[LINUX_NCCS];
};
_Static_assert(sizeof(struct linux_termios) == 36, "termios layout");

struct linux_flock {
    int16_t type, whence;
    int32_t pad;
    int64_t start, len;
    int32_t pid, pad1;
};
_Static_assert(sizeof(struct linux_flock) == 32, "flock layout");

/* A guest's file mode argument (the kernel's umode_t). */
typedef uint16_t linux_umode_t;
typedef uint32_t linux_uid_t;
typedef uint32_t linux_gid_t;

#endif
