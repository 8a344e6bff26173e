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

int loader_stack(struct vm_mm *mm, const struct loader_args *args, struct loader_image *img,
                 bool write, struct loader_error *e)
{
    size_t argc = count(args->argv), envc = count(args->envp);
    uint64_t strings = strlen(args->path) + 1, longest = 0;
    for (size_t i = 0; i < argc + envc; i++) {
        uint64_t n = strlen(i < argc ? args->argv[i] : args->envp[i - argc]) + 1;
        strings += n;
        if (n > longest)
            longest = n;
    }
    /* Linux's limits: each string, and strings plus pointers together. */
    uint64_t pointers = ((argc ? argc : 1) + envc) * 8;
    if (longest > ARG_STRLEN_MAX || strings + pointers > ARG_MAX_BYTES) {
        loader_fail(e, -E2BIG, args->path, "argument list too long (%llu bytes)",
                    (unsigned long long)(strings + pointers));
        return -1;
    }
    uint64_t top = VM_STACK_TOP;
    uint64_t execfn = top - 8 - (strlen(args->path) + 1);
    uint64_t p = top - 8 - strings; /* argv[0] */
    uint64_t argp = p;
    uint64_t platform = ((p & ~15ULL) - sizeof "x86_64");
    uint64_t random = platform - 16;

    uint64_t auxv[][2] = {
        {AT_HWCAP, args->hwcap},
        {AT_PAGESZ, VM_PAGE_SIZE},
        {AT_CLKTCK, 100},
        {AT_PHDR, img->phdr},
        {AT_PHENT, img->phent},
        {AT_PHNUM, img->phnum},
        {AT_BASE, img->interp_base},
        {AT_FLAGS, 0},
        {AT_ENTRY, img->prog_entry},
        {AT_UID, args->uid},
        {AT_EUID, args->euid},
        {AT_GID, args->gid},
        {AT_EGID, args->egid},
        {AT_SECURE, 0},
        {AT_RANDOM, random},
        {AT_HWCAP2, args->hwcap2},
        {AT_EXECFN, execfn},
        {AT_PLATFORM, platform},
        {AT_NULL, 0},
    };
    size_t nauxv = sizeof auxv / sizeof auxv[0];
    size_t words = 1 + argc + 1 + envc + 1 + 2 * nauxv;
    uint64_t sp = (random - words * 8) & ~15ULL;
    img->sp = sp;
    img->stack_top = top;
    img->arg_start = argp;
    img->arg_end = img->env_start = argp;
    for (size_t i = 0; i < argc; i++)
        img->arg_end += strlen(args->argv[i]) + 1;
    img->env_start = img->arg_end;
    img->env_end = img->env_start;
    for (size_t i = 0; i < envc; i++)
        img->env_end += strlen(args->envp[i]) + 1;

    /* 128 KiB below the page of the lowest string, as setup_arg_pages. */
    uint64_t start = (argp & VM_PAGE_MASK) - STACK_EXPAND;
    unsigned prot = VM_PROT_READ | VM_PROT_WRITE | (img->exec_stack ? VM_PROT_EXEC : 0);
    int err = vm_map(mm, start, top - start, prot, VM_AREA_GROWSDOWN, NULL, 0, "[stack]");
    if (err) {
        loader_fail(e, err, args->path, "cannot create the stack: %s", strerror(-err));
        return -1;
    }
    if (!write)
        return 0;

    /* The strings, in one piece from argv[0] to the end marker. */
    size_t blen = (size_t)(top - argp);
    char *block = calloc(1, blen);
    uint64_t *table = calloc(words, sizeof *table);
    int rc = -1;
    if (!block || !table) {
        loader_fail(e, -ENOMEM, args->path, "out of memory for the stack");
        goto out;
    }
    size_t off = 0, w = 0;
    table[w++] = argc;
    for (size_t i = 0; i < argc; i++) {
        size_t n = strlen(args->argv[i]) + 1;
        memcpy(block + off, args->argv[i], n);
        table[w++] = argp + off;
        off += n;
    }
    table[w++] = 0;
    for (size_t i = 0; i < envc; i++) {
        size_t n = strlen(args->envp[i]) + 1;
        memcpy(block + off, args->envp[i], n);
        table[w++] = argp + off;
        off += n;
    }
    table[w++] = 0;
    memcpy(block + off, args->path, strlen(args->path) + 1);
    for (size_t i = 0; i < nauxv; i++) {
        table[w++] = auxv[i][0];
        table[w++] = auxv[i][1];
    }
    uint8_t rnd[16];
    uint64_t seed = args->seed;
    for (int i = 0; i < 2; i++) {
        uint64_t r = mix(&seed);
        memcpy(rnd + 8 * i, &r, 8);
    }
    if (vm_copy_out(mm, argp, block, blen) < 0 ||
        vm_copy_out(mm, platform, "x86_64", sizeof "x86_64") < 0 ||
        vm_copy_out(mm, random, rnd, sizeof rnd) < 0 ||
        vm_copy_out(mm, sp, table, words * sizeof *table) < 0) {
        loader_fail(e, -ENOMEM, args->path, "cannot write the initial stack (out of memory)");
        goto out;
    }
    rc = 0;
out:
    free(block);
    free(table);
    return rc;
}
