/*
 * fp_trap.c - unmasked floating-point exceptions: SIGFPE with the si_code
 * of the exception, at the faulting SSE instruction (#XM) or at the next
 * waiting x87 instruction (#MF), the signal frame's saved MXCSR and
 * status word, and the clean FPU state the handler starts with.
 */
#include "fp_common.h"

#include <float.h>
#include <setjmp.h>
#include <signal.h>
#include <ucontext.h>

static sigjmp_buf back;
static volatile uint64_t at_op, at_next;

static void on_fpe(int sig, siginfo_t *si, void *ucp)
{
    ucontext_t *uc = ucp;
    uint32_t mx;
    uint16_t cw, sw;
    __asm__ volatile("stmxcsr %0\n\tfnstcw %1\n\tfnstsw %2" : "=m"(mx), "=m"(cw), "=m"(sw));
    uint64_t a = (uint64_t)si->si_addr;
    printf("  SIGFPE %d code %d %s; frame mxcsr %04x sw %04x cw %04x; handler mxcsr %04x "
           "cw %04x sw %04x\n", sig, si->si_code,
           a == at_op ? "at the instruction" : a == at_next ? "at the next one" : "elsewhere",
           uc->uc_mcontext.fpregs->mxcsr, uc->uc_mcontext.fpregs->swd,
           uc->uc_mcontext.fpregs->cwd, mx, cw, sw);
    siglongjmp(back, 1);
}

/* xmm0 = a op b with MXCSR csr; no trap prints the result. */
#define SSE_TRAP(name, insn)                                                        \
    static void name(uint32_t csr, double a, double b)                              \
    {                                                                               \
        printf("%s mxcsr %04x %a %a\n", #insn, csr, a, b);                          \
        if (sigsetjmp(back, 1))                                                     \
            return;                                                                 \
        double r = a;                                                               \
        uint32_t out, def = 0x1f80;                                                 \
        __asm__ volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %[op]\n\t"             \
                         "lea 2f(%%rip), %%rax\n\tmov %%rax, %[nx]\n\t"             \
                         "movsd %[r], %%xmm0\n\tldmxcsr %[c]\n\t"                   \
                         "1: " insn " %[b], %%xmm0\n\t"                             \
                         "2: stmxcsr %[o]\n\tldmxcsr %[def]\n\tmovsd %%xmm0, %[r]"  \
                         : [r] "+m"(r), [o] "=m"(out), [op] "=m"(at_op), [nx] "=m"(at_next) \
                         : [b] "m"(b), [c] "m"(csr), [def] "m"(def)                 \
                         : "rax", "xmm0", "memory");                                \
        printf("  no trap: %a mxcsr %04x\n", r, out);                               \
    }

SSE_TRAP(t_divsd, "divsd")
SSE_TRAP(t_mulsd, "mulsd")
SSE_TRAP(t_addsd, "addsd")
SSE_TRAP(t_sqrtsd, "sqrtsd")
SSE_TRAP(t_comisd, "comisd")
SSE_TRAP(t_ucomisd, "ucomisd")

/* st0 = a op b under control word cw, then fstpt: a waiting instruction
 * that takes a pending #MF. */
#define X87_TRAP(name, insn)                                                        \
    static void name(uint16_t cw, long double a, long double b)                     \
    {                                                                               \
        printf("%s cw %04x %La %La\n", #insn, cw, a, b);                            \
        if (sigsetjmp(back, 1)) {                                                   \
            __asm__ volatile("fninit");                                             \
            return;                                                                 \
        }                                                                           \
        long double r;                                                              \
        uint16_t sw;                                                                \
        __asm__ volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %[op]\n\t"             \
                         "lea 2f(%%rip), %%rax\n\tmov %%rax, %[nx]\n\t"             \
                         "fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t"      \
                         "1: " insn "\n\t"                                          \
                         "fnstsw %[sw]\n\t"                                         \
                         "2: fstpt %[r]\n\tfninit"                                  \
                         : [r] "=m"(r), [sw] "=m"(sw), [op] "=m"(at_op), [nx] "=m"(at_next) \
                         : [a] "m"(a), [b] "m"(b), [cw] "m"(cw)                     \
                         : "rax", "st", "st(1)", "memory");                         \
        printf("  no trap: %La sw %04x\n", r, sw);                                  \
    }

X87_TRAP(x_fdiv, "fdiv %%st(1), %%st")
X87_TRAP(x_fmul, "fmul %%st(1), %%st")
X87_TRAP(x_fsqrt, "fsqrt")
X87_TRAP(x_fsin, "fsin")
X87_TRAP(x_fadd, "fadd %%st(1), %%st")

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa = {.sa_sigaction = on_fpe, .sa_flags = SA_SIGINFO | SA_NODEFER};
    sigaction(SIGFPE, &sa, NULL);
    /* MXCSR: one exception unmasked at a time, then all masked. */
    static const uint32_t sse[] = {0x1f00, 0x1d80, 0x1b80, 0x1780, 0x0f80, 0x1e80, 0x1f80};
    for (size_t i = 0; i < sizeof sse / sizeof sse[0]; i++) {
        t_divsd(sse[i], 1.0, 0.0);
        t_divsd(sse[i], 0.0, 0.0);
        t_divsd(sse[i], 1.0, 3.0);
        t_mulsd(sse[i], DBL_MAX, 2.0);
        t_mulsd(sse[i], DBL_MIN, 0.25);
        t_mulsd(sse[i], 0x1p-1070, 1.0);
        t_addsd(sse[i], 1.0, 0x1p-60);
        t_sqrtsd(sse[i], 0.0, -1.0);
        t_comisd(sse[i], 1.0, __builtin_nan(""));
        t_ucomisd(sse[i], 1.0, __builtin_nan(""));
        t_ucomisd(sse[i], 1.0, __builtin_nans(""));
    }
    static const uint16_t x87[] = {0x37e, 0x37b, 0x377, 0x36f, 0x35f, 0x33f, 0x37d, 0x37f};
    for (size_t i = 0; i < sizeof x87 / sizeof x87[0]; i++) {
        x_fdiv(x87[i], 1.0L, 0.0L);
        x_fdiv(x87[i], 0.0L, 0.0L);
        x_fdiv(x87[i], 1.0L, 3.0L);
        x_fmul(x87[i], LDBL_MAX, 2.0L);
        x_fmul(x87[i], LDBL_MIN, 0.25L);
        x_fmul(x87[i], 0x1p-16440L, 1.0L);
        x_fsqrt(x87[i], -1.0L, 0.0L);
        x_fsin(x87[i], 1.0L, 0.0L);
        x_fadd(x87[i], 1.0L, 0x1p-70L);
    }
    return 0;
}
