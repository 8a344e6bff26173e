/*
 * fpu_sse.c - SSE floating-point instructions computed by the host.
 *
 * libunicorn 2.0.1 computes them in soft-float and leaves the exception
 * flags in its soft-float status, where stmxcsr (which reads MXCSR
 * directly) never sees them; it also computes rcpps and rsqrtps exactly
 * where hardware approximates, and sets no denormal-operand flag.  Each
 * wrapper here runs the instruction itself on the host's SSE unit with
 * the guest's rounding, DAZ and FZ settings and every exception masked,
 * adds the flags it raised to the guest's MXCSR, and raises #XM at the
 * instruction if one of them is unmasked in the guest (the destination
 * left as it was, as the hardware leaves it).  The MMX conversions
 * (cvtpi2ps and friends) keep libunicorn's result and have their
 * soft-float flags moved to MXCSR.
 */
#include "emu/cpu/fpu_int.h"

#include <stdio.h>

/* The guest's MXCSR as the host runs it: the guest's rounding, DAZ and FZ,
 * no flags, every exception masked.  Bits above 15 are not loaded: the
 * host would fault on them. */
static uint32_t host_csr(const void *env)
{
    uint32_t mx;
    memcpy(&mx, (const char *)env + fpu_at.mxcsr, 4);
    return (mx & 0xffc0) | MXCSR_MASKS;
}

/* Record the flags an instruction raised; if the guest unmasks one, put
 * the destination back (keep, 16 bytes, unless d is NULL) and raise #XM.
 * An unmasked invalid, denormal or divide-by-zero stops the instruction
 * before it computes, so the flags of its result are not raised then;
 * an unmasked overflow or underflow is reported without precision. */
static void sse_flags(void *env, uint32_t got, void *d, const uint8_t *keep, uintptr_t ra)
{
    uint32_t *mx = fpu_mxcsr(env);
    got &= MXCSR_FLAGS;
    uint32_t unmasked = got & ~(*mx >> MXCSR_MASK_SHIFT);
    if (unmasked & 0x07)
        got &= 0x07;
    else if (unmasked & 0x18)
        got &= ~0x20u;
    *mx |= got;
    if (unmasked) {
        if (d)
            memcpy(d, keep, 16);
        fpu_raise(env, X86_VEC_XM, ra);
    }
}

typedef uint32_t (*sse_runner)(uint32_t csr, void *d, const void *s);

/* Masked, underflow is flagged only for a tiny result that is also
 * inexact; unmasked, for every tiny result.  Flush-to-zero flags every
 * tiny result, so when the guest unmasks underflow a second run with it
 * tells. */
#define MXCSR_UM 0x0800
#define MXCSR_FZ 0x8000
#define MXCSR_UE 0x0010

static uint32_t sse_tiny(const void *env, uint32_t csr, const void *d, const void *s,
                         sse_runner run)
{
    if (*fpu_mxcsr((void *)env) & MXCSR_UM)
        return 0;
    uint8_t scratch[16];
    memcpy(scratch, d, 16);
    return run(csr | MXCSR_FZ, scratch, s) & MXCSR_UE;
}

static void sse_op(void *env, void *d, const void *s, sse_runner run, uintptr_t ra)
{
    uint8_t keep[16];
    memcpy(keep, d, 16);
    uint32_t csr = host_csr(env), tiny = sse_tiny(env, csr, d, s, run);
    sse_flags(env, run(csr, d, s) | tiny, d, keep, ra);
}

/* d = d op s on xmm0 and xmm1, under csr; returns the MXCSR after it. */
#define SSE_RUNNER(name, insn)                                                        \
    static uint32_t run_##name(uint32_t csr, void *d, const void *s)                  \
    {                                                                                 \
        uint32_t host, out;                                                           \
        __asm__ volatile("stmxcsr %[host]\n\t"                                        \
                         "ldmxcsr %[csr]\n\t"                                         \
                         "movdqu %[d], %%xmm0\n\t"                                    \
                         "movdqu %[s], %%xmm1\n\t" insn " %%xmm1, %%xmm0\n\t"         \
                         "movdqu %%xmm0, %[d]\n\t"                                    \
                         "stmxcsr %[out]\n\t"                                         \
                         "ldmxcsr %[host]"                                            \
                         : [host] "=m"(host), [out] "=m"(out),                        \
                           [d] "+m"(*(uint8_t(*)[16])d)                               \
                         : [csr] "m"(csr), [s] "m"(*(const uint8_t(*)[16])s)          \
                         : "xmm0", "xmm1");                                           \
        return out;                                                                   \
    }

#define SSE_WRAP(name, insn)                                                          \
    SSE_RUNNER(name, insn)                                                            \
    void __wrap_helper_##name##_x86_64(void *env, void *d, void *s);                  \
    void __wrap_helper_##name##_x86_64(void *env, void *d, void *s)                   \
    {                                                                                 \
        sse_op(env, d, s, run_##name, FPU_RA());                                      \
    }

#define SSE_WRAP4(op)                                                                 \
    SSE_WRAP(op##ps, #op "ps")                                                        \
    SSE_WRAP(op##ss, #op "ss")                                                        \
    SSE_WRAP(op##pd, #op "pd")                                                        \
    SSE_WRAP(op##sd, #op "sd")

SSE_WRAP4(add)
SSE_WRAP4(sub)
SSE_WRAP4(mul)
SSE_WRAP4(div)
SSE_WRAP4(min)
SSE_WRAP4(max)
SSE_WRAP4(sqrt)
SSE_WRAP4(cmpeq)
SSE_WRAP4(cmplt)
SSE_WRAP4(cmple)
SSE_WRAP4(cmpunord)
SSE_WRAP4(cmpneq)
SSE_WRAP4(cmpnlt)
SSE_WRAP4(cmpnle)
SSE_WRAP4(cmpord)
SSE_WRAP(cvtps2pd, "cvtps2pd")
SSE_WRAP(cvtpd2ps, "cvtpd2ps")
SSE_WRAP(cvtss2sd, "cvtss2sd")
SSE_WRAP(cvtsd2ss, "cvtsd2ss")
SSE_WRAP(cvtdq2ps, "cvtdq2ps")
SSE_WRAP(cvtdq2pd, "cvtdq2pd")
SSE_WRAP(cvtps2dq, "cvtps2dq")
SSE_WRAP(cvtpd2dq, "cvtpd2dq")
SSE_WRAP(cvttps2dq, "cvttps2dq")
SSE_WRAP(cvttpd2dq, "cvttpd2dq")
SSE_WRAP(rcpps, "rcpps")
SSE_WRAP(rcpss, "rcpss")
SSE_WRAP(rsqrtps, "rsqrtps")
SSE_WRAP(rsqrtss, "rsqrtss")
SSE_WRAP(haddps, "haddps")
SSE_WRAP(haddpd, "haddpd")
SSE_WRAP(hsubps, "hsubps")
SSE_WRAP(hsubpd, "hsubpd")
SSE_WRAP(addsubps, "addsubps")
SSE_WRAP(addsubpd, "addsubpd")

/* roundps and friends: the immediate's rounding (unless it defers to
 * MXCSR) goes into the loaded MXCSR, and the host instruction defers to
 * it, with the immediate's "suppress precision" bit. */
#define SSE_ROUND(op)                                                                 \
    SSE_RUNNER(op##_mx, #op " $4,")                                                   \
    SSE_RUNNER(op##_mxq, #op " $12,")                                                 \
    void __wrap_helper_##op##_xmm_x86_64(void *env, void *d, void *s, uint32_t mode);  \
    void __wrap_helper_##op##_xmm_x86_64(void *env, void *d, void *s, uint32_t mode)   \
    {                                                                                 \
        uint8_t keep[16];                                                             \
        memcpy(keep, d, 16);                                                          \
        uint32_t csr = host_csr(env);                                                 \
        if (!(mode & 4))                                                              \
            csr = (csr & ~0x6000u) | (mode & 3) << 13;                                \
        uint32_t got = mode & 8 ? run_##op##_mxq(csr, d, s) : run_##op##_mx(csr, d, s); \
        sse_flags(env, got, d, keep, FPU_RA());                                       \
    }

SSE_ROUND(roundps)
SSE_ROUND(roundpd)
SSE_ROUND(roundss)
SSE_ROUND(roundsd)

/* comiss and friends: libunicorn's helper sets EFLAGS exactly; the host
 * instruction gives the flags (comis: invalid on any NaN, ucomis: only on
 * a signalling one). */
#define SSE_COMIS(op)                                                                 \
    SSE_RUNNER(op, #op)                                                               \
    void __real_helper_##op##_x86_64(void *env, void *d, void *s);                    \
    void __wrap_helper_##op##_x86_64(void *env, void *d, void *s);                    \
    void __wrap_helper_##op##_x86_64(void *env, void *d, void *s)                     \
    {                                                                                 \
        uint8_t same[16];                                                             \
        memcpy(same, d, 16);                                                          \
        sse_flags(env, run_##op(host_csr(env), same, s), NULL, NULL, FPU_RA());       \
        __real_helper_##op##_x86_64(env, d, s);                                       \
    }

SSE_COMIS(ucomiss)
SSE_COMIS(comiss)
SSE_COMIS(ucomisd)
SSE_COMIS(comisd)

/* Conversions to an integer register: s in xmm0, the result in r. */
#define SSE_TO_INT(name, insn, type, reg)                                             \
    type __wrap_helper_##name##_x86_64(void *env, void *s);                           \
    type __wrap_helper_##name##_x86_64(void *env, void *s)                            \
    {                                                                                 \
        uint32_t host, out, csr = host_csr(env);                                      \
        type r;                                                                       \
        __asm__ volatile("stmxcsr %[host]\n\t"                                        \
                         "ldmxcsr %[csr]\n\t"                                         \
                         "movdqu %[s], %%xmm0\n\t" insn " %%xmm0, %" reg "[r]\n\t"    \
                         "stmxcsr %[out]\n\t"                                         \
                         "ldmxcsr %[host]"                                            \
                         : [host] "=m"(host), [out] "=m"(out), [r] "=r"(r)            \
                         : [csr] "m"(csr), [s] "m"(*(const uint8_t(*)[16])s)          \
                         : "xmm0");                                                   \
        sse_flags(env, out, NULL, NULL, FPU_RA());                                    \
        return r;                                                                     \
    }

SSE_TO_INT(cvtss2si, "cvtss2si", int32_t, "k")
SSE_TO_INT(cvtsd2si, "cvtsd2si", int32_t, "k")
SSE_TO_INT(cvttss2si, "cvttss2si", int32_t, "k")
SSE_TO_INT(cvttsd2si, "cvttsd2si", int32_t, "k")
SSE_TO_INT(cvtss2sq, "cvtss2si", int64_t, "q")
SSE_TO_INT(cvtsd2sq, "cvtsd2si", int64_t, "q")
SSE_TO_INT(cvttss2sq, "cvttss2si", int64_t, "q")
SSE_TO_INT(cvttsd2sq, "cvttsd2si", int64_t, "q")

/* Conversions from an integer: into the low element of d (xmm0). */
#define SSE_FROM_INT(name, insn, type, reg)                                           \
    void __wrap_helper_##name##_x86_64(void *env, void *d, type v);                   \
    void __wrap_helper_##name##_x86_64(void *env, void *d, type v)                    \
    {                                                                                 \
        uint32_t host, out, csr = host_csr(env);                                      \
        uint8_t keep[16];                                                             \
        memcpy(keep, d, 16);                                                          \
        __asm__ volatile("stmxcsr %[host]\n\t"                                        \
                         "ldmxcsr %[csr]\n\t"                                         \
                         "movdqu %[d], %%xmm0\n\t" insn " %" reg "[v], %%xmm0\n\t"    \
                         "movdqu %%xmm0, %[d]\n\t"                                    \
                         "stmxcsr %[out]\n\t"                                         \
                         "ldmxcsr %[host]"                                            \
                         : [host] "=m"(host), [out] "=m"(out),                        \
                           [d] "+m"(*(uint8_t(*)[16])d)                               \
                         : [csr] "m"(csr), [v] "r"(v)                                 \
                         : "xmm0");                                                   \
        sse_flags(env, out, d, keep, FPU_RA());                                       \
    }

SSE_FROM_INT(cvtsi2ss, "cvtsi2ssl", uint32_t, "k")
SSE_FROM_INT(cvtsi2sd, "cvtsi2sdl", uint32_t, "k")
SSE_FROM_INT(cvtsq2ss, "cvtsi2ssq", int64_t, "q")
SSE_FROM_INT(cvtsq2sd, "cvtsi2sdq", int64_t, "q")

/* Helpers kept from libunicorn: their soft-float flags move to MXCSR. */
static void soft_flags(void *env, uintptr_t ra)
{
    uint8_t *f = (uint8_t *)env + fpu_at.sse_status + SOFTFLOAT_FLAGS_AT;
    uint32_t got = *f & SOFTFLOAT_FLAGS;
    *f = 0;
    if (got)
        sse_flags(env, got, NULL, NULL, ra);
}

#define SSE_SOFT(name)                                                                \
    void __real_helper_##name##_x86_64(void *env, void *d, void *s);                  \
    void __wrap_helper_##name##_x86_64(void *env, void *d, void *s);                  \
    void __wrap_helper_##name##_x86_64(void *env, void *d, void *s)                   \
    {                                                                                 \
        __real_helper_##name##_x86_64(env, d, s);                                     \
        soft_flags(env, FPU_RA());                                                    \
    }

SSE_SOFT(cvtpi2ps)
SSE_SOFT(cvtpi2pd)
SSE_SOFT(cvtps2pi)
SSE_SOFT(cvtpd2pi)
SSE_SOFT(cvttps2pi)
SSE_SOFT(cvttpd2pi)

/* dpps and dppd, step by step as the SDM describes them (a product for
 * each lane the immediate selects, +0 for the others, summed in pairs),
 * each step a host instruction under the guest's settings. */
void __wrap_helper_dpps_xmm_x86_64(void *env, void *d, void *s, uint32_t imm);
void __wrap_helper_dpps_xmm_x86_64(void *env, void *d, void *s, uint32_t imm)
{
    uint32_t csr = host_csr(env), got = 0;
    uint8_t t[4][16] = {{0}}, y[16] = {0};
    for (int i = 0; i < 4; i++)
        if (imm & (16u << i)) {
            memcpy(t[i], (uint8_t *)d + 4 * i, 4);
            memcpy(y, (uint8_t *)s + 4 * i, 4);
            got |= run_mulss(csr, t[i], y);
        }
    got |= run_addss(csr, t[0], t[1]);
    got |= run_addss(csr, t[2], t[3]);
    got |= run_addss(csr, t[0], t[2]);
    uint8_t keep[16], out[16] = {0};
    memcpy(keep, d, 16);
    for (int i = 0; i < 4; i++)
        if (imm & (1u << i))
            memcpy(out + 4 * i, t[0], 4);
    memcpy(d, out, 16);
    sse_flags(env, got, d, keep, FPU_RA());
}

void __wrap_helper_dppd_xmm_x86_64(void *env, void *d, void *s, uint32_t imm);
void __wrap_helper_dppd_xmm_x86_64(void *env, void *d, void *s, uint32_t imm)
{
    uint32_t csr = host_csr(env), got = 0;
    uint8_t t[2][16] = {{0}}, y[16] = {0};
    for (int i = 0; i < 2; i++)
        if (imm & (16u << i)) {
            memcpy(t[i], (uint8_t *)d + 8 * i, 8);
            memcpy(y, (uint8_t *)s + 8 * i, 8);
            got |= run_mulsd(csr, t[i], y);
        }
    got |= run_addsd(csr, t[0], t[1]);
    uint8_t keep[16], out[16] = {0};
    memcpy(keep, d, 16);
    for (int i = 0; i < 2; i++)
        if (imm & (1u << i))
            memcpy(out + 8 * i, t[0], 8);
    memcpy(d, out, 16);
    sse_flags(env, got, d, keep, FPU_RA());
}

int fpu_sse_probe(char *err, size_t errlen)
{
    /* 1 + 2^-60 rounds to 1 and is inexact; rounding up gives the next double. */
    double d[2] = {1.0, 0}, s[2] = {0x1p-60, 0};
    uint32_t near = run_addsd(MXCSR_MASKS, d, s);
    double up[2] = {1.0, 0};
    uint32_t csr_up = MXCSR_MASKS | 0x4000;
    run_addsd(csr_up, up, s);
    if (d[0] != 1.0 || (near & MXCSR_FLAGS) != 0x20 || up[0] != 1.0 + 0x1p-52) {
        snprintf(err, errlen, "the host's SSE unit does not compute as expected");
        return -1;
    }
    return 0;
}
