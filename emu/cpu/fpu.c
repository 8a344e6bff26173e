/*
 * fpu.c - where libunicorn keeps the floating-point state, and how its
 * exceptions reach the guest.
 *
 * The wrappers in fpu_sse.c and fpu_x87.c work on libunicorn's
 * CPUX86State directly: it is what the helpers receive.  The fields they
 * need are found here at start-up from the engine's context (a copy of
 * that structure) after writing known values into the registers, and the
 * fields the registers do not reach are checked through the soft-float
 * settings that libunicorn derives from them; if the layout is not
 * libunicorn 2.0.1's, faultline refuses to run rather than compute
 * garbage.
 */
#include "emu/cpu/fpu.h"
#include "emu/cpu/fpu_int.h"

#include <stdio.h>
#include <stdlib.h>

struct fpu_layout fpu_at;

/* Exported by libunicorn 2.0.1 (QEMU's target/i386/excp_helper.c). */
void raise_exception_ra_x86_64(void *env, int exception_index, uintptr_t retaddr)
    __attribute__((noreturn));

_Noreturn void fpu_raise(void *env, int vector, uintptr_t ra)
{
    raise_exception_ra_x86_64(env, vector, ra);
}

void fpu_push(void *env)
{
    unsigned t = (fpu_top(env) - 1) & 7;
    memcpy((char *)env + fpu_at.fpstt, &t, sizeof t);
    ((uint8_t *)env + fpu_at.fptags)[t] = 0;
}

void fpu_pop(void *env)
{
    unsigned t = fpu_top(env);
    ((uint8_t *)env + fpu_at.fptags)[t] = 1;
    t = (t + 1) & 7;
    memcpy((char *)env + fpu_at.fpstt, &t, sizeof t);
}

/* --- calibration ----------------------------------------------------------------- */

/* Two settings of the registers, written in turn; each field must read
 * its value of the first in the first snapshot and of the second in the
 * second.  The soft-float bytes are what libunicorn derives: rounding
 * mode (0 nearest, 3 toward zero) and x87 precision (80 or 64 bits). */
struct probe_regs {
    uint16_t fpcw, fpsw;
    uint32_t mxcsr;
    uint64_t fp0_mant;
    uint16_t fp0_exp;
    uint8_t x87_round, x87_prec, sse_round, sse_daz;
};

static const struct probe_regs probes[2] = {
    {0x037f, 0x0001, 0x1f80, 0x0123456789abcdefULL, 0x3fff, 0, 80, 0, 0},
    {0x0e7f, 0x3822, 0x7fc0, 0xfedcba9876543210ULL, 0xc001, 3, 64, 3, 1},
};

static void probe_write(uc_engine *uc, const struct probe_regs *p)
{
    uint64_t v = p->fpcw;
    uc_reg_write(uc, UC_X86_REG_FPCW, &v);
    v = p->fpsw;
    uc_reg_write(uc, UC_X86_REG_FPSW, &v);
    uint32_t mx = p->mxcsr;
    uc_reg_write(uc, UC_X86_REG_MXCSR, &mx);
    uint8_t fp[16] = {0};
    memcpy(fp, &p->fp0_mant, 8);
    memcpy(fp + 8, &p->fp0_exp, 2);
    uc_reg_write(uc, UC_X86_REG_FP0, fp);
}

/* The only offset (a multiple of size) holding want[0] in snap[0] and
 * want[1] in snap[1]; -1 unless there is exactly one. */
static long find_unique(uint8_t *const snap[2], size_t n, size_t size, const uint64_t want[2])
{
    long found = -1;
    int hits = 0;
    for (size_t k = 0; k + size <= n; k += size) {
        uint64_t a = 0, b = 0;
        memcpy(&a, snap[0] + k, size);
        memcpy(&b, snap[1] + k, size);
        if (a == want[0] && b == want[1]) {
            found = (long)k;
            hits++;
        }
    }
    return hits == 1 ? found : -1;
}

static bool field_is(uint8_t *const snap[2], size_t off, size_t size, uint64_t v0, uint64_t v1)
{
    uint64_t a = 0, b = 0;
    memcpy(&a, snap[0] + off, size);
    memcpy(&b, snap[1] + off, size);
    return a == v0 && b == v1;
}

/* The layout of CPUX86State from fpstt to xmm_regs in libunicorn 2.0.1
 * (qemu/target/i386/cpu.h): fpstt, fpus, fpuc, fptags[8], fpregs[8]
 * (16 bytes each, aligned to 16), fpop, fpcs, fpds, fpip, fpdp, fp_status, ft0,
 * mmx_status, sse_status, mxcsr.  Only fpuc and fpregs are searched
 * for; the rest must be where that layout puts them. */
static bool layout_check(uint8_t *const s[2], size_t n)
{
    const struct probe_regs *p = probes;
    long cw = find_unique(s, n, 2, (const uint64_t[]){p[0].fpcw, p[1].fpcw});
    long regs = find_unique(s, n, 8, (const uint64_t[]){p[0].fp0_mant, p[1].fp0_mant});
    /* fpregs is 16-byte aligned, after fptags. */
    if (cw < 6 || regs < 0 || (size_t)regs != (((size_t)cw + 10 + 15) & ~(size_t)15))
        return false;
    struct fpu_layout a = {.fpstt = cw - 6, .fpus = cw - 2, .fpuc = cw, .fptags = cw + 2,
                           .fpregs = regs};
    a.fp_status = a.fpregs + 8 * 16 + 24;
    a.ft0 = a.fp_status + 8;
    a.sse_status = a.ft0 + 16 + 8;
    a.mxcsr = a.sse_status + 8;
    if (a.mxcsr + 4 > n)
        return false;
    bool ok = field_is(s, a.fpstt, 4, p[0].fpsw >> 11, p[1].fpsw >> 11) &&
              field_is(s, a.fpus, 2, p[0].fpsw & ~X87_SW_TOP, p[1].fpsw & ~X87_SW_TOP) &&
              field_is(s, a.fpregs + 8, 2, p[0].fp0_exp, p[1].fp0_exp) &&
              field_is(s, a.fp_status + 1, 1, p[0].x87_round, p[1].x87_round) &&
              field_is(s, a.fp_status + 3, 1, p[0].x87_prec, p[1].x87_prec) &&
              field_is(s, a.sse_status + 1, 1, p[0].sse_round, p[1].sse_round) &&
              field_is(s, a.sse_status + 5, 1, p[0].sse_daz, p[1].sse_daz) &&
              field_is(s, a.mxcsr, 4, p[0].mxcsr, p[1].mxcsr);
    if (ok)
        fpu_at = a;
    return ok;
}

int fpu_calibrate(uc_engine *uc, char *err, size_t errlen)
{
    uc_context *saved = NULL, *ctx = NULL;
    size_t n = uc_context_size(uc);
    uint8_t *snap[2] = {malloc(n), malloc(n)};
    int rc = -1;
    if (!snap[0] || !snap[1] || uc_context_alloc(uc, &saved) != UC_ERR_OK ||
        uc_context_alloc(uc, &ctx) != UC_ERR_OK) {
        snprintf(err, errlen, "out of memory during FPU calibration");
        goto out;
    }
    uc_context_save(uc, saved);
    for (int i = 0; i < 2; i++) {
        probe_write(uc, &probes[i]);
        uc_context_save(uc, ctx);
        memcpy(snap[i], ctx, n);
    }
    uc_context_restore(uc, saved);
    /* The context is a header (its first field the size of the copy of
     * CPUX86State that follows) and the copy. */
    size_t state = 0;
    memcpy(&state, snap[0], sizeof state);
    size_t hdr = n - state;
    uint8_t *const s[2] = {snap[0] + hdr, snap[1] + hdr};
    if (state > n || !layout_check(s, state)) {
        snprintf(err, errlen,
                 "cannot locate the FPU state in libunicorn's context (this faultline "
                 "needs libunicorn 2.0.1 as in Debian bookworm)");
        goto out;
    }
    rc = fpu_x87_probe(err, errlen) < 0 || fpu_sse_probe(err, errlen) < 0 ? -1 : 0;
out:
    if (saved)
        uc_context_free(saved);
    if (ctx)
        uc_context_free(ctx);
    free(snap[0]);
    free(snap[1]);
    return rc;
}

/* --- what the guest sees ----------------------------------------------------------- */

/* Linux si_code values for SIGFPE. */
#define FPE_FLTDIV_K 3
#define FPE_FLTOVF_K 4
#define FPE_FLTUND_K 5
#define FPE_FLTRES_K 6
#define FPE_FLTINV_K 7

int fpu_fault_code(uc_engine *uc, int vector)
{
    unsigned err;
    if (vector == X86_VEC_MF) {
        uint16_t sw = 0, cw = 0;
        uc_reg_read(uc, UC_X86_REG_FPSW, &sw);
        uc_reg_read(uc, UC_X86_REG_FPCW, &cw);
        err = sw & ~cw;
    } else {
        uint32_t mx = 0;
        uc_reg_read(uc, UC_X86_REG_MXCSR, &mx);
        err = ~(mx >> MXCSR_MASK_SHIFT) & mx;
    }
    /* The order Linux tests them in (fpu__exception_code). */
    if (err & 0x01)
        return FPE_FLTINV_K;
    if (err & 0x04)
        return FPE_FLTDIV_K;
    if (err & 0x08)
        return FPE_FLTOVF_K;
    if (err & 0x12)
        return FPE_FLTUND_K;
    if (err & 0x20)
        return FPE_FLTRES_K;
    return 0;
}

void fpu_signal_entry(uc_engine *uc)
{
    uint64_t v = 0x37f;
    uc_reg_write(uc, UC_X86_REG_FPCW, &v);
    v = 0;
    uc_reg_write(uc, UC_X86_REG_FPSW, &v);
    v = 0xffff;
    uc_reg_write(uc, UC_X86_REG_FPTAG, &v);
    uint32_t mx = 0x1f80;
    uc_reg_write(uc, UC_X86_REG_MXCSR, &mx);
}
