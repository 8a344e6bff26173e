/*
 * xattr.c - reading extended attributes (getxattr, listxattr and their l
 * and f forms) from the host file found inside the root: ls -l asks for
 * ACLs and security labels.  Setting them is not supported.
 */
#include "emu/sys/fd.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/xattr.h>
#include <unistd.h>

#define XATTR_MAX 65536 /* bytes read in one call */
#define XATTR_NAME_MAX 255

/* name NULL: list the names; else get that attribute's value.  Into the
 * guest's buffer at out (size bytes; 0 asks for the size only). */
static long xattr_read(struct sys *s, int hostfd, const char *name, uaddr_t out, size_t size)
{
    size_t len = size > XATTR_MAX ? XATTR_MAX : size;
    char *buf = malloc(len ? len : 1);
    if (!buf)
        return -LINUX_ENOMEM;
    char path[32];
    host_fd_path(hostfd, path);
    ssize_t r = name ? getxattr(path, name, len ? buf : NULL, len) : listxattr(path, len ? buf : NULL, len);
    long ret = r < 0 ? host_err() : (long)r;
    if (r > 0 && len && copy_out(s, out, buf, (size_t)r) < 0)
        ret = -LINUX_EFAULT;
    free(buf);
    return ret;
}

static long xattr_get(struct sys *s, int hostfd, uaddr_t uname, uaddr_t value, size_t size)
{
    char name[XATTR_NAME_MAX + 1];
    long n = vm_copy_str_in(s->p->mm, name, uname, sizeof name);
    if (n < 0)
        return n == -LINUX_ENAMETOOLONG ? -LINUX_ERANGE : -LINUX_EFAULT;
    return xattr_read(s, hostfd, name, value, size);
}

/* uname 0: list (the name is not read). */
static long xattr_on_path(struct sys *s, uaddr_t upath, bool nofollow, uaddr_t uname, uaddr_t out,
                          size_t size, bool list)
{
    int h = path_open(s, LINUX_AT_FDCWD, upath, O_PATH | (nofollow ? O_NOFOLLOW : 0));
    if (h < 0)
        return h;
    long r = list ? xattr_read(s, h, NULL, out, size) : xattr_get(s, h, uname, out, size);
    close(h);
    /* A symlink itself has no user-visible attributes to read through O_PATH. */
    return r == -LINUX_ELOOP ? -LINUX_ENODATA : r;
}

long sys_getxattr(struct sys *s, uaddr_t pathname, uaddr_t name, uaddr_t value, size_t size)
{
    return xattr_on_path(s, pathname, false, name, value, size, false);
}

long sys_lgetxattr(struct sys *s, uaddr_t pathname, uaddr_t name, uaddr_t value, size_t size)
{
    return xattr_on_path(s, pathname, true, name, value, size, false);
}

long sys_listxattr(struct sys *s, uaddr_t pathname, uaddr_t list, size_t size)
{
    return xattr_on_path(s, pathname, false, 0, list, size, true);
}

long sys_llistxattr(struct sys *s, uaddr_t pathname, uaddr_t list, size_t size)
{
    return xattr_on_path(s, pathname, true, 0, list, size, true);
}

long sys_fgetxattr(struct sys *s, int fd, uaddr_t name, uaddr_t value, size_t size)
{
    long err;
    struct file *f = host_file(s, fd, &err);
    return f ? xattr_get(s, f->hostfd, name, value, size) : err;
}

long sys_flistxattr(struct sys *s, int fd, uaddr_t list, size_t size)
{
    long err;
    struct file *f = host_file(s, fd, &err);
    return f ? xattr_read(s, f->hostfd, NULL, list, size) : err;
}
