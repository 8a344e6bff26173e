/* hello: the smallest libc program; its log is the start-up of a process. */
#include <stdio.h>

int main(void)
{
    printf("hello, world\n");
    return 0;
}
