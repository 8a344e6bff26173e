/*
 * init.c - how the run starts: pid 1 is faultline's own init, and the
 * program named on the command line becomes the first guest process (at
 * --pid, 2 by default, its parent init), found in the guest's PATH as
 * execvp finds it, with faultline's standard descriptors.
 */
#include "emu/abi/convert.h"
#include "emu/kernel/fs.h"
#include "emu/kernel/proc.h"
#include "emu/util/tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The guest environment's PATH, or the default execvp uses without one. */
static const char *guest_path(const struct emu *emu)
{
    for (char **e = emu->envp; e && *e; e++)
        if (strncmp(*e, "PATH=", 5) == 0)
            return *e + 5;
    return "/usr/local/bin:/usr/bin:/bin";
}

/* Find name (no slash) in the guest's PATH, inside the root: the first
 * directory holding an executable regular file of that name.  Returns 0
 * with its path in out, or -ENOENT (-EACCES when only files that cannot
 * be executed were found, as execvp reports). */
static int path_search(struct emu *emu, struct proc *p, const char *name, char *out, size_t outlen)
{
    int err = -LINUX_ENOENT;
    const char *dir = guest_path(emu);
    for (;;) {
        size_t n = strcspn(dir, ":");
        /* An empty entry is the current directory, as for execvp. */
        int len = n ? snprintf(out, outlen, "%.*s/%s", (int)n, dir, name)
                    : snprintf(out, outlen, "%s", name);
        if (len >= 0 && (size_t)len < outlen) {
            int fd = fs_open(emu, p, AT_FDCWD, out, O_PATH, 0);
            struct stat st;
            bool file = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
            if (fd >= 0)
                close(fd);
            if (file && (st.st_mode & 0111))
                return 0;
            if (file)
                err = -LINUX_EACCES;
        }
        if (!dir[n])
            return err;
        dir += n + 1;
    }
}

static void inherit_stdio(struct proc *p);
static int spawn_load(struct emu *emu, struct proc *p, const char *path, char **argv);

/* pid 1: faultline's own init.  It has no memory and no CPU, never
 * runs, and counts against no limit; it adopts orphans and reaps them. */
static struct proc *spawn_kernel_init(struct emu *emu)
{
    emu->next_pid = 1;
    struct proc *init = proc_alloc(emu);
    if (!init)
        return NULL;
    init->state = PROC_INIT;
    init->tg->ppid = 0;
    init->tg->pgid = init->tg->sid = 1;
    snprintf(init->name, sizeof init->name, "init");
    strcpy(init->tg->cwd, "/");
    emu->live--;
    emu->procs_created--;
    return init;
}

int proc_spawn_init(struct emu *emu, const char *path, char **argv)
{
    struct proc *p = spawn_kernel_init(emu) ? (emu->next_pid = emu->main_pid, proc_alloc(emu))
                                            : NULL;
    if (!p) {
        notice_error(&emu->notices, "out of memory");
        return EXIT_FAULTLINE;
    }
    p->tg->ppid = 1;
    p->tg->pgid = p->tg->sid = p->pid;
    emu->current = p;
    if (strcmp(emu->opt.root, "/") == 0) {
        if (!getcwd(p->tg->cwd, sizeof p->tg->cwd))
            strcpy(p->tg->cwd, "/");
    } else {
        strcpy(p->tg->cwd, "/");
    }
    p->fds = fdtable_clone(NULL);
    p->cpu = proc_cpu_new(emu, p);
    p->mm = vm_mm_new(emu->vm, p->tg->tgid);
    if (!p->fds || !p->cpu || !p->mm) {
        notice_error(&emu->notices, "cannot create the first process (out of memory)");
        return EXIT_FAULTLINE;
    }
    vm_mm_set_port_data(p->mm, p->cpu);
    cpu_set_mm(p->cpu, p->mm);
    inherit_stdio(p);
    return spawn_load(emu, p, path, argv);
}

/* The program's descriptors 0-2 are faultline's own, as a shell passes
 * its own on. */
static void inherit_stdio(struct proc *p)
{
    for (int fd = 0; fd < 3; fd++) {
        int h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (h < 0)
            continue;
        struct file *f = file_new(FILE_HOST);
        if (!f) {
            close(h);
            continue;
        }
        f->hostfd = h;
        f->status = linux_open_flags_from_host(fcntl(fd, F_GETFL)) &
                    (LINUX_O_ACCMODE | LINUX_O_APPEND | LINUX_O_NONBLOCK);
        snprintf(f->path, sizeof f->path, "/dev/fd/%d", fd);
        p->fds->file[fd] = f;
    }
}

static int spawn_load(struct emu *emu, struct proc *p, const char *path, char **argv)
{
    char found[PATH_MAX];
    if (!strchr(path, '/')) {
        int err = path_search(emu, p, path, found, sizeof found);
        if (err == -LINUX_ENOENT) {
            notice_error(&emu->notices, "%s: not found in the guest's PATH (%s)", path,
                         guest_path(emu));
            return 127;
        }
        if (err == -LINUX_EACCES) {
            notice_error(&emu->notices, "%s: found in the guest's PATH, but not executable", path);
            return 126;
        }
        path = found;
    }
    struct loader_fs fs = fs_loader(emu, p);
    struct loader_args args = proc_loader_args(emu, p, path, argv, emu->envp, &fs);
    struct loader_image img;
    struct loader_error e;
    if (loader_load(emu->vm, p->mm, &args, true, &img, &e) < 0) {
        notice_error(&emu->notices, "%s", e.msg);
        return e.status;
    }
    proc_start_regs(p->cpu, &img);
    proc_note_args(p, &img);
    snprintf(p->name, sizeof p->name, "%s", img.comm);
    emu_trace_proc(emu, TRACE_PROC_EXEC, p, 0);
    fs_guest_path(p, AT_FDCWD, img.exe, p->tg->exe, sizeof p->tg->exe);
    return -1;
}
