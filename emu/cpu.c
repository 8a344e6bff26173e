/*
 * cpu.c - one Unicorn engine per guest process, with paging done by the
 * emulated CPU's MMU over the page tables vm/ writes (DESIGN facts 1-11).
 *
 *  - Long mode at CPL 3: every engine starts from a user-mode context that
 *    calibration reached with sysretq, with EFER.NXE and EFER.SCE set
 *    through the context (libunicorn 2.0.1 masks them in wrmsr).
 *  - All DRAM is one Unicorn region at the frames' physical addresses, so
 *    the walker reads page tables where vm/ put them and sets A/D bits.
 *  - Guest addresses are identity-mapped by Unicorn after the walk, so each
 *    area is covered by a "zone": a 1 GiB host reservation registered as a
 *    Unicorn region, into which the frame of every present page is aliased
 *    (mmap of the DRAM memfd at the page's place).
 *  - The "exception in flight" field is reset after every exception and
 *    every uc_emu_start, at the offset calibration found.
 *  - Region changes (new zones, TLB flushes) happen only between runs; a
 *    hook that needs one asks the engine to stop.
 */
#include "proc.h"
#include "emu/cpu/fpu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ZONE_SHIFT 30
#define ZONE_SIZE (1ULL << ZONE_SHIFT)
/* Unicorn 2.0.1 (QEMU 5) asserts past 4096 memory sections, and adding a
 * region costs time that grows with the regions already there: 1024
 * zones (1 TiB of accessible address space per process) stay clear of
 * both; beyond, mmap fails with ENOMEM. */
#define ZONES_MAX 1024
#define SCRATCH_PAGE (VM_RESERVED_END - VM_PAGE_SIZE)
#define CALIB_CODE (VM_RESERVED_END - 2 * VM_PAGE_SIZE)
#define CALIB_DATA (VM_RESERVED_END - 4 * VM_PAGE_SIZE)
#define CALIB_TABLES (VM_RESERVED_END - 12 * VM_PAGE_SIZE)
/* uc_emu_start never reaches this (non-canonical) address. */
#define RUN_UNTIL 0xdead000000000000ULL

#define MSR_EFER 0xC0000080u
#define MSR_STAR 0xC0000081u
#define EFER_SCE (1ULL << 0)
#define EFER_NXE (1ULL << 11)
#define CR4_TSD (1ULL << 2)
#define CR4_PAE (1ULL << 5)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)

struct zone {
    uint64_t base;
    uint8_t *host;
    bool registered;
};

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

/* --- calibration ------------------------------------------------------------------- */

struct calib_run {
    struct cpu_calib *cal;
    uint8_t *snap;
    int hits;
};

static void calib_on_intr(uc_engine *uc, uint32_t vector, void *user)
{
    struct calib_run *cr = user;
    (void)vector;
    uc_context_save(uc, cr->cal->user_ctx);
    memcpy(cr->snap, cr->cal->user_ctx, cr->cal->ctx_size);
    cr->hits++;
    uc_emu_stop(uc);
}

static void calib_on_syscall(uc_engine *uc, void *user)
{
    struct calib_run *cr = user;
    uc_context_save(uc, cr->cal->user_ctx); /* CPL 3, long mode: the template */
    cr->hits++;
    uc_emu_stop(uc);
}

static uint64_t *calib_pte(uint8_t *tables, uint64_t va)
{
    /* Tables at CALIB_TABLES: PML4, PDPT, PD, PT, one each (one 2 MiB window). */
    uint64_t *t = (uint64_t *)tables;
    for (int level = 3; level > 0; level--) {
        uint64_t *e = &t[(va >> (12 + 9 * level)) & 511];
        uint64_t next = CALIB_TABLES + (uint64_t)(4 - level) * VM_PAGE_SIZE;
        if (!(*e & PTE_P))
            *e = next | PTE_P | PTE_W | PTE_U;
        t = (uint64_t *)(tables + ((*e & PTE_ADDR) - CALIB_TABLES));
    }
    return &t[(va >> 12) & 511];
}

/* Find the offset of a 32-bit field that reads `before` in a and `after`
 * in b and c's pattern; -1 unless exactly one. */
static long find_field(const uint8_t *before, const uint8_t *a, const uint8_t *b, size_t n,
                       int32_t v0, int32_t va, int32_t vb)
{
    long found = -1;
    int hits = 0;
    for (size_t k = 0; k + 4 <= n; k += 4) {
        int32_t x, y, z;
        memcpy(&x, before + k, 4);
        memcpy(&y, a + k, 4);
        memcpy(&z, b + k, 4);
        if (x == v0 && y == va && z == vb) {
            found = (long)k;
            hits++;
        }
    }
    return hits == 1 ? found : -1;
}

static int calib_set_efer(uc_engine *uc, struct cpu_calib *cal, char *err, size_t errlen)
{
    uc_x86_msr msr = {MSR_EFER, 0};
    uc_reg_read(uc, UC_X86_REG_MSR, &msr);
    uint64_t efer = msr.value, want = efer | EFER_NXE | EFER_SCE;
    uc_context_save(uc, cal->user_ctx);
    uint8_t *blob = (uint8_t *)cal->user_ctx;
    for (size_t k = 0; k + 8 <= cal->ctx_size; k += 4) {
        uint64_t x;
        memcpy(&x, blob + k, 8);
        if (x != efer)
            continue;
        memcpy(blob + k, &want, 8);
        uc_context_restore(uc, cal->user_ctx);
        uc_reg_read(uc, UC_X86_REG_MSR, &msr);
        if (msr.value == want)
            return 0;
        memcpy(blob + k, &x, 8);
        uc_context_restore(uc, cal->user_ctx);
    }
    snprintf(err, errlen, "cannot enable NX and SYSCALL in the emulated CPU (EFER %#llx)",
             (unsigned long long)efer);
    return -1;
}

int cpu_calibrate(struct cpu_calib *cal, char *err, size_t errlen)
{
    memset(cal, 0, sizeof *cal);
    uc_engine *uc;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK) {
        snprintf(err, errlen, "cannot open a Unicorn x86-64 engine");
        return -1;
    }
    cal->ctx_size = uc_context_size(uc);
    uint8_t *before = malloc(cal->ctx_size), *snap_w = malloc(cal->ctx_size),
            *snap_r = malloc(cal->ctx_size);
    uint8_t *tables = calloc(8, VM_PAGE_SIZE);
    int rc = -1;
    uc_hook hi = 0, hs = 0;
    if (!before || !snap_w || !snap_r || !tables ||
        uc_context_alloc(uc, &cal->user_ctx) != UC_ERR_OK) {
        snprintf(err, errlen, "out of memory during CPU calibration");
        goto out;
    }
    if (calib_set_efer(uc, cal, err, errlen) < 0 || fpu_calibrate(uc, err, errlen) < 0)
        goto out;
    /* code: sysretq (enter CPL 3 at RCX); at user RIP: syscall; then
     * mov [rdi], rax (write fault); mov rax, [rsi] (read fault). */
    static const uint8_t code[] = {
        0x48, 0x0f, 0x07,       /* +0  sysretq */
        0x0f, 0x05,             /* +3  syscall */
        0x48, 0x89, 0x07,       /* +5  mov [rdi], rax */
        0x48, 0x8b, 0x06,       /* +8  mov rax, [rsi] */
        0xf4,                   /* +11 hlt */
    };
    uc_mem_map_ptr(uc, CALIB_TABLES, 8 * VM_PAGE_SIZE, UC_PROT_READ | UC_PROT_WRITE, tables);
    uc_mem_map(uc, CALIB_CODE, VM_PAGE_SIZE, UC_PROT_ALL);
    uc_mem_map(uc, CALIB_DATA, 2 * VM_PAGE_SIZE, UC_PROT_ALL);
    uc_mem_write(uc, CALIB_CODE, code, sizeof code);
    *calib_pte(tables, CALIB_CODE) = CALIB_CODE | PTE_P | PTE_U; /* user code */
    uint64_t v = CALIB_TABLES;
    uc_reg_write(uc, UC_X86_REG_CR3, &v);
    uc_reg_read(uc, UC_X86_REG_CR4, &v);
    v |= CR4_PAE;
    uc_reg_write(uc, UC_X86_REG_CR4, &v);
    uc_reg_read(uc, UC_X86_REG_CR0, &v);
    v |= (1ULL << 31) | (1ULL << 16) | 1; /* PG, WP, PE */
    uc_reg_write(uc, UC_X86_REG_CR0, &v);
    /* sysretq loads CS = STAR[63:48] + 16 | 3 = 0x33, SS = 0x2b, as Linux. */
    uc_x86_msr star = {MSR_STAR, 0x23ULL << 48 | 0x10ULL << 32};
    uc_reg_write(uc, UC_X86_REG_MSR, &star);
    v = CALIB_CODE + 3;
    uc_reg_write(uc, UC_X86_REG_RCX, &v);
    v = 0x202;
    uc_reg_write(uc, UC_X86_REG_R11, &v);
    v = CALIB_DATA;
    uc_reg_write(uc, UC_X86_REG_RDI, &v);
    v = CALIB_DATA + VM_PAGE_SIZE;
    uc_reg_write(uc, UC_X86_REG_RSI, &v);

    struct calib_run run = {.cal = cal, .snap = snap_w};
    uc_hook_add(uc, &hs, UC_HOOK_INSN, calib_on_syscall, &run, 1, 0, UC_X86_INS_SYSCALL);
    uc_emu_start(uc, CALIB_CODE, RUN_UNTIL, 0, 0);
    uc_hook_del(uc, hs);
    if (run.hits != 1) {
        snprintf(err, errlen, "the emulated CPU did not reach user mode");
        goto out;
    }
    /* The template, taken at the first user-mode instruction, is also the
     * "before" picture.  Two deliberate faults from it: a write (error
     * code 6: W|U) and a read (4: U), both on not-present pages. */
    memcpy(before, cal->user_ctx, cal->ctx_size);
    run.hits = 0;
    uc_hook_add(uc, &hi, UC_HOOK_INTR, calib_on_intr, &run, 1, 0);
    uc_context_restore(uc, (uc_context *)(void *)before);
    uc_emu_start(uc, CALIB_CODE + 5, RUN_UNTIL, 0, 0);
    run.snap = snap_r;
    uc_context_restore(uc, (uc_context *)(void *)before);
    uc_emu_start(uc, CALIB_CODE + 8, RUN_UNTIL, 0, 0);
    memcpy(cal->user_ctx, before, cal->ctx_size);
    if (run.hits != 2) {
        snprintf(err, errlen, "the emulated CPU raised %d page faults, expected 2", run.hits);
        goto out;
    }
    long oe = find_field(before, snap_w, snap_r, cal->ctx_size, -1, 14, 14);
    long ec = find_field(before, snap_w, snap_r, cal->ctx_size, 0, 6, 4);
    if (oe < 0 || ec < 0) {
        snprintf(err, errlen,
                 "cannot locate the CPU's exception state in libunicorn's context (this "
                 "faultline needs libunicorn 2.0.1 as in Debian bookworm)");
        goto out;
    }
    cal->off_old_exception = (size_t)oe;
    cal->off_error_code = (size_t)ec;
    rc = 0;
    /* Opening an engine costs milliseconds: keep this one for the first
     * process, without the regions and hooks calibration added. */
    uc_hook_del(uc, hi);
    if (uc_mem_unmap(uc, CALIB_TABLES, 8 * VM_PAGE_SIZE) == UC_ERR_OK &&
        uc_mem_unmap(uc, CALIB_CODE, VM_PAGE_SIZE) == UC_ERR_OK &&
        uc_mem_unmap(uc, CALIB_DATA, 2 * VM_PAGE_SIZE) == UC_ERR_OK) {
        cal->spare = uc;
        uc = NULL;
    }
out:
    if (rc < 0 && cal->user_ctx) {
        uc_context_free(cal->user_ctx);
        cal->user_ctx = NULL;
    }
    if (uc)
        uc_close(uc);
    free(before);
    free(snap_w);
    free(snap_r);
    free(tables);
    return rc;
}

void cpu_calib_free(struct cpu_calib *cal)
{
    if (cal->user_ctx)
        uc_context_free(cal->user_ctx);
    if (cal->spare)
        uc_close(cal->spare);
    cal->user_ctx = NULL;
    cal->spare = NULL;
}

/* --- registers and exception state ----------------------------------------------- */

uint64_t cpu_reg(struct cpu *cpu, int reg)
{
    uint64_t v = 0;
    uc_reg_read(cpu->uc, reg, &v);
    return v;
}

void cpu_set_reg(struct cpu *cpu, int reg, uint64_t v)
{
    uc_reg_write(cpu->uc, reg, &v);
}

void cpu_clear_exception(struct cpu *cpu)
{
    const struct cpu_calib *cal = &cpu->emu->calib;
    uc_context_save(cpu->uc, cpu->ctx);
    memcpy((uint8_t *)cpu->ctx + cal->off_old_exception, &(int32_t){-1}, 4);
    uc_context_restore(cpu->uc, cpu->ctx);
}

void cpu_set_cr3(struct cpu *cpu, uint64_t cr3)
{
    cpu_set_reg(cpu, UC_X86_REG_CR3, cr3);
    cpu->need_flush = true; /* CR3 writes do not flush in 2.0.1 (fact 4) */
}

void cpu_request_stop(struct cpu *cpu)
{
    if (cpu->running)
        uc_emu_stop(cpu->uc);
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
    struct emu *emu = ctx;
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
                       MAP_SHARED | MAP_FIXED, vm_dram_fd(emu->vm),
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

/* --- the engine ---------------------------------------------------------------------- */

void cpu_settle(struct cpu *cpu)
{
    if (cpu->need_tb_flush) {
        uc_ctl_flush_tlb(cpu->uc); /* UC_CTL_TB_FLUSH: every translated block */
        cpu->need_tb_flush = false;
    }
    if (cpu->need_zones) {
        for (size_t i = 0; i < cpu->nzones; i++) {
            struct zone *z = &cpu->zones[i];
            if (!z->registered && uc_mem_map_ptr(cpu->uc, z->base, ZONE_SIZE, UC_PROT_ALL,
                                                 z->host) == UC_ERR_OK)
                z->registered = true;
        }
        cpu->need_zones = false;
        cpu->need_flush = false; /* a region change flushes the TLB */
    }
    if (cpu->need_flush) {
        /* Any change of the region map flushes the TLB (fact 4). */
        cpu->scratch_prot ^= UC_PROT_WRITE;
        uc_mem_protect(cpu->uc, SCRATCH_PAGE, VM_PAGE_SIZE, UC_PROT_READ | cpu->scratch_prot);
        cpu->need_flush = false;
        cpu->flushes++;
    }
}

void hooks_install(struct cpu *cpu);

struct cpu *cpu_new(struct emu *emu, struct proc *proc)
{
    struct cpu *cpu = calloc(1, sizeof *cpu);
    if (!cpu)
        return NULL;
    cpu->emu = emu;
    cpu->proc = proc;
    if (emu->calib.spare) {
        cpu->uc = emu->calib.spare;
        emu->calib.spare = NULL;
    } else if (uc_open(UC_ARCH_X86, UC_MODE_64, &cpu->uc) != UC_ERR_OK) {
        free(cpu);
        return NULL;
    }
    if (uc_context_alloc(cpu->uc, &cpu->ctx) != UC_ERR_OK)
        goto fail;
    uint64_t dram = (uint64_t)vm_dram_frames(emu->vm) * VM_PAGE_SIZE;
    if (uc_mem_map_ptr(cpu->uc, VM_PHYS_BASE, dram, UC_PROT_READ | UC_PROT_WRITE,
                       vm_dram_base(emu->vm)) != UC_ERR_OK ||
        uc_mem_map(cpu->uc, SCRATCH_PAGE, VM_PAGE_SIZE, UC_PROT_READ) != UC_ERR_OK)
        goto fail;
    cpu->scratch_prot = 0;
    /* Start from the calibrated user-mode state, every register cleared. */
    uc_context_restore(cpu->uc, emu->calib.user_ctx);
    static const int gprs[] = {
        UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RSI,
        UC_X86_REG_RDI, UC_X86_REG_RBP, UC_X86_REG_RSP, UC_X86_REG_R8,  UC_X86_REG_R9,
        UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14,
        UC_X86_REG_R15, UC_X86_REG_FS_BASE, UC_X86_REG_GS_BASE,
    };
    for (size_t i = 0; i < sizeof gprs / sizeof gprs[0]; i++)
        cpu_set_reg(cpu, gprs[i], 0);
    cpu_set_reg(cpu, UC_X86_REG_EFLAGS, 0x202);
    /* CR4.TSD: rdtsc traps at CPL 3, so time stays deterministic.
     * OSFXSR and OSXMMEXCPT, as Linux sets them: without OSFXSR fxsave
     * and fxrstor leave the XMM registers out, and ld.so's lazy binding
     * (_dl_runtime_resolve_fxsave) would lose floating-point arguments. */
    cpu_set_reg(cpu, UC_X86_REG_CR4, cpu_reg(cpu, UC_X86_REG_CR4) | CR4_TSD | CR4_OSFXSR | CR4_OSXMMEXCPT);
    /* The FPU as a new Linux process has it (FNINIT, and MXCSR with every
     * exception masked). */
    cpu_set_reg(cpu, UC_X86_REG_FPCW, 0x37f);
    cpu_set_reg(cpu, UC_X86_REG_MXCSR, 0x1f80);
    hooks_install(cpu);
    return cpu;
fail:
    cpu_free(cpu);
    return NULL;
}

void cpu_free(struct cpu *cpu)
{
    if (!cpu)
        return;
    if (cpu->ctx)
        uc_context_free(cpu->ctx);
    if (cpu->uc)
        uc_close(cpu->uc);
    for (size_t i = 0; i < cpu->nzones; i++)
        munmap(cpu->zones[i].host, ZONE_SIZE);
    free(cpu->zones);
    free(cpu);
}

uc_err cpu_run(struct cpu *cpu, uint64_t quantum)
{
    cpu_settle(cpu);
    uint64_t rip = cpu_reg(cpu, UC_X86_REG_RIP);
    cpu->running = true;
    uc_err err = uc_emu_start(cpu->uc, rip, RUN_UNTIL, 0, quantum);
    cpu->running = false;
    /* Stopping invalidates the exit TB, which walks the tables for an
     * unmapped address and leaves an exception in flight (fact 3). */
    cpu_clear_exception(cpu);
    return err;
}
