/*
 * faststore.c - a workaround for a store slowdown in libunicorn 2.0.1.
 *
 * libunicorn 2.0.1 stubs out QEMU's dirty-memory tracking
 * (cpu_physical_memory_is_clean() always answers true), so every writable
 * RAM entry in its software TLB is marked TLB_NOTDIRTY and every guest
 * store takes the slow notdirty_write() path, which allocates and frees a
 * page collection to look for translated code to invalidate: stores run
 * about 40 times slower than loads.  Upstream fixed it in 2.1.0 (commit
 * d0103576, "notdirty_write: fix store-related performance problems").
 *
 * faultline wraps the library's TLB-fill function (linked statically,
 * with the linker's --wrap, so the x86 page walker calls this first) and,
 * after the real fill, marks the entry dirty for pages that are writable
 * but not executable: they cannot hold translated code that a store must
 * invalidate.  Executable writable pages keep the slow path, so
 * self-modifying code is still detected; code written while a page was
 * not executable is dropped from the translation cache when it becomes
 * executable again (vm_protect tells the port).  cpu_fast_store_fills()
 * tells how many fills took the fast path.
 */
#include "emu/cpu/engine.h"

/* QEMU's page protection bits as tlb_set_page_with_attrs() receives them. */
#define QEMU_PAGE_WRITE 0x0002
#define QEMU_PAGE_EXEC 0x0004

/* MemTxAttrs: a 32-bit bit-field struct, passed by value. */
struct memtx_attrs {
    uint32_t bits;
};

/* Exported by libunicorn 2.0.1 (QEMU's functions for the x86-64 target). */
void tlb_set_dirty_x86_64(void *cpu, uint64_t vaddr);
void tlb_flush_x86_64(void *cpu);
void __real_tlb_set_page_with_attrs_x86_64(void *cpu, uint64_t vaddr, uint64_t paddr,
                                           struct memtx_attrs attrs, int prot, int mmu_idx,
                                           uint64_t size);
void __wrap_tlb_set_page_with_attrs_x86_64(void *cpu, uint64_t vaddr, uint64_t paddr,
                                           struct memtx_attrs attrs, int prot, int mmu_idx,
                                           uint64_t size);

static uint64_t fills;

uint64_t cpu_fast_store_fills(void)
{
    return fills;
}

/* TLB growth.  QEMU sizes its software TLB (256 entries to start) only
 * when it is flushed, doubling it when more than 70% of it was in use.  A
 * CPU-bound guest that neither faults nor changes its mappings is never
 * flushed, and with a working set over 1 MiB it refills its TLB on every
 * other access.  So after every so many refills the TLB is flushed right
 * here, before the new entry goes in (the caller reads the entry from the
 * possibly resized table after the fill returns).  The interval doubles
 * each time, up to a cap, so a TLB that has grown as far as it can is not
 * flushed often.  Asking the engine to stop instead would not do: a stop
 * pending in the middle of a block makes libunicorn skip the hooks of a
 * following syscall or cpuid instruction. */
#define GROW_FIRST 8192
#define GROW_MAX (1u << 22)

static uint64_t since_grow, grow_every = GROW_FIRST;

void __wrap_tlb_set_page_with_attrs_x86_64(void *cpu, uint64_t vaddr, uint64_t paddr,
                                           struct memtx_attrs attrs, int prot, int mmu_idx,
                                           uint64_t size)
{
    if (++since_grow >= grow_every) {
        since_grow = 0;
        if (grow_every < GROW_MAX)
            grow_every *= 2;
        tlb_flush_x86_64(cpu);
    }
    __real_tlb_set_page_with_attrs_x86_64(cpu, vaddr, paddr, attrs, prot, mmu_idx, size);
    if ((prot & QEMU_PAGE_WRITE) && !(prot & QEMU_PAGE_EXEC)) {
        tlb_set_dirty_x86_64(cpu, vaddr);
        fills++;
    }
}
