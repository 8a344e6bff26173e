/*
 * fp_libm.c - the C library's math functions (double, float, long
 * double) on arguments that include zeros, subnormals, the extremes,
 * infinities and NaNs: each result in hex with the exception flags it
 * raised, to compare with native.
 */
#include "fp_common.h"

#include <fenv.h>
#include <float.h>
#include <math.h>

static const double args[] = {
    0.0, -0.0, 0x1p-1074, 0x1p-1022, 1e-300, 1e-8, 0.5, 1.0, -1.0, 2.0, 3.0, 10.0, 0.75,
    -2.5, 1e10, 1e22, 1e300, DBL_MAX, -DBL_MAX, 709.78, -745.2, 0x1.921fb54442d18p+0,
    0x1.921fb54442d18p+1, 1e-310, INFINITY, -INFINITY, NAN, -NAN,
};
#define NA (sizeof args / sizeof args[0])

static const long double largs[] = {
    0.0L, -0.0L, 0x1p-16445L, 0x1p-16382L, 1e-4000L, 0.5L, 1.0L, -1.0L, 2.0L, 3.0L, 10.0L,
    -0x8.111cf9e354789efp+0L, 0.1L, 1e10L, 1e300L, 1e4000L, LDBL_MAX, 11356.5L, -11400.0L,
    0x3.243f6a8885a308d3p+0L, INFINITY, -INFINITY, NAN,
};
#define NL (sizeof largs / sizeof largs[0])

static void flags_put(void)
{
    int f = fetestexcept(FE_ALL_EXCEPT);
    printf(" fl %02x\n", f);
}

#define D1(fn)                                                                      \
    for (size_t i = 0; i < NA; i++) {                                               \
        volatile double x = args[i];                                                \
        feclearexcept(FE_ALL_EXCEPT);                                               \
        double r = fn(x);                                                           \
        printf(#fn " %016llx = %016llx", (unsigned long long)bits64(x),             \
               (unsigned long long)bits64(r));                                      \
        flags_put();                                                                \
    }

#define D2(fn)                                                                      \
    for (size_t i = 0; i < NA; i += 2)                                              \
        for (size_t j = 1; j < NA; j += 3) {                                        \
            volatile double x = args[i], y = args[j];                               \
            feclearexcept(FE_ALL_EXCEPT);                                           \
            double r = fn(x, y);                                                    \
            printf(#fn " %016llx %016llx = %016llx", (unsigned long long)bits64(x), \
                   (unsigned long long)bits64(y), (unsigned long long)bits64(r));   \
            flags_put();                                                            \
        }

#define F1(fn)                                                                      \
    for (size_t i = 0; i < NA; i++) {                                               \
        volatile float x = (float)args[i];                                          \
        feclearexcept(FE_ALL_EXCEPT);                                               \
        float r = fn(x);                                                            \
        printf(#fn " %08x = %08x", bits32(x), bits32(r));                           \
        flags_put();                                                                \
    }

#define L1(fn)                                                                      \
    for (size_t i = 0; i < NL; i++) {                                               \
        volatile long double x = largs[i];                                          \
        feclearexcept(FE_ALL_EXCEPT);                                               \
        long double r = fn(x);                                                      \
        printf(#fn " %La = %La", x, r);                                             \
        flags_put();                                                                \
    }

#define L2(fn)                                                                      \
    for (size_t i = 0; i < NL; i += 2)                                              \
        for (size_t j = 1; j < NL; j += 3) {                                        \
            volatile long double x = largs[i], y = largs[j];                        \
            feclearexcept(FE_ALL_EXCEPT);                                           \
            long double r = fn(x, y);                                               \
            printf(#fn " %La %La = %La", x, y, r);                                  \
            flags_put();                                                            \
        }

int main(void)
{
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    D1(sin) D1(cos) D1(tan) D1(asin) D1(acos) D1(atan) D1(exp) D1(exp2) D1(expm1)
    D1(log) D1(log2) D1(log10) D1(log1p) D1(sqrt) D1(cbrt) D1(sinh) D1(cosh) D1(tanh)
    D1(asinh) D1(erf) D1(erfc) D1(tgamma) D1(lgamma) D1(rint) D1(floor) D1(nearbyint)
    D2(atan2) D2(pow) D2(hypot) D2(fmod) D2(remainder) D2(fmin) D2(nextafter)
    F1(sinf) F1(cosf) F1(expf) F1(logf) F1(sqrtf) F1(atanf) F1(cbrtf) F1(tanhf)
    L1(sinl) L1(cosl) L1(tanl) L1(atanl) L1(expl) L1(exp2l) L1(expm1l) L1(logl) L1(log2l)
    L1(log10l) L1(log1pl) L1(sqrtl) L1(cbrtl) L1(sinhl) L1(coshl) L1(tanhl) L1(asinl)
    L1(acosl) L1(rintl) L1(truncl)
    L2(atan2l) L2(powl) L2(fmodl) L2(remainderl) L2(hypotl)
    return 0;
}
