/*
 * elf.c - read an ELF executable with libelf and validate it to the last
 * byte.  The file is untrusted: every offset and size is checked against
 * the file's size and for overflow before anything uses it, and every
 * problem becomes one line naming the file and the reason.
 */
#include "loader.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Control bytes in names (a newline in PT_INTERP, escapes in a path)
 * must not reach the terminal: the message stays one line. */
static void escape_controls(char *s, size_t size)
{
    char out[sizeof ((struct loader_error *)0)->msg];
    size_t n = 0;
    for (const unsigned char *c = (const unsigned char *)s; *c && n + 5 < sizeof out; c++) {
        if (*c < 0x20 || *c == 0x7f)
            n += (size_t)snprintf(out + n, sizeof out - n, "\\x%02x", *c);
        else
            out[n++] = (char)*c;
    }
    out[n] = '\0';
    snprintf(s, size, "%s", out);
}

void loader_fail(struct loader_error *e, int err, const char *name, const char *fmt, ...)
{
    e->status = err == -ENOENT ? LOADER_ENOENT_STATUS : LOADER_ENOEXEC_STATUS;
    e->err = err;
    int n = snprintf(e->msg, sizeof e->msg, "%s: ", name);
    if (n < 0 || (size_t)n >= sizeof e->msg)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg + n, sizeof e->msg - (size_t)n, fmt, ap);
    va_end(ap);
    escape_controls(e->msg, sizeof e->msg);
}

static bool add_overflows(uint64_t a, uint64_t b, uint64_t *sum)
{
    return __builtin_add_overflow(a, b, sum);
}

static unsigned seg_prot(uint32_t flags)
{
    return (flags & PF_R ? VM_PROT_READ : 0) | (flags & PF_W ? VM_PROT_WRITE : 0) |
           (flags & PF_X ? VM_PROT_EXEC : 0);
}

static int check_header(Elf *elf, const char *name, struct elf_info *info,
                        struct loader_error *e)
{
    /* e_ident was checked by elf_read before libelf saw the file. */
    GElf_Ehdr eh;
    if (!gelf_getehdr(elf, &eh)) {
        loader_fail(e, -ENOEXEC, name, "unreadable ELF header: %s", elf_errmsg(-1));
        return -1;
    }
    if (eh.e_machine != EM_X86_64) {
        loader_fail(e, -ENOEXEC, name, "machine %u is not x86-64", eh.e_machine);
        return -1;
    }
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
        loader_fail(e, -ENOEXEC, name, "%s, not an executable",
                    eh.e_type == ET_REL    ? "relocatable object"
                    : eh.e_type == ET_CORE ? "core file"
                                           : "unknown ELF type");
        return -1;
    }
    if (eh.e_phentsize != sizeof(Elf64_Phdr)) {
        loader_fail(e, -ENOEXEC, name, "program header size %u, expected %zu", eh.e_phentsize,
                    sizeof(Elf64_Phdr));
        return -1;
    }
    if (eh.e_phnum == 0 || eh.e_phnum > LOADER_MAX_PHNUM) {
        loader_fail(e, -ENOEXEC, name, "%u program headers (1 to %d allowed)", eh.e_phnum,
                    LOADER_MAX_PHNUM);
        return -1;
    }
    uint64_t end;
    if (add_overflows(eh.e_phoff, (uint64_t)eh.e_phnum * eh.e_phentsize, &end) ||
        end > info->file_size) {
        loader_fail(e, -ENOEXEC, name,
                    "program header table past end of file (offset %#llx, %u entries, "
                    "file %llu bytes)",
                    (unsigned long long)eh.e_phoff, eh.e_phnum,
                    (unsigned long long)info->file_size);
        return -1;
    }
    info->dyn = eh.e_type == ET_DYN;
    info->entry = eh.e_entry;
    info->phoff = eh.e_phoff;
    info->phnum = eh.e_phnum;
    info->phentsize = eh.e_phentsize;
    return 0;
}

static int check_load(const GElf_Phdr *ph, const char *name, struct elf_info *info,
                      struct loader_error *e)
{
    uint64_t fend, mend;
    if (ph->p_filesz > ph->p_memsz) {
        loader_fail(e, -ENOEXEC, name, "segment at %#llx has file size %#llx > memory size %#llx",
                    (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_filesz,
                    (unsigned long long)ph->p_memsz);
        return -1;
    }
    if (add_overflows(ph->p_offset, ph->p_filesz, &fend) || fend > info->file_size) {
        loader_fail(e, -ENOEXEC, name,
                    "segment at %#llx reads past end of file (offset %#llx + %#llx > %llu)",
                    (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_offset,
                    (unsigned long long)ph->p_filesz, (unsigned long long)info->file_size);
        return -1;
    }
    if (add_overflows(ph->p_vaddr, ph->p_memsz, &mend) || mend > VM_USER_END) {
        loader_fail(e, -ENOEXEC, name, "segment at %#llx of %#llx bytes reaches the kernel half",
                    (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_memsz);
        return -1;
    }
    if ((ph->p_vaddr - ph->p_offset) & ~VM_PAGE_MASK) {
        loader_fail(e, -ENOEXEC, name,
                    "segment at %#llx: address and file offset %#llx differ within a page",
                    (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_offset);
        return -1;
    }
    if (ph->p_align > 1 && (ph->p_align & (ph->p_align - 1))) {
        loader_fail(e, -ENOEXEC, name, "segment at %#llx: alignment %#llx is not a power of two",
                    (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_align);
        return -1;
    }
    if (ph->p_memsz == 0)
        return 0;
    uint64_t lo = ph->p_vaddr & VM_PAGE_MASK;
    if (!info->dyn && lo < VM_MMAP_MIN) {
        loader_fail(e, -EPERM, name, "segment at %#llx is below %#llx (vm.mmap_min_addr)",
                    (unsigned long long)ph->p_vaddr, (unsigned long long)VM_MMAP_MIN);
        return -1;
    }
    uint64_t hi = vm_page_up(mend);
    if (!info->dyn && hi > VM_RESERVED_START && lo < VM_RESERVED_END) {
        loader_fail(e, -ENOEXEC, name, "segment at %#llx overlaps the page-table reserve "
                    "[%#llx, %#llx)", (unsigned long long)ph->p_vaddr,
                    (unsigned long long)VM_RESERVED_START, (unsigned long long)VM_RESERVED_END);
        return -1;
    }
    if (info->nseg > 0) {
        const struct elf_segment *prev = &info->seg[info->nseg - 1];
        if (ph->p_vaddr < prev->vaddr + prev->memsz) {
            loader_fail(e, -ENOEXEC, name, "segment at %#llx overlaps or precedes the one at %#llx",
                        (unsigned long long)ph->p_vaddr, (unsigned long long)prev->vaddr);
            return -1;
        }
    }
    if (info->nseg == LOADER_MAX_SEGMENTS) {
        loader_fail(e, -ENOEXEC, name, "more than %d loadable segments", LOADER_MAX_SEGMENTS);
        return -1;
    }
    info->seg[info->nseg++] = (struct elf_segment){
        .vaddr = ph->p_vaddr,
        .memsz = ph->p_memsz,
        .offset = ph->p_offset,
        .filesz = ph->p_filesz,
        .prot = seg_prot(ph->p_flags),
    };
    if (info->nseg == 1 || lo < info->lo)
        info->lo = lo;
    if (hi > info->hi)
        info->hi = hi;
    return 0;
}

static int read_interp(int fd, const GElf_Phdr *ph, const char *name, struct elf_info *info,
                       struct loader_error *e)
{
    uint64_t end;
    if (ph->p_filesz < 2 || ph->p_filesz > sizeof info->interp ||
        add_overflows(ph->p_offset, ph->p_filesz, &end) || end > info->file_size) {
        loader_fail(e, -ENOEXEC, name, "bad interpreter path (offset %#llx, %llu bytes)",
                    (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz);
        return -1;
    }
    if (pread(fd, info->interp, ph->p_filesz, (off_t)ph->p_offset) != (ssize_t)ph->p_filesz) {
        loader_fail(e, -EIO, name, "cannot read the interpreter path");
        return -1;
    }
    if (info->interp[ph->p_filesz - 1] != '\0' || strlen(info->interp) != ph->p_filesz - 1) {
        info->interp[0] = '\0';
        loader_fail(e, -ENOEXEC, name, "interpreter path is not one NUL-terminated string");
        return -1;
    }
    return 0;
}

/* The identification bytes, checked before libelf sees the file (it
 * answers a short or unknown header with no error). */
static int check_ident(int fd, const char *name, const struct stat *st, struct elf_info *info,
                       struct loader_error *e)
{
    unsigned char ident[EI_NIDENT] = {0};
    ssize_t got = pread(fd, ident, sizeof ident, 0);
    if (got < SELFMAG || memcmp(ident, ELFMAG, SELFMAG) != 0) {
        loader_fail(e, -ENOEXEC, name, "not an ELF executable%s",
                    st->st_size == 0 ? " (empty file)" : "");
        return -1;
    }
    if (info->file_size < sizeof(Elf64_Ehdr) && (got < EI_NIDENT || ident[EI_CLASS] == ELFCLASS64)) {
        loader_fail(e, -ENOEXEC, name, "truncated ELF header (%llu bytes)",
                    (unsigned long long)info->file_size);
        return -1;
    }
    if (ident[EI_CLASS] != ELFCLASS64) {
        loader_fail(e, -ENOEXEC, name, "%s ELF is not supported (x86-64 only)",
                    ident[EI_CLASS] == ELFCLASS32 ? "32-bit" : "unknown-class");
        return -1;
    }
    if (ident[EI_DATA] != ELFDATA2LSB) {
        loader_fail(e, -ENOEXEC, name, "big-endian or unknown byte order (x86-64 only)");
        return -1;
    }
    if (ident[EI_VERSION] != EV_CURRENT) {
        loader_fail(e, -ENOEXEC, name, "unknown ELF version %u", ident[EI_VERSION]);
        return -1;
    }
    return 0;
}

/* Every program header: loadable segments, the interpreter, the stack's
 * flags and where the headers themselves lie. */
static int read_phdrs(Elf *elf, int fd, const char *name, struct elf_info *info,
                      struct loader_error *e)
{
    bool interp_seen = false;
    for (unsigned i = 0; i < info->phnum; i++) {
        GElf_Phdr ph;
        int rc = 0;
        if (!gelf_getphdr(elf, (int)i, &ph)) {
            loader_fail(e, -ENOEXEC, name, "unreadable program header %u: %s", i, elf_errmsg(-1));
            return -1;
        }
        switch (ph.p_type) {
        case PT_LOAD:
            rc = check_load(&ph, name, info, e);
            break;
        case PT_INTERP:
            if (interp_seen) {
                loader_fail(e, -ENOEXEC, name, "more than one interpreter");
                return -1;
            }
            interp_seen = true;
            rc = read_interp(fd, &ph, name, info, e);
            break;
        case PT_GNU_STACK:
            info->exec_stack = ph.p_flags & PF_X;
            break;
        case PT_PHDR:
            info->phdr_vaddr = ph.p_vaddr;
            break;
        default:
            break;
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* What must hold of the image as a whole. */
static int check_image(const char *name, struct elf_info *info, struct loader_error *e)
{
    if (info->nseg == 0) {
        loader_fail(e, -ENOEXEC, name, "no loadable segment");
        return -1;
    }
    if (info->hi - info->lo > (1ULL << 40)) {
        loader_fail(e, -ENOEXEC, name, "image spans %#llx bytes, more than 1 TiB",
                    (unsigned long long)(info->hi - info->lo));
        return -1;
    }
    if (!info->phdr_vaddr) {
        /* No PT_PHDR: the headers are wherever the segment holding them is. */
        for (unsigned i = 0; i < info->nseg; i++) {
            const struct elf_segment *s = &info->seg[i];
            if (info->phoff >= s->offset && info->phoff - s->offset < s->filesz)
                info->phdr_vaddr = s->vaddr + (info->phoff - s->offset);
        }
    }
    return 0;
}

int elf_read(int fd, const char *name, struct elf_info *info, struct loader_error *e)
{
    memset(info, 0, sizeof *info);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        loader_fail(e, -errno, name, "%s", strerror(errno));
        return -1;
    }
    info->file_size = (uint64_t)st.st_size;
    if (check_ident(fd, name, &st, info, e) < 0)
        return -1;
    if (elf_version(EV_CURRENT) == EV_NONE) {
        loader_fail(e, -ENOEXEC, name, "libelf is too old");
        return -1;
    }
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    if (!elf || elf_kind(elf) != ELF_K_ELF) {
        loader_fail(e, -ENOEXEC, name, "unreadable ELF file: %s", elf_errmsg(-1));
        elf_end(elf);
        return -1;
    }
    int rc = check_header(elf, name, info, e);
    if (rc == 0)
        rc = read_phdrs(elf, fd, name, info, e);
    elf_end(elf);
    return rc == 0 ? check_image(name, info, e) : rc;
}
