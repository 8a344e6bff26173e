/*
 * fp_common.h - what the fidelity testprogs (fp_*.c) share: printing
 * values by their bits, so a run under faultline compares byte for byte
 * with the native one.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static inline uint64_t bits64(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static inline uint32_t bits32(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static inline double from64(uint64_t u)
{
    double d;
    memcpy(&d, &u, 8);
    return d;
}

static inline float from32(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* An 80-bit value as sign+exponent:mantissa. */
static inline void put80(const long double *x)
{
    uint64_t m;
    uint16_t e;
    memcpy(&m, x, 8);
    memcpy(&e, (const char *)x + 8, 2);
    printf("%04x:%016llx", e, (unsigned long long)m);
}

static inline long double make80(uint16_t e, uint64_t m)
{
    long double x = 0;
    memcpy(&x, &m, 8);
    memcpy((char *)&x + 8, &e, 2);
    return x;
}
