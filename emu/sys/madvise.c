/*
 * madvise.c - advice and queries about mapped memory and files: madvise,
 * mincore, msync, fadvise64.
 */
#include "emu/kernel/fs.h"
#include "emu/sys/sys.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What advice asks of vm/; -1 for advice Linux does not know.  5 to 7
 * were never used; 100 and 101 (hardware poisoning) exist only in kernels
 * built with memory-failure handling, 102 and 103 (guard pages) since
 * Linux 6.13: faultline models neither. */
static int advice_kind(int behavior)
{
    switch (behavior) {
    case LINUX_MADV_DONTNEED:
    case LINUX_MADV_DONTNEED_LOCKED: /* nothing is ever locked */
        return VM_ADV_DONTNEED;
    case LINUX_MADV_WILLNEED: return VM_ADV_WILLNEED;
    case LINUX_MADV_FREE: return VM_ADV_FREE;
    case LINUX_MADV_REMOVE: return VM_ADV_REMOVE;
    case LINUX_MADV_DONTFORK: return VM_ADV_DONTFORK;
    case LINUX_MADV_DOFORK: return VM_ADV_DOFORK;
    case LINUX_MADV_WIPEONFORK: return VM_ADV_WIPEONFORK;
    case LINUX_MADV_KEEPONFORK: return VM_ADV_KEEPONFORK;
    default:
        /* Access patterns, KSM, huge pages, core dumps, cold and page-out
         * hints: accepted, with nothing to do in this DRAM. */
        return behavior >= 0 && behavior <= LINUX_MADV_COLLAPSE &&
                       (behavior <= LINUX_MADV_DONTNEED || behavior >= LINUX_MADV_FREE)
                   ? VM_ADV_NONE
                   : -1;
    }
}

long sys_madvise(struct sys *s, unsigned long start, size_t len, int behavior)
{
    int kind = advice_kind(behavior);
    uint64_t span = linux_page_up(len);
    if (kind < 0 || !linux_page_aligned(start) || (len && !span) || start + span < start)
        return -LINUX_EINVAL;
    if (!span)
        return 0;
    if (behavior == LINUX_MADV_POPULATE_READ || behavior == LINUX_MADV_POPULATE_WRITE)
        return vm_populate(s->p->mm, start, span, behavior == LINUX_MADV_POPULATE_WRITE);
    return vm_advise(s->p->mm, start, span, (enum vm_advice)kind);
}

/* Linux shows the page cache behind a file mapping only to a process
 * that owns the file or could open it for writing (can_do_mincore); to
 * others every page of such an area reads as resident.  The guest has
 * faultline's own ids. */
static bool cache_visible(int fd)
{
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || geteuid() == 0 || st.st_uid == geteuid())
        return true;
    char path[40];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0;
}

/* Entries found before each copy-out: Linux's one page of them. */
#define MINCORE_STEP 4096

long sys_mincore(struct sys *s, unsigned long start, size_t len, uaddr_t vec)
{
    struct vm_mm *mm = s->p->mm;
    if (!linux_page_aligned(start))
        return -LINUX_EINVAL;
    /* Both ranges must lie in the user half (Linux's access_ok). */
    if (start > VM_USER_END || len > VM_USER_END - start)
        return -LINUX_ENOMEM;
    uint64_t pages = linux_page_up(len) / LINUX_PAGE_SIZE;
    if (vec > VM_USER_END || pages > VM_USER_END - vec)
        return -LINUX_EFAULT;
    /* Area by area, each step's answer copied out before the next is
     * looked at; a hole ends it with ENOMEM, what came before it written. */
    uint8_t buf[MINCORE_STEP];
    while (pages) {
        long n = vm_mincore(mm, start, pages < MINCORE_STEP ? pages : MINCORE_STEP, buf);
        if (n < 0)
            return -LINUX_ENOMEM;
        struct vm_code code;
        if (vm_code_at(mm, start, &code) && !cache_visible(code.fd))
            memset(buf, 1, (size_t)n);
        if (copy_out(s, vec, buf, (size_t)n) < 0)
            return -LINUX_EFAULT;
        pages -= (uint64_t)n;
        vec += (uint64_t)n;
        start += (uint64_t)n * LINUX_PAGE_SIZE;
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
