/* loader_load on real static binaries: the layout Linux's binfmt_elf would
 * give them, the zeroed tail of .data, the initial stack, "#!" scripts and
 * the errors of exec.  What the tests expect is computed from the files'
 * own program headers, read here with <elf.h>, never through loader/. */
#include "vmtest.h"

#include "loader/loader.h"

#include <elf.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#define FRAMES 1024u
#define NMM 3
#define TP "build/testprogs/"
#define MAX_PH 64
#define MAX_AREAS (2 * MAX_PH + 1)
#define STACK_EXPAND (128ULL << 10) /* Linux's setup_arg_pages leaves this below sp */

static struct vm *vm;
static struct vm_mm *mms[NMM]; /* pids 1, 2, 3 */
static struct vm_mm *mm;       /* mms[0] */
static char tmpdir[64];        /* "" until a test makes one */
static char *bigargs;          /* the E2BIG test's strings */

/* Names the tests create in tmpdir; teardown removes whichever exist. */
static const char *const tmpnames[] = {"script", "noexec"};

static void setup(void)
{
    vm = make_vm(FRAMES, 0, VM_POLICY_CLOCK);
    for (int i = 0; i < NMM; i++) {
        mms[i] = vm_mm_new(vm, i + 1);
        cr_assert_not_null(mms[i]);
    }
    mm = mms[0];
}

static void teardown(void)
{
    for (int i = 0; i < NMM; i++)
        vm_mm_free(mms[i]);
    vm_check(vm);
    /* The programs' files stay in the page cache: reclaimable. */
    vm_reclaim(vm, FRAMES);
    vm_check(vm);
    cr_assert_eq(vm_frames_free(vm), FRAMES, "every frame came back");
    vm_free(vm);
    free(bigargs);
    if (tmpdir[0]) {
        char path[PATH_MAX];
        for (size_t i = 0; i < sizeof tmpnames / sizeof tmpnames[0]; i++) {
            snprintf(path, sizeof path, "%s/%s", tmpdir, tmpnames[i]);
            unlink(path);
        }
        rmdir(tmpdir);
    }
}

TestSuite(loader, .init = setup, .fini = teardown);

/* --- the file, read independently ------------------------------------------- */

struct prog {
    const char *path;
    char name[64]; /* base name: what area names start with */
    Elf64_Ehdr eh;
    Elf64_Phdr ph[MAX_PH];
    struct stat st;
};

/* Read len bytes at off of path; bytes past the end of the file are zero,
 * as they read through a mapping. */
static void file_bytes(const char *path, void *buf, size_t len, uint64_t off)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    cr_assert(fd >= 0, "%s: %s", path, strerror(errno));
    memset(buf, 0, len);
    ssize_t n = pread(fd, buf, len, (off_t)off);
    close(fd);
    cr_assert(n >= 0, "%s: pread: %s", path, strerror(errno));
}

/* The ELF and program headers of a test program.  A missing program is a
 * failure, never a skip: the layout tests are only worth anything if they
 * run. */
static void prog_read(struct prog *p, const char *path)
{
    memset(p, 0, sizeof *p);
    p->path = path;
    cr_assert(stat(path, &p->st) == 0, "%s: %s: run `make testprogs` first", path,
              strerror(errno));
    const char *slash = strrchr(path, '/');
    snprintf(p->name, sizeof p->name, "%s", slash ? slash + 1 : path);
    file_bytes(path, &p->eh, sizeof p->eh, 0);
    cr_assert_eq(memcmp(p->eh.e_ident, ELFMAG, SELFMAG), 0, "%s is not ELF", path);
    cr_assert_eq(p->eh.e_phentsize, sizeof(Elf64_Phdr));
    cr_assert(p->eh.e_phnum > 0 && p->eh.e_phnum <= MAX_PH, "%s: %u program headers", path,
              p->eh.e_phnum);
    file_bytes(path, p->ph, p->eh.e_phnum * sizeof(Elf64_Phdr), p->eh.e_phoff);
}

static uint64_t page_down(uint64_t a)
{
    return a & VM_PAGE_MASK;
}

static uint64_t page_up(uint64_t a)
{
    return (a + VM_PAGE_SIZE - 1) & VM_PAGE_MASK;
}

/* The page-aligned span [*lo, *hi) of the PT_LOAD segments, unrelocated:
 * the size of the one mapping Linux reserves for an ET_DYN image. */
static void prog_span(const struct prog *p, uint64_t *lo, uint64_t *hi)
{
    *lo = UINT64_MAX;
    *hi = 0;
    for (unsigned i = 0; i < p->eh.e_phnum; i++) {
        const Elf64_Phdr *ph = &p->ph[i];
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
            continue;
        if (page_down(ph->p_vaddr) < *lo)
            *lo = page_down(ph->p_vaddr);
        if (page_up(ph->p_vaddr + ph->p_memsz) > *hi)
            *hi = page_up(ph->p_vaddr + ph->p_memsz);
    }
    cr_assert(*hi > 0, "%s has no PT_LOAD", p->path);
}

/* Where the program headers are in memory (AT_PHDR): PT_PHDR when there
 * is one, else inside the loaded segment whose file part holds e_phoff. */
static uint64_t prog_phdr(const struct prog *p, uint64_t bias)
{
    for (unsigned i = 0; i < p->eh.e_phnum; i++)
        if (p->ph[i].p_type == PT_PHDR)
            return p->ph[i].p_vaddr + bias;
    for (unsigned i = 0; i < p->eh.e_phnum; i++) {
        const Elf64_Phdr *ph = &p->ph[i];
        if (ph->p_type == PT_LOAD && p->eh.e_phoff >= ph->p_offset &&
            p->eh.e_phoff - ph->p_offset < ph->p_filesz)
            return ph->p_vaddr + (p->eh.e_phoff - ph->p_offset) + bias;
    }
    cr_assert_fail("%s: no segment holds the program headers", p->path);
    return 0;
}

static bool prog_exec_stack(const struct prog *p)
{
    for (unsigned i = 0; i < p->eh.e_phnum; i++)
        if (p->ph[i].p_type == PT_GNU_STACK)
            return p->ph[i].p_flags & PF_X;
    return false;
}

/* --- loading -------------------------------------------------------------------- */

/* The guest's root is the repository: paths open as they are given. */
static int fs_open(void *ctx, const char *path)
{
    (void)ctx;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static const struct loader_fs host_fs = {.open = fs_open, .canonical = NULL, .ctx = NULL};

static char *const test_envp[] = {"HOME=/root", "", "LANG=C.UTF-8", NULL};

/* Arguments with every id distinct, so a swapped auxv entry shows. */
static struct loader_args args_for(const char *path, char *const *argv, uint64_t seed)
{
    return (struct loader_args){
        .path = path,
        .argv = argv,
        .envp = test_envp,
        .seed = seed,
        .hwcap = 0x178bfbff,
        .hwcap2 = 0x2,
        .uid = 1000,
        .euid = 1001,
        .gid = 100,
        .egid = 101,
        .fs = &host_fs,
    };
}

/* Load that must succeed, then check the machine. */
static void load_ok(struct vm_mm *m, const struct loader_args *a, bool build_stack,
                    struct loader_image *img)
{
    struct loader_error e;
    int rc = loader_load(vm, m, a, build_stack, img, &e);
    cr_assert_eq(rc, 0, "loader_load(%s): %s", a->path, e.msg);
    vm_check(vm);
}

/* Load that must fail; returns the error after checking the machine. */
static struct loader_error load_fails(struct vm_mm *m, const struct loader_args *a)
{
    struct loader_image img;
    struct loader_error e;
    cr_assert_eq(loader_load(vm, m, a, true, &img, &e), -1, "%s loaded", a->path);
    vm_check(vm);
    cr_assert_neq(e.msg[0], '\0', "a failure says why");
    return e;
}

/* --- the layout ----------------------------------------------------------------- */

struct want {
    uint64_t start, end, offset;
    unsigned prot, flags;
    bool file;
    char name[96];
};

static unsigned want_prot(uint32_t flags)
{
    return (flags & PF_R ? VM_PROT_READ : 0) | (flags & PF_W ? VM_PROT_WRITE : 0) |
           (flags & PF_X ? VM_PROT_EXEC : 0);
}

/* Linux's binfmt_elf, segment by segment: the file part is a private
 * mapping from the page of p_vaddr to the page end of p_vaddr + p_filesz
 * at file offset p_offset rounded down; what p_memsz adds beyond that
 * page end is anonymous (.bss). */
static size_t want_segments(const struct prog *p, uint64_t bias, struct want *w)
{
    size_t n = 0;
    for (unsigned i = 0; i < p->eh.e_phnum; i++) {
        const Elf64_Phdr *ph = &p->ph[i];
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
            continue;
        unsigned prot = want_prot(ph->p_flags);
        const char *sec = prot & VM_PROT_EXEC    ? ".text"
                          : prot & VM_PROT_WRITE ? ".data"
                                                 : ".rodata";
        uint64_t start = page_down(ph->p_vaddr + bias);
        uint64_t file_end = ph->p_filesz ? page_up(ph->p_vaddr + bias + ph->p_filesz) : start;
        uint64_t mem_end = page_up(ph->p_vaddr + bias + ph->p_memsz);
        if (ph->p_filesz) {
            w[n] = (struct want){start, file_end, page_down(ph->p_offset), prot, 0, true, ""};
            snprintf(w[n++].name, sizeof w->name, "%s:%s", p->name, sec);
        }
        if (mem_end > file_end) {
            w[n] = (struct want){file_end, mem_end, 0, prot, 0, false, ""};
            snprintf(w[n++].name, sizeof w->name, "%s:.bss", p->name);
        }
    }
    return n;
}

/* Every area of m, in order, is the wanted one, and no other exists. */
static void expect_areas(struct vm_mm *m, const struct prog *p, const struct want *w, size_t n)
{
    struct vm_area_info got[MAX_AREAS + 4];
    size_t k = vm_areas(m, got, sizeof got / sizeof got[0]);
    for (size_t i = 0; i < n && i < k; i++) {
        const struct vm_area_info *g = &got[i];
        cr_assert_str_eq(g->name, w[i].name, "area %zu", i);
        cr_assert_eq(g->start, w[i].start, "%s starts at %#llx, expected %#llx", w[i].name,
                     (unsigned long long)g->start, (unsigned long long)w[i].start);
        cr_assert_eq(g->end, w[i].end, "%s ends at %#llx, expected %#llx", w[i].name,
                     (unsigned long long)g->end, (unsigned long long)w[i].end);
        cr_assert_eq(g->prot, w[i].prot, "%s prot %u, expected %u", w[i].name, g->prot,
                     w[i].prot);
        cr_assert_eq(g->flags & ~VM_AREA_CODE, w[i].flags, "%s flags %#x, expected %#x",
                     w[i].name, g->flags, w[i].flags);
        cr_assert_eq(!!(g->flags & VM_AREA_CODE), !!(g->prot & VM_PROT_EXEC),
                     "%s: marked as code exactly when executable", w[i].name);
        cr_assert_eq(g->file, w[i].file, "%s file-backed: %d, expected %d", w[i].name, g->file,
                     w[i].file);
        if (w[i].file) {
            cr_assert_eq(g->offset, w[i].offset, "%s at file offset %#llx, expected %#llx",
                         w[i].name, (unsigned long long)g->offset,
                         (unsigned long long)w[i].offset);
            cr_assert(g->dev == (uint64_t)p->st.st_dev && g->ino == (uint64_t)p->st.st_ino,
                      "%s maps another file", w[i].name);
        }
    }
    cr_assert_eq(k, n, "%zu areas, expected %zu", k, n);
}

/* Where Linux's exec puts argv[0]: the strings sit under the top 8 bytes,
 * the path (AT_EXECFN) highest, then envp, then argv, argv[0] lowest.
 * setup_arg_pages extends [stack] 128 KiB below the page holding it,
 * before the pointer tables and auxv are written under it. */
static uint64_t lowest_string(const struct loader_args *a)
{
    uint64_t len = strlen(a->path) + 1;
    for (size_t i = 0; a->argv[i]; i++)
        len += strlen(a->argv[i]) + 1;
    for (size_t i = 0; a->envp[i]; i++)
        len += strlen(a->envp[i]) + 1;
    return VM_STACK_TOP - 8 - len;
}

/* The whole image of the static program p as loaded into m: its
 * segments at bias, [stack] under VM_STACK_TOP, brk, entry, headers. */
static void expect_image(struct vm_mm *m, const struct prog *p, const struct loader_args *a,
                         const struct loader_image *img, uint64_t bias)
{
    uint64_t lo, hi;
    prog_span(p, &lo, &hi);
    cr_assert_eq(img->load_bias, bias, "bias %#llx, expected %#llx",
                 (unsigned long long)img->load_bias, (unsigned long long)bias);
    cr_assert_eq(img->entry, p->eh.e_entry + bias);
    cr_assert_eq(img->prog_entry, p->eh.e_entry + bias);
    cr_assert_eq(img->phdr, prog_phdr(p, bias));
    cr_assert_eq(img->phnum, p->eh.e_phnum);
    cr_assert_eq(img->phent, sizeof(Elf64_Phdr));
    cr_assert_eq(img->interp_base, 0, "static: no interpreter");
    cr_assert_str_empty(img->interp);
    cr_assert_eq(img->brk_start, hi + bias, "brk %#llx, expected the page after the image %#llx",
                 (unsigned long long)img->brk_start, (unsigned long long)(hi + bias));
    cr_assert_eq(vm_brk(m, 0), img->brk_start, "the mm's break is where the image says");
    cr_assert_eq(img->exec_stack, prog_exec_stack(p));
    cr_assert_eq(img->stack_top, VM_STACK_TOP);
    cr_assert_eq(img->sp % 16, 0, "rsp %#llx is not 16-byte aligned", (unsigned long long)img->sp);
    cr_assert_str_eq(img->name, p->name);
    cr_assert_str_eq(img->exe, p->path, "canonical NULL keeps the path");

    struct want w[MAX_AREAS];
    size_t n = want_segments(p, bias, w);
    w[n] = (struct want){
        .start = page_down(lowest_string(a)) - STACK_EXPAND,
        .end = VM_STACK_TOP,
        .prot = RW | (prog_exec_stack(p) ? VM_PROT_EXEC : 0),
        .flags = VM_AREA_GROWSDOWN,
        .file = false,
        .name = "[stack]",
    };
    expect_areas(m, p, w, n + 1);
}

/* Load the static ET_EXEC program path and check its whole layout. */
static void expect_static_layout(const char *path)
{
    struct prog p;
    prog_read(&p, path);
    cr_assert_eq(p.eh.e_type, ET_EXEC, "%s is not ET_EXEC", path);
    char *argv[] = {p.name, NULL};
    struct loader_args a = args_for(path, argv, 1);
    struct loader_image img;
    load_ok(mm, &a, true, &img);
    expect_image(mm, &p, &a, &img, 0);
    cr_assert_eq(img.script_depth, 0);
}

Test(loader, static_glibc_maps_segments_as_linux)
{
    expect_static_layout(TP "hello.glibc");
}

Test(loader, static_musl_maps_segments_as_linux)
{
    expect_static_layout(TP "hello.musl");
}

Test(loader, nolibc_with_bss_only_segment_maps_anonymous_bss)
{
    /* Its last PT_LOAD has p_filesz 0: nothing of the file is mapped. */
    expect_static_layout(TP "tiny.nolibc");
}

Test(loader, nolibc_data_ending_on_page_boundary_maps_bss_after_it)
{
    expect_static_layout(TP "cow.nolibc");
}

Test(loader, static_pie_is_placed_top_down_below_mmap_base)
{
    struct prog p;
    prog_read(&p, TP "hello.static-pie");
    cr_assert_eq(p.eh.e_type, ET_DYN);
    for (unsigned i = 0; i < p.eh.e_phnum; i++)
        cr_assert_neq(p.ph[i].p_type, PT_INTERP, "a static PIE has no interpreter");
    char *argv[] = {p.name, NULL};
    struct loader_args a = args_for(p.path, argv, 1);
    struct loader_image img;
    load_ok(mm, &a, true, &img);
    uint64_t lo, hi;
    prog_span(&p, &lo, &hi);
    cr_assert_eq(img.load_bias % VM_PAGE_SIZE, 0, "bias %#llx not page aligned",
                 (unsigned long long)img.load_bias);
    cr_assert(img.load_bias + hi <= VM_MMAP_BASE, "image ends at %#llx, above VM_MMAP_BASE",
              (unsigned long long)(img.load_bias + hi));
    cr_assert(img.load_bias + lo >= VM_RESERVED_END, "image below the frames reserve");
    /* Top-down in an empty address space: the highest place that fits. */
    expect_image(mm, &p, &a, &img, VM_MMAP_BASE - hi);
}

Test(loader, inspect_without_stack_faults_nothing_and_keeps_layout)
{
    struct prog p;
    prog_read(&p, TP "hello.glibc");
    char *argv[] = {p.name, NULL};
    struct loader_args a = args_for(p.path, argv, 1);
    struct loader_image img;
    load_ok(mm, &a, false, &img);
    cr_assert_eq(rec.n, 0, "inspect wrote nothing, so nothing faulted (%zu events)", rec.n);
    cr_assert_eq(vm_mm_rss(mm), 0);
    expect_image(mm, &p, &a, &img, 0);
}

/* --- the zero tail of .data ------------------------------------------------------- */

/* The writable PT_LOAD whose file part ends inside a page that the rest
 * of p_memsz also covers: the page Linux's padzero() must clear. */
static const Elf64_Phdr *tail_segment(const struct prog *p)
{
    for (unsigned i = 0; i < p->eh.e_phnum; i++) {
        const Elf64_Phdr *ph = &p->ph[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W) && ph->p_filesz &&
            ph->p_memsz > ph->p_filesz && ((ph->p_vaddr + ph->p_filesz) & ~VM_PAGE_MASK))
            return ph;
    }
    return NULL;
}

/* Load path with its stack and check the page where .data's file part
 * ends: the file's bytes up to p_filesz, zero after it and in the whole
 * .bss, and the kernel-mode write that made the private copy. */
static void expect_zero_tail(const char *path)
{
    struct prog p;
    prog_read(&p, path);
    const Elf64_Phdr *ph = tail_segment(&p);
    cr_assert_not_null(ph, "%s has no writable segment ending mid-page", path);
    char *argv[] = {p.name, NULL};
    struct loader_args a = args_for(path, argv, 1);
    struct loader_image img;
    load_ok(mm, &a, true, &img);
    size_t nload = rec.n;

    uint64_t fend = ph->p_vaddr + img.load_bias + ph->p_filesz;
    uint64_t page = page_down(fend);
    size_t keep = (size_t)(fend - page);
    static uint8_t file[VM_PAGE_SIZE], mem[VM_PAGE_SIZE];
    file_bytes(path, file, sizeof file, ph->p_offset + ph->p_filesz - keep);
    bool file_has_more = false;
    for (size_t i = keep; i < sizeof file; i++)
        file_has_more |= file[i] != 0;
    cr_assert(file_has_more, "%s: the file is zero after p_filesz too; the test proves nothing",
              path);
    cr_assert_eq(vm_copy_in(mm, mem, page, sizeof mem), 0);
    cr_assert_eq(memcmp(mem, file, keep), 0, "%s: bytes before p_filesz differ from the file",
                 path);
    for (size_t i = keep; i < sizeof mem; i++)
        cr_assert_eq(mem[i], 0, "%s: byte at %#llx past p_filesz is %#x", path,
                     (unsigned long long)(page + i), mem[i]);
    uint64_t mem_end = ph->p_vaddr + img.load_bias + ph->p_memsz;
    for (uint64_t va = page + VM_PAGE_SIZE; va < mem_end; va += VM_PAGE_SIZE) {
        size_t len = mem_end - va < VM_PAGE_SIZE ? (size_t)(mem_end - va) : VM_PAGE_SIZE;
        cr_assert_eq(vm_copy_in(mm, mem, va, len), 0);
        for (size_t i = 0; i < len; i++)
            cr_assert_eq(mem[i], 0, "%s: .bss byte at %#llx is %#x", path,
                         (unsigned long long)(va + i), mem[i]);
    }
    vm_check(vm);

    char data[96];
    snprintf(data, sizeof data, "%s:.data", p.name);
    size_t cows = 0;
    for (size_t i = 0; i < nload; i++) {
        const struct vm_event_rec *r = &rec.ev[i];
        if (r->event != VM_EV_COW)
            continue;
        cows++;
        cr_assert_eq(r->vpage, page, "copy of %#llx, expected %#llx",
                     (unsigned long long)r->vpage, (unsigned long long)page);
        cr_assert_eq(r->mode, 'k', "the loader wrote it, not the program");
        cr_assert_eq(r->access, 'W');
        cr_assert_eq(r->pid, 1);
        cr_assert_str_eq(r->area, data);
    }
    cr_assert_eq(cows, 1, "%zu copies while loading, expected the one of the tail page", cows);
}

Test(loader, glibc_data_tail_past_filesz_reads_zero)
{
    expect_zero_tail(TP "hello.glibc");
}

Test(loader, musl_data_tail_past_filesz_reads_zero)
{
    /* Here .bss ends in the same page as .data: no .bss area at all. */
    expect_zero_tail(TP "hello.musl");
}

Test(loader, static_pie_data_tail_past_filesz_reads_zero)
{
    expect_zero_tail(TP "hello.static-pie");
}

/* --- the initial stack ------------------------------------------------------------ */

static uint64_t peek64(struct vm_mm *m, uint64_t addr)
{
    uint64_t v = 0;
    cr_assert_eq(vm_copy_in(m, &v, addr, sizeof v), 0, "read of %#llx failed",
                 (unsigned long long)addr);
    return v;
}

/* The string at addr, which must lie in the stack; returns its length. */
static size_t peek_str(struct vm_mm *m, uint64_t addr, char *buf, size_t len)
{
    cr_assert(addr < VM_STACK_TOP, "string pointer %#llx above the stack",
              (unsigned long long)addr);
    long n = vm_copy_str_in(m, buf, addr, len);
    cr_assert(n >= 0, "string at %#llx: %ld", (unsigned long long)addr, n);
    return (size_t)n;
}

/* Walk argc, argv, envp and auxv from img->sp as the program's start code
 * would, check every value against p and a, and return the AT_RANDOM
 * bytes.  Strings are where Linux puts them: argv[0] first, then envp,
 * then AT_EXECFN, then 8 zero bytes up to the top. */
static void expect_stack(struct vm_mm *m, const struct prog *p, const struct loader_args *a,
                         const struct loader_image *img, uint8_t rnd[16])
{
    static char s[PATH_MAX];
    uint64_t sp = img->sp;
    cr_assert_eq(sp % 16, 0, "rsp %#llx is not 16-byte aligned", (unsigned long long)sp);
    size_t argc = 0, envc = 0;
    while (a->argv[argc])
        argc++;
    while (a->envp[envc])
        envc++;
    cr_assert_eq(peek64(m, sp), argc, "argc");
    uint64_t w = sp + 8, next = 0;
    for (size_t i = 0; i < argc + 1 + envc; i++, w += 8) {
        if (i == argc) {
            cr_assert_eq(peek64(m, w), 0, "argv ends with NULL");
            continue;
        }
        const char *want = i < argc ? a->argv[i] : a->envp[i - argc - 1];
        uint64_t ptr = peek64(m, w);
        cr_assert(ptr > sp, "string %zu at %#llx below rsp", i, (unsigned long long)ptr);
        cr_assert(next == 0 || ptr == next, "string %zu at %#llx, expected right after the last",
                  i, (unsigned long long)ptr);
        size_t n = peek_str(m, ptr, s, sizeof s);
        cr_assert_str_eq(s, want, "%s[%zu]", i < argc ? "argv" : "envp",
                         i < argc ? i : i - argc - 1);
        next = ptr + n + 1;
    }
    cr_assert_eq(peek64(m, w), 0, "envp ends with NULL");
    w += 8;

    uint64_t aux[64];
    bool seen[64] = {false};
    for (size_t i = 0;; i++, w += 16) {
        cr_assert(i < 64, "no AT_NULL in 64 entries");
        uint64_t type = peek64(m, w), val = peek64(m, w + 8);
        if (type == AT_NULL) {
            cr_assert_eq(val, 0);
            break;
        }
        cr_assert(type < 64, "unknown auxv type %llu", (unsigned long long)type);
        cr_assert(!seen[type], "auxv type %llu twice", (unsigned long long)type);
        seen[type] = true;
        aux[type] = val;
    }
    static const struct {
        unsigned type;
        uint64_t val;
        const char *name;
    } fixed[] = {
        {AT_PHENT, sizeof(Elf64_Phdr), "AT_PHENT"},
        {AT_PAGESZ, 4096, "AT_PAGESZ"},
        {AT_BASE, 0, "AT_BASE"},
        {AT_FLAGS, 0, "AT_FLAGS"},
        {AT_SECURE, 0, "AT_SECURE"},
        {AT_CLKTCK, 100, "AT_CLKTCK"},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        cr_assert(seen[fixed[i].type], "no %s", fixed[i].name);
        cr_assert_eq(aux[fixed[i].type], fixed[i].val, "%s = %llu", fixed[i].name,
                     (unsigned long long)aux[fixed[i].type]);
    }
    static const unsigned required[] = {AT_PHDR,  AT_PHNUM, AT_ENTRY, AT_UID,    AT_EUID,
                                        AT_GID,   AT_EGID,  AT_HWCAP, AT_HWCAP2, AT_RANDOM,
                                        AT_EXECFN, AT_PLATFORM};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        cr_assert(seen[required[i]], "no auxv entry of type %u", required[i]);
    cr_assert_eq(aux[AT_PHNUM], p->eh.e_phnum);
    cr_assert_eq(aux[AT_ENTRY], p->eh.e_entry + img->load_bias);
    cr_assert_eq(aux[AT_UID], a->uid);
    cr_assert_eq(aux[AT_EUID], a->euid);
    cr_assert_eq(aux[AT_GID], a->gid);
    cr_assert_eq(aux[AT_EGID], a->egid);
    cr_assert_eq(aux[AT_HWCAP], a->hwcap);
    cr_assert_eq(aux[AT_HWCAP2], a->hwcap2);

    cr_assert_eq(aux[AT_PHDR], prog_phdr(p, img->load_bias), "AT_PHDR %#llx",
                 (unsigned long long)aux[AT_PHDR]);
    static Elf64_Phdr in_mem[MAX_PH];
    size_t phlen = p->eh.e_phnum * sizeof(Elf64_Phdr);
    cr_assert_eq(vm_copy_in(m, in_mem, aux[AT_PHDR], phlen), 0);
    cr_assert_eq(memcmp(in_mem, p->ph, phlen), 0, "AT_PHDR shows other bytes than the file's");

    cr_assert_eq(aux[AT_EXECFN], next, "AT_EXECFN right after the last envp string");
    size_t n = peek_str(m, aux[AT_EXECFN], s, sizeof s);
    cr_assert_str_eq(s, a->path, "AT_EXECFN");
    cr_assert_eq(aux[AT_EXECFN] + n + 1 + 8, VM_STACK_TOP, "8 bytes between AT_EXECFN and the top");
    cr_assert_eq(peek64(m, VM_STACK_TOP - 8), 0, "the top 8 bytes are zero");
    peek_str(m, aux[AT_PLATFORM], s, sizeof s);
    cr_assert_str_eq(s, "x86_64", "AT_PLATFORM");
    cr_assert(aux[AT_PLATFORM] > w && aux[AT_PLATFORM] < aux[AT_EXECFN]);
    cr_assert(aux[AT_RANDOM] > w && aux[AT_RANDOM] + 16 <= VM_STACK_TOP,
              "AT_RANDOM %#llx outside the stack", (unsigned long long)aux[AT_RANDOM]);
    cr_assert_eq(vm_copy_in(m, rnd, aux[AT_RANDOM], 16), 0);
}

/* The pages faulted in for pid by events [0, n): each page of the stack
 * from rsp's page up to the top exactly once, demand-zero by the kernel. */
static void expect_stack_faults(size_t n, int pid, uint64_t sp)
{
    uint64_t first = page_down(sp);
    size_t npages = (size_t)((VM_STACK_TOP - first) / VM_PAGE_SIZE);
    unsigned hits[64] = {0};
    cr_assert(npages <= 64, "%zu stack pages", npages);
    for (size_t i = 0; i < n; i++) {
        const struct vm_event_rec *r = &rec.ev[i];
        if (r->pid != pid || strcmp(r->area, "[stack]") != 0)
            continue;
        cr_assert_eq(r->event, VM_EV_DEMAND_ZERO, "stack event %s",
                     vm_event_name(r->event));
        cr_assert_eq(r->mode, 'k');
        cr_assert_eq(r->access, 'W');
        cr_assert(r->vpage >= first && r->vpage < VM_STACK_TOP, "stack fault at %#llx",
                  (unsigned long long)r->vpage);
        hits[(r->vpage - first) / VM_PAGE_SIZE]++;
    }
    for (size_t i = 0; i < npages; i++)
        cr_assert_eq(hits[i], 1, "stack page %#llx faulted %u times",
                     (unsigned long long)(first + i * VM_PAGE_SIZE), hits[i]);
}

Test(loader, static_stack_holds_args_env_and_auxv)
{
    struct prog p;
    prog_read(&p, TP "hello.glibc");
    char *argv[] = {p.name, "one", "", "two words", NULL};
    struct loader_args a = args_for(p.path, argv, 42);
    struct loader_image img;
    load_ok(mm, &a, true, &img);
    size_t nload = rec.n;
    uint8_t rnd[16];
    expect_stack(mm, &p, &a, &img, rnd);
    expect_stack_faults(nload, 1, img.sp);
    vm_check(vm);
}

Test(loader, static_pie_stack_points_at_relocated_headers_and_entry)
{
    struct prog p;
    prog_read(&p, TP "hello.static-pie");
    char *argv[] = {p.name, "x", NULL};
    struct loader_args a = args_for(p.path, argv, 7);
    struct loader_image img;
    load_ok(mm, &a, true, &img);
    cr_assert_neq(img.load_bias, 0);
    size_t nload = rec.n;
    uint8_t rnd[16];
    expect_stack(mm, &p, &a, &img, rnd);
    expect_stack_faults(nload, 1, img.sp);
    vm_check(vm);
}

Test(loader, random_bytes_follow_the_seed)
{
    struct prog p;
    prog_read(&p, TP "tiny.nolibc");
    char *argv[] = {p.name, NULL};
    uint64_t seeds[NMM] = {1234, 1234, 1235};
    uint8_t rnd[NMM][16];
    for (int i = 0; i < NMM; i++) {
        struct loader_args a = args_for(p.path, argv, seeds[i]);
        struct loader_image img;
        load_ok(mms[i], &a, true, &img);
        expect_stack(mms[i], &p, &a, &img, rnd[i]);
    }
    static const uint8_t zero[16];
    cr_assert_neq(memcmp(rnd[0], zero, 16), 0, "AT_RANDOM is all zero");
    cr_assert_eq(memcmp(rnd[0], rnd[1], 16), 0, "same seed, same bytes");
    cr_assert_neq(memcmp(rnd[0], rnd[2], 16), 0, "another seed, other bytes");
    vm_check(vm);
}

/* --- "#!" scripts ---------------------------------------------------------------------- */

/* A temporary directory for files a test creates (teardown removes it);
 * returns the path of name inside it. */
static const char *tmp_path(const char *name, char *out, size_t len)
{
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/faultline-loader-XXXXXX");
        cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
    }
    snprintf(out, len, "%s/%s", tmpdir, name);
    return out;
}

/* Write a file of len bytes with exactly mode (umask does not apply). */
static void write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    cr_assert(fd >= 0, "%s: %s", path, strerror(errno));
    cr_assert_eq(write(fd, buf, len), (ssize_t)len);
    cr_assert_eq(fchmod(fd, mode), 0);
    close(fd);
}

Test(loader, script_runs_its_interpreter_with_arg_and_path)
{
    struct prog p;
    prog_read(&p, TP "hello.glibc");
    char script[PATH_MAX];
    tmp_path("script", script, sizeof script);
    static const char text[] = "#! " TP "hello.glibc  -x \nexit 0\n";
    write_file(script, text, sizeof text - 1, 0755);
    char *argv[] = {"script", "a1", "a 2", NULL};
    struct loader_args a = args_for(script, argv, 1);
    struct loader_image img;
    load_ok(mm, &a, true, &img);
    cr_assert_eq(img.script_depth, 1);
    cr_assert_str_eq(img.exe, TP "hello.glibc", "the interpreter is what runs");

    /* What the interpreter sees: itself, its argument, the script's path,
     * then the arguments after argv[0]; AT_EXECFN stays the script. */
    char *want_argv[] = {TP "hello.glibc", "-x", script, "a1", "a 2", NULL};
    struct loader_args want = a;
    want.argv = want_argv;
    expect_image(mm, &p, &want, &img, 0);
    uint8_t rnd[16];
    expect_stack(mm, &p, &want, &img, rnd);
}

/* --- errors ------------------------------------------------------------------------------ */

Test(loader, missing_file_is_127_enoent)
{
    char *argv[] = {"nothing", NULL};
    struct loader_args a = args_for(TP "no-such-program", argv, 1);
    struct loader_error e = load_fails(mm, &a);
    cr_assert_eq(e.status, 127);
    cr_assert_eq(e.err, -ENOENT);
    cr_assert_not_null(strstr(e.msg, a.path), "message names the file: %s", e.msg);
    cr_assert_eq(vm_area_count(mm), 0);
}

Test(loader, directory_is_126_eacces)
{
    struct stat st;
    cr_assert(stat(TP, &st) == 0 && S_ISDIR(st.st_mode), TP " missing: run `make testprogs`");
    char *argv[] = {"dir", NULL};
    struct loader_args a = args_for(TP, argv, 1);
    struct loader_error e = load_fails(mm, &a);
    cr_assert_eq(e.status, 126);
    cr_assert_eq(e.err, -EACCES);
    cr_assert_eq(vm_area_count(mm), 0);
}

Test(loader, file_without_execute_bit_is_126_eacces)
{
    /* A real program, so only the mode can be the reason; 0644 has no x
     * bit at all, which even root needs. */
    struct prog p;
    prog_read(&p, TP "tiny.nolibc");
    static uint8_t bytes[1 << 16];
    cr_assert((size_t)p.st.st_size <= sizeof bytes);
    file_bytes(p.path, bytes, (size_t)p.st.st_size, 0);
    char path[PATH_MAX];
    tmp_path("noexec", path, sizeof path);
    write_file(path, bytes, (size_t)p.st.st_size, 0644);
    char *argv[] = {"noexec", NULL};
    struct loader_args a = args_for(path, argv, 1);
    struct loader_error e = load_fails(mm, &a);
    cr_assert_eq(e.status, 126);
    cr_assert_eq(e.err, -EACCES);
    cr_assert_eq(vm_area_count(mm), 0);

    cr_assert_eq(chmod(path, 0755), 0);
    struct loader_image img;
    load_ok(mms[1], &a, true, &img);
}

Test(loader, argument_list_too_long_is_e2big)
{
    /* 20 strings of 120 KiB: each under Linux's 128 KiB per string, 2.4 MiB
     * in all, over the quarter of an 8 MiB stack. */
    enum { NARG = 20, ARGLEN = 120 << 10 };
    bigargs = malloc((size_t)NARG * ARGLEN);
    cr_assert_not_null(bigargs);
    char *argv[NARG + 2] = {"hello.glibc"};
    for (int i = 0; i < NARG; i++) {
        char *s = bigargs + (size_t)i * ARGLEN;
        memset(s, 'a' + i, ARGLEN - 1);
        s[ARGLEN - 1] = '\0';
        argv[i + 1] = s;
    }
    struct prog p;
    prog_read(&p, TP "hello.glibc");
    struct loader_args a = args_for(p.path, argv, 1);
    struct loader_error e = load_fails(mm, &a);
    cr_assert_eq(e.err, -E2BIG, "err %d: %s", e.err, e.msg);
    cr_assert_eq(e.status, 126);

    argv[3] = NULL; /* the same call with a few of them fits */
    struct loader_image img;
    load_ok(mms[1], &a, true, &img);
}

Test(loader, stack_area_reaches_128k_below_the_lowest_string_page)
{
    /* A long argument puts argv[0] on a page above the pointer tables. */
    static char longarg[3800];
    memset(longarg, 'z', sizeof longarg - 1);
    char *argv[] = {"hello.glibc", longarg, NULL};
    struct prog p;
    prog_read(&p, TP "hello.glibc");
    struct loader_args a = args_for(p.path, argv, 1);
    struct loader_image img;
    load_ok(mm, &a, true, &img);
    cr_assert_neq(page_down(lowest_string(&a)), page_down(img.sp), "the case needs two pages");
    expect_image(mm, &p, &a, &img, 0);
}

Test(loader, one_argument_over_128k_is_e2big)
{
    bigargs = malloc(200 << 10);
    cr_assert_not_null(bigargs);
    memset(bigargs, 'x', (200 << 10) - 1);
    bigargs[(200 << 10) - 1] = '\0';
    char *argv[] = {"hello.glibc", bigargs, NULL};
    struct prog p;
    prog_read(&p, TP "hello.glibc");
    struct loader_args a = args_for(p.path, argv, 1);
    cr_assert_eq(load_fails(mm, &a).err, -E2BIG);
}

Test(loader, pointers_count_toward_the_argument_limit)
{
    /* Strings that fit alone, but not with their 8-byte pointers. */
    enum { NARG = 32 };
    size_t fixed = strlen(TP "hello.glibc") + 1 + strlen("hello.glibc") + 1;
    for (size_t i = 0; test_envp[i]; i++)
        fixed += strlen(test_envp[i]) + 1;
    size_t each = ((2u << 20) - fixed - 64) / NARG; /* strings alone fit, by < 100 bytes */
    bigargs = malloc(NARG * each);
    cr_assert_not_null(bigargs);
    char *argv[NARG + 2] = {"hello.glibc"};
    for (int i = 0; i < NARG; i++) {
        char *s = bigargs + (size_t)i * each;
        memset(s, 'a' + i % 26, each - 1);
        s[each - 1] = '\0';
        argv[i + 1] = s;
    }
    struct prog p;
    prog_read(&p, TP "hello.glibc");
    struct loader_args a = args_for(p.path, argv, 1);
    cr_assert_eq(load_fails(mm, &a).err, -E2BIG);
}
