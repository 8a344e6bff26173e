/*
 * madvise.c - advice and queries about mapped memory and files: madvise,
 * mincore, msync, fadvise64.
 */
#include "emu/kernel/fs.h"
#include "emu/sys/sys.h"

long sys_madvise(struct sys *s, unsigned long start, size_t len, int behavior)
{
    uint64_t span = linux_page_up(len);
    if (!linux_page_aligned(start) || (unsigned)behavior > LINUX_MADV_HWPOISON)
        return -LINUX_EINVAL;
    if ((len && !span) || start + span < start)
        return -LINUX_EINVAL; /* the length wraps */
    if (!span)
        return 0;
    switch (behavior) {
    case LINUX_MADV_DONTNEED:
    case LINUX_MADV_FREE:
    case LINUX_MADV_REMOVE:
        return vm_discard(s->p->mm, start, span);
    default: {
        /* Advice about access patterns: accepted, with no effect on a
         * DRAM that has no read-ahead; the range must be mapped. */
        struct vm_area_info ai;
        for (uint64_t a = start; a < start + span; a = ai.end)
            if (!vm_area_at(s->p->mm, a, &ai))
                return -LINUX_ENOMEM;
        return 0;
    }
    }
}

long sys_mincore(struct sys *s, unsigned long start, size_t len, uaddr_t vec)
{
    uint64_t span = linux_page_up(len);
    if (!linux_page_aligned(start))
        return -LINUX_EINVAL;
    /* The range must lie in the user half (Linux's access_ok). */
    if (start > VM_USER_END || len > VM_USER_END - start)
        return -LINUX_ENOMEM;
    for (uint64_t a = start; a < start + span; a += LINUX_PAGE_SIZE) {
        struct vm_area_info ai;
        if (!vm_area_at(s->p->mm, a, &ai))
            return -LINUX_ENOMEM;
        uint8_t in = (vm_pte(s->p->mm, a) & PTE_P) ? 1 : 0;
        if (copy_out(s, vec + (a - start) / LINUX_PAGE_SIZE, &in, 1) < 0)
            return -LINUX_EFAULT;
    }
    return 0;
}

long sys_msync(struct sys *s, unsigned long start, size_t len, int flags)
{
    const int known = LINUX_MS_ASYNC | LINUX_MS_INVALIDATE | LINUX_MS_SYNC;
    if (!linux_page_aligned(start) || (flags & ~known) ||
        (flags & (LINUX_MS_ASYNC | LINUX_MS_SYNC)) == (LINUX_MS_ASYNC | LINUX_MS_SYNC))
        return -LINUX_EINVAL;
    return vm_sync(s->p->mm, start, len);
}

/* Advice about a file's caching: none is needed, the descriptor must be
 * open. */
long sys_fadvise64(struct sys *s, int fd, int64_t offset, size_t len, int advice)
{
    (void)offset, (void)len, (void)advice;
    return fd_file(s->p, fd) ? 0 : -LINUX_EBADF;
}
