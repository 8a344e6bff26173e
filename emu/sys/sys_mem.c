/*
 * sys_mem.c - the memory calls: brk, the mmap family, mprotect, madvise,
 * mremap, msync, mincore.  Arguments are validated first (Linux's
 * errors), then vm/ does the work.
 */
#include "emu/kernel/fs.h"
#include "emu/sys/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#define LINUX_MAP_KNOWN                                                                       \
    (LINUX_MAP_TYPE | LINUX_MAP_FIXED | LINUX_MAP_ANONYMOUS | LINUX_MAP_GROWSDOWN | LINUX_MAP_DENYWRITE |    \
     LINUX_MAP_EXECUTABLE | LINUX_MAP_LOCKED | LINUX_MAP_NORESERVE | LINUX_MAP_POPULATE | LINUX_MAP_NONBLOCK | \
     LINUX_MAP_STACK | LINUX_MAP_HUGETLB | LINUX_MAP_SYNC | LINUX_MAP_FIXED_NOREPLACE)


static uint64_t page_up(uint64_t v)
{
    return (v + VM_PAGE_SIZE - 1) & VM_PAGE_MASK;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

SYS(brk)
{
    return (long)vm_brk(s->p->mm, s->a[0]);
}

/* Fault in every page now (MAP_POPULATE), as kernel-mode accesses. */
static void populate(struct vm_mm *mm, uint64_t addr, uint64_t len, bool write)
{
    for (uint64_t a = addr; a < addr + len; a += VM_PAGE_SIZE)
        if (vm_touch(mm, a, write ? VM_PROT_WRITE : VM_PROT_READ, VM_KERNEL) < 0)
            break;
}

SYS(mmap)
{
    struct vm_mm *mm = s->p->mm;
    uint64_t addr = s->a[0], len = s->a[1], off = s->a[5];
    unsigned prot = (unsigned)s->a[2];
    uint64_t flags = s->a[3];
    int fd = (int)s->a[4];
    unsigned type = flags & LINUX_MAP_TYPE;
    if (!len || (prot & ~7u) || (off & ~VM_PAGE_MASK))
        return -EINVAL;
    if (type != LINUX_MAP_SHARED && type != LINUX_MAP_PRIVATE && type != LINUX_MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (type == LINUX_MAP_SHARED_VALIDATE && (flags & ~(uint64_t)LINUX_MAP_KNOWN))
        return -EOPNOTSUPP;
    if (flags & LINUX_MAP_HUGETLB)
        return -EINVAL; /* no huge pages in this DRAM */
    len = page_up(len);
    if (!len || len > VM_USER_END)
        return -ENOMEM;
    bool shared = type != LINUX_MAP_PRIVATE;
    bool fixed = flags & (LINUX_MAP_FIXED | LINUX_MAP_FIXED_NOREPLACE);
    if (fixed && (addr & ~VM_PAGE_MASK))
        return -EINVAL;

    struct vm_object *obj = NULL;
    const char *name = shared ? "[shared]" : "[anon]";
    if (!(flags & LINUX_MAP_ANONYMOUS)) {
        struct file *f = fd_file(s->p, fd);
        if (!f)
            return -EBADF;
        if (f->kind != FILE_HOST || f->is_dir)
            return -ENODEV;
        int mode = f->status & O_ACCMODE;
        if (mode == O_WRONLY)
            return -EACCES;
        if (shared && (prot & VM_PROT_WRITE) && mode != O_RDWR)
            return -EACCES;
        if (off + len < off)
            return -EOVERFLOW;
        int err = 0;
        obj = vm_object_file(s->emu->vm, f->hostfd, base_name(f->path),
                             shared && mode == O_RDWR, &err);
        if (!obj)
            return err;
        name = base_name(f->path);
    } else if (shared) {
        obj = vm_object_anon_shared(s->emu->vm, len);
        if (!obj)
            return -ENOMEM;
        off = 0;
    } else {
        off = 0;
    }

    long ret;
    if (fixed) {
        if (!vm_range_free(mm, addr, len) && (flags & LINUX_MAP_FIXED_NOREPLACE)) {
            ret = -EEXIST;
            goto out;
        }
        if (addr < VM_MMAP_MIN) {
            ret = -EPERM; /* below vm.mmap_min_addr */
            goto out;
        }
        if (addr + len < addr || addr + len > VM_USER_END ||
            (addr < VM_RESERVED_END && addr + len > VM_RESERVED_START)) {
            ret = -ENOMEM;
            goto out;
        }
        vm_unmap(mm, addr, len);
    } else {
        addr = vm_find_free(mm, len, addr);
        if (!addr) {
            ret = -ENOMEM;
            goto out;
        }
    }
    unsigned aflags = (shared ? VM_AREA_SHARED : 0) |
                      (flags & LINUX_MAP_GROWSDOWN ? VM_AREA_GROWSDOWN : 0) |
                      (flags & LINUX_MAP_NORESERVE ? VM_AREA_NORESERVE : 0);
    ret = vm_map(mm, addr, len, prot, aflags, obj, off, name);
    if (ret == 0) {
        ret = (long)addr;
        if (flags & LINUX_MAP_POPULATE)
            populate(mm, addr, len, (prot & VM_PROT_WRITE) && !shared);
    } else if (ret == -EEXIST || ret == -EINVAL) {
        ret = -ENOMEM;
    }
out:
    if (obj)
        vm_object_put(obj);
    return ret;
}

SYS(munmap)
{
    if ((s->a[0] & ~VM_PAGE_MASK) || !s->a[1])
        return -EINVAL;
    int err = vm_unmap(s->p->mm, s->a[0], s->a[1]);
    return err == -EINVAL && s->a[0] + page_up(s->a[1]) > VM_USER_END ? -EINVAL : err;
}

SYS(mprotect)
{
    uint64_t prot = s->a[2] & ~(uint64_t)(LINUX_PROT_GROWSDOWN | LINUX_PROT_GROWSUP);
    if ((s->a[0] & ~VM_PAGE_MASK) || (prot & ~7ULL))
        return -EINVAL;
    return vm_protect(s->p->mm, s->a[0], s->a[1], (unsigned)prot);
}


SYS(madvise)
{
    uint64_t addr = s->a[0], len = page_up(s->a[1]);
    if (addr & ~VM_PAGE_MASK)
        return -EINVAL;
    if (!len)
        return 0;
    switch (s->a[2]) {
    case LINUX_MADV_DONTNEED:
    case LINUX_MADV_FREE:
    case LINUX_MADV_REMOVE:
        return vm_discard(s->p->mm, addr, len);
    default: {
        /* Advice about access patterns: accepted, with no effect on a
         * DRAM that has no read-ahead; the range must be mapped. */
        struct vm_area_info ai;
        for (uint64_t a = addr; a < addr + len; a = ai.end)
            if (!vm_area_at(s->p->mm, a, &ai))
                return -ENOMEM;
        return s->a[2] <= 100 ? 0 : -EINVAL;
    }
    }
}


SYS(mremap)
{
    struct vm_mm *mm = s->p->mm;
    uint64_t old = s->a[0], oldlen = page_up(s->a[1]), newlen = page_up(s->a[2]);
    uint64_t flags = s->a[3], fixed_at = s->a[4];
    if ((old & ~VM_PAGE_MASK) || !newlen || (flags & ~3ULL) ||
        ((flags & LINUX_MREMAP_FIXED) && !(flags & LINUX_MREMAP_MAYMOVE)))
        return -EINVAL;
    if (!oldlen)
        return -EINVAL; /* duplicating shared mappings is not supported */
    struct vm_area_info ai;
    if (!vm_area_at(mm, old, &ai) || ai.end < old + oldlen)
        return -EFAULT;
    if (flags & LINUX_MREMAP_FIXED) {
        if ((fixed_at & ~VM_PAGE_MASK) || (fixed_at < old + oldlen && old < fixed_at + newlen))
            return -EINVAL;
        vm_unmap(mm, fixed_at, newlen);
    } else if (newlen <= oldlen) {
        if (newlen < oldlen)
            vm_unmap(mm, old + newlen, oldlen - newlen);
        return (long)old;
    } else if (ai.end == old + oldlen) {
        /* Grow in place when the space after it is free. */
        if (vm_resize(mm, ai.start, old + newlen) == 0)
            return (long)old;
    }
    if (!(flags & LINUX_MREMAP_MAYMOVE))
        return -ENOMEM;
    uint64_t dest = (flags & LINUX_MREMAP_FIXED) ? fixed_at : vm_find_free(mm, newlen, 0);
    if (!dest)
        return -ENOMEM;
    if (newlen < oldlen) {
        vm_unmap(mm, old + newlen, oldlen - newlen); /* move only what stays */
        oldlen = newlen;
    }
    int err = vm_move(mm, old, oldlen, dest);
    if (err == -EHOSTDOWN) {
        /* Its pages moved but the host would not map them all: like a
         * fault the host refuses, the process cannot go on. */
        struct ksiginfo si = {.signo = 9 /* SIGKILL */, .code = CPU_SI_HOSTMAP, .addr = dest};
        proc_signal(s->emu, s->p, &si);
        s->stop = true;
        return -ENOMEM;
    }
    if (err)
        return err == -EFAULT ? -EFAULT : -ENOMEM;
    /* The moved area may have merged with a neighbour below dest: grow
     * the area that now ends at dest + oldlen. */
    if (newlen > oldlen && (!vm_area_at(mm, dest, &ai) || vm_resize(mm, ai.start, dest + newlen) < 0)) {
        vm_move(mm, dest, oldlen, old); /* no room after all (commit): put it back */
        return -ENOMEM;
    }
    return (long)dest;
}

SYS(msync)
{
    if ((s->a[0] & ~VM_PAGE_MASK) || (s->a[2] & ~7ULL) || (s->a[2] & 5) == 5)
        return -EINVAL;
    return vm_sync(s->p->mm, s->a[0], s->a[1]);
}

SYS(mincore)
{
    uint64_t addr = s->a[0], len = page_up(s->a[1]);
    if (addr & ~VM_PAGE_MASK)
        return -EINVAL;
    for (uint64_t a = addr; a < addr + len; a += VM_PAGE_SIZE) {
        struct vm_area_info ai;
        if (!vm_area_at(s->p->mm, a, &ai))
            return -ENOMEM;
        uint8_t in = (vm_pte(s->p->mm, a) & PTE_P) ? 1 : 0;
        if (copy_out(s, s->a[2] + (a - addr) / VM_PAGE_SIZE, &in, 1) < 0)
            return -EFAULT;
    }
    return 0;
}
