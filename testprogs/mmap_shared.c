/* mmap_shared FILE PAGES: parent and child write through one MAP_SHARED
 * mapping of FILE (each its own pages); then a MAP_PRIVATE mapping is
 * written too.  The file must hold every shared write and none of the
 * private ones, even when DRAM is tiny and pages were evicted and read
 * back in between.  Exit 0 when the file is right. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static void fill(volatile char *map, long pages, int who)
{
    for (long p = who; p < pages; p += 2)
        for (int k = 0; k < PAGE; k += 512)
            map[p * PAGE + k] = (char)('A' + (p + k / 512) % 26);
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    long pages = atol(argv[2]);
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, pages * PAGE) < 0)
        return 3;
    volatile char *map = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        return 4;
    pid_t pid = fork();
    if (pid == 0) {
        fill(map, pages, 1); /* odd pages */
        _exit(0);
    }
    fill(map, pages, 0); /* even pages */
    int status;
    waitpid(pid, &status, 0);
    munmap((void *)map, pages * PAGE);
    volatile char *priv = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (priv == MAP_FAILED)
        return 5;
    for (long p = 0; p < pages; p++)
        priv[p * PAGE] = '#';
    munmap((void *)priv, pages * PAGE);
    char page[PAGE];
    for (long p = 0; p < pages; p++) {
        if (pread(fd, page, PAGE, p * PAGE) != PAGE)
            return 6;
        for (int k = 0; k < PAGE; k += 512) {
            if (page[k] != (char)('A' + (p + k / 512) % 26)) {
                printf("page %ld byte %d: %c\n", p, k, page[k]);
                return 1;
            }
        }
    }
    printf("%ld shared pages reached the file, private writes did not\n", pages);
    return 0;
}
