/* Areas: ordered, disjoint, split and merged by munmap and mprotect. */
#include "vmtest.h"

static struct vm *vm;
static struct vm_mm *mm;

static void setup(void)
{
    vm = make_vm(256, 0, VM_POLICY_CLOCK);
    mm = vm_mm_new(vm, 1);
}

static void teardown(void)
{
    vm_mm_free(mm);
    vm_check(vm);
    vm_free(vm);
}

TestSuite(area, .init = setup, .fini = teardown);

Test(area, map_rejects_bad_ranges)
{
    cr_assert_eq(vm_map(mm, 0x1001, PG, RW, 0, NULL, 0, "x"), -EINVAL, "unaligned");
    cr_assert_eq(vm_map(mm, 0x1000, 0, RW, 0, NULL, 0, "x"), -EINVAL, "empty");
    cr_assert_eq(vm_map(mm, VM_USER_END, PG, RW, 0, NULL, 0, "x"), -EINVAL, "kernel half");
    cr_assert_eq(vm_map(mm, ~0ULL & VM_PAGE_MASK, 2 * PG, RW, 0, NULL, 0, "x"), -EINVAL,
                 "overflow");
    cr_assert_eq(vm_map(mm, VM_RESERVED_START, PG, RW, 0, NULL, 0, "x"), -EINVAL, "reserve");
    cr_assert_eq(vm_map(mm, VM_RESERVED_START - PG, 2 * PG, RW, 0, NULL, 0, "x"), -EINVAL,
                 "straddles the reserve");
    cr_assert_eq(vm_map(mm, 0x1000, PG, 8, 0, NULL, 0, "x"), -EINVAL, "unknown prot bit");
    cr_assert_eq(vm_area_count(mm), 0);
}

Test(area, overlapping_map_fails)
{
    cr_assert_eq(vm_map(mm, 0x10000, 4 * PG, RW, 0, NULL, 0, "a"), 0);
    cr_assert_eq(vm_map(mm, 0x12000, 4 * PG, RW, 0, NULL, 0, "b"), -EEXIST);
    cr_assert_eq(vm_area_count(mm), 1);
}

Test(area, adjacent_compatible_areas_merge)
{
    cr_assert_eq(vm_map(mm, 0x10000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_map(mm, 0x11000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_map(mm, 0x12000, PG, VM_PROT_READ, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_area_count(mm), 2);
    struct vm_area_info ai;
    cr_assert(vm_area_at(mm, 0x10000, &ai));
    cr_assert_eq(ai.end, 0x12000);
}

Test(area, munmap_middle_splits_in_two)
{
    cr_assert_eq(vm_map(mm, 0x10000, 8 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    for (int i = 0; i < 8; i++)
        vm_touch(mm, 0x10000 + i * PG, VM_PROT_WRITE, VM_USER);
    cr_assert_eq(vm_unmap(mm, 0x12000, 2 * PG), 0);
    struct vm_area_info ai[4];
    cr_assert_eq(vm_areas(mm, ai, 4), 2);
    cr_assert_eq(ai[0].start, 0x10000);
    cr_assert_eq(ai[0].end, 0x12000);
    cr_assert_eq(ai[1].start, 0x14000);
    cr_assert_eq(ai[1].resident, 4);
    cr_assert_eq(vm_mm_rss(mm), 6);
    cr_assert_eq(rec.unmaps, 2, "the port dropped exactly the two pages");
    cr_assert_eq(vm_fault(mm, 0x12000, VM_PROT_READ, VM_USER), VM_FAULT_SEGV_MAPERR);
}

Test(area, munmap_of_hole_is_fine_and_unaligned_start_is_not)
{
    cr_assert_eq(vm_unmap(mm, 0x50000, PG), 0);
    cr_assert_eq(vm_unmap(mm, 0x50001, PG), -EINVAL);
}

Test(area, mprotect_splits_and_merges_back)
{
    cr_assert_eq(vm_map(mm, 0x10000, 4 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_protect(mm, 0x11000, PG, VM_PROT_READ), 0);
    cr_assert_eq(vm_area_count(mm), 3);
    cr_assert_eq(vm_protect(mm, 0x11000, PG, RW), 0);
    cr_assert_eq(vm_area_count(mm), 1);
}

Test(area, mprotect_stops_at_a_hole_keeping_what_it_changed_before)
{
    cr_assert_eq(vm_map(mm, 0x10000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_map(mm, 0x12000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_protect(mm, 0x10000, 3 * PG, VM_PROT_READ), -ENOMEM);
    struct vm_area_info ai;
    cr_assert(vm_area_at(mm, 0x10000, &ai));
    cr_assert_eq(ai.prot, VM_PROT_READ, "the area before the hole changed, as on Linux");
    cr_assert(vm_area_at(mm, 0x12000, &ai));
    cr_assert_eq(ai.prot, RW, "the one after it did not");
    cr_assert_eq(vm_protect(mm, 0x11000, 2 * PG, VM_PROT_READ), -ENOMEM, "a hole at the start");
    cr_assert(vm_area_at(mm, 0x12000, &ai));
    cr_assert_eq(ai.prot, RW);
    cr_assert_eq(vm_protect(mm, 0x11000, 0, 0), 0, "an empty range is nothing");
    vm_check(vm);
}

Test(area, mprotect_refuses_write_to_a_nowrite_area_after_changing_the_ones_before)
{
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, VM_PROT_READ, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_map(mm, 0x12000, PG, VM_PROT_READ, VM_AREA_NOWRITE, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_protect(mm, 0x11000, 2 * PG, RW), -EACCES);
    struct vm_area_info ai;
    cr_assert(vm_area_at(mm, 0x11000, &ai));
    cr_assert_eq(ai.prot, RW);
    cr_assert_eq(ai.start, 0x11000, "split at the range's start");
    cr_assert(vm_area_at(mm, 0x12000, &ai));
    cr_assert_eq(ai.prot, VM_PROT_READ);
    cr_assert_eq(vm_protect(mm, 0x12000, PG, VM_PROT_READ | VM_PROT_EXEC), 0);
    vm_check(vm);
}

Test(area, mprotect_readonly_downgrades_entries_and_flushes_once)
{
    cr_assert_eq(vm_map(mm, 0x10000, 4 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    for (int i = 0; i < 4; i++)
        vm_touch(mm, 0x10000 + i * PG, VM_PROT_WRITE, VM_USER);
    rec.flushes = 0;
    cr_assert_eq(vm_protect(mm, 0x10000, 4 * PG, VM_PROT_READ), 0);
    cr_assert_eq(rec.flushes, 1);
    for (int i = 0; i < 4; i++)
        cr_assert(!(vm_pte(mm, 0x10000 + i * PG) & PTE_W));
    cr_assert_eq(vm_fault(mm, 0x10000, VM_PROT_WRITE, VM_USER), VM_FAULT_SEGV_ACCERR);
    expect_event(VM_EV_SEGV, 0x10000);
    cr_assert_str_eq(last_event()->detail, "ACCERR");
}

Test(area, prot_none_denies_and_restore_allows)
{
    cr_assert_eq(vm_map(mm, 0x10000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    poke8(mm, 0x10000, 42);
    cr_assert_eq(vm_protect(mm, 0x10000, PG, 0), 0);
    uint8_t b;
    cr_assert_eq(vm_copy_in(mm, &b, 0x10000, 1), -EFAULT);
    cr_assert_eq(vm_protect(mm, 0x10000, PG, VM_PROT_READ), 0);
    cr_assert_eq(peek8(mm, 0x10000), 42, "the page survived PROT_NONE");
}

Test(area, find_free_is_top_down_below_mmap_base)
{
    uint64_t a = vm_find_free(mm, 2 * PG, 0);
    cr_assert_eq(a, VM_MMAP_BASE - 2 * PG);
    cr_assert_eq(vm_map(mm, a, 2 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_find_free(mm, PG, 0), a - PG);
    cr_assert_eq(vm_find_free(mm, PG, 0x200000), 0x200000, "a free hint is taken");
    cr_assert_eq(vm_find_free(mm, PG, a), a - PG, "a taken hint is not");
}

Test(area, brk_grows_creates_heap_and_shrinks)
{
    vm_brk_init(mm, 0x601000);
    cr_assert_eq(vm_brk(mm, 0), 0x601000);
    cr_assert_eq(vm_brk(mm, 0x603800), 0x603800);
    struct vm_area_info ai;
    cr_assert(vm_area_at(mm, 0x601000, &ai));
    cr_assert_str_eq(ai.name, "[heap]");
    cr_assert_eq(ai.end, 0x604000);
    poke8(mm, 0x6037ff, 1);
    cr_assert_eq(vm_brk(mm, 0x602000), 0x602000);
    cr_assert(vm_area_at(mm, 0x601000, &ai));
    cr_assert_eq(ai.end, 0x602000);
    cr_assert_eq(vm_brk(mm, 0x601000), 0x601000);
    cr_assert_not(vm_area_at(mm, 0x601000, &ai), "heap gone at its start");
    cr_assert_eq(vm_brk(mm, 0x500000), 0x601000, "below the start: unchanged");
}

Test(area, stack_grows_down_within_limit)
{
    uint64_t top = VM_STACK_TOP;
    cr_assert_eq(vm_map(mm, top - PG, PG, RW, VM_AREA_GROWSDOWN, NULL, 0, "[stack]"), 0);
    cr_assert_eq(vm_fault(mm, top - 3 * PG, VM_PROT_WRITE, VM_USER), VM_FAULT_DEMAND_ZERO);
    struct vm_area_info ai;
    cr_assert(vm_area_at(mm, top - 3 * PG, &ai));
    cr_assert_eq(ai.start, top - 3 * PG);
    cr_assert_str_eq(last_event()->area, "[stack]");
    cr_assert_eq(vm_fault(mm, top - VM_STACK_LIMIT_DEFAULT - PG, VM_PROT_WRITE, VM_USER),
                 VM_FAULT_SEGV_MAPERR, "past the limit");
}

Test(area, stack_never_grows_into_the_reserve_or_page_zero)
{
    vm_set_stack_limit(mm, UINT64_MAX);
    cr_assert_eq(vm_map(mm, VM_RESERVED_END, PG, RW, VM_AREA_GROWSDOWN, NULL, 0, "up"), 0);
    cr_assert_eq(vm_fault(mm, VM_RESERVED_END - PG, VM_PROT_READ, VM_USER), VM_FAULT_SEGV_MAPERR);
    cr_assert_eq(vm_fault(mm, VM_RESERVED_START, VM_PROT_READ, VM_USER), VM_FAULT_SEGV_MAPERR);
    cr_assert_eq(vm_map(mm, 0x20000, PG, RW, VM_AREA_GROWSDOWN, NULL, 0, "low"), 0);
    cr_assert_eq(vm_fault(mm, 0x10000, VM_PROT_READ, VM_USER), VM_FAULT_DEMAND_ZERO);
    cr_assert_eq(vm_fault(mm, 0xf000, VM_PROT_READ, VM_USER), VM_FAULT_SEGV_MAPERR);
    struct vm_area_info ai;
    cr_assert(vm_area_at(mm, VM_RESERVED_END, &ai));
    cr_assert_eq(ai.start, VM_RESERVED_END, "the high area did not grow");
    cr_assert(vm_area_at(mm, 0x10000, &ai));
    cr_assert_eq(ai.start, 0x10000);
}

Test(area, resize_grows_into_free_space_only)
{
    cr_assert_eq(vm_map(mm, 0x10000, PG, RW, 0, NULL, 0, "a"), 0);
    cr_assert_eq(vm_map(mm, 0x13000, PG, RW, 0, NULL, 0, "b"), 0);
    cr_assert_eq(vm_resize(mm, 0x10000, 0x13000), 0);
    cr_assert_eq(vm_resize(mm, 0x10000, 0x14000), -ENOMEM);
    cr_assert_eq(vm_resize(mm, 0x10000, 0x11000), 0);
}

Test(area, move_keeps_the_bytes)
{
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    poke8(mm, 0x10000, 7);
    poke8(mm, 0x11000, 8);
    cr_assert_eq(vm_move(mm, 0x10000, 2 * PG, 0x40000), 0);
    cr_assert_eq(peek8(mm, 0x40000), 7);
    cr_assert_eq(peek8(mm, 0x41000), 8);
    cr_assert_eq(vm_fault(mm, 0x10000, VM_PROT_READ, VM_USER), VM_FAULT_SEGV_MAPERR);
    cr_assert_eq(count_events(VM_EV_DEMAND_ZERO), 2, "no new faults after the move");
}

Test(area, a_move_the_host_refuses_is_whole_in_the_tables_and_says_so)
{
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    poke8(mm, 0x10000, 7);
    poke8(mm, 0x11000, 8);
    rec.fail_maps = true;
    cr_assert_eq(vm_move(mm, 0x10000, 2 * PG, 0x40000), -EHOSTDOWN);
    rec.fail_maps = false;
    vm_check(vm);
    cr_assert_eq(peek8(mm, 0x40000), 7, "every page moved with its frame");
    cr_assert_eq(peek8(mm, 0x41000), 8);
    cr_assert(!(vm_pte(mm, 0x10000) & PTE_P));
}

Test(area, a_prot_none_area_is_made_reachable_only_when_opened)
{
    rec.covers = 0;
    cr_assert_eq(vm_map(mm, 0x100000, 16 * PG, 0, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(rec.covers, 0, "nobody can touch it: no host memory behind it");
    cr_assert_eq(vm_protect(mm, 0x104000, PG, RW), 0);
    cr_assert_eq(rec.covers, 1, "opened: covered");
    poke8(mm, 0x104000, 5);
    cr_assert_eq(peek8(mm, 0x104000), 5);
    cr_assert_eq(vm_protect(mm, 0x104000, PG, RW), 0);
    cr_assert_eq(rec.covers, 1, "already open: nothing more");
}

Test(area, discard_gives_zero_pages_again)
{
    cr_assert_eq(vm_map(mm, 0x10000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    poke8(mm, 0x10000, 9);
    cr_assert_eq(vm_advise(mm, 0x10000, PG, VM_ADV_DONTNEED), 0);
    cr_assert_eq(peek8(mm, 0x10000), 0);
    cr_assert_eq(count_events(VM_EV_DEMAND_ZERO), 2);
}
