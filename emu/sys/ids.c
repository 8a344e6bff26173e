/*
 * ids.c - who a process is: pids, the host user's ids (which the guest
 * may keep but not change), process groups and sessions.
 */
#include "emu/sys/sys.h"

#include <unistd.h>

long sys_getpid(struct sys *s) { return s->p->tg->tgid; }
long sys_gettid(struct sys *s) { return s->p->pid; }
long sys_getppid(struct sys *s) { return s->p->tg->ppid; }
long sys_getuid(struct sys *s) { (void)s; return getuid(); }
long sys_geteuid(struct sys *s) { (void)s; return geteuid(); }
long sys_getgid(struct sys *s) { (void)s; return getgid(); }
long sys_getegid(struct sys *s) { (void)s; return getegid(); }

#define NGROUPS 64 /* supplementary groups reported at most */

long sys_getgroups(struct sys *s, int gidsetsize, uaddr_t grouplist)
{
    gid_t g[NGROUPS];
    int n = getgroups(NGROUPS, g);
    if (n < 0)
        return host_err();
    if (gidsetsize == 0)
        return n;
    if (gidsetsize < n)
        return -LINUX_EINVAL;
    linux_gid_t out[NGROUPS];
    for (int i = 0; i < n; i++)
        out[i] = g[i];
    return copy_out(s, grouplist, out, (size_t)n * sizeof *out) < 0 ? -LINUX_EFAULT : n;
}

/* A set*id call may only keep an id as it is (-1: leave it). */
static long same_id(uint32_t want, uint32_t have)
{
    return want == have || (int32_t)want == -1 ? 0 : -LINUX_EPERM;
}

static long same_ids(uint32_t r, uint32_t e, uint32_t saved, uint32_t have_r, uint32_t have_e)
{
    long err = same_id(r, have_r);
    if (!err)
        err = same_id(e, have_e);
    return err ? err : same_id(saved, have_e);
}

long sys_setuid(struct sys *s, linux_uid_t uid)
{
    (void)s;
    return same_id(uid, (uint32_t)getuid());
}

long sys_setgid(struct sys *s, linux_gid_t gid)
{
    (void)s;
    return same_id(gid, (uint32_t)getgid());
}

long sys_setreuid(struct sys *s, linux_uid_t ruid, linux_uid_t euid)
{
    (void)s;
    long r = same_id(ruid, (uint32_t)getuid());
    return r ? r : same_id(euid, (uint32_t)geteuid());
}

long sys_setregid(struct sys *s, linux_gid_t rgid, linux_gid_t egid)
{
    (void)s;
    long r = same_id(rgid, (uint32_t)getgid());
    return r ? r : same_id(egid, (uint32_t)getegid());
}

long sys_setresuid(struct sys *s, linux_uid_t ruid, linux_uid_t euid, linux_uid_t suid)
{
    (void)s;
    return same_ids(ruid, euid, suid, (uint32_t)getuid(), (uint32_t)geteuid());
}

long sys_setresgid(struct sys *s, linux_gid_t rgid, linux_gid_t egid, linux_gid_t sgid)
{
    (void)s;
    return same_ids(rgid, egid, sgid, (uint32_t)getgid(), (uint32_t)getegid());
}

/* The saved id is the effective one. */
static long put_ids(struct sys *s, uaddr_t ra, uaddr_t ea, uaddr_t sa, uint32_t r, uint32_t e)
{
    if (copy_out(s, ra, &r, 4) < 0 || copy_out(s, ea, &e, 4) < 0 || copy_out(s, sa, &e, 4) < 0)
        return -LINUX_EFAULT;
    return 0;
}

long sys_getresuid(struct sys *s, uaddr_t ruid, uaddr_t euid, uaddr_t suid)
{
    return put_ids(s, ruid, euid, suid, (uint32_t)getuid(), (uint32_t)geteuid());
}

long sys_getresgid(struct sys *s, uaddr_t rgid, uaddr_t egid, uaddr_t sgid)
{
    return put_ids(s, rgid, egid, sgid, (uint32_t)getgid(), (uint32_t)getegid());
}

long sys_getpgid(struct sys *s, int pid)
{
    struct proc *q = pid ? proc_by_pid(s->emu, pid) : s->p;
    return q ? q->tg->pgid : -LINUX_ESRCH;
}

long sys_getpgrp(struct sys *s)
{
    return s->p->tg->pgid;
}

long sys_setpgid(struct sys *s, int pid, int pgid)
{
    struct proc *q = pid ? proc_by_pid(s->emu, pid) : s->p;
    if (!q || (q != s->p && q->tg->ppid != s->p->pid))
        return -LINUX_ESRCH;
    if (pgid < 0)
        return -LINUX_EINVAL;
    q->tg->pgid = pgid ? pgid : q->pid;
    return 0;
}

long sys_getsid(struct sys *s, int pid)
{
    struct proc *q = pid ? proc_by_pid(s->emu, pid) : s->p;
    return q ? q->tg->sid : -LINUX_ESRCH;
}

long sys_setsid(struct sys *s)
{
    if (s->p->tg->pgid == s->p->pid)
        return -LINUX_EPERM;
    s->p->tg->sid = s->p->tg->pgid = s->p->pid;
    return s->p->pid;
}
