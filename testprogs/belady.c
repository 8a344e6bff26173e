/* belady G: the reference string of Belady's anomaly, 1 2 3 4 1 2 5 1 2 3 4
 * 5, over five blocks of G pages each (a block stands for one page of the
 * textbook example: its pages are touched in turn, so they come in and go
 * out together).  Under FIFO, DRAM for four blocks takes more faults than
 * DRAM for three; LRU never does worse with more. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define PAGE 4096

int main(int argc, char **argv)
{
    long g = argc > 1 ? atol(argv[1]) : 64;
    if (g < 1 || g > 65536)
        return 2;
    char *mem = mmap(NULL, (size_t)(5 * g) * PAGE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return 3;
    static const int refs[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
    long sum = 0;
    for (unsigned r = 0; r < sizeof refs / sizeof refs[0]; r++) {
        char *block = mem + (size_t)(refs[r] - 1) * (size_t)g * PAGE;
        for (long i = 0; i < g; i++) {
            block[i * PAGE] += 1;
            sum += block[i * PAGE];
        }
    }
    printf("belady %ld: sum %ld\n", g, sum);
    return 0;
}
