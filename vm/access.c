/*
 * access.c - the software MMU.  It performs an access the way the
 * emulated CPU does (walk the tables; on a miss fault and retry; set the
 * Accessed and Dirty bits), so that system calls reach guest memory with
 * the same faults, traced as kernel mode, and vm/ can be tested without a
 * CPU.
 */
#include "addr.h"
#include "area.h"
#include "fault.h"
#include "frame.h"
#include "port.h"
#include "pt.h"

#include <errno.h>
#include <string.h>

static bool pte_allows(pte_t e, vm_access_t access)
{
    if (!(e & PTE_P) || !(e & PTE_U))
        return false;
    if (access == VM_PROT_WRITE && !(e & PTE_W))
        return false; /* CR0.WP: the kernel obeys R/W too */
    if (access == VM_PROT_EXEC && (e & PTE_NX))
        return false;
    return true;
}

/* The entry of addr, made to allow the access by faulting it in as
 * needed; NULL when a fault fails, with its result in *why. */
static pte_t *reach(struct vm_mm *mm, uint64_t addr, vm_access_t access, enum vm_mode mode,
                    enum vm_fault_result *why)
{
    /* A write to a swapped page still shared with another process takes
     * two faults (swap-in read-only, then copy-on-write): allow a few. */
    for (int attempt = 0; attempt < 4; attempt++) {
        pte_t *pte = addr_in_user_half(addr) ? pt_walk(mm, addr, false) : NULL;
        if (pte && pte_allows(*pte, access)) {
            *pte |= PTE_A;
            if (access == VM_PROT_WRITE)
                *pte |= PTE_D;
            return pte;
        }
        *why = vm_fault(mm, addr, access, mode);
        if (!vm_fault_ok(*why))
            return NULL;
    }
    vm_panic(__func__, "a successful fault left the page inaccessible");
}

/* Host address of guest byte addr for the access, faulting it in; NULL
 * when the fault fails. */
static uint8_t *translate(struct vm_mm *mm, uint64_t addr, vm_access_t access,
                          enum vm_mode mode)
{
    enum vm_fault_result why;
    pte_t *pte = reach(mm, addr, access, mode, &why);
    return pte ? frame_bytes(mm->vm, pte_frame(*pte)) + (addr & ~VM_PAGE_MASK) : NULL;
}

int vm_touch(struct vm_mm *mm, uint64_t addr, vm_access_t access, enum vm_mode mode)
{
    return translate(mm, addr, access, mode) ? 0 : -EFAULT;
}

int vm_populate(struct vm_mm *mm, uint64_t start, uint64_t len, bool write)
{
    vm_access_t access = write ? VM_PROT_WRITE : VM_PROT_READ;
    for (uint64_t va = start; va < start + len; va += VM_PAGE_SIZE) {
        const struct vm_area *a = area_find(mm, va);
        if (!a)
            return -ENOMEM;
        if (!(a->prot & access))
            return -EINVAL;
        enum vm_fault_result why;
        if (!reach(mm, va, access, VM_KERNEL, &why))
            return why == VM_FAULT_OOM ? -ENOMEM : -EFAULT;
    }
    return 0;
}

/* Walk [addr, addr + len) page by page; fn copies one piece. */
static int for_each_piece(struct vm_mm *mm, uint64_t addr, size_t len, vm_access_t access,
                          void (*fn)(uint8_t *guest, size_t off, size_t n, void *arg),
                          void *arg)
{
    if (addr + len < addr)
        return -EFAULT;
    size_t off = 0;
    while (off < len) {
        uint64_t a = addr + off;
        size_t n = VM_PAGE_SIZE - (a & ~VM_PAGE_MASK);
        if (n > len - off)
            n = len - off;
        uint8_t *p = translate(mm, a, access, VM_KERNEL);
        if (!p)
            return -EFAULT;
        fn(p, off, n, arg);
        off += n;
    }
    return 0;
}

static void piece_in(uint8_t *guest, size_t off, size_t n, void *arg)
{
    memcpy((uint8_t *)arg + off, guest, n);
}

static void piece_out(uint8_t *guest, size_t off, size_t n, void *arg)
{
    memcpy(guest, (const uint8_t *)arg + off, n);
}

static void piece_zero(uint8_t *guest, size_t off, size_t n, void *arg)
{
    (void)off;
    (void)arg;
    memset(guest, 0, n);
}

int vm_copy_in(struct vm_mm *mm, void *dst, uint64_t src, size_t len)
{
    return for_each_piece(mm, src, len, VM_PROT_READ, piece_in, dst);
}

/* Code written behind the CPU's back must be retranslated. */
static void note_code_write(struct vm_mm *mm, uint64_t dst, size_t len)
{
    for (uint64_t a = dst; a < dst + len;) {
        struct vm_area *area = area_find(mm, a);
        if (!area)
            break;
        uint64_t end = area->end < dst + len ? area->end : dst + len;
        if (area->prot & VM_PROT_EXEC)
            port_code_changed(mm, a, end - a);
        a = end;
    }
}

int vm_copy_out(struct vm_mm *mm, uint64_t dst, const void *src, size_t len)
{
    int err = for_each_piece(mm, dst, len, VM_PROT_WRITE, piece_out, (void *)src);
    if (!err)
        note_code_write(mm, dst, len);
    return err;
}

int vm_zero_out(struct vm_mm *mm, uint64_t dst, size_t len)
{
    int err = for_each_piece(mm, dst, len, VM_PROT_WRITE, piece_zero, NULL);
    if (!err)
        note_code_write(mm, dst, len);
    return err;
}

long vm_copy_str_in(struct vm_mm *mm, char *dst, uint64_t src, size_t max)
{
    size_t n = 0;
    while (n < max) {
        const uint8_t *p = translate(mm, src + n, VM_PROT_READ, VM_KERNEL);
        if (!p)
            return -EFAULT;
        size_t chunk = VM_PAGE_SIZE - ((src + n) & ~VM_PAGE_MASK);
        if (chunk > max - n)
            chunk = max - n;
        const uint8_t *nul = memchr(p, 0, chunk);
        size_t take = nul ? (size_t)(nul - p) + 1 : chunk;
        memcpy(dst + n, p, take);
        n += take;
        if (nul)
            return (long)(n - 1);
    }
    return -ENAMETOOLONG;
}
