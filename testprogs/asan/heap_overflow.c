/* heap_overflow: built with -fsanitize=address (dynamic: libasan has no
 * static form).  One byte written just past a 16-byte malloc block:
 * AddressSanitizer reports a heap-buffer-overflow and exits with 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    (void)argv;
    size_t n = 16;
    char *p = malloc(n);
    memset(p, 'a', n);
    printf("before\n");
    fflush(stdout);
    p[n + (size_t)argc - 1] = 'x'; /* argc is 1: p[16] */
    printf("after %c\n", p[0]);
    free(p);
    return 0;
}
