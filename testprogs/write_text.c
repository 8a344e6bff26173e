/* write_text: store into the program's own code: SIGSEGV (SEGV_ACCERR). */
#include <stdio.h>

int main(void)
{
    volatile unsigned char *code = (volatile unsigned char *)(void *)main;
    printf("first code byte %#x\n", code[0]);
    fflush(stdout);
    code[0] = 0xc3;
    return 0;
}
