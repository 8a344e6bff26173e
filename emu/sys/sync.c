/*
 * sync.c - fsync, fdatasync, syncfs and sync: dirty MAP_SHARED pages
 * reach their files first (vm/), then the host syncs its own.
 */
#include "emu/sys/fd.h"

#include <unistd.h>

static long sync_fd(struct sys *s, int fd, bool data_only)
{
    long err;
    struct file *f = host_file(s, fd, &err);
    if (!f)
        return err;
    if (f->is_reg)
        vm_file_sync(s->emu->vm, f->dev, f->ino, 0, UINT64_MAX);
    return (data_only ? fdatasync(f->hostfd) : fsync(f->hostfd)) < 0 ? host_err() : 0;
}

long sys_fsync(struct sys *s, unsigned int fd)
{
    return sync_fd(s, (int)fd, false);
}

long sys_fdatasync(struct sys *s, unsigned int fd)
{
    return sync_fd(s, (int)fd, true);
}

long sys_syncfs(struct sys *s, int fd)
{
    return sync_fd(s, fd, false);
}

/* Every dirty MAP_SHARED page reaches its file (the host then has the
 * bytes; its own writeback is the host's business). */
long sys_sync(struct sys *s)
{
    vm_sync_all(s->emu->vm);
    return 0;
}
