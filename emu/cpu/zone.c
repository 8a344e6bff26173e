/*
 * zone.c - host memory behind the guest's areas, and the vm/ port.
 *
 * Guest addresses are identity-mapped by Unicorn after the page walk, so
 * each area is covered by a "zone": a 1 GiB host reservation registered
 * as a Unicorn region, into which the frame of every present page is
 * aliased (mmap of the DRAM memfd at the page's place).  Region changes
 * happen only between runs: a port call made during a run asks the
 * engine to stop, and cpu_settle applies it.
 */
#include "emu/cpu/engine.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The host's limit on mappings (vm.max_map_count) is shared by everything
 * in this process: aliases, zones, libunicorn, malloc.  Stop aliasing a
 * margin before it, so the rest keeps working and the guest gets a clear
 * message instead of the host refusing somebody at random (fact 11).
 * Counting /proc/self/maps is exact but costs, so it runs only every so
 * many aliases, or when a worst-case estimate comes near the limit. */
#define MAP_MARGIN 4096
#define MAP_RECOUNT 1024

struct map_guard {
    long limit;       /* vm.max_map_count, read once */
    long counted;     /* mappings at the last count */
    long since;       /* aliases made since then (each adds at most 2) */
};

static struct map_guard guard;

static long count_host_maps(void)
{
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buf[65536];
    long lines = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; i++)
            lines += buf[i] == '\n';
    close(fd);
    return lines;
}

long cpu_host_map_limit(void)
{
    return guard.limit;
}

static bool map_room(void)
{
    if (!guard.limit) {
        FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
        if (!f || fscanf(f, "%ld", &guard.limit) != 1)
            guard.limit = 65530;
        if (f)
            fclose(f);
        guard.counted = count_host_maps();
    }
    bool near = guard.counted + 2 * guard.since > guard.limit - MAP_MARGIN;
    if (near || guard.since >= MAP_RECOUNT) {
        guard.counted = count_host_maps();
        guard.since = 0;
    }
    if (guard.counted + 2 > guard.limit - MAP_MARGIN)
        return false;
    guard.since++;
    return true;
}

/* --- zones: host memory behind the guest's areas ------------------------------------ */

static struct zone *zone_find(struct cpu *cpu, uint64_t va)
{
    uint64_t base = va & ~(ZONE_SIZE - 1);
    size_t lo = 0, hi = cpu->nzones;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cpu->zones[mid].base < base)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < cpu->nzones && cpu->zones[lo].base == base ? &cpu->zones[lo] : NULL;
}

static int zone_add(struct cpu *cpu, uint64_t base)
{
    if (cpu->nzones == ZONES_MAX)
        return -ENOMEM;
    if (cpu->nzones == cpu->zonecap) {
        size_t cap = cpu->zonecap ? cpu->zonecap * 2 : 8;
        struct zone *z = realloc(cpu->zones, cap * sizeof *z);
        if (!z)
            return -ENOMEM;
        cpu->zones = z;
        cpu->zonecap = cap;
    }
    void *host = mmap(NULL, ZONE_SIZE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED)
        return -ENOMEM;
    size_t i = 0;
    while (i < cpu->nzones && cpu->zones[i].base < base)
        i++;
    memmove(&cpu->zones[i + 1], &cpu->zones[i], (cpu->nzones - i) * sizeof *cpu->zones);
    cpu->zones[i] = (struct zone){base, host, false};
    cpu->nzones++;
    cpu->need_zones = true;
    cpu_request_stop(cpu);
    return 0;
}

static int port_cover(void *ctx, struct vm_mm *mm, uint64_t start, uint64_t end)
{
    (void)ctx;
    struct cpu *cpu = vm_mm_port_data(mm);
    if (!cpu)
        return 0;
    /* All or nothing: count the zones it needs first. */
    size_t missing = 0;
    for (uint64_t base = start & ~(ZONE_SIZE - 1); base < end; base += ZONE_SIZE) {
        if (base < VM_RESERVED_END && base + ZONE_SIZE > VM_RESERVED_START)
            return -EFAULT; /* guest memory never shares the DRAM window */
        if (!zone_find(cpu, base) && cpu->nzones + ++missing > ZONES_MAX)
            return -ENOMEM;
    }
    for (uint64_t base = start & ~(ZONE_SIZE - 1); base < end; base += ZONE_SIZE) {
        if (!zone_find(cpu, base)) {
            int err = zone_add(cpu, base);
            if (err)
                return err;
        }
    }
    return 0;
}

static uint8_t *zone_host(struct cpu *cpu, uint64_t va)
{
    struct zone *z = zone_find(cpu, va);
    return z ? z->host + (va - z->base) : NULL;
}

/* Was va aliased ahead of need to exactly this frame? */
static bool spec_hit(const struct cpu *cpu, uint64_t va, uint32_t frame)
{
    if (!cpu->spec_pages || va < cpu->spec_va)
        return false;
    uint64_t k = (va - cpu->spec_va) / VM_PAGE_SIZE;
    return k < cpu->spec_pages && cpu->spec_frame + k == frame;
}

static void spec_forget(struct cpu *cpu, uint64_t va, uint64_t npages)
{
    uint64_t end = va + npages * VM_PAGE_SIZE;
    if (cpu->spec_pages && va < cpu->spec_va + cpu->spec_pages * VM_PAGE_SIZE && cpu->spec_va < end)
        cpu->spec_pages = 0;
}

static int port_map(void *ctx, struct vm_mm *mm, uint64_t va, uint32_t frame, uint64_t npages,
                    uint64_t ahead, bool exec)
{
    struct cpu *cpu = vm_mm_port_data(mm);
    if (!cpu)
        return 0;
    /* Code pages need no retranslation here: a page that comes back
     * after eviction has its old bytes, and where other code takes a
     * place, vm/ said so (code_changed) when the old one went. */
    (void)exec;
    if (npages == 1 && spec_hit(cpu, va, frame))
        return 0; /* already there: the bet on the neighbouring frame paid off */
    spec_forget(cpu, va, npages);
    /* Runs never cross a zone: areas are covered zone by zone, and a run
     * is split where it would. */
    while (npages) {
        uint8_t *host = zone_host(cpu, va);
        if (!host) {
            /* A PROT_NONE area holding pages (made so after they were
             * touched) is not covered; its pages move (fork, mremap) all
             * the same: the zone comes now. */
            if (port_cover(ctx, mm, va, va + VM_PAGE_SIZE) < 0 || !(host = zone_host(cpu, va)))
                return -ENOMEM;
        }
        uint64_t room = (ZONE_SIZE - (va & (ZONE_SIZE - 1))) / VM_PAGE_SIZE;
        uint64_t n = npages < room ? npages : room;
        uint64_t extra = npages == n && ahead < room - n ? ahead : 0;
        if (!map_room())
            return -ENOMEM;
        void *p = mmap(host, (n + extra) * VM_PAGE_SIZE, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_FIXED, vm_dram_fd(cpu->vm),
                       (off_t)frame * (off_t)VM_PAGE_SIZE);
        if (p == MAP_FAILED)
            return -ENOMEM;
        if (extra) {
            cpu->spec_va = va + n * VM_PAGE_SIZE;
            cpu->spec_frame = frame + (uint32_t)n;
            cpu->spec_pages = extra;
        }
        va += n * VM_PAGE_SIZE;
        frame += (uint32_t)n;
        npages -= n;
    }
    return 0;
}

static void port_unmap(void *ctx, struct vm_mm *mm, uint64_t va, uint64_t npages)
{
    (void)ctx;
    struct cpu *cpu = vm_mm_port_data(mm);
    if (!cpu)
        return;
    spec_forget(cpu, va, npages);
    while (npages) {
        uint8_t *host = zone_host(cpu, va);
        uint64_t room = (ZONE_SIZE - (va & (ZONE_SIZE - 1))) / VM_PAGE_SIZE;
        uint64_t n = npages < room ? npages : room;
        /* Anonymous memory again, so the host can merge it with the zone.
         * Should that fail, the alias stays: with no entry the CPU cannot
         * reach it. */
        if (host)
            (void)mmap(host, n * VM_PAGE_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
        va += n * VM_PAGE_SIZE;
        npages -= n;
    }
}

static void port_flush_tlb(void *ctx, struct vm_mm *mm)
{
    (void)ctx;
    struct cpu *cpu = vm_mm_port_data(mm);
    if (!cpu)
        return;
    cpu->need_flush = true;
    cpu_request_stop(cpu);
}

static void port_code_changed(void *ctx, struct vm_mm *mm, uint64_t va, uint64_t len)
{
    (void)ctx;
    struct cpu *cpu = vm_mm_port_data(mm);
    if (!cpu || !len)
        return;
    /* Invalidating translated blocks while the CPU runs (this is called
     * from system calls) can leave Unicorn 2.0.1 chaining into a block it
     * dropped (a host crash, seen with cc1 under memory pressure); and a
     * range whose pages are gone cannot be looked up at all.  So the whole
     * cache is flushed before the CPU runs again. */
    (void)va;
    cpu->need_tb_flush = true;
    cpu_request_stop(cpu);
}

const struct vm_port cpu_port_template = {
    .map = port_map,
    .unmap = port_unmap,
    .cover = port_cover,
    .flush_tlb = port_flush_tlb,
    .code_changed = port_code_changed,
};


void zones_free(struct cpu *cpu)
{
    for (size_t i = 0; i < cpu->nzones; i++)
        munmap(cpu->zones[i].host, ZONE_SIZE);
    free(cpu->zones);
    cpu->zones = NULL;
    cpu->nzones = cpu->zonecap = 0;
}
