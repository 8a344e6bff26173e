/*
 * curve.h - fault curves over DRAM sizes, as `faultline sweep` measures
 * them, drawn as an SVG (curve.c).
 */
#ifndef FAULTLINE_CURVE_H
#define FAULTLINE_CURVE_H

#include "vm/vm.h"

#include <stddef.h>
#include <stdint.h>

/* One run of a sweep. */
struct curve_point {
    uint32_t frames;
    const char *policy;     /* "clock", "fifo", ... (not owned) */
    uint64_t major, minor;  /* file-read + swap-in; demand-zero + cache-hit + cow + cow-reuse */
    uint64_t ev[VM_EV_COUNT];
    int status;             /* the run's exit status */
};

/* Draw major faults over frames, one polyline per policy (points in the
 * order given, a policy's in ascending frames), to the file at path.
 * Returns 0, or -1 with a reason in err. */
int curve_svg(const char *path, const struct curve_point *pts, size_t n, char *err,
              size_t errlen);

#endif
