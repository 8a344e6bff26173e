/*
 * cpu.h - the emulated x86-64 CPU: one Unicorn engine per task, paging
 * through the page tables vm/ writes.  This folder is the only place that
 * knows Unicorn; everything above it sees registers by name, a run that
 * ends for a reason, and the callbacks of struct cpu_ops.
 */
#ifndef FAULTLINE_CPU_H
#define FAULTLINE_CPU_H

#include "emu/abi/linux.h"
#include "vm/vm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;
struct cpu_calib;

/* faultline's own si_code for a SIGKILL: the host refused to map a page. */
#define CPU_SI_HOSTMAP 0x81
/* ... and the process touched more 1 GiB slots than Unicorn can hold. */
#define CPU_SI_ZONES 0x82

enum cpu_reg {
    CPU_RAX, CPU_RBX, CPU_RCX, CPU_RDX, CPU_RSI, CPU_RDI, CPU_RBP, CPU_RSP,
    CPU_R8, CPU_R9, CPU_R10, CPU_R11, CPU_R12, CPU_R13, CPU_R14, CPU_R15,
    CPU_RIP, CPU_EFLAGS, CPU_FS_BASE, CPU_GS_BASE, CPU_CR2, CPU_CR3, CPU_CR4,
    CPU_FPCW, CPU_FPSW, CPU_MXCSR,
    CPU_NREGS
};

/* What the CPU reports to its owner (the task it runs), from inside a run.
 * Each is called from a hook: it may change the owner's state, but not
 * Unicorn's regions (those wait for cpu_settle). */
struct cpu_ops {
    /* A syscall instruction; the registers hold the call.  Returns true
     * when the run must stop after it. */
    bool (*syscall)(void *owner);
    /* An exception the guest gets as a signal (a Linux signo, si_code and
     * si_addr); the run stops after it. */
    void (*fault)(void *owner, int signo, int code, uint64_t addr);
    /* vm_fault found no frame: true when memory was freed elsewhere, so
     * the access may run again; false stops the run. */
    bool (*oom)(void *owner);
    /* rdtsc or rdtscp at CPL 3: the counter the guest reads. */
    uint64_t (*rdtsc)(void *owner);
};

/* Why cpu_run returned. */
enum cpu_exit {
    CPU_EXIT_STOPPED,   /* a hook, cpu_request_stop, or the quantum */
    CPU_EXIT_INVALID,   /* an instruction the CPU cannot decode */
    CPU_EXIT_UNMAPPED,  /* an access outside every region (already reported) */
    CPU_EXIT_ERROR,     /* anything else the engine gave up on */
};

/* Calibrate once at start-up (the engine's hidden state, a user-mode
 * context to start from).  Returns 0 and *out, or -1 with a one-line
 * reason in err. */
int cpu_calibrate(struct cpu_calib **out, char *err, size_t errlen);
void cpu_calib_free(struct cpu_calib *cal);

/* A new CPU at CPL 3 with every register clear, the FPU as Linux starts
 * it, DRAM mapped at its physical addresses, and hooks that report to
 * ops with owner.  It has no address space until cpu_set_mm.  NULL when
 * the engine cannot be made. */
struct cpu *cpu_new(struct cpu_calib *cal, struct vm *vm, const struct cpu_ops *ops, void *owner);
void cpu_free(struct cpu *cpu);
/* The tasks of one address space share one CPU: each keeps its registers
 * in a context while another runs (a switch costs a save and a restore,
 * about 0.2 us; translated code and the TLB stay).  NULL when out of
 * memory. */
struct cpu_ctx;
struct cpu_ctx *cpu_ctx_new(struct cpu *cpu);
void cpu_ctx_free(struct cpu_ctx *ctx);
/* Save the registers the CPU holds into ctx. */
void cpu_ctx_save(struct cpu *cpu, struct cpu_ctx *ctx);
/* Load ctx's registers; from now on the CPU reports to owner. */
void cpu_ctx_load(struct cpu *cpu, const struct cpu_ctx *ctx, void *owner);
/* Whom the CPU reports to (the task whose registers it holds). */
void *cpu_owner(const struct cpu *cpu);
void cpu_set_owner(struct cpu *cpu, void *owner);

/* Run on mm's page tables (CR3), and take page faults in mm. */
void cpu_set_mm(struct cpu *cpu, struct vm_mm *mm);
/* Every register of src, as fork copies them (CR3 stays dst's). */
void cpu_copy_state(struct cpu *dst, const struct cpu *src);

/* Run from RIP until a hook stops the engine or about quantum
 * instructions ran (0: no limit).  They are counted a translated block at
 * a time, CPU_INSN_BYTES bytes of code each: deterministic, as the blocks
 * are, and stopping only at a block's start. */
#define CPU_INSN_BYTES 4
enum cpu_exit cpu_run(struct cpu *cpu, uint64_t quantum);
/* Apply zone registrations and TLB flushes due before the CPU runs. */
void cpu_settle(struct cpu *cpu);
/* True when no zone or TLB change waits for cpu_settle (a stop was not
 * asked for one). */
bool cpu_settled(const struct cpu *cpu);
/* True while inside cpu_run. */
bool cpu_running(const struct cpu *cpu);
/* Clear the CPU's "exception in flight" state (DESIGN fact 3). */
void cpu_clear_exception(struct cpu *cpu);
/* Ask a running engine to stop at the next safe point. */
void cpu_request_stop(struct cpu *cpu);

uint64_t cpu_reg(struct cpu *cpu, enum cpu_reg reg);
void cpu_set_reg(struct cpu *cpu, enum cpu_reg reg, uint64_t v);
/* n registers at once, in the order of ids. */
void cpu_regs_read(struct cpu *cpu, const enum cpu_reg *ids, uint64_t *vals, size_t n);
void cpu_regs_write(struct cpu *cpu, const enum cpu_reg *ids, const uint64_t *vals, size_t n);
/* The x87/SSE state as fxsave lays it out (a signal frame's fpstate). */
void cpu_fp_save(struct cpu *cpu, struct linux_fxsave *fx);
void cpu_fp_restore(struct cpu *cpu, const struct linux_fxsave *fx);
/* The FPU as a signal handler starts with it on Linux: x87 initialised
 * (control word 0x37f, empty stack), MXCSR 0x1f80. */
void cpu_fp_signal_entry(struct cpu *cpu);

/* The vm/ port, implemented by the CPU's zones and aliases (the port's
 * data is the struct cpu of the mm). */
extern const struct vm_port cpu_port_template;
/* The host's limit on mappings (vm.max_map_count; 0 until the first alias). */
long cpu_host_map_limit(void);
/* faststore.c: how many TLB fills took the fast store path (0: the
 * workaround is not active). */
uint64_t cpu_fast_store_fills(void);
/* tbflush.c: how many times the translation cache was dropped, in every
 * engine (a change to code the CPU may have translated). */
unsigned long cpu_tb_flushes(void);
/* "major.minor" of the engine library. */
const char *cpu_engine_version(void);

/* cpuid.c: the fixed CPU model the guest sees, and its AT_HWCAP. */
void cpuid_answer(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
uint64_t cpuid_hwcap(void);
/* The flags line of /proc/cpuinfo: Linux's names of the feature bits the
 * model answers, in Linux's order, space-separated, into buf. */
void cpuid_flag_names(char *buf, size_t len);
/* The rate of the guest's time-stamp counter: rdtsc reads the guest clock
 * as a counter of this many MHz. */
#define CPUID_TSC_MHZ 3000

#endif
