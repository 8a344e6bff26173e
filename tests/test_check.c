/* The invariant checker: it passes on a healthy machine and aborts on each
 * kind of corruption, so the checks the other suites run mean something. */
#include "vmtest.h"

static struct vm *vm;
static struct vm_mm *mm;

/* A machine with a little of everything: anonymous pages shared by fork,
 * a file page, a swapped-out page. */
static void setup(void)
{
    vm = make_vm(64, 64, VM_POLICY_FIFO);
    mm = vm_mm_new(vm, 1);
    cr_assert_eq(vm_map(mm, 0x10000, 4 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    for (int i = 0; i < 4; i++)
        poke8(mm, 0x10000 + i * PG, (uint8_t)i);
    cr_assert_not_null(vm_mm_fork(mm, 2, NULL));
}

TestSuite(check, .init = setup);

static pte_t *entry(uint64_t va)
{
    pte_t *e = pt_walk(mm, va, false);
    cr_assert(e && (*e & PTE_P));
    return e;
}

Test(check, healthy_machine_passes)
{
    vm_check(vm);
    cr_assert_eq(vm_reclaim(vm, 2), 2);
    vm_check(vm);
}

Test(check, refcount_off_by_one_aborts, .signal = SIGABRT)
{
    vm->dram.frames[pte_frame(*entry(0x10000))].refs++;
    vm_check(vm);
}

Test(check, entry_missing_from_rmap_aborts, .signal = SIGABRT)
{
    pte_t *e = entry(0x11000);
    rmap_remove(vm, pte_frame(*e), mm, 0x11000);
    vm_check(vm);
}

Test(check, writable_shared_private_page_aborts, .signal = SIGABRT)
{
    *entry(0x12000) |= PTE_W; /* after fork: a write would skip COW */
    vm_check(vm);
}

Test(check, entry_outside_every_area_aborts, .signal = SIGABRT)
{
    pte_t *e = pt_walk(mm, 0x900000, true);
    *e = pte_make_swap(3);
    vm_check(vm);
}

Test(check, free_frame_still_mapped_aborts, .signal = SIGABRT)
{
    uint32_t f = pte_frame(*entry(0x13000));
    vm->dram.freemap[f / 64] |= 1ULL << (f % 64);
    vm_check(vm);
}

Test(check, overlapping_areas_abort, .signal = SIGABRT)
{
    cr_assert_eq(vm_map(mm, 0x20000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    mm->areas[1]->start = 0x13000;
    vm_check(vm);
}

Test(check, swap_slot_miscounted_aborts, .signal = SIGABRT)
{
    cr_assert_eq(vm_reclaim(vm, 1), 1);
    vm->swap.refs[0]++;
    vm_check(vm);
}

Test(check, wrong_resident_count_aborts, .signal = SIGABRT)
{
    mm->rss++;
    vm_check(vm);
}
