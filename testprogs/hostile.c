/* hostile MODE: a guest that misbehaves on purpose, one way per MODE.
 * Each mode either exits with a status saying what it saw, or is killed
 * the way Linux would kill it. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL

static int nx(void)
{
    /* Code on the stack, which is not executable: SIGSEGV (SEGV_ACCERR). */
    unsigned char code[16] = {0xc3};
    void (*fn)(void) = (void (*)(void))(void *)code;
    fn();
    return 0;
}

static int kernel_half(void)
{
    return *(volatile char *)0xffff888000000000UL; /* SIGSEGV (SEGV_MAPERR) */
}

static int non_canonical(void)
{
    return *(volatile char *)0x8000000000000000UL; /* #GP: SIGSEGV (SI_KERNEL) */
}

static int huge(void)
{
    void *p = mmap(NULL, 1UL << 46, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int mmap_err = p == MAP_FAILED ? errno : 0;
    void *cur = sbrk(0);
    void *b = sbrk((intptr_t)(1UL << 45));
    int brk_err = b == (void *)-1 ? errno : 0;
    printf("huge mmap: %s; huge brk: %s; brk unchanged: %d\n", strerror(mmap_err),
           strerror(brk_err), sbrk(0) == cur);
    return mmap_err == ENOMEM && brk_err == ENOMEM ? 0 : 1;
}

static int reserve(void)
{
    /* The page-table reserve [0x20000000, 0x7fff0000) is not guest
     * memory; the page just below it and pages across the 2 GiB zone edge
     * just above it are. */
    void *in = mmap((void *)0x20000000UL, PAGE, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    int in_err = in == MAP_FAILED ? errno : 0;
    volatile char *below = mmap((void *)(0x20000000UL - PAGE), PAGE, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    volatile char *edge = mmap((void *)(0x80000000UL - PAGE), 2 * PAGE, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (below == MAP_FAILED || edge == MAP_FAILED)
        return 2;
    below[PAGE - 1] = 1;
    edge[PAGE - 1] = 2;
    edge[PAGE] = 3;
    printf("reserve: %s; below it and across a zone edge: %d %d %d\n", strerror(in_err),
           below[PAGE - 1], edge[PAGE - 1], edge[PAGE]);
    return in_err == ENOMEM ? 0 : 1;
}

static int growsdown(void)
{
    /* A grows-down area just above the reserve, an unlimited stack limit,
     * and a read of the first DRAM frame below it: the area must not grow
     * into the reserve, so SIGSEGV (SEGV_MAPERR at 0x20000000). */
    struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY}, now;
    if (setrlimit(RLIMIT_STACK, &rl) < 0 || getrlimit(RLIMIT_STACK, &now) < 0 ||
        now.rlim_cur != RLIM_INFINITY)
        return 2;
    if (mmap((void *)0, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
            MAP_FAILED || errno != EPERM)
        return 3; /* page 0 is below vm.mmap_min_addr */
    if (mmap((void *)0x7fff0000UL, PAGE, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, -1, 0) == MAP_FAILED)
        return 4;
    return *(volatile char *)0x20000000UL;
}

/* The middle process of vforkkill: its vfork child kills it, then execs
 * (exec_after) or exits. */
static __attribute__((noinline)) void vfork_victim(int exec_after)
{
    if (vfork() == 0) {
        kill(getppid(), SIGKILL);
        if (exec_after)
            execl("/proc/self/exe", "hostile", "true", (char *)0);
        _exit(0);
    }
    _exit(3); /* not reached: killed */
}

static int vforkkill(void)
{
    /* A vfork child kills the parent it borrows memory from: the dead
     * parent stays dead, the rest goes on. */
    for (int exec_after = 0; exec_after < 2; exec_after++) {
        pid_t middle = fork();
        if (middle == 0)
            vfork_victim(exec_after);
        int st;
        if (waitpid(middle, &st, 0) != middle || !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
            return 1;
    }
    return 0;
}

static int true_(void) { return 0; }

static size_t mapcount_pages = 200000;

static int mapcount(void)
{
    /* Touch every other page of a huge area: each page needs its own host
     * mapping, so the host's mapping limit runs out before DRAM does. */
    size_t pages = mapcount_pages;
    volatile char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return 2;
    for (size_t i = 0; i < pages; i += 2)
        p[i * PAGE] = 1;
    return 0;
}

static int enosys(void)
{
    /* A call faultline does not model: ENOSYS, and the program goes on. */
    long r = syscall(SYS_io_uring_setup, 1, NULL);
    printf("io_uring_setup: %s\n", r < 0 ? strerror(errno) : "succeeded");
    return r < 0 && errno == ENOSYS ? 0 : 1;
}

static int illegal(void)
{
    __asm__ volatile("ud2"); /* SIGILL (ILL_ILLOPN) */
    return 0;
}

static int divzero(void)
{
    int quotient;
    /* idiv by zero, written out: a compiler may turn 1 / x into a compare. */
    __asm__ volatile("xor %%ecx, %%ecx\n\tmov $1, %%eax\n\tcltd\n\tidivl %%ecx"
                     : "=a"(quotient)
                     :
                     : "ecx", "edx");
    return quotient; /* not reached: SIGFPE (FPE_INTDIV) */
}

static int loop(void)
{
    for (volatile unsigned long i = 0;; i++)
        ;
    return 0;
}

static int deadlock(void)
{
    /* Parent and child each wait to read what the other never writes. */
    int a[2], b[2];
    if (pipe(a) < 0 || pipe(b) < 0)
        return 2;
    char c;
    if (fork() == 0) {
        if (read(a[0], &c, 1) != 1)
            _exit(1);
        _exit(0);
    }
    if (read(b[0], &c, 1) != 1)
        return 1;
    return 0;
}

static int sharedvm(void)
{
    /* A process sharing the caller's memory without being its thread
     * (CLONE_VM without CLONE_THREAD) is refused with ENOSYS, not a crash.
     * (Natively this would start such a process: never run it so.) */
    static char stack[16384];
    long r = syscall(SYS_clone, CLONE_VM | SIGCHLD, stack + sizeof stack, 0, 0, 0);
    return r == -1 && errno == ENOSYS ? 0 : 1;
}

static int protnone(void)
{
    /* Pages kept under PROT_NONE move with fork and mremap and read back
     * once opened again. */
    char *a = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (a == MAP_FAILED)
        return 2;
    a[0] = 42;
    a[PAGE] = 43;
    if (mprotect(a, 2 * PAGE, PROT_NONE) != 0)
        return 3;
    pid_t c = fork();
    if (c == 0)
        _exit(mprotect(a, PAGE, PROT_READ) == 0 && a[0] == 42 ? 0 : 1);
    int st;
    if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return 4;
    char *b = mremap(a, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)0x310000000000ULL);
    if (b == MAP_FAILED || mprotect(b, 2 * PAGE, PROT_READ) != 0)
        return 5;
    return b[0] == 42 && b[PAGE] == 43 ? 0 : 6;
}

static int killall(void)
{
    /* kill(-1) reaches every process but init and the caller: here the
     * parent, which ignores it.  (Never run this natively as root.) */
    signal(SIGTERM, SIG_IGN);
    pid_t c = fork();
    if (c == 0)
        _exit(kill(-1, SIGTERM) == 0 ? 0 : 1);
    int st;
    if (waitpid(c, &st, 0) != c)
        return 2;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int ignraise(void)
{
    /* Fault signals sent by raise() obey SIG_IGN and the mask; only the
     * CPU's own faults are forced. */
    signal(SIGTRAP, SIG_IGN);
    raise(SIGTRAP);
    sigset_t segv;
    sigemptyset(&segv);
    sigaddset(&segv, SIGSEGV);
    sigprocmask(SIG_BLOCK, &segv, NULL);
    raise(SIGSEGV);
    sigset_t pending;
    sigpending(&pending);
    return sigismember(&pending, SIGSEGV) ? 0 : 1;
}

static int sigalias(void)
{
    /* rt_sigaction with the new and the old action in the same memory:
     * the new one is read before the old one is written. */
    struct { void *handler; unsigned long flags; void *restorer; uint64_t mask; } ka = {SIG_IGN, 0, 0, 0};
    if (syscall(SYS_rt_sigaction, SIGUSR1, &ka, &ka, 8) != 0)
        return 3;
    struct sigaction cur;
    sigaction(SIGUSR1, NULL, &cur);
    return (ka.handler == SIG_DFL ? 0 : 1) | (cur.sa_handler == SIG_IGN ? 0 : 2);
}

static int terabytes(void)
{
    /* 64 TiB reserved PROT_NONE costs nothing; a page opened in it works;
     * 2 TiB that could all be touched costs nothing either until it is:
     * pages far apart in it work, and so does opening 2 TiB of the
     * reservation. */
    char *r = mmap(NULL, 64UL << 40, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r == MAP_FAILED)
        return 3;
    if (mprotect(r + (5UL << 30), PAGE, PROT_READ | PROT_WRITE) != 0)
        return 4;
    r[5UL << 30] = 1;
    char *w = mmap(NULL, 2UL << 40, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (w == MAP_FAILED)
        return 5;
    for (unsigned long i = 0; i < 2048; i += 97)
        w[i << 30] = (char)i;
    for (unsigned long i = 0; i < 2048; i += 97)
        if (w[i << 30] != (char)i)
            return 6;
    return mprotect(r, 2UL << 40, PROT_READ) == 0 && r[5UL << 30] == 1 ? 0 : 7;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(void);
    } modes[] = {
        {"nx", nx}, {"kernel", kernel_half}, {"noncanonical", non_canonical}, {"huge", huge},
        {"reserve", reserve}, {"mapcount", mapcount}, {"loop", loop}, {"deadlock", deadlock},
        {"enosys", enosys}, {"ud2", illegal}, {"divzero", divzero}, {"growsdown", growsdown},
        {"vforkkill", vforkkill}, {"true", true_}, {"killall", killall}, {"ignraise", ignraise},
        {"sigalias", sigalias}, {"terabytes", terabytes},
        {"sharedvm", sharedvm}, {"protnone", protnone},
    };
    if (argc == 3)
        mapcount_pages = (size_t)atol(argv[2]);
    for (size_t i = 0; argc >= 2 && i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(argv[1], modes[i].name) == 0)
            return modes[i].fn();
    fprintf(stderr, "usage: hostile nx|kernel|noncanonical|huge|reserve|mapcount [PAGES]|loop|deadlock|enosys|ud2|divzero|growsdown|vforkkill|killall|ignraise|sigalias|terabytes|sharedvm|protnone\n");
    return 2;
}
