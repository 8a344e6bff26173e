/*
 * fuzz_loader.c - libFuzzer target for the loader: each input is a file
 * that loader_load() is asked to run as "/prog", on a fresh vm/ machine.
 *
 * The loader sees the input through a loader_fs whose open() hands out a
 * dup of a memfd holding the bytes for "/prog" (so "#!/prog" and a
 * PT_INTERP of "/prog" reach the file again), one fixed interpreter for
 * "/lib/ld.so" (a tiny valid static PIE, so that placing and mapping an
 * interpreter next to a fuzzed program is exercised too), and -ENOENT
 * for every other path.  Inputs of odd length also build the stack, as
 * "faultline run" does; even ones stop before it, as "faultline inspect"
 * does.
 *
 * Besides the sanitizers, the target checks the loader's contract and
 * aborts with "fuzz_loader: reason" when it is broken: a failure carries
 * status 126 or 127, a negative errno and exactly one line of message; a
 * success leaves an aligned stack pointer inside the stack and a
 * page-aligned brk; vm_check() holds either way.
 * FUZZ_LOADER_MULTILINE_OK=1 in the environment relaxes the one-line
 * rule, to keep fuzzing past a known multi-line message.
 */
#include "loader/loader.h"

#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PROG "/prog"
#define INTERP "/lib/ld.so"

/* The files open() serves. */
struct files {
    int prog, interp;
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool multiline_ok;

/* A broken contract is a crash: libFuzzer saves the input. */
static void broken(const char *why, const char *detail)
{
    fprintf(stderr, "fuzz_loader: %s%s%s\n", why, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* open() of the loader_fs: the input for PROG, the fixed interpreter
 * for INTERP, nothing else exists.  The loader closes what it gets. */
static int fs_open(void *ctx, const char *path)
{
    const struct files *f = ctx;
    int fd = strcmp(path, PROG) == 0 ? f->prog : strcmp(path, INTERP) == 0 ? f->interp : -1;
    if (fd < 0)
        return -ENOENT;
    int d = dup(fd);
    return d < 0 ? -errno : d;
}

/* Bytes as a file the loader can fstat and pread: a memfd, whose mode
 * (0777) makes it executable.  Returns the fd or -1. */
static int memfd_with(const char *name, const void *data, size_t size)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, (const uint8_t *)data + done, size - done);
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    return fd;
}

/* A failure must say why in one line, with the status a shell expects. */
static void check_failure(const struct loader_error *e)
{
    if (e->status != LOADER_ENOEXEC_STATUS && e->status != LOADER_ENOENT_STATUS)
        broken("failure with a status other than 126 or 127", e->msg);
    if (e->err >= 0)
        broken("failure without a negative errno", e->msg);
    if (!e->msg[0])
        broken("failure without a message", NULL);
    if (strchr(e->msg, '\n') && !multiline_ok)
        broken("message of more than one line", e->msg);
}

/* A success must leave a stack the CPU could start on.  (The entry point
 * is the file's business: Linux does not check it either, the program
 * just faults.) */
static void check_success(const struct vm_mm *mm, const struct loader_image *img, bool stack)
{
    struct vm_area_info a;
    if (!vm_area_at(mm, img->stack_top - 1, &a))
        broken("no stack area below the stack top", NULL);
    if (stack && (!vm_area_at(mm, img->sp, &a) || (img->sp & 15)))
        broken("stack pointer outside the stack or misaligned", NULL);
    if (img->brk_start & ~VM_PAGE_MASK)
        broken("brk start not page-aligned", NULL);
}

/* The interpreter every run may use: one R+X segment holding the
 * headers and exit(0), linked at 0 like ld.so. */
struct tiny_elf {
    Elf64_Ehdr eh;
    Elf64_Phdr ph;
    uint8_t code[9]; /* mov eax, 60; xor edi, edi; syscall */
};

static int interp_file(void)
{
    static const uint8_t code[] = {0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05};
    const size_t size = offsetof(struct tiny_elf, code) + sizeof code;
    struct tiny_elf f;
    memset(&f, 0, sizeof f);
    memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
    f.eh.e_ident[EI_CLASS] = ELFCLASS64;
    f.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    f.eh.e_ident[EI_VERSION] = EV_CURRENT;
    f.eh.e_type = ET_DYN;
    f.eh.e_machine = EM_X86_64;
    f.eh.e_version = EV_CURRENT;
    f.eh.e_entry = offsetof(struct tiny_elf, code);
    f.eh.e_phoff = offsetof(struct tiny_elf, ph);
    f.eh.e_ehsize = sizeof f.eh;
    f.eh.e_phentsize = sizeof f.ph;
    f.eh.e_phnum = 1;
    f.ph = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_filesz = size,
                        .p_memsz = size, .p_align = 0x1000};
    memcpy(f.code, code, sizeof code);
    return memfd_with("interp", &f, size);
}

static struct files files = {-1, -1};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *v = getenv("FUZZ_LOADER_MULTILINE_OK");
    multiline_ok = v && *v && strcmp(v, "0") != 0;
    files.interp = interp_file();
    if (files.interp < 0)
        broken("cannot create the interpreter", strerror(errno));
    return 0;
}

/* One load on a machine of its own, then everything freed: leaks and
 * use-after-free on the loader's error paths show up here. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool stack = size & 1;
    struct vm_config cfg = {
        .frames = stack ? 512 : 256,
        .commit = stack ? VM_COMMIT_STRICT : VM_COMMIT_OVERCOMMIT,
    };
    char err[256];
    struct vm *vm = vm_new(&cfg, err, sizeof err);
    if (!vm)
        broken("vm_new", err);
    struct vm_mm *mm = vm_mm_new(vm, 1);
    files.prog = memfd_with("prog", data, size);
    if (!mm || files.prog < 0)
        broken("cannot set up", strerror(errno));

    struct loader_fs fs = {.open = fs_open, .ctx = &files};
    char *argv[] = {PROG, "-x", NULL};
    char *envp[] = {"HOME=/", "PATH=/bin", NULL};
    struct loader_args args = {
        .path = PROG, .argv = argv, .envp = envp, .seed = size,
        .hwcap = 0x178bfbff, .uid = 1000, .gid = 1000, .euid = 1000, .egid = 1000,
        .fs = &fs,
    };
    struct loader_image img;
    struct loader_error e;
    if (loader_load(vm, mm, &args, stack, &img, &e) < 0)
        check_failure(&e);
    else
        check_success(mm, &img, stack);
    vm_check(vm);

    close(files.prog);
    files.prog = -1;
    vm_mm_free(mm);
    vm_free(vm);
    return 0;
}
