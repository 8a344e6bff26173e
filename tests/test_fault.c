/* vm_fault: demand-zero, file read, cache hit, COW, reuse, SIGSEGV, SIGBUS. */
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
    /* What is left is the page cache of files nobody maps: reclaimable. */
    vm_reclaim(vm, 256);
    vm_check(vm);
    cr_assert_eq(vm_frames_free(vm), 256, "every frame came back");
    vm_free(vm);
}

TestSuite(fault, .init = setup, .fini = teardown);

Test(fault, first_touch_of_anonymous_page_is_demand_zero)
{
    cr_assert_eq(vm_map(mm, 0x10000, 4 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_fault(mm, 0x10008, VM_PROT_READ, VM_USER), VM_FAULT_DEMAND_ZERO);
    expect_event(VM_EV_DEMAND_ZERO, 0x10000);
    const struct vm_event_rec *r = last_event();
    cr_assert_eq(r->pid, 1);
    cr_assert_eq(r->access, 'R');
    cr_assert_eq(r->mode, 'u');
    cr_assert_str_eq(r->area, "[anon]");
    pte_t e = vm_pte(mm, 0x10000);
    cr_assert(e & PTE_P && e & PTE_W && e & PTE_NX);
    cr_assert_eq((int64_t)pte_frame(e), r->frame);
    cr_assert_eq(peek8(mm, 0x10fff), 0);
    cr_assert_eq(rec.maps, 1, "the port saw the new page");
    vm_check(vm);
}

Test(fault, n_pages_touched_give_n_demand_zero_events)
{
    cr_assert_eq(vm_map(mm, 0x10000, 32 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    for (int i = 0; i < 32; i++)
        cr_assert_eq(vm_touch(mm, 0x10000 + i * PG + 17, VM_PROT_WRITE, VM_USER), 0);
    for (int i = 0; i < 32; i++)
        cr_assert_eq(vm_touch(mm, 0x10000 + i * PG, VM_PROT_READ, VM_USER), 0);
    cr_assert_eq(count_events(VM_EV_DEMAND_ZERO), 32);
    cr_assert_eq(rec.n, 32, "second touches do not fault");
    for (int i = 1; i < 32; i++)
        cr_assert_eq(rec.ev[i].frame, rec.ev[i - 1].frame + 1, "neighbours get neighbours");
    vm_check(vm);
}

Test(fault, access_bits_follow_the_access)
{
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    vm_touch(mm, 0x10000, VM_PROT_READ, VM_USER);
    vm_touch(mm, 0x11000, VM_PROT_WRITE, VM_USER);
    cr_assert(vm_pte(mm, 0x10000) & PTE_A);
    cr_assert(!(vm_pte(mm, 0x10000) & PTE_D));
    cr_assert(vm_pte(mm, 0x11000) & PTE_D);
}

Test(fault, no_area_is_maperr_and_wrong_access_is_accerr)
{
    cr_assert_eq(vm_map(mm, 0x10000, PG, VM_PROT_READ, 0, NULL, 0, "ro"), 0);
    cr_assert_eq(vm_fault(mm, 0x20000, VM_PROT_READ, VM_USER), VM_FAULT_SEGV_MAPERR);
    expect_event(VM_EV_SEGV, 0x20000);
    cr_assert_str_eq(last_event()->detail, "MAPERR");
    cr_assert_str_eq(last_event()->area, "-");
    cr_assert_eq(vm_fault(mm, 0x10000, VM_PROT_WRITE, VM_USER), VM_FAULT_SEGV_ACCERR);
    cr_assert_str_eq(last_event()->area, "ro");
    cr_assert_eq(vm_fault(mm, 0x10000, VM_PROT_EXEC, VM_USER), VM_FAULT_SEGV_ACCERR);
    cr_assert_eq(vm_fault(mm, 0xffff800000000000ULL, VM_PROT_READ, VM_USER),
                 VM_FAULT_SEGV_MAPERR, "kernel half");
    cr_assert_eq(vm_fault(mm, VM_RESERVED_START + 8, VM_PROT_READ, VM_USER),
                 VM_FAULT_SEGV_MAPERR, "frames reserve");
    cr_assert_eq(vm_stats(vm)->events[VM_EV_SEGV], 5);
}

Test(fault, kernel_copy_to_bad_pointer_is_efault_and_traced_as_kernel)
{
    uint8_t buf[16] = {0};
    cr_assert_eq(vm_copy_out(mm, 0x30000, buf, sizeof buf), -EFAULT);
    cr_assert_eq(last_event()->mode, 'k');
    cr_assert_eq(last_event()->access, 'W');
    cr_assert_eq(vm_copy_in(mm, buf, ~0ULL - 4, 16), -EFAULT, "wrapping range");
}

Test(fault, copies_cross_page_boundaries)
{
    cr_assert_eq(vm_map(mm, 0x10000, 3 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    char out[6000], in[6000];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (char)(i * 7);
    cr_assert_eq(vm_copy_out(mm, 0x10ff0, out, sizeof out), 0);
    cr_assert_eq(vm_copy_in(mm, in, 0x10ff0, sizeof in), 0);
    cr_assert_eq(memcmp(in, out, sizeof in), 0);
    cr_assert_eq(count_events(VM_EV_DEMAND_ZERO), 3);
    cr_assert_eq(rec.ev[0].mode, 'k');
}

Test(fault, copy_str_in_stops_at_nul_and_limit)
{
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_copy_out(mm, 0x10ffd, "hello", 6), 0);
    char s[16];
    cr_assert_eq(vm_copy_str_in(mm, s, 0x10ffd, sizeof s), 5);
    cr_assert_str_eq(s, "hello");
    cr_assert_eq(vm_copy_str_in(mm, s, 0x10ffd, 3), -ENAMETOOLONG);
    cr_assert_eq(vm_copy_str_in(mm, s, 0x90000, 3), -EFAULT);
}

Test(fault, file_page_read_then_cache_hit_in_second_area)
{
    int fd = temp_file(3);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "data.bin", false, &err);
    cr_assert_not_null(obj);
    cr_assert_eq(vm_map(mm, 0x10000, 3 * PG, VM_PROT_READ, 0, obj, 0, "data.bin"), 0);
    cr_assert_eq(vm_map(mm, 0x20000, PG, VM_PROT_READ, 0, obj, PG, "data.bin"), 0);
    cr_assert_eq(vm_fault(mm, 0x11000, VM_PROT_READ, VM_USER), VM_FAULT_FILE_READ);
    expect_event(VM_EV_FILE_READ, 0x11000);
    cr_assert_str_eq(last_event()->detail, "off=0x1000");
    cr_assert_eq(peek8(mm, 0x11000), 2);
    cr_assert_eq(vm_fault(mm, 0x20000, VM_PROT_READ, VM_USER), VM_FAULT_CACHE_HIT);
    cr_assert_eq(pte_frame(vm_pte(mm, 0x20000)), pte_frame(vm_pte(mm, 0x11000)),
                 "one frame for one file page");
    cr_assert_eq(vm_stats(vm)->major, 1);
    vm_check(vm);
    vm_object_put(obj);
    close(fd);
}

Test(fault, second_object_for_same_file_shares_the_cache)
{
    int fd = temp_file(1);
    int fd2 = dup(fd), err = 0;
    struct vm_object *a = vm_object_file(vm, fd, "f", false, &err);
    struct vm_object *b = vm_object_file(vm, fd2, "f", false, &err);
    cr_assert_eq(a, b, "device+inode finds the same object");
    vm_object_put(a);
    vm_object_put(b);
    close(fd);
    close(fd2);
}

Test(fault, write_to_private_file_page_copies)
{
    int fd = temp_file(2);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "prog", false, &err);
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, RW, 0, obj, 0, "prog:.data"), 0);
    vm_touch(mm, 0x10000, VM_PROT_READ, VM_USER);
    uint32_t cached = pte_frame(vm_pte(mm, 0x10000));
    cr_assert(!(vm_pte(mm, 0x10000) & PTE_W), "file page mapped read-only first");
    cr_assert_eq(vm_fault(mm, 0x10000, VM_PROT_WRITE, VM_USER), VM_FAULT_COW);
    expect_event(VM_EV_COW, 0x10000);
    char from[16];
    snprintf(from, sizeof from, "from=%u", cached);
    cr_assert_str_eq(last_event()->detail, from);
    cr_assert_neq(pte_frame(vm_pte(mm, 0x10000)), cached);
    cr_assert_eq(peek8(mm, 0x10000), 1, "the copy has the file's bytes");
    poke8(mm, 0x10000, 0xee);
    uint8_t b;
    cr_assert_eq(pread(fd, &b, 1, 0), 1);
    cr_assert_eq(b, 1, "a private write never reaches the file");
    /* First touch being a write: read the file and copy in one fault. */
    cr_assert_eq(vm_fault(mm, 0x11000, VM_PROT_WRITE, VM_USER), VM_FAULT_COW);
    cr_assert_eq(rec.ev[rec.n - 2].event, VM_EV_FILE_READ);
    cr_assert_eq(peek8(mm, 0x11000), 2);
    vm_check(vm);
    vm_object_put(obj);
    close(fd);
}

Test(fault, shared_file_mapping_writes_reach_the_file_on_unmap)
{
    int fd = temp_file(2);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "shared.bin", true, &err);
    cr_assert_not_null(obj, "err %d", err);
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, RW, VM_AREA_SHARED, obj, 0, "shared.bin"), 0);
    poke8(mm, 0x11004, 0x5a);
    cr_assert_eq(vm_unmap(mm, 0x10000, 2 * PG), 0);
    expect_event(VM_EV_WRITEBACK, 0x11000);
    uint8_t b;
    cr_assert_eq(pread(fd, &b, 1, PG + 4), 1);
    cr_assert_eq(b, 0x5a);
    vm_object_put(obj);
    close(fd);
}

Test(fault, msync_writes_back_and_clears_dirty)
{
    int fd = temp_file(1);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "s", true, &err);
    cr_assert_eq(vm_map(mm, 0x10000, PG, RW, VM_AREA_SHARED, obj, 0, "s"), 0);
    poke8(mm, 0x10000, 0x77);
    rec.flushes = 0;
    cr_assert_eq(vm_sync(mm, 0x10000, PG), 0);
    expect_event(VM_EV_WRITEBACK, 0x10000);
    cr_assert(!(vm_pte(mm, 0x10000) & PTE_D));
    cr_assert_eq(rec.flushes, 1, "cleared D bits need a flush");
    size_t n = rec.n;
    cr_assert_eq(vm_sync(mm, 0x10000, PG), 0);
    cr_assert_eq(rec.n, n, "clean: nothing to write");
    uint8_t b;
    cr_assert_eq(pread(fd, &b, 1, 0), 1);
    cr_assert_eq(b, 0x77);
    vm_object_put(obj);
    close(fd);
}

Test(fault, shared_mapping_needs_writable_fd)
{
    int fd = temp_file(1);
    int rfd = open("/proc/self/fd/0", O_RDONLY);
    (void)rfd;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int ro = open(path, O_RDONLY);
    int err = 0;
    cr_assert_null(vm_object_file(vm, ro, "x", true, &err));
    cr_assert_eq(err, -EACCES);
    close(ro);
    if (rfd >= 0)
        close(rfd);
    close(fd);
}

Test(fault, page_past_end_of_file_is_sigbus)
{
    int fd = temp_file(1);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "short", false, &err);
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, VM_PROT_READ, 0, obj, 0, "short"), 0);
    cr_assert_eq(vm_fault(mm, 0x11000, VM_PROT_READ, VM_USER), VM_FAULT_SIGBUS);
    expect_event(VM_EV_SIGBUS, 0x11000);
    cr_assert_eq(ftruncate(fd, 2 * PG), 0);
    cr_assert_eq(vm_fault(mm, 0x11000, VM_PROT_READ, VM_USER), VM_FAULT_FILE_READ,
                 "the file grew");
    cr_assert_eq(peek8(mm, 0x11000), 0);
    vm_object_put(obj);
    close(fd);
}

Test(fault, partial_last_page_reads_zero_past_eof)
{
    int fd = temp_file(0);
    cr_assert_eq(write(fd, "abc", 3), 3);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "tiny", false, &err);
    cr_assert_eq(vm_map(mm, 0x10000, PG, VM_PROT_READ, 0, obj, 0, "tiny"), 0);
    cr_assert_eq(peek8(mm, 0x10002), 'c');
    cr_assert_eq(peek8(mm, 0x10003), 0);
    vm_object_put(obj);
    close(fd);
}

Test(fault, executable_area_pages_are_executable)
{
    cr_assert_eq(vm_map(mm, 0x10000, PG, RX, 0, NULL, 0, "code"), 0);
    cr_assert_eq(vm_touch(mm, 0x10000, VM_PROT_EXEC, VM_USER), 0);
    cr_assert(!(vm_pte(mm, 0x10000) & PTE_NX));
    cr_assert_eq(last_event()->access, 'X');
}

Test(fault, kernel_write_into_code_tells_the_port)
{
    cr_assert_eq(vm_map(mm, 0x10000, PG, RW | VM_PROT_EXEC, 0, NULL, 0, "jit"), 0);
    poke8(mm, 0x10000, 0xc3);
    cr_assert_eq(rec.code_changes, 1);
}

Test(fault, page_cache_outlives_the_last_mapping)
{
    int fd = temp_file(2), err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "lib.so", false, &err);
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, VM_PROT_READ, 0, obj, 0, "lib.so"), 0);
    vm_object_put(obj);
    cr_assert_eq(peek8(mm, 0x10000), 1);
    expect_event(VM_EV_FILE_READ, 0x10000);
    cr_assert_eq(vm_unmap(mm, 0x10000, 2 * PG), 0);
    /* A later program maps the same file: the page is still cached. */
    obj = vm_object_file(vm, fd, "lib.so", false, &err);
    cr_assert_eq(vm_map(mm, 0x20000, 2 * PG, VM_PROT_READ, 0, obj, 0, "lib.so"), 0);
    vm_object_put(obj);
    cr_assert_eq(peek8(mm, 0x20000), 1);
    expect_event(VM_EV_CACHE_HIT, 0x20000);
    vm_check(vm);
    close(fd);
}

Test(fault, page_cache_of_a_changed_file_is_dropped)
{
    int fd = temp_file(1), err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "f", false, &err);
    cr_assert_eq(vm_map(mm, 0x10000, PG, VM_PROT_READ, 0, obj, 0, "f"), 0);
    vm_object_put(obj);
    cr_assert_eq(peek8(mm, 0x10000), 1);
    cr_assert_eq(vm_unmap(mm, 0x10000, PG), 0);
    /* Another program rewrites the file while nobody maps it. */
    uint8_t page[PG];
    memset(page, 9, sizeof page);
    cr_assert_eq(pwrite(fd, page, PG, 0), (ssize_t)PG);
    cr_assert_eq(pwrite(fd, page, 1, PG), 1, "and it grows, so its size changes");
    obj = vm_object_file(vm, fd, "f", false, &err);
    cr_assert_eq(vm_map(mm, 0x10000, PG, VM_PROT_READ, 0, obj, 0, "f"), 0);
    vm_object_put(obj);
    cr_assert_eq(peek8(mm, 0x10000), 9, "the new bytes, not the cached ones");
    expect_event(VM_EV_FILE_READ, 0x10000);
    close(fd);
}
