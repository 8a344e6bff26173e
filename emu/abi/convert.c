/*
 * convert.c - host structures to guest layouts (see convert.h).
 */
#include "emu/abi/convert.h"

#include <string.h>
#include <sys/sysmacros.h>

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
    out->mode = st->st_mode;
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
    out->mask = 0x7ff; /* STATX_BASIC_STATS */
    out->blksize = (uint32_t)st->st_blksize;
    out->nlink = (uint32_t)st->st_nlink;
    out->uid = st->st_uid;
    out->gid = st->st_gid;
    out->mode = (uint16_t)st->st_mode;
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

void linux_flock_from_host(struct linux_flock *out, const struct flock *fl)
{
    memset(out, 0, sizeof *out);
    out->type = fl->l_type;
    out->whence = fl->l_whence;
    out->start = fl->l_start;
    out->len = fl->l_len;
    out->pid = fl->l_pid;
}

void host_flock_from_linux(struct flock *out, const struct linux_flock *fl)
{
    memset(out, 0, sizeof *out);
    out->l_type = fl->type;
    out->l_whence = fl->whence;
    out->l_start = fl->start;
    out->l_len = fl->len;
    out->l_pid = fl->pid;
}
