/*
 * fifo.c - named pipes.  The FIFO is a real one on the host file system
 * (mknod makes it inside --root), but guest processes meet inside the
 * emulator: every guest open of one host FIFO joins one in-emulator pipe
 * (pipe.c moves the data), so an open that waits for its other side
 * blocks only its own process.  Each end also keeps the host FIFO open
 * for I/O, non-blocking, when it can: a host process at the other end is
 * read or written through it, and waited on as a host pipe is.
 */
#include "emu/sys/fd.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How often an open for writing looks again for a host reader, when
 * nothing in the guest can run. */
#define HOST_OPEN_POLL_NS 10000000L

static struct pipe *fifo_find(struct emu *emu, uint64_t dev, uint64_t ino)
{
    for (struct pipe *pp = emu->fifos; pp; pp = pp->next)
        if (pp->fifo_dev == dev && pp->fifo_ino == ino)
            return pp;
    return NULL;
}

/* The pipe of FIFO (dev, ino), made and listed if no end is open. */
static struct pipe *fifo_pipe(struct emu *emu, uint64_t dev, uint64_t ino)
{
    struct pipe *pp = fifo_find(emu, dev, ino);
    if (pp)
        return pp;
    pp = calloc(1, sizeof *pp);
    uint8_t *buf = malloc(PIPE_BUF_SIZE);
    if (!pp || !buf) {
        free(pp);
        free(buf);
        return NULL;
    }
    pp->buf = buf;
    pp->fifo = true;
    pp->fifo_dev = dev;
    pp->fifo_ino = ino;
    pp->ino = ino;
    pp->next = emu->fifos;
    if (pp->next)
        pp->next->pprev = &pp->next;
    pp->pprev = &emu->fifos;
    emu->fifos = pp;
    return pp;
}

/* A new end of the FIFO h names (h owned), counted on its side(s) at
 * once, as Linux counts an open that still waits; NULL when out of
 * memory (h closed). */
static struct file *fifo_end(struct sys *s, int h, bool io, int flags, const char *abs,
                             const struct stat *st)
{
    int acc = flags & LINUX_O_ACCMODE;
    struct file *f = file_new(acc == LINUX_O_WRONLY ? FILE_PIPE_WRITE : FILE_PIPE_READ);
    struct pipe *pp = f ? fifo_pipe(s->emu, (uint64_t)st->st_dev, (uint64_t)st->st_ino) : NULL;
    if (!pp) {
        free(f);
        close(h);
        return NULL;
    }
    f->pipe = pp;
    f->hostfd = h;
    f->fifo_host = io;
    f->status = flags & (LINUX_O_ACCMODE | LINUX_O_APPEND | LINUX_O_NONBLOCK);
    f->dev = (uint64_t)st->st_dev;
    f->ino = (uint64_t)st->st_ino;
    snprintf(f->path, sizeof f->path, "%s", abs);
    if (acc != LINUX_O_WRONLY) {
        pp->readers++;
        pp->r_opens++;
    }
    if (acc != LINUX_O_RDONLY) {
        pp->writers++;
        pp->w_opens++;
    }
    s->p->fifo_seen = acc == LINUX_O_RDONLY ? pp->w_opens : pp->r_opens;
    proc_wake_all(s->emu); /* an open waiting for this side goes on */
    return f;
}

long fifo_host_fill(struct file *f)
{
    struct pipe *pp = f->pipe;
    if (!f->fifo_host || pp->len == PIPE_BUF_SIZE)
        return pp->len ? (long)pp->len : -LINUX_EAGAIN;
    size_t tail = (pp->head + pp->len) % PIPE_BUF_SIZE;
    size_t room = PIPE_BUF_SIZE - pp->len;
    if (room > PIPE_BUF_SIZE - tail)
        room = PIPE_BUF_SIZE - tail;
    ssize_t n = read(f->hostfd, pp->buf + tail, room);
    if (n < 0)
        return host_err();
    pp->len += (size_t)n;
    if (n)
        pp->gen++;
    return n;
}

/* Does the other side of f's open exist, or has one come since it began? */
static bool fifo_peer(struct proc *p, struct file *f)
{
    struct pipe *pp = f->pipe;
    int acc = f->status & LINUX_O_ACCMODE;
    if (acc == LINUX_O_RDWR)
        return true;
    if (acc == LINUX_O_WRONLY)
        return pp->readers || pp->r_opens != p->fifo_seen || f->fifo_host;
    if (pp->writers || pp->w_opens != p->fifo_seen)
        return true;
    return fifo_host_fill(f) != 0; /* data, or a host writer without any yet */
}

long fifo_open(struct sys *s, int h, bool io, int flags, const char *abs)
{
    struct proc *p = s->p;
    struct stat st;
    if (fstat(h, &st) < 0) {
        long err = host_err();
        close(h);
        return err;
    }
    int acc = flags & LINUX_O_ACCMODE;
    struct file *f = p->fifo_wait;
    p->fifo_wait = NULL;
    if (f && (f->dev != (uint64_t)st.st_dev || f->ino != (uint64_t)st.st_ino ||
              (f->status & LINUX_O_ACCMODE) != acc)) {
        file_put(f); /* not the open that blocked */
        proc_wake_all(s->emu);
        f = NULL;
    }
    if (f && io && !f->fifo_host) {
        close(f->hostfd); /* a host reader came: keep its way in */
        f->hostfd = h;
        f->fifo_host = true;
    } else if (f) {
        close(h);
    } else if (!(f = fifo_end(s, h, io, flags, abs, &st))) {
        return -LINUX_ENOMEM;
    }
    if (!fifo_peer(p, f)) {
        if (acc == LINUX_O_WRONLY && (flags & LINUX_O_NONBLOCK)) {
            file_put(f);
            proc_wake_all(s->emu);
            return -LINUX_ENXIO;
        }
        if (!(flags & LINUX_O_NONBLOCK)) {
            p->fifo_wait = f;
            fifo_block(s, f, acc == LINUX_O_RDONLY ? POLLIN : POLLOUT);
            return 0;
        }
    }
    return install_fd(p, f, flags & LINUX_O_CLOEXEC, 0);
}

/* Nobody else can run: wait for the host side for real, until the
 * scheduler's next deadline (--real-time) if there is one. */
static void fifo_host_wait(struct emu *emu, struct file *f, short events)
{
    uint64_t now = emu_monotonic(emu);
    int ms = -1;
    if (emu->poll_until)
        ms = emu->poll_until <= now ? 0 : (int)((emu->poll_until - now) / 1000000 + 1);
    if (f->fifo_host) {
        struct pollfd pf = {f->hostfd, events, 0};
        poll(&pf, 1, ms);
        return;
    }
    /* No host fd to wait on (an open for writing, no reader yet): look
     * again a little later. */
    struct timespec ts = {0, HOST_OPEN_POLL_NS};
    nanosleep(&ts, NULL);
}

void fifo_block(struct sys *s, struct file *f, short events)
{
    sys_wait_and_retry(s, false);
    if (!f->pipe->fifo || f->hostfd < 0)
        return;
    s->p->host_wait = true;
    if (emu_others_runnable(s->emu, s->p) || s->p->state == PROC_RUNNABLE)
        return;
    fifo_host_wait(s->emu, f, events);
    s->p->state = PROC_RUNNABLE; /* look again at once */
}

long fifo_host_write(struct sys *s, struct file *f, uaddr_t buf, size_t len)
{
    uint8_t tmp[LINUX_PIPE_BUF];
    size_t n = len < sizeof tmp ? len : sizeof tmp;
    if (copy_in(s, tmp, buf, n) < 0)
        return -LINUX_EFAULT;
    ssize_t w = write(f->hostfd, tmp, n);
    if (w >= 0)
        return (long)w;
    long err = host_err();
    if (err == -LINUX_EPIPE)
        raise_sigpipe(s);
    if (err == -LINUX_EAGAIN && !(f->status & LINUX_O_NONBLOCK)) {
        fifo_block(s, f, POLLOUT);
        return 0;
    }
    return err;
}

long sys_mknodat(struct sys *s, int dfd, uaddr_t filename, linux_umode_t mode, unsigned int dev)
{
    unsigned type = mode & LINUX_S_IFMT;
    mode_t perm = host_mode_from_linux(mode & ~s->p->tg->umask & LINUX_S_IALLUGO);
    char path[PATH_MAX], base[NAME_MAX + 1];
    long err = sys_path_in(s, filename, path);
    if (err < 0)
        return err;
    if (type != 0 && type != LINUX_S_IFREG && type != LINUX_S_IFIFO && type != LINUX_S_IFSOCK &&
        type != LINUX_S_IFCHR && type != LINUX_S_IFBLK)
        return -LINUX_EINVAL;
    /* Device nodes would reach the host's devices: refused as for a
     * process without CAP_MKNOD. */
    if (type == LINUX_S_IFCHR || type == LINUX_S_IFBLK)
        return -LINUX_EPERM;
    (void)dev;
    int pfd = fs_parent(s->emu, s->p, dfd, path, base, sizeof base);
    if (pfd < 0)
        return pfd;
    mode_t htype = type == LINUX_S_IFIFO ? S_IFIFO : type == LINUX_S_IFSOCK ? S_IFSOCK : S_IFREG;
    err = mknodat(pfd, base, htype | perm, 0) < 0 ? host_err() : 0;
    close(pfd);
    return err;
}

long sys_mknod(struct sys *s, uaddr_t filename, linux_umode_t mode, unsigned int dev)
{
    return sys_mknodat(s, LINUX_AT_FDCWD, filename, mode, dev);
}
