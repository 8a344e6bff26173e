/*
 * mmap.c - the address-space calls: brk, mmap, munmap, mprotect, mremap.
 * Arguments are validated first (Linux's errors), then vm/ does the work.
 */
#include "emu/kernel/fs.h"
#include "emu/sys/sys.h"

#include <stdlib.h>
#include <string.h>

#define LINUX_MAP_KNOWN                                                                        \
    (LINUX_MAP_TYPE | LINUX_MAP_FIXED | LINUX_MAP_ANONYMOUS | LINUX_MAP_GROWSDOWN |               \
     LINUX_MAP_DENYWRITE | LINUX_MAP_EXECUTABLE | LINUX_MAP_LOCKED | LINUX_MAP_NORESERVE |        \
     LINUX_MAP_POPULATE | LINUX_MAP_NONBLOCK | LINUX_MAP_STACK | LINUX_MAP_HUGETLB |              \
     LINUX_MAP_SYNC | LINUX_MAP_FIXED_NOREPLACE)

_Static_assert(LINUX_PAGE_SIZE == VM_PAGE_SIZE, "guest and vm/ pages differ");
_Static_assert(LINUX_MMAP_MIN_ADDR == VM_MMAP_MIN, "vm/ keeps the guest's mmap_min_addr");
_Static_assert(LINUX_PROT_READ == VM_PROT_READ && LINUX_PROT_WRITE == VM_PROT_WRITE &&
                   LINUX_PROT_EXEC == VM_PROT_EXEC,
               "vm/ protections are the guest's PROT_ bits");

/* A guest's PROT_ bits (validated: no others) as vm/'s. */
static unsigned vm_prot_from_linux(unsigned long prot)
{
    return (unsigned)prot;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* Bytes mapped in mm, and of them (*data) the private writable ones
 * but the stack, what Linux holds against RLIMIT_DATA. */
static uint64_t mapped_bytes(const struct vm_mm *mm, uint64_t *data)
{
    size_t n = vm_area_count(mm);
    struct vm_area_info *a = calloc(n ? n : 1, sizeof *a);
    n = a ? vm_areas(mm, a, n) : 0;
    uint64_t total = 0;
    *data = 0;
    for (size_t i = 0; i < n; i++) {
        total += a[i].end - a[i].start;
        if ((a[i].prot & VM_PROT_WRITE) && !(a[i].flags & (VM_AREA_SHARED | VM_AREA_GROWSDOWN)))
            *data += a[i].end - a[i].start;
    }
    free(a);
    return total;
}

/* Would growing mm by len bytes (private and writable: data) pass
 * RLIMIT_AS or RLIMIT_DATA? */
static bool over_limits(struct sys *s, uint64_t len, bool data)
{
    const struct linux_rlimit *rl = s->p->tg->rlim;
    if (rl[LINUX_RLIMIT_AS].cur == LINUX_RLIM_INFINITY &&
        (!data || rl[LINUX_RLIMIT_DATA].cur == LINUX_RLIM_INFINITY))
        return false;
    uint64_t dbytes, total = mapped_bytes(s->p->mm, &dbytes);
    return total + len > rl[LINUX_RLIMIT_AS].cur || (data && dbytes + len > rl[LINUX_RLIMIT_DATA].cur);
}

/* A growth past RLIMIT_AS or RLIMIT_DATA leaves the break where it was. */
long sys_brk(struct sys *s, unsigned long brk)
{
    struct vm_mm *mm = s->p->mm;
    uint64_t old = vm_brk(mm, 0);
    if (brk > old && over_limits(s, linux_page_up(brk) - linux_page_up(old), true))
        return (long)old;
    return (long)vm_brk(mm, brk);
}

/* Fault in every page now (MAP_POPULATE), as kernel-mode accesses. */
static void populate(struct vm_mm *mm, uint64_t addr, uint64_t len, bool write)
{
    for (uint64_t a = addr; a < addr + len; a += LINUX_PAGE_SIZE)
        if (vm_touch(mm, a, write ? VM_PROT_WRITE : VM_PROT_READ, VM_KERNEL) < 0)
            break;
}

/* The object a file mapping maps (one reference, *obj) and its name;
 * 0 or -errno. */
static long mmap_file(struct sys *s, int fd, unsigned long prot, bool shared, uint64_t off,
                      uint64_t len, struct vm_object **obj, const char **name)
{
    struct file *f = fd_file(s->p, fd);
    if (!f)
        return -LINUX_EBADF;
    if (f->kind != FILE_HOST || f->is_dir)
        return -LINUX_ENODEV;
    int mode = f->status & LINUX_O_ACCMODE;
    if (mode == LINUX_O_WRONLY)
        return -LINUX_EACCES;
    if (shared && (prot & LINUX_PROT_WRITE) && mode != LINUX_O_RDWR)
        return -LINUX_EACCES;
    if (off + len < off)
        return -LINUX_EOVERFLOW;
    int err = 0;
    *obj = vm_object_file(s->emu->vm, f->hostfd, base_name(f->path), shared && mode == LINUX_O_RDWR,
                          &err);
    if (!*obj)
        return err;
    *name = base_name(f->path);
    return 0;
}

/* Where a mapping of len bytes goes: at addr exactly (fixed; what was
 * there is unmapped) or where vm/ finds room near the hint; the address
 * or -errno. */
static long mmap_place(struct vm_mm *mm, uint64_t addr, uint64_t len, unsigned long flags, bool fixed)
{
    if (!fixed) {
        addr = vm_find_free(mm, len, addr);
        return addr ? (long)addr : -LINUX_ENOMEM;
    }
    if (!vm_range_free(mm, addr, len) && (flags & LINUX_MAP_FIXED_NOREPLACE))
        return -LINUX_EEXIST;
    if (addr < LINUX_MMAP_MIN_ADDR)
        return -LINUX_EPERM; /* below vm.mmap_min_addr */
    if (addr + len < addr || addr + len > VM_USER_END ||
        (addr < VM_RESERVED_END && addr + len > VM_RESERVED_START))
        return -LINUX_ENOMEM;
    vm_unmap(mm, addr, len);
    return (long)addr;
}

/* The checks Linux makes before it looks at the address space. */
static long mmap_check(unsigned long prot, unsigned long flags, unsigned long off)
{
    unsigned type = flags & LINUX_MAP_TYPE;
    /* Only prot's low 32 bits are looked at, as faultline always has. */
    if (((unsigned)prot & ~(unsigned)LINUX_PROT_MASK) || !linux_page_aligned(off))
        return -LINUX_EINVAL;
    if (type != LINUX_MAP_SHARED && type != LINUX_MAP_PRIVATE && type != LINUX_MAP_SHARED_VALIDATE)
        return -LINUX_EINVAL;
    if (type == LINUX_MAP_SHARED_VALIDATE && (flags & ~(unsigned long)LINUX_MAP_KNOWN))
        return -LINUX_EOPNOTSUPP;
    if (flags & LINUX_MAP_HUGETLB)
        return -LINUX_EINVAL; /* no huge pages in this DRAM */
    return 0;
}

long sys_mmap(struct sys *s, unsigned long addr, unsigned long len, unsigned long prot,
              unsigned long flags, unsigned long fd, unsigned long off)
{
    struct vm_mm *mm = s->p->mm;
    long ret = len ? mmap_check(prot, flags, off) : -LINUX_EINVAL;
    if (ret)
        return ret;
    len = linux_page_up(len);
    if (!len || len > VM_USER_END)
        return -LINUX_ENOMEM;
    bool shared = (flags & LINUX_MAP_TYPE) != LINUX_MAP_PRIVATE;
    if (over_limits(s, len, !shared && (prot & LINUX_PROT_WRITE) && !(flags & LINUX_MAP_GROWSDOWN)))
        return -LINUX_ENOMEM;
    bool fixed = flags & (LINUX_MAP_FIXED | LINUX_MAP_FIXED_NOREPLACE);
    if (fixed && !linux_page_aligned(addr))
        return -LINUX_EINVAL;
    struct vm_object *obj = NULL;
    const char *name = shared ? "[shared]" : "[anon]";
    if (!(flags & LINUX_MAP_ANONYMOUS)) {
        ret = mmap_file(s, (int)fd, prot, shared, off, len, &obj, &name);
        if (ret)
            return ret;
    } else {
        off = 0;
        if (shared && !(obj = vm_object_anon_shared(s->emu->vm, len)))
            return -LINUX_ENOMEM;
    }
    ret = mmap_place(mm, addr, len, flags, fixed);
    if (ret >= 0) {
        addr = (uint64_t)ret;
        unsigned aflags = (shared ? VM_AREA_SHARED : 0) |
                          (flags & LINUX_MAP_GROWSDOWN ? VM_AREA_GROWSDOWN : 0) |
                          (flags & LINUX_MAP_NORESERVE ? VM_AREA_NORESERVE : 0);
        ret = vm_map(mm, addr, len, vm_prot_from_linux((unsigned)prot), aflags, obj, off, name);
        if (ret == 0) {
            ret = (long)addr;
            if (flags & LINUX_MAP_POPULATE)
                populate(mm, addr, len, (prot & LINUX_PROT_WRITE) && !shared);
        } else if (ret == -LINUX_EEXIST || ret == -LINUX_EINVAL) {
            ret = -LINUX_ENOMEM;
        }
    }
    if (obj)
        vm_object_put(obj);
    return ret;
}

long sys_munmap(struct sys *s, unsigned long addr, size_t len)
{
    if (!linux_page_aligned(addr) || !len)
        return -LINUX_EINVAL;
    int err = vm_unmap(s->p->mm, addr, len);
    return err == -LINUX_EINVAL && addr + linux_page_up(len) > VM_USER_END ? -LINUX_EINVAL : err;
}

long sys_mprotect(struct sys *s, unsigned long start, size_t len, unsigned long prot)
{
    /* x86-64 has no grows-up areas; PROT_GROWSDOWN needs a stack. */
    bool down = prot & LINUX_PROT_GROWSDOWN;
    if (prot & LINUX_PROT_GROWSUP)
        return -LINUX_EINVAL;
    prot &= ~(unsigned long)LINUX_PROT_GROWSDOWN;
    if (!linux_page_aligned(start) || (prot & ~(unsigned long)LINUX_PROT_MASK))
        return -LINUX_EINVAL;
    struct vm_area_info ai;
    if (down && len && vm_area_at(s->p->mm, start, &ai) && !(ai.flags & VM_AREA_GROWSDOWN))
        return -LINUX_EINVAL;
    return vm_protect(s->p->mm, start, len, vm_prot_from_linux(prot));
}

/* The pages of a move that vm/ could not map on the host: like a fault
 * the host refuses, the process cannot go on. */
static long mremap_host_refused(struct sys *s, uint64_t dest)
{
    struct ksiginfo si = {.signo = LINUX_SIGKILL, .code = CPU_SI_HOSTMAP, .addr = dest};
    proc_signal(s->emu, s->p, &si);
    s->stop = true;
    return -LINUX_ENOMEM;
}

/* Move [old, old + oldlen) to dest, growing it to newlen there. */
static long mremap_move(struct sys *s, uint64_t old, uint64_t oldlen, uint64_t newlen, uint64_t dest)
{
    struct vm_mm *mm = s->p->mm;
    if (newlen < oldlen) {
        vm_unmap(mm, old + newlen, oldlen - newlen); /* move only what stays */
        oldlen = newlen;
    }
    int err = vm_move(mm, old, oldlen, dest);
    if (err == -LINUX_EHOSTDOWN)
        return mremap_host_refused(s, dest);
    if (err)
        return err == -LINUX_EFAULT ? -LINUX_EFAULT : -LINUX_ENOMEM;
    /* The moved area may have merged with a neighbour below dest: grow
     * the area that now ends at dest + oldlen. */
    struct vm_area_info ai;
    if (newlen > oldlen && (!vm_area_at(mm, dest, &ai) || vm_resize(mm, ai.start, dest + newlen) < 0)) {
        vm_move(mm, dest, oldlen, old); /* no room after all (commit): put it back */
        return -LINUX_ENOMEM;
    }
    return (long)dest;
}

long sys_mremap(struct sys *s, unsigned long addr, unsigned long old_len, unsigned long new_len,
                unsigned long flags, unsigned long new_addr)
{
    struct vm_mm *mm = s->p->mm;
    uint64_t oldlen = linux_page_up(old_len), newlen = linux_page_up(new_len);
    if (!linux_page_aligned(addr) || !newlen ||
        (flags & ~(unsigned long)(LINUX_MREMAP_MAYMOVE | LINUX_MREMAP_FIXED)) ||
        ((flags & LINUX_MREMAP_FIXED) && !(flags & LINUX_MREMAP_MAYMOVE)))
        return -LINUX_EINVAL;
    if (!oldlen)
        return -LINUX_EINVAL; /* duplicating shared mappings is not supported */
    struct vm_area_info ai;
    if (!vm_area_at(mm, addr, &ai) || ai.end < addr + oldlen)
        return -LINUX_EFAULT;
    if (flags & LINUX_MREMAP_FIXED) {
        if (!linux_page_aligned(new_addr) || (new_addr < addr + oldlen && addr < new_addr + newlen))
            return -LINUX_EINVAL;
        vm_unmap(mm, new_addr, newlen);
    } else if (newlen <= oldlen) {
        if (newlen < oldlen)
            vm_unmap(mm, addr + newlen, oldlen - newlen);
        return (long)addr;
    } else if (ai.end == addr + oldlen) {
        /* Grow in place when the space after it is free. */
        if (vm_resize(mm, ai.start, addr + newlen) == 0)
            return (long)addr;
    }
    if (!(flags & LINUX_MREMAP_MAYMOVE))
        return -LINUX_ENOMEM;
    uint64_t dest = (flags & LINUX_MREMAP_FIXED) ? new_addr : vm_find_free(mm, newlen, 0);
    if (!dest)
        return -LINUX_ENOMEM;
    return mremap_move(s, addr, oldlen, newlen, dest);
}
