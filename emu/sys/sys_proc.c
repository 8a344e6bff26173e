/*
 * sys_proc.c - processes: fork (copy-on-write through vm_mm_fork), vfork
 * and fork-like clone, execve with a fresh engine, exit, wait, ids,
 * limits, and the thread-area calls static start-up code makes.
 *
 * Threads (clone with CLONE_VM but not CLONE_VFORK, or CLONE_THREAD) are
 * not supported: -ENOSYS.  CLONE_VM|CLONE_VFORK (posix_spawn) runs the
 * child in a copy of the parent's memory while the parent waits.
 */
#include "emu/kernel/fs.h"
#include "emu/sys/sys.h"
#include "emu/util/tool.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#define CLONE_SUPPORTED                                                                  \
    (0xff | LINUX_CLONE_VM | LINUX_CLONE_FS | LINUX_CLONE_VFORK | LINUX_CLONE_PARENT | LINUX_CLONE_SETTLS | \
     LINUX_CLONE_PARENT_SETTID | LINUX_CLONE_CHILD_CLEARTID | LINUX_CLONE_CHILD_SETTID)

/* --- fork ------------------------------------------------------------------------------ */

static long do_fork(struct sys *s, uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t ctid,
                    uint64_t tls)
{
    struct emu *emu = s->emu;
    struct proc *parent = s->p;
    if ((flags & ~(uint64_t)CLONE_SUPPORTED) ||
        ((flags & LINUX_CLONE_VM) && !(flags & LINUX_CLONE_VFORK))) {
        /* Threads: say once why the program's error message will follow. */
        if ((flags & LINUX_CLONE_VM) && !emu->thread_warned) {
            emu->thread_warned = true;
            fprintf(stderr, "faultline: pid %d (%s) tried to start a thread: threads are not "
                            "supported (clone fails with ENOSYS)\n", parent->pid, parent->name);
        }
        return -ENOSYS;
    }
    struct proc *c = proc_alloc(emu);
    if (!c)
        return -EAGAIN; /* --max-procs */
    c->ppid = (flags & LINUX_CLONE_PARENT) ? parent->ppid : parent->pid;
    c->pgid = parent->pgid;
    c->sid = parent->sid;
    c->umask = parent->umask;
    c->nice = parent->nice;
    c->arg_start = parent->arg_start;
    c->arg_end = parent->arg_end;
    c->env_start = parent->env_start;
    c->env_end = parent->env_end;
    memcpy(c->name, parent->name, sizeof c->name);
    memcpy(c->exe, parent->exe, sizeof c->exe);
    memcpy(c->cwd, parent->cwd, sizeof c->cwd);
    c->sig = parent->sig;
    c->sig.pending = 0;
    c->sig.suspended = false;
    c->fds = fdtable_clone(parent->fds);
    c->cpu = c->fds ? proc_cpu_new(emu, c) : NULL;
    c->mm = c->cpu ? vm_mm_fork(parent->mm, c->pid, c->cpu) : NULL;
    if (!c->mm) {
        proc_release(emu, c);
        return -ENOMEM;
    }
    cpu_set_mm(c->cpu, c->mm);
    /* The parent's registers; the child resumes after the syscall with 0. */
    cpu_copy_state(c->cpu, parent->cpu);
    cpu_set_reg(c->cpu, CPU_RIP, s->rip + 2);
    cpu_set_reg(c->cpu, CPU_RAX, 0);
    if (newsp)
        cpu_set_reg(c->cpu, CPU_RSP, newsp);
    if (flags & LINUX_CLONE_SETTLS)
        cpu_set_reg(c->cpu, CPU_FS_BASE, tls);
    int32_t pid = c->pid;
    if ((flags & LINUX_CLONE_PARENT_SETTID) && copy_out(s, ptid, &pid, 4) < 0) {
        proc_release(emu, c);
        return -EFAULT;
    }
    if (flags & LINUX_CLONE_CHILD_SETTID)
        vm_copy_out(c->mm, ctid, &pid, 4); /* the child's first write: a COW */
    if (flags & LINUX_CLONE_CHILD_CLEARTID)
        c->clear_child_tid = ctid;
    c->state = PROC_RUNNABLE;
    if (flags & LINUX_CLONE_VFORK) {
        c->vfork_parent = parent->pid;
        parent->vfork_child = c->pid;
        parent->state = PROC_BLOCKED;
        s->stop = true;
    }
    return c->pid;
}

SYS(fork)
{
    return do_fork(s, SIGCHLD, 0, 0, 0, 0);
}

SYS(vfork)
{
    return do_fork(s, LINUX_CLONE_VM | LINUX_CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

SYS(clone)
{
    /* x86-64 order: flags, stack, parent_tid, child_tid, tls */
    return do_fork(s, s->a[0], s->a[1], s->a[2], s->a[3], s->a[4]);
}

SYS(clone3)
{
    (void)s;
    return -ENOSYS; /* glibc falls back to clone */
}

/* --- execve ------------------------------------------------------------------------------ */


/* Copy a NULL-terminated array of guest strings; NULL with *err set. */
static char **copy_strv(struct sys *s, uint64_t addr, size_t *budget, long *err)
{
    size_t n = 0, cap = 16;
    char **v = calloc(cap, sizeof *v);
    if (!v) {
        *err = -ENOMEM;
        return NULL;
    }
    for (; addr; n++) {
        uint64_t ptr;
        if (copy_in(s, &ptr, addr + n * 8, 8) < 0) {
            *err = -EFAULT;
            goto fail;
        }
        if (!ptr)
            break;
        if (n + 2 > cap) {
            cap *= 2;
            char **w = realloc(v, cap * sizeof *w);
            if (!w) {
                *err = -ENOMEM;
                goto fail;
            }
            v = w;
        }
        char *str = malloc(*budget ? *budget : 1);
        long len = str ? vm_copy_str_in(s->p->mm, str, ptr, *budget) : -ENOMEM;
        if (len < 0) {
            free(str);
            *err = len == -ENAMETOOLONG ? -E2BIG : len;
            goto fail;
        }
        *budget -= (size_t)len + 1;
        v[n] = realloc(str, (size_t)len + 1);
        v[n + 1] = NULL;
    }
    v[n] = NULL;
    return v;
fail:
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    return NULL;
}

static void free_strv(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static long do_execve(struct sys *s, int dirfd, uint64_t upath, uint64_t uargv, uint64_t uenvp,
                      int flags)
{
    struct emu *emu = s->emu;
    struct proc *p = s->p;
    char path[PATH_MAX], gpath[PATH_MAX];
    long err = sys_path_in(s, upath, path);
    if (err < 0)
        return err;
    if (!path[0] && !(flags & AT_EMPTY_PATH))
        return -ENOENT;
    int e2 = fs_guest_path(p, dirfd, path, gpath, sizeof gpath);
    if (e2 < 0)
        return e2;
    size_t budget = LINUX_ARG_MAX;
    char **argv = copy_strv(s, uargv, &budget, &err);
    char **envp = argv ? copy_strv(s, uenvp, &budget, &err) : NULL;
    if (!envp) {
        free_strv(argv);
        return err;
    }
    struct cpu *cpu = proc_cpu_new(emu, p);
    struct vm_mm *mm = cpu ? vm_mm_new(emu->vm, p->pid) : NULL;
    if (!mm) {
        cpu_free(cpu);
        free_strv(argv);
        free_strv(envp);
        return -ENOMEM;
    }
    vm_mm_set_port_data(mm, cpu);
    cpu_set_mm(cpu, mm);
    struct loader_fs fs = fs_loader(emu, p);
    struct loader_args args = proc_loader_args(emu, p, gpath, argv, envp, &fs);
    struct loader_image img;
    struct loader_error le;
    int rc = loader_load(emu->vm, mm, &args, true, &img, &le);
    free_strv(argv);
    free_strv(envp);
    if (rc < 0) {
        vm_mm_free(mm);
        cpu_free(cpu);
        if (emu->opt.verbose)
            fprintf(stderr, "faultline: pid %d: execve: %s\n", p->pid, le.msg);
        return le.err ? le.err : -ENOEXEC;
    }
    /* The point of no return: the old image goes. */
    vm_mm_free(p->mm);
    p->mm = mm;
    p->dead_cpu = p->cpu;
    cpu_request_stop(p->cpu);
    p->cpu = cpu;
    proc_start_regs(cpu, &img);
    proc_note_args(p, &img);
    snprintf(p->name, sizeof p->name, "%s", img.comm);
    fs_guest_path(p, AT_FDCWD, img.exe, p->exe, sizeof p->exe);
    for (int fd = 0; fd < MAX_FDS; fd++) {
        if (p->fds->file[fd] && p->fds->cloexec[fd]) {
            file_put(p->fds->file[fd]);
            p->fds->file[fd] = NULL;
            p->fds->cloexec[fd] = false;
        }
    }
    /* Caught signals go back to their default; ignored ones stay ignored. */
    for (int sig = 1; sig <= LINUX_NSIG; sig++) {
        struct linux_sigaction *a = &p->sig.act[sig];
        if (a->handler > 1)
            *a = (struct linux_sigaction){0};
        a->flags &= ~0x04000000ULL;
    }
    p->sig.altstack_sp = p->sig.altstack_size = 0;
    timers_exec(p);
    p->clear_child_tid = 0;
    proc_vfork_release(emu, p);
    s->no_return = true;
    s->stop = true;
    return 0;
}

SYS(execve)
{
    return do_execve(s, AT_FDCWD, s->a[0], s->a[1], s->a[2], 0);
}

SYS(execveat)
{
    return do_execve(s, (int)s->a[0], s->a[1], s->a[2], s->a[3], (int)s->a[4]);
}

/* --- exit and wait --------------------------------------------------------------------- */

SYS(exit)
{
    proc_exit(s->emu, s->p, (int)(s->a[0] & 0xff) << 8);
    s->no_return = true;
    s->stop = true;
    return 0;
}

SYS(exit_group)
{
    return sys_exit(s);
}


static bool child_matches(const struct proc *parent, const struct proc *c, int pid)
{
    if (c->ppid != parent->pid)
        return false;
    if (pid > 0)
        return c->pid == pid;
    if (pid == 0)
        return c->pgid == parent->pgid;
    if (pid < -1)
        return c->pgid == -pid;
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
        else if (c->state != PROC_ZOMBIE && c->stopped && c->stop_report && (options & LINUX_WSTOPPED))
            w = WAITED_STOP;
        else if (c->state != PROC_ZOMBIE && c->cont_report && (options & LINUX_WCONTINUED))
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
static void consume_waited(struct emu *emu, struct proc *z, enum waited what)
{
    if (what == WAITED_STOP)
        z->stop_report = false;
    else if (what == WAITED_CONT)
        z->cont_report = false;
    else
        proc_release(emu, z);
}

SYS(wait4)
{
    int pid = (int)s->a[0];
    if (s->a[2] & ~(uint64_t)(LINUX_WNOHANG | LINUX_WSTOPPED | LINUX_WCONTINUED | 0x40000000 | 0x80000000))
        return -EINVAL;
    if (pid == INT_MIN)
        return -ESRCH; /* as Linux: its negation is no process group */
    bool any;
    enum waited what = WAITED_EXIT;
    struct proc *z = find_waitable(s->emu, s->p, pid, (int)s->a[2] | LINUX_WEXITED, &any, &what);
    if (!any)
        return -ECHILD;
    if (!z) {
        if (s->a[2] & LINUX_WNOHANG)
            return 0;
        sys_wait_and_retry(s, false);
        return 0;
    }
    int32_t status = what == WAITED_STOP ? (z->stop_sig << 8) | 0x7f
                     : what == WAITED_CONT ? 0xffff
                                           : z->wait_status;
    if (s->a[1] && copy_out(s, s->a[1], &status, 4) < 0)
        return -EFAULT;
    if (s->a[3]) {
        uint8_t ru[144] = {0};
        if (copy_out(s, s->a[3], ru, sizeof ru) < 0)
            return -EFAULT;
    }
    int zpid = z->pid;
    consume_waited(s->emu, z, what);
    return zpid;
}

SYS(waitid)
{
    int idtype = (int)s->a[0], id = (int)s->a[1], options = (int)s->a[3];
    if (idtype < 0 || idtype > 2 || !(options & (LINUX_WEXITED | LINUX_WSTOPPED | LINUX_WCONTINUED)) ||
        (idtype > 0 && id < 0) || (idtype == 1 && id == 0))
        return -EINVAL;
    /* As wait4 names them: -1 any, N the pid, -N the group (0: ours). */
    int pid = idtype == 0 ? -1 : idtype == 1 ? id : -id;
    bool any;
    enum waited what = WAITED_EXIT;
    struct proc *z = find_waitable(s->emu, s->p, pid, options, &any, &what);
    if (!any)
        return -ECHILD;
    uint8_t info[128] = {0};
    if (!z) {
        if (options & LINUX_WNOHANG)
            return s->a[2] && copy_out(s, s->a[2], info, sizeof info) < 0 ? -EFAULT : 0;
        sys_wait_and_retry(s, false);
        return 0;
    }
    int code, status;
    if (what == WAITED_STOP) {
        code = 5; /* CLD_STOPPED */
        status = z->stop_sig;
    } else if (what == WAITED_CONT) {
        code = 6; /* CLD_CONTINUED */
        status = SIGCONT;
    } else {
        code = (z->wait_status & 0x7f) ? 2 : 1;
        status = (z->wait_status & 0x7f) ? (z->wait_status & 0x7f) : (z->wait_status >> 8) & 0xff;
    }
    int32_t fields[7] = {SIGCHLD, 0, code, 0, z->pid, 0, status};
    memcpy(info, fields, sizeof fields);
    if (s->a[2] && copy_out(s, s->a[2], info, sizeof info) < 0)
        return -EFAULT;
    if (!(options & LINUX_WNOWAIT))
        consume_waited(s->emu, z, what);
    return 0;
}

/* --- identity ------------------------------------------------------------------------------ */

SYS(getpid) { return s->p->pid; }
SYS(gettid) { return s->p->pid; }
SYS(getppid) { return s->p->ppid; }
SYS(getuid) { (void)s; return getuid(); }
SYS(geteuid) { (void)s; return geteuid(); }
SYS(getgid) { (void)s; return getgid(); }
SYS(getegid) { (void)s; return getegid(); }

SYS(getgroups)
{
    gid_t g[64];
    int n = getgroups(64, g);
    if (n < 0)
        return -errno;
    if (s->a[0] == 0)
        return n;
    if ((int)s->a[0] < n)
        return -EINVAL;
    uint32_t out[64];
    for (int i = 0; i < n; i++)
        out[i] = g[i];
    return copy_out(s, s->a[1], out, (size_t)n * 4) < 0 ? -EFAULT : n;
}

static long same_id(uint64_t want, uint32_t have)
{
    return (uint32_t)want == have || (int32_t)want == -1 ? 0 : -EPERM;
}

SYS(setuid) { return same_id(s->a[0], (uint32_t)getuid()); }
SYS(setgid) { return same_id(s->a[0], (uint32_t)getgid()); }
SYS(setreuid) { long r = same_id(s->a[0], (uint32_t)getuid()); return r ? r : same_id(s->a[1], (uint32_t)geteuid()); }
SYS(setregid) { long r = same_id(s->a[0], (uint32_t)getgid()); return r ? r : same_id(s->a[1], (uint32_t)getegid()); }
SYS(setresuid) { long r = same_id(s->a[0], (uint32_t)getuid()); if (!r) r = same_id(s->a[1], (uint32_t)geteuid()); return r ? r : same_id(s->a[2], (uint32_t)geteuid()); }
SYS(setresgid) { long r = same_id(s->a[0], (uint32_t)getgid()); if (!r) r = same_id(s->a[1], (uint32_t)getegid()); return r ? r : same_id(s->a[2], (uint32_t)getegid()); }

static long put_ids(struct sys *s, uint32_t a, uint32_t b, uint32_t c)
{
    if (copy_out(s, s->a[0], &a, 4) < 0 || copy_out(s, s->a[1], &b, 4) < 0 ||
        copy_out(s, s->a[2], &c, 4) < 0)
        return -EFAULT;
    return 0;
}

SYS(getresuid) { return put_ids(s, (uint32_t)getuid(), (uint32_t)geteuid(), (uint32_t)geteuid()); }
SYS(getresgid) { return put_ids(s, (uint32_t)getgid(), (uint32_t)getegid(), (uint32_t)getegid()); }

SYS(getpgid)
{
    struct proc *q = s->a[0] ? proc_by_pid(s->emu, (int)s->a[0]) : s->p;
    return q ? q->pgid : -ESRCH;
}

SYS(getpgrp) { return s->p->pgid; }

SYS(setpgid)
{
    int pid = (int)s->a[0], pgid = (int)s->a[1];
    struct proc *q = pid ? proc_by_pid(s->emu, pid) : s->p;
    if (!q || (q != s->p && q->ppid != s->p->pid))
        return -ESRCH;
    if (pgid < 0)
        return -EINVAL;
    q->pgid = pgid ? pgid : q->pid;
    return 0;
}

SYS(getsid)
{
    struct proc *q = s->a[0] ? proc_by_pid(s->emu, (int)s->a[0]) : s->p;
    return q ? q->sid : -ESRCH;
}

SYS(setsid)
{
    if (s->p->pgid == s->p->pid)
        return -EPERM;
    s->p->sid = s->p->pgid = s->p->pid;
    return s->p->pid;
}

/* --- start-up calls -------------------------------------------------------------------- */

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

SYS(arch_prctl)
{
    uint64_t v;
    switch (s->a[0]) {
    case ARCH_SET_FS:
    case ARCH_SET_GS:
        if (s->a[1] >= VM_USER_END)
            return -EPERM;
        cpu_set_reg(s->p->cpu, s->a[0] == ARCH_SET_FS ? CPU_FS_BASE : CPU_GS_BASE,
                    s->a[1]);
        return 0;
    case ARCH_GET_FS:
    case ARCH_GET_GS:
        v = cpu_reg(s->p->cpu, s->a[0] == ARCH_GET_FS ? CPU_FS_BASE : CPU_GS_BASE);
        return copy_out(s, s->a[1], &v, 8) < 0 ? -EFAULT : 0;
    default:
        return -EINVAL;
    }
}

SYS(set_tid_address)
{
    s->p->clear_child_tid = s->a[0];
    return s->p->pid;
}

SYS(set_robust_list)
{
    return s->a[1] == 24 ? 0 : -EINVAL;
}

SYS(rseq)
{
    (void)s;
    return -ENOSYS; /* glibc runs without it */
}

/* Limits: the stack's is the grows-down limit vm/ enforces. */
static long get_limit(struct sys *s, int res, struct rlimit *out)
{
    const uint64_t inf = RLIM_INFINITY;
    switch (res) {
    case RLIMIT_STACK:
        *out = (struct rlimit){s->p->mm ? vm_stack_limit(s->p->mm) : VM_STACK_LIMIT_DEFAULT, inf};
        if (out->rlim_cur >= VM_STACK_LIMIT_MAX)
            out->rlim_cur = inf;
        break;
    case RLIMIT_NOFILE:
        *out = (struct rlimit){MAX_FDS, MAX_FDS};
        break;
    case RLIMIT_NPROC:
        *out = (struct rlimit){(rlim_t)s->emu->opt.max_procs, (rlim_t)s->emu->opt.max_procs};
        break;
    case RLIMIT_CORE:
        *out = (struct rlimit){0, inf};
        break;
    default:
        if (res < 0 || res >= RLIM_NLIMITS)
            return -EINVAL;
        *out = (struct rlimit){inf, inf};
    }
    return 0;
}

SYS(prlimit64)
{
    if (s->a[0] && (int)s->a[0] != s->p->pid && !proc_by_pid(s->emu, (int)s->a[0]))
        return -ESRCH;
    struct rlimit cur;
    long err = get_limit(s, (int)s->a[1], &cur);
    if (err)
        return err;
    if (s->a[3] && copy_out(s, s->a[3], &cur, sizeof cur) < 0)
        return -EFAULT;
    if (s->a[2]) {
        struct rlimit n;
        if (copy_in(s, &n, s->a[2], sizeof n) < 0)
            return -EFAULT;
        if (n.rlim_cur > n.rlim_max)
            return -EINVAL;
        if ((int)s->a[1] == RLIMIT_STACK && s->p->mm)
            vm_set_stack_limit(s->p->mm, n.rlim_cur);
    }
    return 0;
}

SYS(getrlimit)
{
    struct rlimit cur;
    long err = get_limit(s, (int)s->a[0], &cur);
    return err ? err : copy_out(s, s->a[1], &cur, sizeof cur) < 0 ? -EFAULT : 0;
}

SYS(setrlimit)
{
    struct rlimit n;
    if (copy_in(s, &n, s->a[1], sizeof n) < 0)
        return -EFAULT;
    return n.rlim_cur > n.rlim_max ? -EINVAL : 0;
}

SYS(uname)
{
    struct utsname u;
    memset(&u, 0, sizeof u);
    strcpy(u.sysname, "Linux");
    strcpy(u.nodename, "faultline");
    strcpy(u.release, "6.1.0-faultline");
    strcpy(u.version, "#1 SMP faultline " FAULTLINE_VERSION);
    strcpy(u.machine, "x86_64");
    strcpy(u.domainname, "(none)");
    return copy_out(s, s->a[0], &u, sizeof u) < 0 ? -EFAULT : 0;
}

SYS(sysinfo)
{
    struct {
        int64_t uptime;
        uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
        uint16_t procs, pad;
        uint32_t pad2;
        uint64_t totalhigh, freehigh;
        uint32_t mem_unit;
        char pad3[4];
    } si;
    memset(&si, 0, sizeof si);
    const struct vm_stats *st = vm_stats(s->emu->vm);
    si.uptime = (int64_t)(s->emu->clock_ns / 1000000000ULL);
    si.totalram = (uint64_t)vm_dram_frames(s->emu->vm) * VM_PAGE_SIZE;
    si.freeram = (uint64_t)vm_frames_free(s->emu->vm) * VM_PAGE_SIZE;
    si.totalswap = s->emu->opt.swap_pages * VM_PAGE_SIZE;
    si.freeswap = (s->emu->opt.swap_pages - st->swap_used) * VM_PAGE_SIZE;
    si.procs = (uint16_t)s->emu->live;
    si.mem_unit = 1;
    return copy_out(s, s->a[0], &si, sizeof si) < 0 ? -EFAULT : 0;
}

SYS(sched_getaffinity)
{
    if (s->a[1] < 8)
        return -EINVAL;
    uint64_t mask = 1; /* one CPU */
    return copy_out(s, s->a[2], &mask, 8) < 0 ? -EFAULT : 8;
}

/* Priorities are kept and reported but do not change the deterministic
 * schedule.  which: PRIO_PROCESS (0) only, for the caller or a guest pid. */
static struct proc *prio_target(struct sys *s)
{
    if (s->a[0] != 0)
        return NULL;
    return s->a[1] ? proc_by_pid(s->emu, (int)s->a[1]) : s->p;
}

SYS(getpriority)
{
    if (s->a[0] > 2)
        return -EINVAL;
    struct proc *t = prio_target(s);
    return t && t->state != PROC_ZOMBIE ? 20 - t->nice : -ESRCH; /* the raw call's 40..1 */
}

SYS(setpriority)
{
    if (s->a[0] > 2)
        return -EINVAL;
    struct proc *t = prio_target(s);
    if (!t || t->state == PROC_ZOMBIE)
        return -ESRCH;
    int n = (int)s->a[2];
    t->nice = n < -20 ? -20 : n > 19 ? 19 : n;
    return 0;
}

static long sched_target(struct sys *s)
{
    struct proc *t = s->a[0] ? proc_by_pid(s->emu, (int)s->a[0]) : s->p;
    return (int64_t)s->a[0] < 0 ? -EINVAL : t && t->state != PROC_ZOMBIE ? 0 : -ESRCH;
}

SYS(sched_getscheduler) { return sched_target(s); /* SCHED_OTHER */ }

SYS(sched_getparam)
{
    long err = sched_target(s);
    int32_t prio = 0;
    return err ? err : copy_out(s, s->a[1], &prio, 4) < 0 ? -EFAULT : 0;
}

/* Only SCHED_OTHER (0) with priority 0 is what the schedule is. */
SYS(sched_setscheduler)
{
    long err = sched_target(s);
    int32_t prio;
    if (!err && copy_in(s, &prio, s->a[2], 4) < 0)
        err = -EFAULT;
    return err ? err : (s->a[1] & ~0x40000000ULL) != 0 || prio != 0 ? -EPERM : 0;
}

SYS(sched_setparam)
{
    long err = sched_target(s);
    int32_t prio;
    if (!err && copy_in(s, &prio, s->a[1], 4) < 0)
        err = -EFAULT;
    return err ? err : prio != 0 ? -EINVAL : 0;
}

SYS(sched_get_priority_max) { return s->a[0] == 1 || s->a[0] == 2 ? 99 : s->a[0] <= 6 ? 0 : -EINVAL; }
SYS(sched_get_priority_min) { return s->a[0] == 1 || s->a[0] == 2 ? 1 : s->a[0] <= 6 ? 0 : -EINVAL; }

/* I/O priorities: none set (IOPRIO_CLASS_NONE, 0), as for a new process. */
SYS(ioprio_get) { return s->a[0] >= 1 && s->a[0] <= 3 ? 0 : -EINVAL; }
SYS(ioprio_set) { return s->a[0] >= 1 && s->a[0] <= 3 ? 0 : -EINVAL; }

SYS(sched_yield)
{
    s->stop = true;
    s->p->yielded = true;
    return 0;
}

SYS(getrusage)
{
    uint8_t ru[144] = {0};
    return copy_out(s, s->a[1], ru, sizeof ru) < 0 ? -EFAULT : 0;
}

SYS(times)
{
    uint64_t ticks = s->emu->clock_ns / 10000000ULL;
    if (s->a[0]) {
        uint64_t t[4] = {0};
        if (copy_out(s, s->a[0], t, sizeof t) < 0)
            return -EFAULT;
    }
    return (long)ticks;
}


SYS(prctl)
{
    char name[16];
    switch (s->a[0]) {
    case LINUX_PR_SET_NAME: {
        long n = vm_copy_str_in(s->p->mm, name, s->a[1], sizeof name);
        if (n == -EFAULT)
            return -EFAULT;
        name[sizeof name - 1] = '\0';
        memcpy(s->p->name, name, sizeof name);
        return 0;
    }
    case LINUX_PR_GET_NAME:
        return copy_out(s, s->a[1], s->p->name, sizeof s->p->name) < 0 ? -EFAULT : 0;
    case 1:  /* PR_SET_PDEATHSIG */
    case 4:  /* PR_SET_DUMPABLE */
    case 38: /* PR_SET_NO_NEW_PRIVS */
        return 0;
    default:
        return -EINVAL;
    }
}
