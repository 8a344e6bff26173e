/* Page tables: real x86-64 layout in frames below 2^40. */
#include "vmtest.h"

Test(pt, walk_creates_three_levels_once)
{
    struct vm *vm = make_vm(64, 0, VM_POLICY_CLOCK);
    struct vm_mm *mm = vm_mm_new(vm, 1);
    cr_assert_eq(pt_count(mm), 1);
    pte_t *e = pt_walk(mm, 0x400000, true);
    cr_assert_not_null(e);
    cr_assert_eq(pt_count(mm), 4, "PML4 + PDPT + PD + PT");
    cr_assert_eq(pt_walk(mm, 0x401000, true), e + 1, "neighbour in the same table");
    cr_assert_eq(pt_count(mm), 4);
    cr_assert_null(pt_walk(mm, 0x7ffff000, false), "no table yet");
    vm_mm_free(mm);
    cr_assert_eq(vm_frames_free(vm), 64);
    vm_free(vm);
}

Test(pt, tables_hold_physical_addresses_below_2_40)
{
    struct vm *vm = make_vm(64, 0, VM_POLICY_CLOCK);
    struct vm_mm *mm = vm_mm_new(vm, 1);
    cr_assert_lt(vm_mm_cr3(mm), 1ULL << 40);
    cr_assert_geq(vm_mm_cr3(mm), VM_PHYS_BASE);
    pt_walk(mm, 0x7ffffffde000, true);
    const pte_t *pml4 = (const pte_t *)frame_bytes(vm, mm->pml4);
    pte_t top = pml4[(0x7ffffffde000ULL >> 39) & 511];
    cr_assert(top & PTE_P && top & PTE_W && top & PTE_U, "upper levels allow everything");
    cr_assert_lt(top & PTE_ADDR, 1ULL << 40);
    cr_assert_eq(vm->dram.frames[pte_frame(top)].kind, FRAME_PT);
    vm_mm_free(mm);
    vm_free(vm);
}

Test(pt, pte_encoding_round_trips)
{
    pte_t e = pte_make(1234, VM_PROT_READ, false);
    cr_assert(e & PTE_P && e & PTE_U && e & PTE_NX && !(e & PTE_W));
    cr_assert_eq(pte_frame(e), 1234);
    e = pte_make(7, RW | VM_PROT_EXEC, true);
    cr_assert(!(e & PTE_NX) && e & PTE_W);
    pte_t s = pte_make_swap(99);
    cr_assert(pte_is_swap(s) && !(s & PTE_P));
    cr_assert_eq(pte_swap_slot(s), 99);
}

Test(pt, prune_frees_empty_tables)
{
    struct vm *vm = make_vm(64, 0, VM_POLICY_CLOCK);
    struct vm_mm *mm = vm_mm_new(vm, 1);
    cr_assert_eq(vm_map(mm, 0x10000000, 4 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(vm_touch(mm, 0x10000000 + i * PG, VM_PROT_WRITE, VM_USER), 0);
    cr_assert_eq(pt_count(mm), 4);
    cr_assert_eq(vm_unmap(mm, 0x10000000, 4 * PG), 0);
    cr_assert_eq(pt_count(mm), 1, "only the PML4 is left");
    vm_check(vm);
    vm_mm_free(mm);
    vm_free(vm);
}

Test(pt, out_of_frames_for_tables_returns_null)
{
    struct vm *vm = make_vm(16, 0, VM_POLICY_CLOCK);
    struct vm_mm *mm = vm_mm_new(vm, 1);
    uint32_t hold[16];
    int n = 0;
    uint32_t f;
    while ((f = frame_alloc(vm, FRAME_ANON, NO_FRAME)) != NO_FRAME)
        hold[n++] = f;
    cr_assert_null(pt_walk(mm, 0x400000, true));
    for (int i = 0; i < n; i++)
        frame_put(vm, hold[i]);
    vm_check(vm);
    vm_mm_free(mm);
    vm_free(vm);
}
