/* data_write: read then write initialised .data: the first read maps the
 * file page, the write copies it (cow of a file page). */
#include <stdio.h>

static int counters[2048] = {1, 2, 3};

int main(void)
{
    int before = counters[1024];
    counters[1024] = 42;
    counters[0] += counters[2];
    printf("data %d -> %d, %d\n", before, counters[1024], counters[0]);
    return 0;
}
