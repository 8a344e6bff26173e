/* vm_mincore: residency as Linux's mincore reports it (present entries,
 * swap entries and the swap cache, the page cache behind pages with no
 * entry), area by area, without faulting or tracing anything. */
#include "vmtest.h"

static struct vm *vm;
static struct vm_mm *mm, *child; /* child: made by the fork tests */

static void setup(void)
{
    machine_up(&vm, &mm, 64, 64);
    child = NULL;
}

static void teardown(void)
{
    machine_down(vm, mm, child);
}

TestSuite(mincore, .init = setup, .fini = teardown);

/* The residency of n pages from addr, as a string of '0' and '1', after
 * checking that asking changed nothing. */
static const char *vec(struct vm_mm *m, uint64_t addr, uint64_t n)
{
    static char s[65];
    uint8_t out[64];
    size_t events = rec.n;
    uint64_t faults = vm_stats(vm)->minor + vm_stats(vm)->major;
    cr_assert_leq(n, 64);
    cr_assert_eq(vm_mincore(m, addr, n, out), (long)n);
    cr_assert_eq(rec.n, events, "mincore traced an event");
    cr_assert_eq(vm_stats(vm)->minor + vm_stats(vm)->major, faults, "mincore faulted");
    for (uint64_t i = 0; i < n; i++) {
        cr_assert(out[i] <= 1);
        s[i] = (char)('0' + out[i]);
    }
    s[n] = 0;
    vm_check(vm);
    return s;
}

Test(mincore, untouched_anonymous_pages_are_not_resident_touched_ones_are)
{
    cr_assert_eq(vm_map(mm, 0x10000, 4 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_str_eq(vec(mm, 0x10000, 4), "0000");
    poke8(mm, 0x11000, 1);
    cr_assert_eq(peek8(mm, 0x13000), 0);
    cr_assert_str_eq(vec(mm, 0x10000, 4), "0101");
    cr_assert_str_eq(vec(mm, 0x11000, 2), "10", "from any page, as many as asked");
}

Test(mincore, a_swapped_out_page_is_not_resident_until_it_comes_back)
{
    cr_assert_eq(vm_map(mm, 0x10000, 3 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    for (int i = 0; i < 3; i++)
        poke8(mm, 0x10000 + i * PG, (uint8_t)(i + 1));
    cr_assert_eq(vm_reclaim(vm, 2), 2, "fifo: the two oldest");
    cr_assert(pte_is_swap(vm_pte(mm, 0x10000)));
    cr_assert_str_eq(vec(mm, 0x10000, 3), "001");
    cr_assert_eq(peek8(mm, 0x11000), 2);
    expect_event(VM_EV_SWAP_IN, 0x11000);
    cr_assert_str_eq(vec(mm, 0x10000, 3), "011");
}

Test(mincore, a_swap_entry_whose_slot_a_sharer_brought_back_is_resident)
{
    cr_assert_eq(vm_map(mm, 0x10000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    poke8(mm, 0x10000, 7);
    child = vm_mm_fork(mm, 2, NULL);
    cr_assert_eq(vm_reclaim(vm, 1), 1);
    cr_assert_str_eq(vec(mm, 0x10000, 1), "0");
    cr_assert_str_eq(vec(child, 0x10000, 1), "0");
    cr_assert_eq(peek8(child, 0x10000), 7);
    cr_assert(pte_is_swap(vm_pte(mm, 0x10000)), "the parent still holds the slot");
    cr_assert_str_eq(vec(mm, 0x10000, 1), "1", "the swap cache has its frame");
}

Test(mincore, a_file_page_in_the_page_cache_is_resident_where_it_is_not_mapped)
{
    int fd = temp_file(3);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "data.bin", false, &err);
    cr_assert_not_null(obj);
    cr_assert_eq(vm_map(mm, 0x10000, 3 * PG, VM_PROT_READ, 0, obj, 0, "data.bin"), 0);
    cr_assert_eq(vm_map(mm, 0x20000, 3 * PG, VM_PROT_READ, 0, obj, 0, "data.bin"), 0);
    cr_assert_str_eq(vec(mm, 0x20000, 3), "000");
    cr_assert_eq(peek8(mm, 0x11000), 2);
    cr_assert_eq(vm_pte(mm, 0x21000), 0, "the second area has no entry");
    cr_assert_str_eq(vec(mm, 0x20000, 3), "010");
    /* Dropped from the cache (clean: nothing written), it is gone. */
    cr_assert_eq(vm_reclaim(vm, 1), 1);
    expect_event(VM_EV_EVICT_CLEAN, 0x11000);
    cr_assert_str_eq(vec(mm, 0x10000, 3), "000");
    cr_assert_str_eq(vec(mm, 0x20000, 3), "000");
    vm_object_put(obj);
    close(fd);
}

Test(mincore, a_file_unmapped_and_mapped_again_keeps_its_cached_pages)
{
    int fd = temp_file(2);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "data.bin", false, &err);
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, VM_PROT_READ, 0, obj, 0, "data.bin"), 0);
    cr_assert_eq(peek8(mm, 0x10000), 1);
    cr_assert_eq(vm_unmap(mm, 0x10000, 2 * PG), 0);
    cr_assert_eq(vm_map(mm, 0x40000, 2 * PG, VM_PROT_READ, 0, obj, 0, "data.bin"), 0);
    cr_assert_str_eq(vec(mm, 0x40000, 2), "10");
    vm_object_put(obj);
    close(fd);
}

Test(mincore, a_private_copy_of_a_file_page_swapped_out_is_not_resident)
{
    int fd = temp_file(2);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "prog", false, &err);
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, RW, 0, obj, 0, "prog:.data"), 0);
    poke8(mm, 0x10000, 9); /* file-read, then the private copy */
    cr_assert_str_eq(vec(mm, 0x10000, 2), "10");
    /* fifo: the cache page first, then the copy. */
    cr_assert_eq(vm_reclaim(vm, 2), 2);
    cr_assert(pte_is_swap(vm_pte(mm, 0x10000)));
    cr_assert_str_eq(vec(mm, 0x10000, 2), "00");
    cr_assert_eq(peek8(mm, 0x10000), 9);
    cr_assert_str_eq(vec(mm, 0x10000, 2), "10");
    vm_object_put(obj);
    close(fd);
}

Test(mincore, shared_anonymous_pages_follow_their_object)
{
    struct vm_object *o = vm_object_anon_shared(vm, 2 * PG);
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, RW, VM_AREA_SHARED, o, 0, "[shared]"), 0);
    vm_object_put(o);
    child = vm_mm_fork(mm, 2, NULL);
    poke8(child, 0x11000, 4);
    cr_assert_str_eq(vec(mm, 0x10000, 2), "01", "the child's page is the parent's too");
    cr_assert_eq(vm_reclaim(vm, 1), 1);
    expect_event(VM_EV_SWAP_OUT, 0x11000);
    cr_assert_str_eq(vec(mm, 0x10000, 2), "00");
    cr_assert_str_eq(vec(child, 0x10000, 2), "00");
    cr_assert_eq(peek8(mm, 0x11000), 4);
    cr_assert_str_eq(vec(child, 0x10000, 2), "01");
}

Test(mincore, stops_at_the_end_of_the_area_and_refuses_holes)
{
    uint8_t out[8];
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_map(mm, 0x12000, 2 * PG, VM_PROT_READ, 0, NULL, 0, "[anon]"), 0);
    poke8(mm, 0x11000, 1);
    memset(out, 7, sizeof out);
    cr_assert_eq(vm_mincore(mm, 0x10000, 8, out), 2, "one area at a time");
    cr_assert_eq(out[0], 0);
    cr_assert_eq(out[1], 1);
    cr_assert_eq(out[2], 7, "nothing written past the area");
    cr_assert_eq(vm_mincore(mm, 0x12000, 8, out), 2);
    cr_assert_eq(vm_mincore(mm, 0x14000, 1, out), -ENOMEM);
    cr_assert_eq(vm_mincore(mm, 0x10800, 1, out), -EINVAL);
    cr_assert_eq(vm_mincore(mm, 0x10000, 0, out), 0);
}

Test(mincore, pages_read_or_written_enter_the_page_cache)
{
    int fd = temp_file(3);
    vm_file_cache(vm, fd, "data.bin", PG + 10, 1);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "data.bin", false, &err);
    cr_assert_eq(vm_map(mm, 0x10000, 4 * PG, VM_PROT_READ, 0, obj, 0, "data.bin"), 0);
    cr_assert_str_eq(vec(mm, 0x10000, 4), "0100", "only the page read");
    cr_assert_eq(vm_fault(mm, 0x11000, VM_PROT_READ, VM_USER), VM_FAULT_CACHE_HIT);
    cr_assert_eq(peek8(mm, 0x11000), 2);
    vm_file_cache(vm, fd, "data.bin", 0, 4 * PG); /* past the end: three pages */
    cr_assert_str_eq(vec(mm, 0x10000, 4), "1110");
    cr_assert_eq(peek8(mm, 0x12000), 3);
    vm_object_put(obj);
    close(fd);
}

Test(mincore, a_write_only_descriptor_fills_the_cache_through_one_that_reads)
{
    char path[] = "/tmp/faultline-test-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, "abc", 3), 3);
    int wr = open(path, O_WRONLY);
    vm_file_cache(vm, wr, "w", 0, 3);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "w", false, &err);
    cr_assert_eq(vm_map(mm, 0x10000, PG, VM_PROT_READ, 0, obj, 0, "w"), 0);
    cr_assert_str_eq(vec(mm, 0x10000, 1), "1");
    cr_assert_eq(peek8(mm, 0x10001), 'b');
    cr_assert_eq(vm_unmap(mm, 0x10000, PG), 0);
    vm_object_put(obj);
    /* Once the file has no name, its cache goes with its last user. */
    unlink(path);
    vm_file_cache(vm, wr, "w", 0, 3);
    cr_assert_eq(vm_frames_free(vm), 64 - 1, "nothing cached (the PML4 is all)");
    close(fd);
    close(wr);
}
