/*
 * fp_sse.c - SSE floating point: results and MXCSR of scalar and packed
 * arithmetic, comparisons, conversions and approximations, in every
 * rounding mode and with DAZ/FZ, printed in hex to compare with native.
 */
#include "fp_common.h"

#define MX_DEFAULT 0x1f80u
static const uint32_t modes[] = {0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9fc0};

static const uint64_t dvals[] = {
    0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000,
    0x3ff8000000000000, 0x4008000000000000, 0x3fd5555555555555, 0x7fefffffffffffff,
    0xffefffffffffffff, 0x0010000000000000, 0x0000000000000001, 0x000fffffffffffff,
    0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001,
    0xfff8000000000123, 0x4340000000000001, 0x41e0000000000000, 0xc3e0000000000000,
};
#define ND (sizeof dvals / sizeof dvals[0])

static const uint32_t fvals[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x3eaaaaab,
    0x7f7fffff, 0x00800000, 0x00000001, 0x7f800000, 0xff800000, 0x7fc00000,
    0x7f800001, 0x4f000000, 0xcf000001, 0x5f000000,
};
#define NF (sizeof fvals / sizeof fvals[0])

/* d = d op s on xmm0/xmm1 (16 bytes each) under csr; returns MXCSR. */
#define OP(name, insn)                                                              \
    static uint32_t name(uint32_t csr, void *d, const void *s)                      \
    {                                                                               \
        uint32_t out, def = MX_DEFAULT;                                             \
        __asm__ volatile("ldmxcsr %[c]\n\tmovdqu %[d], %%xmm0\n\tmovdqu %[s], %%xmm1\n\t" \
                         insn " %%xmm1, %%xmm0\n\tmovdqu %%xmm0, %[d]\n\t"          \
                         "stmxcsr %[o]\n\tldmxcsr %[def]"                           \
                         : [d] "+m"(*(char(*)[16])d), [o] "=m"(out)                 \
                         : [s] "m"(*(const char(*)[16])s), [c] "m"(csr), [def] "m"(def) \
                         : "xmm0", "xmm1");                                         \
        return out;                                                                 \
    }

OP(addsd, "addsd") OP(subsd, "subsd") OP(mulsd, "mulsd") OP(divsd, "divsd")
OP(minsd, "minsd") OP(maxsd, "maxsd") OP(sqrtsd, "sqrtsd") OP(cmpltsd, "cmpltsd")
OP(cmpunordsd, "cmpunordsd") OP(cmpnlesd, "cmpnlesd") OP(cvtsd2ss, "cvtsd2ss")
OP(addss, "addss") OP(mulss, "mulss") OP(divss, "divss") OP(sqrtss, "sqrtss")
OP(rcpss, "rcpss") OP(rsqrtss, "rsqrtss") OP(cvtss2sd, "cvtss2sd") OP(cmpeqss, "cmpeqss")
OP(addps, "addps") OP(mulpd, "mulpd") OP(divps, "divps") OP(haddpd, "haddpd")
OP(addsubps, "addsubps") OP(rcpps, "rcpps") OP(rsqrtps, "rsqrtps") OP(sqrtpd, "sqrtpd")
OP(cvtps2pd, "cvtps2pd") OP(cvtpd2ps, "cvtpd2ps") OP(cvtdq2ps, "cvtdq2ps")
OP(cvtps2dq, "cvtps2dq") OP(cvttpd2dq, "cvttpd2dq") OP(roundsd1, "roundsd $1,")
OP(roundsd4, "roundsd $4,") OP(roundps9, "roundps $9,") OP(dpps, "dpps $0xff,")
OP(minps, "minps") OP(cmpleps, "cmpleps")

typedef uint32_t (*op_fn)(uint32_t, void *, const void *);

static void scalar_d(const char *name, op_fn fn)
{
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
        for (size_t i = 0; i < ND; i++)
            for (size_t j = 0; j < ND; j++) {
                uint64_t d[2] = {dvals[i], 0x1111111111111111}, s[2] = {dvals[j], 0x2222};
                uint32_t mx = fn(modes[m], d, s);
                printf("%s %04x %016llx %016llx = %016llx %016llx mx %04x\n", name, modes[m],
                       (unsigned long long)dvals[i], (unsigned long long)dvals[j],
                       (unsigned long long)d[0], (unsigned long long)d[1], mx);
            }
}

static void scalar_f(const char *name, op_fn fn)
{
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
        for (size_t i = 0; i < NF; i++)
            for (size_t j = 0; j < NF; j++) {
                uint32_t d[4] = {fvals[i], 0x11111111, 0x22222222, 0x33333333};
                uint32_t s[4] = {fvals[j], 0x44444444, 0x55555555, 0x66666666};
                uint32_t mx = fn(modes[m], d, s);
                printf("%s %04x %08x %08x = %08x %08x %08x %08x mx %04x\n", name, modes[m],
                       fvals[i], fvals[j], d[0], d[1], d[2], d[3], mx);
            }
}

/* Packed: lanes taken from the value tables in turn. */
static void packed(const char *name, op_fn fn)
{
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
        for (size_t i = 0; i < NF; i++) {
            uint32_t d[4], s[4];
            for (int k = 0; k < 4; k++) {
                d[k] = fvals[(i + k) % NF];
                s[k] = fvals[(i * 3 + k * 5) % NF];
            }
            uint32_t mx = fn(modes[m], d, s);
            printf("%s %04x %zu = %08x %08x %08x %08x mx %04x\n", name, modes[m], i, d[0], d[1],
                   d[2], d[3], mx);
        }
}

/* comisd/ucomisd: ZF PF CF and MXCSR. */
#define COMI(name, insn)                                                            \
    static void name(void)                                                          \
    {                                                                               \
        for (size_t i = 0; i < ND; i++)                                             \
            for (size_t j = 0; j < ND; j++) {                                       \
                uint32_t out, def = MX_DEFAULT;                                     \
                uint8_t z, p, c;                                                    \
                double a = from64(dvals[i]), b = from64(dvals[j]);                  \
                __asm__ volatile("ldmxcsr %[def]\n\tmovsd %[a], %%xmm0\n\t"         \
                                 insn " %[b], %%xmm0\n\tsetz %[z]\n\tsetp %[p]\n\tsetc %[c]\n\t" \
                                 "stmxcsr %[o]\n\tldmxcsr %[def]"                   \
                                 : [z] "=q"(z), [p] "=q"(p), [c] "=q"(c), [o] "=m"(out) \
                                 : [a] "m"(a), [b] "m"(b), [def] "m"(def)           \
                                 : "xmm0", "cc");                                   \
                printf(#insn " %016llx %016llx = z%d p%d c%d mx %04x\n",            \
                       (unsigned long long)dvals[i], (unsigned long long)dvals[j], z, p, c, out); \
            }                                                                       \
    }

COMI(comisd_all, "comisd")
COMI(ucomisd_all, "ucomisd")

/* Conversions to integers, 32 and 64 bits, rounding and truncating. */
#define TOINT(name, insn, type, fmt)                                                \
    static void name(void)                                                          \
    {                                                                               \
        for (size_t m = 0; m < 4; m++)                                              \
            for (size_t i = 0; i < ND; i++) {                                       \
                uint32_t out, def = MX_DEFAULT;                                     \
                type r;                                                             \
                double a = from64(dvals[i]);                                        \
                __asm__ volatile("ldmxcsr %[c]\n\t" insn " %[a], %[r]\n\t"          \
                                 "stmxcsr %[o]\n\tldmxcsr %[def]"                   \
                                 : [r] "=r"(r), [o] "=m"(out)                       \
                                 : [a] "m"(a), [c] "m"(modes[m]), [def] "m"(def));  \
                printf(#insn " %04x %016llx = " fmt " mx %04x\n", modes[m],         \
                       (unsigned long long)dvals[i], r, out);                       \
            }                                                                       \
    }

TOINT(cvtsd2si32, "cvtsd2si", int32_t, "%08x")
TOINT(cvttsd2si32, "cvttsd2si", int32_t, "%08x")
TOINT(cvtsd2si64, "cvtsd2siq", int64_t, "%016lx")
TOINT(cvttsd2si64, "cvttsd2siq", int64_t, "%016lx")

static void fromint(void)
{
    static const int64_t ints[] = {0, 1, -1, 0x7fffffffffffffff, (int64_t)0x8000000000000000,
                                   0x20000000000001, 0x1000001, -0x1000003, 123456789};
    for (size_t m = 0; m < 4; m++)
        for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
            uint32_t o1, o2, def = MX_DEFAULT;
            double d;
            float f;
            __asm__ volatile("ldmxcsr %[c]\n\tcvtsi2sdq %[v], %%xmm0\n\tmovsd %%xmm0, %[d]\n\t"
                             "stmxcsr %[o1]\n\tldmxcsr %[c]\n\tcvtsi2ssq %[v], %%xmm0\n\t"
                             "movss %%xmm0, %[f]\n\tstmxcsr %[o2]\n\tldmxcsr %[def]"
                             : [d] "=m"(d), [f] "=m"(f), [o1] "=m"(o1), [o2] "=m"(o2)
                             : [v] "r"(ints[i]), [c] "m"(modes[m]), [def] "m"(def)
                             : "xmm0");
            printf("cvtsi2sdq/ssq %04x %lld = %016llx %04x %08x %04x\n", modes[m],
                   (long long)ints[i], (unsigned long long)bits64(d), o1, bits32(f), o2);
        }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    static const struct { const char *n; op_fn f; } sd[] = {
        {"addsd", addsd}, {"subsd", subsd}, {"mulsd", mulsd}, {"divsd", divsd},
        {"minsd", minsd}, {"maxsd", maxsd}, {"sqrtsd", sqrtsd}, {"cmpltsd", cmpltsd},
        {"cmpunordsd", cmpunordsd}, {"cmpnlesd", cmpnlesd}, {"cvtsd2ss", cvtsd2ss},
        {"roundsd1", roundsd1}, {"roundsd4", roundsd4},
    };
    for (size_t k = 0; k < sizeof sd / sizeof sd[0]; k++)
        scalar_d(sd[k].n, sd[k].f);
    static const struct { const char *n; op_fn f; } ss[] = {
        {"addss", addss}, {"mulss", mulss}, {"divss", divss}, {"sqrtss", sqrtss},
        {"rcpss", rcpss}, {"rsqrtss", rsqrtss}, {"cvtss2sd", cvtss2sd}, {"cmpeqss", cmpeqss},
    };
    for (size_t k = 0; k < sizeof ss / sizeof ss[0]; k++)
        scalar_f(ss[k].n, ss[k].f);
    static const struct { const char *n; op_fn f; } ps[] = {
        {"addps", addps}, {"mulpd", mulpd}, {"divps", divps}, {"haddpd", haddpd},
        {"addsubps", addsubps}, {"rcpps", rcpps}, {"rsqrtps", rsqrtps}, {"sqrtpd", sqrtpd},
        {"cvtps2pd", cvtps2pd}, {"cvtpd2ps", cvtpd2ps}, {"cvtdq2ps", cvtdq2ps},
        {"cvtps2dq", cvtps2dq}, {"cvttpd2dq", cvttpd2dq}, {"roundps9", roundps9},
        {"dpps", dpps}, {"minps", minps}, {"cmpleps", cmpleps},
    };
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++)
        packed(ps[k].n, ps[k].f);
    comisd_all();
    ucomisd_all();
    cvtsd2si32();
    cvttsd2si32();
    cvtsd2si64();
    cvttsd2si64();
    fromint();
    return 0;
}
