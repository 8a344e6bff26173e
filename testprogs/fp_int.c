/*
 * fp_int.c - integer corner cases of the CPU: division overflow and by
 * zero (SIGFPE), shifts and rotates by the width or more, bsf/bsr/tzcnt
 * of 0, crc32, pcmpistri, cmpxchg16b, and that rdrand works exactly
 * when cpuid says it is there; printed to compare with native.
 */
#include "fp_common.h"

#include <setjmp.h>
#include <signal.h>

static sigjmp_buf back;
static volatile int code;

static void on_fpe(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    code = sig == SIGILL ? -1 : si->si_code;
    siglongjmp(back, 1);
}

static void divide(int64_t a, int64_t b, int bits)
{
    code = 0;
    int64_t q = 0, r = 0;
    if (!sigsetjmp(back, 1)) {
        if (bits == 64) {
            __asm__ volatile("cqto\n\tidivq %[b]" : "=a"(q), "=d"(r) : "a"(a), [b] "r"(b));
        } else {
            int32_t q32, r32;
            __asm__ volatile("cltd\n\tidivl %[b]" : "=a"(q32), "=d"(r32)
                             : "a"((int32_t)a), [b] "r"((int32_t)b));
            q = q32, r = r32;
        }
        printf("idiv%d %lld / %lld = %lld rem %lld\n", bits, (long long)a, (long long)b,
               (long long)q, (long long)r);
    } else {
        printf("idiv%d %lld / %lld: SIGFPE code %d\n", bits, (long long)a, (long long)b, code);
    }
}

static void shifts(void)
{
    static const uint8_t counts[] = {0, 1, 31, 32, 33, 63, 64, 65, 255};
    for (size_t i = 0; i < sizeof counts; i++) {
        uint64_t v = 0x8123456789abcdefULL, a = v, b = v, c = v, d = v, e = v;
        uint32_t w = 0x89abcdef, f = w, g = w;
        uint8_t n = counts[i];
        unsigned char cf1, cf2;
        __asm__("shlq %%cl, %[a]\n\tsetc %[cf1]\n\tsarq %%cl, %[b]\n\trolq %%cl, %[c]\n\t"
                "shrl %%cl, %[f]\n\troll %%cl, %[g]\n\tsetc %[cf2]"
                : [a] "+r"(a), [b] "+r"(b), [c] "+r"(c), [f] "+r"(f), [g] "+r"(g),
                  [cf1] "=q"(cf1), [cf2] "=q"(cf2)
                : "c"(n)
                : "cc");
        __asm__("shldq %%cl, %[e], %[d]" : [d] "+r"(d) : [e] "r"(e), "c"(n) : "cc");
        printf("shift %u: %016llx %016llx %016llx %08x %08x %016llx cf %d %d\n", n,
               (unsigned long long)a, (unsigned long long)b, (unsigned long long)c, f, g,
               (unsigned long long)d, cf1, cf2);
    }
}

static void bits(void)
{
    static const uint64_t vs[] = {0, 1, 0x8000000000000000ULL, 0xf0f0, ~0ULL};
    for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
        uint64_t f = 0x5555, r = 0x5555;
        unsigned char zf1, zf2;
        __asm__("bsfq %[v], %[f]\n\tsetz %[z1]\n\tbsrq %[v], %[r]\n\tsetz %[z2]"
                : [f] "+r"(f), [r] "+r"(r), [z1] "=q"(zf1), [z2] "=q"(zf2)
                : [v] "r"(vs[i])
                : "cc");
        printf("bsf/bsr %016llx = %llx z%d %llx z%d\n", (unsigned long long)vs[i],
               (unsigned long long)f, zf1, (unsigned long long)r, zf2);
    }
}

static void crc(void)
{
    uint32_t c = 0xffffffff;
    const char *s = "The quick brown fox jumps over the lazy dog";
    for (const char *p = s; *p; p++)
        __asm__("crc32b %[b], %[c]" : [c] "+r"(c) : [b] "rm"(*p));
    uint64_t c64 = 0;
    __asm__("crc32q %[v], %[c]" : [c] "+r"(c64) : [v] "r"(0x0123456789abcdefULL));
    printf("crc32 %08x %08llx\n", ~c, (unsigned long long)c64);
}

static void strings(void)
{
    static const char *hay[] = {"hello, world", "abcdef", "", "xyzzy-plugh"};
    static const char needle[16] __attribute__((aligned(16))) = "lo,";
    for (size_t i = 0; i < 4; i++) {
        char h[16] __attribute__((aligned(16))) = {0};
        strncpy(h, hay[i], 15);
        int idx1, idx2;
        unsigned char cf;
        __asm__("movdqu %[n], %%xmm1\n\tmovdqu %[h], %%xmm2\n\t"
                "pcmpistri $0x0c, %%xmm2, %%xmm1\n\tsetc %[cf]\n\tmov %%ecx, %[i1]\n\t"
                "pcmpistri $0x00, %%xmm2, %%xmm1\n\tmov %%ecx, %[i2]"
                : [i1] "=r"(idx1), [i2] "=r"(idx2), [cf] "=q"(cf)
                : [n] "m"(needle), [h] "m"(h)
                : "xmm1", "xmm2", "ecx", "cc");
        printf("pcmpistri \"%s\" = %d cf %d, any %d\n", hay[i], idx1, cf, idx2);
    }
}

static void cx16(void)
{
    static __int128 slot __attribute__((aligned(16)));
    uint64_t lo = 1, hi = 2;
    slot = ((__int128)2 << 64) | 1;
    unsigned char zf;
    uint64_t olo = lo, ohi = hi;
    __asm__ volatile("lock cmpxchg16b %[m]\n\tsetz %[z]"
                     : [m] "+m"(slot), "+a"(olo), "+d"(ohi), [z] "=q"(zf)
                     : "b"(0x33ULL), "c"(0x44ULL)
                     : "cc", "memory");
    printf("cmpxchg16b equal: z%d now %llx:%llx\n", zf, (unsigned long long)(slot >> 64),
           (unsigned long long)slot);
    olo = 9, ohi = 9;
    __asm__ volatile("lock cmpxchg16b %[m]\n\tsetz %[z]"
                     : [m] "+m"(slot), "+a"(olo), "+d"(ohi), [z] "=q"(zf)
                     : "b"(0x55ULL), "c"(0x66ULL)
                     : "cc", "memory");
    printf("cmpxchg16b differs: z%d read %llx:%llx\n", zf, (unsigned long long)ohi,
           (unsigned long long)olo);
}

int main(void)
{
    struct sigaction sa = {.sa_sigaction = on_fpe, .sa_flags = SA_SIGINFO};
    sigaction(SIGFPE, &sa, NULL);
    divide(7, 2, 64);
    divide(-7, 2, 64);
    divide(1, 0, 64);
    divide((int64_t)0x8000000000000000ULL, -1, 64);
    divide(-2147483647 - 1, -1, 32);
    divide(5, 0, 32);
    shifts();
    bits();
    crc();
    strings();
    cx16();
    uint32_t a, b, c, d;
    __asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    sigaction(SIGILL, &sa, NULL);
    int works = 0;
    if (!sigsetjmp(back, 1)) {
        uint64_t r;
        __asm__ volatile("rdrand %0" : "=r"(r) : : "cc");
        works = 1;
    }
    printf("rdrand works as cpuid says: %s\n", works == (int)((c >> 30) & 1) ? "yes" : "no");
    return 0;
}
