/*
 * ioctl.c - the descriptor ioctls faultline models (close-on-exec,
 * non-blocking, bytes readable, the foreground group) and the terminal
 * ones it passes to the host's tty, in the kernel's own layouts.
 */
#include "emu/sys/fd.h"

#include <sys/ioctl.h>
#include <unistd.h>

static long put_int(struct sys *s, uaddr_t addr, int32_t v)
{
    return copy_out(s, addr, &v, sizeof v) < 0 ? -LINUX_EFAULT : 0;
}

static bool is_tty(struct file *f)
{
    return f->kind == FILE_HOST && isatty(f->hostfd);
}

/* FIONBIO and FIOASYNC: an int, nonzero for on. */
static long set_flag(struct sys *s, struct file *f, unsigned int cmd, uaddr_t arg)
{
    int32_t on;
    if (copy_in(s, &on, arg, sizeof on) < 0)
        return -LINUX_EFAULT;
    if (cmd == LINUX_FIOASYNC)
        return on ? -LINUX_EINVAL : 0; /* SIGIO is not modelled */
    set_status(f, LINUX_O_NONBLOCK, on ? LINUX_O_NONBLOCK : 0);
    return 0;
}

/* The host kernel's TCGETS/TCSETS take its struct termios, which is the
 * guest's struct linux_termios (36 bytes), not the C library's larger
 * struct termios. */
static long tty_termios(struct sys *s, int hostfd, unsigned int cmd, uaddr_t arg)
{
    struct linux_termios t;
    if (cmd == LINUX_TCGETS) {
        if (ioctl(hostfd, TCGETS, &t) < 0)
            return host_err();
        return copy_out(s, arg, &t, sizeof t) < 0 ? -LINUX_EFAULT : 0;
    }
    if (copy_in(s, &t, arg, sizeof t) < 0)
        return -LINUX_EFAULT;
    unsigned long req = cmd == LINUX_TCSETS ? TCSETS : cmd == LINUX_TCSETSW ? TCSETSW : TCSETSF;
    return ioctl(hostfd, req, &t) < 0 ? host_err() : 0;
}

/* Terminal queries pass to the host file (a user's tty). */
static long host_ioctl(struct sys *s, struct file *f, unsigned int cmd, uaddr_t arg)
{
    switch (cmd) {
    case LINUX_TCGETS:
    case LINUX_TCSETS:
    case LINUX_TCSETSW:
    case LINUX_TCSETSF:
        return tty_termios(s, f->hostfd, cmd, arg);
    case LINUX_TIOCGWINSZ: {
        struct linux_winsize w;
        if (ioctl(f->hostfd, TIOCGWINSZ, &w) < 0)
            return host_err();
        return copy_out(s, arg, &w, sizeof w) < 0 ? -LINUX_EFAULT : 0;
    }
    case LINUX_FIONREAD: {
        int n = 0;
        if (ioctl(f->hostfd, FIONREAD, &n) < 0)
            return host_err();
        return put_int(s, arg, n);
    }
    default:
        return -LINUX_ENOTTY;
    }
}

long sys_ioctl(struct sys *s, unsigned int fd, unsigned int cmd, unsigned long arg)
{
    struct file *f = fd_file(s->p, (int)fd);
    if (!f)
        return -LINUX_EBADF;
    switch (cmd) {
    case LINUX_FIOCLEX:
    case LINUX_FIONCLEX:
        s->p->fds->cloexec[fd] = cmd == LINUX_FIOCLEX;
        return 0;
    case LINUX_FIONBIO:
    case LINUX_FIOASYNC:
        return set_flag(s, f, cmd, arg);
    case LINUX_FIONREAD:
        if (f->kind == FILE_PIPE_READ)
            return put_int(s, arg, (int32_t)f->pipe->len);
        break;
    case LINUX_TIOCGPGRP:
        return is_tty(f) ? put_int(s, arg, s->p->tg->pgid) : -LINUX_ENOTTY;
    case LINUX_TIOCSPGRP:
        return is_tty(f) ? 0 : -LINUX_ENOTTY;
    default:
        break;
    }
    if (f->kind == FILE_OPS)
        return f->ops->ioctl ? f->ops->ioctl(s, f, cmd, arg) : -LINUX_ENOTTY;
    return f->kind == FILE_HOST ? host_ioctl(s, f, cmd, arg) : -LINUX_ENOTTY;
}
