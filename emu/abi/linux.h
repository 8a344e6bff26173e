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

/* --- signals ------------------------------------------------------------------ */

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

/* si_code values. */
#define LINUX_SI_USER 0
#define LINUX_SI_KERNEL 0x80
#define LINUX_SI_TIMER (-2)
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

#define LINUX_CLONE_VM 0x00000100
#define LINUX_CLONE_FS 0x00000200
#define LINUX_CLONE_FILES 0x00000400
#define LINUX_CLONE_SIGHAND 0x00000800
#define LINUX_CLONE_VFORK 0x00004000
#define LINUX_CLONE_PARENT 0x00008000
#define LINUX_CLONE_THREAD 0x00010000
#define LINUX_CLONE_SETTLS 0x00080000
#define LINUX_CLONE_PARENT_SETTID 0x00100000
#define LINUX_CLONE_CHILD_CLEARTID 0x00200000
#define LINUX_CLONE_CHILD_SETTID 0x01000000

#define LINUX_WNOHANG 1
#define LINUX_WSTOPPED 2 /* WUNTRACED for wait4 */
#define LINUX_WEXITED 4
#define LINUX_WCONTINUED 8
#define LINUX_WNOWAIT 0x01000000

#define LINUX_ARG_MAX (2u << 20)
#define LINUX_PR_SET_NAME 15
#define LINUX_PR_GET_NAME 16

/* --- memory ------------------------------------------------------------------ */

#define LINUX_PAGE_SIZE 4096ULL
/* vm.mmap_min_addr: nothing is mapped below it. */
#define LINUX_MMAP_MIN_ADDR 0x10000ULL
/* User addresses are below 2^47; the kernel's half starts at -2^47. */
#define LINUX_USER_TOP (1ULL << 47)

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
#define LINUX_MADV_DONTNEED 4
#define LINUX_MADV_FREE 8
#define LINUX_MADV_REMOVE 9
#define LINUX_MREMAP_MAYMOVE 1
#define LINUX_MREMAP_FIXED 2

/* --- time --------------------------------------------------------------------- */

#define LINUX_ITIMER_REAL 0
#define LINUX_SIGEV_SIGNAL 0
#define LINUX_SIGEV_NONE 1
#define LINUX_SIGEV_THREAD_ID 4
#define LINUX_TIMER_ABSTIME 1

struct linux_timespec {
    int64_t sec, nsec;
};

/* --- files -------------------------------------------------------------------- */

#define LINUX_IOV_MAX 1024

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

#endif
