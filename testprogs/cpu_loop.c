/* cpu_loop N: a sieve of Eratosthenes up to N, repeated: CPU-bound, few
 * faults. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    int rounds = argc > 2 ? atoi(argv[2]) : 10;
    char *composite = malloc((size_t)n + 1);
    if (!composite)
        return 3;
    long primes = 0;
    for (int r = 0; r < rounds; r++) {
        memset(composite, 0, (size_t)n + 1);
        primes = 0;
        for (long i = 2; i <= n; i++) {
            if (composite[i])
                continue;
            primes++;
            for (long j = i * i; j <= n; j += i)
                composite[j] = 1;
        }
    }
    printf("%ld primes up to %ld\n", primes, n);
    return 0;
}
