/*
 * fd.h - what the descriptor calls share: installing and dropping a
 * guest descriptor, host files behind one, status flags, pipe transfers,
 * and host paths of guest paths.
 */
#ifndef FAULTLINE_SYS_FD_H
#define FAULTLINE_SYS_FD_H

#include "emu/kernel/fs.h"
#include "emu/sys/sys.h"

#include <string.h>

/* open.c: put f (one reference, given) at the lowest free descriptor >=
 * min of p, with close-on-exec as asked; the descriptor, or -EMFILE with
 * f put. */
int install_fd(struct proc *p, struct file *f, bool cloexec, int min);
/* A new FILE_OPS file of ops with state priv (one allocation, the
 * file's from here on: freed on failure), read-write, non-blocking and
 * close-on-exec as flags' LINUX_O_NONBLOCK and LINUX_O_CLOEXEC say, at
 * the lowest free descriptor: the descriptor or -errno. */
long install_ops(struct sys *s, const struct file_ops *ops, void *priv, int flags);
/* A descriptor of s->p closed: drop its reference to f and the POSIX
 * locks s->p held on f's file; an end of a
 * pipe (or a FILE_OPS file) closing wakes its readers (EOF) and writers
 * (EPIPE). */
void fd_drop(struct sys *s, struct file *f);
/* The host file behind guest descriptor fd, or NULL with *err -EBADF
 * (no such descriptor) or -EINVAL (a pipe or generated file). */
struct file *host_file(struct sys *s, int fd, long *err);
/* fcntl.c: change the guest status flags (LINUX_O_*) in mask to those of
 * flags (F_SETFL, FIONBIO), on the host's file too. */
void set_status(struct file *f, int mask, int flags);

/* lock.c: fcntl's F_GETLK, F_SETLK, F_SETLKW and their F_OFD_ forms on
 * f (record at arg): 0 or -errno, or 0 with the call blocked. */
long file_lock(struct sys *s, struct file *f, int cmd, uaddr_t arg);
/* p closed a descriptor of f: its POSIX locks on f's file go. */
void lock_closed(struct emu *emu, struct proc *p, struct file *f);

/* The last part of path: what traces call a file's pages. */
static inline const char *path_base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* pipe.c: a transfer between guest memory and a pipe's buffer; bytes
 * moved or -errno, or 0 with the call set to block and retry. */
long pipe_read(struct sys *s, struct file *f, uaddr_t buf, size_t len);
long pipe_write(struct sys *s, struct file *f, uaddr_t buf, size_t len);
/* SIGPIPE to the caller, as a write with no reader left raises; the CPU
 * stops to deliver it. */
void raise_sigpipe(struct sys *s);

/* fifo.c: the open of a host FIFO a guest path named (h, a host fd of
 * it: open for I/O non-blocking when io, else O_PATH; owned): joins the
 * FIFO's in-emulator pipe.  The descriptor, -ENXIO (O_WRONLY|O_NONBLOCK
 * and no reader), or 0 with the call blocked until the other side
 * opens. */
long fifo_open(struct sys *s, int h, bool io, int flags, const char *abs);
/* A FIFO end reading an empty pipe: bring in what a host writer wrote;
 * bytes now buffered, 0 when no host writer is there, -EAGAIN when one
 * is but has written nothing. */
long fifo_host_fill(struct file *f);
/* Block a pipe transfer or FIFO open of f; a FIFO end with a host side
 * waits on the host for events when no guest process can run. */
void fifo_block(struct sys *s, struct file *f, short events);
/* A FIFO end with no guest reader: write to the host reader. */
long fifo_host_write(struct sys *s, struct file *f, uaddr_t buf, size_t len);

/* select.c: the events (LINUX_POLL*) of events that f, a descriptor of
 * p, is ready for now (POLLNVAL for no file). */
short poll_ready(struct proc *p, struct file *f, short events);
/* Wait for events on the n descriptors of pf (revents filled): the number
 * ready, 0 on timeout (timeout_ns, -1: none), or 0 with the call set to
 * block and be retried. */
long poll_wait(struct sys *s, struct linux_pollfd *pf, size_t n, int64_t timeout_ns);
/* epoll.c: is any descriptor epoll f watches ready? */
bool epoll_ready(struct proc *p, struct file *f);

/* namei.c: the guest path at upath opened inside the root with host open
 * flags (O_PATH and the like); a host fd (the caller closes it) or -errno. */
int path_open(struct sys *s, int dirfd, uaddr_t upath, int hostflags);
/* "/proc/self/fd/N": the host's path of its own descriptor fd, to act on
 * an O_PATH descriptor with calls that take a path. */
void host_fd_path(int fd, char buf[static 32]);

/* A FILE_HOST file for a host fd just opened for guest path (owns hostfd). */
struct file *file_from_host(struct emu *emu, int hostfd, int flags, const char *path);

#endif
