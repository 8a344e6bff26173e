/*
 * utimes.c - utimensat: file times set on the host file found inside the
 * root, by descriptor or by path.
 */
#include "emu/sys/fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The two guest timespecs at addr as the host's; *tp NULL for "now"
 * (addr NULL). */
static long times_in(struct sys *s, uaddr_t addr, struct timespec ts[2], struct timespec **tp)
{
    *tp = NULL;
    if (!addr)
        return 0;
    struct linux_timespec raw[2];
    if (copy_in(s, raw, addr, sizeof raw) < 0)
        return -LINUX_EFAULT;
    for (int i = 0; i < 2; i++)
        ts[i] = (struct timespec){(time_t)raw[i].sec, (long)raw[i].nsec};
    *tp = ts;
    return 0;
}

/* A path's times without following a final symlink: set on the link. */
static long utimens_nofollow(struct sys *s, int dirfd, const char *path, const struct timespec *tp)
{
    char base[NAME_MAX + 1];
    int pfd = fs_parent(s->emu, s->p, dirfd, path, base, sizeof base);
    if (pfd < 0)
        return pfd;
    long err = utimensat(pfd, base, tp, AT_SYMLINK_NOFOLLOW) < 0 ? host_err() : 0;
    close(pfd);
    return err;
}

long sys_utimensat(struct sys *s, int dfd, uaddr_t filename, uaddr_t utimes, int flags)
{
    struct timespec ts[2], *tp;
    long err = times_in(s, utimes, ts, &tp);
    if (err)
        return err;
    if (!filename) {
        struct file *f = fd_file(s->p, dfd);
        if (!f || f->kind != FILE_HOST)
            return -LINUX_EBADF;
        return futimens(f->hostfd, tp) < 0 ? host_err() : 0;
    }
    char path[PATH_MAX];
    err = sys_path_in(s, filename, path);
    if (err < 0)
        return err;
    if (flags & LINUX_AT_SYMLINK_NOFOLLOW)
        return utimens_nofollow(s, dfd, path, tp);
    /* Opened to be written when it may be (the owner's right to set
     * times), else read. */
    int h = fs_open(s->emu, s->p, dfd, path, O_WRONLY | O_NONBLOCK, 0);
    if (h == -LINUX_EISDIR || h == -LINUX_EACCES)
        h = fs_open(s->emu, s->p, dfd, path, O_RDONLY | O_NONBLOCK, 0);
    if (h < 0)
        return h;
    err = futimens(h, tp) < 0 ? host_err() : 0;
    close(h);
    return err;
}
