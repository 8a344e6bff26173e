/*
 * read_write.c - read, write, pread64, pwrite64, readv, writev, lseek.
 * Host files go through a bounce buffer, guest pipes through pipe.c,
 * generated files from their memory.  Guest memory is reached only
 * through copy_in and copy_out, which fault like the CPU (mode kernel).
 */
#include "emu/sys/fd.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK 65536

/* A character device that always has more (/dev/zero, /dev/urandom),
 * not a terminal: a read of it is served whole, as Linux does. */
static bool endless_device(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && !isatty(fd);
}

/* len bytes moved at off of f: the page cache learns of them, as Linux's
 * read() and write() go through it. */
static void through_cache(struct sys *s, struct file *f, int64_t off, size_t len)
{
    if (f->is_reg && off >= 0)
        vm_file_cache(s->emu->vm, f->hostfd, path_base(f->path), (uint64_t)off, len);
}

/* off < 0: at the file's position. */
static long host_read(struct sys *s, struct file *f, uaddr_t buf, size_t len, int64_t off)
{
    if (f->is_dir)
        return -LINUX_EISDIR;
    /* Where the bytes come from, for the page cache (-1: no regular file). */
    int64_t at = off >= 0 ? off : f->is_reg ? (int64_t)lseek(f->hostfd, 0, SEEK_CUR) : -1;
    if (f->is_reg && at >= 0)
        vm_file_sync(s->emu->vm, f->dev, f->ino, (uint64_t)at, len);
    uint8_t *tmp = malloc(CHUNK);
    if (!tmp)
        return -LINUX_ENOMEM;
    size_t done = 0;
    long ret = 0;
    while (done < len) {
        size_t want = len - done < CHUNK ? len - done : CHUNK;
        ssize_t n = off >= 0 ? pread(f->hostfd, tmp, want, off + (int64_t)done)
                             : read(f->hostfd, tmp, want);
        if (n < 0) {
            ret = host_err();
            break;
        }
        if (at >= 0 && n > 0)
            through_cache(s, f, at + (int64_t)done, (size_t)n);
        if (copy_out(s, buf + done, tmp, (size_t)n) < 0) {
            ret = -LINUX_EFAULT;
            break;
        }
        done += (size_t)n;
        if ((size_t)n < want)
            break; /* short read: a tty or pipe gave what it had */
        if (!f->is_reg && !endless_device(f->hostfd))
            break; /* a pipe or tty may have nothing more: never wait for it */
    }
    free(tmp);
    return done ? (long)done : ret;
}

/* Where the next write to f lands (a regular file), for the page cache;
 * -1 when it does not matter. */
static int64_t host_write_at(struct file *f, int64_t off, size_t done)
{
    if (off >= 0)
        return off + (int64_t)done;
    if (!f->is_reg)
        return -1;
    return (int64_t)lseek(f->hostfd, 0, (f->status & LINUX_O_APPEND) ? SEEK_END : SEEK_CUR);
}

static long host_write(struct sys *s, struct file *f, uaddr_t buf, size_t len, int64_t off)
{
    uint8_t *tmp = malloc(CHUNK);
    if (!tmp)
        return -LINUX_ENOMEM;
    size_t done = 0;
    long ret = 0;
    while (done < len) {
        size_t want = len - done < CHUNK ? len - done : CHUNK;
        if (copy_in(s, tmp, buf + done, want) < 0) {
            ret = -LINUX_EFAULT;
            break;
        }
        int64_t at = host_write_at(f, off, done);
        ssize_t n = off >= 0 ? pwrite(f->hostfd, tmp, want, at) : write(f->hostfd, tmp, want);
        if (n < 0) {
            ret = host_err();
            if (ret == -LINUX_EPIPE)
                raise_sigpipe(s);
            break;
        }
        if (f->is_reg && at >= 0) {
            vm_file_written(s->emu->vm, f->dev, f->ino, (uint64_t)at, tmp, (size_t)n);
            through_cache(s, f, at, (size_t)n);
        }
        done += (size_t)n;
        if ((size_t)n < want)
            break;
    }
    free(tmp);
    return done ? (long)done : ret;
}

static long mem_read(struct sys *s, struct file *f, uaddr_t buf, size_t len, int64_t off)
{
    size_t pos = off >= 0 ? (size_t)off : f->pos;
    fs_mem_refresh(s->emu, f, pos);
    size_t n = pos < f->memlen ? f->memlen - pos : 0;
    if (n > len)
        n = len;
    if (copy_out(s, buf, f->mem + pos, n) < 0)
        return -LINUX_EFAULT;
    if (off < 0)
        f->pos = pos + n;
    return (long)n;
}

static long file_read(struct sys *s, struct file *f, uaddr_t buf, size_t len, int64_t off)
{
    if ((f->status & LINUX_O_ACCMODE) == LINUX_O_WRONLY)
        return -LINUX_EBADF;
    switch (f->kind) {
    case FILE_PIPE_READ:
        return off >= 0 ? -LINUX_ESPIPE : pipe_read(s, f, buf, len);
    case FILE_PIPE_WRITE:
        return -LINUX_EBADF;
    case FILE_MEM:
        return mem_read(s, f, buf, len, off);
    case FILE_EPOLL:
        return -LINUX_EINVAL;
    case FILE_OPS:
        return off >= 0 ? -LINUX_ESPIPE : f->ops->read ? f->ops->read(s, f, buf, len) : -LINUX_EINVAL;
    case FILE_HOST:
        return host_read(s, f, buf, len, off);
    }
    return -LINUX_EBADF;
}

static long file_write(struct sys *s, struct file *f, uaddr_t buf, size_t len, int64_t off)
{
    if ((f->status & LINUX_O_ACCMODE) == LINUX_O_RDONLY)
        return -LINUX_EBADF;
    switch (f->kind) {
    case FILE_PIPE_WRITE:
    case FILE_PIPE_READ: /* a FIFO opened O_RDWR (the access mode let it here) */
        return off >= 0 ? -LINUX_ESPIPE : pipe_write(s, f, buf, len);
    case FILE_HOST:
        return host_write(s, f, buf, len, off);
    case FILE_EPOLL:
        return -LINUX_EINVAL;
    case FILE_OPS:
        return off >= 0 ? -LINUX_ESPIPE : f->ops->write ? f->ops->write(s, f, buf, len) : -LINUX_EINVAL;
    default:
        return -LINUX_EBADF;
    }
}

static size_t clamp_len(uint64_t len)
{
    return len > LINUX_MAX_RW_COUNT ? LINUX_MAX_RW_COUNT : (size_t)len;
}

long sys_read(struct sys *s, unsigned int fd, uaddr_t buf, size_t count)
{
    struct file *f = fd_file(s->p, (int)fd);
    return f ? file_read(s, f, buf, clamp_len(count), -1) : -LINUX_EBADF;
}

long sys_write(struct sys *s, unsigned int fd, uaddr_t buf, size_t count)
{
    struct file *f = fd_file(s->p, (int)fd);
    return f ? file_write(s, f, buf, clamp_len(count), -1) : -LINUX_EBADF;
}

long sys_pread64(struct sys *s, unsigned int fd, uaddr_t buf, size_t count, int64_t pos)
{
    struct file *f = fd_file(s->p, (int)fd);
    if (!f)
        return -LINUX_EBADF;
    return pos < 0 ? -LINUX_EINVAL : file_read(s, f, buf, clamp_len(count), pos);
}

long sys_pwrite64(struct sys *s, unsigned int fd, uaddr_t buf, size_t count, int64_t pos)
{
    struct file *f = fd_file(s->p, (int)fd);
    if (!f)
        return -LINUX_EBADF;
    return pos < 0 ? -LINUX_EINVAL : file_write(s, f, buf, clamp_len(count), pos);
}

/* A piece of a vector would block (the call is set to retry): a whole
 * write waits on, others return what moved, or wait if nothing did. */
static long vector_blocked(struct sys *s, long total, bool whole)
{
    struct proc *p = s->p;
    if (total && whole) {
        p->io_done = (uint64_t)total;
        return 0;
    }
    if (total) {
        s->no_return = false;
        p->restart = false;
        p->state = PROC_RUNNABLE;
        s->stop = false;
        return total;
    }
    return 0;
}

/* readv and writev, a piece at a time.  A blocking writev to a pipe is
 * written whole, like write(): p->io_done counts what earlier rounds
 * moved, and the retry skips that much of the vector. */
static long vector_io(struct sys *s, int fd, uaddr_t vec, int n, bool write)
{
    struct proc *p = s->p;
    struct file *f = fd_file(p, fd);
    if (!f)
        return -LINUX_EBADF;
    if (n < 0 || n > LINUX_IOV_MAX)
        return -LINUX_EINVAL;
    if (f->kind == FILE_OPS && f->ops->rw_vec)
        return f->ops->rw_vec(s, f, vec, n, write);
    bool whole = write && f->kind == FILE_PIPE_WRITE && !(f->status & LINUX_O_NONBLOCK);
    uint64_t skip = whole ? p->io_done : 0;
    p->io_done = 0;
    long total = (long)skip;
    s->vectored = true;
    for (int i = 0; i < n; i++) {
        struct linux_iovec iov;
        if (copy_in(s, &iov, vec + (uint64_t)i * sizeof iov, sizeof iov) < 0)
            return total ? total : -LINUX_EFAULT;
        uint64_t len = clamp_len(iov.len);
        if (skip >= len) {
            skip -= len;
            continue;
        }
        uint64_t base = iov.base + skip;
        len -= skip;
        skip = 0;
        long r = write ? file_write(s, f, base, len, -1) : file_read(s, f, base, len, -1);
        if (s->no_return)
            return vector_blocked(s, total, whole);
        if (r < 0)
            return total ? total : r;
        total += r;
        if ((uint64_t)r < len) {
            if (whole) {
                p->io_done = (uint64_t)total;
                sys_wait_and_retry(s, false);
                return 0;
            }
            break;
        }
    }
    return total;
}

/* vlen is read as an int, as faultline always has: a count with high
 * bits set is its low 32 bits. */
long sys_readv(struct sys *s, unsigned long fd, uaddr_t vec, unsigned long vlen)
{
    return vector_io(s, (int)fd, vec, (int)vlen, false);
}

long sys_writev(struct sys *s, unsigned long fd, uaddr_t vec, unsigned long vlen)
{
    return vector_io(s, (int)fd, vec, (int)vlen, true);
}

long sys_lseek(struct sys *s, unsigned int fd, int64_t offset, unsigned int whence)
{
    struct file *f = fd_file(s->p, (int)fd);
    if (!f)
        return -LINUX_EBADF;
    /* Anonymous inodes (epoll, eventfd, timerfd, signalfd) take any seek
     * and stay at 0; pipes and sockets refuse it. */
    if (f->kind == FILE_EPOLL || (f->kind == FILE_OPS && !f->ops->mode))
        return 0;
    if (f->kind == FILE_PIPE_READ || f->kind == FILE_PIPE_WRITE || f->kind == FILE_OPS)
        return -LINUX_ESPIPE;
    if (f->kind == FILE_MEM) {
        int64_t base = whence == LINUX_SEEK_SET ? 0
                       : whence == LINUX_SEEK_CUR ? (int64_t)f->pos
                       : whence == LINUX_SEEK_END ? (int64_t)f->memlen
                                                  : -1;
        int64_t at = base + offset;
        if (base < 0 || at < 0)
            return -LINUX_EINVAL;
        f->pos = (size_t)at;
        return at;
    }
    off_t r = lseek(f->hostfd, (off_t)offset, host_whence_from_linux((int)whence));
    if (r == 0)
        f->pos = 0; /* /proc's listing starts again (procsys.c) */
    return r < 0 ? host_err() : r;
}
