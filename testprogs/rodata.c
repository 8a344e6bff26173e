/* rodata: read a table in .rodata (file pages, read-only, never copied). */
#include <stdio.h>

static const unsigned table[3 * 1024] = {[0] = 1, [1024] = 2, [2048] = 3, [3071] = 4};

int main(void)
{
    unsigned sum = 0;
    for (int i = 0; i < 3 * 1024; i += 512)
        sum += table[i];
    printf("rodata sum %u\n", sum + table[3071]);
    return 0;
}
