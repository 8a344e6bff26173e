/*
 * pipe.c - guest pipes, kept in the emulator: pipe, pipe2, and the reads
 * and writes of their buffers (a ring of PIPE_BUF_SIZE bytes).
 */
#include "emu/sys/fd.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

void raise_sigpipe(struct sys *s)
{
    struct ksiginfo si = {.signo = LINUX_SIGPIPE, .pid = s->p->pid};
    proc_signal(s->emu, s->p, &si);
    s->stop = true;
}

long pipe_read(struct sys *s, struct file *f, uaddr_t buf, size_t len)
{
    struct pipe *pp = f->pipe;
    if (!len)
        return 0;
    long host = pp->len || !f->fifo_host ? 0 : fifo_host_fill(f);
    if (!pp->len) {
        if (!pp->writers && host != -LINUX_EAGAIN)
            return 0;
        if (f->status & LINUX_O_NONBLOCK)
            return -LINUX_EAGAIN;
        fifo_block(s, f, POLLIN);
        return 0;
    }
    size_t n = min_size(len, pp->len);
    size_t first = min_size(PIPE_BUF_SIZE - pp->head, n);
    if (copy_out(s, buf, pp->buf + pp->head, first) < 0 ||
        copy_out(s, buf + first, pp->buf, n - first) < 0)
        return -LINUX_EFAULT;
    pp->head = (pp->head + n) % PIPE_BUF_SIZE;
    pp->len -= n;
    pp->gen++;
    proc_wake_all(s->emu);
    return (long)n;
}

/* A blocking write of more than PIPE_BUF bytes waits until all of it is
 * in the pipe (a reader makes room); p->io_done carries what earlier
 * rounds moved.  A signal ends it with that count (signal.c), a closed
 * reader with it too.  Inside writev each piece is written as far as it
 * goes: the vector loop decides. */
long pipe_write(struct sys *s, struct file *f, uaddr_t buf, size_t len)
{
    struct pipe *pp = f->pipe;
    struct proc *p = s->p;
    size_t done = s->vectored ? 0 : p->io_done; /* writev keeps its own count */
    if (!s->vectored)
        p->io_done = 0;
    if (!pp->readers && f->fifo_host && !s->vectored)
        return fifo_host_write(s, f, buf, len);
    if (!pp->readers) {
        raise_sigpipe(s);
        return done ? (long)done : -LINUX_EPIPE;
    }
    if (done >= len)
        return (long)len;
    buf += done;
    len -= done;
    size_t room = PIPE_BUF_SIZE - pp->len;
    bool nonblock = f->status & LINUX_O_NONBLOCK;
    /* Writes of up to PIPE_BUF bytes are atomic. */
    if (!room || (len <= LINUX_PIPE_BUF && room < len)) {
        if (nonblock)
            return done ? (long)done : -LINUX_EAGAIN;
        if (!s->vectored)
            p->io_done = done;
        sys_wait_and_retry(s, false);
        return 0;
    }
    size_t n = min_size(len, room);
    size_t tail = (pp->head + pp->len) % PIPE_BUF_SIZE;
    size_t first = min_size(PIPE_BUF_SIZE - tail, n);
    if (copy_in(s, pp->buf + tail, buf, first) < 0 ||
        copy_in(s, pp->buf, buf + first, n - first) < 0)
        return done ? (long)done : -LINUX_EFAULT;
    pp->len += n;
    pp->gen++;
    proc_wake_all(s->emu);
    if (n < len && !nonblock && !s->vectored) {
        p->io_done = done + n;
        sys_wait_and_retry(s, false);
        return 0;
    }
    return (long)(done + n);
}

/* Both ends of a new pipe, their descriptors written to fildes (two
 * ints); on failure nothing stays installed. */
static long do_pipe(struct sys *s, uaddr_t fildes, int flags)
{
    if (flags & ~(LINUX_O_CLOEXEC | LINUX_O_NONBLOCK | LINUX_O_DIRECT))
        return -LINUX_EINVAL;
    struct pipe *pp = calloc(1, sizeof *pp);
    uint8_t *buf = malloc(PIPE_BUF_SIZE);
    struct file *r = file_new(FILE_PIPE_READ), *w = file_new(FILE_PIPE_WRITE);
    if (!pp || !buf || !r || !w) {
        free(pp);
        free(buf);
        free(r);
        free(w);
        return -LINUX_ENOMEM;
    }
    pp->buf = buf;
    pp->readers = pp->writers = 1;
    pp->ino = file_next_ino(s->emu);
    r->pipe = w->pipe = pp;
    r->status = LINUX_O_RDONLY | (flags & LINUX_O_NONBLOCK);
    w->status = LINUX_O_WRONLY | (flags & LINUX_O_NONBLOCK);
    strcpy(r->path, "pipe:");
    strcpy(w->path, "pipe:");
    bool cloexec = flags & LINUX_O_CLOEXEC;
    int rfd = install_fd(s->p, r, cloexec, 0);
    if (rfd < 0) {
        file_put(w);
        return rfd;
    }
    int wfd = install_fd(s->p, w, cloexec, 0);
    if (wfd < 0) {
        s->p->fds->file[rfd] = NULL;
        file_put(r);
        return wfd;
    }
    int32_t fds[2] = {rfd, wfd};
    if (copy_out(s, fildes, fds, sizeof fds) < 0) {
        s->p->fds->file[rfd] = s->p->fds->file[wfd] = NULL;
        file_put(r);
        file_put(w);
        return -LINUX_EFAULT;
    }
    return 0;
}

long sys_pipe(struct sys *s, uaddr_t fildes)
{
    return do_pipe(s, fildes, 0);
}

long sys_pipe2(struct sys *s, uaddr_t fildes, int flags)
{
    return do_pipe(s, fildes, flags);
}
