/*
 * stack.c - the initial stack, laid out as Linux's exec does:
 *
 *   VM_STACK_TOP  -> 8 zero bytes
 *                    AT_EXECFN string
 *                    envp strings, argv strings (argv[0] lowest)
 *                    (aligned to 16) "x86_64" (AT_PLATFORM)
 *                    16 random bytes (AT_RANDOM, from --seed)
 *                    (aligned so that sp is 16-byte aligned)
 *                    auxv pairs, AT_NULL
 *                    envp pointers, NULL
 *                    argv pointers, NULL
 *   sp            -> argc
 *
 * The [stack] area reaches 128 KiB below the page of the lowest string,
 * as Linux's setup_arg_pages leaves it, and grows down on faults.
 */
#include "loader.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define STACK_EXPAND (128ULL << 10)
#define ARG_MAX_BYTES (2ULL << 20) /* a quarter of the 8 MiB stack limit, as Linux */
#define ARG_STRLEN_MAX (128ULL << 10) /* Linux's MAX_ARG_STRLEN */

static size_t count(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

/* splitmix64: AT_RANDOM bytes from the seed. */
static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Where everything of the initial stack goes, from the top down:
 * the strings (argv, envp, the exec path), "x86_64", AT_RANDOM's bytes,
 * then argc, argv[], envp[] and auxv[] at sp. */
struct stack_layout {
    size_t argc, envc;
    uint64_t top, execfn, argp, platform, random, sp;
    uint64_t auxv[19][2];
    size_t nauxv, words;
};

/* Linux's limits: each string, and strings plus pointers together. */
static int check_sizes(const struct loader_args *args, struct stack_layout *l, uint64_t *strings,
                       struct loader_error *e)
{
    l->argc = count(args->argv);
    l->envc = count(args->envp);
    uint64_t longest = 0;
    *strings = strlen(args->path) + 1;
    for (size_t i = 0; i < l->argc + l->envc; i++) {
        uint64_t n = strlen(i < l->argc ? args->argv[i] : args->envp[i - l->argc]) + 1;
        *strings += n;
        if (n > longest)
            longest = n;
    }
    uint64_t pointers = ((l->argc ? l->argc : 1) + l->envc) * 8;
    if (longest > ARG_STRLEN_MAX || *strings + pointers > ARG_MAX_BYTES) {
        loader_fail(e, -E2BIG, args->path, "argument list too long (%llu bytes)",
                    (unsigned long long)(*strings + pointers));
        return -1;
    }
    return 0;
}

static void lay_out(const struct loader_args *args, const struct loader_image *img,
                    uint64_t strings, struct stack_layout *l)
{
    l->top = VM_STACK_TOP;
    l->execfn = l->top - 8 - (strlen(args->path) + 1);
    l->argp = l->top - 8 - strings; /* argv[0] */
    l->platform = ((l->argp & ~15ULL) - sizeof "x86_64");
    l->random = l->platform - 16;
    const uint64_t auxv[][2] = {
        {AT_HWCAP, args->hwcap},       {AT_PAGESZ, VM_PAGE_SIZE},
        {AT_CLKTCK, 100},              {AT_PHDR, img->phdr},
        {AT_PHENT, img->phent},        {AT_PHNUM, img->phnum},
        {AT_BASE, img->interp_base},   {AT_FLAGS, 0},
        {AT_ENTRY, img->prog_entry},   {AT_UID, args->uid},
        {AT_EUID, args->euid},         {AT_GID, args->gid},
        {AT_EGID, args->egid},         {AT_SECURE, 0},
        {AT_RANDOM, l->random},        {AT_HWCAP2, args->hwcap2},
        {AT_EXECFN, l->execfn},        {AT_PLATFORM, l->platform},
        {AT_NULL, 0},
    };
    _Static_assert(sizeof auxv == sizeof l->auxv, "auxv size");
    memcpy(l->auxv, auxv, sizeof auxv);
    l->nauxv = sizeof auxv / sizeof auxv[0];
    l->words = 1 + l->argc + 1 + l->envc + 1 + 2 * l->nauxv;
    l->sp = (l->random - l->words * 8) & ~15ULL;
}

/* Where /proc/<pid>/cmdline and environ read from. */
static void note_strings(const struct loader_args *args, const struct stack_layout *l,
                         struct loader_image *img)
{
    img->sp = l->sp;
    img->stack_top = l->top;
    img->arg_start = l->argp;
    img->arg_end = l->argp;
    for (size_t i = 0; i < l->argc; i++)
        img->arg_end += strlen(args->argv[i]) + 1;
    img->env_start = img->arg_end;
    img->env_end = img->env_start;
    for (size_t i = 0; i < l->envc; i++)
        img->env_end += strlen(args->envp[i]) + 1;
}

/* Copy n strings into block at *off and their guest addresses into
 * table at *w, then the NULL that ends the vector. */
static void put_strings(char *const *v, size_t n, uint64_t base, char *block, size_t *off,
                        uint64_t *table, size_t *w)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]) + 1;
        memcpy(block + *off, v[i], len);
        table[(*w)++] = base + *off;
        *off += len;
    }
    table[(*w)++] = 0;
}

/* Copy the strings into block and fill table with argc, the pointers
 * and auxv. */
static void fill(const struct loader_args *args, const struct stack_layout *l, char *block,
                 uint64_t *table)
{
    size_t off = 0, w = 0;
    table[w++] = l->argc;
    put_strings(args->argv, l->argc, l->argp, block, &off, table, &w);
    put_strings(args->envp, l->envc, l->argp, block, &off, table, &w);
    memcpy(block + off, args->path, strlen(args->path) + 1);
    for (size_t i = 0; i < l->nauxv; i++) {
        table[w++] = l->auxv[i][0];
        table[w++] = l->auxv[i][1];
    }
}

static int write_stack(struct vm_mm *mm, const struct loader_args *args,
                       const struct stack_layout *l, struct loader_error *e)
{
    size_t blen = (size_t)(l->top - l->argp);
    char *block = calloc(1, blen);
    uint64_t *table = calloc(l->words, sizeof *table);
    int rc = -1;
    if (!block || !table) {
        loader_fail(e, -ENOMEM, args->path, "out of memory for the stack");
        goto out;
    }
    fill(args, l, block, table);
    uint8_t rnd[16];
    uint64_t seed = args->seed;
    for (int i = 0; i < 2; i++) {
        uint64_t r = mix(&seed);
        memcpy(rnd + 8 * i, &r, 8);
    }
    if (vm_copy_out(mm, l->argp, block, blen) < 0 ||
        vm_copy_out(mm, l->platform, "x86_64", sizeof "x86_64") < 0 ||
        vm_copy_out(mm, l->random, rnd, sizeof rnd) < 0 ||
        vm_copy_out(mm, l->sp, table, l->words * sizeof *table) < 0) {
        loader_fail(e, -ENOMEM, args->path, "cannot write the initial stack (out of memory)");
        goto out;
    }
    rc = 0;
out:
    free(block);
    free(table);
    return rc;
}

int loader_stack(struct vm_mm *mm, const struct loader_args *args, struct loader_image *img,
                 bool write, struct loader_error *e)
{
    struct stack_layout l;
    uint64_t strings;
    if (check_sizes(args, &l, &strings, e) < 0)
        return -1;
    lay_out(args, img, strings, &l);
    note_strings(args, &l, img);
    /* 128 KiB below the page of the lowest string, as setup_arg_pages. */
    uint64_t start = (l.argp & VM_PAGE_MASK) - STACK_EXPAND;
    unsigned prot = VM_PROT_READ | VM_PROT_WRITE | (img->exec_stack ? VM_PROT_EXEC : 0);
    int err = vm_map(mm, start, l.top - start, prot, VM_AREA_GROWSDOWN, NULL, 0, "[stack]");
    if (err) {
        loader_fail(e, err, args->path, "cannot create the stack: %s", strerror(-err));
        return -1;
    }
    return write ? write_stack(mm, args, &l, e) : 0;
}
