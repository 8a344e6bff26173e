/*
 * info.c - what a process asks about itself and the system, as Linux's
 * kernel/sys.c answers it: uname, sysinfo, resource limits and usage,
 * times, umask, prctl.
 */
#include "emu/kernel/procsys.h"
#include "emu/sys/sys.h"
#include "emu/util/tool.h"

#include <string.h>

long sys_uname(struct sys *s, uaddr_t name)
{
    struct linux_utsname u;
    memset(&u, 0, sizeof u);
    strcpy(u.sysname, "Linux");
    /* A name every hosts file resolves (to 127.0.0.1): the machine's only
     * interface is lo, and hostname -i must find it without DNS. */
    strcpy(u.nodename, "localhost");
    strcpy(u.release, "6.1.0-faultline");
    strcpy(u.version, "#1 SMP faultline " FAULTLINE_VERSION);
    strcpy(u.machine, "x86_64");
    strcpy(u.domainname, "(none)");
    return copy_out(s, name, &u, sizeof u) < 0 ? -LINUX_EFAULT : 0;
}

long sys_sysinfo(struct sys *s, uaddr_t info)
{
    struct linux_sysinfo si;
    memset(&si, 0, sizeof si);
    struct emu *emu = s->emu;
    struct vm_usage u;
    vm_usage(emu->vm, &u);
    load_advance(emu, emu_monotonic(emu), load_active(emu));
    si.uptime = (int64_t)(emu_monotonic(emu) / LINUX_NSEC_PER_SEC);
    for (int i = 0; i < 3; i++)
        si.loads[i] = (uint64_t)emu->load.avg[i] << (LINUX_SI_LOAD_SHIFT - 11);
    /* The machine /proc/meminfo describes (procsys.c), in bytes (a 64-bit
     * kernel's mem_unit is 1). */
    si.totalram = (uint64_t)u.total * LINUX_PAGE_SIZE;
    si.freeram = (uint64_t)u.free * LINUX_PAGE_SIZE;
    si.sharedram = (uint64_t)u.shmem * LINUX_PAGE_SIZE;
    si.totalswap = u.swap_total * LINUX_PAGE_SIZE;
    si.freeswap = (u.swap_total - u.swap_used) * LINUX_PAGE_SIZE;
    si.procs = (uint16_t)emu->live;
    si.mem_unit = 1;
    return copy_out(s, info, &si, sizeof si) < 0 ? -LINUX_EFAULT : 0;
}

/* Limits are the process's own, inherited over fork and execve: the
 * stack's is the grows-down limit vm/ enforces, RLIMIT_NOFILE caps the
 * descriptors, RLIMIT_AS and RLIMIT_DATA mmap and brk (mmap.c),
 * RLIMIT_NPROC reads as --max-procs; the others are kept, not enforced. */
static long do_prlimit(struct sys *s, struct proc *p, int res, uaddr_t new_rlim, uaddr_t old_rlim)
{
    if (res < 0 || res >= LINUX_RLIM_NLIMITS)
        return -LINUX_EINVAL;
    struct linux_rlimit *l = &p->tg->rlim[res], n;
    if (new_rlim && copy_in(s, &n, new_rlim, sizeof n) < 0)
        return -LINUX_EFAULT;
    if (new_rlim && n.cur > n.max)
        return -LINUX_EINVAL;
    if (new_rlim && res == LINUX_RLIMIT_NOFILE && n.max > LINUX_NR_OPEN)
        return -LINUX_EPERM;
    if (old_rlim && copy_out(s, old_rlim, l, sizeof *l) < 0)
        return -LINUX_EFAULT;
    if (!new_rlim)
        return 0;
    *l = n;
    if (res == LINUX_RLIMIT_STACK && p->mm)
        vm_set_stack_limit(p->mm, n.cur);
    return 0;
}

long sys_prlimit64(struct sys *s, int pid, unsigned int resource, uaddr_t new_rlim, uaddr_t old_rlim)
{
    struct proc *p = pid ? proc_by_pid(s->emu, pid) : s->p;
    if (!p)
        return -LINUX_ESRCH;
    return do_prlimit(s, p, (int)resource, new_rlim, old_rlim);
}

long sys_getrlimit(struct sys *s, unsigned int resource, uaddr_t rlim)
{
    return do_prlimit(s, s->p, (int)resource, 0, rlim);
}

long sys_setrlimit(struct sys *s, unsigned int resource, uaddr_t rlim)
{
    return do_prlimit(s, s->p, (int)resource, rlim, 0);
}

struct linux_rusage rusage_make(uint64_t utime_ns, uint64_t maxrss_pages)
{
    struct linux_rusage ru;
    memset(&ru, 0, sizeof ru);
    ru.utime.sec = (int64_t)(utime_ns / LINUX_NSEC_PER_SEC);
    ru.utime.usec = (int64_t)(utime_ns % LINUX_NSEC_PER_SEC / 1000);
    ru.maxrss = (int64_t)(maxrss_pages * (LINUX_PAGE_SIZE / 1024));
    return ru;
}

/* CPU time is the guest time that passed while a task ran (proc_charge),
 * all of it user time; children are those waited for. */
long sys_getrusage(struct sys *s, int who, uaddr_t ru)
{
    uint64_t peak = s->p->mm ? vm_mm_peak_rss(s->p->mm) : 0;
    struct linux_rusage r;
    if (who == LINUX_RUSAGE_SELF)
        r = rusage_make(proc_cpu_ns(s->p), peak);
    else if (who == LINUX_RUSAGE_THREAD)
        r = rusage_make(task_cpu_ns(s->p), peak);
    else if (who == LINUX_RUSAGE_CHILDREN)
        r = rusage_make(s->p->tg->child_run_ns, 0);
    else
        return -LINUX_EINVAL;
    return copy_out(s, ru, &r, sizeof r) < 0 ? -LINUX_EFAULT : 0;
}

/* Clock ticks since start-up on the guest's clock, and the CPU times. */
long sys_times(struct sys *s, uaddr_t tbuf)
{
    const int64_t tick = LINUX_NSEC_PER_SEC / LINUX_USER_HZ;
    int64_t ticks = (int64_t)emu_monotonic(s->emu) / tick;
    if (tbuf) {
        struct linux_tms t = {.utime = (int64_t)proc_cpu_ns(s->p) / tick,
                              .cutime = (int64_t)s->p->tg->child_run_ns / tick};
        if (copy_out(s, tbuf, &t, sizeof t) < 0)
            return -LINUX_EFAULT;
    }
    return (long)ticks;
}

long sys_umask(struct sys *s, int mask)
{
    unsigned old = s->p->tg->umask;
    s->p->tg->umask = (unsigned)mask & LINUX_S_IRWXUGO;
    return old;
}

long sys_prctl(struct sys *s, int option, unsigned long arg2, unsigned long arg3,
               unsigned long arg4, unsigned long arg5)
{
    (void)arg3, (void)arg4, (void)arg5;
    char name[sizeof s->p->name];
    switch (option) {
    case LINUX_PR_SET_NAME: {
        long n = vm_copy_str_in(s->p->mm, name, arg2, sizeof name);
        if (n == -LINUX_EFAULT)
            return -LINUX_EFAULT;
        name[sizeof name - 1] = '\0';
        memcpy(s->p->name, name, sizeof name);
        return 0;
    }
    case LINUX_PR_GET_NAME:
        return copy_out(s, arg2, s->p->name, sizeof s->p->name) < 0 ? -LINUX_EFAULT : 0;
    case LINUX_PR_SET_PDEATHSIG:
    case LINUX_PR_SET_DUMPABLE:
    case LINUX_PR_SET_NO_NEW_PRIVS:
        return 0;
    default:
        return -LINUX_EINVAL;
    }
}
