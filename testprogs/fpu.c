/*
 * fpu.c - the floating-point state a new process starts with, and
 * fxsave/fxrstor keeping the XMM registers (ld.so's lazy binding saves
 * floating-point arguments that way).
 */
#include <stdio.h>
#include <string.h>

static void fxsave_roundtrip(void)
{
    static unsigned char area[512] __attribute__((aligned(16)));
    double in[2] = {1.5, 2.5}, out[2] = {0, 0}, saved;
    __asm__ volatile("movupd (%1), %%xmm0\n\t"
                     "fxsave (%0)\n\t"
                     "pxor %%xmm0, %%xmm0\n\t"
                     "fxrstor (%0)\n\t"
                     "movupd %%xmm0, (%2)\n\t"
                     :
                     : "r"(area), "r"(in), "r"(out)
                     : "xmm0", "memory");
    memcpy(&saved, area + 160, sizeof saved); /* XMM0 in the save area */
    printf("fxsave keeps xmm0: %g %g (in the area: %g)\n", out[0], out[1], saved);
}

int main(void)
{
    unsigned short cw;
    unsigned int mxcsr;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    printf("x87 control word %#x, mxcsr %#x\n", cw, mxcsr);
    __asm__ volatile("fldcw %0" : : "m"(cw));
    volatile long double a = 13, b = 6;
    printf("13/6 in long double: %.18Lf\n", a / b);
    volatile double zero = 0, one = 1;
    printf("1/0 in SSE: %g (masked, no SIGFPE)\n", one / zero);
    fxsave_roundtrip();
    return 0;
}
