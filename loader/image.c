/*
 * image.c - map a validated ELF image into an mm, as Linux's binfmt_elf
 * does without address randomisation:
 *
 *  - ET_EXEC at its own addresses; ET_DYN with an interpreter (a PIE) at
 *    0x555555554000; ET_DYN without one (static PIE, ld.so run directly)
 *    and the interpreter itself where top-down mmap would put them;
 *  - the file part of each PT_LOAD is a private mapping of the file (COW),
 *    the rest of p_memsz anonymous demand-zero (.bss); the tail of the last
 *    file page past p_filesz is cleared through vm/, like the kernel's
 *    padzero(), which copies that page;
 *  - brk starts at the page after the highest segment.
 *
 * "#!" scripts run their interpreter with the script's path as argument.
 */
#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

static const char *section_name(const struct elf_segment *s)
{
    if (s->prot & VM_PROT_EXEC)
        return ".text";
    if (s->prot & VM_PROT_WRITE)
        return ".data";
    return ".rodata";
}

uint64_t loader_interp_base(const struct vm_mm *mm, uint64_t len)
{
    return vm_find_free(mm, len, 0);
}

/* Map every segment of info at bias; fd is the file. */
static int map_segments(struct vm *vm, struct vm_mm *mm, int fd, const char *name,
                        const char *prog, const struct elf_info *info, uint64_t bias,
                        bool write_zero, struct loader_error *e)
{
    int err = 0;
    struct vm_object *obj = vm_object_file(vm, fd, prog, false, &err);
    if (!obj) {
        loader_fail(e, err, name, "cannot map: %s", strerror(-err));
        return -1;
    }
    int rc = 0;
    for (unsigned i = 0; i < info->nseg && rc == 0; i++) {
        const struct elf_segment *s = &info->seg[i];
        uint64_t start = (s->vaddr + bias) & VM_PAGE_MASK;
        uint64_t file_end = s->vaddr + bias + s->filesz;
        uint64_t file_page_end = vm_page_up(file_end);
        uint64_t mem_end = vm_page_up(s->vaddr + bias + s->memsz);
        char area[96];
        /* A page shared with the previous segment goes to this one, as
         * MAP_FIXED would do it. */
        vm_unmap(mm, start, mem_end - start);
        if (s->filesz) {
            snprintf(area, sizeof area, "%s:%s", prog, section_name(s));
            err = vm_map(mm, start, file_page_end - start, s->prot, 0, obj,
                         s->offset & VM_PAGE_MASK, area);
            if (err) {
                loader_fail(e, err, name, "cannot map segment at %#llx: %s",
                            (unsigned long long)(s->vaddr + bias), strerror(-err));
                rc = -1;
                break;
            }
        } else {
            file_page_end = start;
        }
        if (s->memsz > s->filesz && (file_end & ~VM_PAGE_MASK) && s->filesz &&
            (s->prot & VM_PROT_WRITE) && write_zero) {
            err = vm_zero_out(mm, file_end, file_page_end - file_end);
            if (err) {
                loader_fail(e, err, name, "cannot clear the end of segment at %#llx",
                            (unsigned long long)(s->vaddr + bias));
                rc = -1;
                break;
            }
        }
        if (mem_end > file_page_end) {
            snprintf(area, sizeof area, "%s:.bss", prog);
            err = vm_map(mm, file_page_end, mem_end - file_page_end, s->prot, 0, NULL, 0, area);
            if (err) {
                loader_fail(e, err, name, "cannot map %#llx bytes of .bss at %#llx: %s",
                            (unsigned long long)(mem_end - file_page_end),
                            (unsigned long long)file_page_end, strerror(-err));
                rc = -1;
            }
        }
    }
    vm_object_put(obj);
    return rc;
}

/* Linux's execute permission rule for the caller's ids. */
static bool may_execute(const struct stat *st)
{
    mode_t x = S_IXUSR | S_IXGRP | S_IXOTH;
    if (geteuid() == 0)
        return st->st_mode & x;
    if (st->st_uid == geteuid())
        return st->st_mode & S_IXUSR;
    if (st->st_gid == getegid())
        return st->st_mode & S_IXGRP;
    return st->st_mode & S_IXOTH;
}

static int open_checked(const struct loader_fs *fs, const char *path, struct loader_error *e)
{
    int fd = fs->open(fs->ctx, path);
    if (fd < 0) {
        loader_fail(e, fd, path, "%s", strerror(-fd));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        loader_fail(e, -errno, path, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    const char *why = S_ISDIR(st.st_mode)  ? "is a directory"
                      : !S_ISREG(st.st_mode) ? "not a regular file"
                      : !may_execute(&st)    ? "permission denied (not executable)"
                                             : NULL;
    if (why) {
        loader_fail(e, -EACCES, path, "%s", why);
        close(fd);
        return -1;
    }
    return fd;
}

/* A "#!" line: interpreter and optional single argument, as Linux parses
 * it.  Returns 1 for a script, 0 for anything else, -1 on a bad line. */
static int parse_script(int fd, const char *name, char *interp, size_t ilen, char *arg,
                        size_t alen, struct loader_error *e)
{
    char buf[257];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n < 2 || buf[0] != '#' || buf[1] != '!')
        return 0;
    buf[n] = '\0';
    char *end = memchr(buf, '\n', (size_t)n);
    if (!end && n > 255) {
        /* Linux reads 256 bytes; a line that does not end there is refused. */
        loader_fail(e, -ENOEXEC, name, "\"#!\" line longer than 255 bytes");
        return -1;
    }
    if (end)
        *end = '\0';
    char *p = buf + 2;
    while (*p == ' ' || *p == '\t')
        p++;
    char *q = p;
    while (*q && *q != ' ' && *q != '\t')
        q++;
    if (q == p) {
        loader_fail(e, -ENOEXEC, name, "\"#!\" line names no interpreter");
        return -1;
    }
    size_t plen = (size_t)(q - p);
    while (*q == ' ' || *q == '\t')
        *q++ = '\0';
    char *tail = q + strlen(q);
    while (tail > q && (tail[-1] == ' ' || tail[-1] == '\t' || tail[-1] == '\r'))
        *--tail = '\0';
    if (plen >= ilen || strlen(q) >= alen) {
        loader_fail(e, -ENOEXEC, name, "\"#!\" line too long");
        return -1;
    }
    memcpy(interp, p, plen);
    interp[plen] = '\0';
    strcpy(arg, q);
    return 1;
}

static int load_interp(struct vm *vm, struct vm_mm *mm, const struct loader_args *args,
                       const struct elf_info *prog, struct loader_image *img,
                       bool write_zero, struct loader_error *e)
{
    int fd = open_checked(args->fs, prog->interp, e);
    if (fd < 0) {
        /* The program is what could not run, as the kernel says it. */
        struct loader_error inner = *e;
        loader_fail(e, inner.err == -ENOENT ? -ENOENT : inner.err, args->path,
                    "interpreter %s", inner.msg);
        return -1;
    }
    struct elf_info *info = malloc(sizeof *info);
    int rc = -1;
    if (!info) {
        loader_fail(e, -ENOMEM, prog->interp, "out of memory");
        goto out;
    }
    if (elf_read(fd, prog->interp, info, e) < 0) {
        struct loader_error inner = *e;
        loader_fail(e, inner.err, args->path, "interpreter %s", inner.msg);
        goto out;
    }
    if (info->interp[0]) {
        loader_fail(e, -ELIBBAD, args->path, "interpreter %s: an interpreter may not have one",
                    prog->interp);
        goto out;
    }
    uint64_t bias = 0;
    if (info->dyn) {
        uint64_t base = loader_interp_base(mm, info->hi - info->lo);
        if (!base) {
            loader_fail(e, -ENOMEM, prog->interp, "no room for the interpreter");
            goto out;
        }
        bias = base - info->lo;
    }
    if (map_segments(vm, mm, fd, prog->interp, base_name(prog->interp), info, bias, write_zero,
                     e) < 0)
        goto out;
    img->interp_base = info->lo + bias;
    img->entry = info->entry + bias;
    rc = 0;
out:
    free(info);
    close(fd);
    return rc;
}

/* A script's interpreter failed: the message names the script first, as
 * the kernel's error is about the program that was run. */
static void script_blame(struct loader_error *e, const char *script)
{
    struct loader_error inner = *e;
    loader_fail(e, inner.err, script, "interpreter %s", inner.msg);
}

/* Build the argv of a script: interpreter, optional argument, script
 * path, then the original arguments after argv[0]. */
static char **script_argv(const char *interp, const char *arg, const char *path,
                          char *const *argv)
{
    size_t n = 0;
    while (argv && argv[n])
        n++;
    char **v = calloc(n + 4, sizeof *v);
    if (!v)
        return NULL;
    size_t k = 0;
    v[k++] = (char *)interp;
    if (*arg)
        v[k++] = (char *)arg;
    v[k++] = (char *)path;
    for (size_t i = 1; i < n; i++)
        v[k++] = argv[i];
    return v;
}

/* The "#!" chain from args->path to the ELF file at its end. */
struct script_level {
    char interp[PATH_MAX];
    char arg[256];
    char path[PATH_MAX];
};

struct script_chain {
    struct script_level level[LOADER_MAX_SCRIPT_DEPTH];
    char **argv_owned[LOADER_MAX_SCRIPT_DEPTH];
    char *const *argv;   /* the ELF program's argv */
    const char *path;    /* the ELF program's path */
};

/* Follow "#!" lines from args->path; returns the ELF file's fd (path and
 * argv in *sc), or -1 with e set. */
static int follow_scripts(const struct loader_args *args, struct script_chain *sc,
                          struct loader_image *img, struct loader_error *e)
{
    sc->argv = args->argv;
    sc->path = args->path;
    for (int depth = 0;; depth++) {
        int fd = open_checked(args->fs, sc->path, e);
        if (fd < 0) {
            if (depth > 0)
                script_blame(e, args->path);
            return -1;
        }
        if (depth == LOADER_MAX_SCRIPT_DEPTH) {
            loader_fail(e, -ELOOP, args->path, "too many levels of \"#!\" interpreters");
            close(fd);
            return -1;
        }
        struct script_level *l = &sc->level[depth];
        int s = parse_script(fd, sc->path, l->interp, sizeof l->interp, l->arg, sizeof l->arg, e);
        if (s <= 0) {
            if (s < 0) {
                close(fd);
                return -1;
            }
            return fd;
        }
        snprintf(l->path, sizeof l->path, "%s", sc->path);
        sc->argv_owned[depth] = script_argv(l->interp, l->arg, l->path, sc->argv);
        close(fd);
        if (!sc->argv_owned[depth]) {
            loader_fail(e, -ENOMEM, sc->path, "out of memory");
            return -1;
        }
        sc->argv = sc->argv_owned[depth];
        sc->path = l->interp;
        img->script_depth = depth + 1;
    }
}

/* Map the program's segments where Linux would put them without ASLR,
 * and fill in what img says of the program. */
static int place_program(struct vm *vm, struct vm_mm *mm, int fd, const char *path,
                         const struct elf_info *info, bool build_stack, struct loader_image *img,
                         struct loader_error *e)
{
    uint64_t bias = 0;
    if (info->dyn) {
        if (info->interp[0]) {
            bias = VM_PIE_BASE - info->lo;
        } else {
            uint64_t base = loader_interp_base(mm, info->hi - info->lo);
            if (!base) {
                loader_fail(e, -ENOMEM, path, "no room for the image");
                return -1;
            }
            bias = base - info->lo;
        }
    }
    if (map_segments(vm, mm, fd, path, img->name, info, bias, build_stack, e) < 0)
        return -1;
    img->load_bias = bias;
    img->prog_entry = info->entry + bias;
    img->entry = img->prog_entry;
    img->phdr = info->phdr_vaddr ? info->phdr_vaddr + bias : 0;
    img->phnum = info->phnum;
    img->phent = info->phentsize;
    img->exec_stack = info->exec_stack;
    img->brk_start = info->hi + bias;
    vm_brk_init(mm, img->brk_start);
    snprintf(img->interp, sizeof img->interp, "%s", info->interp);
    return 0;
}

int loader_load(struct vm *vm, struct vm_mm *mm, const struct loader_args *args,
                bool build_stack, struct loader_image *img, struct loader_error *e)
{
    memset(img, 0, sizeof *img);
    memset(e, 0, sizeof *e);
    struct script_chain *sc = calloc(1, sizeof *sc);
    struct elf_info *info = malloc(sizeof *info);
    int rc = -1, fd = -1;
    if (!sc || !info) {
        loader_fail(e, -ENOMEM, args->path, "out of memory");
        goto out;
    }
    fd = follow_scripts(args, sc, img, e);
    if (fd < 0)
        goto out;
    const char *path = sc->path;
    if (elf_read(fd, path, info, e) < 0) {
        if (img->script_depth)
            script_blame(e, args->path);
        goto out;
    }
    snprintf(img->exe, sizeof img->exe, "%s", path);
    if (args->fs->canonical)
        args->fs->canonical(args->fs->ctx, fd, img->exe, sizeof img->exe);
    /* Areas are named by the file (/proc/self/exe names the real one);
     * the process by what it was run as, as Linux's comm. */
    snprintf(img->name, sizeof img->name, "%.*s", (int)sizeof img->name - 1, base_name(img->exe));
    snprintf(img->comm, sizeof img->comm, "%.*s", (int)sizeof img->comm - 1, base_name(path));
    if (place_program(vm, mm, fd, path, info, build_stack, img, e) < 0)
        goto out;
    if (info->interp[0] && load_interp(vm, mm, args, info, img, build_stack, e) < 0)
        goto out;
    struct loader_args a = *args;
    a.argv = sc->argv;
    if (loader_stack(mm, &a, img, build_stack, e) < 0)
        goto out;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (sc)
        for (int i = 0; i < LOADER_MAX_SCRIPT_DEPTH; i++)
            free(sc->argv_owned[i]);
    free(sc);
    free(info);
    return rc;
}
