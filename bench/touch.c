/* touch N: map N fresh anonymous pages, write one byte to each, and print
 * "touch N pages: T ns, P ns/page" where T is the time of the write loop
 * alone (CLOCK_MONOTONIC; under faultline run it with --real-time).  Every
 * write is a first touch, so the loop is N demand-zero page faults.
 * MADV_NOHUGEPAGE keeps the host from backing the area with 2 MiB pages,
 * so natively it is N 4 KiB faults as well. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define PAGE 4096L

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 0;
    if (n < 0)
        return 2;
    volatile char *p = NULL;
    if (n > 0) {
        void *m = mmap(NULL, (size_t)n * PAGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) {
            perror("mmap");
            return 3;
        }
        madvise(m, (size_t)n * PAGE, MADV_NOHUGEPAGE); /* advice only */
        p = m;
    }
    long long t0 = now_ns();
    for (long i = 0; i < n; i++)
        p[i * PAGE] = 1;
    long long t = now_ns() - t0;
    printf("touch %ld pages: %lld ns, %.1f ns/page\n", n, t, n ? (double)t / (double)n : 0.0);
    return 0;
}
