/*
 * namei.c - guest paths, and the calls that make or remove names: mkdir,
 * rmdir, unlink, symlink, link, rename.  Each resolves its path inside
 * --root through kernel/fs.c: the parent directory for calls that act on
 * the last component itself.
 */
#include "emu/sys/fd.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

long sys_path_in(struct sys *s, uaddr_t addr, char *buf)
{
    long n = vm_copy_str_in(s->p->mm, buf, addr, PATH_MAX);
    return n == -LINUX_ENAMETOOLONG ? -LINUX_ENAMETOOLONG : n < 0 ? -LINUX_EFAULT : n;
}

int path_open(struct sys *s, int dirfd, uaddr_t upath, int hostflags)
{
    char path[PATH_MAX];
    long err = sys_path_in(s, upath, path);
    if (err < 0)
        return (int)err;
    return fs_open(s->emu, s->p, dirfd, path, hostflags, 0);
}

void host_fd_path(int fd, char buf[static 32])
{
    snprintf(buf, 32, "/proc/self/fd/%d", fd);
}

/* Run body on (pfd, base): the host fd of the parent directory of the
 * guest path at upath, and its last component; return 0 or the host's
 * -errno. */
#define WITH_PARENT(s, dirfd, upath, body)                                      \
    do {                                                                        \
        char path_[PATH_MAX], base[NAME_MAX + 1];                               \
        long e_ = sys_path_in(s, upath, path_);                                 \
        if (e_ < 0)                                                             \
            return e_;                                                          \
        int pfd = fs_parent((s)->emu, (s)->p, dirfd, path_, base, sizeof base); \
        if (pfd < 0)                                                            \
            return pfd;                                                         \
        long r_ = (body) < 0 ? host_err() : 0;                                  \
        close(pfd);                                                             \
        return r_;                                                              \
    } while (0)

long sys_unlink(struct sys *s, uaddr_t pathname)
{
    WITH_PARENT(s, LINUX_AT_FDCWD, pathname, unlinkat(pfd, base, 0));
}

long sys_rmdir(struct sys *s, uaddr_t pathname)
{
    WITH_PARENT(s, LINUX_AT_FDCWD, pathname, unlinkat(pfd, base, AT_REMOVEDIR));
}

long sys_unlinkat(struct sys *s, int dfd, uaddr_t pathname, int flag)
{
    if (flag & ~LINUX_AT_REMOVEDIR)
        return -LINUX_EINVAL;
    WITH_PARENT(s, dfd, pathname, unlinkat(pfd, base, host_at_flags_from_linux(flag)));
}

static long do_mkdir(struct sys *s, int dirfd, uaddr_t upath, unsigned mode)
{
    mode_t m = host_mode_from_linux(mode & ~s->p->tg->umask & LINUX_S_IALLUGO);
    WITH_PARENT(s, dirfd, upath, mkdirat(pfd, base, m));
}

long sys_mkdir(struct sys *s, uaddr_t pathname, linux_umode_t mode)
{
    return do_mkdir(s, LINUX_AT_FDCWD, pathname, mode);
}

long sys_mkdirat(struct sys *s, int dfd, uaddr_t pathname, linux_umode_t mode)
{
    return do_mkdir(s, dfd, pathname, mode);
}

/* The two guest paths of a rename or link; 0 or -errno. */
static long paths_in(struct sys *s, uaddr_t oldp, char *op, uaddr_t newp, char *np)
{
    long err = sys_path_in(s, oldp, op);
    if (err >= 0)
        err = sys_path_in(s, newp, np);
    return err < 0 ? err : 0;
}

static long do_rename(struct sys *s, int olddir, uaddr_t oldp, int newdir, uaddr_t newp,
                      unsigned flags)
{
    char op[PATH_MAX], np[PATH_MAX], ob[NAME_MAX + 1], nb[NAME_MAX + 1];
    long err = paths_in(s, oldp, op, newp, np);
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
    err = syscall(SYS_renameat2, ofd, ob, nfd, nb, host_rename_flags_from_linux(flags)) < 0 ? host_err() : 0;
    close(ofd);
    close(nfd);
    return err;
}

long sys_rename(struct sys *s, uaddr_t oldname, uaddr_t newname)
{
    return do_rename(s, LINUX_AT_FDCWD, oldname, LINUX_AT_FDCWD, newname, 0);
}

long sys_renameat(struct sys *s, int olddfd, uaddr_t oldname, int newdfd, uaddr_t newname)
{
    return do_rename(s, olddfd, oldname, newdfd, newname, 0);
}

long sys_renameat2(struct sys *s, int olddfd, uaddr_t oldname, int newdfd, uaddr_t newname,
                   unsigned int flags)
{
    return do_rename(s, olddfd, oldname, newdfd, newname, flags);
}

static long do_symlink(struct sys *s, uaddr_t target, int dirfd, uaddr_t linkp)
{
    char t[PATH_MAX];
    long err = sys_path_in(s, target, t);
    if (err < 0)
        return err;
    WITH_PARENT(s, dirfd, linkp, symlinkat(t, pfd, base));
}

long sys_symlink(struct sys *s, uaddr_t oldname, uaddr_t newname)
{
    return do_symlink(s, oldname, LINUX_AT_FDCWD, newname);
}

long sys_symlinkat(struct sys *s, uaddr_t oldname, int newdfd, uaddr_t newname)
{
    return do_symlink(s, oldname, newdfd, newname);
}

static long do_link(struct sys *s, int olddir, uaddr_t oldp, int newdir, uaddr_t newp, int flags)
{
    char op[PATH_MAX], np[PATH_MAX], nb[NAME_MAX + 1];
    long err = paths_in(s, oldp, op, newp, np);
    if (err < 0)
        return err;
    int src = fs_open(s->emu, s->p, olddir, op,
                      O_PATH | ((flags & LINUX_AT_SYMLINK_FOLLOW) ? 0 : O_NOFOLLOW), 0);
    if (src < 0)
        return src;
    int nfd = fs_parent(s->emu, s->p, newdir, np, nb, sizeof nb);
    if (nfd < 0) {
        close(src);
        return nfd;
    }
    err = linkat(src, "", nfd, nb, AT_EMPTY_PATH) < 0 ? host_err() : 0;
    close(src);
    close(nfd);
    return err;
}

long sys_link(struct sys *s, uaddr_t oldname, uaddr_t newname)
{
    return do_link(s, LINUX_AT_FDCWD, oldname, LINUX_AT_FDCWD, newname, 0);
}

long sys_linkat(struct sys *s, int olddfd, uaddr_t oldname, int newdfd, uaddr_t newname, int flags)
{
    return do_link(s, olddfd, oldname, newdfd, newname, flags);
}
