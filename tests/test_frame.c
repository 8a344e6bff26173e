/* Frames: allocation, contiguity, refcounts, reverse map. */
#include "vmtest.h"

Test(frame, alloc_follows_hint_and_stays_contiguous)
{
    struct vm *vm = make_vm(64, 0, VM_POLICY_CLOCK);
    uint32_t a = frame_alloc(vm, FRAME_ANON, NO_FRAME);
    uint32_t b = frame_alloc(vm, FRAME_ANON, a + 1);
    cr_assert_eq(b, a + 1);
    uint32_t c = frame_alloc(vm, FRAME_ANON, NO_FRAME);
    cr_assert_eq(c, b + 1, "next-fit keeps going after the last frame");
    frame_put(vm, a);
    frame_put(vm, b);
    frame_put(vm, c);
    cr_assert_eq(vm_frames_free(vm), 64);
    vm_check(vm);
    vm_free(vm);
}

Test(frame, taken_hint_falls_back_to_next_free)
{
    struct vm *vm = make_vm(32, 0, VM_POLICY_CLOCK);
    uint32_t a = frame_alloc(vm, FRAME_ANON, 5);
    cr_assert_eq(a, 5);
    uint32_t b = frame_alloc(vm, FRAME_ANON, 5);
    cr_assert_neq(b, 5);
    frame_put(vm, a);
    frame_put(vm, b);
    vm_check(vm);
    vm_free(vm);
}

Test(frame, exhaustion_returns_no_frame)
{
    struct vm *vm = make_vm(16, 0, VM_POLICY_CLOCK);
    uint32_t f[16];
    for (int i = 0; i < 16; i++) {
        f[i] = frame_alloc(vm, FRAME_ANON, NO_FRAME);
        cr_assert_neq(f[i], NO_FRAME);
    }
    cr_assert_eq(frame_alloc(vm, FRAME_ANON, NO_FRAME), NO_FRAME);
    cr_assert_eq(vm_stats(vm)->peak_frames, 16);
    for (int i = 0; i < 16; i++)
        frame_put(vm, f[i]);
    cr_assert_eq(vm_frames_free(vm), 16);
    vm_free(vm);
}

Test(frame, refcount_keeps_frame_until_last_put)
{
    struct vm *vm = make_vm(16, 0, VM_POLICY_CLOCK);
    uint32_t f = frame_alloc(vm, FRAME_ANON, NO_FRAME);
    vm->dram.frames[f].refs++;
    frame_put(vm, f);
    cr_assert_eq(vm_frames_free(vm), 15);
    frame_put(vm, f);
    cr_assert_eq(vm_frames_free(vm), 16);
    vm_free(vm);
}

Test(frame, put_of_free_frame_aborts, .signal = SIGABRT)
{
    struct vm *vm = make_vm(16, 0, VM_POLICY_CLOCK);
    uint32_t f = frame_alloc(vm, FRAME_ANON, NO_FRAME);
    frame_put(vm, f);
    frame_put(vm, f);
}

Test(frame, rmap_grows_past_one_entry_and_shrinks)
{
    struct vm *vm = make_vm(16, 0, VM_POLICY_CLOCK);
    uint32_t f = frame_alloc(vm, FRAME_ANON, NO_FRAME);
    struct vm_mm *mms[6];
    for (int i = 0; i < 6; i++) {
        mms[i] = (struct vm_mm *)(uintptr_t)(0x1000 * (i + 1));
        rmap_add(vm, f, mms[i], 0x400000);
    }
    cr_assert_eq(vm->dram.frames[f].nrmap, 6);
    for (int i = 5; i >= 0; i--)
        rmap_remove(vm, f, mms[i], 0x400000);
    cr_assert_eq(vm->dram.frames[f].nrmap, 0);
    frame_put(vm, f);
    vm_free(vm);
}

Test(frame, bad_frame_count_is_an_error)
{
    struct vm_config cfg = {.frames = 3};
    char err[128];
    cr_assert_null(vm_new(&cfg, err, sizeof err));
    cr_assert(strstr(err, "--frames") != NULL, "message: %s", err);
    cfg.frames = (uint32_t)VM_FRAMES_MAX + 1;
    cr_assert_null(vm_new(&cfg, err, sizeof err));
}
