/*
 * calib.c - what the emulated CPU must be told or corrected, found once at
 * start-up: EFER.NXE and EFER.SCE set through a saved context (2.0.1
 * masks them in wrmsr), a CPL-3 long-mode context reached with sysretq
 * that every engine starts from, and the offsets of the "exception in
 * flight" field and the #PF error code inside libunicorn's context blob,
 * found by diffing two deliberate faults (DESIGN facts 2, 3).
 */
#include "emu/cpu/engine.h"
#include "emu/cpu/fpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSR_EFER 0xC0000080u
#define MSR_STAR 0xC0000081u
#define EFER_SCE (1ULL << 0)
#define EFER_NXE (1ULL << 11)
#define CR4_PAE (1ULL << 5)
#define CALIB_CODE (VM_RESERVED_END - 2 * VM_PAGE_SIZE)
#define CALIB_DATA (VM_RESERVED_END - 4 * VM_PAGE_SIZE)
#define CALIB_TABLES (VM_RESERVED_END - 12 * VM_PAGE_SIZE)

/* --- calibration ------------------------------------------------------------------- */

struct calib_run {
    struct cpu_calib *cal;
    uint8_t *snap;
    int hits;
};

static void calib_on_intr(uc_engine *uc, uint32_t vector, void *user)
{
    struct calib_run *cr = user;
    (void)vector;
    uc_context_save(uc, cr->cal->user_ctx);
    memcpy(cr->snap, cr->cal->user_ctx, cr->cal->ctx_size);
    cr->hits++;
    uc_emu_stop(uc);
}

static void calib_on_syscall(uc_engine *uc, void *user)
{
    struct calib_run *cr = user;
    uc_context_save(uc, cr->cal->user_ctx); /* CPL 3, long mode: the template */
    cr->hits++;
    uc_emu_stop(uc);
}

static uint64_t *calib_pte(uint8_t *tables, uint64_t va)
{
    /* Tables at CALIB_TABLES: PML4, PDPT, PD, PT, one each (one 2 MiB window). */
    uint64_t *t = (uint64_t *)tables;
    for (int level = 3; level > 0; level--) {
        uint64_t *e = &t[(va >> (12 + 9 * level)) & 511];
        uint64_t next = CALIB_TABLES + (uint64_t)(4 - level) * VM_PAGE_SIZE;
        if (!(*e & PTE_P))
            *e = next | PTE_P | PTE_W | PTE_U;
        t = (uint64_t *)(tables + ((*e & PTE_ADDR) - CALIB_TABLES));
    }
    return &t[(va >> 12) & 511];
}

/* Find the offset of a 32-bit field that reads `before` in a and `after`
 * in b and c's pattern; -1 unless exactly one. */
static long find_field(const uint8_t *before, const uint8_t *a, const uint8_t *b, size_t n,
                       int32_t v0, int32_t va, int32_t vb)
{
    long found = -1;
    int hits = 0;
    for (size_t k = 0; k + 4 <= n; k += 4) {
        int32_t x, y, z;
        memcpy(&x, before + k, 4);
        memcpy(&y, a + k, 4);
        memcpy(&z, b + k, 4);
        if (x == v0 && y == va && z == vb) {
            found = (long)k;
            hits++;
        }
    }
    return hits == 1 ? found : -1;
}

static int calib_set_efer(uc_engine *uc, struct cpu_calib *cal, char *err, size_t errlen)
{
    uc_x86_msr msr = {MSR_EFER, 0};
    uc_reg_read(uc, UC_X86_REG_MSR, &msr);
    uint64_t efer = msr.value, want = efer | EFER_NXE | EFER_SCE;
    uc_context_save(uc, cal->user_ctx);
    uint8_t *blob = (uint8_t *)cal->user_ctx;
    for (size_t k = 0; k + 8 <= cal->ctx_size; k += 4) {
        uint64_t x;
        memcpy(&x, blob + k, 8);
        if (x != efer)
            continue;
        memcpy(blob + k, &want, 8);
        uc_context_restore(uc, cal->user_ctx);
        uc_reg_read(uc, UC_X86_REG_MSR, &msr);
        if (msr.value == want)
            return 0;
        memcpy(blob + k, &x, 8);
        uc_context_restore(uc, cal->user_ctx);
    }
    snprintf(err, errlen, "cannot enable NX and SYSCALL in the emulated CPU (EFER %#llx)",
             (unsigned long long)efer);
    return -1;
}

static int calibrate(struct cpu_calib *cal, char *err, size_t errlen);

int cpu_calibrate(struct cpu_calib **out, char *err, size_t errlen)
{
    struct cpu_calib *cal = calloc(1, sizeof *cal);
    if (!cal) {
        snprintf(err, errlen, "out of memory during CPU calibration");
        return -1;
    }
    if (calibrate(cal, err, errlen) < 0) {
        free(cal);
        return -1;
    }
    *out = cal;
    return 0;
}

/* Map the calibration code, data and page tables into uc and set the
 * registers so that running from CALIB_CODE enters CPL 3 with sysretq
 * and stops at the syscall that follows. */
static void calib_setup(uc_engine *uc, uint8_t *tables)
{
    /* code: sysretq (enter CPL 3 at RCX); at user RIP: syscall; then
     * mov [rdi], rax (write fault); mov rax, [rsi] (read fault). */
    static const uint8_t code[] = {
        0x48, 0x0f, 0x07,       /* +0  sysretq */
        0x0f, 0x05,             /* +3  syscall */
        0x48, 0x89, 0x07,       /* +5  mov [rdi], rax */
        0x48, 0x8b, 0x06,       /* +8  mov rax, [rsi] */
        0xf4,                   /* +11 hlt */
    };
    uc_mem_map_ptr(uc, CALIB_TABLES, 8 * VM_PAGE_SIZE, UC_PROT_READ | UC_PROT_WRITE, tables);
    uc_mem_map(uc, CALIB_CODE, VM_PAGE_SIZE, UC_PROT_ALL);
    uc_mem_map(uc, CALIB_DATA, 2 * VM_PAGE_SIZE, UC_PROT_ALL);
    uc_mem_write(uc, CALIB_CODE, code, sizeof code);
    *calib_pte(tables, CALIB_CODE) = CALIB_CODE | PTE_P | PTE_U; /* user code */
    uint64_t v = CALIB_TABLES;
    uc_reg_write(uc, UC_X86_REG_CR3, &v);
    uc_reg_read(uc, UC_X86_REG_CR4, &v);
    v |= CR4_PAE;
    uc_reg_write(uc, UC_X86_REG_CR4, &v);
    uc_reg_read(uc, UC_X86_REG_CR0, &v);
    v |= (1ULL << 31) | (1ULL << 16) | 1; /* PG, WP, PE */
    uc_reg_write(uc, UC_X86_REG_CR0, &v);
    /* sysretq loads CS = STAR[63:48] + 16 | 3 = 0x33, SS = 0x2b, as Linux. */
    uc_x86_msr star = {MSR_STAR, 0x23ULL << 48 | 0x10ULL << 32};
    uc_reg_write(uc, UC_X86_REG_MSR, &star);
    v = CALIB_CODE + 3;
    uc_reg_write(uc, UC_X86_REG_RCX, &v);
    v = 0x202;
    uc_reg_write(uc, UC_X86_REG_R11, &v);
    v = CALIB_DATA;
    uc_reg_write(uc, UC_X86_REG_RDI, &v);
    v = CALIB_DATA + VM_PAGE_SIZE;
    uc_reg_write(uc, UC_X86_REG_RSI, &v);
}

/* From the user-mode template, take two deliberate faults, a write
 * (error code 6: W|U) and a read (4: U), both on not-present pages, and
 * find the two fields by how they changed. */
static int calib_offsets(uc_engine *uc, struct cpu_calib *cal, struct calib_run *run,
                         uint8_t *before, uint8_t *snap_w, uint8_t *snap_r, char *err,
                         size_t errlen)
{
    uc_hook hi = 0;
    memcpy(before, cal->user_ctx, cal->ctx_size);
    run->hits = 0;
    run->snap = snap_w;
    uc_hook_add(uc, &hi, UC_HOOK_INTR, calib_on_intr, run, 1, 0);
    uc_context_restore(uc, (uc_context *)(void *)before);
    uc_emu_start(uc, CALIB_CODE + 5, RUN_UNTIL, 0, 0);
    run->snap = snap_r;
    uc_context_restore(uc, (uc_context *)(void *)before);
    uc_emu_start(uc, CALIB_CODE + 8, RUN_UNTIL, 0, 0);
    memcpy(cal->user_ctx, before, cal->ctx_size);
    uc_hook_del(uc, hi);
    if (run->hits != 2) {
        snprintf(err, errlen, "the emulated CPU raised %d page faults, expected 2", run->hits);
        return -1;
    }
    long oe = find_field(before, snap_w, snap_r, cal->ctx_size, -1, 14, 14);
    long ec = find_field(before, snap_w, snap_r, cal->ctx_size, 0, 6, 4);
    if (oe < 0 || ec < 0) {
        snprintf(err, errlen,
                 "cannot locate the CPU's exception state in libunicorn's context (this "
                 "faultline needs libunicorn 2.0.1 as in Debian bookworm)");
        return -1;
    }
    cal->off_old_exception = (size_t)oe;
    cal->off_error_code = (size_t)ec;
    return 0;
}

static int calibrate(struct cpu_calib *cal, char *err, size_t errlen)
{
    uc_engine *uc;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK) {
        snprintf(err, errlen, "cannot open a Unicorn x86-64 engine");
        return -1;
    }
    cal->ctx_size = uc_context_size(uc);
    uint8_t *before = malloc(cal->ctx_size), *snap_w = malloc(cal->ctx_size),
            *snap_r = malloc(cal->ctx_size);
    uint8_t *tables = calloc(8, VM_PAGE_SIZE);
    int rc = -1;
    uc_hook hs = 0;
    if (!before || !snap_w || !snap_r || !tables ||
        uc_context_alloc(uc, &cal->user_ctx) != UC_ERR_OK) {
        snprintf(err, errlen, "out of memory during CPU calibration");
        goto out;
    }
    if (calib_set_efer(uc, cal, err, errlen) < 0 || fpu_calibrate(uc, err, errlen) < 0)
        goto out;
    calib_setup(uc, tables);
    struct calib_run run = {.cal = cal, .snap = snap_w};
    uc_hook_add(uc, &hs, UC_HOOK_INSN, calib_on_syscall, &run, 1, 0, UC_X86_INS_SYSCALL);
    uc_emu_start(uc, CALIB_CODE, RUN_UNTIL, 0, 0);
    uc_hook_del(uc, hs);
    if (run.hits != 1) {
        snprintf(err, errlen, "the emulated CPU did not reach user mode");
        goto out;
    }
    /* The template, taken at the first user-mode instruction, is also the
     * "before" picture of the faults. */
    if (calib_offsets(uc, cal, &run, before, snap_w, snap_r, err, errlen) < 0)
        goto out;
    rc = 0;
    /* Opening an engine costs milliseconds: keep this one for the first
     * process, without the regions and hooks calibration added. */
    if (uc_mem_unmap(uc, CALIB_TABLES, 8 * VM_PAGE_SIZE) == UC_ERR_OK &&
        uc_mem_unmap(uc, CALIB_CODE, VM_PAGE_SIZE) == UC_ERR_OK &&
        uc_mem_unmap(uc, CALIB_DATA, 2 * VM_PAGE_SIZE) == UC_ERR_OK) {
        cal->spare = uc;
        uc = NULL;
    }
out:
    if (rc < 0 && cal->user_ctx) {
        uc_context_free(cal->user_ctx);
        cal->user_ctx = NULL;
    }
    if (uc)
        uc_close(uc);
    free(before);
    free(snap_w);
    free(snap_r);
    free(tables);
    return rc;
}

void cpu_calib_free(struct cpu_calib *cal)
{
    if (!cal)
        return;
    if (cal->user_ctx)
        uc_context_free(cal->user_ctx);
    if (cal->spare)
        uc_close(cal->spare);
    free(cal);
}
