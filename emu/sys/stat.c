/*
 * stat.c - the stat family (stat, lstat, fstat, newfstatat, statx),
 * statfs and fstatfs, readlink.  A file is described as a host struct
 * stat first (the host's for host files, one made up for pipes and
 * generated files), then converted to the guest's layout once.
 */
#include "emu/sys/fd.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

static long stat_out(struct sys *s, uaddr_t addr, const struct stat *st)
{
    struct linux_stat ls;
    linux_stat_from_host(&ls, st);
    return copy_out(s, addr, &ls, sizeof ls) < 0 ? -LINUX_EFAULT : 0;
}

/* What a file with no host inode looks like: mode, one link. */
/* The device of the files faultline makes up (generated /proc files,
 * pipes, epoll): an anonymous device number, never 0, so that no made-up
 * file looks like a zeroed struct stat (grep takes that for its own
 * output when stdout is not a file). */

/* A made-up file's inode number: stable, from its guest path. */
static ino_t path_ino(const char *path)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *c = (const unsigned char *)path; *c; c++)
        h = (h ^ *c) * 1099511628211ULL;
    return (ino_t)(h | 1);
}

static void stat_made_up(struct stat *st, unsigned linux_mode, ino_t ino)
{
    memset(st, 0, sizeof *st);
    st->st_dev = MADE_UP_DEV;
    st->st_ino = ino;
    st->st_mode = host_mode_from_linux(linux_mode);
    st->st_nlink = 1;
    st->st_blksize = LINUX_PAGE_SIZE;
}

static long fstat_file(struct file *f, struct stat *st)
{
    switch (f->kind) {
    case FILE_HOST:
        memset(st, 0, sizeof *st);
        return fstat(f->hostfd, st) < 0 ? host_err() : 0;
    case FILE_MEM:
        stat_made_up(st, f->is_dir ? LINUX_S_IFDIR | 0555 : LINUX_S_IFREG | 0444, path_ino(f->path));
        st->st_nlink = f->is_dir ? 2 : 1;
        return 0;
    case FILE_EPOLL:
        stat_made_up(st, 0600, path_ino(f->path)); /* an anonymous inode has no file type */
        return 0;
    case FILE_PIPE_READ:
    case FILE_PIPE_WRITE:
        if (f->hostfd >= 0) /* a FIFO: the host's */
            return fstat(f->hostfd, st) < 0 ? host_err() : 0;
        stat_made_up(st, LINUX_S_IFIFO | 0600, (ino_t)f->pipe->ino);
        return 0;
    case FILE_OPS:
        stat_made_up(st, f->ops->mode | 0600, (ino_t)f->ino);
        return 0;
    }
    return -LINUX_EBADF;
}

long sys_fstat(struct sys *s, unsigned int fd, uaddr_t statbuf)
{
    struct file *f = fd_file(s->p, (int)fd);
    if (!f)
        return -LINUX_EBADF;
    struct stat st;
    long err = fstat_file(f, &st);
    return err ? err : stat_out(s, statbuf, &st);
}

/* lstat of a path that is a guest /proc link (fd/N, exe, cwd, root):
 * 1 with *st filled, 0 when it is not one. */
static int stat_proc_link(struct sys *s, const char *abs, struct stat *st)
{
    char target[PATH_MAX];
    long n = fs_proc_readlink(s->emu, s->p, abs, target, sizeof target);
    if (n < 0)
        return 0;
    stat_made_up(st, LINUX_S_IFLNK | 0777, path_ino(abs));
    st->st_size = n;
    return 1;
}

/* stat of path from dirfd, following a final symlink unless nofollow. */
static long stat_path(struct sys *s, int dirfd, const char *path, bool nofollow, struct stat *st)
{
    char abs[PATH_MAX];
    long err = fs_guest_path(s->p, dirfd, path, abs, sizeof abs);
    if (err)
        return err;
    /* A guest's /proc links are links to lstat; /dev/stdin and /dev/fd
     * are the host's own symlinks. */
    if (nofollow && stat_proc_link(s, abs, st))
        return 0;
    bool host_dev = nofollow && strncmp(abs, "/dev/", 5) == 0;
    int perr = 0;
    struct file *f = host_dev ? NULL : fs_proc_file(s->emu, s->p, abs, &perr);
    if (f) {
        err = fstat_file(f, st);
        file_put(f);
        return err;
    }
    if (perr)
        return perr;
    if (nofollow) {
        char base[NAME_MAX + 1];
        int dfd = fs_parent(s->emu, s->p, dirfd, path, base, sizeof base);
        if (dfd < 0)
            return dfd;
        err = fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW) < 0 ? host_err() : 0;
        close(dfd);
        return err;
    }
    int h = fs_open(s->emu, s->p, dirfd, path, O_PATH, 0);
    if (h < 0)
        return h;
    err = fstat(h, st) < 0 ? host_err() : 0;
    close(h);
    return err;
}

/* The file newfstatat and statx name: a path from dirfd, or with
 * AT_EMPTY_PATH and "" dirfd itself. */
static long stat_at(struct sys *s, int dirfd, uaddr_t upath, int flags, struct stat *st)
{
    char path[PATH_MAX];
    long err = sys_path_in(s, upath, path);
    if (err < 0)
        return err;
    if (path[0])
        return stat_path(s, dirfd, path, flags & LINUX_AT_SYMLINK_NOFOLLOW, st);
    if (!(flags & LINUX_AT_EMPTY_PATH))
        return -LINUX_ENOENT;
    if (dirfd == LINUX_AT_FDCWD)
        return stat_path(s, LINUX_AT_FDCWD, ".", false, st);
    struct file *f = fd_file(s->p, dirfd);
    return f ? fstat_file(f, st) : -LINUX_EBADF;
}

static long do_stat(struct sys *s, int dirfd, uaddr_t upath, uaddr_t buf, int flags)
{
    struct stat st;
    long err = stat_at(s, dirfd, upath, flags, &st);
    return err ? err : stat_out(s, buf, &st);
}

long sys_stat(struct sys *s, uaddr_t filename, uaddr_t statbuf)
{
    return do_stat(s, LINUX_AT_FDCWD, filename, statbuf, 0);
}

long sys_lstat(struct sys *s, uaddr_t filename, uaddr_t statbuf)
{
    return do_stat(s, LINUX_AT_FDCWD, filename, statbuf, LINUX_AT_SYMLINK_NOFOLLOW);
}

long sys_newfstatat(struct sys *s, int dfd, uaddr_t filename, uaddr_t statbuf, int flag)
{
    return do_stat(s, dfd, filename, statbuf, flag);
}

/* The basic fields, whatever mask asks for (STATX_BASIC_STATS). */
long sys_statx(struct sys *s, int dfd, uaddr_t filename, unsigned int flags, unsigned int mask,
               uaddr_t buffer)
{
    (void)mask;
    struct stat st;
    long err = stat_at(s, dfd, filename, (int)flags, &st);
    if (err)
        return err;
    struct linux_statx sx;
    linux_statx_from_host(&sx, &st);
    return copy_out(s, buffer, &sx, sizeof sx) < 0 ? -LINUX_EFAULT : 0;
}

static long statfs_out(struct sys *s, int h, uaddr_t addr)
{
    struct statfs st;
    if (fstatfs(h, &st) < 0)
        return host_err();
    struct linux_statfs ls;
    linux_statfs_from_host(&ls, &st);
    return copy_out(s, addr, &ls, sizeof ls) < 0 ? -LINUX_EFAULT : 0;
}

long sys_statfs(struct sys *s, uaddr_t pathname, uaddr_t buf)
{
    int h = path_open(s, LINUX_AT_FDCWD, pathname, O_PATH);
    if (h < 0)
        return h;
    long err = statfs_out(s, h, buf);
    close(h);
    return err;
}

long sys_fstatfs(struct sys *s, unsigned int fd, uaddr_t buf)
{
    long err;
    struct file *f = host_file(s, (int)fd, &err);
    return f ? statfs_out(s, f->hostfd, buf) : err;
}

/* readlink: /proc's generated links, or the host's link inside the root. */
static long do_readlink(struct sys *s, int dirfd, uaddr_t upath, uaddr_t buf, int bufsiz)
{
    char path[PATH_MAX], abs[PATH_MAX], out[PATH_MAX];
    long err = sys_path_in(s, upath, path);
    if (err < 0)
        return err;
    if (bufsiz <= 0)
        return -LINUX_EINVAL;
    if ((err = fs_guest_path(s->p, dirfd, path, abs, sizeof abs)) < 0)
        return err;
    long n = fs_proc_readlink(s->emu, s->p, abs, out, sizeof out);
    if (n == -LINUX_ENOSYS) {
        char base[NAME_MAX + 1];
        int pfd = fs_parent(s->emu, s->p, dirfd, path, base, sizeof base);
        if (pfd < 0)
            return pfd;
        n = readlinkat(pfd, base, out, sizeof out);
        if (n < 0)
            n = host_err();
        close(pfd);
    }
    if (n < 0)
        return n;
    if (n > bufsiz)
        n = bufsiz;
    return copy_out(s, buf, out, (size_t)n) < 0 ? -LINUX_EFAULT : n;
}

long sys_readlink(struct sys *s, uaddr_t path, uaddr_t buf, int bufsiz)
{
    return do_readlink(s, LINUX_AT_FDCWD, path, buf, bufsiz);
}

long sys_readlinkat(struct sys *s, int dfd, uaddr_t pathname, uaddr_t buf, int bufsiz)
{
    return do_readlink(s, dfd, pathname, buf, bufsiz);
}
