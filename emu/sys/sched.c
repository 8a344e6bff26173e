/*
 * sched.c - scheduling calls: priorities and policies are kept and
 * reported but do not change the deterministic schedule; one CPU;
 * sched_yield passes the turn on.
 */
#include "emu/kernel/thread.h"
#include "emu/sys/sys.h"

long sys_sched_yield(struct sys *s)
{
    s->stop = true;
    s->p->yielded = true;
    return 0;
}

long sys_sched_getaffinity(struct sys *s, int pid, unsigned int len, uaddr_t user_mask_ptr)
{
    (void)pid;
    if (len < sizeof(uint64_t))
        return -LINUX_EINVAL;
    uint64_t mask = 1; /* one CPU */
    return copy_out(s, user_mask_ptr, &mask, sizeof mask) < 0 ? -LINUX_EFAULT : (long)sizeof mask;
}

/* The emulated machine has one CPU: a mask must allow it (the bits for
 * others are as Linux takes bits of CPUs that are not online). */
long sys_sched_setaffinity(struct sys *s, int pid, unsigned int len, uaddr_t user_mask_ptr)
{
    if (pid < 0)
        return -LINUX_EINVAL;
    if (pid && !thread_by_tid(s->emu, 0, pid))
        return -LINUX_ESRCH;
    uint8_t first = 0;
    if (len == 0)
        return -LINUX_EINVAL;
    if (copy_in(s, &first, user_mask_ptr, 1) < 0)
        return -LINUX_EFAULT;
    return first & 1 ? 0 : -LINUX_EINVAL;
}

/* membarrier: with one CPU and one task running at a time every barrier
 * is already there.  QUERY lists GLOBAL, GLOBAL_EXPEDITED and
 * PRIVATE_EXPEDITED with their registrations; an expedited barrier before
 * its process registered is EPERM, as in Linux. */
#define MB_GLOBAL 1
#define MB_GLOBAL_EXPEDITED 2
#define MB_REGISTER_GLOBAL_EXPEDITED 4
#define MB_PRIVATE_EXPEDITED 8
#define MB_REGISTER_PRIVATE_EXPEDITED 16
long sys_membarrier(struct sys *s, int cmd, unsigned int flags, int cpu_id)
{
    (void)cpu_id;
    struct tgroup *tg = s->p->tg;
    if (flags)
        return -LINUX_EINVAL;
    switch (cmd) {
    case 0:
        return MB_GLOBAL | MB_GLOBAL_EXPEDITED | MB_REGISTER_GLOBAL_EXPEDITED |
               MB_PRIVATE_EXPEDITED | MB_REGISTER_PRIVATE_EXPEDITED;
    case MB_GLOBAL:
    case MB_GLOBAL_EXPEDITED:
        return 0;
    case MB_REGISTER_GLOBAL_EXPEDITED:
    case MB_REGISTER_PRIVATE_EXPEDITED:
        tg->membarrier_registered |= cmd;
        return 0;
    case MB_PRIVATE_EXPEDITED:
        return tg->membarrier_registered & MB_REGISTER_PRIVATE_EXPEDITED ? 0 : -LINUX_EPERM;
    default:
        return -LINUX_EINVAL;
    }
}

/* which: PRIO_PROCESS only, for the caller or a guest pid. */
static struct proc *prio_target(struct sys *s, int which, int who)
{
    if (which != LINUX_PRIO_PROCESS)
        return NULL;
    return who ? proc_by_pid(s->emu, who) : s->p;
}

/* The raw call's 40..1 for nice -20..19. */
long sys_getpriority(struct sys *s, int which, int who)
{
    if ((unsigned)which > LINUX_PRIO_USER)
        return -LINUX_EINVAL;
    struct proc *t = prio_target(s, which, who);
    return t && t->state != PROC_ZOMBIE ? 20 - t->nice : -LINUX_ESRCH;
}

long sys_setpriority(struct sys *s, int which, int who, int niceval)
{
    if ((unsigned)which > LINUX_PRIO_USER)
        return -LINUX_EINVAL;
    struct proc *t = prio_target(s, which, who);
    if (!t || t->state == PROC_ZOMBIE)
        return -LINUX_ESRCH;
    t->nice = niceval < -20 ? -20 : niceval > 19 ? 19 : niceval;
    return 0;
}

/* 0 when pid (0: the caller) is a live process; -EINVAL, -ESRCH. */
static long sched_target(struct sys *s, int pid)
{
    struct proc *t = pid ? proc_by_pid(s->emu, pid) : s->p;
    return pid < 0 ? -LINUX_EINVAL : t && t->state != PROC_ZOMBIE ? 0 : -LINUX_ESRCH;
}

long sys_sched_getscheduler(struct sys *s, int pid)
{
    return sched_target(s, pid); /* SCHED_OTHER */
}

long sys_sched_getparam(struct sys *s, int pid, uaddr_t param)
{
    long err = sched_target(s, pid);
    int32_t prio = 0;
    return err ? err : copy_out(s, param, &prio, 4) < 0 ? -LINUX_EFAULT : 0;
}

/* Only SCHED_OTHER with priority 0 is what the schedule is. */
long sys_sched_setscheduler(struct sys *s, int pid, int policy, uaddr_t param)
{
    long err = sched_target(s, pid);
    int32_t prio;
    if (!err && copy_in(s, &prio, param, 4) < 0)
        err = -LINUX_EFAULT;
    if (err)
        return err;
    return (policy & ~LINUX_SCHED_RESET_ON_FORK) != LINUX_SCHED_OTHER || prio != 0 ? -LINUX_EPERM : 0;
}

long sys_sched_setparam(struct sys *s, int pid, uaddr_t param)
{
    long err = sched_target(s, pid);
    int32_t prio;
    if (!err && copy_in(s, &prio, param, 4) < 0)
        err = -LINUX_EFAULT;
    return err ? err : prio != 0 ? -LINUX_EINVAL : 0;
}

static bool realtime_policy(int policy)
{
    return policy == LINUX_SCHED_FIFO || policy == LINUX_SCHED_RR;
}

long sys_sched_get_priority_max(struct sys *s, int policy)
{
    (void)s;
    return realtime_policy(policy) ? 99 : (unsigned)policy <= LINUX_SCHED_DEADLINE ? 0 : -LINUX_EINVAL;
}

long sys_sched_get_priority_min(struct sys *s, int policy)
{
    (void)s;
    return realtime_policy(policy) ? 1 : (unsigned)policy <= LINUX_SCHED_DEADLINE ? 0 : -LINUX_EINVAL;
}

/* I/O priorities: none set (IOPRIO_CLASS_NONE, 0), as for a new process. */
static long ioprio_which(int which)
{
    return which >= LINUX_IOPRIO_WHO_PROCESS && which <= LINUX_IOPRIO_WHO_USER ? 0 : -LINUX_EINVAL;
}

long sys_ioprio_get(struct sys *s, int which, int who)
{
    (void)s, (void)who;
    return ioprio_which(which);
}

long sys_ioprio_set(struct sys *s, int which, int who, int ioprio)
{
    (void)s, (void)who, (void)ioprio;
    return ioprio_which(which);
}
