/*
 * fcntl.c - fcntl, dup, dup2, dup3 and flock: descriptor flags, status
 * flags; the locks are lock.c's.
 */
#include "emu/sys/fd.h"

#include <fcntl.h>

void set_status(struct file *f, int mask, int flags)
{
    f->status = (f->status & ~mask) | (flags & mask);
    if (f->kind == FILE_HOST) {
        int hmask = host_open_flags_from_linux(mask), hflags = host_open_flags_from_linux(flags);
        int hf = fcntl(f->hostfd, F_GETFL);
        if (hf >= 0)
            fcntl(f->hostfd, F_SETFL, (hf & ~hmask) | (hflags & hmask));
    }
}

/* newfd becomes another descriptor for oldfd's file, closing what newfd
 * held. */
static long dup_to(struct sys *s, int oldfd, int newfd, bool cloexec)
{
    struct proc *p = s->p;
    struct file *f = fd_file(p, oldfd);
    if (!f)
        return -LINUX_EBADF;
    if (newfd < 0 || newfd >= fd_limit(p))
        return -LINUX_EBADF;
    if (oldfd == newfd)
        return newfd;
    struct file *old = p->fds->file[newfd];
    p->fds->file[newfd] = file_get(f);
    p->fds->cloexec[newfd] = cloexec;
    if (old)
        fd_drop(s, old);
    return newfd;
}

long sys_dup(struct sys *s, unsigned int fildes)
{
    struct file *f = fd_file(s->p, (int)fildes);
    return f ? install_fd(s->p, file_get(f), false, 0) : -LINUX_EBADF;
}

long sys_dup2(struct sys *s, unsigned int oldfd, unsigned int newfd)
{
    if (oldfd == newfd)
        return fd_file(s->p, (int)oldfd) ? (long)(int)newfd : -LINUX_EBADF;
    return dup_to(s, (int)oldfd, (int)newfd, false);
}

long sys_dup3(struct sys *s, unsigned int oldfd, unsigned int newfd, int flags)
{
    if (oldfd == newfd || (flags & ~LINUX_O_CLOEXEC))
        return -LINUX_EINVAL;
    return dup_to(s, (int)oldfd, (int)newfd, flags & LINUX_O_CLOEXEC);
}

long sys_fcntl(struct sys *s, unsigned int fd, unsigned int cmd, unsigned long arg)
{
    struct proc *p = s->p;
    struct file *f = fd_file(p, (int)fd);
    p->lock_waiting = false; /* an F_SETLKW retried sets it again */
    if (!f)
        return -LINUX_EBADF;
    switch ((int)cmd) {
    case LINUX_F_DUPFD:
    case LINUX_F_DUPFD_CLOEXEC:
        if ((int)arg < 0 || (int)arg >= fd_limit(p))
            return -LINUX_EINVAL;
        return install_fd(p, file_get(f), (int)cmd == LINUX_F_DUPFD_CLOEXEC, (int)arg);
    case LINUX_F_GETFD:
        return p->fds->cloexec[fd] ? LINUX_FD_CLOEXEC : 0;
    case LINUX_F_SETFD:
        p->fds->cloexec[fd] = arg & LINUX_FD_CLOEXEC;
        return 0;
    case LINUX_F_GETFL:
        return f->status | (f->kind == FILE_PIPE_WRITE ? LINUX_O_WRONLY : 0);
    case LINUX_F_SETFL:
        set_status(f, LINUX_O_APPEND | LINUX_O_NONBLOCK, (int)arg);
        return 0;
    case LINUX_F_GETPIPE_SZ:
    case LINUX_F_SETPIPE_SZ:
        return f->kind == FILE_HOST ? -LINUX_EBADF : PIPE_BUF_SIZE;
    case LINUX_F_GETLK:
    case LINUX_F_SETLK:
    case LINUX_F_SETLKW:
    case LINUX_F_OFD_GETLK:
    case LINUX_F_OFD_SETLK:
    case LINUX_F_OFD_SETLKW:
        return file_lock(s, f, (int)cmd, arg);
    default:
        return -LINUX_EINVAL;
    }
}
