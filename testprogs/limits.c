/* limits: setrlimit, getrlimit and prlimit honoured.  RLIMIT_NOFILE caps
 * descriptors (open, dup2, F_DUPFD), RLIMIT_AS caps mmap and brk,
 * RLIMIT_DATA caps brk; limits are inherited over fork and execve.
 * "limits open50": open 50 files under whatever RLIMIT_NOFILE the caller
 * set (a shell's ulimit -n) and say where it stopped. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "show.h"

static int open50(void)
{
    int n = 0, fd = 0, top = -1;
    while (n < 50 && (fd = open("/dev/null", O_RDONLY)) >= 0) {
        n++;
        top = fd;
    }
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    printf("limit %lu: opened up to fd %d, then %s\n", (unsigned long)rl.rlim_cur, top,
           fd < 0 ? strerror(errno) : "no failure");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "open50") == 0)
        return open50();
    struct rlimit rl, nf = {42, 42};
    show("getrlimit NOFILE", getrlimit(RLIMIT_NOFILE, &rl));
    show("setrlimit NOFILE cur > max", setrlimit(RLIMIT_NOFILE, &(struct rlimit){50, 42}));
    show("setrlimit NOFILE 42", setrlimit(RLIMIT_NOFILE, &nf));
    getrlimit(RLIMIT_NOFILE, &rl);
    printf("now %lu %lu\n", (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max);
    show("dup2 to 42", dup2(0, 42));
    show("dup2 to 41", dup2(0, 41));
    show("F_DUPFD 42", fcntl(0, F_DUPFD, 42));
    show("setrlimit bad resource", setrlimit(99, &nf));
    struct rlimit old;
    show("prlimit self", prlimit(0, RLIMIT_NOFILE, NULL, &old));
    printf("prlimit says %lu\n", (unsigned long)old.rlim_cur);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        getrlimit(RLIMIT_NOFILE, &rl);
        printf("child inherits %lu\n", (unsigned long)rl.rlim_cur);
        fflush(stdout);
        execl("/proc/self/exe", "limits", "open50", (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    struct rlimit as = {64 << 20, RLIM_INFINITY};
    show("setrlimit AS 64 MiB", setrlimit(RLIMIT_AS, &as));
    void *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    show("mmap 1 MiB", m == MAP_FAILED ? -1 : 0);
    show("mmap 128 MiB", mmap(NULL, 128 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
                             MAP_FAILED ? -1 : 0);
    void *b = sbrk(0);
    show("brk past AS", brk((char *)b + (128 << 20)));
    as.rlim_cur = RLIM_INFINITY;
    setrlimit(RLIMIT_AS, &as);
    struct rlimit data = {1 << 20, RLIM_INFINITY};
    show("setrlimit DATA 1 MiB", setrlimit(RLIMIT_DATA, &data));
    show("brk past DATA", brk((char *)b + (8 << 20)));
    show("sbrk 4 KiB, the 1 MiB mapping counted", sbrk(4096) == (void *)-1 ? -1 : 0);
    return 0;
}
