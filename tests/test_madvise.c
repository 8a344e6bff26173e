/* vm_advise, vm_populate and vm_sync walk a range area by area as Linux's
 * madvise and msync do: holes stepped over and reported at the end, areas
 * that cannot take the advice refused; DONTNEED, FREE, REMOVE (a hole
 * punched in the object), the fork flags, and populating. */
#include "vmtest.h"

#include <sys/stat.h>

static struct vm *vm;
static struct vm_mm *mm, *child;

static void setup(void)
{
    machine_up(&vm, &mm, 64, 64);
    child = NULL;
}

static void teardown(void)
{
    machine_down(vm, mm, child);
}

TestSuite(madvise, .init = setup, .fini = teardown);

static bool present(struct vm_mm *m, uint64_t va)
{
    return vm_pte(m, va) & PTE_P;
}

Test(madvise, dontneed_over_a_hole_drops_the_mapped_pages_and_says_enomem)
{
    cr_assert_eq(vm_map(mm, 0x10000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_map(mm, 0x12000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    poke8(mm, 0x10000, 5);
    poke8(mm, 0x12000, 6);
    cr_assert_eq(vm_advise(mm, 0x10000, 3 * PG, VM_ADV_DONTNEED), -ENOMEM);
    cr_assert(!present(mm, 0x10000) && !present(mm, 0x12000), "both areas dropped");
    cr_assert_eq(peek8(mm, 0x10000), 0);
    cr_assert_eq(vm_advise(mm, 0x13000, PG, VM_ADV_NONE), -ENOMEM, "nothing there");
    cr_assert_eq(vm_advise(mm, 0x10000, 0, VM_ADV_DONTNEED), 0);
    cr_assert_eq(vm_advise(mm, 0x10800, PG, VM_ADV_NONE), -EINVAL);
    cr_assert_eq(vm_advise(mm, 0x10000, ~0ULL, VM_ADV_NONE), -EINVAL, "rounds up to zero");
    vm_check(vm);
}

Test(madvise, free_and_wipeonfork_take_private_anonymous_memory_only)
{
    int fd = temp_file(1);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "f", false, &err);
    cr_assert_eq(vm_map(mm, 0x10000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_map(mm, 0x11000, PG, RW, 0, obj, 0, "f"), 0);
    poke8(mm, 0x10000, 1);
    cr_assert_eq(vm_advise(mm, 0x10000, 2 * PG, VM_ADV_FREE), -EINVAL);
    cr_assert(!present(mm, 0x10000), "the anonymous area before was freed");
    cr_assert_eq(vm_advise(mm, 0x11000, PG, VM_ADV_WIPEONFORK), -EINVAL);
    cr_assert_eq(vm_advise(mm, 0x10000, PG, VM_ADV_WIPEONFORK), 0);
    vm_object_put(obj);
    close(fd);
    vm_check(vm);
}

Test(madvise, remove_punches_a_hole_in_a_shared_file_for_every_mapping)
{
    int fd = temp_file(2);
    int err = 0;
    cr_assert_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    struct vm_object *obj = vm_object_file(vm, fd, "f", true, &err);
    cr_assert_not_null(obj);
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, RW, VM_AREA_SHARED, obj, 0, "f"), 0);
    cr_assert_eq(vm_map(mm, 0x20000, 2 * PG, VM_PROT_READ, VM_AREA_SHARED | VM_AREA_NOWRITE,
                        obj, 0, "f"), 0);
    cr_assert_eq(vm_map(mm, 0x30000, PG, RW, 0, obj, 0, "f"), 0);
    poke8(mm, 0x30000, 9); /* a private copy: a hole does not reach it */
    cr_assert_eq(peek8(mm, 0x20000), 1);
    cr_assert_eq(vm_advise(mm, 0x20000, PG, VM_ADV_REMOVE), -EACCES, "opened read-only");
    cr_assert_eq(vm_advise(mm, 0x30000, PG, VM_ADV_REMOVE), -EACCES, "private");
    cr_assert_eq(vm_advise(mm, 0x10000, PG, VM_ADV_REMOVE), 0);
    cr_assert(!present(mm, 0x20000), "gone from the other mapping too");
    cr_assert_eq(peek8(mm, 0x20000), 0);
    cr_assert_eq(peek8(mm, 0x11000), 2, "the next page stays");
    cr_assert_eq(peek8(mm, 0x30000), 9);
    uint8_t b = 7;
    cr_assert_eq(pread(fd, &b, 1, 0), 1);
    cr_assert_eq(b, 0, "the file's bytes are zero there");
    struct stat st;
    cr_assert_eq(fstat(fd, &st), 0);
    cr_assert_eq(st.st_size, 2 * PG, "and its size stays");
    vm_object_put(obj);
    close(fd);
    vm_check(vm);
}

Test(madvise, remove_of_shared_anonymous_memory_frees_its_pages_and_slots)
{
    cr_assert_eq(vm_map(mm, 0x10000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_advise(mm, 0x10000, PG, VM_ADV_REMOVE), -EINVAL, "no object");
    struct vm_object *o = vm_object_anon_shared(vm, 2 * PG);
    cr_assert_eq(vm_map(mm, 0x20000, 2 * PG, RW, VM_AREA_SHARED, o, 0, "[shared]"), 0);
    vm_object_put(o);
    poke8(mm, 0x20000, 3);
    poke8(mm, 0x21000, 4);
    cr_assert_eq(vm_reclaim(vm, 1), 1);
    cr_assert_eq(vm->swap.used, 1, "page 0 in swap");
    cr_assert_eq(vm_advise(mm, 0x20000, 2 * PG, VM_ADV_REMOVE), 0);
    cr_assert_eq(vm->swap.used, 0, "its slot freed");
    cr_assert_eq(peek8(mm, 0x20000), 0);
    cr_assert_eq(peek8(mm, 0x21000), 0);
    vm_check(vm);
}

Test(madvise, a_fork_child_gets_no_dontfork_area_and_an_empty_wipeonfork_one)
{
    cr_assert_eq(vm_map(mm, 0x10000, 3 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    for (int i = 0; i < 3; i++)
        poke8(mm, 0x10000 + i * PG, (uint8_t)(i + 1));
    cr_assert_eq(vm_advise(mm, 0x10000, PG, VM_ADV_WIPEONFORK), 0);
    cr_assert_eq(vm_advise(mm, 0x11000, PG, VM_ADV_DONTFORK), 0);
    cr_assert_eq(vm_area_count(mm), 3, "split to fit");
    child = vm_mm_fork(mm, 2, NULL);
    cr_assert_not_null(child);
    struct vm_area_info ai;
    cr_assert(vm_area_at(child, 0x10000, &ai));
    cr_assert_eq(ai.resident, 0, "wiped");
    cr_assert(!vm_area_at(child, 0x11000, &ai), "not given");
    cr_assert_eq(peek8(child, 0x10000), 0);
    cr_assert_eq(peek8(child, 0x12000), 3);
    cr_assert_eq(peek8(mm, 0x10000), 1, "the parent keeps its pages");
    cr_assert_eq(peek8(mm, 0x11000), 2);
    cr_assert_eq(vm_advise(mm, 0x10000, 2 * PG, VM_ADV_KEEPONFORK), 0);
    cr_assert_eq(vm_advise(mm, 0x10000, 2 * PG, VM_ADV_DOFORK), 0);
    cr_assert_eq(vm_area_count(mm), 1, "merged back");
    vm_check(vm);
}

Test(madvise, populate_faults_in_up_to_a_hole_or_a_refusal)
{
    cr_assert_eq(vm_map(mm, 0x10000, 2 * PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_map(mm, 0x13000, PG, VM_PROT_READ, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_populate(mm, 0x10000, 3 * PG, true), -ENOMEM);
    cr_assert(present(mm, 0x10000) && present(mm, 0x11000));
    cr_assert(vm_pte(mm, 0x11000) & PTE_W, "faulted in for writing");
    cr_assert_eq(last_event()->mode, 'k');
    cr_assert_eq(vm_populate(mm, 0x13000, PG, true), -EINVAL, "read-only");
    cr_assert_eq(vm_populate(mm, 0x13000, PG, false), 0);
    cr_assert(present(mm, 0x13000));
    int fd = temp_file(1);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "f", false, &err);
    cr_assert_eq(vm_map(mm, 0x20000, 2 * PG, VM_PROT_READ, 0, obj, 0, "f"), 0);
    cr_assert_eq(vm_populate(mm, 0x20000, 2 * PG, false), -EFAULT, "past the end of the file");
    cr_assert(present(mm, 0x20000));
    vm_object_put(obj);
    close(fd);
    vm_check(vm);
}

Test(madvise, msync_writes_back_the_areas_around_a_hole_and_says_enomem)
{
    int fd = temp_file(3);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "f", true, &err);
    cr_assert_eq(vm_map(mm, 0x10000, PG, RW, VM_AREA_SHARED, obj, 0, "f"), 0);
    cr_assert_eq(vm_map(mm, 0x12000, PG, RW, VM_AREA_SHARED, obj, 2 * PG, "f"), 0);
    poke8(mm, 0x10000, 0x41);
    poke8(mm, 0x12000, 0x42);
    cr_assert_eq(vm_sync(mm, 0x10000, 3 * PG), -ENOMEM);
    uint8_t b[2];
    cr_assert_eq(pread(fd, &b[0], 1, 0), 1);
    cr_assert_eq(pread(fd, &b[1], 1, 2 * PG), 1);
    cr_assert_eq(b[0], 0x41, "written back before the hole");
    cr_assert_eq(b[1], 0x42, "and after it");
    cr_assert_eq(vm_sync(mm, 0x10000, PG), 0);
    cr_assert_eq(vm_sync(mm, 0x10000, ~0ULL - 0x10000), -ENOMEM, "wraps");
    vm_object_put(obj);
    close(fd);
    vm_check(vm);
}

Test(madvise, willneed_reads_a_file_ahead_into_the_page_cache)
{
    int fd = temp_file(2);
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, "f", false, &err);
    cr_assert_eq(vm_map(mm, 0x10000, 3 * PG, VM_PROT_READ, 0, obj, 0, "f"), 0);
    cr_assert_eq(vm_map(mm, 0x20000, PG, RW, 0, NULL, 0, "[anon]"), 0);
    cr_assert_eq(vm_advise(mm, 0x10000, 3 * PG, VM_ADV_WILLNEED), 0);
    cr_assert_eq(vm_advise(mm, 0x20000, PG, VM_ADV_WILLNEED), 0, "anonymous: nothing to do");
    cr_assert(!present(mm, 0x10000), "nothing mapped");
    uint8_t out[3];
    cr_assert_eq(vm_mincore(mm, 0x10000, 3, out), 3);
    cr_assert(out[0] && out[1] && !out[2], "up to the end of the file");
    cr_assert_eq(vm_fault(mm, 0x11000, VM_PROT_READ, VM_USER), VM_FAULT_CACHE_HIT);
    vm_object_put(obj);
    close(fd);
    vm_check(vm);
}
