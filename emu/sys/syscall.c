/*
 * syscall.c - the system-call table and its dispatcher, both made from
 * syscalls.def: for each call a thunk that decodes the six argument
 * registers into the handler's typed arguments, and a table entry naming
 * it.  Unknown numbers return -ENOSYS and are counted for the summary.
 */
#include "emu/sys/ipc.h"
#include "emu/sys/sys.h"

#include <stdio.h>

/* One argument register as the handler's type: a plain conversion, so an
 * int argument is the low 32 bits, as the kernel's SYSCALL_DEFINE reads
 * it, and a uaddr_t or unsigned long all 64. */
#define ARG(t, i) ((t)s->a[i])

#define SYSCALL0(nr, name) \
    static long thunk_##name(struct sys *s) { return sys_##name(s); }
#define SYSCALL1(nr, name, t1, a1) \
    static long thunk_##name(struct sys *s) { return sys_##name(s, ARG(t1, 0)); }
#define SYSCALL2(nr, name, t1, a1, t2, a2) \
    static long thunk_##name(struct sys *s) { return sys_##name(s, ARG(t1, 0), ARG(t2, 1)); }
#define SYSCALL3(nr, name, t1, a1, t2, a2, t3, a3)                                 \
    static long thunk_##name(struct sys *s)                                         \
    {                                                                               \
        return sys_##name(s, ARG(t1, 0), ARG(t2, 1), ARG(t3, 2));                   \
    }
#define SYSCALL4(nr, name, t1, a1, t2, a2, t3, a3, t4, a4)                         \
    static long thunk_##name(struct sys *s)                                         \
    {                                                                               \
        return sys_##name(s, ARG(t1, 0), ARG(t2, 1), ARG(t3, 2), ARG(t4, 3));       \
    }
#define SYSCALL5(nr, name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5)                 \
    static long thunk_##name(struct sys *s)                                         \
    {                                                                               \
        return sys_##name(s, ARG(t1, 0), ARG(t2, 1), ARG(t3, 2), ARG(t4, 3),        \
                          ARG(t5, 4));                                              \
    }
#define SYSCALL6(nr, name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6)         \
    static long thunk_##name(struct sys *s)                                         \
    {                                                                               \
        return sys_##name(s, ARG(t1, 0), ARG(t2, 1), ARG(t3, 2), ARG(t4, 3),        \
                          ARG(t5, 4), ARG(t6, 5));                                  \
    }
#define NOSYS(nr, name)
#include "emu/sys/syscalls.def"

#define ENTRY(nr, name) [nr] = {#name, thunk_##name},
#define SYSCALL0(nr, name) ENTRY(nr, name)
#define SYSCALL1(nr, name, ...) ENTRY(nr, name)
#define SYSCALL2(nr, name, ...) ENTRY(nr, name)
#define SYSCALL3(nr, name, ...) ENTRY(nr, name)
#define SYSCALL4(nr, name, ...) ENTRY(nr, name)
#define SYSCALL5(nr, name, ...) ENTRY(nr, name)
#define SYSCALL6(nr, name, ...) ENTRY(nr, name)
#define NOSYS(nr, name) [nr] = {#name, NULL},
const struct syscall_def syscall_table[SYSCALL_MAX] = {
#include "emu/sys/syscalls.def"
};
#undef ENTRY

const char *syscall_name(uint64_t nr)
{
    return nr < SYSCALL_MAX ? syscall_table[nr].name : NULL;
}

const struct kernel_syscalls syscall_layer = {
    .dispatch = syscall_dispatch,
    .retry = syscall_retry,
    .name = syscall_name,
    .exited = sem_exit,
};

static const enum cpu_reg arg_regs[] = {
    CPU_RAX, CPU_RDI, CPU_RSI, CPU_RDX, CPU_R10, CPU_R8, CPU_R9,
};

/* Run the call the registers of cpu describe, at rip (its syscall
 * instruction).  Returns what the call left to do. */
static struct sys invoke(struct proc *p, uint64_t rip, bool retried)
{
    struct emu *emu = p->emu;
    struct cpu *cpu = p->cpu;
    uint64_t v[7];
    cpu_regs_read(cpu, arg_regs, v, 7);
    struct sys s = {.emu = emu, .p = p, .nr = v[0], .rip = rip, .retried = retried};
    for (int i = 0; i < 6; i++)
        s.a[i] = v[i + 1];
    emu->current = p;
    p->syscalls++;
    p->last_nr = s.nr;
    p->in_call = true;
    p->call_rip = rip;
    p->call_mm = p->mm;
    long ret;
    if (s.nr < SYSCALL_MAX && syscall_table[s.nr].fn) {
        emu->syscall_calls[s.nr]++;
        ret = syscall_table[s.nr].fn(&s);
    } else {
        if (s.nr < SYSCALL_MAX)
            emu->unknown_calls[s.nr]++;
        else
            emu->unknown_other++;
        if (emu->opt.verbose)
            notice(&emu->notices, "pid %d: unsupported system call %llu (%s)", p->pid,
                   (unsigned long long)s.nr, syscall_name(s.nr) ? syscall_name(s.nr) : "not an x86-64 call");
        ret = -LINUX_ENOSYS;
    }
    if (ret == -LINUX_ENOMEM)
        oom_commit_refused(emu, p, syscall_name(s.nr));
    p->in_call = false;
    if (!s.no_return)
        cpu_set_reg(cpu, CPU_RAX, (uint64_t)ret);
    if (emu->opt.check)
        vm_check(emu->vm);
    return s;
}

bool syscall_dispatch(struct proc *p)
{
    struct cpu *cpu = p->cpu;
    if (p->fifo_wait) {
        /* A FIFO open a signal ended: its end goes (a retry keeps it). */
        file_put(p->fifo_wait);
        p->fifo_wait = NULL;
        proc_wake_all(p->emu);
    }
    struct sys s = invoke(p, cpu_reg(cpu, CPU_RIP), false);
    timers_check(p->emu, p); /* a busy process meets its own alarm */
    return s.stop || p->state != PROC_RUNNABLE || p->cpu != cpu ||
           signal_ready(p);
}

void syscall_retry(struct proc *p)
{
    struct cpu *cpu = p->cpu;
    uint64_t rip = p->restart_rip;
    p->restart = false;
    cpu_set_reg(cpu, CPU_RIP, rip);
    struct sys s = invoke(p, rip, true);
    /* Done (not blocked again, not a call that set its own registers):
     * continue after the instruction. */
    if (!s.no_return && p->cpu == cpu && p->state != PROC_ZOMBIE) {
        cpu_set_reg(cpu, CPU_RIP, rip + 2);
        p->wake_at = 0;
        p->sleep_rem = 0;
    }
}
