/* munmap_touch: map, touch, unmap, touch again: the last touch is a
 * SIGSEGV (SEGV_MAPERR) that kills the process. */
#include <stdio.h>
#include <sys/mman.h>

int main(void)
{
    char *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 3;
    p[0] = 1;
    p[4096] = 2;
    munmap(p, 2 * 4096);
    printf("unmapped\n");
    fflush(stdout);
    return p[4096];
}
