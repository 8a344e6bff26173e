/*
 * sys.h - the system calls: the context a handler runs in (struct sys),
 * the typed handlers declared from syscalls.def, the dispatcher, and what
 * handlers share (guest memory, waits, paths, host errors).
 */
#ifndef FAULTLINE_SYS_H
#define FAULTLINE_SYS_H

#include "emu/abi/convert.h"
#include "emu/kernel/proc.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A guest virtual address: what a pointer argument is.  Never a host
 * pointer; reach it only through copy_in/copy_out. */
typedef uint64_t uaddr_t;

/* What one call runs in: the process, the raw argument registers (for the
 * generated thunks only: a handler gets them typed), and what the call
 * leaves to the dispatcher. */
struct sys {
    struct emu *emu;
    struct proc *p;
    uint64_t a[6];       /* rdi, rsi, rdx, r10, r8, r9 as the guest left them */
    uint64_t nr;
    uint64_t rip;        /* of the syscall instruction */
    bool stop;           /* the CPU must stop after this call */
    bool no_return;      /* rax must not be written (exit, execve success, sigreturn) */
    bool vectored;       /* inside readv/writev: one piece of a larger transfer */
    bool retried;        /* the call blocked before and runs again (woken) */
};

typedef long (*sys_fn)(struct sys *s);

/* info.c: the struct rusage of utime_ns of CPU time (all user time) and
 * at most maxrss_pages resident. */
struct linux_rusage rusage_make(uint64_t utime_ns, uint64_t maxrss_pages);

struct syscall_def {
    const char *name;
    sys_fn fn;           /* the thunk decoding a[] for the handler; NULL: -ENOSYS */
};

/* Every handler, declared from the list with its typed arguments, so the
 * compiler checks each definition against syscalls.def. */
#define SYSCALL0(nr, name) long sys_##name(struct sys *s);
#define SYSCALL1(nr, name, t1, a1) long sys_##name(struct sys *s, t1 a1);
#define SYSCALL2(nr, name, t1, a1, t2, a2) long sys_##name(struct sys *s, t1 a1, t2 a2);
#define SYSCALL3(nr, name, t1, a1, t2, a2, t3, a3) \
    long sys_##name(struct sys *s, t1 a1, t2 a2, t3 a3);
#define SYSCALL4(nr, name, t1, a1, t2, a2, t3, a3, t4, a4) \
    long sys_##name(struct sys *s, t1 a1, t2 a2, t3 a3, t4 a4);
#define SYSCALL5(nr, name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
    long sys_##name(struct sys *s, t1 a1, t2 a2, t3 a3, t4 a4, t5 a5);
#define SYSCALL6(nr, name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
    long sys_##name(struct sys *s, t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6);
#define NOSYS(nr, name)
#include "emu/sys/syscalls.def"

extern const struct syscall_def syscall_table[SYSCALL_MAX];
/* The name of call nr, implemented or not; NULL past the list. */
const char *syscall_name(uint64_t nr);
/* The kernel's entry points into this layer (struct kernel_syscalls). */
bool syscall_dispatch(struct proc *p);
void syscall_retry(struct proc *p);
extern const struct kernel_syscalls syscall_layer;

/* Guest memory through vm/ (faults traced as kernel mode). */
static inline int copy_in(struct sys *s, void *dst, uaddr_t src, size_t len)
{
    return vm_copy_in(s->p->mm, dst, src, len);
}
static inline int copy_out(struct sys *s, uaddr_t dst, const void *src, size_t len)
{
    return vm_copy_out(s->p->mm, dst, src, len);
}

/* restart.c: block the calling process; the call runs again when it is
 * woken (a handled signal ends it with EINTR when eintr or without
 * SA_RESTART). */
void sys_wait_and_retry(struct sys *s, bool eintr);
/* A wait with a deadline ns from now: the first call records it and
 * blocks; a retry at or after it returns true (the time is up). */
bool sys_wait_until(struct sys *s, uint64_t ns, bool eintr);

/* namei.c: read a NUL-terminated guest path (PATH_MAX bytes at most) into
 * buf; its length, -EFAULT or -ENAMETOOLONG. */
long sys_path_in(struct sys *s, uaddr_t addr, char *buf);

/* time.c: a guest timespec as ns (saturating); -EFAULT, or -EINVAL as
 * Linux. */
long timespec_ns(struct sys *s, uaddr_t addr, uint64_t *ns);
/* signal.c: a wait under a temporary signal mask (rt_sigsuspend, ppoll,
 * pselect6): 0 or -errno; signal_wait_mask_end puts the old mask back
 * when the call ends without a handler to do it. */
long signal_wait_mask(struct sys *s, uaddr_t addr, size_t size);
void signal_wait_mask_end(struct sys *s, long r);

/* sock.c: at the end of the run, every socket left (those only in
 * flight in another's queue) goes. */
void net_free(struct emu *emu);

/* The host call that just failed, as the guest's -errno. */
static inline long host_err(void)
{
    return -linux_errno_from_host(errno);
}

#endif
