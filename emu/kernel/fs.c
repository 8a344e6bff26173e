/*
 * fs.c - the guest's file namespace.  Every path a guest names resolves
 * inside --root: the host kernel does the walk with openat2() and
 * RESOLVE_IN_ROOT (".." and absolute symlinks stop at the root) and
 * RESOLVE_NO_MAGICLINKS (no /proc/<pid>/fd tricks), so there is no
 * userspace race between checking a path and using it.
 *
 * /proc/self (and /proc/<guest pid>) is the guest's own: maps, exe, cwd,
 * fd/N are made from the emulator's state.  Other /proc entries that name
 * a process fail; the rest (cpuinfo, meminfo, ...) are read from the host.
 */
#include "emu/kernel/fs.h"
#include "emu/kernel/maps.h"
#include "emu/kernel/proc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Whether a host path names a process directory of procfs or something
 * inside one: a component "proc" followed by digits. */
static bool names_host_process(const char *host)
{
    for (const char *q = strstr(host, "/proc/"); q; q = strstr(q + 1, "/proc/")) {
        const char *d = q + 6;
        if (!isdigit((unsigned char)*d))
            continue;
        while (isdigit((unsigned char)*d))
            d++;
        if (*d == '/' || !*d)
            return true;
    }
    return false;
}

/*
 * The last word on what a host fd may be.  Path checks on the guest's
 * spelling cannot see every route into procfs ("//proc/self", "/proc/./self",
 * a symlink to /proc/self), so the opened file itself is asked: a procfs
 * file inside a host process's directory is the emulator's own memory and
 * descriptors, and never reaches the guest; procfs and sysfs are read-only.
 */
static int guard_host_fd(int fd, int flags)
{
    struct statfs sf;
    if (fstatfs(fd, &sf) != 0)
        return fd;
    if (sf.f_type != PROC_SUPER_MAGIC && sf.f_type != SYSFS_MAGIC)
        return fd;
    int err = 0;
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)))
        err = -EACCES;
    if (!err && sf.f_type == PROC_SUPER_MAGIC) {
        char link[64], host[PATH_MAX];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, host, sizeof host - 1);
        if (n <= 0)
            err = -ENOENT;
        else {
            host[n] = '\0';
            if (names_host_process(host))
                err = -ENOENT;
        }
    }
    if (err) {
        close(fd);
        return err;
    }
    return fd;
}

static int host_openat2(int dirfd, const char *path, int flags, unsigned mode, uint64_t resolve)
{
    struct open_how how = {.flags = (uint64_t)flags, .mode = mode, .resolve = resolve};
    long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    return fd < 0 ? -errno : guard_host_fd((int)fd, flags);
}

/* Collapse "//" and "/./" in an absolute path in place ("/a//./b/." is
 * "/a/b/").  ".." is left to the kernel: a symlink before it decides. */
static void squeeze_path(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        if (r[0] == '/' && (r[1] == '/' || (r[1] == '.' && r[2] == '/'))) {
            r += r[1] == '/' ? 1 : 2;
            continue;
        }
        if (r[0] == '/' && r[1] == '.' && !r[2] && w > s) {
            *w++ = '/'; /* "/a/." keeps asking for a directory: "/a/" */
            break;
        }
        *w++ = *r++;
    }
    if (w == s)
        *w++ = '/';
    *w = '\0';
}

int fs_guest_path(struct proc *p, int dirfd, const char *path, char *out, size_t outlen)
{
    if (path[0] == '/') {
        if (strlen(path) >= outlen)
            return -ENAMETOOLONG;
        strcpy(out, path);
        squeeze_path(out);
        return 0;
    }
    const char *base;
    if (dirfd == AT_FDCWD) {
        base = p->cwd;
    } else {
        struct file *f = fd_file(p, dirfd);
        if (!f)
            return -EBADF;
        if (!f->is_dir)
            return -ENOTDIR;
        base = f->path;
    }
    int n = snprintf(out, outlen, "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/",
                     path);
    if (n < 0 || (size_t)n >= outlen)
        return -ENAMETOOLONG;
    squeeze_path(out);
    return 0;
}

/* The guest path of a host fd opened inside the root (symlinks resolved). */
static void canonical_path(struct emu *emu, int hostfd, char *out, size_t outlen)
{
    char link[64], host[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", hostfd);
    ssize_t n = readlink(link, host, sizeof host - 1);
    if (n <= 0)
        return;
    host[n] = '\0';
    char root[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", emu->rootfd);
    ssize_t r = readlink(link, root, sizeof root - 1);
    if (r <= 0)
        return;
    root[r] = '\0';
    const char *g = host;
    if (strcmp(root, "/") != 0) {
        size_t rl = (size_t)r;
        if (strncmp(host, root, rl) != 0 || (host[rl] != '/' && host[rl] != '\0'))
            return;
        g = host[rl] ? host + rl : "/";
    }
    if (strlen(g) < outlen)
        strcpy(out, g);
}

static struct proc *proc_path(struct emu *emu, struct proc *p, const char *abs, const char **rest,
                              bool *host_pid);

static struct file *magic_fd(struct emu *emu, struct proc *p, const char *abs, const char **tail);

int fs_open(struct emu *emu, struct proc *p, int dirfd, const char *path, int flags,
            unsigned mode)
{
    char abs[PATH_MAX];
    int err = fs_guest_path(p, dirfd, path, abs, sizeof abs);
    if (err)
        return err;
    /* A guest's /proc/<pid>/fd/N is a magic link to the open file, as in
     * Linux: chmod, utimensat, truncate and opens through it (glibc's
     * fchmodat(AT_SYMLINK_NOFOLLOW) does) reach that file again. */
    const char *tail;
    struct file *mf = magic_fd(emu, p, abs, &tail);
    if (mf) {
        if (*tail) {
            char sub[PATH_MAX];
            if (!mf->is_dir)
                return -ENOTDIR;
            if (snprintf(sub, sizeof sub, "%s%s", mf->path, tail) >= (int)sizeof sub)
                return -ENAMETOOLONG;
            return fs_open(emu, p, AT_FDCWD, sub, flags, mode);
        }
        if ((flags & O_NOFOLLOW) && !(flags & O_PATH))
            return -ELOOP;
        if ((flags & O_CREAT) && (flags & O_EXCL))
            return -EEXIST;
        const char *t2;
        if (magic_fd(emu, p, mf->path, &t2))
            return -ELOOP; /* its own name is a magic link (/dev/fd/N): no loops */
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", mf->hostfd);
        int fd = open(link, (flags & ~(O_NOFOLLOW | O_CREAT | O_EXCL)) | O_CLOEXEC, mode);
        return fd < 0 ? -errno : guard_host_fd(fd, flags);
    }
    /* /proc/<pid>/exe is the only magic link followed: to the program. */
    const char *rest;
    bool host_pid;
    struct proc *who = proc_path(emu, p, abs, &rest, &host_pid);
    if (who && strcmp(rest, "exe") == 0 && strcmp(who->exe, abs) != 0)
        return fs_open(emu, p, AT_FDCWD, who->exe, flags, mode);
    return host_openat2(emu->rootfd, abs, flags | O_CLOEXEC, mode,
                        RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

/* A path with trailing slashes removed (but "/" stays). */
static void trim_slashes(char *s)
{
    size_t n = strlen(s);
    while (n > 1 && s[n - 1] == '/')
        s[--n] = '\0';
}

int fs_parent(struct emu *emu, struct proc *p, int dirfd, const char *path, char *base,
              size_t baselen)
{
    if (!path[0])
        return -ENOENT;
    char abs[PATH_MAX];
    int err = fs_guest_path(p, dirfd, path, abs, sizeof abs);
    if (err)
        return err;
    trim_slashes(abs);
    char *slash = strrchr(abs, '/');
    const char *last = slash + 1;
    if (!*last || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
        /* The directory itself: let the kernel resolve "..", inside the root. */
        if (baselen < 2)
            return -ENAMETOOLONG;
        strcpy(base, ".");
        return host_openat2(emu->rootfd, abs, O_PATH | O_DIRECTORY | O_CLOEXEC, 0,
                            RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    }
    if (strlen(last) >= baselen)
        return -ENAMETOOLONG;
    strcpy(base, last);
    if (slash == abs)
        slash[1] = '\0';
    else
        *slash = '\0';
    return host_openat2(emu->rootfd, abs, O_PATH | O_DIRECTORY | O_CLOEXEC, 0,
                        RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

static int loader_open(void *ctx, const char *path)
{
    struct emu *emu = ctx;
    /* Non-blocking: a FIFO must be refused, not waited on. */
    return fs_open(emu, emu->current, AT_FDCWD, path, O_RDONLY | O_NONBLOCK, 0);
}

static void loader_canonical(void *ctx, int fd, char *out, size_t outlen)
{
    canonical_path(ctx, fd, out, outlen);
}

struct loader_fs fs_loader(struct emu *emu, struct proc *p)
{
    emu->current = p;
    return (struct loader_fs){loader_open, loader_canonical, emu};
}

/* --- /proc/self --------------------------------------------------------------------------- */

/* If abs names a guest process's /proc entry, return the process and the
 * rest of the path ("" for the directory itself). */
static struct proc *proc_path(struct emu *emu, struct proc *p, const char *abs, const char **rest,
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
        if (!who || who->state == PROC_ZOMBIE) {
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
static struct file *magic_fd(struct emu *emu, struct proc *p, const char *abs, const char **tail)
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
            who = proc_path(emu, p, abs, &rest, &host_pid);
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
        struct proc *who = proc_path(emu, p, abs, &rest, &host_pid);
        if (!who)
            return host_pid ? -ENOENT : -ENOSYS; /* -ENOSYS: not ours */
        if (strcmp(rest, "exe") == 0)
            snprintf(tmp, sizeof tmp, "%s", who->exe);
        else if (strcmp(rest, "cwd") == 0)
            snprintf(tmp, sizeof tmp, "%s", who->cwd);
        else if (strcmp(rest, "root") == 0)
            strcpy(tmp, "/");
        else if (strncmp(rest, "fd/", 3) == 0) {
            struct file *f = who->fds && fd_number(rest + 3) >= 0
                                 ? fd_file(who, fd_number(rest + 3))
                                 : NULL;
            if (!f)
                return -ENOENT;
            if (f->kind == FILE_PIPE_READ || f->kind == FILE_PIPE_WRITE)
                snprintf(tmp, sizeof tmp, "pipe:[%llu]", (unsigned long long)f->pipe->ino);
            else
                snprintf(tmp, sizeof tmp, "%s", f->path);
        } else
            return -EINVAL;
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

/* Append one linux_dirent64 record to a growing buffer. */
static bool dirent_add(char **buf, size_t *len, size_t *cap, uint64_t ino, unsigned char type,
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
static struct file *proc_dir(struct proc *who, const char *rest, const char *abs, int *err)
{
    struct file *f = file_new(FILE_MEM);
    if (!f) {
        *err = -ENOMEM;
        return NULL;
    }
    f->status = O_RDONLY;
    f->is_dir = true;
    f->dir_of = who->pid;
    f->dir_fds = *rest != '\0';
    snprintf(f->path, sizeof f->path, "%s", abs);
    return f;
}

static void list_proc_dir(struct emu *emu, struct file *f)
{
    struct proc *who = proc_by_pid(emu, f->dir_of);
    char *buf = NULL, name[16];
    size_t len = 0, cap = 0;
    bool ok = dirent_add(&buf, &len, &cap, 1, 4 /* DT_DIR */, ".") &&
              dirent_add(&buf, &len, &cap, 1, 4, "..");
    if (!f->dir_fds) {
        static const char *const links[] = {"cwd", "exe", "root"},
                                 *const files[] = {"cmdline", "comm", "environ", "maps"};
        ok = ok && dirent_add(&buf, &len, &cap, 2, 4, "fd");
        for (size_t i = 0; i < 3; i++)
            ok = ok && dirent_add(&buf, &len, &cap, 3 + i, 10 /* DT_LNK */, links[i]);
        for (size_t i = 0; i < 4; i++)
            ok = ok && dirent_add(&buf, &len, &cap, 6 + i, 8 /* DT_REG */, files[i]);
    }
    for (int fd = 0; f->dir_fds && ok && who && who->fds && fd < MAX_FDS; fd++) {
        if (!who->fds->file[fd])
            continue;
        snprintf(name, sizeof name, "%d", fd);
        ok = dirent_add(&buf, &len, &cap, 100 + (uint64_t)fd, 10, name);
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
        return -EINVAL; /* the buffer cannot hold one record */
    memcpy(out, f->mem + f->pos, n);
    f->pos += n;
    return (long)n;
}

struct file *fs_proc_file(struct emu *emu, struct proc *p, const char *abs, int *err)
{
    *err = 0;
    int fdn = -1;
    const char *tail;
    if (strncmp(abs, "/dev/fd/", 8) == 0 && (fdn = fd_number(abs + 8)) < 0) {
        /* /dev/fd/N/...: a path below a directory fd, for fs_open. */
        *err = magic_fd(emu, p, abs, &tail) ? 0 : -ENOENT;
        return NULL;
    }
    else if (strcmp(abs, "/dev/stdin") == 0)
        fdn = 0;
    else if (strcmp(abs, "/dev/stdout") == 0)
        fdn = 1;
    else if (strcmp(abs, "/dev/stderr") == 0)
        fdn = 2;
    const char *rest = NULL;
    bool host_pid;
    struct proc *who = fdn < 0 ? proc_path(emu, p, abs, &rest, &host_pid) : p;
    if (fdn < 0 && !who) {
        if (host_pid)
            *err = -ENOENT;
        return NULL;
    }
    if (fdn < 0 && (!*rest || strcmp(rest, "fd") == 0 || strcmp(rest, "fd/") == 0))
        return proc_dir(who, rest, abs, err);
    if (fdn < 0 && strncmp(rest, "fd/", 3) == 0 && (fdn = fd_number(rest + 3)) < 0) {
        *err = magic_fd(emu, p, abs, &tail) ? 0 : -ENOENT;
        return NULL;
    }
    if (fdn >= 0) {
        struct file *f = who->fds ? fd_file(who, fdn) : NULL;
        if (!f)
            *err = -ENOENT;
        /* A host file is opened again through its magic link (fs_open), a
         * new open file description as in Linux; pipes and generated
         * files are shared. */
        if (f && f->kind == FILE_HOST)
            return NULL;
        return f ? file_get(f) : NULL;
    }
    if (strcmp(rest, "maps") == 0) {
        size_t len = 0;
        char *text = who->mm ? maps_proc_text(who->mm, &len) : calloc(1, 1);
        struct file *f = text ? mem_file(text, len, abs) : NULL;
        if (!f)
            *err = -ENOMEM;
        return f;
    }
    if (strcmp(rest, "exe") == 0) {
        int h = fs_open(emu, p, AT_FDCWD, who->exe, O_RDONLY, 0);
        if (h < 0) {
            *err = h;
            return NULL;
        }
        struct file *f = file_new(FILE_HOST);
        if (!f) {
            close(h);
            *err = -ENOMEM;
            return NULL;
        }
        f->hostfd = h;
        f->status = O_RDONLY;
        snprintf(f->path, sizeof f->path, "%s", who->exe);
        return f;
    }
    if (strcmp(rest, "cmdline") == 0 || strcmp(rest, "environ") == 0) {
        /* Read from the process's memory, as Linux does (a program that
         * rewrites its argv shows the new text). */
        bool args = rest[0] == 'c';
        uint64_t from = args ? who->arg_start : who->env_start;
        uint64_t to = args ? who->arg_end : who->env_end;
        size_t len = who->mm && to > from && to - from <= (1u << 21) ? (size_t)(to - from) : 0;
        char *text = malloc(len ? len : 1);
        if (text && len && vm_copy_in(who->mm, text, from, len) < 0)
            len = 0;
        struct file *f = text ? mem_file(text, len, abs) : NULL;
        if (!f)
            *err = -ENOMEM;
        return f;
    }
    if (strcmp(rest, "comm") == 0) {
        char *text = malloc(20);
        if (!text) {
            *err = -ENOMEM;
            return NULL;
        }
        int n = snprintf(text, 20, "%s\n", who->name);
        return mem_file(text, (size_t)n, abs);
    }
    *err = -ENOENT; /* the rest of /proc/self is not modelled */
    return NULL;
}

/* Fill f->path with the canonical guest path of its host fd. */
void fs_note_path(struct emu *emu, struct file *f, const char *fallback)
{
    snprintf(f->path, sizeof f->path, "%s", fallback);
    canonical_path(emu, f->hostfd, f->path, sizeof f->path);
}
