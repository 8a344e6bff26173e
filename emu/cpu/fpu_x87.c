/*
 * fpu_x87.c - x87 instructions computed by the host's x87 unit.
 *
 * libunicorn 2.0.1 computes the x87 transcendental instructions (fsin,
 * fcos, fsincos, fptan, fpatan, f2xm1, fyl2x, fyl2xp1) and fprem, fprem1
 * through the host's double, so they keep 53 bits, and it gathers the
 * exception flags of the rest in soft-float where fnstsw never sees them;
 * the condition code C1 (rounded up) is never set and the constants
 * (fldpi, ...) ignore the rounding mode.  The host is an x86-64 with an
 * x87 unit, so each wrapper here loads the guest's control word and
 * condition codes (fldenv), the operands ST0 and ST1 (or FT0, the memory
 * operand libunicorn converted), runs the instruction itself, and takes
 * back the results, the flags and C0-C3 with fnstsw: the host's answer,
 * for every rounding mode and precision control, and the hardware's
 * response to unmasked exceptions (no result, or a rebiased exponent).
 * fnclex right after keeps the host from trapping on them.
 *
 * An unmasked exception sets ES in the guest's status word; the next
 * waiting x87 instruction raises #MF, before it does anything, as the
 * hardware does.  Every x87 instruction goes through at least one helper,
 * and the first helper of each checks.
 */
#include "emu/cpu/fpu_int.h"

#include <stdio.h>

/* One run on the host.  env is the fldenv image (32-bit format), a and b
 * go in as ST0 and ST1, r receives the stack afterwards from ST0 on, m is
 * the memory operand of a load or store; sw0 and sw1 are the status words
 * before and after the instruction. */
struct x87_io {
    uint16_t env[14];
    uint8_t a[16], b[16];
    uint8_t r[3][16];
    uint8_t m[16];
    uint16_t sw0, sw1;
};

typedef void (*x87_runner)(struct x87_io *io);

/* At most three values are on the host's stack afterwards (two loaded,
 * one pushed); popping three leaves it empty, the extra pops underflowing
 * harmlessly under the host's own, masking, control word. */
#define X87_RUNNER(name, insn)                                                        \
    static void run_##name(struct x87_io *io)                                         \
    {                                                                                 \
        uint16_t host;                                                                \
        __asm__ volatile("fnstcw %[host]\n\t"                                         \
                         "fldenv %[env]\n\t"                                          \
                         "fldt %[b]\n\t"                                              \
                         "fldt %[a]\n\t"                                              \
                         "fnstsw %[sw0]\n\t" insn "\n\t"                              \
                         "fnstsw %[sw1]\n\t"                                          \
                         "fnclex\n\t"                                                 \
                         "fldcw %[host]\n\t"                                          \
                         "fstpt %[r0]\n\t"                                            \
                         "fstpt %[r1]\n\t"                                            \
                         "fstpt %[r2]\n\t"                                            \
                         "fnclex"                                                     \
                         : [host] "=m"(host), [sw0] "=m"(io->sw0), [sw1] "=m"(io->sw1), \
                           [r0] "=m"(io->r[0]), [r1] "=m"(io->r[1]), [r2] "=m"(io->r[2]), \
                           [m] "+m"(io->m)                                            \
                         : [env] "m"(io->env), [a] "m"(io->a), [b] "m"(io->b)         \
                         : "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", \
                           "st(7)", "cc");                                            \
    }

static void x87_pending(void *env, uintptr_t ra)
{
    if (*fpu_fpus(env) & X87_SW_ES)
        fpu_raise(env, X86_VEC_MF, ra);
}

static void x87_prepare(void *env, struct x87_io *io, const uint8_t *a, const uint8_t *b)
{
    memset(io, 0, sizeof *io);
    io->env[0] = fpu_fpuc(env);
    io->env[2] = *fpu_fpus(env) & X87_SW_CC;
    io->env[4] = 0xffff; /* every register empty */
    memcpy(io->a, a, 10);
    memcpy(io->b, b, 10);
}

/* Merge the run's status into the guest's; returns how the stack moved:
 * 1 pushed, -1 popped, 0 neither. */
static int x87_finish(void *env, const struct x87_io *io)
{
    uint16_t *sw = fpu_fpus(env);
    uint16_t got = io->sw1 & (X87_SW_CC | X87_SW_FLAGS | X87_SW_SF | X87_SW_ES);
    *sw = (*sw & (X87_SW_FLAGS | X87_SW_SF)) | got;
    if (got & X87_SW_ES)
        *sw |= X87_SW_B;
    unsigned moved = ((io->sw0 >> 11) - (io->sw1 >> 11)) & 7;
    return moved == 1 ? 1 : moved == 7 ? -1 : 0;
}

/* An instruction on ST0 (and ST1) that may push or pop, as fsincos,
 * fptan, fxtract push and fpatan, fyl2x, fyl2xp1 pop; an unmasked
 * exception leaves the stack as it was. */
static void x87_stack_op(void *env, x87_runner run)
{
    struct x87_io io;
    x87_prepare(env, &io, fpu_st(env, 0), fpu_st(env, 1));
    run(&io);
    int moved = x87_finish(env, &io);
    if (moved > 0) {
        fpu_push(env);
        memcpy(fpu_st(env, 0), io.r[0], 10);
        memcpy(fpu_st(env, 1), io.r[1], 10);
    } else if (moved < 0) {
        memcpy(fpu_st(env, 1), io.r[0], 10);
        fpu_pop(env);
    } else {
        memcpy(fpu_st(env, 0), io.r[0], 10);
    }
}

#define X87_STACK(name, insn)                                                         \
    X87_RUNNER(name, insn)                                                            \
    void __wrap_helper_##name##_x86_64(void *env);                                    \
    void __wrap_helper_##name##_x86_64(void *env)                                     \
    {                                                                                 \
        x87_pending(env, FPU_RA());                                                   \
        x87_stack_op(env, run_##name);                                                \
    }

X87_STACK(f2xm1, "f2xm1")
X87_STACK(fyl2x, "fyl2x")
X87_STACK(fptan, "fptan")
X87_STACK(fpatan, "fpatan")
X87_STACK(fxtract, "fxtract")
X87_STACK(fprem1, "fprem1")
X87_STACK(fprem, "fprem")
X87_STACK(fyl2xp1, "fyl2xp1")
X87_STACK(fsqrt, "fsqrt")
X87_STACK(fsincos, "fsincos")
X87_STACK(frndint, "frndint")
X87_STACK(fscale, "fscale")
X87_STACK(fsin, "fsin")
X87_STACK(fcos, "fcos")

/* The constants: libunicorn pushed already (helper_fpush); the host's
 * pushed value, rounded as the control word says, replaces ST0. */
#define X87_CONST(name, insn)                                                         \
    X87_RUNNER(name, insn)                                                            \
    void __wrap_helper_##name##_ST0_x86_64(void *env);                                \
    void __wrap_helper_##name##_ST0_x86_64(void *env)                                 \
    {                                                                                 \
        struct x87_io io;                                                             \
        x87_prepare(env, &io, fpu_st(env, 0), fpu_st(env, 1));                        \
        run_##name(&io);                                                              \
        x87_finish(env, &io);                                                         \
        memcpy(fpu_st(env, 0), io.r[0], 10);                                          \
    }

X87_CONST(fldl2t, "fldl2t")
X87_CONST(fldl2e, "fldl2e")
X87_CONST(fldpi, "fldpi")
X87_CONST(fldlg2, "fldlg2")
X87_CONST(fldln2, "fldln2")

/* Arithmetic with FT0 (the memory operand, or ST(i) copied there): the
 * helper that loaded FT0 checked for a pending exception; if loading it
 * raised an unmasked one, the instruction does nothing more. */
#define X87_FT0(name, insn, store)                                                    \
    X87_RUNNER(name##_ST0_FT0, insn)                                                  \
    void __wrap_helper_##name##_ST0_FT0_x86_64(void *env);                            \
    void __wrap_helper_##name##_ST0_FT0_x86_64(void *env)                             \
    {                                                                                 \
        if (*fpu_fpus(env) & X87_SW_ES)                                               \
            return;                                                                   \
        struct x87_io io;                                                             \
        x87_prepare(env, &io, fpu_st(env, 0), fpu_ft0(env));                          \
        run_##name##_ST0_FT0(&io);                                                    \
        x87_finish(env, &io);                                                         \
        if (store)                                                                    \
            memcpy(fpu_st(env, 0), io.r[0], 10);                                      \
    }

/* ST(i) = ST(i) op ST0: ST(i) goes in as the host's ST0. */
#define X87_STN(name, insn)                                                           \
    X87_RUNNER(name##_STN_ST0, insn)                                                  \
    void __wrap_helper_##name##_STN_ST0_x86_64(void *env, int i);                     \
    void __wrap_helper_##name##_STN_ST0_x86_64(void *env, int i)                      \
    {                                                                                 \
        x87_pending(env, FPU_RA());                                                   \
        struct x87_io io;                                                             \
        x87_prepare(env, &io, fpu_st(env, (unsigned)i), fpu_st(env, 0));              \
        run_##name##_STN_ST0(&io);                                                    \
        x87_finish(env, &io);                                                         \
        memcpy(fpu_st(env, (unsigned)i), io.r[0], 10);                                \
    }

#define X87_ARITH(name)                                                               \
    X87_FT0(name, #name " %%st(1), %%st", 1)                                          \
    X87_STN(name, #name " %%st(1), %%st")

X87_ARITH(fadd)
X87_ARITH(fmul)
X87_ARITH(fsub)
X87_ARITH(fsubr)
X87_ARITH(fdiv)
X87_ARITH(fdivr)
X87_FT0(fcom, "fcom %%st(1)", 0)
X87_FT0(fucom, "fucom %%st(1)", 0)

/* fcomi and fucomi: libunicorn's helper sets EFLAGS exactly; the host
 * instruction gives the exception flags. */
#define X87_COMI(name, insn)                                                          \
    X87_RUNNER(name, insn)                                                            \
    void __real_helper_##name##_ST0_FT0_x86_64(void *env);                            \
    void __wrap_helper_##name##_ST0_FT0_x86_64(void *env);                            \
    void __wrap_helper_##name##_ST0_FT0_x86_64(void *env)                             \
    {                                                                                 \
        if (*fpu_fpus(env) & X87_SW_ES)                                               \
            return;                                                                   \
        struct x87_io io;                                                             \
        x87_prepare(env, &io, fpu_st(env, 0), fpu_ft0(env));                          \
        run_##name(&io);                                                              \
        x87_finish(env, &io);                                                         \
        __real_helper_##name##_ST0_FT0_x86_64(env);                                   \
    }

X87_COMI(fcomi, "fcomi %%st(1), %%st")
X87_COMI(fucomi, "fucomi %%st(1), %%st")

/* Loads of a float or double: to FT0 (arithmetic with a memory operand)
 * or pushed.  The conversion raises invalid on a signalling NaN and
 * denormal on a denormal; an unmasked one loads nothing. */
#define X87_LOAD(name, insn, type, push)                                              \
    X87_RUNNER(name, insn " %[m]")                                                    \
    void __wrap_helper_##name##_x86_64(void *env, type v);                            \
    void __wrap_helper_##name##_x86_64(void *env, type v)                             \
    {                                                                                 \
        x87_pending(env, FPU_RA());                                                   \
        struct x87_io io;                                                             \
        x87_prepare(env, &io, fpu_st(env, 0), fpu_st(env, 1));                        \
        memcpy(io.m, &v, sizeof v);                                                   \
        run_##name(&io);                                                              \
        if (x87_finish(env, &io) <= 0)                                                \
            return;                                                                   \
        if (push)                                                                     \
            fpu_push(env);                                                            \
        memcpy(push ? fpu_st(env, 0) : fpu_ft0(env), io.r[0], 10);                    \
    }

X87_LOAD(flds_FT0, "flds", uint32_t, 0)
X87_LOAD(fldl_FT0, "fldl", uint64_t, 0)
X87_LOAD(flds_ST0, "flds", uint32_t, 1)
X87_LOAD(fldl_ST0, "fldl", uint64_t, 1)

/* Stores of ST0 to a float, double or integer, returned to the translated
 * code, which writes memory (and pops with helper_fpop). */
#define X87_STORE(name, insn, type, stype)                                            \
    X87_RUNNER(name, insn " %[m]")                                                    \
    type __wrap_helper_##name##_x86_64(void *env);                                    \
    type __wrap_helper_##name##_x86_64(void *env)                                     \
    {                                                                                 \
        x87_pending(env, FPU_RA());                                                   \
        struct x87_io io;                                                             \
        x87_prepare(env, &io, fpu_st(env, 0), fpu_st(env, 1));                        \
        run_##name(&io);                                                              \
        x87_finish(env, &io);                                                         \
        stype v;                                                                      \
        memcpy(&v, io.m, sizeof v);                                                   \
        return (type)v;                                                               \
    }

X87_STORE(fsts_ST0, "fsts", uint32_t, uint32_t)
X87_STORE(fstl_ST0, "fstl", uint64_t, uint64_t)
X87_STORE(fist_ST0, "fists", int32_t, int16_t)
X87_STORE(fistl_ST0, "fistl", int32_t, int32_t)
X87_STORE(fistll_ST0, "fistpll", int64_t, int64_t)
X87_STORE(fistt_ST0, "fisttps", int32_t, int16_t)
X87_STORE(fisttl_ST0, "fisttpl", int32_t, int32_t)
X87_STORE(fisttll_ST0, "fisttpll", int64_t, int64_t)

/* fxam of a register that holds a value: the host classifies it
 * (libunicorn calls unnormals normal); an empty one stays libunicorn's. */
X87_RUNNER(fxam, "fxam")
void __real_helper_fxam_ST0_x86_64(void *env);
void __wrap_helper_fxam_ST0_x86_64(void *env);
void __wrap_helper_fxam_ST0_x86_64(void *env)
{
    x87_pending(env, FPU_RA());
    if (((uint8_t *)env + fpu_at.fptags)[fpu_top(env)]) {
        __real_helper_fxam_ST0_x86_64(env);
        return;
    }
    struct x87_io io;
    x87_prepare(env, &io, fpu_st(env, 0), fpu_st(env, 1));
    run_fxam(&io);
    x87_finish(env, &io);
}

/* The other waiting instructions' first helpers: libunicorn's own, after
 * the check for a pending exception. */
#define X87_WAIT(name, params, args)                                                  \
    void __real_helper_##name##_x86_64 params;                                        \
    void __wrap_helper_##name##_x86_64 params;                                        \
    void __wrap_helper_##name##_x86_64 params                                         \
    {                                                                                 \
        x87_pending(env, FPU_RA());                                                   \
        __real_helper_##name##_x86_64 args;                                           \
    }

X87_WAIT(fwait, (void *env), (env))
X87_WAIT(fpush, (void *env), (env))
X87_WAIT(fdecstp, (void *env), (env))
X87_WAIT(fincstp, (void *env), (env))
X87_WAIT(fchs_ST0, (void *env), (env))
X87_WAIT(fabs_ST0, (void *env), (env))
X87_WAIT(fldz_FT0, (void *env), (env))
X87_WAIT(ffree_STN, (void *env, int i), (env, i))
X87_WAIT(fmov_FT0_STN, (void *env, int i), (env, i))
X87_WAIT(fmov_ST0_STN, (void *env, int i), (env, i))
X87_WAIT(fmov_STN_ST0, (void *env, int i), (env, i))
X87_WAIT(fxchg_ST0_STN, (void *env, int i), (env, i))
X87_WAIT(fildl_FT0, (void *env, int32_t v), (env, v))
X87_WAIT(fildl_ST0, (void *env, int32_t v), (env, v))
X87_WAIT(fildll_ST0, (void *env, int64_t v), (env, v))
X87_WAIT(fldt_ST0, (void *env, uint64_t p), (env, p))
X87_WAIT(fstt_ST0, (void *env, uint64_t p), (env, p))
X87_WAIT(fbld_ST0, (void *env, uint64_t p), (env, p))
X87_WAIT(fbst_ST0, (void *env, uint64_t p), (env, p))

int fpu_x87_probe(char *err, size_t errlen)
{
    /* pi to nearest ends in ...c235, rounded down in ...c234. */
    struct x87_io io;
    memset(&io, 0, sizeof io);
    io.env[0] = 0x37f;
    io.env[4] = 0xffff;
    run_fldpi(&io);
    uint64_t near, down;
    memcpy(&near, io.r[0], 8);
    io.env[0] = 0x77f;
    run_fldpi(&io);
    memcpy(&down, io.r[0], 8);
    if (near != 0xc90fdaa22168c235ULL || down != 0xc90fdaa22168c234ULL) {
        snprintf(err, errlen, "the host's x87 unit does not compute as expected");
        return -1;
    }
    return 0;
}
