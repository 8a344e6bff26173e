/*
 * random.c - getrandom, drawn from a stream seeded by --seed so that
 * runs repeat.
 */
#include "emu/sys/sys.h"

#include <string.h>

#define GETRANDOM_MAX (1u << 25) /* bytes in one call, as Linux caps it */

/* splitmix64 over the machine's stream */
static uint64_t next_random(struct emu *emu)
{
    uint64_t z = (emu->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* flags (GRND_NONBLOCK, GRND_RANDOM) change nothing: the stream never
 * blocks. */
long sys_getrandom(struct sys *s, uaddr_t buf, size_t count, unsigned int flags)
{
    (void)flags;
    size_t len = count > GETRANDOM_MAX ? GETRANDOM_MAX : count;
    uint8_t chunk[256];
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
        for (size_t i = 0; i < n; i += 8) {
            uint64_t r = next_random(s->emu);
            memcpy(chunk + i, &r, n - i < 8 ? n - i : 8);
        }
        if (copy_out(s, buf + done, chunk, n) < 0)
            return done ? (long)done : -LINUX_EFAULT;
        done += n;
    }
    return (long)done;
}
