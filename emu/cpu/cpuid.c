/*
 * cpuid.c - the CPU the guest sees.  Unicorn's own CPUID answers depend on
 * its model tables and feature filtering (in 2.0.1 they lack FPU, MMX and
 * SYSCALL, so Debian's glibc refuses the CPU), so faultline answers CPUID
 * itself: a fixed x86-64-v2 processor (SSE up to 4.2, POPCNT, CMPXCHG16B,
 * no AVX, no XSAVE), the same on every host.  rdtsc is made to trap
 * (CR4.TSD) and answers from the deterministic clock.
 */
#include "emu/cpu/cpu.h"

#include <stdio.h>
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

/* Linux's names of CPUID bits (arch/x86/include/asm/cpufeatures.h), by
 * register; NULL where Linux shows none or the model never sets it. */
static const char *const edx1_names[32] = {
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL, "sep",
    "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", NULL, "dts", "acpi", "mmx",
    "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe"};
static const char *const edx81_names[32] = {
    [11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext", [25] = "fxsr_opt",
    [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm", [30] = "3dnowext", [31] = "3dnow"};
static const char *const ecx1_names[32] = {
    "pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2", "ssse3",
    "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", NULL, "pcid", "dca", "sse4_1", "sse4_2",
    "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave", NULL, "avx", "f16c",
    "rdrand", "hypervisor"};
static const char *const ecx81_names[32] = {
    "lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm", "sse4a", "misalignsse",
    "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt"};

void cpuid_flag_names(char *buf, size_t len)
{
    /* Linux's capability words in order: 1:EDX, 80000001h:EDX, 1:ECX,
     * 80000001h:ECX. */
    uint32_t r1[4], r81[4];
    cpuid_answer(1, 0, r1);
    cpuid_answer(0x80000001, 0, r81);
    const struct {
        uint32_t bits;
        const char *const *names;
    } words[] = {{r1[3], edx1_names}, {r81[3], edx81_names}, {r1[2], ecx1_names},
                 {r81[2], ecx81_names}};
    size_t used = 0;
    if (len)
        buf[0] = '\0';
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
        for (int b = 0; b < 32; b++) {
            const char *name = words[w].names[b];
            if (!(words[w].bits & (1u << b)) || !name)
                continue;
            int n = snprintf(buf + used, len - used, "%s%s", used ? " " : "", name);
            if (n < 0 || used + (size_t)n >= len)
                return;
            used += (size_t)n;
        }
}
