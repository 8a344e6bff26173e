/*
 * exec.c - execve and execveat: the new image is loaded into a fresh
 * address space and engine; only when that worked does the old image go
 * (the point of no return).
 */
#include "emu/kernel/fs.h"
#include "emu/kernel/thread.h"
#include "emu/sys/fd.h"

#include <stdio.h>
#include <stdlib.h>

static void free_strv(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* One guest string of at most *budget bytes (the budget shrinks by what
 * it took); NULL with *err set. */
static char *copy_str(struct sys *s, uaddr_t ptr, size_t *budget, long *err)
{
    char *str = malloc(*budget ? *budget : 1);
    long len = str ? vm_copy_str_in(s->p->mm, str, ptr, *budget) : -LINUX_ENOMEM;
    if (len < 0) {
        free(str);
        *err = len == -LINUX_ENAMETOOLONG ? -LINUX_E2BIG : len;
        return NULL;
    }
    *budget -= (size_t)len + 1;
    char *fit = realloc(str, (size_t)len + 1);
    return fit ? fit : str;
}

/* Copy a NULL-terminated array of guest strings; NULL with *err set. */
static char **copy_strv(struct sys *s, uaddr_t addr, size_t *budget, long *err)
{
    size_t n = 0, cap = 16;
    char **v = calloc(cap, sizeof *v);
    if (!v) {
        *err = -LINUX_ENOMEM;
        return NULL;
    }
    for (; addr; n++) {
        uint64_t ptr;
        if (copy_in(s, &ptr, addr + n * 8, 8) < 0) {
            *err = -LINUX_EFAULT;
            goto fail;
        }
        if (!ptr)
            break;
        if (n + 2 > cap) {
            cap *= 2;
            char **w = realloc(v, cap * sizeof *w);
            if (!w) {
                *err = -LINUX_ENOMEM;
                goto fail;
            }
            v = w;
        }
        if (!(v[n] = copy_str(s, ptr, budget, err)))
            goto fail;
        v[n + 1] = NULL;
    }
    v[n] = NULL;
    return v;
fail:
    free_strv(v);
    return NULL;
}

/* What of the old image a new one does not keep: close-on-exec
 * descriptors, caught signals (back to their default; ignored ones stay
 * ignored), the alternate stack, timers, the tid to clear. */
static void exec_reset(struct emu *emu, struct proc *p)
{
    for (int fd = 0; fd < MAX_FDS; fd++) {
        if (p->fds->file[fd] && p->fds->cloexec[fd]) {
            lock_closed(emu, p, p->fds->file[fd]);
            file_put(p->fds->file[fd]);
            p->fds->file[fd] = NULL;
            p->fds->cloexec[fd] = false;
        }
    }
    for (int sig = 1; sig <= LINUX_NSIG; sig++) {
        struct linux_sigaction *a = &p->tg->act[sig];
        if (a->handler > LINUX_SIG_IGN)
            *a = (struct linux_sigaction){0};
        a->flags &= ~(uint64_t)LINUX_SA_RESTORER;
    }
    p->sig.altstack_sp = p->sig.altstack_size = 0;
    timers_exec(p);
    p->clear_child_tid = 0;
    proc_vfork_release(emu, p);
}

/* Load gpath with argv and envp into a new engine and address space,
 * then replace p's image with it; 0, or -errno with p untouched. */
static long exec_image(struct sys *s, const char *gpath, char **argv, char **envp)
{
    struct emu *emu = s->emu;
    struct proc *p = s->p;
    struct cpu *cpu = proc_cpu_new(emu, p);
    struct vm_mm *mm = cpu ? vm_mm_new(emu->vm, p->tg->tgid) : NULL;
    if (!mm) {
        cpu_free(cpu);
        return -LINUX_ENOMEM;
    }
    vm_mm_set_port_data(mm, cpu);
    vm_set_stack_limit(mm, p->tg->rlim[LINUX_RLIMIT_STACK].cur);
    cpu_set_mm(cpu, mm);
    struct loader_fs fs = fs_loader(emu, p);
    struct loader_args args = proc_loader_args(emu, p, gpath, argv, envp, &fs);
    struct loader_image img;
    struct loader_error le;
    if (loader_load(emu->vm, mm, &args, true, &img, &le) < 0) {
        vm_mm_free(mm);
        cpu_free(cpu);
        if (emu->opt.verbose)
            notice(&emu->notices, "pid %d: execve: %s", p->pid, le.msg);
        return le.err ? le.err : -LINUX_ENOEXEC;
    }
    /* The point of no return: the other threads and the old image go. */
    thread_group_reduce(emu, p);
    thread_release_robust(emu, p);
    cpu_ctx_free(p->regs);
    p->regs = NULL;
    p->tg->threaded = false;
    vm_mm_free(p->mm);
    p->mm = mm;
    p->dead_cpu = p->cpu;
    cpu_request_stop(p->cpu);
    p->cpu = cpu;
    proc_start_regs(cpu, &img);
    proc_note_args(p, &img);
    snprintf(p->name, sizeof p->name, "%s", img.comm);
    emu_trace_proc(emu, TRACE_PROC_EXEC, p, 0);
    fs_guest_path(p, LINUX_AT_FDCWD, img.exe, p->tg->exe, sizeof p->tg->exe);
    exec_reset(emu, p);
    return 0;
}

static long do_execve(struct sys *s, int dirfd, uaddr_t upath, uaddr_t uargv, uaddr_t uenvp,
                      int flags)
{
    char path[PATH_MAX], gpath[PATH_MAX];
    long err = sys_path_in(s, upath, path);
    if (err < 0)
        return err;
    if (!path[0] && !(flags & LINUX_AT_EMPTY_PATH))
        return -LINUX_ENOENT;
    int e2 = fs_guest_path(s->p, dirfd, path, gpath, sizeof gpath);
    if (e2 < 0)
        return e2;
    size_t budget = LINUX_ARG_MAX;
    char **argv = copy_strv(s, uargv, &budget, &err);
    char **envp = argv ? copy_strv(s, uenvp, &budget, &err) : NULL;
    if (envp)
        err = exec_image(s, gpath, argv, envp);
    free_strv(argv);
    free_strv(envp);
    if (err < 0)
        return err;
    s->no_return = true;
    s->stop = true;
    return 0;
}

long sys_execve(struct sys *s, uaddr_t filename, uaddr_t argv, uaddr_t envp)
{
    return do_execve(s, LINUX_AT_FDCWD, filename, argv, envp, 0);
}

long sys_execveat(struct sys *s, int fd, uaddr_t filename, uaddr_t argv, uaddr_t envp, int flags)
{
    return do_execve(s, fd, filename, argv, envp, flags);
}
