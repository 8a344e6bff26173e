/*
 * zone.c - host memory behind the guest's areas, and the vm/ port.
 *
 * Guest addresses are identity-mapped by Unicorn after the page walk, so
 * every present page lies in a "zone": a host reservation of its 1 GiB
 * slot (less the frames reserve) registered as a Unicorn region, into
 * which the frame of each present page is aliased (mmap of the DRAM memfd
 * at the page's place).  A zone is made when the first page of its range
 * is shown, so reserving terabytes costs nothing; near the limit on
 * zones, those with no page left are let go.  Regions change between
 * runs (a port call made during a run asks the engine to stop, and
 * cpu_settle applies it), except for the zone an access outside every
 * region needs at once (zone_fault).
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
 * Counting /proc/self/maps is exact but costs (a read of tens of
 * thousands of lines: 3-5 % of a python3 run when it ran every 1024
 * aliases), so it runs only when a worst-case estimate (each alias since
 * the last count adds two) comes near the limit. */
#define MAP_MARGIN 4096

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
    if (guard.counted + 2 * guard.since > guard.limit - MAP_MARGIN) {
        guard.counted = count_host_maps();
        guard.since = 0;
    }
    if (guard.counted + 2 > guard.limit - MAP_MARGIN)
        return false;
    guard.since++;
    return true;
}

/* --- zones: host memory behind the guest's pages ----------------------------------- */

/* The zone that holds va, or NULL. */
static struct zone *zone_find(struct cpu *cpu, uint64_t va)
{
    size_t lo = 0, hi = cpu->nzones;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cpu->zones[mid].base <= va)
            lo = mid + 1;
        else
            hi = mid;
    }
    struct zone *z = lo ? &cpu->zones[lo - 1] : NULL;
    return z && va - z->base < z->size ? z : NULL;
}

/* The range a zone for va would have: va's 1 GiB slot, less the frames
 * reserve (where DRAM is a Unicorn region).  False inside the reserve. */
static bool zone_span(uint64_t va, uint64_t *base, uint64_t *end)
{
    if (va >= VM_RESERVED_START && va < VM_RESERVED_END)
        return false;
    uint64_t lo = va & ~(ZONE_SIZE - 1), hi = lo + ZONE_SIZE;
    if (va < VM_RESERVED_START && hi > VM_RESERVED_START)
        hi = VM_RESERVED_START;
    if (va >= VM_RESERVED_END && lo < VM_RESERVED_END)
        lo = VM_RESERVED_END;
    *base = lo;
    *end = hi;
    return true;
}

static void spec_forget(struct cpu *cpu, uint64_t va, uint64_t npages);

/* A new zone for va (host memory reserved, no region yet); *made says
 * whether it is new.  NULL when va is in the reserve, the host refuses,
 * or the process already holds ZONES_MAX zones (said on stderr: the death
 * that follows cannot say why). */
static struct zone *zone_make(struct cpu *cpu, uint64_t va, bool *made)
{
    struct zone *z = zone_find(cpu, va);
    uint64_t base, end;
    *made = false;
    if (z || !zone_span(va, &base, &end))
        return z;
    if (cpu->nzones >= ZONES_MAX) {
        fprintf(stderr, "faultline: page %#llx needs a zone (its 1 GiB of address space) beyond "
                        "the %d that one process may hold: libunicorn 2.0.1 slows down and "
                        "then fails with more memory regions\n",
                (unsigned long long)va, ZONES_MAX);
        return NULL;
    }
    if (cpu->nzones == cpu->zonecap) {
        size_t cap = cpu->zonecap ? cpu->zonecap * 2 : 8;
        struct zone *zs = realloc(cpu->zones, cap * sizeof *zs);
        if (!zs)
            return NULL;
        cpu->zones = zs;
        cpu->zonecap = cap;
    }
    void *host = mmap(NULL, end - base, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED)
        return NULL;
    size_t i = 0;
    while (i < cpu->nzones && cpu->zones[i].base < base)
        i++;
    memmove(&cpu->zones[i + 1], &cpu->zones[i], (cpu->nzones - i) * sizeof *cpu->zones);
    cpu->zones[i] = (struct zone){.base = base, .size = end - base, .host = host};
    cpu->nzones++;
    *made = true;
    return &cpu->zones[i];
}

/* zone_make for a page the port shows: the region waits for
 * zones_settle, and a running engine is asked to stop for it. */
static struct zone *zone_get(struct cpu *cpu, uint64_t va)
{
    bool made;
    struct zone *z = zone_make(cpu, va, &made);
    if (made) {
        cpu->need_zones = true;
        cpu_request_stop(cpu);
    }
    return z;
}

static bool zone_register(struct cpu *cpu, struct zone *z)
{
    if (!z->registered &&
        uc_mem_map_ptr(cpu->uc, z->base, z->size, UC_PROT_ALL, z->host) == UC_ERR_OK)
        z->registered = true;
    return z->registered;
}

/* Let go of zone i, which has no present page: whatever is still aliased
 * in it (evicted pages, pages shown ahead of need) goes with it. */
static void zone_drop(struct cpu *cpu, size_t i)
{
    struct zone *z = &cpu->zones[i];
    spec_forget(cpu, z->base, z->size / VM_PAGE_SIZE);
    if (z->registered)
        uc_mem_unmap(cpu->uc, z->base, z->size);
    munmap(z->host, z->size);
    cpu->nzones--;
    memmove(z, z + 1, (cpu->nzones - i) * sizeof *z);
}

bool zones_settle(struct cpu *cpu)
{
    bool changed = false;
    cpu->need_zones = false;
    for (size_t i = 0; i < cpu->nzones; i++)
        changed |= !cpu->zones[i].registered && zone_register(cpu, &cpu->zones[i]);
    if (cpu->nzones <= ZONES_HIGH)
        return changed;
    /* Near the limit: zones that pages left first, then any (eviction
     * leaves no mark), down to ZONES_LOW. */
    for (int pass = 0; pass < 2 && cpu->nzones > ZONES_LOW; pass++) {
        for (size_t i = cpu->nzones; i-- > 0 && cpu->nzones > ZONES_LOW;) {
            struct zone *z = &cpu->zones[i];
            if (pass == 0 && !z->emptied)
                continue;
            if (!cpu->mm || !vm_mm_present_in(cpu->mm, z->base, z->base + z->size)) {
                zone_drop(cpu, i);
                changed = true;
            } else {
                z->emptied = false;
            }
        }
    }
    return changed;
}

enum vm_fault_result zone_fault(struct cpu *cpu, uint64_t addr, vm_access_t access)
{
    /* The zone comes first, so that the fault's port_map finds it and
     * asks for no stop: a stop pending inside an instruction can leave
     * it half done and then run it again. */
    bool made;
    struct zone *z = zone_make(cpu, addr, &made);
    uint64_t base, end;
    if (!z && zone_span(addr, &base, &end))
        return VM_FAULT_PORT; /* no zone to be had */
    enum vm_fault_result r = vm_fault(cpu->mm, addr, access, VM_USER);
    if (!vm_fault_ok(r)) {
        if (made)
            zone_drop(cpu, (size_t)(z - cpu->zones)); /* nothing came: no region yet */
        return r;
    }
    /* The one region change made inside a run: Unicorn looks the address
     * up again when the hook says it handled the access. */
    return z && zone_register(cpu, z) ? r : VM_FAULT_PORT;
}

bool zones_exhausted(const struct cpu *cpu)
{
    return cpu->nzones >= ZONES_MAX;
}

/* How many pages from va on the zone of va holds. */
static uint64_t zone_room(struct cpu *cpu, uint64_t va)
{
    struct zone *z = zone_find(cpu, va);
    return z ? (z->base + z->size - va) / VM_PAGE_SIZE : 0;
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
    (void)ctx;
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
    /* A run is split where it crosses from one zone to the next; a zone
     * comes with the first page shown in it. */
    while (npages) {
        struct zone *z = zone_get(cpu, va);
        if (!z)
            return -ENOMEM;
        uint8_t *host = z->host + (va - z->base);
        uint64_t room = (z->base + z->size - va) / VM_PAGE_SIZE;
        uint64_t n = npages < room ? npages : room;
        uint64_t extra = npages == n && ahead < room - n ? ahead : 0;
        if (!map_room())
            return -ENOMEM;
        /* Pages shown ahead are populated in the same call: one host
         * fault per guest fault was most of the fault path (the memfd's
         * page allocated and mapped), and in a batch it costs less
         * (touch 65536: 4.3-5.6 us a page against 6.8-7.2). */
        int pop = extra ? MAP_POPULATE : 0;
        void *p = mmap(host, (n + extra) * VM_PAGE_SIZE, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_FIXED | pop, vm_dram_fd(cpu->vm),
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
        struct zone *z = zone_find(cpu, va);
        uint64_t room = z ? zone_room(cpu, va) : 1;
        uint64_t n = npages < room ? npages : room;
        /* Anonymous memory again, so the host can merge it with the zone.
         * Should that fail, the alias stays: with no entry the CPU cannot
         * reach it.  The zone may have no page left now: zones_settle
         * looks when it needs room. */
        if (z) {
            (void)mmap(z->host + (va - z->base), n * VM_PAGE_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
            z->emptied = true;
        }
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
    .flush_tlb = port_flush_tlb,
    .code_changed = port_code_changed,
};


void zones_free(struct cpu *cpu)
{
    for (size_t i = 0; i < cpu->nzones; i++)
        munmap(cpu->zones[i].host, cpu->zones[i].size);
    free(cpu->zones);
    cpu->zones = NULL;
    cpu->nzones = cpu->zonecap = 0;
}
