/* fork: copy-on-write in both, reuse after the other side is gone. */
#include "vmtest.h"

static struct vm *vm;
static struct vm_mm *parent;

static void setup(void)
{
    vm = make_vm(256, 0, VM_POLICY_CLOCK);
    parent = vm_mm_new(vm, 1);
    cr_assert_eq(vm_map(parent, 0x10000, 4 * PG, RW, 0, NULL, 0, "[heap]"), 0);
    cr_assert_eq(vm_map(parent, 0x20000, PG, VM_PROT_READ, 0, NULL, 0, "ro"), 0);
    for (int i = 0; i < 4; i++)
        poke8(parent, 0x10000 + i * PG, (uint8_t)(10 + i));
    vm_touch(parent, 0x20000, VM_PROT_READ, VM_USER);
}

static void teardown(void)
{
    vm_check(vm);
    vm_mm_free(parent);
    vm_check(vm);
    cr_assert_eq(vm_frames_free(vm), 256);
    vm_free(vm);
}

TestSuite(fork, .init = setup, .fini = teardown);

Test(fork, child_shares_frames_read_only)
{
    rec.flushes = rec.maps = rec.map_calls = 0;
    struct vm_mm *child = vm_mm_fork(parent, 2, NULL);
    cr_assert_not_null(child);
    cr_assert_eq(rec.flushes, 1, "one TLB flush for the parent");
    cr_assert_eq(rec.last_flush, parent);
    vm_check(vm);
    for (int i = 0; i < 4; i++) {
        uint64_t va = 0x10000 + i * PG;
        pte_t p = vm_pte(parent, va), c = vm_pte(child, va);
        cr_assert_eq(pte_frame(p), pte_frame(c));
        cr_assert(!(p & PTE_W) && !(c & PTE_W), "write-protected in both");
        cr_assert(!(c & PTE_A), "the child's entries start old");
        cr_assert_eq(vm->dram.frames[pte_frame(p)].refs, 2);
    }
    cr_assert_eq(vm_mm_rss(child), 5);
    cr_assert_eq(rec.maps, 5, "every present page aliased in the child");
    cr_assert_leq(rec.map_calls, 2, "neighbouring frames aliased in one call per area");
    vm_mm_free(child);
}

Test(fork, both_write_gives_cow_in_each)
{
    struct vm_mm *child = vm_mm_fork(parent, 2, NULL);
    rec.n = 0;
    poke8(child, 0x10000, 99);
    expect_event(VM_EV_COW, 0x10000);
    cr_assert_eq(last_event()->pid, 2);
    cr_assert_eq(peek8(parent, 0x10000), 10, "the parent keeps its byte");
    /* The parent is now the only user of the old frame: reuse. */
    poke8(parent, 0x10000, 11);
    expect_event(VM_EV_COW_REUSE, 0x10000);
    cr_assert_eq(last_event()->pid, 1);
    cr_assert_eq(peek8(child, 0x10000), 99);
    poke8(parent, 0x11000, 1);
    expect_event(VM_EV_COW, 0x11000);
    cr_assert_eq(last_event()->pid, 1);
    vm_check(vm);
    vm_mm_free(child);
}

Test(fork, a_copy_the_host_refuses_keeps_the_shared_page)
{
    struct vm_mm *child = vm_mm_fork(parent, 2, NULL);
    uint32_t f = pte_frame(vm_pte(child, 0x10000));
    rec.fail_maps = true;
    uint8_t b = 99;
    cr_assert_lt(vm_copy_out(child, 0x10000, &b, 1), 0, "the write fails");
    rec.fail_maps = false;
    vm_check(vm);
    cr_assert_eq(pte_frame(vm_pte(child, 0x10000)), f, "the child still maps the shared frame");
    cr_assert_eq(vm->dram.frames[f].refs, 2);
    cr_assert_eq(peek8(child, 0x10000), 10, "its byte is not lost");
    poke8(child, 0x10000, 99);
    expect_event(VM_EV_COW, 0x10000);
    cr_assert_eq(peek8(parent, 0x10000), 10);
    vm_mm_free(child);
}

Test(fork, child_exit_before_parent_write_gives_reuse)
{
    struct vm_mm *child = vm_mm_fork(parent, 2, NULL);
    vm_mm_free(child);
    rec.n = 0;
    poke8(parent, 0x12000, 1);
    expect_event(VM_EV_COW_REUSE, 0x12000);
    cr_assert_eq(count_events(VM_EV_COW), 0);
}

Test(fork, read_only_pages_stay_shared_without_faults)
{
    struct vm_mm *child = vm_mm_fork(parent, 2, NULL);
    rec.n = 0;
    cr_assert_eq(peek8(child, 0x20000), 0);
    cr_assert_eq(rec.n, 0, "already present in the child");
    vm_mm_free(child);
}

Test(fork, grandchild_chain_counts_references)
{
    struct vm_mm *child = vm_mm_fork(parent, 2, NULL);
    struct vm_mm *grand = vm_mm_fork(child, 3, NULL);
    uint32_t f = pte_frame(vm_pte(parent, 0x10000));
    cr_assert_eq(vm->dram.frames[f].refs, 3);
    cr_assert_eq(vm->dram.frames[f].nrmap, 3);
    poke8(child, 0x10000, 5);
    cr_assert_eq(vm->dram.frames[f].refs, 2);
    vm_check(vm);
    vm_mm_free(child);
    vm_mm_free(grand);
}

Test(fork, fork_charges_commit_and_fails_cleanly_when_over)
{
    vm->commit_limit = vm->committed + 2; /* less than the parent's 4 writable pages */
    size_t before = vm_frames_free(vm);
    cr_assert_null(vm_mm_fork(parent, 2, NULL));
    cr_assert_eq(vm_frames_free(vm), before, "nothing left behind");
    vm_check(vm);
}

Test(fork, a_fork_refused_part_way_gives_back_its_whole_charge)
{
    cr_assert_eq(vm_map(parent, 0x40000, 4 * PG, RW, 0, NULL, 0, "more"), 0);
    uint64_t committed = vm->committed;
    vm->commit_limit = committed + 6; /* room for the first area's 4 pages, not the second's */
    cr_assert_null(vm_mm_fork(parent, 2, NULL));
    cr_assert_eq(vm->committed, committed, "the first area's charge is returned");
    vm_check(vm);
}
