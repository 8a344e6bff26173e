/*
 * readdir.c - getdents64: the host directory's entries, or a generated
 * /proc directory's, or /proc's own (the guest's processes).
 */
#include "emu/kernel/procsys.h"
#include "emu/sys/fd.h"

#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DIRENT_MAX 65536 /* bytes read in one call */

long sys_getdents64(struct sys *s, unsigned int fd, uaddr_t dirent, unsigned int count)
{
    long err;
    struct file *f = fd_file(s->p, (int)fd);
    bool mem = f && f->kind == FILE_MEM;
    if (mem && !f->is_dir)
        return -LINUX_ENOTDIR;
    if (!mem && !(f = host_file(s, (int)fd, &err)))
        return err;
    size_t len = count > DIRENT_MAX ? DIRENT_MAX : count;
    char *buf = malloc(len ? len : 1);
    if (!buf)
        return -LINUX_ENOMEM;
    /* The host's records are the kernel's struct linux_dirent64 already. */
    long n;
    if (mem)
        n = fs_mem_getdents(s->emu, f, buf, len);
    else if (procsys_is_root(f))
        n = procsys_root_getdents(s->emu, f, buf, len);
    else if ((n = syscall(SYS_getdents64, f->hostfd, buf, len)) < 0)
        n = host_err();
    if (n > 0 && copy_out(s, dirent, buf, (size_t)n) < 0)
        n = -LINUX_EFAULT;
    free(buf);
    return n;
}
