/*
 * fs.c - the guest's file namespace.  Every path a guest names resolves
 * inside --root: the host kernel does the walk with openat2() and
 * RESOLVE_IN_ROOT (".." and absolute symlinks stop at the root) and
 * RESOLVE_NO_MAGICLINKS (no /proc/<pid>/fd tricks), so there is no
 * userspace race between checking a path and using it.
 *
 * /proc/self and /proc/<guest pid> are the guest's own (procfs.c).
 */
#include "emu/abi/convert.h"
#include "emu/kernel/fs.h"
#include "emu/kernel/proc.h"
#include "emu/kernel/procfs.h"

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
        err = -LINUX_EACCES;
    if (!err && sf.f_type == PROC_SUPER_MAGIC) {
        char link[64], host[PATH_MAX];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, host, sizeof host - 1);
        if (n <= 0)
            err = -LINUX_ENOENT;
        else {
            host[n] = '\0';
            if (names_host_process(host))
                err = -LINUX_ENOENT;
        }
    }
    if (err) {
        close(fd);
        return err;
    }
    return fd;
}

/* openat2 refuses a mode without O_CREAT or O_TMPFILE, which open and
 * openat ignore (musl's fopen passes 0666 with O_RDONLY). */
static int host_openat2(int dirfd, const char *path, int flags, unsigned mode, uint64_t resolve)
{
    if (!(flags & O_CREAT) && (flags & O_TMPFILE) != O_TMPFILE)
        mode = 0;
    struct open_how how = {.flags = (uint64_t)flags, .mode = mode, .resolve = resolve};
    long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    return fd < 0 ? -linux_errno_from_host(errno) : guard_host_fd((int)fd, flags);
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
            return -LINUX_ENAMETOOLONG;
        strcpy(out, path);
        squeeze_path(out);
        return 0;
    }
    const char *base;
    if (dirfd == AT_FDCWD) {
        base = p->tg->cwd;
    } else {
        struct file *f = fd_file(p, dirfd);
        if (!f)
            return -LINUX_EBADF;
        if (!f->is_dir)
            return -LINUX_ENOTDIR;
        base = f->path;
    }
    int n = snprintf(out, outlen, "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/",
                     path);
    if (n < 0 || (size_t)n >= outlen)
        return -LINUX_ENAMETOOLONG;
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
    struct file *mf = procfs_magic_fd(emu, p, abs, &tail);
    if (mf) {
        if (*tail) {
            char sub[PATH_MAX];
            if (!mf->is_dir)
                return -LINUX_ENOTDIR;
            if (snprintf(sub, sizeof sub, "%s%s", mf->path, tail) >= (int)sizeof sub)
                return -LINUX_ENAMETOOLONG;
            return fs_open(emu, p, AT_FDCWD, sub, flags, mode);
        }
        if ((flags & O_NOFOLLOW) && !(flags & O_PATH))
            return -LINUX_ELOOP;
        if ((flags & O_CREAT) && (flags & O_EXCL))
            return -LINUX_EEXIST;
        const char *t2;
        if (procfs_magic_fd(emu, p, mf->path, &t2))
            return -LINUX_ELOOP; /* its own name is a magic link (/dev/fd/N): no loops */
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", mf->hostfd);
        int fd = open(link, (flags & ~(O_NOFOLLOW | O_CREAT | O_EXCL)) | O_CLOEXEC, mode);
        return fd < 0 ? -linux_errno_from_host(errno) : guard_host_fd(fd, flags);
    }
    /* /proc/<pid>/exe is the only magic link followed: to the program. */
    const char *rest;
    bool host_pid;
    struct proc *who = procfs_proc_path(emu, p, abs, &rest, &host_pid);
    if (who && strcmp(rest, "exe") == 0 && strcmp(who->tg->exe, abs) != 0)
        return fs_open(emu, p, AT_FDCWD, who->tg->exe, flags, mode);
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
        return -LINUX_ENOENT;
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
            return -LINUX_ENAMETOOLONG;
        strcpy(base, ".");
        return host_openat2(emu->rootfd, abs, O_PATH | O_DIRECTORY | O_CLOEXEC, 0,
                            RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    }
    if (strlen(last) >= baselen)
        return -LINUX_ENAMETOOLONG;
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

/* Fill f->path with the canonical guest path of its host fd. */
void fs_note_path(struct emu *emu, struct file *f, const char *fallback)
{
    snprintf(f->path, sizeof f->path, "%s", fallback);
    canonical_path(emu, f->hostfd, f->path, sizeof f->path);
}
