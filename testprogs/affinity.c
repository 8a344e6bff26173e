/*
 * affinity.c - what a threaded runtime asks of the machine's CPUs:
 * sched_getaffinity/sched_setaffinity (a mask with CPU 0 is taken, an
 * empty one refused) and membarrier (QUERY, then a global barrier),
 * printed to compare with native.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *what, long r)
{
    printf("%s: %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

int main(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    report("getaffinity", sched_getaffinity(0, sizeof set, &set));
    printf("cpu 0 allowed: %d\n", CPU_ISSET(0, &set) ? 1 : 0);
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    report("setaffinity {0}", sched_setaffinity(0, sizeof set, &set));
    CPU_ZERO(&set);
    report("setaffinity {}", sched_setaffinity(0, sizeof set, &set));
    long q = syscall(SYS_membarrier, 0, 0, 0);
    printf("membarrier query: %s\n", q > 0 && (q & 1) ? "has GLOBAL" : "no GLOBAL");
    report("membarrier GLOBAL", syscall(SYS_membarrier, 1, 0, 0));
    report("membarrier bad flags", syscall(SYS_membarrier, 1, 1, 0));
    return 0;
}
