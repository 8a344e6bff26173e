/*
 * fp_popcnt.c - POPCNT in every operand form: 16, 32 and 64 bits, the
 * high registers, memory through a base, an index and a displacement,
 * RIP-relative, %fs-relative, its flags, what it leaves in the upper bits,
 * and a memory operand that faults; printed to compare with native.
 */
#include "fp_common.h"

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

static const uint64_t values[] = {
    0, 1, 0x8000000000000000ULL, 0xffffffffffffffffULL, 0x00000000ffffffffULL,
    0xffffffff00000000ULL, 0x5555aaaa5555aaaaULL, 0x0000000000010000ULL, 0x123456789abcdef0ULL,
};
uint64_t table[16]; /* named from asm: not static */
__thread uint64_t tls_word; /* named from asm: not static */
static sigjmp_buf back;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    printf("signal %d code %d at %s\n", sig, si->si_code,
           si->si_addr == (void *)0x1000 ? "the operand" : "somewhere else");
    siglongjmp(back, 1);
}

static void registers(uint64_t v)
{
    uint64_t r64, flags;
    __asm__ volatile("popcnt %2, %0\n\tpushfq\n\tpopq %1" : "=&r"(r64), "=r"(flags) : "r"(v) : "cc");
    uint32_t r32;
    __asm__ volatile("popcnt %1, %0" : "=r"(r32) : "r"((uint32_t)v) : "cc");
    uint64_t r16 = 0xdeadbeefcafe0000ULL;
    __asm__ volatile("popcnt %w1, %w0" : "+r"(r16) : "r"((uint16_t)v) : "cc");
    uint64_t hi = 0x7777777777777777ULL;
    register uint64_t src __asm__("r13") = v;
    register uint64_t dst __asm__("r9") = hi;
    __asm__ volatile("popcnt %1, %0" : "+r"(dst) : "r"(src) : "cc");
    uint64_t wide32 = 0xffffffffffffffffULL;
    __asm__ volatile("popcntl %k1, %k0" : "+r"(wide32) : "r"(v) : "cc");
    printf("popcnt %016llx: 64 %llu zf %llu cf %llu 32 %u 16 %016llx r13->r9 %llu "
           "32-bit dest %016llx\n",
           (unsigned long long)v, (unsigned long long)r64, (unsigned long long)(flags >> 6) & 1,
           (unsigned long long)flags & 1, r32, (unsigned long long)r16,
           (unsigned long long)dst, (unsigned long long)wide32);
}

static void memory(size_t i)
{
    uint64_t a, b, c, d;
    table[i] = values[i];
    tls_word = values[i];
    /* base + index*8 + displacement */
    uintptr_t before = (uintptr_t)table - 8;
    __asm__ volatile("popcntq 8(%1,%2,8), %0" : "=r"(a) : "r"(before), "r"(i) : "cc", "memory");
    /* RIP-relative */
    __asm__ volatile("popcntq table+8(%%rip), %0" : "=r"(b) : : "cc", "memory");
    /* %fs-relative (thread-local) */
    __asm__ volatile("popcntq %%fs:tls_word@tpoff, %0" : "=r"(c) : : "cc", "memory");
    /* a 16-bit memory operand through a stack slot */
    uint16_t h = (uint16_t)(values[i] >> 8);
    __asm__ volatile("popcntw %1, %w0" : "=r"(d) : "m"(h) : "cc");
    printf("memory %zu: indexed %llu rip %llu fs %llu m16 %llu\n", i, (unsigned long long)a,
           (unsigned long long)b, (unsigned long long)c, (unsigned long long)(d & 0xffff));
}

int main(void)
{
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        registers(values[i]);
    table[1] = 0x0f0f;
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        memory(i);
    struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO};
    sigaction(SIGSEGV, &sa, NULL);
    if (!sigsetjmp(back, 1)) {
        uint64_t r;
        __asm__ volatile("popcntq (%1), %0" : "=r"(r) : "r"(0x1000) : "cc", "memory");
        printf("no fault: %llu\n", (unsigned long long)r);
    }
    return 0;
}
