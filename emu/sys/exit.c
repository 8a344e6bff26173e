/*
 * exit.c - exit, exit_group, and the waits for children: wait4 and
 * waitid report an exit, a stop or a continue, lowest pid first.
 */
#include "emu/kernel/thread.h"
#include "emu/sys/sys.h"

#include <limits.h>
#include <string.h>

/* One thread ends; the process with its last. */
long sys_exit(struct sys *s, int error_code)
{
    int status = LINUX_W_EXITCODE(error_code);
    if (!thread_exit(s->emu, s->p, status))
        proc_exit(s->emu, s->p, status);
    s->no_return = true;
    s->stop = true;
    return 0;
}

/* Every thread of the process ends. */
long sys_exit_group(struct sys *s, int error_code)
{
    proc_exit(s->emu, s->p, LINUX_W_EXITCODE(error_code));
    s->no_return = true;
    s->stop = true;
    return 0;
}

/* pid as wait4 names children: N that pid, 0 our group, -1 any, -N
 * group N. */
static bool child_matches(const struct proc *parent, const struct proc *c, int pid)
{
    /* A process is its leader's task; its other threads are no children. */
    if (c->tg->ppid != parent->tg->tgid || c->pid != c->tg->tgid)
        return false;
    if (pid > 0)
        return c->pid == pid;
    if (pid == 0)
        return c->tg->pgid == parent->tg->pgid;
    if (pid < -1)
        return c->tg->pgid == -pid;
    return true;
}

enum waited { WAITED_EXIT, WAITED_STOP, WAITED_CONT };

/* The child matching pid with something to report that options ask for
 * (an exit; a stop with WSTOPPED; a continue with WCONTINUED), lowest pid
 * first, or NULL; *any tells whether a child matched at all. */
static struct proc *find_waitable(struct emu *emu, struct proc *parent, int pid, int options,
                                  bool *any, enum waited *what)
{
    *any = false;
    struct proc *found = NULL;
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *c = emu->procs[i];
        if (!c || !child_matches(parent, c, pid))
            continue;
        *any = true;
        enum waited w;
        if (c->state == PROC_ZOMBIE && (options & LINUX_WEXITED))
            w = WAITED_EXIT;
        else if (c->state != PROC_ZOMBIE && c->tg->stopped && c->tg->stop_report && (options & LINUX_WSTOPPED))
            w = WAITED_STOP;
        else if (c->state != PROC_ZOMBIE && c->tg->cont_report && (options & LINUX_WCONTINUED))
            w = WAITED_CONT;
        else
            continue;
        if (!found || c->pid < found->pid) {
            found = c;
            *what = w;
        }
    }
    return found;
}

/* The report has been seen: a stop or continue once, an exit for good
 * (the zombie goes). */
static void consume_waited(struct emu *emu, struct proc *waiter, struct proc *z,
                           enum waited what)
{
    if (what == WAITED_STOP) {
        z->tg->stop_report = false;
    } else if (what == WAITED_CONT) {
        z->tg->cont_report = false;
    } else {
        /* Its CPU time, and its children's, become the waiter's children's. */
        waiter->tg->child_run_ns += proc_cpu_ns(z) + z->tg->child_run_ns;
        proc_release(emu, z);
    }
}

long sys_wait4(struct sys *s, int upid, uaddr_t stat_addr, int options, uaddr_t ru)
{
    const unsigned known = LINUX_WNOHANG | LINUX_WSTOPPED | LINUX_WCONTINUED | LINUX___WALL |
                           LINUX___WCLONE;
    if ((unsigned)options & ~known)
        return -LINUX_EINVAL;
    if (upid == INT_MIN)
        return -LINUX_ESRCH; /* as Linux: its negation is no process group */
    bool any;
    enum waited what = WAITED_EXIT;
    struct proc *z = find_waitable(s->emu, s->p, upid, options | LINUX_WEXITED, &any, &what);
    if (!any)
        return -LINUX_ECHILD;
    if (!z) {
        if (options & LINUX_WNOHANG)
            return 0;
        sys_wait_and_retry(s, false);
        return 0;
    }
    int32_t status = what == WAITED_STOP ? LINUX_W_STOPCODE(z->tg->stop_sig)
                     : what == WAITED_CONT ? LINUX_W_CONTINUED
                                           : z->wait_status;
    if (stat_addr && copy_out(s, stat_addr, &status, 4) < 0)
        return -LINUX_EFAULT;
    if (ru) {
        struct linux_rusage r = rusage_make(proc_cpu_ns(z) + z->tg->child_run_ns, 0);
        if (copy_out(s, ru, &r, sizeof r) < 0)
            return -LINUX_EFAULT;
    }
    int zpid = z->pid;
    consume_waited(s->emu, s->p, z, what);
    return zpid;
}

/* The siginfo waitid reports for child z's event. */
static void waitid_info(struct linux_siginfo *info, const struct proc *z, enum waited what)
{
    memset(info, 0, sizeof *info);
    info->signo = LINUX_SIGCHLD;
    info->u.chld.pid = z->pid;
    if (what == WAITED_STOP) {
        info->code = LINUX_CLD_STOPPED;
        info->u.chld.status = z->tg->stop_sig;
    } else if (what == WAITED_CONT) {
        info->code = LINUX_CLD_CONTINUED;
        info->u.chld.status = LINUX_SIGCONT;
    } else if (LINUX_WTERMSIG(z->wait_status)) {
        info->code = LINUX_CLD_KILLED;
        info->u.chld.status = LINUX_WTERMSIG(z->wait_status);
    } else {
        info->code = LINUX_CLD_EXITED;
        info->u.chld.status = LINUX_WEXITSTATUS(z->wait_status);
    }
}

long sys_waitid(struct sys *s, int which, int upid, uaddr_t infop, int options, uaddr_t ru)
{
    (void)ru;
    if (which < LINUX_P_ALL || which > LINUX_P_PGID ||
        !(options & (LINUX_WEXITED | LINUX_WSTOPPED | LINUX_WCONTINUED)) ||
        (which != LINUX_P_ALL && upid < 0) || (which == LINUX_P_PID && upid == 0))
        return -LINUX_EINVAL;
    /* As wait4 names them: -1 any, N the pid, -N the group (0: ours). */
    int pid = which == LINUX_P_ALL ? -1 : which == LINUX_P_PID ? upid : -upid;
    bool any;
    enum waited what = WAITED_EXIT;
    struct proc *z = find_waitable(s->emu, s->p, pid, options, &any, &what);
    if (!any)
        return -LINUX_ECHILD;
    struct linux_siginfo info;
    if (!z) {
        if (!(options & LINUX_WNOHANG)) {
            sys_wait_and_retry(s, false);
            return 0;
        }
        memset(&info, 0, sizeof info); /* nothing yet: a zeroed siginfo */
    } else {
        waitid_info(&info, z, what);
    }
    if (infop && copy_out(s, infop, &info, sizeof info) < 0)
        return -LINUX_EFAULT;
    if (z && !(options & LINUX_WNOWAIT))
        consume_waited(s->emu, s->p, z, what);
    return 0;
}
