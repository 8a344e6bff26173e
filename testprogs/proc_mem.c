/* proc_mem ANON SHARED: touch ANON private anonymous pages, SHARED pages
 * of a MAP_SHARED|MAP_ANONYMOUS mapping and every page of a private
 * mapping of its own executable file, then print the memory lines of
 * /proc/self/status (VmSize, VmRSS, RssAnon, RssFile, RssShmem, VmSwap)
 * and /proc/self/statm, and exit at once: with no page touched between
 * the reads and the exit, an emulator's picture of the address space at
 * exit is of the same moment.  Under memory pressure the code and data of
 * the report may have been paged out by the touching, so the report runs
 * twice, the first time into /dev/null, to bring in everything the second
 * one (the same code, buffers and stack) touches, down to the system call
 * that ends it. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096

static char status[8192], statm[256], out[8192];

/* Read path whole into buf (NUL-terminated); its length or -1. */
static long slurp(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long n = 0, r;
    while ((r = read(fd, buf + n, len - 1 - (size_t)n)) > 0)
        n += r;
    close(fd);
    buf[n] = '\0';
    return r < 0 ? -1 : n;
}

/* Read status and statm, write the lines that count to fd, then make
 * system call nr (getpid the first time, exit_group the second). */
static void report(int fd, long nr)
{
    static const char *const keys[] = {"VmSize:", "VmRSS:", "RssAnon:", "RssFile:", "RssShmem:",
                                       "VmSwap:"};
    if (slurp("/proc/self/status", status, sizeof status) < 0 ||
        slurp("/proc/self/statm", statm, sizeof statm) < 0)
        _exit(4);
    size_t n = 0;
    for (char *line = status; *line;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (strncmp(line, keys[k], strlen(keys[k])) == 0 && n + len < sizeof out) {
                memcpy(out + n, line, len);
                n += len;
            }
        line += len;
    }
    size_t ml = strlen(statm);
    if (n + 6 + ml < sizeof out) {
        memcpy(out + n, "statm ", 6);
        memcpy(out + n + 6, statm, ml);
        n += 6 + ml;
    }
    if (write(fd, out, n) != (ssize_t)n)
        _exit(5);
    syscall(nr, 0);
}

static void touch(volatile char *p, long pages, int write)
{
    for (long i = 0; i < pages; i++) {
        if (write)
            p[i * PAGE] = (char)i;
        else
            (void)p[i * PAGE];
    }
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    long anon = atol(argv[1]), shared = atol(argv[2]);
    char *a = mmap(NULL, (size_t)anon * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *s = mmap(NULL, (size_t)shared * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int fd = open("/proc/self/exe", O_RDONLY), null = open("/dev/null", O_WRONLY);
    struct stat st;
    if (a == MAP_FAILED || s == MAP_FAILED || fd < 0 || null < 0 || fstat(fd, &st) < 0)
        return 3;
    long fpages = (st.st_size + PAGE - 1) / PAGE;
    char *f = mmap(NULL, (size_t)fpages * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    if (f == MAP_FAILED)
        return 3;
    touch(f, fpages, 0);
    touch(a, anon, 1);
    touch(s, shared, 1);
    report(null, SYS_getpid);
    report(1, SYS_exit_group);
    return 6;
}
