/* belady: no libc; the reference string of Belady's anomaly, 1 2 3 4 1 2
 * 5 1 2 3 4 5, over five blocks of 64 pages of the bss (a block stands for
 * one page of the textbook example), with nothing else in memory but one
 * page of code and one of stack.  Under FIFO, DRAM for four blocks takes
 * more faults than DRAM for three; under LRU more DRAM never costs more. */
#include "sys.h"

#define G 64
#define PAGE 4096

static volatile char blocks[5][G * PAGE] __attribute__((aligned(4096)));
static const char refs[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

void _start(void)
{
    for (unsigned r = 0; r < sizeof refs; r++)
        for (int i = 0; i < G; i++)
            blocks[refs[r] - 1][i * PAGE] += 1;
    leave(0);
}
