/*
 * fp_x87.c - x87 results, status words (flags, C0-C3) in the four
 * rounding modes and three precision controls: arithmetic, square root,
 * the transcendental and remainder instructions, conversions and
 * constants, printed in hex to compare with native.
 */
#include "fp_common.h"

static long double vals[22];
#define NV (sizeof vals / sizeof vals[0])
/* Pairs use the first NP values. */
#define NP 13

static void fill(void)
{
    static const struct { uint16_t e; uint64_t m; } v[NV] = {
        {0x0000, 0}, {0x8000, 0}, {0x3fff, 1ULL << 63}, {0xbfff, 1ULL << 63},
        {0x3ffd, 0xaaaaaaaaaaaaaaabULL}, {0x4000, 0xc90fdaa22168c235ULL},
        {0x7ffe, 0xffffffffffffffffULL}, {0x0001, 1ULL << 63}, {0x0000, 1},
        {0x7fff, 1ULL << 63}, {0x7fff, 0xc000000000000000ULL}, {0x7fff, 0x8000000000000001ULL},
        {0x3ffe, 0xfffffffffffffff7ULL}, {0xc00e, 0x9c5ee0e4a0d0f4f5ULL},
        {0x403e, 1ULL << 63}, {0x4041, 0xad78ebc5ac620000ULL}, {0x3ffe, 1ULL << 63},
        {0xbffe, 0xc000000000000000ULL}, {0x3fbf, 0x8000000000000800ULL},
        {0x4002, 0xa000000000000001ULL}, {0x0000, 0x4000000000000000ULL},
        {0xfffe, 0x8765432112345678ULL},
    };
    for (size_t i = 0; i < NV; i++)
        vals[i] = make80(v[i].e, v[i].m);
}

/* Control words: every exception masked, rounding rc, precision pc. */
static uint16_t cw_of(int rc, int pc)
{
    static const int pcs[] = {0, 2, 3};
    return (uint16_t)(0x3f | pcs[pc] << 8 | rc << 10);
}

/* st0 = a, st1 = b; insn; status word; the new st0 (and st1). */
#define XOP(name, insn, two)                                                        \
    static uint16_t name(uint16_t cw, long double a, long double b, long double r[2]) \
    {                                                                               \
        uint16_t sw;                                                                \
        if (two)                                                                    \
            __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn "\n\t" \
                             "fnstsw %[sw]\n\tfstpt %[r0]\n\tfstpt %[r1]\n\tfninit"  \
                             : [sw] "=m"(sw), [r0] "=m"(r[0]), [r1] "=m"(r[1])      \
                             : [cw] "m"(cw), [a] "m"(a), [b] "m"(b)                 \
                             : "st", "st(1)", "st(2)", "cc");                       \
        else                                                                        \
            __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn "\n\t" \
                             "fnstsw %[sw]\n\tfstpt %[r0]\n\tfninit"                \
                             : [sw] "=m"(sw), [r0] "=m"(r[0])                       \
                             : [cw] "m"(cw), [a] "m"(a), [b] "m"(b)                 \
                             : "st", "st(1)", "st(2)", "cc");                       \
        return sw;                                                                  \
    }

XOP(x_fadd, "fadd %%st(1), %%st", 0)
XOP(x_fsub, "fsub %%st(1), %%st", 0)
XOP(x_fmul, "fmul %%st(1), %%st", 0)
XOP(x_fdiv, "fdiv %%st(1), %%st", 0)
XOP(x_faddp, "faddp", 0)
XOP(x_fdivrp, "fdivrp", 0)
XOP(x_fsqrt, "fsqrt", 0)
XOP(x_fsin, "fsin", 0)
XOP(x_fcos, "fcos", 0)
XOP(x_fptan, "fptan", 1)
XOP(x_fsincos, "fsincos", 1)
XOP(x_f2xm1, "f2xm1", 0)
XOP(x_frndint, "frndint", 0)
XOP(x_fxtract, "fxtract", 1)
XOP(x_fxam, "fxam", 0)
XOP(x_ftst, "ftst", 0)
XOP(x_fpatan, "fpatan", 0)
XOP(x_fyl2x, "fyl2x", 0)
XOP(x_fyl2xp1, "fyl2xp1", 0)
XOP(x_fprem, "fprem", 0)
XOP(x_fprem1, "fprem1", 0)
XOP(x_fscale, "fscale", 0)
XOP(x_fcom, "fcom %%st(1)", 0)
XOP(x_fucom, "fucom %%st(1)", 0)
XOP(x_fldpi, "fldpi", 1)
XOP(x_fldl2e, "fldl2e", 1)
XOP(x_fldln2, "fldln2", 1)

typedef uint16_t (*xop)(uint16_t, long double, long double, long double *);

static void show(const char *name, uint16_t cw, size_t i, size_t j, uint16_t sw,
                 const long double *r, int two)
{
    printf("%s %04x %zu %zu = ", name, cw, i, j);
    put80(&r[0]);
    if (two) {
        putchar(' ');
        put80(&r[1]);
    }
    printf(" sw %04x\n", sw);
}

static void binary(const char *name, xop f, int pcs)
{
    for (int rc = 0; rc < 4; rc++)
        for (int pc = pcs ? 0 : 2; pc < 3; pc++)
            for (size_t i = 0; i < NP; i++)
                for (size_t j = 0; j < NP; j++) {
                    long double r[2] = {0, 0};
                    uint16_t cw = cw_of(rc, pc);
                    show(name, cw, i, j, f(cw, vals[i], vals[j], r), r, 0);
                }
}

static void unary(const char *name, xop f, int two)
{
    for (int rc = 0; rc < 4; rc++)
        for (int pc = 0; pc < 3; pc++)
            for (size_t i = 0; i < NV; i++) {
                long double r[2] = {0, 0};
                uint16_t cw = cw_of(rc, pc);
                show(name, cw, i, 0, f(cw, vals[i], vals[2], r), r, two);
            }
}

/* Stores to float, double, int16/32/64, with and without truncation. */
static void stores(void)
{
    for (int rc = 0; rc < 4; rc++)
        for (size_t i = 0; i < NV; i++) {
            uint16_t cw = cw_of(rc, 2), s1, s2, s3, s4, s5;
            float f;
            double d;
            int16_t h;
            int32_t w;
            int64_t q;
            __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\tfsts %[f]\n\tfnstsw %[s1]\n\t"
                             "fstl %[d]\n\tfnstsw %[s2]\n\tfists %[h]\n\tfnstsw %[s3]\n\t"
                             "fistl %[w]\n\tfnstsw %[s4]\n\tfisttpll %[q]\n\tfnstsw %[s5]\n\tfninit"
                             : [f] "=m"(f), [d] "=m"(d), [h] "=m"(h), [w] "=m"(w), [q] "=m"(q),
                               [s1] "=m"(s1), [s2] "=m"(s2), [s3] "=m"(s3), [s4] "=m"(s4),
                               [s5] "=m"(s5)
                             : [cw] "m"(cw), [a] "m"(vals[i])
                             : "st", "cc");
            printf("store %04x %zu = %08x %04x %016llx %04x %04x %04x %08x %04x %016llx %04x\n",
                   cw, i, bits32(f), s1, (unsigned long long)bits64(d), s2, (uint16_t)h, s3,
                   (uint32_t)w, s4, (unsigned long long)q, s5);
        }
}

/* Loads of float and double (denormals, signalling NaNs) and arithmetic
 * with a memory operand. */
static void loads(void)
{
    static const uint32_t fs[] = {0x00000001, 0x7f800001, 0x3f800000, 0xff800000, 0x00400000};
    static const uint64_t ds[] = {1, 0x7ff0000000000001, 0x3ff0000000000000, 0x000fffffffffffff};
    for (size_t i = 0; i < 5; i++) {
        uint16_t s1, s2;
        long double r1, r2;
        float f = from32(fs[i]);
        __asm__ volatile("fninit\n\tflds %[f]\n\tfnstsw %[s1]\n\tfstpt %[r1]\n\tfninit\n\t"
                         "fld1\n\tfadds %[f]\n\tfnstsw %[s2]\n\tfstpt %[r2]\n\tfninit"
                         : [s1] "=m"(s1), [s2] "=m"(s2), [r1] "=m"(r1), [r2] "=m"(r2)
                         : [f] "m"(f)
                         : "st", "cc");
        printf("flds %08x = ", fs[i]);
        put80(&r1);
        printf(" %04x fadds ", s1);
        put80(&r2);
        printf(" %04x\n", s2);
    }
    for (size_t i = 0; i < 4; i++) {
        uint16_t s1, s2;
        long double r1, r2;
        double d = from64(ds[i]);
        __asm__ volatile("fninit\n\tfldl %[d]\n\tfnstsw %[s1]\n\tfstpt %[r1]\n\tfninit\n\t"
                         "fld1\n\tfmull %[d]\n\tfnstsw %[s2]\n\tfstpt %[r2]\n\tfninit"
                         : [s1] "=m"(s1), [s2] "=m"(s2), [r1] "=m"(r1), [r2] "=m"(r2)
                         : [d] "m"(d)
                         : "st", "cc");
        printf("fldl %016llx = ", (unsigned long long)ds[i]);
        put80(&r1);
        printf(" %04x fmull ", s1);
        put80(&r2);
        printf(" %04x\n", s2);
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    fill();
    static const struct { const char *n; xop f; int pcs; } bin[] = {
        {"fadd", x_fadd, 1}, {"fsub", x_fsub, 1}, {"fmul", x_fmul, 1}, {"fdiv", x_fdiv, 1},
        {"faddp", x_faddp, 0}, {"fdivrp", x_fdivrp, 0}, {"fpatan", x_fpatan, 0},
        {"fyl2x", x_fyl2x, 0}, {"fyl2xp1", x_fyl2xp1, 0}, {"fprem", x_fprem, 0},
        {"fprem1", x_fprem1, 0}, {"fscale", x_fscale, 0}, {"fcom", x_fcom, 0},
        {"fucom", x_fucom, 0},
    };
    for (size_t k = 0; k < sizeof bin / sizeof bin[0]; k++)
        binary(bin[k].n, bin[k].f, bin[k].pcs);
    static const struct { const char *n; xop f; int two; } un[] = {
        {"fsqrt", x_fsqrt, 0}, {"fsin", x_fsin, 0}, {"fcos", x_fcos, 0},
        {"fptan", x_fptan, 1}, {"fsincos", x_fsincos, 1}, {"f2xm1", x_f2xm1, 0},
        {"frndint", x_frndint, 0}, {"fxtract", x_fxtract, 1}, {"fxam", x_fxam, 0},
        {"ftst", x_ftst, 0}, {"fldpi", x_fldpi, 1}, {"fldl2e", x_fldl2e, 1},
        {"fldln2", x_fldln2, 1},
    };
    for (size_t k = 0; k < sizeof un / sizeof un[0]; k++)
        unary(un[k].n, un[k].f, un[k].two);
    stores();
    loads();
    return 0;
}
