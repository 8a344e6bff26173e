/* hello: the start-up of a static program and one write. */
#include <stdio.h>

int main(void)
{
    printf("hello, world\n");
    return 0;
}
