/*
 * sym.c - names for instruction addresses, cached per object file.
 *
 * An object is read once, when its first address is asked for: its
 * PT_LOAD segments (to turn a file offset into a link-time address, which
 * is how PIE and shared libraries are named whatever their load base),
 * its function symbols sorted by address, and its DWARF, if any.  Answers
 * are kept in a small direct-mapped cache by address, since the faults of
 * one loop come from a handful of instructions.  Everything read is the
 * guest's file: a malformed one gives fewer names, never an error.
 */
#include "sym.h"

#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SYM_SEGS 16
#define SYM_CACHE 1024 /* answers kept per object (a power of two) */

struct sym {
    uint64_t value, size;
    const char *name;  /* in the ELF's string table */
    int rank;          /* of aliases at one address, the lowest is named */
};

struct answer {
    uint64_t vaddr;    /* 0: empty */
    int32_t sym;       /* index in syms, -1 none */
    const char *src;
    unsigned line;
};

struct sym_obj {
    uint64_t dev, ino;
    bool usable;                  /* an ELF file with segments */
    int fd, dbg_fd;               /* ours (dup), and the debug file's; -1 none */
    Elf *elf, *dbg_elf;
    Dwarf *dwarf;                 /* over elf or dbg_elf; NULL none */
    struct seg {
        uint64_t off, filesz, vaddr;
    } seg[SYM_SEGS];
    int nseg;
    struct sym *syms;
    size_t nsyms;
    struct answer cache[SYM_CACHE];
    struct sym_obj *next;
};

struct sym_table {
    int rootfd;
    struct sym_obj *objs;
};

struct sym_table *sym_table_new(int rootfd)
{
    struct sym_table *t = calloc(1, sizeof *t);
    if (t)
        t->rootfd = rootfd;
    return t;
}

static void obj_free(struct sym_obj *o)
{
    if (o->dwarf)
        dwarf_end(o->dwarf);
    if (o->dbg_elf)
        elf_end(o->dbg_elf);
    if (o->elf)
        elf_end(o->elf);
    if (o->dbg_fd >= 0)
        close(o->dbg_fd);
    if (o->fd >= 0)
        close(o->fd);
    free(o->syms);
    free(o);
}

void sym_table_free(struct sym_table *t)
{
    if (!t)
        return;
    while (t->objs) {
        struct sym_obj *o = t->objs;
        t->objs = o->next;
        obj_free(o);
    }
    free(t);
}

/* The PT_LOAD segments of o->elf. */
static bool read_segments(struct sym_obj *o)
{
    size_t n;
    if (elf_getphdrnum(o->elf, &n) != 0)
        return false;
    for (size_t i = 0; i < n && o->nseg < SYM_SEGS; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(o->elf, (int)i, &ph) && ph.p_type == PT_LOAD && ph.p_filesz)
            o->seg[o->nseg++] = (struct seg){ph.p_offset, ph.p_filesz, ph.p_vaddr};
    }
    return o->nseg > 0;
}

/* The section of type type in elf, or NULL. */
static Elf_Scn *find_section(Elf *elf, unsigned type)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) && sh.sh_type == type)
            return scn;
    }
    return NULL;
}

static int sym_cmp(const void *a, const void *b)
{
    const struct sym *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    return strcmp(x->name, y->name);
}

/* The function symbols of section scn of elf, sorted, one per address. */
static void read_symbols(struct sym_obj *o, Elf *elf, Elf_Scn *scn)
{
    GElf_Shdr sh;
    Elf_Data *data = elf_getdata(scn, NULL);
    if (!gelf_getshdr(scn, &sh) || !data || !sh.sh_entsize)
        return;
    size_t n = sh.sh_size / sh.sh_entsize, k = 0;
    o->syms = malloc((n ? n : 1) * sizeof *o->syms);
    if (!o->syms)
        return;
    for (size_t i = 0; i < n; i++) {
        GElf_Sym s;
        if (!gelf_getsym(data, (int)i, &s) || s.st_shndx == SHN_UNDEF || !s.st_value)
            continue;
        int type = GELF_ST_TYPE(s.st_info), bind = GELF_ST_BIND(s.st_info);
        if (type != STT_FUNC && type != STT_GNU_IFUNC && !(type == STT_NOTYPE && s.st_size))
            continue;
        const char *name = elf_strptr(elf, sh.sh_link, s.st_name);
        if (!name || !*name)
            continue;
        int rank = (bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2) * 2 + (s.st_size == 0);
        o->syms[k++] = (struct sym){s.st_value, s.st_size, name, rank};
    }
    qsort(o->syms, k, sizeof *o->syms, sym_cmp);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || o->syms[u - 1].value != o->syms[i].value)
            o->syms[u++] = o->syms[i];
    o->nsyms = u;
}

/* The separate debug file of o by its build id, under the guest's root. */
static void open_debug_file(struct sym_obj *o, int rootfd)
{
    const void *id;
    ssize_t len = dwelf_elf_gnu_build_id(o->elf, &id);
    if (rootfd < 0 || len < 2 || len > 64)
        return;
    const unsigned char *b = id;
    char path[200];
    int n = snprintf(path, sizeof path, "usr/lib/debug/.build-id/%02x/", b[0]);
    for (ssize_t i = 1; i < len; i++)
        n += snprintf(path + n, sizeof path - (size_t)n, "%02x", b[i]);
    snprintf(path + n, sizeof path - (size_t)n, ".debug");
    o->dbg_fd = openat(rootfd, path, O_RDONLY | O_CLOEXEC);
    if (o->dbg_fd < 0)
        return;
    o->dbg_elf = elf_begin(o->dbg_fd, ELF_C_READ_MMAP, NULL);
    if (o->dbg_elf && elf_kind(o->dbg_elf) != ELF_K_ELF) {
        elf_end(o->dbg_elf);
        o->dbg_elf = NULL;
    }
}

/* Read what the object at fd offers; o->usable says whether it is one. */
static void obj_read(struct sym_obj *o, int fd, int rootfd)
{
    o->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (o->fd < 0)
        return;
    o->elf = elf_begin(o->fd, ELF_C_READ_MMAP, NULL);
    if (!o->elf || elf_kind(o->elf) != ELF_K_ELF || !read_segments(o))
        return;
    o->usable = true;
    Elf_Scn *symtab = find_section(o->elf, SHT_SYMTAB);
    o->dwarf = dwarf_begin_elf(o->elf, DWARF_C_READ, NULL);
    if (!symtab || !o->dwarf)
        open_debug_file(o, rootfd);
    if (symtab)
        read_symbols(o, o->elf, symtab);
    else if (o->dbg_elf && (symtab = find_section(o->dbg_elf, SHT_SYMTAB)))
        read_symbols(o, o->dbg_elf, symtab);
    else if ((symtab = find_section(o->elf, SHT_DYNSYM)))
        read_symbols(o, o->elf, symtab);
    if (!o->dwarf && o->dbg_elf)
        o->dwarf = dwarf_begin_elf(o->dbg_elf, DWARF_C_READ, NULL);
}

static struct sym_obj *obj_get(struct sym_table *t, uint64_t dev, uint64_t ino, int fd)
{
    for (struct sym_obj *o = t->objs; o; o = o->next)
        if (o->dev == dev && o->ino == ino)
            return o;
    if (elf_version(EV_CURRENT) == EV_NONE)
        return NULL;
    struct sym_obj *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->dev = dev;
    o->ino = ino;
    o->fd = o->dbg_fd = -1;
    obj_read(o, fd, t->rootfd);
    o->next = t->objs;
    t->objs = o;
    return o;
}

/* The symbol vaddr lies in, or -1: the last one starting at or below it
 * that covers it (a symbol without a size covers up to the next one). */
static int32_t sym_find(const struct sym_obj *o, uint64_t vaddr)
{
    size_t lo = 0, hi = o->nsyms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (o->syms[mid].value <= vaddr)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo, tries = 0; i > 0 && tries < 4; i--, tries++) {
        const struct sym *s = &o->syms[i - 1];
        if (s->size ? vaddr - s->value < s->size : i == lo)
            return (int32_t)(i - 1);
    }
    return -1;
}

/* The line table's file and line for vaddr. */
static void line_find(struct sym_obj *o, uint64_t vaddr, struct answer *a)
{
    Dwarf_Die cu;
    if (!o->dwarf || !dwarf_addrdie(o->dwarf, vaddr, &cu))
        return;
    Dwarf_Line *l = dwarf_getsrc_die(&cu, vaddr);
    int line;
    const char *src = l ? dwarf_linesrc(l, NULL, NULL) : NULL;
    if (!src || dwarf_lineno(l, &line) != 0 || line <= 0)
        return;
    const char *base = strrchr(src, '/');
    a->src = base ? base + 1 : src;
    a->line = (unsigned)line;
}

bool sym_lookup(struct sym_table *t, uint64_t dev, uint64_t ino, int fd, uint64_t off,
                struct sym_loc *out)
{
    struct sym_obj *o = obj_get(t, dev, ino, fd);
    if (!o || !o->usable)
        return false;
    uint64_t vaddr = 0;
    int i = 0;
    for (; i < o->nseg; i++)
        if (off - o->seg[i].off < o->seg[i].filesz) {
            vaddr = o->seg[i].vaddr + (off - o->seg[i].off);
            break;
        }
    if (i == o->nseg || !vaddr)
        return false;
    struct answer *a = &o->cache[(vaddr ^ vaddr >> 10) & (SYM_CACHE - 1)];
    if (a->vaddr != vaddr) {
        *a = (struct answer){.vaddr = vaddr, .sym = sym_find(o, vaddr)};
        line_find(o, vaddr, a);
    }
    *out = (struct sym_loc){.src = a->src, .line = a->line};
    if (a->sym >= 0) {
        out->func = o->syms[a->sym].name;
        out->func_off = vaddr - o->syms[a->sym].value;
    }
    return true;
}
