/* stack_grow N: recurse with a page-sized frame N times: the stack area
 * grows down one demand-zero page at a time. */
#include <stdio.h>
#include <stdlib.h>

static int deep(int n)
{
    volatile char frame[4000];
    frame[0] = (char)n;
    frame[3999] = (char)n;
    if (n == 0)
        return frame[0];
    return deep(n - 1) + frame[3999];
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 64;
    printf("depth %d sum %d\n", n, deep(n));
    return 0;
}
