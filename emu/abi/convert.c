/*
 * convert.c - host structures to guest layouts (see convert.h).
 */
#include "emu/abi/convert.h"

#include <errno.h>
#include <linux/falloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h> /* RENAME_* */
#include <string.h>
#include <sys/file.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

/* faultline passes these numbers between guest and host unchanged. */
#define SAME(name) _Static_assert(LINUX_##name == name, #name " differs on this host")

SAME(EPERM); SAME(ENOENT); SAME(ESRCH); SAME(EINTR); SAME(EIO); SAME(ENXIO);
SAME(E2BIG); SAME(ENOEXEC); SAME(EBADF); SAME(ECHILD); SAME(EAGAIN); SAME(ENOMEM);
SAME(EACCES); SAME(EFAULT); SAME(EBUSY); SAME(EEXIST); SAME(EXDEV); SAME(ENODEV);
SAME(ENOTDIR); SAME(EISDIR); SAME(EINVAL); SAME(ENFILE); SAME(EMFILE); SAME(ENOTTY);
SAME(EFBIG); SAME(ENOSPC); SAME(ESPIPE); SAME(EROFS); SAME(EMLINK); SAME(EPIPE);
SAME(EDOM); SAME(ERANGE); SAME(EDEADLK); SAME(ENAMETOOLONG); SAME(ENOLCK);
SAME(ENOSYS); SAME(ENOTEMPTY); SAME(ELOOP); SAME(ENODATA); SAME(EOVERFLOW);
SAME(EOPNOTSUPP); SAME(ETIMEDOUT); SAME(EHOSTDOWN);

SAME(O_ACCMODE); SAME(O_RDONLY); SAME(O_WRONLY); SAME(O_RDWR); SAME(O_CREAT);
SAME(O_EXCL); SAME(O_NOCTTY); SAME(O_TRUNC); SAME(O_APPEND); SAME(O_NONBLOCK);
SAME(O_DSYNC); SAME(O_ASYNC); SAME(O_DIRECT); SAME(O_DIRECTORY); SAME(O_NOFOLLOW);
SAME(O_NOATIME); SAME(O_CLOEXEC); SAME(O_SYNC); SAME(O_PATH); SAME(O_TMPFILE);
/* glibc defines O_LARGEFILE as 0 on 64-bit hosts: the kernel's bit passes
 * through to openat2 unchanged, as the guest meant it. */

SAME(AT_FDCWD); SAME(AT_SYMLINK_NOFOLLOW); SAME(AT_EACCESS); SAME(AT_REMOVEDIR);
SAME(AT_SYMLINK_FOLLOW); SAME(AT_EMPTY_PATH);
SAME(F_OK); SAME(X_OK); SAME(W_OK); SAME(R_OK);
SAME(SEEK_SET); SAME(SEEK_CUR); SAME(SEEK_END);
SAME(F_RDLCK); SAME(F_WRLCK); SAME(F_UNLCK); /* struct flock's l_type */
SAME(LOCK_SH); SAME(LOCK_EX); SAME(LOCK_NB); SAME(LOCK_UN);
SAME(RENAME_NOREPLACE); SAME(RENAME_EXCHANGE); SAME(RENAME_WHITEOUT);

SAME(S_IFMT); SAME(S_IFSOCK); SAME(S_IFLNK); SAME(S_IFREG); SAME(S_IFBLK);
SAME(S_IFDIR); SAME(S_IFCHR); SAME(S_IFIFO);
_Static_assert(S_ISUID == 04000 && S_ISGID == 02000 && S_ISVTX == 01000 && S_IRWXU == 0700 &&
               S_IRWXG == 070 && S_IRWXO == 07, "permission bits differ on this host");

SAME(POLLIN); SAME(POLLPRI); SAME(POLLOUT); SAME(POLLERR); SAME(POLLHUP); SAME(POLLNVAL);

SAME(FALLOC_FL_KEEP_SIZE); SAME(FALLOC_FL_PUNCH_HOLE); SAME(FALLOC_FL_COLLAPSE_RANGE);
SAME(FALLOC_FL_ZERO_RANGE); SAME(FALLOC_FL_INSERT_RANGE);

/* kernel/ still names some guest values with the host's constants (the
 * clock ids clock_read takes, signal numbers, AT_FDCWD): the system calls
 * hand it LINUX_ values, which these make the same. */
SAME(CLOCK_REALTIME); SAME(CLOCK_MONOTONIC); SAME(CLOCK_PROCESS_CPUTIME_ID);
SAME(CLOCK_THREAD_CPUTIME_ID); SAME(CLOCK_MONOTONIC_RAW); SAME(CLOCK_REALTIME_COARSE);
SAME(CLOCK_MONOTONIC_COARSE); SAME(CLOCK_BOOTTIME); SAME(CLOCK_REALTIME_ALARM);
SAME(CLOCK_BOOTTIME_ALARM); SAME(CLOCK_TAI);
SAME(SIGHUP); SAME(SIGINT); SAME(SIGQUIT); SAME(SIGILL); SAME(SIGTRAP); SAME(SIGABRT);
SAME(SIGBUS); SAME(SIGFPE); SAME(SIGKILL); SAME(SIGUSR1); SAME(SIGSEGV); SAME(SIGUSR2);
SAME(SIGPIPE); SAME(SIGALRM); SAME(SIGTERM); SAME(SIGSTKFLT); SAME(SIGCHLD); SAME(SIGCONT);
SAME(SIGSTOP); SAME(SIGTSTP); SAME(SIGTTIN); SAME(SIGTTOU); SAME(SIGURG); SAME(SIGXCPU);
SAME(SIGXFSZ); SAME(SIGVTALRM); SAME(SIGPROF); SAME(SIGWINCH); SAME(SIGIO); SAME(SIGPWR);
SAME(SIGSYS);

int linux_errno_from_host(int err) { return err; }
int host_open_flags_from_linux(int flags) { return flags; }
int linux_open_flags_from_host(int flags) { return flags; }
unsigned host_mode_from_linux(unsigned mode) { return mode; }
unsigned linux_mode_from_host(unsigned mode) { return mode; }
short host_poll_events_from_linux(short events) { return events; }
short linux_poll_events_from_host(short events) { return events; }
int host_at_flags_from_linux(int flags) { return flags; }
int host_access_mode_from_linux(int mode) { return mode; }
int host_whence_from_linux(int whence) { return whence; }
unsigned host_rename_flags_from_linux(unsigned flags) { return flags; }
int host_fallocate_mode_from_linux(int mode) { return mode; }

static struct linux_timespec ts(struct timespec t)
{
    return (struct linux_timespec){.sec = t.tv_sec, .nsec = t.tv_nsec};
}

void linux_stat_from_host(struct linux_stat *out, const struct stat *st)
{
    memset(out, 0, sizeof *out);
    out->dev = st->st_dev;
    out->ino = st->st_ino;
    out->nlink = st->st_nlink;
    out->mode = linux_mode_from_host(st->st_mode);
    out->uid = st->st_uid;
    out->gid = st->st_gid;
    out->rdev = st->st_rdev;
    out->size = st->st_size;
    out->blksize = st->st_blksize;
    out->blocks = st->st_blocks;
    out->atime = ts(st->st_atim);
    out->mtime = ts(st->st_mtim);
    out->ctime = ts(st->st_ctim);
}

static struct linux_statx_timestamp sxts(struct timespec t)
{
    return (struct linux_statx_timestamp){.sec = t.tv_sec, .nsec = (uint32_t)t.tv_nsec};
}

void linux_statx_from_host(struct linux_statx *out, const struct stat *st)
{
    memset(out, 0, sizeof *out);
    out->mask = LINUX_STATX_BASIC_STATS;
    out->blksize = (uint32_t)st->st_blksize;
    out->nlink = (uint32_t)st->st_nlink;
    out->uid = st->st_uid;
    out->gid = st->st_gid;
    out->mode = (uint16_t)linux_mode_from_host(st->st_mode);
    out->ino = st->st_ino;
    out->size = (uint64_t)st->st_size;
    out->blocks = (uint64_t)st->st_blocks;
    out->atime = sxts(st->st_atim);
    out->mtime = sxts(st->st_mtim);
    out->ctime = sxts(st->st_ctim);
    out->rdev_major = major(st->st_rdev);
    out->rdev_minor = minor(st->st_rdev);
    out->dev_major = major(st->st_dev);
    out->dev_minor = minor(st->st_dev);
}

void linux_statfs_from_host(struct linux_statfs *out, const struct statfs *st)
{
    memset(out, 0, sizeof *out);
    out->type = st->f_type;
    out->bsize = st->f_bsize;
    out->blocks = st->f_blocks;
    out->bfree = st->f_bfree;
    out->bavail = st->f_bavail;
    out->files = st->f_files;
    out->ffree = st->f_ffree;
    memcpy(out->fsid, &st->f_fsid, sizeof out->fsid);
    out->namelen = st->f_namelen;
    out->frsize = st->f_frsize;
    out->flags = st->f_flags;
}
