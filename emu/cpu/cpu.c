/*
 * cpu.c - one Unicorn engine per guest task, with paging done by the
 * emulated CPU's MMU over the page tables vm/ writes (DESIGN facts 1-11).
 *
 *  - Long mode at CPL 3: every engine starts from the user-mode context
 *    calibration reached (calib.c).
 *  - All DRAM is one Unicorn region at the frames' physical addresses, so
 *    the walker reads page tables where vm/ put them and sets A/D bits.
 *  - Guest addresses are covered by zones (zone.c).
 *  - The "exception in flight" field is reset after every exception and
 *    every uc_emu_start, at the offset calibration found.
 *  - Region changes (new zones, TLB flushes) happen only between runs; a
 *    hook that needs one asks the engine to stop.
 */
#include "emu/cpu/engine.h"
#include "emu/cpu/fpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CR4_TSD (1ULL << 2)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)

const int cpu_uc_reg[CPU_NREGS] = {
    [CPU_RAX] = UC_X86_REG_RAX,       [CPU_RBX] = UC_X86_REG_RBX,
    [CPU_RCX] = UC_X86_REG_RCX,       [CPU_RDX] = UC_X86_REG_RDX,
    [CPU_RSI] = UC_X86_REG_RSI,       [CPU_RDI] = UC_X86_REG_RDI,
    [CPU_RBP] = UC_X86_REG_RBP,       [CPU_RSP] = UC_X86_REG_RSP,
    [CPU_R8] = UC_X86_REG_R8,         [CPU_R9] = UC_X86_REG_R9,
    [CPU_R10] = UC_X86_REG_R10,       [CPU_R11] = UC_X86_REG_R11,
    [CPU_R12] = UC_X86_REG_R12,       [CPU_R13] = UC_X86_REG_R13,
    [CPU_R14] = UC_X86_REG_R14,       [CPU_R15] = UC_X86_REG_R15,
    [CPU_RIP] = UC_X86_REG_RIP,       [CPU_EFLAGS] = UC_X86_REG_EFLAGS,
    [CPU_FS_BASE] = UC_X86_REG_FS_BASE, [CPU_GS_BASE] = UC_X86_REG_GS_BASE,
    [CPU_CR2] = UC_X86_REG_CR2,       [CPU_CR3] = UC_X86_REG_CR3,
    [CPU_CR4] = UC_X86_REG_CR4,       [CPU_FPCW] = UC_X86_REG_FPCW,
    [CPU_FPSW] = UC_X86_REG_FPSW,     [CPU_MXCSR] = UC_X86_REG_MXCSR,
};

/* --- registers and exception state ----------------------------------------------- */

uint64_t cpu_reg(struct cpu *cpu, enum cpu_reg reg)
{
    uint64_t v = 0;
    uc_reg_read(cpu->uc, cpu_uc_reg[reg], &v);
    return v;
}

void cpu_set_reg(struct cpu *cpu, enum cpu_reg reg, uint64_t v)
{
    uc_reg_write(cpu->uc, cpu_uc_reg[reg], &v);
}

/* One batch call into the engine (every system call reads seven). */
#define REGS_BATCH 32

void cpu_regs_read(struct cpu *cpu, const enum cpu_reg *ids, uint64_t *vals, size_t n)
{
    int uc_ids[REGS_BATCH];
    void *ptrs[REGS_BATCH];
    for (size_t done = 0; done < n;) {
        size_t k = n - done < REGS_BATCH ? n - done : REGS_BATCH;
        for (size_t i = 0; i < k; i++) {
            vals[done + i] = 0;
            uc_ids[i] = cpu_uc_reg[ids[done + i]];
            ptrs[i] = &vals[done + i];
        }
        uc_reg_read_batch(cpu->uc, uc_ids, ptrs, (int)k);
        done += k;
    }
}

void cpu_regs_write(struct cpu *cpu, const enum cpu_reg *ids, const uint64_t *vals, size_t n)
{
    int uc_ids[REGS_BATCH];
    void *ptrs[REGS_BATCH];
    for (size_t done = 0; done < n;) {
        size_t k = n - done < REGS_BATCH ? n - done : REGS_BATCH;
        for (size_t i = 0; i < k; i++) {
            uc_ids[i] = cpu_uc_reg[ids[done + i]];
            ptrs[i] = (void *)&vals[done + i];
        }
        uc_reg_write_batch(cpu->uc, uc_ids, ptrs, (int)k);
        done += k;
    }
}

void cpu_fp_save(struct cpu *cpu, struct linux_fxsave *fx)
{
    memset(fx, 0, sizeof *fx);
    uint64_t v = 0;
    uc_reg_read(cpu->uc, UC_X86_REG_FPCW, &v);
    fx->fcw = (uint16_t)v;
    uc_reg_read(cpu->uc, UC_X86_REG_FPSW, &v);
    fx->fsw = (uint16_t)v;
    uint32_t mx = 0;
    uc_reg_read(cpu->uc, UC_X86_REG_MXCSR, &mx);
    fx->mxcsr = mx;
    fx->mxcsr_mask = 0xffff;
    for (int i = 0; i < 8; i++)
        uc_reg_read(cpu->uc, UC_X86_REG_FP0 + i, fx->st[i]);
    for (int i = 0; i < 16; i++)
        uc_reg_read(cpu->uc, UC_X86_REG_XMM0 + i, fx->xmm[i]);
}

void cpu_fp_restore(struct cpu *cpu, const struct linux_fxsave *fx)
{
    uint64_t v = fx->fcw;
    uc_reg_write(cpu->uc, UC_X86_REG_FPCW, &v);
    v = fx->fsw;
    uc_reg_write(cpu->uc, UC_X86_REG_FPSW, &v);
    uint32_t mx = fx->mxcsr;
    uc_reg_write(cpu->uc, UC_X86_REG_MXCSR, &mx);
    for (int i = 0; i < 8; i++)
        uc_reg_write(cpu->uc, UC_X86_REG_FP0 + i, fx->st[i]);
    for (int i = 0; i < 16; i++)
        uc_reg_write(cpu->uc, UC_X86_REG_XMM0 + i, fx->xmm[i]);
}

void cpu_fp_signal_entry(struct cpu *cpu)
{
    fpu_signal_entry(cpu->uc);
}

void cpu_clear_exception(struct cpu *cpu)
{
    uc_context_save(cpu->uc, cpu->ctx);
    memcpy((uint8_t *)cpu->ctx + cpu->cal->off_old_exception, &(int32_t){-1}, 4);
    uc_context_restore(cpu->uc, cpu->ctx);
}

void cpu_set_mm(struct cpu *cpu, struct vm_mm *mm)
{
    cpu->mm = mm;
    cpu_set_reg(cpu, CPU_CR3, vm_mm_cr3(mm));
    cpu->need_flush = true; /* CR3 writes do not flush in 2.0.1 (fact 4) */
}

void cpu_copy_state(struct cpu *dst, const struct cpu *src)
{
    uint64_t cr3 = cpu_reg(dst, CPU_CR3);
    uc_context_save(src->uc, src->ctx);
    uc_context_restore(dst->uc, src->ctx);
    cpu_set_reg(dst, CPU_CR3, cr3);
    cpu_clear_exception(dst);
}

struct cpu_ctx {
    uc_context *uc;
};

struct cpu_ctx *cpu_ctx_new(struct cpu *cpu)
{
    struct cpu_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx && uc_context_alloc(cpu->uc, &ctx->uc) != UC_ERR_OK) {
        free(ctx);
        return NULL;
    }
    return ctx;
}

void cpu_ctx_free(struct cpu_ctx *ctx)
{
    if (!ctx)
        return;
    uc_context_free(ctx->uc);
    free(ctx);
}

void cpu_ctx_save(struct cpu *cpu, struct cpu_ctx *ctx)
{
    uc_context_save(cpu->uc, ctx->uc);
}

void cpu_ctx_load(struct cpu *cpu, const struct cpu_ctx *ctx, void *owner)
{
    uc_context_restore(cpu->uc, ctx->uc);
    cpu->owner = owner;
}

void *cpu_owner(const struct cpu *cpu)
{
    return cpu->owner;
}

void cpu_set_owner(struct cpu *cpu, void *owner)
{
    cpu->owner = owner;
}

void cpu_request_stop(struct cpu *cpu)
{
    if (cpu->running)
        uc_emu_stop(cpu->uc);
}

bool cpu_running(const struct cpu *cpu)
{
    return cpu->running;
}

bool cpu_settled(const struct cpu *cpu)
{
    return !cpu->need_flush && !cpu->need_zones;
}

const char *cpu_engine_version(void)
{
    static char v[32];
    unsigned major, minor;
    uc_version(&major, &minor);
    snprintf(v, sizeof v, "%u.%u", major, minor);
    return v;
}

/* --- the engine ---------------------------------------------------------------------- */

void cpu_settle(struct cpu *cpu)
{
    if (cpu->need_tb_flush) {
        uc_ctl_flush_tlb(cpu->uc); /* UC_CTL_TB_FLUSH: every translated block */
        cpu->need_tb_flush = false;
    }
    if ((cpu->need_zones || cpu->nzones > ZONES_HIGH) && zones_settle(cpu))
        cpu->need_flush = false; /* a region change flushes the TLB */
    if (cpu->need_flush) {
        /* Any change of the region map flushes the TLB (fact 4). */
        cpu->scratch_prot ^= UC_PROT_WRITE;
        uc_mem_protect(cpu->uc, SCRATCH_PAGE, VM_PAGE_SIZE, UC_PROT_READ | cpu->scratch_prot);
        cpu->need_flush = false;
    }
}

/* Every register cleared, the FPU as a new Linux process has it. */
static void reset_state(struct cpu *cpu)
{
    uc_context_restore(cpu->uc, cpu->cal->user_ctx);
    for (int r = CPU_RAX; r <= CPU_R15; r++)
        cpu_set_reg(cpu, (enum cpu_reg)r, 0);
    cpu_set_reg(cpu, CPU_FS_BASE, 0);
    cpu_set_reg(cpu, CPU_GS_BASE, 0);
    cpu_set_reg(cpu, CPU_EFLAGS, 0x202);
    /* CR4.TSD: rdtsc traps at CPL 3, so time stays deterministic.
     * OSFXSR and OSXMMEXCPT, as Linux sets them: without OSFXSR fxsave
     * and fxrstor leave the XMM registers out, and ld.so's lazy binding
     * (_dl_runtime_resolve_fxsave) would lose floating-point arguments. */
    cpu_set_reg(cpu, CPU_CR4, cpu_reg(cpu, CPU_CR4) | CR4_TSD | CR4_OSFXSR | CR4_OSXMMEXCPT);
    /* FNINIT, and MXCSR with every exception masked. */
    cpu_set_reg(cpu, CPU_FPCW, 0x37f);
    cpu_set_reg(cpu, CPU_MXCSR, 0x1f80);
}

struct cpu *cpu_new(struct cpu_calib *cal, struct vm *vm, const struct cpu_ops *ops, void *owner)
{
    struct cpu *cpu = calloc(1, sizeof *cpu);
    if (!cpu)
        return NULL;
    cpu->cal = cal;
    cpu->vm = vm;
    cpu->ops = ops;
    cpu->owner = owner;
    if (cal->spare) {
        cpu->uc = cal->spare;
        cal->spare = NULL;
    } else if (uc_open(UC_ARCH_X86, UC_MODE_64, &cpu->uc) != UC_ERR_OK) {
        free(cpu);
        return NULL;
    }
    if (uc_context_alloc(cpu->uc, &cpu->ctx) != UC_ERR_OK)
        goto fail;
    uint64_t dram = (uint64_t)vm_dram_frames(vm) * VM_PAGE_SIZE;
    if (uc_mem_map_ptr(cpu->uc, VM_PHYS_BASE, dram, UC_PROT_READ | UC_PROT_WRITE,
                       vm_dram_base(vm)) != UC_ERR_OK ||
        uc_mem_map(cpu->uc, SCRATCH_PAGE, VM_PAGE_SIZE, UC_PROT_READ) != UC_ERR_OK)
        goto fail;
    cpu->scratch_prot = 0;
    reset_state(cpu);
    hooks_install(cpu);
    return cpu;
fail:
    cpu_free(cpu);
    return NULL;
}

void cpu_free(struct cpu *cpu)
{
    if (!cpu)
        return;
    if (cpu->ctx)
        uc_context_free(cpu->ctx);
    if (cpu->uc)
        uc_close(cpu->uc);
    zones_free(cpu);
    free(cpu);
}

enum cpu_exit cpu_run(struct cpu *cpu, uint64_t quantum)
{
    cpu_settle(cpu);
    uint64_t rip = cpu_reg(cpu, CPU_RIP);
    cpu->running = true;
    cpu->budget = quantum * CPU_INSN_BYTES;
    if (quantum)
        hooks_count_blocks(cpu);
    uc_err err = uc_emu_start(cpu->uc, rip, RUN_UNTIL, 0, 0);
    cpu->running = false;
    /* Stopping invalidates the exit TB, which walks the tables for an
     * unmapped address and leaves an exception in flight (fact 3). */
    cpu_clear_exception(cpu);
    switch (err) {
    case UC_ERR_OK:
        return CPU_EXIT_STOPPED;
    case UC_ERR_INSN_INVALID:
        return CPU_EXIT_INVALID;
    case UC_ERR_READ_UNMAPPED:
    case UC_ERR_WRITE_UNMAPPED:
    case UC_ERR_FETCH_UNMAPPED:
        return CPU_EXIT_UNMAPPED;
    default:
        return CPU_EXIT_ERROR;
    }
}
