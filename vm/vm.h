/*
 * vm.h - faultline's memory system, the public face.
 *
 * vm/ models the virtual memory of CS:APP chapter 9 and of Linux: a small
 * simulated DRAM of frames, real x86-64 page tables written into those
 * frames, areas backed by objects (files or anonymous memory), a page cache,
 * demand paging, copy-on-write, a reverse map, a swap file and reclaim.
 * It knows nothing of the CPU that executes the guest: the emulator
 * implements the small "port" below, and vm/ calls it when a frame becomes
 * visible at a virtual address, stops being visible, or when a process's
 * TLB holds translations that are no longer true.
 *
 * The guest address space (Linux x86-64, no ASLR):
 *
 *   0x7ffffffff000  +------------------+  VM_STACK_TOP
 *                   | [stack]  v       |  grows down, limit 8 MiB
 *                   |    gap           |
 *   0x7ffff7fff000  +------------------+  VM_MMAP_BASE
 *                   | mmap region  v   |  top-down: libraries, [anon]
 *                   |                  |
 *   0x555555554000  | PIE executable   |  VM_PIE_BASE
 *                   |                  |
 *                   |                  |  (ASan's shadow: 0x7fff8000 on)
 *     0x7fff0000    +------------------+  VM_RESERVED_END
 *                   | frames reserve   |  physical addresses of frames and
 *     0x20000000    +------------------+  page tables; never guest memory
 *                   | [heap]  ^        |  brk, after the highest segment
 *         0x400000  | ET_EXEC image    |
 *                   +------------------+
 *
 * Errors: functions return 0 or a negative Linux errno unless they say
 * otherwise.  Only a violated internal invariant aborts, with
 * "function: reason", in every build.
 */
#ifndef FAULTLINE_VM_H
#define FAULTLINE_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VM_PAGE_SHIFT 12
#define VM_PAGE_SIZE 4096ULL
#define VM_PAGE_MASK (~(VM_PAGE_SIZE - 1))
/* x rounded up to a page boundary; wraps to 0 past the last page, which
 * every range check then refuses. */
static inline uint64_t vm_page_up(uint64_t x)
{
    return (x + VM_PAGE_SIZE - 1) & VM_PAGE_MASK;
}

#define VM_STACK_TOP 0x7ffffffff000ULL
#define VM_USER_END VM_STACK_TOP /* first address no area may reach */
#define VM_MMAP_BASE 0x7ffff7fff000ULL
#define VM_PIE_BASE 0x555555554000ULL
/* The frames reserve lies below 2^40 (the emulated CPU's physical address
 * width) and, since the CPU reads guest address X at X, it is lost to the
 * guest: in the low 2 GiB, under the fixed shadow that AddressSanitizer
 * maps from 0x7fff8000 to 16 TiB, and above room for an ET_EXEC image
 * and a brk heap of about 500 MiB. */
#define VM_RESERVED_START 0x20000000ULL
#define VM_RESERVED_END 0x7fff0000ULL
/* Frame f lives at physical address VM_PHYS_BASE + f * VM_PAGE_SIZE. */
#define VM_PHYS_BASE VM_RESERVED_START
/* The top pages of the reserve are left to the emulator (trampolines). */
#define VM_RESERVED_EMU_PAGES 16ULL
#define VM_FRAMES_MAX \
    ((VM_RESERVED_END - VM_RESERVED_START) / VM_PAGE_SIZE - VM_RESERVED_EMU_PAGES)
#define VM_FRAMES_DEFAULT 16384u
#define VM_STACK_LIMIT_DEFAULT (8ULL << 20)
#define VM_STACK_LIMIT_MAX (4ULL << 30) /* what RLIM_INFINITY means */
#define VM_MMAP_MIN 0x10000ULL         /* vm.mmap_min_addr */
#define VM_STACK_GUARD_GAP (256ULL * VM_PAGE_SIZE)

/* Protection of an area; also the kind of an access (exactly one bit). */
enum {
    VM_PROT_READ = 1,
    VM_PROT_WRITE = 2,
    VM_PROT_EXEC = 4,
};
typedef unsigned vm_access_t; /* VM_PROT_READ, VM_PROT_WRITE or VM_PROT_EXEC */

enum vm_mode { VM_USER, VM_KERNEL };

/* Area flags. */
enum {
    VM_AREA_SHARED = 1u << 0,    /* MAP_SHARED: writes reach the object */
    VM_AREA_GROWSDOWN = 1u << 1, /* the stack */
    VM_AREA_HEAP = 1u << 2,      /* the brk area */
    VM_AREA_NORESERVE = 1u << 3, /* not charged to the commit limit */
    VM_AREA_CODE = 1u << 4,      /* has been executable: code may have been translated */
    VM_AREA_NOWRITE = 1u << 5,   /* MAP_SHARED of a file opened read-only: never writable */
    VM_AREA_DONTFORK = 1u << 6,  /* MADV_DONTFORK: a fork child does not get it */
    VM_AREA_WIPEONFORK = 1u << 7, /* MADV_WIPEONFORK: a fork child gets it empty */
};

/* x86-64 page-table entries, as the emulated CPU reads them. */
typedef uint64_t pte_t;
#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_U (1ULL << 2)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_SWAP (1ULL << 9) /* software bit: a non-present entry holds a swap slot */
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

enum vm_event {
    VM_EV_DEMAND_ZERO,
    VM_EV_FILE_READ,
    VM_EV_CACHE_HIT,
    VM_EV_COW,
    VM_EV_COW_REUSE,
    VM_EV_SWAP_OUT,
    VM_EV_SWAP_IN,
    VM_EV_EVICT_CLEAN,
    VM_EV_WRITEBACK,
    VM_EV_SEGV,
    VM_EV_SIGBUS,
    VM_EV_COUNT
};

/* What one call of vm_fault did. */
enum vm_fault_result {
    VM_FAULT_DEMAND_ZERO,
    VM_FAULT_FILE_READ,  /* major: read from the file */
    VM_FAULT_CACHE_HIT,  /* minor: the page cache had it */
    VM_FAULT_COW,        /* private copy made */
    VM_FAULT_COW_REUSE,  /* last user of a private page: made writable */
    VM_FAULT_SWAP_IN,    /* major: read back from swap */
    VM_FAULT_MINOR,      /* the entry already allowed the access (A/D, stale TLB) */
    VM_FAULT_SEGV_MAPERR,
    VM_FAULT_SEGV_ACCERR,
    VM_FAULT_SIGBUS,     /* file page past end of file */
    VM_FAULT_OOM,        /* no frame and nothing left to reclaim */
    VM_FAULT_PORT,       /* the port could not show the page (host mapping limit) */
};

static inline bool vm_fault_ok(enum vm_fault_result r)
{
    return r <= VM_FAULT_MINOR;
}

/* One traced event.  Strings are owned by vm/ and valid during the call. */
struct vm_event_rec {
    uint64_t seq;       /* 1, 2, ... per vm */
    int pid;
    enum vm_event event;
    uint64_t vpage;     /* page-aligned virtual address */
    char access;        /* 'R', 'W', 'X', or '-' for reclaim events */
    char mode;          /* 'u' user, 'k' kernel, '-' reclaim */
    const char *area;   /* area name, "-" when none */
    int64_t frame;      /* frame number, -1 when none */
    char detail[40];    /* "from=12", "slot=3", "off=0x2000", "MAPERR", or "-" */
    int tid;            /* the thread that caused it: vm/ leaves 0, the tracer's caller
                           says (0: none, as for another process's page reclaimed) */
    uint64_t cause;     /* reclaim events (swap-out, writeback, evict-clean): the seq of
                           the fault whose allocation made them; 0: none (not in a fault) */
    /* Where the fault came from: vm/ leaves these 0 and NULL, the tracer's
     * caller fills them (the strings live as long as the run). */
    uint64_t ip;        /* user: the faulting instruction; kernel: the syscall
                           instruction of the call that touched the page; 0: none */
    const char *call;   /* kernel faults: the system call's name; NULL: none */
    const char *object; /* the object ip lies in ("libc.so.6"); NULL: none */
    const char *func;   /* the function ip lies in; NULL: none */
    uint64_t func_off;  /* ip's offset from the function's start */
    const char *src;    /* the source file of ip (as its line table names it); NULL: none */
    unsigned line;      /* its line in src */
    uint64_t rss;       /* after the event: pages resident in the process (0: no process) */
    uint64_t swap;      /* ... and swap slots in use, machine-wide */
};

struct vm;
struct vm_mm;
struct vm_area;
struct vm_object;

/* The port: what vm/ needs from whatever runs the guest.  Every callback
 * may be NULL (then it does nothing).  ctx is the port's own pointer. */
struct vm_port {
    /* Frames frame .. frame + npages - 1 now back the pages from va on in
     * mm: make the CPU see their bytes there, whatever showed before.  exec: the area is
     * executable, so code translated earlier at va is stale.  ahead: the
     * next `ahead` pages are empty (no entry), so the port may show the
     * next frames there too in the same step, betting that they will be
     * given to those pages next; nothing can read them until they are.
     * Returns 0 or -ENOMEM when the host refuses another mapping. */
    int (*map)(void *ctx, struct vm_mm *mm, uint64_t va, uint32_t frame, uint64_t npages,
               uint64_t ahead, bool exec);
    /* [va, va + npages pages) of mm no longer hold pages (munmap,
     * madvise, a move).  Pages reclaim takes away one by one are not
     * reported: their entries are gone and flush_tlb is called, so the
     * CPU cannot reach what still shows there; map replaces it when the
     * page comes back. */
    void (*unmap)(void *ctx, struct vm_mm *mm, uint64_t va, uint64_t npages);
    /* An area now covers [start, end) in mm: make it reachable (not
     * called for PROT_NONE areas until they are opened). */
    int (*cover)(void *ctx, struct vm_mm *mm, uint64_t start, uint64_t end);
    /* mm's TLB may hold translations that are no longer true (entries were
     * removed or downgraded).  Before the CPU of mm executes another
     * instruction it must drop them.  Called once per batch. */
    void (*flush_tlb)(void *ctx, struct vm_mm *mm);
    /* The code at [va, va + len) may be other than what the CPU translated:
     * vm/ wrote bytes there behind the CPU's back, or pages of an area
     * that was ever executable went away (munmap, madvise, mremap, a
     * MAP_FIXED replacement).  Not called when a page is evicted and
     * comes back: its bytes are the same. */
    void (*code_changed)(void *ctx, struct vm_mm *mm, uint64_t va, uint64_t len);
    void *ctx;
};

enum vm_policy { VM_POLICY_CLOCK, VM_POLICY_FIFO, VM_POLICY_LRU, VM_POLICY_RANDOM };
enum vm_commit { VM_COMMIT_STRICT, VM_COMMIT_OVERCOMMIT };

struct vm_config {
    uint32_t frames;       /* DRAM size in pages, page tables included */
    uint64_t swap_pages;   /* slots in the swap file; 0: no swap */
    const char *swap_path; /* NULL: an unlinked temporary file */
    enum vm_policy policy;
    enum vm_commit commit;
    uint64_t seed;         /* for the random policy */
    void (*trace)(void *ctx, const struct vm_event_rec *rec);
    void *trace_ctx;
    bool trace_details;    /* fill vm_event_rec.detail (formatting costs) */
};

/* Counters, for --summary. */
struct vm_stats {
    uint64_t events[VM_EV_COUNT];
    uint64_t minor, major;       /* faults that succeeded */
    uint64_t kernel_faults;      /* of which raised by copy-in/copy-out */
    uint32_t frames_in_use, peak_frames;
    uint32_t pt_frames, peak_pt_frames;
    uint32_t shared_frames, peak_shared_frames; /* mapped by two entries or more */
    uint64_t swap_used, peak_swap;
    uint64_t reclaim_scans, reclaim_batches;
    uint64_t reclaim_referenced; /* scanned frames found recently used (spared) */
    uint64_t commit_refusals;    /* charges strict commit refused, */
    uint64_t refused_pages;      /* the last one's size, */
    uint64_t refused_committed;  /* what was committed then, */
    uint64_t commit_limit;       /* of this limit (pages) */
};

/* --- the machine ------------------------------------------------------- */

/* Create the memory system: a host memfd of cfg->frames pages (mapped once
 * for vm/), the frame table, and the swap file when cfg->swap_pages > 0.
 * On failure returns NULL and writes a one-line reason to err. */
struct vm *vm_new(const struct vm_config *cfg, char *err, size_t errlen);
/* Free everything; every mm must have been freed first. */
void vm_free(struct vm *vm);
void vm_set_port(struct vm *vm, const struct vm_port *port);
/* The host memfd holding the frames, and its mapping (frame f at
 * base + f * VM_PAGE_SIZE).  The port aliases frames from this fd. */
int vm_dram_fd(const struct vm *vm);
uint8_t *vm_dram_base(const struct vm *vm);
uint32_t vm_dram_frames(const struct vm *vm);
const struct vm_stats *vm_stats(const struct vm *vm);
/* Fault events raised so far, for callers that label their own output. */
uint64_t vm_event_seq(const struct vm *vm);
const char *vm_event_name(enum vm_event ev);
/* Parse an event name back; -1 when unknown. */
int vm_event_parse(const char *name);

/* --- address spaces ------------------------------------------------------ */

/* New empty address space with its PML4 (one frame).  NULL: no frame. */
struct vm_mm *vm_mm_new(struct vm *vm, int pid);
/* Tear down every area, page table and frame reference of mm.  The port
 * is not asked to hide the pages one by one: whatever showed mm's pages
 * (its CPU) must not run it again. */
void vm_mm_free(struct vm_mm *mm);
/* The child address space of fork: same areas (but those marked
 * VM_AREA_DONTFORK; those marked VM_AREA_WIPEONFORK start empty); private
 * writable pages are write-protected in both and shared by reference
 * (copy-on-write); shared pages and swap entries are shared.  Flushes the
 * parent's TLB once.
 * child_port_data is set before the port first sees the child.  Returns
 * NULL (with nothing left behind) when page tables or the commit limit
 * run out. */
struct vm_mm *vm_mm_fork(struct vm_mm *parent, int child_pid, void *child_port_data);
void vm_mm_set_pid(struct vm_mm *mm, int pid);
int vm_mm_pid(const struct vm_mm *mm);
/* Physical address of the PML4: what CR3 holds. */
uint64_t vm_mm_cr3(const struct vm_mm *mm);
/* Opaque pointer for the port's own per-process state. */
void vm_mm_set_port_data(struct vm_mm *mm, void *data);
void *vm_mm_port_data(const struct vm_mm *mm);
/* Does any page of [start, end) have a present entry in mm?  What the
 * port asks before it lets go of the host memory behind a range. */
bool vm_mm_present_in(const struct vm_mm *mm, uint64_t start, uint64_t end);
/* Resident and swapped pages of mm, and the most it ever had resident. */
uint64_t vm_mm_rss(const struct vm_mm *mm);
uint64_t vm_mm_swapped(const struct vm_mm *mm);
uint64_t vm_mm_peak_rss(const struct vm_mm *mm);
/* Page-table pages of mm (its PML4 too). */
uint32_t vm_mm_pt_pages(const struct vm_mm *mm);

/* --- objects ------------------------------------------------------------- */

/* The file object of an open host fd, found by device+inode so every
 * mapping of one file shares its page cache.  The object keeps its own
 * dup of fd.  name is what traces call it (e.g. "libc.so.6").  writable:
 * the caller will map it MAP_SHARED with PROT_WRITE (the object then needs
 * a writable fd; -EACCES if fd is not).  Returns a new reference or an
 * errno through *err. */
struct vm_object *vm_object_file(struct vm *vm, int fd, const char *name,
                                 bool writable, int *err);
/* A new anonymous shared object (MAP_SHARED|MAP_ANONYMOUS) of size bytes. */
struct vm_object *vm_object_anon_shared(struct vm *vm, uint64_t size);
void vm_object_put(struct vm_object *obj);
/* Size in bytes of the file behind obj, as last seen. */
uint64_t vm_object_size(const struct vm_object *obj);
/* Write every dirty cached page of obj back to its file. */
int vm_object_sync(struct vm_object *obj);
/* The file changed size (ftruncate, write past end): note its new size. */
void vm_object_resized(struct vm *vm, int fd);
/* write() put len bytes at off into the file dev+ino: keep its cached
 * pages equal to the file (mappings see the new bytes). */
void vm_file_written(struct vm *vm, uint64_t dev, uint64_t ino, uint64_t off, const void *buf,
                     size_t len);
/* read() or write() moved len bytes at off of the regular file open as
 * host fd (the file holds them now): the pages they lie in enter its page
 * cache, as Linux's do, read from the file (pages cached already stay as
 * they are; when DRAM is short, reclaim runs first).  name is what traces
 * call the file if this makes its object.  Nothing is traced. */
void vm_file_cache(struct vm *vm, int fd, const char *name, uint64_t off, size_t len);
/* Before read() of [off, off + len) of the file dev+ino (fsync: 0 and
 * UINT64_MAX): its dirty cached pages there reach it. */
void vm_file_sync(struct vm *vm, uint64_t dev, uint64_t ino, uint64_t off, uint64_t len);
/* sync(2): the dirty cached pages of every file reach it. */
void vm_sync_all(struct vm *vm);

/* --- areas ---------------------------------------------------------------- */

struct vm_area_info {
    uint64_t start, end;
    unsigned prot, flags;
    const char *name;
    uint64_t offset;        /* byte offset in the object */
    uint64_t dev, ino;      /* 0 for anonymous */
    bool file;              /* backed by a file */
    uint64_t resident, swapped, shared; /* pages */
    /* resident split by what the frame is, as Linux's RssAnon, RssFile,
     * RssShmem count it: private (anonymous, or copied from a file),
     * shared anonymous (MAP_SHARED|MAP_ANONYMOUS, System V segments); the
     * rest, resident - anon - shmem, are page-cache pages of a file. */
    uint64_t anon, shmem;
};

/* Create an area [start, start + len) with prot and flags, backed by obj
 * at byte offset off (obj NULL: anonymous private, demand-zero).  The
 * range must be page-aligned, inside the user half, outside the reserve,
 * and free (unmap it first for MAP_FIXED).  name is copied.  The area
 * takes its own reference on obj. */
int vm_map(struct vm_mm *mm, uint64_t start, uint64_t len, unsigned prot,
           unsigned flags, struct vm_object *obj, uint64_t off, const char *name);
/* Remove every page of [start, start + len) from mm: areas are split or
 * dropped, frames released, swap slots freed, dirty shared pages written
 * back; one TLB flush.  Unmapping a hole is not an error. */
int vm_unmap(struct vm_mm *mm, uint64_t start, uint64_t len);
/* Change the protection of [start, start + len) (page-aligned; len 0:
 * nothing) area by area from start, as Linux's mprotect does: a hole, at
 * start or further on, ends it with -ENOMEM, and an area that may not be
 * given prot (VM_AREA_NOWRITE made writable) with -EACCES; the areas
 * before either keep their new protection.  -EINVAL: unaligned start or
 * prot beyond VM_PROT_*; -ENOMEM also when the range wraps or the commit
 * charge fails. */
int vm_protect(struct vm_mm *mm, uint64_t start, uint64_t len, unsigned prot);
/* A free range of len bytes for mmap without MAP_FIXED: the highest one
 * below hint (or VM_MMAP_BASE), as Linux's top-down allocator does; a hint
 * that is itself free is taken as it is.  0 when none. */
uint64_t vm_find_free(const struct vm_mm *mm, uint64_t len, uint64_t hint);
/* Is [start, start + len) free of areas? */
bool vm_range_free(const struct vm_mm *mm, uint64_t start, uint64_t len);
/* Grow or shrink the area that starts at start to end at new_end (mremap
 * in place, brk).  Growing needs free space after it. */
int vm_resize(struct vm_mm *mm, uint64_t start, uint64_t new_end);
/* Move the pages of [old, old + len), one whole area, to new (free), keeping
 * frames and swap entries (mremap MREMAP_MAYMOVE).  -EHOSTDOWN: moved, but
 * the host refused to alias some page at its new place; the process must
 * not run on (as a fault with VM_FAULT_PORT). */
int vm_move(struct vm_mm *mm, uint64_t old, uint64_t len, uint64_t new_start);
/* What madvise asks of the areas of a range. */
enum vm_advice {
    VM_ADV_NONE,       /* advice about access patterns: nothing to do */
    VM_ADV_DONTNEED,   /* drop the pages: the next touch faults as if new
                          (anonymous: zero; file: the file's bytes) */
    VM_ADV_FREE,       /* the same, for private anonymous areas only */
    VM_ADV_REMOVE,     /* punch a hole in the object behind a shared area
                          that may be written: its pages read zero, the
                          file's bytes there too, in every mapping */
    VM_ADV_WILLNEED,   /* read a file's pages ahead into the page cache
                          (anonymous memory: nothing) */
    VM_ADV_DONTFORK,   /* a fork child does not get the range */
    VM_ADV_DOFORK,
    VM_ADV_WIPEONFORK, /* a fork child gets it empty (private anonymous only) */
    VM_ADV_KEEPONFORK,
};
/* Apply adv to [start, start + len) area by area, as Linux's madvise:
 * -EINVAL for an unaligned start or a length that wraps (len 0: nothing);
 * an area that cannot take adv ends the walk with -EINVAL (FREE,
 * WIPEONFORK: not private anonymous; REMOVE: anonymous private) or
 * -EACCES (REMOVE: not shared, or the file is not open for writing), the
 * areas before it done; a hole is skipped and reported as -ENOMEM at the
 * end.  Areas are split to fit the flags set, and merged back. */
int vm_advise(struct vm_mm *mm, uint64_t start, uint64_t len, enum vm_advice adv);
/* Fault in every page of [start, start + len) (page-aligned, not empty)
 * for reading or writing, as kernel-mode accesses (MADV_POPULATE_READ and
 * _WRITE): -ENOMEM at a hole or when memory runs out, -EINVAL at an area
 * whose protection does not allow the access, -EFAULT when a page cannot
 * be had (a file page past the end of its file); the pages before stay. */
int vm_populate(struct vm_mm *mm, uint64_t start, uint64_t len, bool write);
/* Write back the dirty shared pages of [start, start + len) (msync),
 * area by area as Linux: a hole is stepped over and reported as -ENOMEM
 * at the end (a range that wraps: -ENOMEM, nothing done); -EINVAL for an
 * unaligned start. */
int vm_sync(struct vm_mm *mm, uint64_t start, uint64_t len);

/* brk: the heap starts at start (page-aligned, after the image). */
void vm_brk_init(struct vm_mm *mm, uint64_t start);
/* Move the break to new_brk (0: query).  Returns the new break; on
 * failure the old one, as Linux does. */
uint64_t vm_brk(struct vm_mm *mm, uint64_t new_brk);
/* Stack growth limit for the grows-down area (default 8 MiB). */
void vm_set_stack_limit(struct vm_mm *mm, uint64_t limit); /* clamped to VM_STACK_LIMIT_MAX */
uint64_t vm_stack_limit(const struct vm_mm *mm);

/* Areas in address order: fills at most max entries, returns the count. */
size_t vm_areas(const struct vm_mm *mm, struct vm_area_info *out, size_t max);
size_t vm_area_count(const struct vm_mm *mm);
/* What the memory at addr is, the same in every process that maps it:
 * (object, byte offset) in a MAP_SHARED area, (mm, addr) otherwise
 * (futex keys).  False when addr is in no area. */
struct vm_key {
    const void *base;
    uint64_t off;
};
bool vm_memory_key(const struct vm_mm *mm, uint64_t addr, struct vm_key *key);
/* The area containing addr, or false. */
bool vm_area_at(const struct vm_mm *mm, uint64_t addr, struct vm_area_info *out);
/* The first area that ends above addr (the one holding it, or the next
 * one up), or false: Linux's find_vma. */
bool vm_area_from(const struct vm_mm *mm, uint64_t addr, struct vm_area_info *out);
/* What the code at addr is, cheaply (one lookup, no page counts): a file
 * area's object (its device, inode, host fd and name) and addr's byte
 * offset in the file; an anonymous area's name, with fd -1.  False when
 * addr is in no area. */
struct vm_code {
    uint64_t dev, ino;
    int fd;
    const char *name;       /* the object's ("libc.so.6"), else the area's ("[anon]") */
    uint64_t off;
};
bool vm_code_at(const struct vm_mm *mm, uint64_t addr, struct vm_code *out);

/* --- faults and guest memory ------------------------------------------------ */

/* The single fault entry: an access of kind access (one VM_PROT_* bit) at
 * addr by mode faulted.  On success the page is present and allows the
 * access; the caller retries.  Every outcome is traced. */
enum vm_fault_result vm_fault(struct vm_mm *mm, uint64_t addr, vm_access_t access,
                              enum vm_mode mode);

/* Copy between the host and guest memory the way the CPU would access it:
 * walk the tables, fault in (mode VM_KERNEL, traced), set A and D bits.
 * Return 0 or -EFAULT (no area, wrong protection, or out of memory). */
int vm_copy_in(struct vm_mm *mm, void *dst, uint64_t src, size_t len);
int vm_copy_out(struct vm_mm *mm, uint64_t dst, const void *src, size_t len);
int vm_zero_out(struct vm_mm *mm, uint64_t dst, size_t len);
/* Copy a NUL-terminated string of at most max bytes (NUL included).
 * Returns its length, -EFAULT, or -ENAMETOOLONG. */
long vm_copy_str_in(struct vm_mm *mm, char *dst, uint64_t src, size_t max);
/* The software MMU: perform one access at addr by mode (fault and retry as
 * needed).  Returns 0 or the failing fault result's errno (-EFAULT). */
int vm_touch(struct vm_mm *mm, uint64_t addr, vm_access_t access, enum vm_mode mode);
/* Read the PTE for addr without side effects (0 when no table). */
pte_t vm_pte(const struct vm_mm *mm, uint64_t addr);
/* Residency, as Linux's mincore reports it: out[i] = 1 when page i from
 * addr (page-aligned) is in DRAM, 0 when touching it would have to read
 * it from swap or its file, or make it.  A page with no entry counts as
 * resident when its object's page cache holds it; a swap entry, when the
 * swap cache still has its frame.  Fills at most pages entries and stops
 * at the end of the area holding addr (the caller goes on from there).
 * Returns how many it filled, -ENOMEM when addr is in no area, -EINVAL
 * when it is not aligned.  No fault, no trace, nothing changes. */
long vm_mincore(struct vm_mm *mm, uint64_t addr, uint64_t pages, uint8_t *out);

/* --- reclaim ------------------------------------------------------------- */

/* Evict up to n pages now (normally it happens on its own when free frames
 * run low).  Returns the number evicted. */
uint32_t vm_reclaim(struct vm *vm, uint32_t n);
/* Frames free right now. */
uint32_t vm_frames_free(const struct vm *vm);

/* What every frame of DRAM holds now, and the swap and commit figures
 * (pages): what /proc/meminfo and sysinfo describe. */
struct vm_usage {
    uint32_t total, free;
    uint32_t anon;        /* private pages (swap-cached ones too) */
    uint32_t swap_cached; /* private pages also held by a swap slot */
    uint32_t file;        /* page-cache pages of files, mapped or idle */
    uint32_t file_mapped; /* ... of which some process maps */
    uint32_t dirty;       /* file pages newer than their file */
    uint32_t shmem;       /* shared anonymous pages */
    uint32_t page_tables;
    uint64_t swap_total, swap_used;
    uint64_t commit_limit, committed;
};
void vm_usage(const struct vm *vm, struct vm_usage *out);

/* --- checking -------------------------------------------------------------- */

/* Check every invariant of the machine: refcounts equal mapping PTEs plus
 * cache references, rmap agrees with the page tables, no frame both free
 * and used, areas sorted and disjoint, swap slots agree with swap entries.
 * Aborts with "vm_check: reason" on the first violation. */
void vm_check(const struct vm *vm);

#endif
