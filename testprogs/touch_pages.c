/* touch_pages WHERE N: write one byte in each of N fresh pages of the bss,
 * the heap (brk) or an anonymous mmap: N demand-zero faults in that area. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096
#define MAX_BSS 64

static char bss[MAX_BSS * PAGE] __attribute__((aligned(PAGE)));

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: touch_pages bss|heap|mmap N\n");
        return 2;
    }
    long n = atol(argv[2]);
    char *p;
    if (strcmp(argv[1], "bss") == 0) {
        if (n > MAX_BSS)
            return 2;
        p = bss;
    } else if (strcmp(argv[1], "heap") == 0) {
        char *cur = sbrk(0);
        char *aligned = (char *)(((unsigned long)cur + PAGE - 1) & ~(unsigned long)(PAGE - 1));
        if (sbrk(aligned - cur + n * PAGE) == (void *)-1)
            return 3;
        p = aligned;
    } else if (strcmp(argv[1], "mmap") == 0) {
        p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return 3;
    } else {
        return 2;
    }
    for (long i = 0; i < n; i++)
        p[i * PAGE] = (char)i;
    long sum = 0;
    for (long i = 0; i < n; i++)
        sum += p[i * PAGE];
    printf("touched %ld pages of %s, sum %ld\n", n, argv[1], sum);
    return 0;
}
