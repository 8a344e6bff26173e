/* swap_verify PAGES: fill PAGES pages with a pattern, one 64-bit word at a
 * time, then check every word, twice.  With more pages than DRAM holds,
 * pages go to swap and come back; a word read back wrong is reported.
 * When the memory cannot be had, say so (exit 2), as a program should. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t pattern(uint64_t i, int round)
{
    return (i * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)round;
}

int main(int argc, char **argv)
{
    long pages = argc > 1 ? atol(argv[1]) : 1024;
    size_t words = (size_t)pages * 4096 / 8;
    volatile uint64_t *mem = malloc(words * 8);
    if (!mem) {
        printf("malloc of %ld pages failed: %s\n", pages, strerror(errno));
        return 2;
    }
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < words; i++)
            mem[i] = pattern(i, round);
        for (size_t i = 0; i < words; i++) {
            if (mem[i] != pattern(i, round)) {
                printf("round %d: word %zu is %#llx, expected %#llx\n", round, i,
                       (unsigned long long)mem[i], (unsigned long long)pattern(i, round));
                return 1;
            }
        }
    }
    printf("%ld pages verified twice\n", pages);
    return 0;
}
