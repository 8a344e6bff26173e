/* mmap_ops: the mmap family, each behaviour checked and printed:
 * MAP_FIXED replaces, MAP_FIXED_NOREPLACE refuses, a partial munmap and
 * an mprotect split an area, mremap grows in place and moves, madvise
 * DONTNEED gives zero pages back, MAP_POPULATE faults in at once, msync
 * writes a shared file mapping. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096UL
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static sigjmp_buf env;

static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(env, 1);
}

/* Does a write to p fault? */
static int write_faults(volatile char *p)
{
    if (sigsetjmp(env, 1))
        return 1;
    *p = 1;
    return 0;
}

static int check(const char *what, int ok)
{
    printf("%-44s %s\n", what, ok ? "ok" : "WRONG");
    return ok ? 0 : 1;
}

int main(void)
{
    int bad = 0;
    signal(SIGSEGV, on_segv);
    char *a = mmap(NULL, 8 * PAGE, RW, ANON, -1, 0);
    memset(a, 'a', 8 * PAGE);

    char *b = mmap(a + 2 * PAGE, PAGE, RW, ANON | MAP_FIXED, -1, 0);
    bad |= check("MAP_FIXED replaces pages with zero ones", b == a + 2 * PAGE && b[0] == 0 && a[PAGE] == 'a');
    void *c = mmap(a + 3 * PAGE, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    bad |= check("MAP_FIXED_NOREPLACE refuses a taken range", c == MAP_FAILED && errno == EEXIST);

    munmap(a + 4 * PAGE, PAGE);
    bad |= check("munmap of a page in the middle", write_faults(a + 4 * PAGE) && !write_faults(a + 5 * PAGE));
    mprotect(a + 6 * PAGE, PAGE, PROT_READ);
    bad |= check("mprotect of one page splits the area", write_faults(a + 6 * PAGE) && !write_faults(a + 7 * PAGE) && a[6 * PAGE] == 'a');

    char *g = mmap(NULL, 2 * PAGE, RW, ANON, -1, 0);
    munmap(g + 2 * PAGE, 4 * PAGE); /* make room after it */
    strcpy(g, "grow");
    char *g2 = mremap(g, 2 * PAGE, 4 * PAGE, 0);
    bad |= check("mremap grows in place", g2 == g && strcmp(g2, "grow") == 0 && !write_faults(g2 + 3 * PAGE));
    mmap(g2 + 4 * PAGE, PAGE, RW, ANON | MAP_FIXED, -1, 0); /* block growth */
    char *m = mremap(g2, 4 * PAGE, 16 * PAGE, MREMAP_MAYMOVE);
    bad |= check("mremap moves when it cannot grow", m != MAP_FAILED && m != g2 && strcmp(m, "grow") == 0 && !write_faults(m + 15 * PAGE));
    bad |= check("the old place is gone after the move", write_faults(g2));
    /* Moved next to an area it merges with, then grown. */
    char *below = mmap(NULL, 8 * PAGE, RW, ANON, -1, 0);
    munmap(below + PAGE, 7 * PAGE);
    char *src = mmap(NULL, PAGE, RW, ANON, -1, 0);
    strcpy(src, "moved");
    char *mv = mremap(src, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, below + PAGE);
    bad |= check("mremap merging with the area below grows",
                 mv == below + PAGE && strcmp(mv, "moved") == 0 && !write_faults(mv + PAGE));
    char *sh = mremap(mv, 2 * PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, below + 4 * PAGE);
    bad |= check("mremap shrinks while it moves",
                 sh == below + 4 * PAGE && strcmp(sh, "moved") == 0 && write_faults(sh + PAGE) && write_faults(mv));

    char *z = mmap(NULL, PAGE, RW, ANON, -1, 0);
    z[0] = 'z';
    madvise(z, PAGE, MADV_DONTNEED);
    bad |= check("madvise DONTNEED gives a zero page back", z[0] == 0);

    char *pop = mmap(NULL, 4 * PAGE, RW, ANON | MAP_POPULATE, -1, 0);
    unsigned char vec[4];
    mincore(pop, 4 * PAGE, vec);
    bad |= check("MAP_POPULATE: resident before any touch", vec[0] & vec[3] & 1);

    char path[] = "/tmp/mmap_ops-XXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    if (fd < 0 || ftruncate(fd, PAGE) < 0)
        return 2;
    char *f = mmap(NULL, PAGE, RW, MAP_SHARED, fd, 0);
    strcpy(f, "synced");
    msync(f, PAGE, MS_SYNC);
    char buf[8] = {0};
    bad |= check("msync: a read() sees the shared write", pread(fd, buf, 6, 0) == 6 && strcmp(buf, "synced") == 0);
    return bad;
}
