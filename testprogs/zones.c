/* zones: address space used sparsely.  sparse: 16 TiB reserved
 * MAP_NORESERVE, a few pages touched far apart (each in a zone of its
 * own); churn: a page in each of 1100 GiB-slots in turn, each unmapped
 * before the next (more slots than one process may hold at once, so the
 * empty ones must be let go); many: 1100 slots held at once (more than
 * the limit: a clear message and SIGKILL). */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define GIB (1UL << 30)
#define SLOTS 1100

static char *reserve(unsigned long len)
{
    char *r = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return r == MAP_FAILED ? NULL : r;
}

static int sparse(void)
{
    char *r = reserve(16UL << 40);
    if (!r)
        return 2;
    for (unsigned long i = 0; i < 16 * 1024; i += 331)
        r[i * GIB + i] = (char)i;
    for (unsigned long i = 0; i < 16 * 1024; i += 331)
        if (r[i * GIB + i] != (char)i || r[i * GIB + 4096] != 0)
            return 3;
    if (munmap(r, 16UL << 40) != 0)
        return 4;
    printf("sparse: ok\n");
    return 0;
}

static int churn(void)
{
    char *r = reserve(SLOTS * GIB);
    if (!r)
        return 2;
    for (unsigned long i = 0; i < SLOTS; i++) {
        char *p = r + i * GIB;
        p[7] = (char)i;
        if (p[7] != (char)i || munmap(p, 4096) != 0)
            return 3;
    }
    printf("churn: ok\n");
    return 0;
}

static int many(void)
{
    char *r = reserve(SLOTS * GIB);
    if (!r)
        return 2;
    for (unsigned long i = 0; i < SLOTS; i++)
        r[i * GIB] = 1;
    return 5; /* not reached */
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "sparse"))
        return sparse();
    if (argc == 2 && !strcmp(argv[1], "churn"))
        return churn();
    if (argc == 2 && !strcmp(argv[1], "many"))
        return many();
    fprintf(stderr, "usage: zones sparse|churn|many\n");
    return 1;
}
