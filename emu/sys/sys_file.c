/*
 * sys_file.c - descriptors and I/O: open, read/write (host files through a
 * bounce buffer, guest pipes in the emulator), stat, ioctl, fcntl, dup,
 * pipe, poll/select.  Guest memory is reached only through copy_in and
 * copy_out, which fault like the CPU (mode kernel).
 */
#include "emu/kernel/fs.h"
#include "emu/sys/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#define CHUNK 65536

struct file *file_from_host(struct emu *emu, int hostfd, int flags, const char *path)
{
    struct file *f = file_new(FILE_HOST);
    if (!f) {
        close(hostfd);
        return NULL;
    }
    f->hostfd = hostfd;
    f->status = flags & (O_ACCMODE | O_APPEND | O_NONBLOCK);
    struct stat st;
    if (fstat(hostfd, &st) == 0) {
        f->is_dir = S_ISDIR(st.st_mode);
        f->is_reg = S_ISREG(st.st_mode);
        f->dev = (uint64_t)st.st_dev;
        f->ino = (uint64_t)st.st_ino;
    }
    fs_note_path(emu, f, path);
    return f;
}

static int install_fd(struct proc *p, struct file *f, bool cloexec, int min)
{
    int fd = fd_alloc(p, min);
    if (fd < 0) {
        file_put(f);
        return fd;
    }
    p->fds->file[fd] = f;
    p->fds->cloexec[fd] = cloexec;
    return fd;
}

static long do_open(struct sys *s, int dirfd, uint64_t upath, int flags, unsigned mode)
{
    char path[PATH_MAX], abs[PATH_MAX];
    long err = sys_path_in(s, upath, path);
    if (err < 0)
        return err;
    if (!path[0])
        return -ENOENT;
    err = fs_guest_path(s->p, dirfd, path, abs, sizeof abs);
    if (err < 0)
        return err;
    int perr;
    struct file *f = fs_proc_file(s->emu, s->p, abs, &perr);
    if (f && f->kind == FILE_MEM && (flags & O_ACCMODE) != O_RDONLY) {
        file_put(f); /* /proc/self/maps and the like are read-only */
        return -EACCES;
    }
    if (f)
        return install_fd(s->p, f, flags & O_CLOEXEC, 0);
    if (perr)
        return perr;
    int h = fs_open(s->emu, s->p, dirfd, path, flags & ~O_CLOEXEC, mode & ~s->p->umask & 07777);
    if (h < 0)
        return h;
    f = file_from_host(s->emu, h, flags, abs);
    if (!f)
        return -ENOMEM;
    if ((flags & O_TRUNC) && f->is_reg)
        vm_object_resized(s->emu->vm, f->hostfd);
    return install_fd(s->p, f, flags & O_CLOEXEC, 0);
}

SYS(open) { return do_open(s, AT_FDCWD, s->a[0], (int)s->a[1], (unsigned)s->a[2]); }
SYS(openat) { return do_open(s, (int)s->a[0], s->a[1], (int)s->a[2], (unsigned)s->a[3]); }
SYS(creat) { return do_open(s, AT_FDCWD, s->a[0], O_CREAT | O_WRONLY | O_TRUNC, (unsigned)s->a[1]); }

SYS(close)
{
    struct proc *p = s->p;
    int fd = (int)s->a[0];
    struct file *f = fd_file(p, fd);
    if (!f)
        return -EBADF;
    p->fds->file[fd] = NULL;
    p->fds->cloexec[fd] = false;
    bool pipe = f->kind == FILE_PIPE_READ || f->kind == FILE_PIPE_WRITE;
    file_put(f);
    if (pipe)
        proc_wake_all(s->emu); /* an end closed: readers see EOF, writers EPIPE */
    return 0;
}

/* --- pipes ------------------------------------------------------------------------------- */

static long pipe_read(struct sys *s, struct file *f, uint64_t buf, size_t len)
{
    struct pipe *pp = f->pipe;
    if (!len)
        return 0;
    if (!pp->len) {
        if (!pp->writers)
            return 0;
        if (f->status & O_NONBLOCK)
            return -EAGAIN;
        sys_wait_and_retry(s, false);
        return 0;
    }
    size_t n = len < pp->len ? len : pp->len;
    size_t first = PIPE_BUF_SIZE - pp->head < n ? PIPE_BUF_SIZE - pp->head : n;
    if (copy_out(s, buf, pp->buf + pp->head, first) < 0 ||
        copy_out(s, buf + first, pp->buf, n - first) < 0)
        return -EFAULT;
    pp->head = (pp->head + n) % PIPE_BUF_SIZE;
    pp->len -= n;
    proc_wake_all(s->emu);
    return (long)n;
}

/* A blocking write of more than PIPE_BUF bytes waits until all of it is
 * in the pipe (a reader makes room); p->io_done carries what earlier
 * rounds moved.  A signal ends it with that count (signal.c), a closed
 * reader with it too.  Inside writev each piece is written as far as it
 * goes: the vector loop decides. */
static long pipe_write(struct sys *s, struct file *f, uint64_t buf, size_t len)
{
    struct pipe *pp = f->pipe;
    struct proc *p = s->p;
    size_t done = s->vectored ? 0 : p->io_done; /* writev keeps its own count */
    if (!s->vectored)
        p->io_done = 0;
    if (!pp->readers) {
        struct ksiginfo si = {.signo = 13 /* SIGPIPE */, .pid = p->pid};
        proc_signal(s->emu, p, &si);
        s->stop = true;
        return done ? (long)done : -EPIPE;
    }
    if (done >= len)
        return (long)len;
    buf += done;
    len -= done;
    size_t room = PIPE_BUF_SIZE - pp->len;
    /* Writes of up to PIPE_BUF (4096) bytes are atomic. */
    if (!room || (len <= 4096 && room < len)) {
        if (f->status & O_NONBLOCK)
            return done ? (long)done : -EAGAIN;
        if (!s->vectored)
            p->io_done = done;
        sys_wait_and_retry(s, false);
        return 0;
    }
    size_t n = len < room ? len : room;
    size_t tail = (pp->head + pp->len) % PIPE_BUF_SIZE;
    size_t first = PIPE_BUF_SIZE - tail < n ? PIPE_BUF_SIZE - tail : n;
    if (copy_in(s, pp->buf + tail, buf, first) < 0 ||
        copy_in(s, pp->buf, buf + first, n - first) < 0)
        return done ? (long)done : -EFAULT;
    pp->len += n;
    proc_wake_all(s->emu);
    if (n < len && !(f->status & O_NONBLOCK) && !s->vectored) {
        p->io_done = done + n;
        sys_wait_and_retry(s, false);
        return 0;
    }
    return (long)(done + n);
}

/* --- read and write ----------------------------------------------------------------------- */

/* A character device that always has more (/dev/zero, /dev/urandom),
 * not a terminal: a read of it is served whole, as Linux does. */
static bool endless_device(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && !isatty(fd);
}

static long host_read(struct sys *s, struct file *f, uint64_t buf, size_t len, int64_t off)
{
    if (f->is_dir)
        return -EISDIR;
    if (f->is_reg)
        vm_file_sync(s->emu->vm, f->dev, f->ino);
    uint8_t *tmp = malloc(CHUNK);
    if (!tmp)
        return -ENOMEM;
    size_t done = 0;
    long ret = 0;
    while (done < len) {
        size_t want = len - done < CHUNK ? len - done : CHUNK;
        ssize_t n = off >= 0 ? pread(f->hostfd, tmp, want, off + (int64_t)done)
                             : read(f->hostfd, tmp, want);
        if (n < 0) {
            ret = -errno;
            break;
        }
        if (copy_out(s, buf + done, tmp, (size_t)n) < 0) {
            ret = -EFAULT;
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

static long host_write(struct sys *s, struct file *f, uint64_t buf, size_t len, int64_t off)
{
    uint8_t *tmp = malloc(CHUNK);
    if (!tmp)
        return -ENOMEM;
    size_t done = 0;
    long ret = 0;
    while (done < len) {
        size_t want = len - done < CHUNK ? len - done : CHUNK;
        if (copy_in(s, tmp, buf + done, want) < 0) {
            ret = -EFAULT;
            break;
        }
        int64_t at = off >= 0 ? off + (int64_t)done
                     : f->is_reg ? (int64_t)lseek(f->hostfd, 0, (f->status & O_APPEND) ? SEEK_END : SEEK_CUR)
                                 : -1;
        ssize_t n = off >= 0 ? pwrite(f->hostfd, tmp, want, at) : write(f->hostfd, tmp, want);
        if (n < 0) {
            ret = -errno;
            if (errno == EPIPE) {
                struct ksiginfo si = {.signo = 13, .pid = s->p->pid};
                proc_signal(s->emu, s->p, &si);
                s->stop = true;
            }
            break;
        }
        if (f->is_reg && at >= 0)
            vm_file_written(s->emu->vm, f->dev, f->ino, (uint64_t)at, tmp, (size_t)n);
        done += (size_t)n;
        if ((size_t)n < want)
            break;
    }
    free(tmp);
    return done ? (long)done : ret;
}

static long file_read(struct sys *s, struct file *f, uint64_t buf, size_t len, int64_t off)
{
    if ((f->status & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    switch (f->kind) {
    case FILE_PIPE_READ:
        return off >= 0 ? -ESPIPE : pipe_read(s, f, buf, len);
    case FILE_PIPE_WRITE:
        return -EBADF;
    case FILE_MEM: {
        size_t pos = off >= 0 ? (size_t)off : f->pos;
        size_t n = pos < f->memlen ? f->memlen - pos : 0;
        if (n > len)
            n = len;
        if (copy_out(s, buf, f->mem + pos, n) < 0)
            return -EFAULT;
        if (off < 0)
            f->pos = pos + n;
        return (long)n;
    }
    default:
        return host_read(s, f, buf, len, off);
    }
}

static long file_write(struct sys *s, struct file *f, uint64_t buf, size_t len, int64_t off)
{
    if ((f->status & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    switch (f->kind) {
    case FILE_PIPE_WRITE:
        return off >= 0 ? -ESPIPE : pipe_write(s, f, buf, len);
    case FILE_HOST:
        return host_write(s, f, buf, len, off);
    default:
        return -EBADF;
    }
}

static size_t clamp_len(uint64_t len)
{
    return len > 0x7ffff000 ? 0x7ffff000 : (size_t)len;
}

SYS(read)
{
    struct file *f = fd_file(s->p, (int)s->a[0]);
    return f ? file_read(s, f, s->a[1], clamp_len(s->a[2]), -1) : -EBADF;
}

SYS(write)
{
    struct file *f = fd_file(s->p, (int)s->a[0]);
    return f ? file_write(s, f, s->a[1], clamp_len(s->a[2]), -1) : -EBADF;
}

SYS(pread64)
{
    struct file *f = fd_file(s->p, (int)s->a[0]);
    if (!f)
        return -EBADF;
    return (int64_t)s->a[3] < 0 ? -EINVAL : file_read(s, f, s->a[1], clamp_len(s->a[2]), (int64_t)s->a[3]);
}

SYS(pwrite64)
{
    struct file *f = fd_file(s->p, (int)s->a[0]);
    if (!f)
        return -EBADF;
    return (int64_t)s->a[3] < 0 ? -EINVAL : file_write(s, f, s->a[1], clamp_len(s->a[2]), (int64_t)s->a[3]);
}

/* readv and writev, a piece at a time.  A blocking writev to a pipe is
 * written whole, like write(): p->io_done counts what earlier rounds
 * moved, and the retry skips that much of the vector. */
static long vector_io(struct sys *s, bool write)
{
    struct proc *p = s->p;
    struct file *f = fd_file(p, (int)s->a[0]);
    if (!f)
        return -EBADF;
    int n = (int)s->a[2];
    if (n < 0 || n > LINUX_IOV_MAX)
        return -EINVAL;
    bool whole = write && f->kind == FILE_PIPE_WRITE && !(f->status & O_NONBLOCK);
    uint64_t skip = whole ? p->io_done : 0;
    p->io_done = 0;
    long total = (long)skip;
    s->vectored = true;
    for (int i = 0; i < n; i++) {
        uint64_t iov[2];
        if (copy_in(s, iov, s->a[1] + (uint64_t)i * 16, 16) < 0)
            return total ? total : -EFAULT;
        uint64_t len = clamp_len(iov[1]);
        if (skip >= len) {
            skip -= len;
            continue;
        }
        uint64_t base = iov[0] + skip;
        len -= skip;
        skip = 0;
        long r = write ? file_write(s, f, base, len, -1) : file_read(s, f, base, len, -1);
        if (s->no_return) {
            /* It would block: a whole write waits on, others return
             * what moved, or wait if nothing did. */
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

SYS(readv) { return vector_io(s, false); }
SYS(writev) { return vector_io(s, true); }

SYS(lseek)
{
    struct file *f = fd_file(s->p, (int)s->a[0]);
    if (!f)
        return -EBADF;
    if (f->kind == FILE_PIPE_READ || f->kind == FILE_PIPE_WRITE)
        return -ESPIPE;
    if (f->kind == FILE_MEM) {
        int64_t base = s->a[2] == SEEK_SET ? 0 : s->a[2] == SEEK_CUR ? (int64_t)f->pos
                       : s->a[2] == SEEK_END ? (int64_t)f->memlen : -1;
        int64_t at = base + (int64_t)s->a[1];
        if (base < 0 || at < 0)
            return -EINVAL;
        f->pos = (size_t)at;
        return at;
    }
    off_t r = lseek(f->hostfd, (off_t)s->a[1], (int)s->a[2]);
    return r < 0 ? -errno : r;
}

/* --- stat ---------------------------------------------------------------------------------- */

static long stat_out(struct sys *s, uint64_t addr, const struct stat *st)
{
    return copy_out(s, addr, st, sizeof *st) < 0 ? -EFAULT : 0;
}

static long fstat_file(struct file *f, struct stat *st)
{
    memset(st, 0, sizeof *st);
    switch (f->kind) {
    case FILE_HOST:
        return fstat(f->hostfd, st) < 0 ? -errno : 0;
    case FILE_MEM:
        st->st_mode = f->is_dir ? S_IFDIR | 0555 : S_IFREG | 0444;
        st->st_nlink = f->is_dir ? 2 : 1;
        st->st_blksize = 4096;
        return 0;
    default:
        st->st_mode = S_IFIFO | 0600;
        st->st_nlink = 1;
        st->st_blksize = 4096;
        st->st_ino = (ino_t)f->pipe->ino;
        return 0;
    }
}

SYS(fstat)
{
    struct file *f = fd_file(s->p, (int)s->a[0]);
    if (!f)
        return -EBADF;
    struct stat st;
    long err = fstat_file(f, &st);
    return err ? err : stat_out(s, s->a[1], &st);
}

/* stat of path from dirfd, following a final symlink unless nofollow. */
static long stat_path(struct sys *s, int dirfd, const char *path, bool nofollow, struct stat *st)
{
    char abs[PATH_MAX];
    long err = fs_guest_path(s->p, dirfd, path, abs, sizeof abs);
    if (err)
        return err;
    if (nofollow) {
        /* A guest's /proc links (fd/N, exe, cwd, root) are links to lstat;
         * /dev/stdin and /dev/fd are the host's own symlinks. */
        char target[PATH_MAX];
        long n = fs_proc_readlink(s->emu, s->p, abs, target, sizeof target);
        if (n >= 0) {
            memset(st, 0, sizeof *st);
            st->st_mode = S_IFLNK | 0777;
            st->st_nlink = 1;
            st->st_size = n;
            st->st_blksize = 4096;
            return 0;
        }
    }
    int perr;
    struct file *f = nofollow && strncmp(abs, "/dev/", 5) == 0 ? NULL
                                                               : fs_proc_file(s->emu, s->p, abs, &perr);
    if (f) {
        err = fstat_file(f, st);
        file_put(f);
        return err;
    }
    if (!(nofollow && strncmp(abs, "/dev/", 5) == 0) && perr)
        return perr;
    if (nofollow) {
        char base[NAME_MAX + 1];
        int dfd = fs_parent(s->emu, s->p, dirfd, path, base, sizeof base);
        if (dfd < 0)
            return dfd;
        err = fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
        close(dfd);
        return err;
    }
    int h = fs_open(s->emu, s->p, dirfd, path, O_PATH, 0);
    if (h < 0)
        return h;
    err = fstat(h, st) < 0 ? -errno : 0;
    close(h);
    return err;
}

static long do_stat(struct sys *s, int dirfd, uint64_t upath, uint64_t buf, int flags)
{
    char path[PATH_MAX];
    long err = sys_path_in(s, upath, path);
    if (err < 0)
        return err;
    struct stat st;
    if (!path[0]) {
        if (!(flags & AT_EMPTY_PATH))
            return -ENOENT;
        if (dirfd == AT_FDCWD)
            err = stat_path(s, AT_FDCWD, ".", false, &st);
        else {
            struct file *f = fd_file(s->p, dirfd);
            if (!f)
                return -EBADF;
            err = fstat_file(f, &st);
        }
    } else {
        err = stat_path(s, dirfd, path, flags & AT_SYMLINK_NOFOLLOW, &st);
    }
    return err ? err : stat_out(s, buf, &st);
}

SYS(stat) { return do_stat(s, AT_FDCWD, s->a[0], s->a[1], 0); }
SYS(lstat) { return do_stat(s, AT_FDCWD, s->a[0], s->a[1], AT_SYMLINK_NOFOLLOW); }
SYS(newfstatat) { return do_stat(s, (int)s->a[0], s->a[1], s->a[2], (int)s->a[3]); }

SYS(statx)
{
    int dirfd = (int)s->a[0], flags = (int)s->a[2];
    char path[PATH_MAX];
    long err = sys_path_in(s, s->a[1], path);
    if (err < 0)
        return err;
    struct stat st;
    if (!path[0]) {
        if (!(flags & AT_EMPTY_PATH))
            return -ENOENT;
        struct file *f = dirfd == AT_FDCWD ? NULL : fd_file(s->p, dirfd);
        if (dirfd != AT_FDCWD && !f)
            return -EBADF;
        err = f ? fstat_file(f, &st) : stat_path(s, AT_FDCWD, ".", false, &st);
    } else {
        err = stat_path(s, dirfd, path, flags & AT_SYMLINK_NOFOLLOW, &st);
    }
    if (err)
        return err;
    /* struct statx from struct stat: the basic fields. */
    struct {
        uint32_t mask, blksize;
        uint64_t attributes;
        uint32_t nlink, uid, gid;
        uint16_t mode, pad1;
        uint64_t ino, size, blocks, attributes_mask;
        struct { int64_t sec; uint32_t nsec; int32_t pad; } atime, btime, ctime, mtime;
        uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
        uint64_t spare[14];
    } sx;
    memset(&sx, 0, sizeof sx);
    sx.mask = 0x7ff; /* STATX_BASIC_STATS */
    sx.blksize = (uint32_t)st.st_blksize;
    sx.nlink = (uint32_t)st.st_nlink;
    sx.uid = st.st_uid;
    sx.gid = st.st_gid;
    sx.mode = (uint16_t)st.st_mode;
    sx.ino = st.st_ino;
    sx.size = (uint64_t)st.st_size;
    sx.blocks = (uint64_t)st.st_blocks;
    sx.atime.sec = st.st_atim.tv_sec;
    sx.atime.nsec = (uint32_t)st.st_atim.tv_nsec;
    sx.mtime.sec = st.st_mtim.tv_sec;
    sx.mtime.nsec = (uint32_t)st.st_mtim.tv_nsec;
    sx.ctime.sec = st.st_ctim.tv_sec;
    sx.ctime.nsec = (uint32_t)st.st_ctim.tv_nsec;
    sx.rdev_major = major(st.st_rdev);
    sx.rdev_minor = minor(st.st_rdev);
    sx.dev_major = major(st.st_dev);
    sx.dev_minor = minor(st.st_dev);
    return copy_out(s, s->a[4], &sx, sizeof sx) < 0 ? -EFAULT : 0;
}

/* --- ioctl and fcntl ------------------------------------------------------------------- */

/* Change the status flags in mask to those of flags (F_SETFL, FIONBIO),
 * on the host's file too. */
static void set_status(struct file *f, int mask, int flags)
{
    f->status = (f->status & ~mask) | (flags & mask);
    if (f->kind == FILE_HOST) {
        int hf = fcntl(f->hostfd, F_GETFL);
        if (hf >= 0)
            fcntl(f->hostfd, F_SETFL, (hf & ~mask) | (flags & mask));
    }
}

SYS(ioctl)
{
    struct file *f = fd_file(s->p, (int)s->a[0]);
    if (!f)
        return -EBADF;
    unsigned long req = (unsigned long)s->a[1];
    switch (req) {
    case FIOCLEX:
    case FIONCLEX:
        s->p->fds->cloexec[s->a[0]] = req == FIOCLEX;
        return 0;
    case FIONBIO:
    case FIOASYNC: {
        int32_t on;
        if (copy_in(s, &on, s->a[2], 4) < 0)
            return -EFAULT;
        if (req == FIOASYNC)
            return on ? -EINVAL : 0; /* SIGIO is not modelled */
        set_status(f, O_NONBLOCK, on ? O_NONBLOCK : 0);
        return 0;
    }
    case FIONREAD:
        if (f->kind == FILE_PIPE_READ) {
            int32_t n = (int32_t)f->pipe->len;
            return copy_out(s, s->a[2], &n, 4) < 0 ? -EFAULT : 0;
        }
        break;
    case TIOCGPGRP: {
        if (f->kind != FILE_HOST || !isatty(f->hostfd))
            return -ENOTTY;
        int32_t pg = s->p->pgid;
        return copy_out(s, s->a[2], &pg, 4) < 0 ? -EFAULT : 0;
    }
    case TIOCSPGRP:
        return f->kind == FILE_HOST && isatty(f->hostfd) ? 0 : -ENOTTY;
    default:
        break;
    }
    if (f->kind != FILE_HOST)
        return -ENOTTY;
    /* Terminal queries pass to the host tty (what a user sees). */
    switch (req) {
    case TCGETS: {
        struct termios t;
        if (ioctl(f->hostfd, TCGETS, &t) < 0)
            return -errno;
        return copy_out(s, s->a[2], &t, sizeof t) < 0 ? -EFAULT : 0;
    }
    case TCSETS:
    case TCSETSW:
    case TCSETSF: {
        struct termios t;
        if (copy_in(s, &t, s->a[2], sizeof t) < 0)
            return -EFAULT;
        return ioctl(f->hostfd, req, &t) < 0 ? -errno : 0;
    }
    case TIOCGWINSZ: {
        struct winsize w;
        if (ioctl(f->hostfd, TIOCGWINSZ, &w) < 0)
            return -errno;
        return copy_out(s, s->a[2], &w, sizeof w) < 0 ? -EFAULT : 0;
    }
    case FIONREAD: {
        int n = 0;
        if (ioctl(f->hostfd, FIONREAD, &n) < 0)
            return -errno;
        int32_t v = n;
        return copy_out(s, s->a[2], &v, 4) < 0 ? -EFAULT : 0;
    }
    default:
        return -ENOTTY;
    }
}

static long dup_to(struct sys *s, int oldfd, int newfd, bool cloexec)
{
    struct proc *p = s->p;
    struct file *f = fd_file(p, oldfd);
    if (!f)
        return -EBADF;
    if (newfd < 0 || newfd >= MAX_FDS)
        return -EBADF;
    if (oldfd == newfd)
        return newfd;
    struct file *old = p->fds->file[newfd];
    p->fds->file[newfd] = file_get(f);
    p->fds->cloexec[newfd] = cloexec;
    if (old) {
        bool pipe = old->kind == FILE_PIPE_READ || old->kind == FILE_PIPE_WRITE;
        file_put(old);
        if (pipe)
            proc_wake_all(s->emu);
    }
    return newfd;
}

SYS(dup)
{
    struct file *f = fd_file(s->p, (int)s->a[0]);
    return f ? install_fd(s->p, file_get(f), false, 0) : -EBADF;
}

SYS(dup2)
{
    if ((int)s->a[0] == (int)s->a[1])
        return fd_file(s->p, (int)s->a[0]) ? (long)(int)s->a[1] : -EBADF;
    return dup_to(s, (int)s->a[0], (int)s->a[1], false);
}

SYS(dup3)
{
    if ((int)s->a[0] == (int)s->a[1] || (s->a[2] & ~(uint64_t)O_CLOEXEC))
        return -EINVAL;
    return dup_to(s, (int)s->a[0], (int)s->a[1], s->a[2] & O_CLOEXEC);
}

SYS(fcntl)
{
    struct proc *p = s->p;
    int fd = (int)s->a[0];
    struct file *f = fd_file(p, fd);
    if (!f)
        return -EBADF;
    switch ((int)s->a[1]) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if ((int)s->a[2] < 0 || (int)s->a[2] >= MAX_FDS)
            return -EINVAL;
        return install_fd(p, file_get(f), (int)s->a[1] == F_DUPFD_CLOEXEC, (int)s->a[2]);
    case F_GETFD:
        return p->fds->cloexec[fd] ? FD_CLOEXEC : 0;
    case F_SETFD:
        p->fds->cloexec[fd] = s->a[2] & FD_CLOEXEC;
        return 0;
    case F_GETFL:
        return f->status | (f->kind == FILE_PIPE_WRITE ? O_WRONLY : 0);
    case F_SETFL:
        set_status(f, O_APPEND | O_NONBLOCK, (int)s->a[2]);
        return 0;
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
        return f->kind == FILE_HOST ? -EBADF : PIPE_BUF_SIZE;
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW: {
        if (f->kind != FILE_HOST)
            return -EBADF;
        struct flock fl;
        if (copy_in(s, &fl, s->a[2], sizeof fl) < 0)
            return -EFAULT;
        int cmd = (int)s->a[1] == F_SETLKW ? F_SETLK : (int)s->a[1];
        if (fcntl(f->hostfd, cmd, &fl) < 0)
            return -errno;
        return (int)s->a[1] == F_GETLK && copy_out(s, s->a[2], &fl, sizeof fl) < 0 ? -EFAULT : 0;
    }
    default:
        return -EINVAL;
    }
}

/* --- pipes ----------------------------------------------------------------------------------- */

static long do_pipe(struct sys *s, uint64_t addr, int flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
        return -EINVAL;
    struct pipe *pp = calloc(1, sizeof *pp);
    uint8_t *buf = malloc(PIPE_BUF_SIZE);
    struct file *r = file_new(FILE_PIPE_READ), *w = file_new(FILE_PIPE_WRITE);
    if (!pp || !buf || !r || !w) {
        free(pp);
        free(buf);
        free(r);
        free(w);
        return -ENOMEM;
    }
    pp->buf = buf;
    pp->readers = pp->writers = 1;
    pp->ino = 100000 + ++s->emu->pipes; /* the same on every run */
    r->pipe = w->pipe = pp;
    r->status = O_RDONLY | (flags & O_NONBLOCK);
    w->status = O_WRONLY | (flags & O_NONBLOCK);
    strcpy(r->path, "pipe:");
    strcpy(w->path, "pipe:");
    int rfd = install_fd(s->p, r, flags & O_CLOEXEC, 0);
    if (rfd < 0) {
        file_put(w);
        return rfd;
    }
    int wfd = install_fd(s->p, w, flags & O_CLOEXEC, 0);
    if (wfd < 0) {
        s->p->fds->file[rfd] = NULL;
        file_put(r);
        return wfd;
    }
    int32_t fds[2] = {rfd, wfd};
    if (copy_out(s, addr, fds, sizeof fds) < 0) {
        s->p->fds->file[rfd] = s->p->fds->file[wfd] = NULL;
        file_put(r);
        file_put(w);
        return -EFAULT;
    }
    return 0;
}

SYS(pipe) { return do_pipe(s, s->a[0], 0); }
SYS(pipe2) { return do_pipe(s, s->a[0], (int)s->a[1]); }

/* --- poll and select ---------------------------------------------------------------------- */

/* Ready events of one descriptor right now. */
static short poll_one(struct file *f, short events)
{
    if (!f)
        return POLLNVAL;
    short ready = 0;
    switch (f->kind) {
    case FILE_PIPE_READ:
        if (f->pipe->len)
            ready |= POLLIN;
        if (!f->pipe->writers)
            ready |= POLLHUP;
        break;
    case FILE_PIPE_WRITE:
        if (!f->pipe->readers)
            ready |= POLLERR;
        else if (f->pipe->len < PIPE_BUF_SIZE)
            ready |= POLLOUT;
        break;
    case FILE_MEM:
        ready = POLLIN | POLLOUT;
        break;
    case FILE_HOST: {
        struct pollfd pf = {f->hostfd, events, 0};
        if (poll(&pf, 1, 0) > 0)
            ready = pf.revents;
        break;
    }
    }
    return ready & (events | POLLERR | POLLHUP | POLLNVAL);
}

/* Wait for events on fds: returns the number ready, 0 on timeout, or
 * blocks (the call is retried) while another guest process may act.  A
 * finite timeout is a deadline on the guest's clock (sys_wait_until): with
 * nobody left to make a pipe ready, the fixed clock jumps to it.  Only
 * descriptors of the host (a terminal, a host pipe) make the host wait,
 * and only when no guest process can run.  A handler ends the wait with
 * EINTR, as poll is never restarted. */
static long do_poll(struct sys *s, struct pollfd *pf, size_t n, int64_t timeout_ns)
{
    long ready = 0;
    size_t host = 0;
    for (size_t i = 0; i < n; i++) {
        struct file *f = pf[i].fd < 0 ? NULL : fd_file(s->p, pf[i].fd);
        pf[i].revents = pf[i].fd < 0 ? 0 : poll_one(f, pf[i].events);
        ready += pf[i].revents != 0;
        host += f && f->kind == FILE_HOST;
    }
    if (ready)
        return ready;
    if (s->p->sig.pending & ~s->p->sig.blocked) {
        s->stop = true; /* a signal ppoll's or pselect's mask lets in */
        return -EINTR;
    }
    if (timeout_ns == 0)
        return 0;
    if (!host || emu_others_runnable(s->emu, s->p)) {
        if (timeout_ns < 0)
            sys_wait_and_retry(s, true);
        else if (sys_wait_until(s, (uint64_t)timeout_ns, true))
            return 0;
        s->p->host_wait = host > 0; /* when all others block, wait on the host */
        return 0;
    }
    /* Nobody else can run: wait on the host's descriptors for real. */
    struct pollfd hp[64];
    size_t map[64], hn = 0;
    for (size_t i = 0; i < n && hn < 64; i++) {
        struct file *f = pf[i].fd < 0 ? NULL : fd_file(s->p, pf[i].fd);
        if (f && f->kind == FILE_HOST) {
            hp[hn] = (struct pollfd){f->hostfd, pf[i].events, 0};
            map[hn++] = i;
        }
    }
    /* The call's own deadline, and the scheduler's (a timer or another
     * process's timed wait, with --real-time): whichever comes first. */
    struct proc *p = s->p;
    uint64_t now = emu_monotonic(s->emu);
    if (timeout_ns >= 0 && !p->wake_at)
        p->wake_at = now + (uint64_t)timeout_ns;
    uint64_t until = timeout_ns >= 0 ? p->wake_at : UINT64_MAX;
    bool cut = s->emu->poll_until && s->emu->poll_until < until;
    if (cut)
        until = s->emu->poll_until;
    int64_t ms = until == UINT64_MAX ? -1 : until <= now ? 0 : (int64_t)((until - now + 999999) / 1000000);
    int r = poll(hp, (nfds_t)hn, ms > INT32_MAX ? INT32_MAX : (int)ms);
    if (r < 0 && errno == EINTR && !s->emu->timed_out)
        cut = true, r = 0; /* faultline's own deadline timer: wait on after it */
    if (r < 0)
        return errno == EINTR ? -EINTR : -errno;
    if (r == 0 && cut) {
        /* Something else is due first: wait on after it. */
        sys_wait_and_retry(s, true);
        p->host_wait = true;
        return 0;
    }
    p->wake_at = 0;
    for (size_t k = 0; k < hn; k++)
        pf[map[k]].revents = hp[k].revents;
    return r;
}

static long poll_common(struct sys *s, uint64_t ufds, uint64_t nfds, int64_t timeout_ns)
{
    if (nfds > MAX_FDS)
        return -EINVAL;
    struct pollfd *pf = calloc(nfds ? nfds : 1, sizeof *pf);
    if (!pf)
        return -ENOMEM;
    long r = copy_in(s, pf, ufds, nfds * sizeof *pf) < 0 ? -EFAULT : do_poll(s, pf, nfds, timeout_ns);
    if (r >= 0 && !s->no_return && copy_out(s, ufds, pf, nfds * sizeof *pf) < 0)
        r = -EFAULT;
    free(pf);
    return r;
}

SYS(poll)
{
    int timeout = (int)s->a[2];
    return poll_common(s, s->a[0], s->a[1], timeout < 0 ? -1 : timeout * 1000000LL);
}

/* A guest timespec (or timeval, with sub_per_sec = 1000000) as ns; -1
 * when addr is NULL (wait for ever).  Rejects what Linux rejects. */
static long timeout_in(struct sys *s, uint64_t addr, int64_t sub_per_sec, int64_t *ns)
{
    *ns = -1;
    if (!addr)
        return 0;
    int64_t t[2];
    if (copy_in(s, t, addr, sizeof t) < 0)
        return -EFAULT;
    if (t[0] < 0 || t[1] < 0 || t[1] >= sub_per_sec)
        return -EINVAL;
    int64_t cap = INT64_MAX / 1000000000 - 1; /* still fits in ns */
    *ns = (t[0] > cap ? cap : t[0]) * 1000000000 + t[1] * (1000000000 / sub_per_sec);
    return 0;
}

SYS(ppoll)
{
    int64_t ns;
    long err = timeout_in(s, s->a[2], 1000000000, &ns);
    if (!err && s->a[3])
        err = signal_wait_mask(s, s->a[3], s->a[4]);
    if (err)
        return err;
    long r = poll_common(s, s->a[0], s->a[1], ns);
    signal_wait_mask_end(s, r);
    return r;
}

static long select_common(struct sys *s, int nfds, uint64_t rset, uint64_t wset, uint64_t eset,
                          int64_t ns)
{
    if (nfds < 0 || nfds > MAX_FDS)
        return -EINVAL;
    uint64_t r[MAX_FDS / 64] = {0}, w[MAX_FDS / 64] = {0}, e[MAX_FDS / 64] = {0};
    size_t bytes = (size_t)(nfds + 63) / 64 * 8;
    if ((rset && copy_in(s, r, rset, bytes) < 0) || (wset && copy_in(s, w, wset, bytes) < 0) ||
        (eset && copy_in(s, e, eset, bytes) < 0))
        return -EFAULT;
    struct pollfd pf[MAX_FDS];
    size_t n = 0;
    for (int fd = 0; fd < nfds; fd++) {
        short ev = (short)(((r[fd / 64] >> (fd % 64)) & 1 ? POLLIN : 0) |
                           ((w[fd / 64] >> (fd % 64)) & 1 ? POLLOUT : 0));
        if (ev || (e[fd / 64] >> (fd % 64)) & 1) {
            if (!fd_file(s->p, fd))
                return -EBADF;
            pf[n++] = (struct pollfd){fd, ev, 0};
        }
    }
    long ready = do_poll(s, pf, n, ns);
    if (ready < 0 || s->no_return)
        return ready;
    memset(r, 0, sizeof r);
    memset(w, 0, sizeof w);
    memset(e, 0, sizeof e);
    long count = 0;
    for (size_t i = 0; i < n; i++) {
        int fd = pf[i].fd;
        if (pf[i].revents & (POLLIN | POLLHUP | POLLERR) && (pf[i].events & POLLIN))
            r[fd / 64] |= 1ULL << (fd % 64), count++;
        if (pf[i].revents & (POLLOUT | POLLERR) && (pf[i].events & POLLOUT))
            w[fd / 64] |= 1ULL << (fd % 64), count++;
    }
    if ((rset && copy_out(s, rset, r, bytes) < 0) || (wset && copy_out(s, wset, w, bytes) < 0) ||
        (eset && copy_out(s, eset, e, bytes) < 0))
        return -EFAULT;
    return count;
}

/* select and pselect6 write back the time left, as Linux does. */
static long select_time_left(struct sys *s, uint64_t addr, int64_t ns, long r, int64_t sub_per_sec)
{
    if (r < 0 || s->no_return || !addr)
        return r;
    uint64_t now = emu_monotonic(s->emu), left = (uint64_t)ns;
    if (s->p->wake_at) /* woken before the deadline */
        left = s->p->wake_at == WAKE_NEVER ? left : s->p->wake_at > now ? s->p->wake_at - now : 0;
    else if (r == 0)
        left = 0; /* timed out */
    int64_t t[2] = {(int64_t)(left / 1000000000), (int64_t)(left % 1000000000) / (1000000000 / sub_per_sec)};
    return copy_out(s, addr, t, sizeof t) < 0 ? -EFAULT : r;
}

SYS(select)
{
    int64_t ns;
    long err = timeout_in(s, s->a[4], 1000000, &ns);
    if (err)
        return err;
    long r = select_common(s, (int)s->a[0], s->a[1], s->a[2], s->a[3], ns);
    return ns > 0 ? select_time_left(s, s->a[4], ns, r, 1000000) : r;
}

SYS(pselect6)
{
    int64_t ns;
    long err = timeout_in(s, s->a[4], 1000000000, &ns);
    uint64_t sm[2] = {0, 0}; /* { const sigset_t *, size_t } */
    if (!err && s->a[5] && copy_in(s, sm, s->a[5], sizeof sm) < 0)
        err = -EFAULT;
    if (!err && sm[0])
        err = signal_wait_mask(s, sm[0], sm[1]);
    if (err)
        return err;
    long r = select_common(s, (int)s->a[0], s->a[1], s->a[2], s->a[3], ns);
    signal_wait_mask_end(s, r);
    return ns > 0 ? select_time_left(s, s->a[4], ns, r, 1000000000) : r;
}
