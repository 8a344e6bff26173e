/* sysfuzz SEED COUNT: make COUNT system calls with random numbers and
 * random arguments (small numbers, flags, pointers into mapped, read-only,
 * unmapped and kernel memory), seeded by SEED.  No libc, so nothing the
 * calls break (FS base, signal handlers, the heap) is used afterwards.
 * Whatever the calls do to this process, the emulator must answer each
 * with a Linux errno or a result, and never fail itself. */
#include "sys.h"

#define PAGE 4096UL

static unsigned long sys6(long nr, unsigned long a, unsigned long b, unsigned long c,
                          unsigned long d, unsigned long e, unsigned long f)
{
    long ret;
    register unsigned long r10 __asm__("r10") = d;
    register unsigned long r8 __asm__("r8") = e;
    register unsigned long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return (unsigned long)ret;
}

static unsigned long rng;

static unsigned long next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned long number(const char *s)
{
    unsigned long v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (unsigned long)(*s++ - '0');
    return v;
}

static unsigned long scratch, readonly;

/* An argument: mostly something a kernel must check carefully. */
static unsigned long argument(void)
{
    switch (next() % 12) {
    case 0: return 0;
    case 1: return next() % 8;
    case 2: return next() % 4096;
    case 3: return scratch + (next() % (16 * PAGE));      /* mapped, writable */
    case 4: return readonly + (next() % PAGE);            /* mapped, read-only */
    case 5: return 0x10000 + (next() % PAGE);             /* unmapped */
    case 6: return 0xffff888000000000UL + next() % PAGE;  /* kernel half */
    case 7: return 0xf000000000UL + next() % (1 << 20);   /* the frames reserve */
    case 8: return (unsigned long)-1 - next() % 4096;     /* -errno-like */
    case 9: return 1UL << (next() % 64);
    case 10: return next() & 0xffffffffUL;
    default: return next();
    }
}

/* Calls that end or replace the process, or wait for ever. */
static int skipped(long nr)
{
    switch (nr) {
    case 15:  /* rt_sigreturn */
    case 34:  /* pause */
    case 59:  /* execve */
    case 60:  /* exit */
    case 130: /* rt_sigsuspend */
    case 231: /* exit_group */
    case 322: /* execveat */
        return 1;
    default:
        return 0;
    }
}

void __attribute__((used)) fuzz_main(unsigned long *sp)
{
    long argc = (long)sp[0];
    char **argv = (char **)(sp + 1);
    rng = argc > 1 ? number(argv[1]) * 2654435761UL + 1 : 1;
    long count = argc > 2 ? (long)number(argv[2]) : 1000;
    scratch = sys6(9, 0, 16 * PAGE, 3, 0x22, (unsigned long)-1, 0);  /* mmap RW anon */
    readonly = sys6(9, 0, PAGE, 1, 0x22, (unsigned long)-1, 0);      /* mmap R anon */
    long me = (long)sys6(39, 0, 0, 0, 0, 0, 0);
    /* Timers the calls arm (alarm, setitimer, timer_create) send SIGALRM:
     * ignored, so that a run makes its calls instead of ending early. */
    static unsigned long ignore[4] = {1 /* SIG_IGN */, 0, 0, 0};
    sys6(13, 14 /* SIGALRM */, (unsigned long)ignore, 0, 8, 0, 0);
    /* No host descriptors: a wait can then only end in the guest, so a
     * run that never ends is the emulator's fault, not a terminal's. */
    for (unsigned long fd = 0; fd < 3; fd++)
        sys6(3, fd, 0, 0, 0, 0, 0);
    for (long i = 0; i < count; i++) {
        long nr = (long)(next() % 336);
        if (skipped(nr))
            continue;
        sys6(nr, argument(), argument(), argument(), argument(), argument(), argument());
        if ((long)sys6(39, 0, 0, 0, 0, 0, 0) != me)
            leave(0); /* a child of fork: done */
    }
    leave(0);
}

/* The stack pointer at entry points at argc. */
__asm__(".globl _start\n_start:\n mov %rsp, %rdi\n and $-16, %rsp\n call fuzz_main\n hlt\n");
