/*
 * emulate.c - instructions the engine does not run as the announced CPU
 * would, done here when they trap:
 *
 *  - rdtsc and rdtscp trap at CPL 3 (CR4.TSD) and read the owner's clock,
 *    so time stays deterministic;
 *  - POPCNT is announced by CPUID (x86-64-v2) but libunicorn 2.0.1's
 *    translator raises #UD for it whatever CPU model is chosen, so the #UD
 *    of an F3 [REX] 0F B8 /r is finished here, register or memory operand.
 *
 * Guest bytes and memory operands are read through vm/ (a fault there is
 * traced as a kernel-mode one).
 */
#include "emu/cpu/engine.h"

#include <string.h>

/* General registers by their number in ModRM/SIB/REX encodings. */
static const enum cpu_reg gpr_by_number[16] = {
    CPU_RAX, CPU_RCX, CPU_RDX, CPU_RBX, CPU_RSP, CPU_RBP, CPU_RSI, CPU_RDI,
    CPU_R8,  CPU_R9,  CPU_R10, CPU_R11, CPU_R12, CPU_R13, CPU_R14, CPU_R15,
};

/* The instruction bytes at rip, fetched one at a time so that a short
 * instruction at the end of a page reads nothing of the next. */
struct insn {
    struct cpu *cpu;
    uint64_t rip;
    size_t len;
    bool bad;
};

static uint8_t next_byte(struct insn *in)
{
    uint8_t b = 0;
    if (in->len >= 15 || vm_copy_in(in->cpu->mm, &b, in->rip + in->len, 1) < 0)
        in->bad = true;
    in->len++;
    return b;
}

static uint64_t next_imm(struct insn *in, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)next_byte(in) << (8 * i);
    return bytes == 1 ? (uint64_t)(int64_t)(int8_t)v : (uint64_t)(int64_t)(int32_t)v;
}

bool emulate_rdtsc(struct cpu *cpu)
{
    uint64_t rip = cpu_reg(cpu, CPU_RIP);
    uint8_t insn[3];
    if (!cpu->mm || vm_copy_in(cpu->mm, insn, rip, 3) < 0 || insn[0] != 0x0f)
        return false;
    size_t len = insn[1] == 0x31 ? 2 : (insn[1] == 0x01 && insn[2] == 0xf9) ? 3 : 0;
    if (!len)
        return false;
    uint64_t tsc = cpu->ops->rdtsc(cpu->owner);
    cpu_set_reg(cpu, CPU_RAX, tsc & 0xffffffffu);
    cpu_set_reg(cpu, CPU_RDX, tsc >> 32);
    if (len == 3)
        cpu_set_reg(cpu, CPU_RCX, 0);
    cpu_set_reg(cpu, CPU_RIP, rip + len);
    return true;
}

/* The effective address of a memory ModRM operand (mod != 3), its
 * displacement and SIB bytes read from in; the RIP-relative form counts
 * from the end of the instruction, which imm_after bytes still follow. */
static uint64_t effective_address(struct insn *in, uint8_t modrm, uint8_t rex, uint64_t seg,
                                  int imm_after)
{
    int mod = modrm >> 6, rm = modrm & 7;
    uint64_t ea = seg;
    if (rm == 4) {
        uint8_t sib = next_byte(in);
        int scale = sib >> 6, index = ((sib >> 3) & 7) | ((rex & 2) << 2);
        int base = (sib & 7) | ((rex & 1) << 3);
        if (index != 4)
            ea += cpu_reg(in->cpu, gpr_by_number[index]) << scale;
        if ((sib & 7) == 5 && mod == 0)
            ea += next_imm(in, 4);
        else
            ea += cpu_reg(in->cpu, gpr_by_number[base]);
    } else if (rm == 5 && mod == 0) {
        uint64_t disp = next_imm(in, 4);
        return seg + in->rip + in->len + (uint64_t)imm_after + disp;
    } else {
        ea += cpu_reg(in->cpu, gpr_by_number[rm | ((rex & 1) << 3)]);
    }
    if (mod == 1)
        ea += next_imm(in, 1);
    else if (mod == 2)
        ea += next_imm(in, 4);
    return ea;
}

enum emulated emulate_popcnt(struct cpu *cpu, uint64_t *fault_addr)
{
    struct insn in = {.cpu = cpu, .rip = cpu_reg(cpu, CPU_RIP)};
    if (!cpu->mm)
        return EMULATED_NOT;
    bool f3 = false, opsize16 = false;
    uint64_t seg = 0;
    uint8_t b, rex = 0;
    for (;;) { /* legacy prefixes, then at most one REX */
        b = next_byte(&in);
        if (b == 0xf3) f3 = true;
        else if (b == 0x66) opsize16 = true;
        else if (b == 0x64) seg = cpu_reg(cpu, CPU_FS_BASE);
        else if (b == 0x65) seg = cpu_reg(cpu, CPU_GS_BASE);
        else if (b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 || b == 0x67) continue;
        else break;
    }
    if ((b & 0xf0) == 0x40) {
        rex = b;
        b = next_byte(&in);
    }
    if (in.bad || !f3 || b != 0x0f || next_byte(&in) != 0xb8 || in.bad)
        return EMULATED_NOT;
    uint8_t modrm = next_byte(&in);
    int size = rex & 8 ? 8 : opsize16 ? 2 : 4;
    uint64_t src = 0;
    if (modrm >> 6 == 3) {
        src = cpu_reg(cpu, gpr_by_number[(modrm & 7) | ((rex & 1) << 3)]);
    } else {
        uint64_t ea = effective_address(&in, modrm, rex, seg, 0);
        if (in.bad)
            return EMULATED_NOT;
        if (vm_copy_in(cpu->mm, &src, ea, (size_t)size) < 0) {
            *fault_addr = ea;
            return EMULATED_FAULT;
        }
    }
    if (in.bad)
        return EMULATED_NOT;
    if (size < 8)
        src &= (1ULL << (8 * size)) - 1;
    uint64_t count = (uint64_t)__builtin_popcountll(src);
    enum cpu_reg dst = gpr_by_number[((modrm >> 3) & 7) | ((rex & 4) << 1)];
    /* A 32-bit result clears the upper half; a 16-bit one keeps it. */
    if (size == 2)
        count |= cpu_reg(cpu, dst) & ~0xffffULL;
    cpu_set_reg(cpu, dst, count);
    /* ZF when the source was 0; OF, SF, AF, CF and PF cleared. */
    uint64_t fl = cpu_reg(cpu, CPU_EFLAGS) & ~0x8d5ULL;
    cpu_set_reg(cpu, CPU_EFLAGS, fl | (src ? 0 : 0x40));
    cpu_set_reg(cpu, CPU_RIP, in.rip + in.len);
    return EMULATED_DONE;
}
