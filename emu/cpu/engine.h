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
 * region costs time that grows with the regions already there: 1024
 * zones (1 TiB of accessible address space per process) stay clear of
 * both; beyond, mmap fails with ENOMEM. */
#define ZONES_MAX 1024
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

/* A host-backed 1 GiB Unicorn region covering guest areas. */
struct zone {
    uint64_t base;
    uint8_t *host;
    bool registered;
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
/* zone.c: unmap every zone of cpu (cpu_free). */
void zones_free(struct cpu *cpu);

#endif
