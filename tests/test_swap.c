/* Reclaim and swap: eviction under each policy, swap-in, slot reuse,
 * shared victims, dirty tracking, commit limits. */
#include "vmtest.h"

static void fill_and_verify(enum vm_policy policy)
{
    struct vm *vm = make_vm(64, 512, policy);
    struct vm_mm *mm = vm_mm_new(vm, 1);
    const int pages = 192; /* three times DRAM */
    cr_assert_eq(vm_map(mm, 0x10000000, pages * PG, RW, 0, NULL, 0, "[anon]"), 0);
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < pages; i++) {
            uint32_t v = (uint32_t)(i * 2654435761u + (uint32_t)round);
            if (round == 0)
                cr_assert_eq(vm_copy_out(mm, 0x10000000 + i * PG + 64, &v, 4), 0);
            else {
                uint32_t got;
                cr_assert_eq(vm_copy_in(mm, &got, 0x10000000 + i * PG + 64, 4), 0);
                cr_assert_eq(got, v - 1, "page %d lost its word", i);
            }
        }
        vm_check(vm);
    }
    cr_assert_gt(count_events(VM_EV_SWAP_OUT), 0);
    cr_assert_gt(count_events(VM_EV_SWAP_IN), 0);
    cr_assert_leq(vm_stats(vm)->peak_frames, 64);
    vm_mm_free(mm);
    vm_check(vm);
    cr_assert_eq(vm->swap.used, 0, "every slot came back");
    vm_free(vm);
}

Test(swap, three_times_dram_survives_clock) { fill_and_verify(VM_POLICY_CLOCK); }
Test(swap, three_times_dram_survives_fifo) { fill_and_verify(VM_POLICY_FIFO); }
Test(swap, three_times_dram_survives_lru) { fill_and_verify(VM_POLICY_LRU); }
Test(swap, three_times_dram_survives_random) { fill_and_verify(VM_POLICY_RANDOM); }

Test(swap, swap_in_frees_the_slot_for_reuse)
{
    struct vm *vm = make_vm(64, 64, VM_POLICY_FIFO);
    struct vm_mm *mm = vm_mm_new(vm, 1);
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    poke8(mm, 0x10000, 1);
    poke8(mm, 0x11000, 2);
    cr_assert_eq(vm_reclaim(vm, 2), 2);
    cr_assert(pte_is_swap(vm_pte(mm, 0x10000)));
    cr_assert_eq(vm->swap.used, 2);
    cr_assert_eq(peek8(mm, 0x10000), 1);
    expect_event(VM_EV_SWAP_IN, 0x10000);
    cr_assert_eq(vm->swap.used, 1, "the slot is available again after swap-in");
    vm_check(vm);
    vm_mm_free(mm);
    vm_free(vm);
}

Test(swap, clock_spares_recently_used_pages)
{
    struct vm *vm = make_vm(64, 64, VM_POLICY_CLOCK);
    struct vm_mm *mm = vm_mm_new(vm, 1);
    cr_assert_eq(vm_map(mm, 0x10000, 4 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    for (int i = 0; i < 4; i++)
        poke8(mm, 0x10000 + i * PG, 1);
    /* Clear every A bit, then use page 0 again. */
    for (int i = 0; i < 4; i++)
        *pt_walk(mm, 0x10000 + i * PG, false) &= ~PTE_A;
    vm_touch(mm, 0x10000, VM_PROT_READ, VM_USER);
    cr_assert_eq(vm_reclaim(vm, 1), 1);
    cr_assert(vm_pte(mm, 0x10000) & PTE_P, "page 0 got its second chance");
    cr_assert(pte_is_swap(vm_pte(mm, 0x11000)));
    vm_check(vm);
    vm_mm_free(mm);
    vm_free(vm);
}

Test(swap, shared_victim_is_unmapped_from_every_process)
{
    struct vm *vm = make_vm(64, 64, VM_POLICY_FIFO);
    struct vm_mm *p = vm_mm_new(vm, 1);
    cr_assert_eq(vm_map(p, 0x10000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    poke8(p, 0x10000, 42);
    struct vm_mm *c = vm_mm_fork(p, 2, NULL);
    rec.flushes = 0;
    cr_assert_eq(vm_reclaim(vm, 1), 1);
    cr_assert(pte_is_swap(vm_pte(p, 0x10000)) && pte_is_swap(vm_pte(c, 0x10000)));
    cr_assert_eq(pte_swap_slot(vm_pte(p, 0x10000)), pte_swap_slot(vm_pte(c, 0x10000)));
    cr_assert_eq(count_events(VM_EV_SWAP_OUT), 2, "one event per mapping");
    cr_assert_eq(rec.flushes, 2, "one flush per process");
    vm_check(vm);
    /* The first swap-in keeps the page for the other sharer. */
    cr_assert_eq(peek8(c, 0x10000), 42);
    cr_assert_eq(peek8(p, 0x10000), 42);
    cr_assert_eq(pte_frame(vm_pte(p, 0x10000)), pte_frame(vm_pte(c, 0x10000)),
                 "shared again after swap-in");
    cr_assert_eq(vm->swap.used, 0);
    vm_check(vm);
    poke8(c, 0x10000, 7);
    expect_event(VM_EV_COW, 0x10000);
    cr_assert_eq(peek8(p, 0x10000), 42);
    vm_mm_free(c);
    vm_mm_free(p);
    vm_check(vm);
    vm_free(vm);
}

Test(swap, clean_file_pages_are_dropped_dirty_shared_written)
{
    struct vm *vm = make_vm(64, 64, VM_POLICY_FIFO);
    struct vm_mm *mm = vm_mm_new(vm, 1);
    int fd = temp_file(2), err = 0;
    struct vm_object *ro = vm_object_file(vm, fd, "f", true, &err);
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, RW, VM_AREA_SHARED, ro, 0, "f"), 0);
    cr_assert_eq(peek8(mm, 0x10000), 1);
    poke8(mm, 0x11000, 0x99);
    cr_assert_eq(vm_reclaim(vm, 2), 2);
    cr_assert_eq(count_events(VM_EV_EVICT_CLEAN), 1);
    cr_assert_eq(count_events(VM_EV_WRITEBACK), 1);
    uint8_t b;
    cr_assert_eq(pread(fd, &b, 1, PG), 1);
    cr_assert_eq(b, 0x99, "dirty data reached the file");
    cr_assert_eq(peek8(mm, 0x11000), 0x99, "re-read from the file");
    vm_check(vm);
    vm_mm_free(mm);
    vm_object_put(ro);
    close(fd);
    vm_free(vm);
}

Test(swap, without_swap_anonymous_pages_stay_and_oom_is_reported)
{
    struct vm *vm = make_vm(16, 0, VM_POLICY_CLOCK);
    vm->cfg.commit = VM_COMMIT_OVERCOMMIT;
    struct vm_mm *mm = vm_mm_new(vm, 1);
    cr_assert_eq(vm_map(mm, 0x10000, 64 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    enum vm_fault_result r = VM_FAULT_DEMAND_ZERO;
    int i;
    for (i = 0; i < 64 && r == VM_FAULT_DEMAND_ZERO; i++)
        r = vm_fault(mm, 0x10000 + i * PG, VM_PROT_WRITE, VM_USER);
    cr_assert_eq(r, VM_FAULT_OOM);
    cr_assert_lt(i, 16);
    vm_check(vm);
    vm_mm_free(mm);
    vm_free(vm);
}

Test(swap, strict_commit_refuses_more_than_dram_plus_swap)
{
    struct vm *vm = make_vm(64, 64, VM_POLICY_CLOCK);
    struct vm_mm *mm = vm_mm_new(vm, 1);
    cr_assert_eq(vm_map(mm, 0x10000, 100 * PG, RW, 0, NULL, 0, "a"), 0);
    cr_assert_eq(vm_map(mm, 0x1000000, 100 * PG, RW, 0, NULL, 0, "b"), -ENOMEM);
    cr_assert_eq(vm_map(mm, 0x1000000, 100 * PG, VM_PROT_READ, 0, NULL, 0, "c"), 0,
                 "read-only memory costs nothing");
    vm_brk_init(mm, 0x2000000);
    cr_assert_eq(vm_brk(mm, 0x2000000 + 100 * PG), 0x2000000, "brk fails too");
    cr_assert_eq(vm_unmap(mm, 0x10000, 100 * PG), 0);
    cr_assert_eq(vm_map(mm, 0x1000000 + 100 * PG, 100 * PG, RW, 0, NULL, 0, "b"), 0,
                 "unmapping gave the charge back");
    vm_mm_free(mm);
    cr_assert_eq(vm->committed, 0);
    vm_free(vm);
}

Test(swap, dirty_bits_from_writes_decide_writeback)
{
    struct vm *vm = make_vm(64, 64, VM_POLICY_FIFO);
    struct vm_mm *mm = vm_mm_new(vm, 1);
    int fd = temp_file(1), err = 0;
    struct vm_object *o = vm_object_file(vm, fd, "d", true, &err);
    cr_assert_eq(vm_map(mm, 0x10000, PG, RW, VM_AREA_SHARED, o, 0, "d"), 0);
    cr_assert_eq(peek8(mm, 0x10000), 1);
    cr_assert(!(vm_pte(mm, 0x10000) & PTE_D), "read leaves it clean");
    /* The CPU writes: only the D bit records it. */
    *pt_walk(mm, 0x10000, false) |= PTE_D;
    ((uint8_t *)frame_bytes(vm, pte_frame(vm_pte(mm, 0x10000))))[0] = 0x44;
    cr_assert_eq(vm_reclaim(vm, 1), 1);
    expect_event(VM_EV_WRITEBACK, 0x10000);
    uint8_t b;
    cr_assert_eq(pread(fd, &b, 1, 0), 1);
    cr_assert_eq(b, 0x44);
    vm_mm_free(mm);
    vm_object_put(o);
    close(fd);
    vm_free(vm);
}

Test(swap, shared_anonymous_pages_go_to_swap_and_come_back)
{
    struct vm *vm = make_vm(64, 64, VM_POLICY_FIFO);
    struct vm_mm *p = vm_mm_new(vm, 1);
    struct vm_object *o = vm_object_anon_shared(vm, 2 * PG);
    cr_assert_eq(vm_map(p, 0x10000, 2 * PG, RW, VM_AREA_SHARED, o, 0, "[shared]"), 0);
    vm_object_put(o);
    struct vm_mm *c = vm_mm_fork(p, 2, NULL);
    poke8(c, 0x10000, 3);
    cr_assert_eq(peek8(p, 0x10000), 3, "shared memory is shared");
    cr_assert_eq(vm_reclaim(vm, 1), 1);
    vm_check(vm);
    cr_assert_eq(peek8(p, 0x10000), 3);
    cr_assert_eq(peek8(c, 0x10000), 3);
    vm_check(vm);
    vm_mm_free(c);
    vm_mm_free(p);
    cr_assert_eq(vm->swap.used, 0);
    vm_free(vm);
}

Test(swap, kernel_write_to_a_swapped_page_shared_by_fork_swaps_in_then_copies)
{
    struct vm *vm = make_vm(64, 64, VM_POLICY_FIFO);
    struct vm_mm *p = vm_mm_new(vm, 1);
    cr_assert_eq(vm_map(p, 0x10000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    poke8(p, 0x10000, 5);
    struct vm_mm *c = vm_mm_fork(p, 2, NULL);
    cr_assert_eq(vm_reclaim(vm, 1), 1);
    vm_check(vm);
    /* One system call's copy-out: swap-in (read-only, the slot is shared)
     * and then copy-on-write, two faults for one access. */
    uint8_t v = 9;
    cr_assert_eq(vm_copy_out(p, 0x10000, &v, 1), 0);
    cr_assert_eq(count_events(VM_EV_SWAP_IN), 1);
    cr_assert_eq(count_events(VM_EV_COW), 1);
    cr_assert_eq(peek8(p, 0x10000), 9);
    cr_assert_eq(peek8(c, 0x10000), 5, "the child keeps its copy");
    vm_check(vm);
    vm_mm_free(c);
    vm_mm_free(p);
    cr_assert_eq(vm->swap.used, 0);
    vm_free(vm);
}

/* Code pages that are evicted and come back hold the same bytes: the CPU's
 * translations stay (no code_changed); code that goes away says so. */
Test(swap, evicted_code_keeps_its_translations_and_unmapped_code_drops_them)
{
    struct vm *vm = make_vm(64, 512, VM_POLICY_FIFO);
    struct vm_mm *mm = vm_mm_new(vm, 1);
    const int pages = 192;
    cr_assert_eq(vm_map(mm, 0x10000000, pages * PG, VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC,
                        0, NULL, 0, "[jit]"), 0);
    for (int i = 0; i < pages; i++)
        poke8(mm, 0x10000000 + i * PG, (uint8_t)i); /* written before any translation */
    rec.code_changes = 0;
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < pages; i++)
            cr_assert(vm_fault_ok(vm_fault(mm, 0x10000000 + i * PG, VM_PROT_EXEC, VM_USER)));
    cr_assert_gt(count_events(VM_EV_SWAP_IN), 0, "pages were evicted and came back");
    cr_assert_eq(rec.code_changes, 0, "eviction and swap-in change no code");
    cr_assert_eq(vm_unmap(mm, 0x10000000, PG), 0);
    cr_assert_eq(rec.code_changes, 1, "unmapped code is gone");
    cr_assert_eq(vm_advise(mm, 0x10001000, PG, VM_ADV_DONTNEED), 0);
    cr_assert_eq(rec.code_changes, 2, "discarded code is gone");
    vm_mm_free(mm);
    vm_check(vm);
    vm_free(vm);
}

/* Reclaim a fault starts names the fault as its cause: each swap-out is
 * traced just before its fault, whose seq it carries; seqs stay in order.
 * Reclaim asked for outside a fault has no cause. */
Test(swap, reclaim_names_the_fault_that_caused_it)
{
    struct vm *vm = make_vm(64, 512, VM_POLICY_FIFO);
    struct vm_mm *mm = vm_mm_new(vm, 1);
    cr_assert_eq(vm_map(mm, 0x10000000, 128 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    for (int i = 0; i < 128; i++)
        poke8(mm, 0x10000000 + (uint64_t)i * PG, 1);
    size_t causes = 0;
    for (size_t i = 0; i < rec.n; i++) {
        const struct vm_event_rec *r = &rec.ev[i];
        cr_assert_eq(r->seq, i + 1, "seq in order");
        if (r->event != VM_EV_SWAP_OUT) {
            cr_assert_eq(r->cause, 0, "only reclaim has a cause");
            continue;
        }
        cr_assert_gt(r->cause, r->seq, "the fault comes after its reclaim");
        const struct vm_event_rec *f = &rec.ev[r->cause - 1];
        cr_assert_eq(f->event, VM_EV_DEMAND_ZERO, "the cause is the fault");
        for (size_t k = i + 1; k < r->cause - 1; k++)
            cr_assert_eq(rec.ev[k].mode, '-', "only reclaim between");
        causes++;
    }
    cr_assert_gt(causes, 0);
    size_t before = rec.n;
    cr_assert_gt(vm_reclaim(vm, 4), 0);
    cr_assert_gt(rec.n, before);
    for (size_t i = before; i < rec.n; i++)
        cr_assert_eq(rec.ev[i].cause, 0, "vm_reclaim is no fault's");
    vm_check(vm);
    vm_mm_free(mm);
    vm_free(vm);
}
