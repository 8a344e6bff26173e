/* sieve [N [ROUNDS]]: CPU-bound work with few page faults.  Each round
 * sieves the primes up to N, then inserts every prime into an
 * open-addressing hash table (multiplicative hash) and looks up every
 * integer up to N in it.  Prints a checksum so the work cannot be
 * optimised away and the outputs of runs can be compared. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 2000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 10;
    if (n < 2 || rounds < 1)
        return 2;
    size_t cap = 1;
    while (cap < (size_t)n / 4)
        cap <<= 1; /* about 2x the number of primes up to n */
    char *comp = malloc((size_t)n + 1);
    uint64_t *table = malloc(cap * sizeof *table);
    if (!comp || !table)
        return 3;
    uint64_t sum = 0;
    for (int r = 0; r < rounds; r++) {
        memset(comp, 0, (size_t)n + 1);
        memset(table, 0, cap * sizeof *table);
        for (long i = 2; (uint64_t)i * i <= (uint64_t)n; i++)
            if (!comp[i])
                for (long j = i * i; j <= n; j += i)
                    comp[j] = 1;
        for (long i = 2; i <= n; i++) {
            if (comp[i])
                continue;
            size_t h = hash((uint64_t)i) & (cap - 1);
            while (table[h])
                h = (h + 1) & (cap - 1);
            table[h] = (uint64_t)i;
        }
        for (long i = 1; i <= n; i++) {
            size_t h = hash((uint64_t)i) & (cap - 1);
            while (table[h] && table[h] != (uint64_t)i)
                h = (h + 1) & (cap - 1);
            if (table[h])
                sum += (uint64_t)i * (uint64_t)(r + 1);
        }
    }
    printf("sieve %ld x %d: checksum %llu\n", n, rounds, (unsigned long long)sum);
    return 0;
}
