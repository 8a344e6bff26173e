/*
 * emu.h - the emulator: Unicorn CPUs over vm/, processes, system calls,
 * the scheduler, the fault trace, and the command line.
 *
 * One struct emu is the whole machine; it is passed explicitly (hooks get
 * the CPU, which points back to it).  Each guest process has its own
 * Unicorn engine (struct cpu) whose MMU walks the page tables vm/ writes.
 */
#ifndef FAULTLINE_EMU_H
#define FAULTLINE_EMU_H

#include "loader/loader.h"
#include "vm/vm.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unicorn/unicorn.h>

#define FAULTLINE_VERSION "0.1.0"

/* Exit statuses of faultline itself. */
#define EXIT_FAULTLINE 125  /* faultline failed: bad option, host resource, deadlock */
#define EXIT_TIMEOUT 124    /* --timeout expired, as timeout(1) */
#define EXIT_MISMATCH 1     /* --expect found a different fault log */

enum trace_format { TRACE_TEXT, TRACE_JSONL };

/* Which events a comparison or a trace keeps (--trace-filter). */
struct trace_filter {
    uint32_t events;       /* bit per enum vm_event; 0 = all */
    int pids[16];
    int npids;             /* 0 = all */
    char areas[8][64];
    int nareas;            /* 0 = all */
};

struct emu_options {
    const char *trace_path;
    enum trace_format trace_format;
    const char *expect_path;
    struct trace_filter filter;
    bool summary;
    bool maps;
    uint32_t frames;
    uint64_t swap_pages;
    const char *swap_file;
    enum vm_policy policy;
    enum vm_commit commit;
    uint64_t seed;
    const char *root;
    char **env_set;        /* -E NAME=VALUE, NULL-terminated */
    bool env_clear;
    int max_procs;
    uint64_t quantum;      /* instructions per turn; 0 = run until blocked */
    double timeout;        /* seconds; 0 = none */
    bool real_time;
    bool verbose;
    bool check;            /* run vm/'s invariant checker after every system call */
};

struct emu;
struct proc;

/* --- the CPU: one Unicorn engine per process (cpu.c) -------------------------- */

/* What the CPU found out about itself at start-up (DESIGN facts 2, 3). */
struct cpu_calib {
    size_t ctx_size;
    size_t off_old_exception; /* "exception in flight", reset after every fault */
    size_t off_error_code;    /* the #PF error code */
    uc_context *user_ctx;     /* a CPL-3 long-mode context every new engine starts from */
    uc_engine *spare;         /* the calibration engine, cleaned, for the first cpu_new */
};

struct zone;

struct cpu {
    uc_engine *uc;
    struct emu *emu;
    struct proc *proc;
    uc_context *ctx;        /* scratch, for the exception-state reset */
    struct zone *zones;     /* host-backed Unicorn regions covering the areas */
    size_t nzones, zonecap;
    uint64_t spec_va;       /* pages aliased ahead of need: from spec_va, */
    uint32_t spec_frame;    /* frames spec_frame on, */
    uint64_t spec_pages;    /* this many (0: none) */
    bool need_flush;        /* the TLB holds stale translations */
    bool need_tb_flush;     /* translated code may be stale: drop it before running */
    bool need_zones;        /* zones to register with Unicorn */
    bool running;           /* inside uc_emu_start */
    uint8_t scratch_prot;   /* toggled to flush the TLB */
    uint64_t flushes;
};

/* Calibrate once at start-up; on failure a one-line reason in err. */
int cpu_calibrate(struct cpu_calib *cal, char *err, size_t errlen);
void cpu_calib_free(struct cpu_calib *cal);
/* A new engine for proc: CPL 3, paging on over mm's tables (CR3), the
 * frames region mapped at their physical addresses, hooks installed. */
struct cpu *cpu_new(struct emu *emu, struct proc *proc);
void cpu_free(struct cpu *cpu);
/* Point CR3 at mm's tables (after execve built a new mm). */
void cpu_set_cr3(struct cpu *cpu, uint64_t cr3);
/* Run until the engine stops; returns the uc_err. */
uc_err cpu_run(struct cpu *cpu, uint64_t quantum);
/* Apply zone registrations and TLB flushes due before the CPU runs. */
void cpu_settle(struct cpu *cpu);
/* Clear the CPU's "exception in flight" state (DESIGN fact 3). */
void cpu_clear_exception(struct cpu *cpu);
/* Ask a running engine to stop at the next safe point. */
void cpu_request_stop(struct cpu *cpu);
uint64_t cpu_reg(struct cpu *cpu, int reg);
void cpu_set_reg(struct cpu *cpu, int reg, uint64_t v);
/* The vm/ port, implemented by the CPU's zones and aliases. */
extern const struct vm_port cpu_port_template;
/* The host's limit on mappings (vm.max_map_count; 0 until the first alias). */
long cpu_host_map_limit(void);

/* faststore.c: stores at full speed despite libunicorn 2.0.1 (how many
 * TLB fills took the fast path; 0 means the workaround is not active). */
uint64_t fast_store_fills(void);

/* cpuid.c: the fixed CPU model the guest sees. */
void cpuid_answer(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
uint64_t cpuid_hwcap(void);

/* --- the trace (trace.c) --------------------------------------------------------- */

struct tracer;
struct tracer *tracer_new(const struct emu_options *opt, char *err, size_t errlen);
void tracer_event(void *tracer, const struct vm_event_rec *rec);
/* Finish: flush the file; compare with --expect.  Returns 0, 1 (a
 * mismatch) or -1 (the trace could not be written). */
int tracer_finish(struct tracer *t);
void tracer_free(struct tracer *t);
bool trace_filter_parse(struct trace_filter *f, const char *spec, char *err, size_t errlen);
bool trace_filter_keep(const struct trace_filter *f, int pid, int event, const char *area);
/* Format one record as a text line (no newline) or a JSON object. */
int trace_format_text(char *buf, size_t len, const struct vm_event_rec *r);
int trace_format_json(char *buf, size_t len, const struct vm_event_rec *r);
extern const char trace_text_header[];

#endif
