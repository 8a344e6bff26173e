/* jit: write machine code, make it executable, run it; rewrite it and run
 * again, both through W^X mprotect flips and on a writable+executable page
 * (self-modifying code).  Each run must see the new code. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* mov eax, imm32; ret */
static void emit(unsigned char *p, int value)
{
    p[0] = 0xb8;
    memcpy(p + 1, &value, 4);
    p[5] = 0xc3;
}

int main(void)
{
    unsigned char *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED)
        return 3;
    int (*fn)(void) = (int (*)(void))(void *)code;
    emit(code, 11);
    mprotect(code, 4096, PROT_READ | PROT_EXEC);
    int a = fn();
    mprotect(code, 4096, PROT_READ | PROT_WRITE);
    emit(code, 22);
    mprotect(code, 4096, PROT_READ | PROT_EXEC);
    int b = fn();
    mprotect(code, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
    emit(code, 33);
    int c = fn();
    emit(code, 44);
    int d = fn();
    printf("jit %d %d %d %d\n", a, b, c, d);
    return a == 11 && b == 22 && c == 33 && d == 44 ? 0 : 1;
}
