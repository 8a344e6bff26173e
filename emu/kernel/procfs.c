/*
 * procfs.c - /proc/self and /proc/<guest pid>: the guest's own process
 * files, made from the emulator's state (maps, exe, cwd, root, fd/N as
 * magic links, comm, cmdline, environ, and the listings of the
 * directories).  Other /proc entries that name a process fail; the rest
 * of /proc (cpuinfo, meminfo, ...) is the host's, read-only.
 */
#include "emu/kernel/fs.h"
#include "emu/kernel/maps.h"
#include "emu/kernel/proc.h"
#include "emu/kernel/procfs.h"
#include "emu/kernel/procstat.h"
#include "emu/kernel/procsys.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* If abs names a guest process's /proc entry, return the process and the
 * rest of the path ("" for the directory itself). */
struct proc *procfs_proc_path(struct emu *emu, struct proc *p, const char *abs, const char **rest,
                              bool *host_pid)
{
    *host_pid = false;
    if (strncmp(abs, "/proc/", 6) != 0)
        return NULL;
    const char *q = abs + 6;
    struct proc *who = NULL;
    size_t len;
    if (strncmp(q, "self", 4) == 0 && (q[4] == '/' || !q[4])) {
        who = p;
        len = 4;
    } else if (strncmp(q, "thread-self", 11) == 0 && (q[11] == '/' || !q[11])) {
        who = p;
        len = 11;
    } else if (isdigit((unsigned char)*q)) {
        char *end;
        long pid = strtol(q, &end, 10);
        if (*end != '/' && *end)
            return NULL;
        len = (size_t)(end - q);
        who = proc_by_pid(emu, (int)pid);
        if (!who || (who->state == PROC_ZOMBIE && !who->tg->live)) {
            *host_pid = true; /* not a guest process: never the host's */
            return NULL;
        }
    } else {
        return NULL;
    }
    q += len;
    while (*q == '/')
        q++;
    *rest = q;
    return who;
}

/* A host file a guest process has open, named by /proc/<pid>/fd/N,
 * /dev/fd/N or /dev/stdin (stdout, stderr); *tail is what follows N. */
struct file *procfs_magic_fd(struct emu *emu, struct proc *p, const char *abs, const char **tail)
{
    static const char *const std[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
    struct proc *who = p;
    const char *q = NULL;
    int fdn = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(abs, std[i]) == 0)
            fdn = i;
    *tail = "";
    if (fdn < 0) {
        if (strncmp(abs, "/dev/fd/", 8) == 0) {
            q = abs + 8;
        } else {
            const char *rest;
            bool host_pid;
            who = procfs_proc_path(emu, p, abs, &rest, &host_pid);
            if (!who || strncmp(rest, "fd/", 3) != 0)
                return NULL;
            q = rest + 3;
        }
        if (!isdigit((unsigned char)*q))
            return NULL;
        char *end;
        long n = strtol(q, &end, 10);
        if ((*end && *end != '/') || n > MAX_FDS)
            return NULL;
        fdn = (int)n;
        *tail = end;
    }
    struct file *f = who->fds ? fd_file(who, fdn) : NULL;
    return f && f->kind == FILE_HOST ? f : NULL;
}

/* The descriptor number that s is exactly ("12"), or -1. */
static int fd_number(const char *s)
{
    if (!isdigit((unsigned char)*s) || strlen(s) > 6)
        return -1;
    for (const char *c = s; *c; c++)
        if (!isdigit((unsigned char)*c))
            return -1;
    return atoi(s);
}

long fs_proc_readlink(struct emu *emu, struct proc *p, const char *abs, char *buf, size_t len)
{
    const char *rest;
    bool host_pid;
    char tmp[PATH_MAX];
    if (strcmp(abs, "/proc/self") == 0 || strcmp(abs, "/proc/thread-self") == 0) {
        snprintf(tmp, sizeof tmp, "%d", p->pid);
    } else {
        struct proc *who = procfs_proc_path(emu, p, abs, &rest, &host_pid);
        if (!who)
            return host_pid ? -LINUX_ENOENT : -LINUX_ENOSYS; /* -ENOSYS: not ours */
        if (strcmp(rest, "exe") == 0)
            snprintf(tmp, sizeof tmp, "%s", who->tg->exe);
        else if (strcmp(rest, "cwd") == 0)
            snprintf(tmp, sizeof tmp, "%s", who->tg->cwd);
        else if (strcmp(rest, "root") == 0)
            strcpy(tmp, "/");
        else if (strncmp(rest, "fd/", 3) == 0) {
            struct file *f = who->fds && fd_number(rest + 3) >= 0
                                 ? fd_file(who, fd_number(rest + 3))
                                 : NULL;
            if (!f)
                return -LINUX_ENOENT;
            if (f->kind == FILE_PIPE_READ || f->kind == FILE_PIPE_WRITE)
                snprintf(tmp, sizeof tmp, "pipe:[%llu]", (unsigned long long)f->pipe->ino);
            else if (f->kind == FILE_OPS)
                f->ops->link(f, tmp, sizeof tmp);
            else
                snprintf(tmp, sizeof tmp, "%s", f->path);
        } else
            return -LINUX_EINVAL;
    }
    size_t n = strlen(tmp);
    if (n > len)
        n = len;
    memcpy(buf, tmp, n);
    return (long)n;
}

static struct file *mem_file(char *text, size_t len, const char *path)
{
    struct file *f = file_new(FILE_MEM);
    if (!f) {
        free(text);
        return NULL;
    }
    f->mem = text;
    f->memlen = len;
    f->status = O_RDONLY;
    snprintf(f->path, sizeof f->path, "%s", path);
    return f;
}

static struct file *open_text(char *text, size_t len, const char *abs, int *err)
{
    struct file *f = text ? mem_file(text, len, abs) : NULL;
    if (!f)
        *err = -LINUX_ENOMEM;
    return f;
}

bool procfs_dirent_add(char **buf, size_t *len, size_t *cap, uint64_t ino, unsigned char type,
                       const char *name)
{
    size_t nl = strlen(name), rec = (19 + nl + 1 + 7) & ~(size_t)7;
    if (*len + rec > *cap) {
        size_t ncap = (*cap ? *cap * 2 : 1024) + rec;
        char *nb = realloc(*buf, ncap);
        if (!nb)
            return false;
        memset(nb + *cap, 0, ncap - *cap);
        *buf = nb;
        *cap = ncap;
    }
    char *r = *buf + *len;
    uint64_t off = *len + rec;
    uint16_t reclen = (uint16_t)rec;
    memcpy(r, &ino, 8);
    memcpy(r + 8, &off, 8);
    memcpy(r + 16, &reclen, 2);
    r[18] = (char)type;
    memcpy(r + 19, name, nl + 1);
    *len += rec;
    return true;
}

/* /proc/<pid> and /proc/<pid>/fd as directories: what the guest can
 * list there is what faultline models of it, listed when read (as Linux
 * does: the fd listing shows the descriptor reading it). */
static struct file *proc_dir(struct proc *who, enum proc_dir kind, const char *abs, int *err)
{
    struct file *f = file_new(FILE_MEM);
    if (!f) {
        *err = -LINUX_ENOMEM;
        return NULL;
    }
    f->status = O_RDONLY;
    f->is_dir = true;
    f->dir_of = who->pid;
    f->dir_kind = kind;
    snprintf(f->path, sizeof f->path, "%s", abs);
    return f;
}

/* The entries of a process's (or a thread's) directory. */
static bool list_entries(char **buf, size_t *len, size_t *cap, bool thread)
{
    static const char *const links[] = {"cwd", "exe", "root"},
                             *const files[] = {"cmdline",   "comm",  "environ", "maps",
                                               "mountinfo", "mounts", "stat",   "statm",
                                               "status"};
    bool ok = procfs_dirent_add(buf, len, cap, 2, 4 /* DT_DIR */, "fd");
    if (!thread)
        ok = ok && procfs_dirent_add(buf, len, cap, 3, 4, "task");
    for (size_t i = 0; i < 3; i++)
        ok = ok && procfs_dirent_add(buf, len, cap, 4 + i, 10 /* DT_LNK */, links[i]);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        ok = ok && procfs_dirent_add(buf, len, cap, 8 + i, 8 /* DT_REG */, files[i]);
    return ok;
}

static void list_proc_dir(struct emu *emu, struct file *f)
{
    struct proc *who = proc_by_pid(emu, f->dir_of);
    char *buf = NULL, name[16];
    size_t len = 0, cap = 0;
    bool ok = procfs_dirent_add(&buf, &len, &cap, 1, 4 /* DT_DIR */, ".") &&
              procfs_dirent_add(&buf, &len, &cap, 1, 4, "..");
    if (f->dir_kind == PROC_DIR_PROCESS || f->dir_kind == PROC_DIR_THREAD)
        ok = ok && list_entries(&buf, &len, &cap, f->dir_kind == PROC_DIR_THREAD);
    for (int fd = 0; f->dir_kind == PROC_DIR_FD && ok && who && who->fds && fd < MAX_FDS; fd++) {
        if (!who->fds->file[fd])
            continue;
        snprintf(name, sizeof name, "%d", fd);
        ok = procfs_dirent_add(&buf, &len, &cap, 100 + (uint64_t)fd, 10, name);
    }
    /* task/: every live thread of the process, in tid order. */
    for (int i = 0; f->dir_kind == PROC_DIR_TASK && ok && who && i < emu->nprocs; i++) {
        struct proc *t = emu->procs[i];
        if (!t || t->tg != who->tg || t->state == PROC_ZOMBIE)
            continue;
        snprintf(name, sizeof name, "%d", t->pid);
        ok = procfs_dirent_add(&buf, &len, &cap, 2000 + (uint64_t)t->pid, 4, name);
    }
    if (!ok) {
        free(buf);
        return; /* out of memory: the old listing stays */
    }
    free(f->mem);
    f->mem = buf;
    f->memlen = len;
}

/* getdents64 of a generated directory: whole records from f->pos. */
long fs_mem_getdents(struct emu *emu, struct file *f, char *out, size_t len)
{
    if (f->pos == 0)
        list_proc_dir(emu, f);
    size_t n = 0;
    while (f->pos + n < f->memlen) {
        uint16_t reclen;
        memcpy(&reclen, f->mem + f->pos + n + 16, 2);
        if (n + reclen > len)
            break;
        n += reclen;
    }
    if (!n && f->pos < f->memlen)
        return -LINUX_EINVAL; /* the buffer cannot hold one record */
    memcpy(out, f->mem + f->pos, n);
    f->pos += n;
    return (long)n;
}

/* --- the files of /proc/<pid> ------------------------------------------------------------ */

/* Each opener makes the file for process who, named abs, as p opens it;
 * NULL with *err on failure. */
typedef struct file *proc_opener(struct emu *emu, struct proc *p, struct proc *who,
                                 const char *abs, int *err);

static struct file *open_maps(struct emu *emu, struct proc *p, struct proc *who, const char *abs,
                              int *err)
{
    (void)emu, (void)p;
    size_t len = 0;
    char *text = who->mm ? maps_proc_text(who->mm, &len) : calloc(1, 1);
    struct file *f = text ? mem_file(text, len, abs) : NULL;
    if (!f)
        *err = -LINUX_ENOMEM;
    return f;
}

static struct file *open_exe(struct emu *emu, struct proc *p, struct proc *who, const char *abs,
                             int *err)
{
    (void)abs;
    int h = fs_open(emu, p, AT_FDCWD, who->tg->exe, O_RDONLY, 0);
    if (h < 0) {
        *err = h;
        return NULL;
    }
    struct file *f = file_new(FILE_HOST);
    if (!f) {
        close(h);
        *err = -LINUX_ENOMEM;
        return NULL;
    }
    f->hostfd = h;
    f->status = O_RDONLY;
    struct stat st;
    if (fstat(h, &st) == 0) { /* the program's own file, as any opened file */
        f->is_reg = S_ISREG(st.st_mode);
        f->dev = (uint64_t)st.st_dev;
        f->ino = (uint64_t)st.st_ino;
    }
    snprintf(f->path, sizeof f->path, "%s", who->tg->exe);
    return f;
}

/* cmdline and environ are read from the process's memory, as Linux does
 * (a program that rewrites its argv shows the new text). */
static struct file *open_strings(struct proc *who, uint64_t from, uint64_t to, const char *abs,
                                 int *err)
{
    size_t len = who->mm && to > from && to - from <= (1u << 21) ? (size_t)(to - from) : 0;
    char *text = malloc(len ? len : 1);
    if (text && len && vm_copy_in(who->mm, text, from, len) < 0)
        len = 0;
    struct file *f = text ? mem_file(text, len, abs) : NULL;
    if (!f)
        *err = -LINUX_ENOMEM;
    return f;
}

static struct file *open_cmdline(struct emu *emu, struct proc *p, struct proc *who,
                                 const char *abs, int *err)
{
    (void)emu, (void)p;
    if (who->state == PROC_INIT) /* faultline's init has no memory: it is called init */
        return open_text(strdup("init"), 5, abs, err);
    return open_strings(who, who->tg->arg_start, who->tg->arg_end, abs, err);
}

static struct file *open_environ(struct emu *emu, struct proc *p, struct proc *who,
                                 const char *abs, int *err)
{
    (void)emu, (void)p;
    return open_strings(who, who->tg->env_start, who->tg->env_end, abs, err);
}

static struct file *open_comm(struct emu *emu, struct proc *p, struct proc *who, const char *abs,
                              int *err)
{
    (void)emu, (void)p;
    char *text = malloc(20);
    if (!text) {
        *err = -LINUX_ENOMEM;
        return NULL;
    }
    int n = snprintf(text, 20, "%s\n", who->name);
    struct file *f = mem_file(text, (size_t)n, abs);
    if (!f)
        *err = -LINUX_ENOMEM;
    return f;
}

/* status and stat: as the process shows them, or under task/<tid>/ as
 * the thread does. */
static bool thread_view(const char *abs)
{
    return strstr(abs, "/task/") != NULL;
}

/* The files made anew by each read from the start, of the process (or
 * thread) f->dir_of; NULL once it is gone (the old text stays). */
static struct proc *gen_who(struct emu *emu, struct file *f)
{
    struct proc *who = proc_by_pid(emu, f->dir_of);
    return who && !(who->state == PROC_ZOMBIE && !who->tg->live) ? who : NULL;
}

static char *gen_status(struct emu *emu, struct file *f, size_t *len)
{
    struct proc *who = gen_who(emu, f);
    return who ? procstat_status(emu, who, thread_view(f->path), len) : NULL;
}

static char *gen_stat(struct emu *emu, struct file *f, size_t *len)
{
    struct proc *who = gen_who(emu, f);
    return who ? procstat_stat(emu, who, thread_view(f->path), len) : NULL;
}

static char *gen_statm(struct emu *emu, struct file *f, size_t *len)
{
    struct proc *who = gen_who(emu, f);
    return who ? procstat_statm(emu, who, len) : NULL;
}

static struct file *open_gen(struct proc *who, const char *abs, int *err,
                             char *(*gen)(struct emu *emu, struct file *f, size_t *len))
{
    struct file *f = open_text(calloc(1, 1), 0, abs, err);
    if (f) {
        f->mem_gen = gen;
        f->dir_of = who->pid;
    }
    return f;
}

void fs_mem_refresh(struct emu *emu, struct file *f, size_t pos)
{
    if (!f->mem_gen || (pos && f->memlen))
        return;
    size_t len = 0;
    char *text = f->mem_gen(emu, f, &len);
    if (!text)
        return;
    free(f->mem);
    f->mem = text;
    f->memlen = len;
}

static struct file *open_status(struct emu *emu, struct proc *p, struct proc *who,
                                const char *abs, int *err)
{
    (void)emu, (void)p;
    return open_gen(who, abs, err, gen_status);
}

static struct file *open_stat(struct emu *emu, struct proc *p, struct proc *who, const char *abs,
                              int *err)
{
    (void)emu, (void)p;
    return open_gen(who, abs, err, gen_stat);
}

static struct file *open_statm(struct emu *emu, struct proc *p, struct proc *who,
                               const char *abs, int *err)
{
    (void)emu, (void)p;
    return open_gen(who, abs, err, gen_statm);
}

static struct file *open_mounts(struct emu *emu, struct proc *p, struct proc *who,
                                const char *abs, int *err)
{
    (void)emu, (void)p;
    return open_gen(who, abs, err, procsys_mounts);
}

static const struct {
    const char *name;
    proc_opener *open;
} proc_files[] = {
    {"maps", open_maps},       {"exe", open_exe},   {"cmdline", open_cmdline},
    {"environ", open_environ}, {"comm", open_comm}, {"status", open_status},
    {"stat", open_stat},       {"statm", open_statm}, {"mounts", open_mounts},
    {"mountinfo", open_mounts},
};

/* An open descriptor fdn of who, as its magic link opens it. */
static struct file *open_fd(struct proc *who, int fdn, int *err)
{
    struct file *f = who->fds ? fd_file(who, fdn) : NULL;
    if (!f)
        *err = -LINUX_ENOENT;
    /* A host file is opened again through its magic link (fs_open), a
     * new open file description as in Linux; pipes and generated files
     * are shared. */
    if (f && f->kind == FILE_HOST)
        return NULL;
    return f ? file_get(f) : NULL;
}

/* The descriptor /dev/stdin, /dev/stdout, /dev/stderr or /dev/fd/N
 * names; -1 for none, -2 for a path below /dev/fd/N. */
static int dev_fd(const char *abs)
{
    if (strncmp(abs, "/dev/fd/", 8) == 0) {
        int n = fd_number(abs + 8);
        return n < 0 ? -2 : n;
    }
    static const char *const std[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
    for (int i = 0; i < 3; i++)
        if (strcmp(abs, std[i]) == 0)
            return i;
    return -1;
}

struct file *fs_proc_file(struct emu *emu, struct proc *p, const char *abs, int *err)
{
    *err = 0;
    struct file *sf = procsys_file(emu, abs, err);
    if (sf || *err)
        return sf;
    const char *tail;
    int fdn = dev_fd(abs);
    if (fdn == -2) {
        /* /dev/fd/N/...: a path below a directory fd, for fs_open. */
        *err = procfs_magic_fd(emu, p, abs, &tail) ? 0 : -LINUX_ENOENT;
        return NULL;
    }
    if (fdn >= 0)
        return open_fd(p, fdn, err);
    const char *rest = NULL;
    bool host_pid;
    struct proc *who = procfs_proc_path(emu, p, abs, &rest, &host_pid);
    if (!who) {
        if (host_pid)
            *err = -LINUX_ENOENT;
        return NULL;
    }
    bool thread = false;
    if (strncmp(rest, "task", 4) == 0 && (rest[4] == '/' || !rest[4])) {
        const char *r = rest + 4 + (rest[4] == '/');
        if (!*r)
            return proc_dir(who, PROC_DIR_TASK, abs, err);
        /* task/<tid>/...: the thread's own view. */
        char *end;
        long tid = strtol(r, &end, 10);
        struct proc *t = end != r && (*end == '/' || !*end) ? proc_by_pid(emu, (int)tid) : NULL;
        if (!t || t->tg != who->tg || t->state == PROC_ZOMBIE) {
            *err = -LINUX_ENOENT;
            return NULL;
        }
        who = t;
        rest = end + (*end == '/');
        thread = true;
    }
    if (!*rest)
        return proc_dir(who, thread ? PROC_DIR_THREAD : PROC_DIR_PROCESS, abs, err);
    if (strcmp(rest, "fd") == 0 || strcmp(rest, "fd/") == 0)
        return proc_dir(who, PROC_DIR_FD, abs, err);
    if (strncmp(rest, "fd/", 3) == 0) {
        fdn = fd_number(rest + 3);
        if (fdn >= 0)
            return open_fd(who, fdn, err);
        *err = procfs_magic_fd(emu, p, abs, &tail) ? 0 : -LINUX_ENOENT;
        return NULL;
    }
    for (size_t i = 0; i < sizeof proc_files / sizeof proc_files[0]; i++)
        if (strcmp(rest, proc_files[i].name) == 0)
            return proc_files[i].open(emu, p, who, abs, err);
    *err = -LINUX_ENOENT; /* the rest of /proc/<pid> is not modelled */
    return NULL;
}

