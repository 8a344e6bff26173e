/* nothing_lost FILE HOW: write every byte of FILE two ways, through a
 * MAP_SHARED mapping (pages 0..N-1) and with write() (pages N..2N-1), then
 * end HOW: "exit" (no munmap, no msync), "munmap", "kill" (SIGKILL from
 * itself while the mapping is dirty), or "hang" (compute for ever, to be
 * ended by --timeout).  The data must be in the file
 * afterwards in every case; the test reads it back. */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096
#define N 64

static unsigned char byte_at(long i)
{
    return (unsigned char)((i * 131 + 7) ^ (i >> 12));
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, 2 * N * PAGE) < 0)
        return 3;
    volatile unsigned char *map = mmap(NULL, N * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        return 4;
    for (long i = 0; i < N * PAGE; i++)
        map[i] = byte_at(i);
    unsigned char page[PAGE];
    for (long p = N; p < 2 * N; p++) {
        for (int k = 0; k < PAGE; k++)
            page[k] = byte_at(p * PAGE + k);
        if (pwrite(fd, page, PAGE, p * PAGE) != PAGE)
            return 5;
    }
    if (strcmp(argv[2], "munmap") == 0)
        munmap((void *)map, N * PAGE);
    else if (strcmp(argv[2], "kill") == 0)
        kill(getpid(), SIGKILL);
    else if (strcmp(argv[2], "hang") == 0)
        for (volatile int spin = 0;; spin++)
            ;
    return 0;
}
