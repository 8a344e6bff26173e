/*
 * loader.h - turn an ELF file into a process image on vm/.
 *
 * elf.c reads and validates the file (every field checked against the file
 * size and for overflow before use), image.c maps its segments as areas
 * (file-backed private copy-on-write for .text/.data, demand-zero for
 * .bss) and loads the interpreter, stack.c builds the initial stack with
 * argv, envp and the auxiliary vector, written through vm/ so its pages
 * fault in like every other page.
 */
#ifndef FAULTLINE_LOADER_H
#define FAULTLINE_LOADER_H

#include "vm/vm.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOADER_MAX_SEGMENTS 64
#define LOADER_MAX_PHNUM 512
#define LOADER_MAX_SCRIPT_DEPTH 4

/* Exit statuses for a program that cannot run, as shells use them. */
#define LOADER_ENOEXEC_STATUS 126
#define LOADER_ENOENT_STATUS 127

/* A load failure: the status faultline exits with, an errno for execve,
 * and one line naming the reason. */
struct loader_error {
    int status; /* 126 or 127 */
    int err;    /* negative errno for a guest execve */
    char msg[256];
};

/* One PT_LOAD, validated. */
struct elf_segment {
    uint64_t vaddr, memsz, offset, filesz;
    unsigned prot; /* VM_PROT_* */
};

/* What elf.c learned from a file. */
struct elf_info {
    bool dyn;              /* ET_DYN */
    uint64_t entry;        /* e_entry, unrelocated */
    uint64_t phoff;
    uint16_t phnum, phentsize;
    uint64_t phdr_vaddr;   /* where the headers are in memory (unrelocated), 0 unknown */
    struct elf_segment seg[LOADER_MAX_SEGMENTS];
    unsigned nseg;
    uint64_t lo, hi;       /* page-aligned span of the segments */
    char interp[PATH_MAX]; /* PT_INTERP, "" when none */
    bool exec_stack;       /* PT_GNU_STACK asks for an executable stack */
    uint64_t file_size;
};

/* Read and validate the ELF file open on fd (name used in messages).
 * Returns 0, or -1 with e filled. */
int elf_read(int fd, const char *name, struct elf_info *info, struct loader_error *e);

/* How the loader opens files (the program, its interpreter, a script's
 * interpreter): inside the guest's root.  Returns an fd or -errno. */
struct loader_fs {
    int (*open)(void *ctx, const char *path);
    /* The file's canonical path as the guest names it (for img->exe);
     * may be NULL, then the path used to open it is kept. */
    void (*canonical)(void *ctx, int fd, char *out, size_t outlen);
    void *ctx;
};

/* What the program is given. */
struct loader_args {
    const char *path;          /* as the guest names it (AT_EXECFN) */
    char *const *argv;
    char *const *envp;
    uint64_t seed;             /* for AT_RANDOM */
    uint64_t hwcap, hwcap2;
    uint32_t uid, gid, euid, egid;
    const struct loader_fs *fs;
};

/* The loaded image. */
struct loader_image {
    uint64_t entry;        /* where the CPU starts (the interpreter's entry when there is one) */
    uint64_t prog_entry;   /* AT_ENTRY */
    uint64_t load_bias;
    uint64_t phdr;         /* AT_PHDR */
    uint16_t phnum, phent;
    uint64_t interp_base;  /* AT_BASE, 0 when none */
    char interp[PATH_MAX];
    uint64_t brk_start;
    bool exec_stack;
    uint64_t sp;           /* initial stack pointer */
    uint64_t arg_start, arg_end, env_start, env_end; /* the strings (/proc/self/cmdline) */
    uint64_t stack_top;
    char name[64];         /* the program file's base name (areas: "hello:.text") */
    char comm[16];         /* what the process is called: the base name it was run by */
    char exe[PATH_MAX];    /* the file that runs: the script's interpreter for #! */
    int script_depth;
};

/* Load the program args->path into the empty mm: areas for the program
 * (and its interpreter), brk, and the stack with argv/envp/auxv.  A "#!"
 * script runs its interpreter as Linux does.  With build_stack false
 * (inspect), the stack area is created but nothing is written.  On
 * failure returns -1 with e filled; mm may hold partial areas (free it). */
int loader_load(struct vm *vm, struct vm_mm *mm, const struct loader_args *args,
                bool build_stack, struct loader_image *img, struct loader_error *e);

/* The interpreter's no-ASLR base for a span of len bytes: where Linux's
 * top-down mmap puts it. */
uint64_t loader_interp_base(const struct vm_mm *mm, uint64_t len);

/* stack.c: create the [stack] area below VM_STACK_TOP and, with write,
 * fill it with args->argv, args->envp and the auxiliary vector (through
 * vm/, so its pages fault in); sets img->sp. */
int loader_stack(struct vm_mm *mm, const struct loader_args *args, struct loader_image *img,
                 bool write, struct loader_error *e);

/* Fill e: status 126 (or 127 for ENOENT), errno err, message. */
void loader_fail(struct loader_error *e, int err, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
