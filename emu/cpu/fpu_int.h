/*
 * fpu_int.h - what the floating-point wrappers share: where the fields
 * of libunicorn's CPUX86State are (found by fpu_calibrate) and how an
 * exception reaches the guest.
 */
#ifndef FAULTLINE_FPU_INT_H
#define FAULTLINE_FPU_INT_H

#include <stdint.h>
#include <string.h>

/* Byte offsets into libunicorn 2.0.1's CPUX86State; set once, at start-up,
 * before any guest instruction runs. */
struct fpu_layout {
    size_t fpstt;      /* unsigned int: the x87 top of stack */
    size_t fpus;       /* uint16_t: status word without TOP */
    size_t fpuc;       /* uint16_t: control word */
    size_t fptags;     /* uint8_t[8]: 1 = empty */
    size_t fpregs;     /* 8 x 16 bytes, each an 80-bit value first */
    size_t fp_status;  /* soft-float status of the x87 */
    size_t ft0;        /* 80-bit temporary: a memory operand of x87 arithmetic */
    size_t sse_status; /* soft-float status of SSE */
    size_t mxcsr;      /* uint32_t */
};

extern struct fpu_layout fpu_at;

/* The guest-ABI bits of the x87 status and control words and MXCSR. */
#define X87_SW_FLAGS 0x003f  /* IE DE ZE OE UE PE */
#define X87_SW_SF 0x0040
#define X87_SW_ES 0x0080
#define X87_SW_CC 0x4700     /* C0 C1 C2 C3 */
#define X87_SW_TOP 0x3800
#define X87_SW_B 0x8000
#define X87_CW_MASKS 0x003f
#define MXCSR_FLAGS 0x003f
#define MXCSR_MASKS 0x1f80
#define MXCSR_MASK_SHIFT 7

/* x86 exception vectors. */
#define X86_VEC_MF 16
#define X86_VEC_XM 19

/* QEMU's soft-float flag bits, which are the x86 ones for the five IEEE
 * exceptions. */
#define SOFTFLOAT_FLAGS 0x3d
/* float_status: the accumulated flags are its third byte. */
#define SOFTFLOAT_FLAGS_AT 2

static inline uint16_t *fpu_fpus(void *env)
{
    return (uint16_t *)((char *)env + fpu_at.fpus);
}

static inline uint16_t fpu_fpuc(void *env)
{
    uint16_t v;
    memcpy(&v, (char *)env + fpu_at.fpuc, 2);
    return v;
}

static inline uint32_t *fpu_mxcsr(void *env)
{
    return (uint32_t *)((char *)env + fpu_at.mxcsr);
}

static inline unsigned fpu_top(void *env)
{
    unsigned t;
    memcpy(&t, (char *)env + fpu_at.fpstt, sizeof t);
    return t & 7;
}

/* The 80-bit register ST(i). */
static inline uint8_t *fpu_st(void *env, unsigned i)
{
    return (uint8_t *)env + fpu_at.fpregs + 16 * ((fpu_top(env) + i) & 7);
}

static inline uint8_t *fpu_ft0(void *env)
{
    return (uint8_t *)env + fpu_at.ft0;
}

/* The x87 stack moves as QEMU's fpush and fpop move it. */
void fpu_push(void *env);
void fpu_pop(void *env);

/* Raise exception vector on the guest instruction whose translated code
 * called the helper that returns to ra: the CPU state is restored to the
 * start of that instruction and the engine leaves the translated block.
 * Does not return. */
_Noreturn void fpu_raise(void *env, int vector, uintptr_t ra);

/* The link between the translated code and a wrapper: the wrapper's own
 * return address, taken in the wrapper itself. */
#define FPU_RA() ((uintptr_t)__builtin_return_address(0))

/* Called by fpu_calibrate: 0 if the host runs the wrappers' operations as
 * expected, else -1 with a message. */
int fpu_x87_probe(char *err, size_t errlen);
int fpu_sse_probe(char *err, size_t errlen);

#endif
