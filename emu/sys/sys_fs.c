/*
 * sys_fs.c - calls that name paths: access, cwd, readlink, directories,
 * links, renames, permissions, times, truncation, statfs.  Each resolves
 * its path inside --root through fs.c (the parent directory for calls
 * that act on the last component itself).
 */
#include "emu/kernel/fs.h"
#include "emu/sys/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Run op on (parent fd, last component) of the guest path at upath. */
#define WITH_PARENT(s, dirfd, upath, body)                                         \
    do {                                                                            \
        char path_[PATH_MAX], base[NAME_MAX + 1];                                   \
        long e_ = sys_path_in(s, upath, path_);                                      \
        if (e_ < 0)                                                                 \
            return e_;                                                              \
        int pfd = fs_parent((s)->emu, (s)->p, dirfd, path_, base, sizeof base);     \
        if (pfd < 0)                                                                \
            return pfd;                                                             \
        long r_ = (body) < 0 ? -errno : 0;                                          \
        close(pfd);                                                                 \
        return r_;                                                                  \
    } while (0)

static long do_access(struct sys *s, int dirfd, uint64_t upath, int mode, int flags)
{
    char path[PATH_MAX];
    long err = sys_path_in(s, upath, path);
    if (err < 0)
        return err;
    if (mode & ~7)
        return -EINVAL;
    char abs[PATH_MAX];
    if ((err = fs_guest_path(s->p, dirfd, path, abs, sizeof abs)) < 0)
        return err;
    int perr;
    struct file *pf = fs_proc_file(s->emu, s->p, abs, &perr);
    if (pf) {
        file_put(pf);
        return (mode & W_OK) ? -EACCES : 0;
    }
    if (perr)
        return perr;
    int h = fs_open(s->emu, s->p, dirfd, path,
                    O_PATH | ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0), 0);
    if (h < 0)
        return h;
    err = faccessat(h, "", mode, AT_EMPTY_PATH | (flags & AT_EACCESS)) < 0 ? -errno : 0;
    close(h);
    return err;
}

SYS(access) { return do_access(s, AT_FDCWD, s->a[0], (int)s->a[1], 0); }
SYS(faccessat) { return do_access(s, (int)s->a[0], s->a[1], (int)s->a[2], 0); }
SYS(faccessat2) { return do_access(s, (int)s->a[0], s->a[1], (int)s->a[2], (int)s->a[3]); }

SYS(getcwd)
{
    size_t n = strlen(s->p->cwd) + 1;
    if (s->a[1] < n)
        return -ERANGE;
    return copy_out(s, s->a[0], s->p->cwd, n) < 0 ? -EFAULT : (long)n;
}

static long set_cwd(struct sys *s, int hostfd, const char *fallback)
{
    struct stat st;
    if (fstat(hostfd, &st) < 0 || !S_ISDIR(st.st_mode)) {
        close(hostfd);
        return -ENOTDIR;
    }
    struct file tmp = {.hostfd = hostfd};
    fs_note_path(s->emu, &tmp, fallback);
    close(hostfd);
    snprintf(s->p->cwd, sizeof s->p->cwd, "%s", tmp.path);
    return 0;
}

SYS(chdir)
{
    char path[PATH_MAX], abs[PATH_MAX];
    long err = sys_path_in(s, s->a[0], path);
    if (err < 0)
        return err;
    if (!path[0])
        return -ENOENT;
    if ((err = fs_guest_path(s->p, AT_FDCWD, path, abs, sizeof abs)) < 0)
        return err;
    int h = fs_open(s->emu, s->p, AT_FDCWD, path, O_PATH | O_DIRECTORY, 0);
    return h < 0 ? h : set_cwd(s, h, abs);
}

SYS(fchdir)
{
    struct file *f = fd_file(s->p, (int)s->a[0]);
    if (!f)
        return -EBADF;
    if (f->kind != FILE_HOST || !f->is_dir)
        return -ENOTDIR;
    int h = fcntl(f->hostfd, F_DUPFD_CLOEXEC, 3);
    return h < 0 ? -errno : set_cwd(s, h, f->path);
}

static long do_readlink(struct sys *s, int dirfd, uint64_t upath, uint64_t buf, uint64_t size)
{
    char path[PATH_MAX], abs[PATH_MAX], out[PATH_MAX];
    long err = sys_path_in(s, upath, path);
    if (err < 0)
        return err;
    if ((int64_t)size <= 0)
        return -EINVAL;
    if ((err = fs_guest_path(s->p, dirfd, path, abs, sizeof abs)) < 0)
        return err;
    long n = fs_proc_readlink(s->emu, s->p, abs, out, sizeof out);
    if (n == -ENOSYS) {
        char base[NAME_MAX + 1];
        int pfd = fs_parent(s->emu, s->p, dirfd, path, base, sizeof base);
        if (pfd < 0)
            return pfd;
        n = readlinkat(pfd, base, out, sizeof out);
        if (n < 0)
            n = -errno;
        close(pfd);
    }
    if (n < 0)
        return n;
    if ((uint64_t)n > size)
        n = (long)size;
    return copy_out(s, buf, out, (size_t)n) < 0 ? -EFAULT : n;
}

SYS(readlink) { return do_readlink(s, AT_FDCWD, s->a[0], s->a[1], s->a[2]); }
SYS(readlinkat) { return do_readlink(s, (int)s->a[0], s->a[1], s->a[2], s->a[3]); }

SYS(unlink) { WITH_PARENT(s, AT_FDCWD, s->a[0], unlinkat(pfd, base, 0)); }
SYS(rmdir) { WITH_PARENT(s, AT_FDCWD, s->a[0], unlinkat(pfd, base, AT_REMOVEDIR)); }

SYS(unlinkat)
{
    if (s->a[2] & ~(uint64_t)AT_REMOVEDIR)
        return -EINVAL;
    WITH_PARENT(s, (int)s->a[0], s->a[1], unlinkat(pfd, base, (int)s->a[2]));
}

SYS(mkdir)
{
    unsigned mode = (unsigned)s->a[1] & ~s->p->umask & 07777;
    WITH_PARENT(s, AT_FDCWD, s->a[0], mkdirat(pfd, base, mode));
}

SYS(mkdirat)
{
    unsigned mode = (unsigned)s->a[2] & ~s->p->umask & 07777;
    WITH_PARENT(s, (int)s->a[0], s->a[1], mkdirat(pfd, base, mode));
}

static long do_rename(struct sys *s, int olddir, uint64_t oldp, int newdir, uint64_t newp,
                      unsigned flags)
{
    char op[PATH_MAX], np[PATH_MAX], ob[NAME_MAX + 1], nb[NAME_MAX + 1];
    long err = sys_path_in(s, oldp, op);
    if (err >= 0)
        err = sys_path_in(s, newp, np);
    if (err < 0)
        return err;
    int ofd = fs_parent(s->emu, s->p, olddir, op, ob, sizeof ob);
    if (ofd < 0)
        return ofd;
    int nfd = fs_parent(s->emu, s->p, newdir, np, nb, sizeof nb);
    if (nfd < 0) {
        close(ofd);
        return nfd;
    }
    err = syscall(SYS_renameat2, ofd, ob, nfd, nb, flags) < 0 ? -errno : 0;
    close(ofd);
    close(nfd);
    return err;
}

SYS(rename) { return do_rename(s, AT_FDCWD, s->a[0], AT_FDCWD, s->a[1], 0); }
SYS(renameat) { return do_rename(s, (int)s->a[0], s->a[1], (int)s->a[2], s->a[3], 0); }
SYS(renameat2) { return do_rename(s, (int)s->a[0], s->a[1], (int)s->a[2], s->a[3], (unsigned)s->a[4]); }

static long do_symlink(struct sys *s, uint64_t target, int dirfd, uint64_t linkp)
{
    char t[PATH_MAX];
    long err = sys_path_in(s, target, t);
    if (err < 0)
        return err;
    WITH_PARENT(s, dirfd, linkp, symlinkat(t, pfd, base));
}

SYS(symlink) { return do_symlink(s, s->a[0], AT_FDCWD, s->a[1]); }
SYS(symlinkat) { return do_symlink(s, s->a[0], (int)s->a[1], s->a[2]); }

static long do_link(struct sys *s, int olddir, uint64_t oldp, int newdir, uint64_t newp, int flags)
{
    char op[PATH_MAX], np[PATH_MAX], nb[NAME_MAX + 1];
    long err = sys_path_in(s, oldp, op);
    if (err >= 0)
        err = sys_path_in(s, newp, np);
    if (err < 0)
        return err;
    int src = fs_open(s->emu, s->p, olddir, op,
                      O_PATH | ((flags & AT_SYMLINK_FOLLOW) ? 0 : O_NOFOLLOW), 0);
    if (src < 0)
        return src;
    int nfd = fs_parent(s->emu, s->p, newdir, np, nb, sizeof nb);
    if (nfd < 0) {
        close(src);
        return nfd;
    }
    err = linkat(src, "", nfd, nb, AT_EMPTY_PATH) < 0 ? -errno : 0;
    close(src);
    close(nfd);
    return err;
}

SYS(link) { return do_link(s, AT_FDCWD, s->a[0], AT_FDCWD, s->a[1], 0); }
SYS(linkat) { return do_link(s, (int)s->a[0], s->a[1], (int)s->a[2], s->a[3], (int)s->a[4]); }

static long on_path(struct sys *s, int dirfd, uint64_t upath, bool nofollow,
                    long (*op)(int fd, uint64_t a, uint64_t b), uint64_t a, uint64_t b)
{
    char path[PATH_MAX];
    long err = sys_path_in(s, upath, path);
    if (err < 0)
        return err;
    int h = fs_open(s->emu, s->p, dirfd, path, O_PATH | (nofollow ? O_NOFOLLOW : 0), 0);
    if (h < 0)
        return h;
    err = op(h, a, b);
    close(h);
    return err;
}

/* Operations through /proc/self/fd of an O_PATH descriptor (the host's
 * way to act on a file found by openat2). */
static long via_fd_path(int fd, char *buf, size_t len)
{
    return snprintf(buf, len, "/proc/self/fd/%d", fd) < (int)len ? 0 : -ENAMETOOLONG;
}

static long op_chmod(int fd, uint64_t mode, uint64_t unused)
{
    (void)unused;
    char p[64];
    via_fd_path(fd, p, sizeof p);
    return chmod(p, (mode_t)mode & 07777) < 0 ? -errno : 0;
}

static long op_chown(int fd, uint64_t uid, uint64_t gid)
{
    return fchownat(fd, "", (uid_t)uid, (gid_t)gid, AT_EMPTY_PATH) < 0 ? -errno : 0;
}

SYS(chmod) { return on_path(s, AT_FDCWD, s->a[0], false, op_chmod, s->a[1], 0); }
SYS(fchmodat) { return on_path(s, (int)s->a[0], s->a[1], false, op_chmod, s->a[2], 0); }
SYS(chown) { return on_path(s, AT_FDCWD, s->a[0], false, op_chown, s->a[1], s->a[2]); }
SYS(lchown) { return on_path(s, AT_FDCWD, s->a[0], true, op_chown, s->a[1], s->a[2]); }
SYS(fchownat)
{
    return on_path(s, (int)s->a[0], s->a[1], s->a[4] & AT_SYMLINK_NOFOLLOW, op_chown, s->a[2],
                   s->a[3]);
}

static struct file *host_file(struct sys *s, int fd, long *err)
{
    struct file *f = fd_file(s->p, fd);
    *err = !f ? -EBADF : f->kind != FILE_HOST ? -EINVAL : 0;
    return *err ? NULL : f;
}

SYS(fchmod)
{
    long err;
    struct file *f = host_file(s, (int)s->a[0], &err);
    return f ? (fchmod(f->hostfd, (mode_t)s->a[1] & 07777) < 0 ? -errno : 0) : err;
}

SYS(fchown)
{
    long err;
    struct file *f = host_file(s, (int)s->a[0], &err);
    return f ? (fchown(f->hostfd, (uid_t)s->a[1], (gid_t)s->a[2]) < 0 ? -errno : 0) : err;
}

SYS(umask)
{
    unsigned old = s->p->umask;
    s->p->umask = (unsigned)s->a[0] & 0777;
    return old;
}

SYS(utimensat)
{
    struct timespec ts[2], *tp = NULL;
    if (s->a[2]) {
        int64_t raw[4];
        if (copy_in(s, raw, s->a[2], sizeof raw) < 0)
            return -EFAULT;
        ts[0] = (struct timespec){(time_t)raw[0], (long)raw[1]};
        ts[1] = (struct timespec){(time_t)raw[2], (long)raw[3]};
        tp = ts;
    }
    int flags = (int)s->a[3];
    if (!s->a[1]) {
        struct file *f = fd_file(s->p, (int)s->a[0]);
        if (!f || f->kind != FILE_HOST)
            return -EBADF;
        return futimens(f->hostfd, tp) < 0 ? -errno : 0;
    }
    char path[PATH_MAX];
    long err = sys_path_in(s, s->a[1], path);
    if (err < 0)
        return err;
    if (flags & AT_SYMLINK_NOFOLLOW) {
        char base[NAME_MAX + 1];
        int pfd = fs_parent(s->emu, s->p, (int)s->a[0], path, base, sizeof base);
        if (pfd < 0)
            return pfd;
        err = utimensat(pfd, base, tp, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
        close(pfd);
        return err;
    }
    int h = fs_open(s->emu, s->p, (int)s->a[0], path, O_WRONLY | O_NONBLOCK, 0);
    if (h == -EISDIR || h == -EACCES)
        h = fs_open(s->emu, s->p, (int)s->a[0], path, O_RDONLY | O_NONBLOCK, 0);
    if (h < 0)
        return h;
    err = futimens(h, tp) < 0 ? -errno : 0;
    close(h);
    return err;
}

SYS(ftruncate)
{
    long err;
    struct file *f = host_file(s, (int)s->a[0], &err);
    if (!f)
        return err;
    if ((int64_t)s->a[1] < 0)
        return -EINVAL;
    if (ftruncate(f->hostfd, (off_t)s->a[1]) < 0)
        return -errno;
    vm_object_resized(s->emu->vm, f->hostfd);
    return 0;
}

SYS(truncate)
{
    char path[PATH_MAX];
    long err = sys_path_in(s, s->a[0], path);
    if (err < 0)
        return err;
    int h = fs_open(s->emu, s->p, AT_FDCWD, path, O_WRONLY, 0);
    if (h < 0)
        return h;
    err = ftruncate(h, (off_t)s->a[1]) < 0 ? -errno : 0;
    if (!err)
        vm_object_resized(s->emu->vm, h);
    close(h);
    return err;
}

static long sync_fd(struct sys *s, bool data_only)
{
    long err;
    struct file *f = host_file(s, (int)s->a[0], &err);
    if (!f)
        return err;
    if (f->is_reg)
        vm_file_sync(s->emu->vm, f->dev, f->ino);
    return (data_only ? fdatasync(f->hostfd) : fsync(f->hostfd)) < 0 ? -errno : 0;
}

SYS(fsync) { return sync_fd(s, false); }

/* sync: every dirty MAP_SHARED page reaches its file (the host then
 * has the bytes; its own writeback is the host's business). */
SYS(sync)
{
    vm_sync_all(s->emu->vm);
    return 0;
}

SYS(syncfs) { return sync_fd(s, false); }

SYS(fallocate)
{
    long err;
    struct file *f = host_file(s, (int)s->a[0], &err);
    if (!f)
        return err;
    if (fallocate(f->hostfd, (int)s->a[1], (off_t)s->a[2], (off_t)s->a[3]) < 0)
        return -errno;
    vm_object_resized(s->emu->vm, f->hostfd);
    return 0;
}
SYS(fdatasync) { return sync_fd(s, true); }

SYS(getdents64)
{
    long err;
    struct file *f = fd_file(s->p, (int)s->a[0]);
    bool mem = f && f->kind == FILE_MEM;
    if (mem && !f->is_dir)
        return -ENOTDIR;
    if (!mem && !(f = host_file(s, (int)s->a[0], &err)))
        return err;
    size_t len = s->a[2] > 65536 ? 65536 : (size_t)s->a[2];
    char *buf = malloc(len ? len : 1);
    if (!buf)
        return -ENOMEM;
    long n = mem ? fs_mem_getdents(s->emu, f, buf, len) : syscall(SYS_getdents64, f->hostfd, buf, len);
    if (n < 0 && !mem)
        n = -errno;
    if (n > 0 && copy_out(s, s->a[1], buf, (size_t)n) < 0)
        n = -EFAULT;
    free(buf);
    return n;
}

static long statfs_out(struct sys *s, int h, uint64_t addr)
{
    struct statfs st;
    if (fstatfs(h, &st) < 0)
        return -errno;
    return copy_out(s, addr, &st, sizeof st) < 0 ? -EFAULT : 0;
}

SYS(statfs)
{
    char path[PATH_MAX];
    long err = sys_path_in(s, s->a[0], path);
    if (err < 0)
        return err;
    int h = fs_open(s->emu, s->p, AT_FDCWD, path, O_PATH, 0);
    if (h < 0)
        return h;
    err = statfs_out(s, h, s->a[1]);
    close(h);
    return err;
}

SYS(fstatfs)
{
    long err;
    struct file *f = host_file(s, (int)s->a[0], &err);
    return f ? statfs_out(s, f->hostfd, s->a[1]) : err;
}

SYS(flock)
{
    long err;
    struct file *f = host_file(s, (int)s->a[0], &err);
    return f ? (flock(f->hostfd, (int)s->a[1] | LOCK_NB) < 0 ? -errno : 0) : err;
}

SYS(fadvise64)
{
    return fd_file(s->p, (int)s->a[0]) ? 0 : -EBADF;
}

/* Extended attributes: read from the host file found inside the root
 * (ls -l asks for ACLs and security labels). */
static long xattr_get(struct sys *s, int hostfd, uint64_t uname, uint64_t value, uint64_t size)
{
    char name[256];
    long n = vm_copy_str_in(s->p->mm, name, uname, sizeof name);
    if (n < 0)
        return n == -ENAMETOOLONG ? -ERANGE : -EFAULT;
    size_t len = size > 65536 ? 65536 : (size_t)size;
    char *buf = malloc(len ? len : 1);
    if (!buf)
        return -ENOMEM;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", hostfd);
    ssize_t r = getxattr(path, name, len ? buf : NULL, len);
    long ret = r < 0 ? -errno : (long)r;
    if (r > 0 && len && copy_out(s, value, buf, (size_t)r) < 0)
        ret = -EFAULT;
    free(buf);
    return ret;
}

static long xattr_list(struct sys *s, int hostfd, uint64_t list, uint64_t size)
{
    size_t len = size > 65536 ? 65536 : (size_t)size;
    char *buf = malloc(len ? len : 1);
    if (!buf)
        return -ENOMEM;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", hostfd);
    ssize_t r = listxattr(path, len ? buf : NULL, len);
    long ret = r < 0 ? -errno : (long)r;
    if (r > 0 && len && copy_out(s, list, buf, (size_t)r) < 0)
        ret = -EFAULT;
    free(buf);
    return ret;
}

/* An O_PATH fd for the path at upath (following a final symlink unless
 * nofollow), or -errno. */
static int path_fd(struct sys *s, uint64_t upath, bool nofollow)
{
    char path[PATH_MAX];
    long err = sys_path_in(s, upath, path);
    if (err < 0)
        return (int)err;
    return fs_open(s->emu, s->p, AT_FDCWD, path, O_PATH | (nofollow ? O_NOFOLLOW : 0), 0);
}

static long xattr_on_path(struct sys *s, bool nofollow, bool list)
{
    int h = path_fd(s, s->a[0], nofollow);
    if (h < 0)
        return h;
    long r = list ? xattr_list(s, h, s->a[1], s->a[2]) : xattr_get(s, h, s->a[1], s->a[2], s->a[3]);
    close(h);
    /* A symlink itself has no user-visible attributes to read through O_PATH. */
    return r == -ELOOP ? -ENODATA : r;
}

SYS(getxattr) { return xattr_on_path(s, false, false); }
SYS(lgetxattr) { return xattr_on_path(s, true, false); }
SYS(listxattr) { return xattr_on_path(s, false, true); }
SYS(llistxattr) { return xattr_on_path(s, true, true); }

SYS(fgetxattr)
{
    long err;
    struct file *f = host_file(s, (int)s->a[0], &err);
    return f ? xattr_get(s, f->hostfd, s->a[1], s->a[2], s->a[3]) : err;
}

SYS(flistxattr)
{
    long err;
    struct file *f = host_file(s, (int)s->a[0], &err);
    return f ? xattr_list(s, f->hostfd, s->a[1], s->a[2]) : err;
}
