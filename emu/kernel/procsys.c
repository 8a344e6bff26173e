/*
 * procsys.c - the files of /proc and /sys that describe the machine the
 * guest runs on, made from the model rather than passed through from the
 * host: DRAM and swap (meminfo), the one emulated CPU (cpuinfo, stat, the
 * CPU lists of /sys/devices/system/cpu), the guest's clock (uptime, the
 * boot time), the load average of its own tasks, its mounts; and the
 * listing of /proc, whose processes are the guest's.  Each file is made
 * anew by every read from its start, as Linux's are.
 */
#include "emu/kernel/clock.h"
#include "emu/kernel/fs.h"
#include "emu/kernel/proc.h"
#include "emu/kernel/procfs.h"
#include "emu/kernel/procstat.h"
#include "emu/kernel/procsys.h"

#include "emu/abi/convert.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* --- the load average ------------------------------------------------------------------ */

/* Linux's constants (kernel/sched/loadavg.c): 11 fraction bits, a sample
 * every 5 s and a tick, and exp(-5 s / 1, 5, 15 min) in that fixed point. */
#define FSHIFT 11
#define FIXED_1 (1UL << FSHIFT)
#define LOAD_FREQ_NS (5 * NS + NS / 250)
/* After this many samples in one step an average has come within a
 * rounding of the number of tasks (2037/2048 to this power is below 1e-4). */
#define LOAD_SETTLED 2000

static unsigned long calc_load(unsigned long load, unsigned long exp, unsigned long active)
{
    unsigned long next = load * exp + active * (FIXED_1 - exp);
    if (active >= load)
        next += FIXED_1 - 1;
    return next / FIXED_1;
}

unsigned load_active(struct emu *emu)
{
    unsigned n = 0;
    for (int i = 0; i < emu->nprocs; i++) {
        const struct proc *q = emu->procs[i];
        n += q && proc_running(q);
    }
    return n;
}

void load_advance(struct emu *emu, uint64_t now, unsigned active)
{
    static const unsigned long exps[3] = {1884, 2014, 2037};
    struct loadavg *l = &emu->load;
    if (!l->next)
        l->next = now + LOAD_FREQ_NS;
    if (now < l->next)
        return;
    uint64_t samples = (now - l->next) / LOAD_FREQ_NS + 1;
    l->next += samples * LOAD_FREQ_NS;
    for (int i = 0; i < 3; i++) {
        if (samples >= LOAD_SETTLED) {
            l->avg[i] = active * FIXED_1;
            continue;
        }
        for (uint64_t k = 0; k < samples; k++)
            l->avg[i] = calc_load(l->avg[i], exps[i], active * FIXED_1);
    }
}

/* "running/tasks last_pid" after the three averages, as Linux prints them
 * (rounded to two places). */
static char *gen_loadavg(struct emu *emu, struct file *f, size_t *len)
{
    (void)f;
    struct text t = {0};
    unsigned active = load_active(emu);
    load_advance(emu, emu_monotonic(emu), active);
    int tasks = 0;
    for (int i = 0; i < emu->nprocs; i++)
        tasks += emu->procs[i] && emu->procs[i]->state != PROC_ZOMBIE;
    for (int i = 0; i < 3; i++) {
        unsigned long a = emu->load.avg[i] + FIXED_1 / 200;
        text_put(&t, "%lu.%02lu ", a >> FSHIFT, ((a & (FIXED_1 - 1)) * 100) >> FSHIFT);
    }
    text_put(&t, "%u/%d %d\n", active, tasks, emu->next_pid - 1);
    *len = t.len;
    return t.s;
}

/* --- the clock ------------------------------------------------------------------------- */

/* The one CPU has been idle whenever it ran no task (proc_charge). */
static uint64_t idle_ns(struct emu *emu)
{
    uint64_t up = emu_monotonic(emu);
    uint64_t busy = emu_busy_ns(emu);
    return up > busy ? up - busy : 0;
}

static char *gen_uptime(struct emu *emu, struct file *f, size_t *len)
{
    (void)f;
    struct text t = {0};
    uint64_t up = emu_monotonic(emu), idle = idle_ns(emu);
    text_put(&t, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(up / NS),
             (unsigned long long)(up % NS / (NS / 100)), (unsigned long long)(idle / NS),
             (unsigned long long)(idle % NS / (NS / 100)));
    *len = t.len;
    return t.s;
}

/* --- memory ------------------------------------------------------------------------------ */

static char *gen_meminfo(struct emu *emu, struct file *f, size_t *len)
{
    (void)f;
    struct vm_usage u;
    vm_usage(emu->vm, &u);
    /* Clean and dirty file pages can both be reclaimed (dirty ones after
     * a write-back); private pages only by swapping. */
    uint64_t avail = (uint64_t)u.free + u.file;
    const struct {
        const char *name;
        uint64_t pages;
    } rows[] = {
        {"MemTotal", u.total}, {"MemFree", u.free}, {"MemAvailable", avail}, {"Buffers", 0},
        {"Cached", (uint64_t)u.file + u.shmem}, {"SwapCached", u.swap_cached},
        {"Active", (uint64_t)u.anon + u.file + u.shmem}, {"Inactive", 0},
        {"Active(anon)", (uint64_t)u.anon + u.shmem}, {"Inactive(anon)", 0},
        {"Active(file)", u.file}, {"Inactive(file)", 0}, {"Unevictable", 0}, {"Mlocked", 0},
        {"SwapTotal", u.swap_total}, {"SwapFree", u.swap_total - u.swap_used}, {"Zswap", 0},
        {"Zswapped", 0}, {"Dirty", u.dirty}, {"Writeback", 0}, {"AnonPages", u.anon},
        {"Mapped", u.file_mapped}, {"Shmem", u.shmem}, {"KReclaimable", 0}, {"Slab", 0},
        {"SReclaimable", 0}, {"SUnreclaim", 0}, {"KernelStack", 0},
        {"PageTables", u.page_tables}, {"SecPageTables", 0}, {"NFS_Unstable", 0},
        {"Bounce", 0}, {"WritebackTmp", 0}, {"CommitLimit", u.commit_limit},
        {"Committed_AS", u.committed}, {"VmallocTotal", 0}, {"VmallocUsed", 0},
        {"VmallocChunk", 0}, {"Percpu", 0}, {"HardwareCorrupted", 0}, {"AnonHugePages", 0},
        {"ShmemHugePages", 0}, {"ShmemPmdMapped", 0}, {"FileHugePages", 0},
        {"FilePmdMapped", 0},
    };
    struct text t = {0};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char label[32];
        snprintf(label, sizeof label, "%s:", rows[i].name);
        text_put(&t, "%-15s %8llu kB\n", label,
                 (unsigned long long)rows[i].pages * (VM_PAGE_SIZE / 1024));
    }
    text_put(&t, "HugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\n"
                 "HugePages_Surp:        0\nHugepagesize:       2048 kB\nHugetlb:               0 kB\n"
                 "DirectMap4k:    %8llu kB\n",
             (unsigned long long)u.total * (VM_PAGE_SIZE / 1024));
    *len = t.len;
    return t.s;
}

/* --- the CPU ------------------------------------------------------------------------------- */

/* The CPU lists of /sys/devices/system/cpu (online, possible, present):
 * the one CPU. */
static char *gen_cpu_list(struct emu *emu, struct file *f, size_t *len)
{
    (void)emu, (void)f;
    *len = 2;
    return strdup("0\n");
}

/* /proc/cpuinfo of the CPU model CPUID answers (emu/cpu/cpuid.c). */
static char *gen_cpuinfo(struct emu *emu, struct file *f, size_t *len)
{
    (void)emu, (void)f;
    uint32_t r0[4], r1[4], r88[4];
    char vendor[13], brand[49], flags[1024];
    cpuid_answer(0, 0, r0);
    cpuid_answer(1, 0, r1);
    cpuid_answer(0x80000008, 0, r88);
    memcpy(vendor, &r0[1], 4);
    memcpy(vendor + 4, &r0[3], 4);
    memcpy(vendor + 8, &r0[2], 4);
    vendor[12] = '\0';
    for (uint32_t leaf = 0; leaf < 3; leaf++)
        cpuid_answer(0x80000002 + leaf, 0, (uint32_t *)(void *)(brand + 16 * leaf));
    brand[48] = '\0';
    cpuid_flag_names(flags, sizeof flags);
    unsigned family = (r1[0] >> 8) & 0xf, model = ((r1[0] >> 4) & 0xf) | ((r1[0] >> 12) & 0xf0);
    unsigned clflush = ((r1[1] >> 8) & 0xff) * 8;
    struct text t = {0};
    text_put(&t, "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
                 "model name\t: %s\nstepping\t: %u\nmicrocode\t: 0x1\ncpu MHz\t\t: %u.000\n",
             vendor, family, model, brand, r1[0] & 0xf, CPUID_TSC_MHZ);
    text_put(&t, "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\napicid\t\t: 0\n"
                 "initial apicid\t: 0\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\n"
                 "wp\t\t: yes\nflags\t\t: %s\nbugs\t\t:\nbogomips\t: %u.00\n",
             r0[0], flags, 2 * CPUID_TSC_MHZ);
    text_put(&t, "clflush size\t: %u\ncache_alignment\t: %u\n"
                 "address sizes\t: %u bits physical, %u bits virtual\npower management:\n\n",
             clflush, clflush, r88[0] & 0xff, (r88[0] >> 8) & 0xff);
    *len = t.len;
    return t.s;
}

/* /proc/stat: the one CPU's times (its tasks' time is all user time), the
 * boot time on the guest's date, and the guest's process counts. */
static char *gen_stat(struct emu *emu, struct file *f, size_t *len)
{
    (void)f;
    struct text t = {0};
    unsigned long long idle = (unsigned long long)(idle_ns(emu) / (NS / LINUX_USER_HZ)),
                       user = (unsigned long long)(emu_busy_ns(emu) / (NS / LINUX_USER_HZ));
    for (int cpu = -1; cpu < 1; cpu++) {
        if (cpu < 0)
            text_put(&t, "cpu ");
        else
            text_put(&t, "cpu%d", cpu);
        text_put(&t, " %llu 0 0 %llu 0 0 0 0 0 0\n", user, idle);
    }
    text_put(&t, "intr 0\nctxt 0\nbtime %llu\nprocesses %llu\nprocs_running %u\n"
                 "procs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
             (unsigned long long)(emu_realtime_offset(emu) / NS),
             (unsigned long long)emu->procs_created, load_active(emu));
    *len = t.len;
    return t.s;
}

/* --- mounts -------------------------------------------------------------------------------- */

/* What the root's file system is called, by its magic number. */
static const char *fs_type_name(long magic)
{
    switch ((unsigned long)magic) {
    case EXT4_SUPER_MAGIC: return "ext4";
    case TMPFS_MAGIC: return "tmpfs";
    case OVERLAYFS_SUPER_MAGIC: return "overlay";
    case BTRFS_SUPER_MAGIC: return "btrfs";
    case XFS_SUPER_MAGIC: return "xfs";
    case NFS_SUPER_MAGIC: return "nfs";
    default: return "rootfs";
    }
}

/* The device number the guest sees for name under its root (0: none). */
static dev_t dev_of(struct emu *emu, const char *name)
{
    struct stat st;
    return fstatat(emu->rootfd, name, &st, 0) == 0 ? st.st_dev : 0;
}

char *procsys_mounts(struct emu *emu, struct file *f, size_t *len)
{
    struct statfs sf;
    const char *type = fstatfs(emu->rootfd, &sf) == 0 ? fs_type_name(sf.f_type) : "rootfs";
    const char *ro = fstatfs(emu->rootfd, &sf) == 0 && (sf.f_flags & ST_RDONLY) ? "ro" : "rw";
    const char *src = strcmp(type, "tmpfs") == 0 || strcmp(type, "overlay") == 0 ? type
                                                                                  : "/dev/root";
    static const char *const opts = "rw,nosuid,nodev,noexec,relatime";
    const struct {
        const char *src, *dir, *type;
        dev_t dev;
    } m[] = {{src, "/", type, dev_of(emu, ".")},
             {"proc", "/proc", "proc", dev_of(emu, "proc")},
             {"sysfs", "/sys", "sysfs", dev_of(emu, "sys")}};
    bool info = strlen(f->path) >= 9 && strcmp(f->path + strlen(f->path) - 9, "mountinfo") == 0;
    struct text t = {0};
    for (int i = 0; i < 3; i++) {
        char o[64];
        snprintf(o, sizeof o, "%s%s", i ? "" : ro, i ? opts : ",relatime");
        if (info)
            text_put(&t, "%d %d %u:%u / %s %s shared:%d - %s %s %s\n", 21 + i, i ? 21 : 1,
                     major(m[i].dev), minor(m[i].dev), m[i].dir, o, i + 1, m[i].type, m[i].src,
                     i ? "rw" : ro);
        else
            text_put(&t, "%s %s %s %s 0 0\n", m[i].src, m[i].dir, m[i].type, o);
    }
    *len = t.len;
    return t.s;
}

/* --- the listing of /proc ---------------------------------------------------------------- */

bool procsys_is_root(const struct file *f)
{
    struct statfs sf;
    return f->kind == FILE_HOST && f->is_dir && strcmp(f->path, "/proc") == 0 &&
           fstatfs(f->hostfd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

/* Drop the records of host processes (all-digit names) from a host
 * getdents64 buffer; returns the bytes kept. */
static size_t drop_host_pids(char *buf, size_t n)
{
    size_t in = 0, out = 0;
    while (in < n) {
        uint16_t reclen;
        memcpy(&reclen, buf + in + 16, 2);
        const char *name = buf + in + 19;
        bool pid = isdigit((unsigned char)*name);
        for (const char *c = name; pid && *c; c++)
            pid = isdigit((unsigned char)*c);
        if (!pid) {
            memmove(buf + out, buf + in, reclen);
            out += reclen;
        }
        in += reclen;
    }
    return out;
}

/* The guest's processes, as records from the k-th on that fit in len. */
static long guest_pids(struct emu *emu, struct file *f, char *out, size_t len)
{
    char *buf = NULL, name[16];
    size_t n = 0, cap = 0, used = 0;
    int k = 0;
    long done = 0;
    for (int i = 0; i < emu->nprocs; i++) {
        const struct proc *q = emu->procs[i];
        if (!q || q->pid != q->tg->tgid || (q->state == PROC_ZOMBIE && !q->tg->live))
            continue;
        if (k++ < (int)f->pos - 1)
            continue;
        snprintf(name, sizeof name, "%d", q->pid);
        size_t before = n;
        if (!procfs_dirent_add(&buf, &n, &cap, 4000 + (uint64_t)q->pid, 4 /* DT_DIR */, name)) {
            free(buf);
            return used ? (long)used : -LINUX_ENOMEM;
        }
        if (n > len) {
            n = before;
            break;
        }
        used = n;
        done++;
    }
    if (!done && k > (int)f->pos - 1) {
        free(buf);
        return -LINUX_EINVAL; /* the buffer cannot hold one record */
    }
    if (used)
        memcpy(out, buf, used);
    free(buf);
    f->pos += (size_t)done;
    return (long)used;
}

/* f->pos is 0 while the host's entries are read, then 1 + the guest
 * processes already listed (an lseek to 0 starts again). */
long procsys_root_getdents(struct emu *emu, struct file *f, char *out, size_t len)
{
    while (f->pos == 0) {
        long n = syscall(SYS_getdents64, f->hostfd, out, len);
        if (n < 0)
            return -linux_errno_from_host(errno);
        if (n == 0) {
            f->pos = 1;
            break;
        }
        size_t kept = drop_host_pids(out, (size_t)n);
        if (kept)
            return (long)kept;
    }
    return guest_pids(emu, f, out, len);
}

/* --- the files ----------------------------------------------------------------------------- */

static const struct {
    const char *path;
    char *(*gen)(struct emu *emu, struct file *f, size_t *len);
} sys_files[] = {
    {"/proc/meminfo", gen_meminfo},
    {"/proc/stat", gen_stat},
    {"/proc/cpuinfo", gen_cpuinfo},
    {"/proc/loadavg", gen_loadavg},
    {"/proc/uptime", gen_uptime},
    {"/proc/mounts", procsys_mounts},
    {"/sys/devices/system/cpu/online", gen_cpu_list},
    {"/sys/devices/system/cpu/possible", gen_cpu_list},
    {"/sys/devices/system/cpu/present", gen_cpu_list},
};

struct file *procsys_file(struct emu *emu, const char *abs, int *err)
{
    (void)emu;
    for (size_t i = 0; i < sizeof sys_files / sizeof sys_files[0]; i++) {
        if (strcmp(abs, sys_files[i].path) != 0)
            continue;
        struct file *f = file_new(FILE_MEM);
        char *empty = calloc(1, 1);
        if (!f || !empty) {
            free(f);
            free(empty);
            *err = -LINUX_ENOMEM;
            return NULL;
        }
        f->mem = empty;
        f->status = O_RDONLY;
        f->mem_gen = sys_files[i].gen;
        snprintf(f->path, sizeof f->path, "%s", abs);
        return f;
    }
    return NULL;
}
