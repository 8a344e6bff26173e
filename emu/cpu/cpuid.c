/*
 * cpuid.c - the CPU the guest sees.  Unicorn's own CPUID answers depend on
 * its model tables and feature filtering (in 2.0.1 they lack FPU, MMX and
 * SYSCALL, so Debian's glibc refuses the CPU), so faultline answers CPUID
 * itself: a fixed x86-64-v2 processor (SSE up to 4.2, POPCNT, CMPXCHG16B,
 * no AVX, no XSAVE), the same on every host.  rdtsc is made to trap
 * (CR4.TSD) and answers from the deterministic clock.
 */
#include "emu/cpu/cpu.h"

#include <string.h>

/* CPUID.1:EDX: FPU VME DE PSE TSC MSR PAE MCE CX8 APIC SEP MTRR PGE MCA
 * CMOV PAT PSE36 CLFSH MMX FXSR SSE SSE2 */
#define CPUID1_EDX 0x078bfbffu
/* CPUID.1:ECX: SSE3 SSSE3 CX16 SSE4.1 SSE4.2 POPCNT */
#define CPUID1_ECX ((1u << 0) | (1u << 9) | (1u << 13) | (1u << 19) | (1u << 20) | (1u << 23))
/* CPUID.80000001h: ECX LAHF; EDX SYSCALL NX LM */
#define CPUID81_ECX (1u << 0)
#define CPUID81_EDX ((1u << 11) | (1u << 20) | (1u << 29))

uint64_t cpuid_hwcap(void)
{
    return CPUID1_EDX;
}

void cpuid_answer(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    static const char vendor[12] = "GenuineIntel";
    static const char brand[48] = "faultline virtual x86-64-v2 CPU";
    memset(r, 0, 4 * sizeof *r);
    (void)sub;
    switch (leaf) {
    case 0:
        r[0] = 7;
        memcpy(&r[1], vendor, 4);     /* ebx */
        memcpy(&r[3], vendor + 4, 4); /* edx */
        memcpy(&r[2], vendor + 8, 4); /* ecx */
        break;
    case 1:
        r[0] = 0x000306c3;            /* family 6, model 60, stepping 3 */
        r[1] = (8u << 8) | (1u << 16); /* 64-byte clflush, one logical CPU */
        r[2] = CPUID1_ECX;
        r[3] = CPUID1_EDX;
        break;
    case 0x80000000:
        r[0] = 0x80000008;
        break;
    case 0x80000001:
        r[2] = CPUID81_ECX;
        r[3] = CPUID81_EDX;
        break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004:
        memcpy(r, brand + 16 * (leaf - 0x80000002), 16);
        break;
    case 0x80000008:
        r[0] = 0x3028; /* 40 physical, 48 virtual address bits */
        break;
    default:
        break;
    }
}
