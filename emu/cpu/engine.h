/*
 * engine.h - inside the CPU layer: the Unicorn engine behind struct cpu,
 * its zones, and what calibration learned.  Only emu/cpu/ includes this.
 */
#ifndef FAULTLINE_CPU_ENGINE_H
#define FAULTLINE_CPU_ENGINE_H

#include "emu/cpu/cpu.h"

#include <unicorn/unicorn.h>

#define ZONE_SHIFT 30
#define ZONE_SIZE (1ULL << ZONE_SHIFT)
/* Unicorn 2.0.1 (QEMU 5) asserts past 4096 memory sections, and adding a
 * region costs time that grows with the regions already there (30 us
 * with 10, 4 ms with 1000, 15 ms with 2000), while removing a 1 GiB one
 * costs 30 ms whatever the count (it flushes the range page by page).
 * So a process holds at most ZONES_MAX zones, each made when a page of
 * its range first becomes present; one whose pages are all gone is let
 * go only when the count nears the limit (ZONES_HIGH, down to
 * ZONES_LOW), and a page that needs one more beyond that kills the
 * process with a message. */
#define ZONES_MAX 1024
#define ZONES_HIGH (ZONES_MAX - 64)
#define ZONES_LOW (ZONES_MAX - 128)
/* faultline's si_code for a SIGKILL: the process needs more zones. */
/* A page whose protection is toggled to flush the TLB (fact 4). */
#define SCRATCH_PAGE (VM_RESERVED_END - VM_PAGE_SIZE)
/* uc_emu_start never reaches this (non-canonical) address. */
#define RUN_UNTIL 0xdead000000000000ULL

/* What the CPU found out about itself at start-up (DESIGN facts 2, 3). */
struct cpu_calib {
    size_t ctx_size;
    size_t off_old_exception; /* "exception in flight", reset after every fault */
    size_t off_error_code;    /* the #PF error code */
    uc_context *user_ctx;     /* a CPL-3 long-mode context every new engine starts from */
    uc_engine *spare;         /* the calibration engine, cleaned, for the first cpu_new */
};

/* A host-backed Unicorn region behind the guest's pages: the 1 GiB slot
 * of its first page, less the frames reserve. */
struct zone {
    uint64_t base, size;
    uint8_t *host;    /* size bytes, reserved MAP_NORESERVE; frames aliased in */
    bool registered;  /* a Unicorn region */
    bool emptied;     /* pages left it since it was last looked at */
};

struct cpu {
    uc_engine *uc;
    const struct cpu_calib *cal;
    struct vm *vm;
    struct vm_mm *mm;       /* the address space faults go to */
    const struct cpu_ops *ops;
    void *owner;            /* passed to ops */
    uc_context *ctx;        /* scratch, for the exception-state reset */
    struct zone *zones;     /* sorted by base */
    size_t nzones, zonecap;
    uint64_t spec_va;       /* pages aliased ahead of need: from spec_va, */
    uint32_t spec_frame;    /* frames spec_frame on, */
    uint64_t spec_pages;    /* this many (0: none) */
    bool need_flush;        /* the TLB holds stale translations */
    bool need_tb_flush;     /* translated code may be stale: drop it before running */
    bool need_zones;        /* zones to register with Unicorn */
    bool running;           /* inside uc_emu_start */
    uint64_t budget;        /* bytes of code this run may still start; 0: no limit */
    bool counting;          /* the block hook that spends budget is in */
    uint8_t scratch_prot;   /* toggled to flush the TLB */
};

/* Unicorn's register id for each enum cpu_reg. */
extern const int cpu_uc_reg[CPU_NREGS];

/* emulate.c: instructions finished by hand when they trap.  rdtsc and
 * rdtscp (#GP under CR4.TSD): true when it was one, done. */
bool emulate_rdtsc(struct cpu *cpu);
enum emulated { EMULATED_NOT, EMULATED_DONE, EMULATED_FAULT };
/* A #UD that is POPCNT: done, not one, or its memory operand at
 * *fault_addr cannot be read. */
enum emulated emulate_popcnt(struct cpu *cpu, uint64_t *fault_addr);

/* hooks.c: install the interrupt, syscall, cpuid and unmapped hooks. */
void hooks_install(struct cpu *cpu);
/* hooks.c: from now on count every block's code against the budget (the
 * first run by a quantum); drops the blocks translated without it. */
void hooks_count_blocks(struct cpu *cpu);
/* zone.c: between runs, register the zones made since the last call and,
 * near the limit, let go of those with no page left.  Clears need_zones;
 * true when the region map changed (which flushed the TLB). */
bool zones_settle(struct cpu *cpu);
/* zone.c: an access outside every region (the unmapped hook): the page
 * fault for it, and if the page is there now, its zone registered at
 * once so that the access goes on. */
enum vm_fault_result zone_fault(struct cpu *cpu, uint64_t addr, vm_access_t access);
/* zone.c: did the last failed port_map fail for want of a zone? */
bool zones_exhausted(const struct cpu *cpu);
/* zone.c: unmap every zone of cpu (cpu_free). */
void zones_free(struct cpu *cpu);

#endif
