/*
 * sys.h - the system calls: the context a handler runs in (struct sys),
 * the handlers made from syscalls.def, the dispatcher, and what handlers
 * share (guest memory, waits, paths).
 */
#ifndef FAULTLINE_SYS_H
#define FAULTLINE_SYS_H

#include "emu/kernel/proc.h"

#include <stdbool.h>
#include <stdint.h>

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
    sys_fn fn;           /* NULL: not implemented (-ENOSYS) */
};

/* Every handler, declared from the list. */
#define SYSCALL(nr, name) long sys_##name(struct sys *s);
#define NOSYS(nr, name)
#include "emu/sys/syscalls.def"
#undef SYSCALL
#undef NOSYS

/* A handler's definition. */
#define SYS(name) long sys_##name(struct sys *s)

extern const struct syscall_def syscall_table[SYSCALL_MAX];
/* The name of call nr, implemented or not; NULL past the list. */
const char *syscall_name(uint64_t nr);
/* The kernel's entry points into this layer (struct kernel_syscalls). */
bool syscall_dispatch(struct proc *p);
void syscall_retry(struct proc *p);
extern const struct kernel_syscalls syscall_layer;

/* Guest memory through vm/ (faults traced as kernel mode). */
static inline int copy_in(struct sys *s, void *dst, uint64_t src, size_t len)
{
    return vm_copy_in(s->p->mm, dst, src, len);
}
static inline int copy_out(struct sys *s, uint64_t dst, const void *src, size_t len)
{
    return vm_copy_out(s->p->mm, dst, src, len);
}

/* wait.c: block the calling process; the call runs again when it is
 * woken (a handled signal ends it with EINTR when eintr or without
 * SA_RESTART). */
void sys_wait_and_retry(struct sys *s, bool eintr);
/* A wait with a deadline ns from now: the first call records it and
 * blocks; a retry at or after it returns true (the time is up). */
bool sys_wait_until(struct sys *s, uint64_t ns, bool eintr);
/* Read a NUL-terminated guest path (PATH_MAX bytes at most). */
long sys_path_in(struct sys *s, uint64_t addr, char *buf);

/* sys_time.c: a guest timespec as ns (saturating); -EFAULT, or -EINVAL
 * as Linux. */
long timespec_ns(struct sys *s, uint64_t addr, uint64_t *ns);
/* sys_signal.c: a wait under a temporary signal mask (rt_sigsuspend,
 * ppoll, pselect6), and its end. */
long signal_wait_mask(struct sys *s, uint64_t addr, uint64_t size);
void signal_wait_mask_end(struct sys *s, long r);

#endif
