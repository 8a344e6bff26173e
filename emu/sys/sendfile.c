/*
 * sendfile.c - sendfile: bytes of a host file to a socket or another
 * host file, through a bounce buffer, without the guest's memory.  A
 * socket that takes part of them ends the call with that part (the file
 * position, or *offset, says how far it got); one that takes none
 * blocks as a send blocks.  Other kinds of file are EINVAL, which
 * programs take as the sign to copy with read and write.
 */
#include "emu/sys/sock.h"

#include <stdlib.h>
#include <unistd.h>

#define CHUNK 65536

static bool is_socket(const struct file *f)
{
    return f->kind == FILE_OPS && f->ops == &sock_file_ops;
}

/* n bytes of buf to out: what it took, -errno, or 0 blocked. */
static long put(struct sys *s, struct file *out, const uint8_t *buf, size_t n, bool more)
{
    if (is_socket(out))
        return sock_send_kernel(s, out, buf, n, more);
    int64_t at = out->is_reg ? (int64_t)lseek(out->hostfd, 0, SEEK_CUR) : -1;
    ssize_t w = write(out->hostfd, buf, n);
    if (w < 0)
        return host_err();
    if (at >= 0)
        vm_file_written(s->emu->vm, out->dev, out->ino, (uint64_t)at, buf, (size_t)w);
    return w;
}

static long check(struct file *in, struct file *out)
{
    if (!in || !out)
        return -LINUX_EBADF;
    if ((in->status & LINUX_O_ACCMODE) == LINUX_O_WRONLY || (out->status & LINUX_O_ACCMODE) == LINUX_O_RDONLY)
        return -LINUX_EBADF;
    if (in->kind != FILE_HOST || in->is_dir || (!is_socket(out) && out->kind != FILE_HOST))
        return -LINUX_EINVAL;
    return (out->status & LINUX_O_APPEND) ? -LINUX_EINVAL : 0;
}

long sys_sendfile(struct sys *s, int out_fd, int in_fd, uaddr_t offset, size_t count)
{
    struct file *in = fd_file(s->p, in_fd), *out = fd_file(s->p, out_fd);
    long err = check(in, out);
    int64_t off = -1;
    if (!err && offset && copy_in(s, &off, offset, sizeof off) < 0)
        err = -LINUX_EFAULT;
    if (!err && offset && off < 0)
        err = -LINUX_EINVAL;
    uint8_t *buf = err ? NULL : malloc(CHUNK);
    if (!err && !buf)
        err = -LINUX_ENOMEM;
    if (count > LINUX_MAX_RW_COUNT)
        count = LINUX_MAX_RW_COUNT;
    size_t done = 0;
    if (!err && in->is_reg)
        vm_file_sync(s->emu->vm, in->dev, in->ino, 0, UINT64_MAX);
    while (!err && done < count) {
        size_t want = count - done < CHUNK ? count - done : CHUNK;
        ssize_t n = offset ? pread(in->hostfd, buf, want, off + (int64_t)done) : read(in->hostfd, buf, want);
        if (n <= 0) {
            err = n < 0 ? host_err() : 0;
            break;
        }
        long w = put(s, out, buf, (size_t)n, done > 0);
        long took = w > 0 ? w : 0;
        if (!offset && took < n)
            lseek(in->hostfd, took - n, SEEK_CUR); /* what was not sent is read again */
        if (w <= 0) {
            err = w;
            break;
        }
        done += (size_t)w;
        if (w < n)
            break;
    }
    free(buf);
    if (s->no_return)
        return 0;
    if (offset && done) {
        off += (int64_t)done;
        if (copy_out(s, offset, &off, sizeof off) < 0)
            return -LINUX_EFAULT;
    }
    return done ? (long)done : err;
}
