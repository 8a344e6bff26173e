/*
 * tbflush.c - dropping translated code without zeroing 1 GiB.
 *
 * libunicorn 2.0.1 zeroes its whole code buffer (1 GiB, allocated at the
 * engine's start and untouched until used) every time the translation
 * cache is flushed: tcg_region_assign() memsets the region it hands out.
 * QEMU does not, and later Unicorn dropped it too.  The first flush of an
 * engine so faults in 1 GiB of host memory (as huge pages, each zeroed by
 * the host kernel, then again by the memset): about 1.2 s, and the
 * process's resident size grows by 1 GiB.  One flush in `gcc -O2 hello.c`
 * (cc1 changes the protection of an executable range) was 38 % of the
 * whole run.
 *
 * faultline wraps the library's region reset (which the flush calls from
 * another object file, so the linker's --wrap reaches it) and, while it
 * runs, skips memsets of a whole region.  Nothing reads the buffer's old
 * bytes: code is generated before it is jumped to, and every link into a
 * dropped block is gone with the hash table and the jump caches.
 */
#include "emu/cpu/engine.h"

#include <stdbool.h>
#include <stddef.h>

/* Smaller memsets in the reset (its tree of blocks) still run. */
#define REGION_MIN ((size_t)1 << 24)

void __real_tcg_region_reset_all_x86_64(void *tcg_ctx);
void __wrap_tcg_region_reset_all_x86_64(void *tcg_ctx);
void *__real_memset(void *s, int c, size_t n);
void *__wrap_memset(void *s, int c, size_t n);

static bool resetting;
static unsigned long flushes;

unsigned long cpu_tb_flushes(void)
{
    return flushes;
}

void __wrap_tcg_region_reset_all_x86_64(void *tcg_ctx)
{
    resetting = true;
    __real_tcg_region_reset_all_x86_64(tcg_ctx);
    resetting = false;
    flushes++;
}

void *__wrap_memset(void *s, int c, size_t n)
{
    if (resetting && n >= REGION_MIN)
        return s;
    return __real_memset(s, c, n);
}
