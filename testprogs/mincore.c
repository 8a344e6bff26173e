/* mincore: what mincore reports, one line per case.
 *
 *   mincore             cases whose answer is the same on every Linux:
 *                       anonymous and shared anonymous pages touched or
 *                       not, dropped, made PROT_NONE, seen from a fork
 *                       child; a file's pages in the page cache because
 *                       write() or read() put them there, or a mapping
 *                       that went, and the pages past its end.
 *   mincore swap N      write N anonymous pages, read every third again,
 *                       and print the residency of all N (under a small
 *                       DRAM some went to swap: the fault log says which).
 *                       The answer goes to a page nothing touched before,
 *                       so the call's copy-out is that page's first fault.
 *   mincore exe         the program's own file mapped and not touched:
 *                       how many of its pages read as resident (all of
 *                       them for a process that may not write the file). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "show.h"

#define PAGE 4096

static void print_vec(const char *what, void *addr, size_t pages)
{
    unsigned char vec[64];
    if (mincore(addr, pages * PAGE, vec) < 0) {
        show(what, -1);
        return;
    }
    printf("%s: ", what);
    for (size_t i = 0; i < pages; i++)
        putchar('0' + (vec[i] & 1));
    putchar('\n');
}

static char *anon(size_t pages, int flags)
{
    return mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
}

static void anonymous_cases(void)
{
    char *a = anon(4, MAP_PRIVATE);
    print_vec("anon untouched", a, 4);
    a[PAGE] = 1;
    (void)*(volatile char *)(a + 3 * PAGE);
    print_vec("anon pages 1 and 3 touched", a, 4);
    char *s = anon(4, MAP_SHARED);
    s[0] = 1;
    print_vec("shared anon page 0 touched", s, 4);
    memset(a, 1, 4 * PAGE);
    madvise(a + PAGE, PAGE, MADV_DONTNEED);
    print_vec("anon page 1 dropped", a, 4);
    mprotect(a, 2 * PAGE, PROT_NONE);
    print_vec("anon PROT_NONE", a, 4);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        print_vec("child: parent's anon", a, 4);
        print_vec("child: parent's shared anon", s, 4);
        fflush(stdout);
        _exit(0);
    }
    printf("child exit %d\n", reap(pid));
}

/* A file of pages pages, page p filled with byte p + 1. */
static int make_file(const char *path, int pages)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char buf[PAGE];
    for (int p = 0; p < pages; p++) {
        memset(buf, p + 1, sizeof buf);
        if (write(fd, buf, sizeof buf) != sizeof buf)
            return -1;
    }
    return fd;
}

/* A page of the program's own file that nothing maps, read with pread():
 * read() fills the page cache, so a mapping of it shows it resident. */
static void read_case(void)
{
    int fd = open("/proc/self/exe", O_RDONLY);
    struct stat st;
    char c;
    if (fd < 0 || fstat(fd, &st) < 0) {
        show("open own file", -1);
        return;
    }
    off_t last = (st.st_size - 1) / PAGE * PAGE;
    show("pread of own file's last page", pread(fd, &c, 1, last));
    char *m = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, last);
    print_vec("own file's last page, read and mapped", m, 1);
    close(fd);
}

static void file_cases(void)
{
    int fd = make_file("data", 3);
    if (fd < 0) {
        show("make data", -1);
        return;
    }
    /* Written with write(): in the page cache.  Five pages of a
     * three-page file: the last two are past its end. */
    char *b = mmap(NULL, 5 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
    print_vec("file written, mapped", b, 5);
    int sum = 0;
    for (int p = 0; p < 3; p++)
        sum += b[p * PAGE];
    printf("file bytes sum %d\n", sum);
    munmap(b, 5 * PAGE);
    char *c = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    print_vec("file mapped again", c, 3);
    c[PAGE] = 9;
    print_vec("file page 1 copied", c, 3);
    close(fd);
    unlink("data");
    /* Written through a descriptor that cannot read, as a shell's > does. */
    int w = open("wdata", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char buf[2 * PAGE];
    memset(buf, 4, sizeof buf);
    show("write-only write", write(w, buf, sizeof buf));
    close(w);
    int r = open("wdata", O_RDONLY);
    print_vec("file written write-only, mapped", mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, r, 0), 2);
    close(r);
    unlink("wdata");
    read_case();
}

/* The answer lands in vec, a page nothing touched before the call. */
static int swap_case(long n)
{
    char *m = anon((size_t)n, MAP_PRIVATE);
    unsigned char *vec = (unsigned char *)anon(((size_t)n + PAGE - 1) / PAGE, MAP_PRIVATE);
    if (m == MAP_FAILED || vec == MAP_FAILED || n > PAGE)
        return 2;
    for (long i = 0; i < n; i++)
        m[i * PAGE] = 1;
    for (long i = 0; i < n; i += 3)
        (void)*(volatile char *)(m + i * PAGE);
    int r = mincore(m, (size_t)n * PAGE, vec);
    printf("base %p pages %ld vec %p\n", (void *)m, n, (void *)vec);
    show("mincore", r);
    printf("vec ");
    for (long i = 0; i < n; i++)
        putchar('0' + (vec[i] & 1));
    putchar('\n');
    return 0;
}

static int exe_case(void)
{
    int fd = open("/proc/self/exe", O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return 2;
    size_t pages = ((size_t)st.st_size + PAGE - 1) / PAGE;
    char *m = mmap(NULL, pages * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    unsigned char *vec = malloc(pages);
    if (m == MAP_FAILED || !vec || mincore(m, pages * PAGE, vec) < 0)
        return 2;
    size_t in = 0;
    for (size_t i = 0; i < pages; i++)
        in += vec[i] & 1;
    printf("own file: %s\n", in == pages ? "every page resident" : "not every page resident");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "swap"))
        return swap_case(atol(argv[2]));
    if (argc > 1 && !strcmp(argv[1], "exe"))
        return exe_case();
    anonymous_cases();
    file_cases();
    return 0;
}
