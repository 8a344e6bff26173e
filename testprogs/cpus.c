/* cpus: every way a program counts the machine's CPUs, one line each:
 * sysconf (glibc reads /sys/devices/system/cpu/online and possible, musl
 * asks sched_getaffinity), get_nprocs, the affinity mask, the processors
 * of /proc/cpuinfo, the cpuN lines of /proc/stat and the CPU lists of
 * /sys/devices/system/cpu.  On one machine they all say the same. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

/* Lines of path that start with prefix followed by a digit (0 when the
 * file cannot be read: -1). */
static int count_lines(const char *path, const char *prefix, int digit)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[4096];
    int n = 0;
    size_t pl = strlen(prefix);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, prefix, pl) == 0 && (!digit || (line[pl] >= '0' && line[pl] <= '9')))
            n++;
    fclose(f);
    return n;
}

/* The CPUs a list like "0-3,5" names (-1 when unreadable). */
static int count_list(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char buf[256] = "";
    if (!fgets(buf, sizeof buf, f))
        buf[0] = '\0';
    fclose(f);
    int n = 0;
    for (char *p = buf; *p && *p != '\n';) {
        long lo = strtol(p, &p, 10), hi = lo;
        if (*p == '-')
            hi = strtol(p + 1, &p, 10);
        n += (int)(hi - lo + 1);
        if (*p == ',')
            p++;
        else
            break;
    }
    return n;
}

int main(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    int aff = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : -1;
    printf("sysconf(_SC_NPROCESSORS_ONLN): %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
    printf("sysconf(_SC_NPROCESSORS_CONF): %ld\n", sysconf(_SC_NPROCESSORS_CONF));
    printf("get_nprocs: %d\n", get_nprocs());
    printf("get_nprocs_conf: %d\n", get_nprocs_conf());
    printf("sched_getaffinity: %d\n", aff);
    printf("/proc/cpuinfo processors: %d\n", count_lines("/proc/cpuinfo", "processor", 0));
    printf("/proc/stat cpuN lines: %d\n", count_lines("/proc/stat", "cpu", 1));
    printf("/sys/devices/system/cpu/online: %d\n", count_list("/sys/devices/system/cpu/online"));
    printf("/sys/devices/system/cpu/possible: %d\n", count_list("/sys/devices/system/cpu/possible"));
    printf("/sys/devices/system/cpu/present: %d\n", count_list("/sys/devices/system/cpu/present"));
    return 0;
}
