/*
 * open.c - opening and closing descriptors (open, openat, creat, close)
 * and what the other descriptor calls share (fd.h); the calls of Linux's
 * fs/open.c that act on a file found by path or descriptor: access, the
 * working directory, permissions and owners, truncation, fallocate.
 */
#include "emu/sys/fd.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct file *file_from_host(struct emu *emu, int hostfd, int flags, const char *path)
{
    struct file *f = file_new(FILE_HOST);
    if (!f) {
        close(hostfd);
        return NULL;
    }
    f->hostfd = hostfd;
    f->status = flags & (LINUX_O_ACCMODE | LINUX_O_APPEND | LINUX_O_NONBLOCK);
    struct stat st;
    if (fstat(hostfd, &st) == 0) {
        f->is_dir = S_ISDIR(st.st_mode);
        f->is_reg = S_ISREG(st.st_mode);
        f->dev = (uint64_t)st.st_dev;
        f->ino = (uint64_t)st.st_ino;
    }
    fs_note_path(emu, f, path);
    return f;
}

int install_fd(struct proc *p, struct file *f, bool cloexec, int min)
{
    int fd = fd_alloc(p, min);
    if (fd < 0) {
        file_put(f);
        return fd;
    }
    p->fds->file[fd] = f;
    p->fds->cloexec[fd] = cloexec;
    return fd;
}

long install_ops(struct sys *s, const struct file_ops *ops, void *priv, int flags)
{
    struct file *f = file_new_ops(ops, priv, file_next_ino(s->emu));
    if (!f) {
        free(priv);
        return -LINUX_ENOMEM;
    }
    f->status = LINUX_O_RDWR | (flags & LINUX_O_NONBLOCK);
    return install_fd(s->p, f, flags & LINUX_O_CLOEXEC, 0);
}

void fd_drop(struct sys *s, struct file *f)
{
    lock_closed(s->emu, s->p, f);
    /* A closed pipe end or socket may be what a peer waits for. */
    bool wake = f->kind == FILE_PIPE_READ || f->kind == FILE_PIPE_WRITE || f->kind == FILE_OPS;
    file_put(f);
    if (wake)
        proc_wake_all(s->emu);
}

struct file *host_file(struct sys *s, int fd, long *err)
{
    struct file *f = fd_file(s->p, fd);
    *err = !f ? -LINUX_EBADF : f->kind != FILE_HOST ? -LINUX_EINVAL : 0;
    return *err ? NULL : f;
}

/* The host open of a guest path, always non-blocking so that a FIFO
 * never waits in the host (the caller clears O_NONBLOCK again for other
 * files).  A FIFO that cannot be opened so (for writing, with no host
 * reader) comes back as an O_PATH fd.  The host fd or -errno. */
static int open_host(struct sys *s, int dirfd, const char *path, int flags, unsigned mode)
{
    int hflags = host_open_flags_from_linux(flags & ~LINUX_O_CLOEXEC);
    /* openat2 refuses O_PATH with other flags, which open ignores. */
    if (hflags & O_PATH)
        hflags &= O_PATH | O_DIRECTORY | O_NOFOLLOW;
    else
        hflags |= O_NONBLOCK;
    int h = fs_open(s->emu, s->p, dirfd, path, hflags,
                    host_mode_from_linux(mode & ~s->p->tg->umask & LINUX_S_IALLUGO));
    if (h != -LINUX_ENXIO)
        return h;
    int ph = fs_open(s->emu, s->p, dirfd, path, O_PATH | O_CLOEXEC, 0);
    struct stat st;
    if (ph >= 0 && fstat(ph, &st) == 0 && S_ISFIFO(st.st_mode))
        return ph;
    if (ph >= 0)
        close(ph);
    return h;
}

/* flags are the guest's (LINUX_O_*), mode its permission bits before
 * the umask. */
static long do_open(struct sys *s, int dirfd, uaddr_t upath, int flags, unsigned mode)
{
    char path[PATH_MAX], abs[PATH_MAX];
    long err = sys_path_in(s, upath, path);
    if (err < 0)
        return err;
    if (!path[0])
        return -LINUX_ENOENT;
    err = fs_guest_path(s->p, dirfd, path, abs, sizeof abs);
    if (err < 0)
        return err;
    bool cloexec = flags & LINUX_O_CLOEXEC;
    int perr;
    struct file *f = fs_proc_file(s->emu, s->p, abs, &perr);
    if (f && f->kind == FILE_MEM && (flags & LINUX_O_ACCMODE) != LINUX_O_RDONLY) {
        file_put(f); /* /proc/self/maps and the like are read-only */
        return -LINUX_EACCES;
    }
    if (f)
        return install_fd(s->p, f, cloexec, 0);
    if (perr)
        return perr;
    int h = open_host(s, dirfd, path, flags, mode);
    if (h < 0)
        return h;
    struct stat st;
    if (!(flags & LINUX_O_PATH) && fstat(h, &st) == 0 && S_ISFIFO(st.st_mode))
        return fifo_open(s, h, !(fcntl(h, F_GETFL) & O_PATH), flags, abs);
    int hf = fcntl(h, F_GETFL);
    if (!(flags & LINUX_O_NONBLOCK) && (hf & O_NONBLOCK))
        fcntl(h, F_SETFL, hf & ~O_NONBLOCK);
    f = file_from_host(s->emu, h, flags, abs);
    if (!f)
        return -LINUX_ENOMEM;
    if ((flags & LINUX_O_TRUNC) && f->is_reg)
        vm_object_resized(s->emu->vm, f->hostfd);
    return install_fd(s->p, f, cloexec, 0);
}

long sys_open(struct sys *s, uaddr_t filename, int flags, linux_umode_t mode)
{
    return do_open(s, LINUX_AT_FDCWD, filename, flags, mode);
}

long sys_openat(struct sys *s, int dfd, uaddr_t filename, int flags, linux_umode_t mode)
{
    return do_open(s, dfd, filename, flags, mode);
}

long sys_creat(struct sys *s, uaddr_t pathname, linux_umode_t mode)
{
    return do_open(s, LINUX_AT_FDCWD, pathname, LINUX_O_CREAT | LINUX_O_WRONLY | LINUX_O_TRUNC, mode);
}

long sys_close(struct sys *s, unsigned int fd)
{
    struct proc *p = s->p;
    struct file *f = fd_file(p, (int)fd);
    if (!f)
        return -LINUX_EBADF;
    p->fds->file[fd] = NULL;
    p->fds->cloexec[fd] = false;
    fd_drop(s, f);
    return 0;
}

static long do_access(struct sys *s, int dirfd, uaddr_t upath, int mode, int flags)
{
    char path[PATH_MAX];
    long err = sys_path_in(s, upath, path);
    if (err < 0)
        return err;
    if (mode & ~(LINUX_R_OK | LINUX_W_OK | LINUX_X_OK))
        return -LINUX_EINVAL;
    char abs[PATH_MAX];
    if ((err = fs_guest_path(s->p, dirfd, path, abs, sizeof abs)) < 0)
        return err;
    int perr;
    struct file *pf = fs_proc_file(s->emu, s->p, abs, &perr);
    if (pf) {
        file_put(pf);
        return (mode & LINUX_W_OK) ? -LINUX_EACCES : 0;
    }
    if (perr)
        return perr;
    int h = fs_open(s->emu, s->p, dirfd, path,
                    O_PATH | ((flags & LINUX_AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0), 0);
    if (h < 0)
        return h;
    int hflags = AT_EMPTY_PATH | host_at_flags_from_linux(flags & LINUX_AT_EACCESS);
    err = faccessat(h, "", host_access_mode_from_linux(mode), hflags) < 0 ? host_err() : 0;
    close(h);
    return err;
}

long sys_access(struct sys *s, uaddr_t filename, int mode)
{
    return do_access(s, LINUX_AT_FDCWD, filename, mode, 0);
}

long sys_faccessat(struct sys *s, int dfd, uaddr_t filename, int mode)
{
    return do_access(s, dfd, filename, mode, 0);
}

long sys_faccessat2(struct sys *s, int dfd, uaddr_t filename, int mode, int flags)
{
    return do_access(s, dfd, filename, mode, flags);
}

long sys_getcwd(struct sys *s, uaddr_t buf, unsigned long size)
{
    size_t n = strlen(s->p->tg->cwd) + 1;
    if (size < n)
        return -LINUX_ERANGE;
    return copy_out(s, buf, s->p->tg->cwd, n) < 0 ? -LINUX_EFAULT : (long)n;
}

/* The directory of hostfd (closed here) becomes the cwd, named by its
 * canonical guest path. */
static long set_cwd(struct sys *s, int hostfd, const char *fallback)
{
    struct stat st;
    if (fstat(hostfd, &st) < 0 || !S_ISDIR(st.st_mode)) {
        close(hostfd);
        return -LINUX_ENOTDIR;
    }
    struct file tmp = {.hostfd = hostfd};
    fs_note_path(s->emu, &tmp, fallback);
    close(hostfd);
    snprintf(s->p->tg->cwd, sizeof s->p->tg->cwd, "%s", tmp.path);
    return 0;
}

long sys_chdir(struct sys *s, uaddr_t filename)
{
    char path[PATH_MAX], abs[PATH_MAX];
    long err = sys_path_in(s, filename, path);
    if (err < 0)
        return err;
    if (!path[0])
        return -LINUX_ENOENT;
    if ((err = fs_guest_path(s->p, LINUX_AT_FDCWD, path, abs, sizeof abs)) < 0)
        return err;
    int h = fs_open(s->emu, s->p, LINUX_AT_FDCWD, path, O_PATH | O_DIRECTORY, 0);
    return h < 0 ? h : set_cwd(s, h, abs);
}

long sys_fchdir(struct sys *s, unsigned int fd)
{
    struct file *f = fd_file(s->p, (int)fd);
    if (!f)
        return -LINUX_EBADF;
    if (f->kind != FILE_HOST || !f->is_dir)
        return -LINUX_ENOTDIR;
    int h = fcntl(f->hostfd, F_DUPFD_CLOEXEC, 3);
    return h < 0 ? host_err() : set_cwd(s, h, f->path);
}

/* chmod and chown of a path: through an O_PATH descriptor of it, found
 * inside the root (following a final symlink unless nofollow). */
static long chmod_path(struct sys *s, int dirfd, uaddr_t upath, unsigned mode)
{
    int h = path_open(s, dirfd, upath, O_PATH);
    if (h < 0)
        return h;
    char p[32];
    host_fd_path(h, p);
    long err = chmod(p, host_mode_from_linux(mode & LINUX_S_IALLUGO)) < 0 ? host_err() : 0;
    close(h);
    return err;
}

static long chown_path(struct sys *s, int dirfd, uaddr_t upath, bool nofollow, linux_uid_t user,
                       linux_gid_t group)
{
    int h = path_open(s, dirfd, upath, O_PATH | (nofollow ? O_NOFOLLOW : 0));
    if (h < 0)
        return h;
    long err = fchownat(h, "", (uid_t)user, (gid_t)group, AT_EMPTY_PATH) < 0 ? host_err() : 0;
    close(h);
    return err;
}

long sys_chmod(struct sys *s, uaddr_t filename, linux_umode_t mode)
{
    return chmod_path(s, LINUX_AT_FDCWD, filename, mode);
}

long sys_fchmodat(struct sys *s, int dfd, uaddr_t filename, linux_umode_t mode)
{
    return chmod_path(s, dfd, filename, mode);
}

long sys_chown(struct sys *s, uaddr_t filename, linux_uid_t user, linux_gid_t group)
{
    return chown_path(s, LINUX_AT_FDCWD, filename, false, user, group);
}

long sys_lchown(struct sys *s, uaddr_t filename, linux_uid_t user, linux_gid_t group)
{
    return chown_path(s, LINUX_AT_FDCWD, filename, true, user, group);
}

long sys_fchownat(struct sys *s, int dfd, uaddr_t filename, linux_uid_t user, linux_gid_t group,
                  int flag)
{
    return chown_path(s, dfd, filename, flag & LINUX_AT_SYMLINK_NOFOLLOW, user, group);
}

long sys_fchmod(struct sys *s, unsigned int fd, linux_umode_t mode)
{
    long err;
    struct file *f = host_file(s, (int)fd, &err);
    if (!f)
        return err;
    return fchmod(f->hostfd, host_mode_from_linux(mode & LINUX_S_IALLUGO)) < 0 ? host_err() : 0;
}

long sys_fchown(struct sys *s, unsigned int fd, linux_uid_t user, linux_gid_t group)
{
    long err;
    struct file *f = host_file(s, (int)fd, &err);
    if (!f)
        return err;
    return fchown(f->hostfd, (uid_t)user, (gid_t)group) < 0 ? host_err() : 0;
}

/* A host file whose size changed: mappings of it see the new size. */
long sys_ftruncate(struct sys *s, unsigned int fd, long length)
{
    long err;
    struct file *f = host_file(s, (int)fd, &err);
    if (!f)
        return err;
    if (length < 0)
        return -LINUX_EINVAL;
    if (ftruncate(f->hostfd, (off_t)length) < 0)
        return host_err();
    vm_object_resized(s->emu->vm, f->hostfd);
    return 0;
}

long sys_truncate(struct sys *s, uaddr_t path, long length)
{
    int h = path_open(s, LINUX_AT_FDCWD, path, O_WRONLY);
    if (h < 0)
        return h;
    long err = ftruncate(h, (off_t)length) < 0 ? host_err() : 0;
    if (!err)
        vm_object_resized(s->emu->vm, h);
    close(h);
    return err;
}

long sys_fallocate(struct sys *s, int fd, int mode, int64_t offset, int64_t len)
{
    long err;
    struct file *f = host_file(s, fd, &err);
    if (!f)
        return err;
    if (fallocate(f->hostfd, host_fallocate_mode_from_linux(mode), (off_t)offset, (off_t)len) < 0)
        return host_err();
    vm_object_resized(s->emu->vm, f->hostfd);
    return 0;
}
