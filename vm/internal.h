/*
 * internal.h - structures and helpers shared by the files of vm/.
 * Nothing outside vm/ includes this.
 */
#ifndef FAULTLINE_VM_INTERNAL_H
#define FAULTLINE_VM_INTERNAL_H

#include "vm.h"

#include <stdio.h>
#include <stdlib.h>

#define NO_FRAME UINT32_MAX

/* An invariant, checked in every build. */
#define VM_ASSERT(cond, reason)                                          \
    do {                                                                 \
        if (!(cond))                                                     \
            vm_panic(__func__, reason);                                  \
    } while (0)

_Noreturn void vm_panic(const char *func, const char *reason);

/* --- frames ----------------------------------------------------------------- */

enum frame_kind {
    FRAME_FREE,
    FRAME_PT,    /* a page-table page of one mm */
    FRAME_ANON,  /* private page: zero-filled, copied or swapped in */
    FRAME_CACHE, /* a page of an object (file or shared anonymous) */
};

enum {
    FRAME_DIRTY = 1u << 0,     /* cache page newer than its file or slot */
    FRAME_SWAPCACHE = 1u << 1, /* anon page also held by a swap slot (index) */
    FRAME_PRISTINE = 1u << 2,  /* never written since the memfd was made: reads zero */
};

/* Who maps a frame: one (mm, va) per PTE that points at it. */
struct rmap_ref {
    struct vm_mm *mm;
    uint64_t va;
};

struct frame {
    uint32_t refs;   /* mapping PTEs + 1 for a page cache or swap cache */
    uint8_t kind;    /* enum frame_kind */
    uint8_t flags;
    uint8_t age;     /* lru policy: scans since last use */
    uint8_t pad;
    uint32_t nrmap;  /* == mapping PTEs */
    uint32_t rmapcap;
    struct rmap_ref *rmap; /* nrmap entries (rmap1 when nrmap <= 1) */
    struct rmap_ref rmap1;
    struct vm_object *obj; /* FRAME_CACHE: owner */
    uint64_t index;        /* FRAME_CACHE: page index; SWAPCACHE: slot */
    struct vm_mm *owner;   /* FRAME_PT: its mm */
    uint32_t lru_prev, lru_next; /* user frames in allocation order */
};

struct dram {
    int fd;
    uint8_t *base;
    uint32_t nframes;
    uint32_t nfree;
    uint32_t cursor;     /* next-fit search start */
    uint64_t *freemap;   /* bit set: frame free */
    uint64_t *pristine;  /* bit set: never allocated, so still zero (untouched memfd) */
    struct frame *frames;
    uint32_t lru_head, lru_tail; /* user frames, oldest first */
    uint32_t hand;       /* clock hand (a frame on the list or NO_FRAME) */
    uint32_t low_mark;   /* reclaim when nfree drops below */
    uint32_t batch;      /* pages per reclaim batch */
};

static inline uint8_t *frame_bytes(const struct vm *vm, uint32_t f);
static inline uint64_t frame_phys(uint32_t f)
{
    return VM_PHYS_BASE + (uint64_t)f * VM_PAGE_SIZE;
}

int dram_init(struct dram *d, uint32_t nframes, char *err, size_t errlen);
void dram_free(struct dram *d);
/* A free frame, next to hint when hint is free; NO_FRAME when none.
 * The frame's bytes are not cleared: frame_zero() does that. */
uint32_t frame_alloc(struct vm *vm, enum frame_kind kind, uint32_t hint);
/* Clear a frame just allocated, unless it was never used: the host gives
 * an untouched memfd page as zeros, and touching it here would cost a
 * host page fault that the first use by the guest then repeats. */
void frame_zero(struct vm *vm, uint32_t f);
/* Return a frame whose references are all gone to the free pool. */
void frame_release(struct vm *vm, uint32_t f);
/* Drop one reference; frees the frame (and its cache entry) at zero. */
void frame_put(struct vm *vm, uint32_t f);
void rmap_add(struct vm *vm, uint32_t f, struct vm_mm *mm, uint64_t va);
void rmap_remove(struct vm *vm, uint32_t f, struct vm_mm *mm, uint64_t va);
struct rmap_ref *rmap_refs(struct frame *fr);

/* --- page tables ------------------------------------------------------------- */

/* The leaf entry for va; with create, missing tables are allocated (from
 * frames).  NULL: no table (create false) or no frame (create true). */
pte_t *pt_walk(struct vm_mm *mm, uint64_t va, bool create);
/* Free the page-table pages under [start, end) that hold no entry. */
void pt_prune(struct vm_mm *mm, uint64_t start, uint64_t end);
/* Free every page-table page of mm, PML4 included. */
void pt_free_all(struct vm_mm *mm);
/* Call fn on every non-empty leaf entry in [start, end), in address order. */
typedef void (*pt_visit_fn)(struct vm_mm *mm, uint64_t va, pte_t *pte, void *arg);
void pt_for_each(struct vm_mm *mm, uint64_t start, uint64_t end, pt_visit_fn fn, void *arg);
/* Number of page-table pages of mm. */
uint32_t pt_count(const struct vm_mm *mm);

static inline uint32_t pte_frame(pte_t e)
{
    return (uint32_t)(((e & PTE_ADDR) - VM_PHYS_BASE) >> VM_PAGE_SHIFT);
}
static inline pte_t pte_make(uint32_t f, unsigned prot, bool writable)
{
    pte_t e = frame_phys(f) | PTE_P | PTE_U;
    if (writable)
        e |= PTE_W;
    if (!(prot & VM_PROT_EXEC))
        e |= PTE_NX;
    return e;
}
static inline bool pte_is_swap(pte_t e)
{
    return !(e & PTE_P) && (e & PTE_SWAP);
}
static inline uint64_t pte_swap_slot(pte_t e)
{
    return (e & PTE_ADDR) >> VM_PAGE_SHIFT;
}
static inline pte_t pte_make_swap(uint64_t slot)
{
    return (slot << VM_PAGE_SHIFT) | PTE_SWAP;
}

/* --- areas -------------------------------------------------------------------- */

struct vm_area {
    uint64_t start, end;
    unsigned prot, flags;
    struct vm_object *obj; /* NULL: anonymous private */
    uint64_t pgoff;        /* object page index of start */
    char *name;
    bool charged;          /* counted in the commit charge */
};

/* Index of the first area with end > addr (nareas when none). */
size_t area_index(const struct vm_mm *mm, uint64_t addr);
struct vm_area *area_find(const struct vm_mm *mm, uint64_t addr);
struct vm_area *area_new(uint64_t start, uint64_t end, unsigned prot, unsigned flags,
                         struct vm_object *obj, uint64_t pgoff, const char *name);
void area_free(struct vm_area *a);
/* Insert a into mm's ordered set (no overlap allowed). */
int area_insert(struct vm_mm *mm, struct vm_area *a);
void area_remove_at(struct vm_mm *mm, size_t i);
/* Split the area at index i at addr (start < addr < end): the upper part
 * becomes a new area at i + 1. */
int area_split(struct vm_mm *mm, size_t i, uint64_t addr);
/* Merge area i with its neighbours where they are compatible. */
void area_try_merge(struct vm_mm *mm, size_t i);
/* Object page index of va in a. */
static inline uint64_t area_pgoff(const struct vm_area *a, uint64_t va)
{
    return a->pgoff + ((va - a->start) >> VM_PAGE_SHIFT);
}
static inline bool area_private_writable(const struct vm_area *a)
{
    return !(a->flags & VM_AREA_SHARED) && (a->prot & VM_PROT_WRITE);
}

/* --- objects and the page cache ---------------------------------------------- */

enum object_kind { OBJ_FILE, OBJ_ANON_SHARED };

struct cache_entry {
    uint64_t index;   /* page index in the object */
    uint32_t frame;   /* NO_FRAME when not resident */
    uint64_t slot;    /* swap slot + 1 of an evicted shared-anon page; 0 none */
};

struct vm_object {
    struct vm *vm;
    enum object_kind kind;
    uint32_t refs;
    uint64_t dev, ino;
    int fd;             /* OBJ_FILE: host fd for reads and writeback */
    bool fd_writable;
    uint64_t size;      /* bytes */
    int64_t mtime_ns, ctime_ns; /* when cached pages were known to match the file */
    uint64_t idle_since; /* no reference left, pages kept as cache: when (0 if in use) */
    char *name;
    struct cache_entry *cache; /* open addressing, index UINT64_MAX = empty */
    size_t cap, used;
    struct vm_object *next;    /* the vm's list of file objects */
};

#define CACHE_EMPTY UINT64_MAX

struct cache_entry *cache_lookup(struct vm_object *obj, uint64_t index);
/* Entry for index, created when absent; NULL when out of memory. */
struct cache_entry *cache_slot(struct vm_object *obj, uint64_t index);
void cache_delete(struct vm_object *obj, uint64_t index);
/* Read page index of the file into frame f (zero past end of file). */
int object_read_page(struct vm_object *obj, uint64_t index, uint32_t f);
/* Write frame f back as page index of the file (up to the file's size). */
int object_write_page(struct vm_object *obj, uint64_t index, uint32_t f);
void object_get(struct vm_object *obj);
/* Free an object and its cached pages (dirty ones written back first). */
void object_destroy(struct vm_object *obj);

/* Idle file objects kept for their page cache, at most this many. */
#define VM_IDLE_OBJECTS_MAX 64

/* --- swap ------------------------------------------------------------------- */

struct swap {
    int fd;
    uint64_t nslots;
    uint64_t used;
    uint16_t *refs;      /* references to each slot (PTEs, cache entries) */
    uint32_t *cached;    /* frame + 1 holding the slot's page, 0 none */
    uint64_t cursor;
};

int swap_init(struct swap *s, uint64_t nslots, const char *path, char *err, size_t errlen);
void swap_free(struct swap *s);
/* A free slot with one reference; UINT64_MAX when full. */
uint64_t swap_slot_alloc(struct vm *vm);
void swap_slot_get(struct vm *vm, uint64_t slot);
/* Drop one reference; the slot is free at zero. */
void swap_slot_put(struct vm *vm, uint64_t slot);
/* Write frames[0..n) to slots slot .. slot + n - 1 in one go (n <= 256). */
int swap_write_run(struct vm *vm, uint64_t slot, const uint32_t *frames, uint32_t n);
int swap_read(struct vm *vm, uint64_t slot, uint32_t f);

/* --- the machine and address spaces ----------------------------------------- */

struct vm {
    struct vm_config cfg;
    struct dram dram;
    struct swap swap;
    bool has_swap;
    struct vm_port port;
    struct vm_stats stats;
    uint64_t seq;
    struct vm_object *objects;   /* every object: files found by device+inode */
    struct vm_mm **mms;          /* every live mm, for the checker */
    size_t nmms, mmcap;
    uint64_t commit_limit, committed; /* pages */
    uint64_t idle_clock;         /* orders idle file objects, oldest first */
    uint32_t idle_objects;
    uint64_t rng;                /* random policy state */
    bool in_reclaim;
};

struct vm_mm {
    struct vm *vm;
    int pid;
    uint32_t pml4;
    struct vm_area **areas;
    size_t nareas, cap;
    uint64_t brk_start, brk;
    uint64_t stack_limit;
    uint64_t rss, swapped;
    uint32_t npt;         /* page-table pages */
    bool tlb_stale;
    bool dying;           /* being freed: the port is not told of each page */
    void *port_data;
};

static inline uint8_t *frame_bytes(const struct vm *vm, uint32_t f)
{
    return vm->dram.base + (uint64_t)f * VM_PAGE_SIZE;
}

/* Port calls (no-ops when the port leaves them NULL). */
int port_map(struct vm_mm *mm, uint64_t va, uint32_t f, uint64_t npages, uint64_t ahead,
             bool exec);
void port_unmap(struct vm_mm *mm, uint64_t va, uint64_t npages);
/* An area with prot now covers [start, end): make it reachable.  An area
 * nobody may touch (PROT_NONE: guard regions, reservations of terabytes)
 * needs nothing until vm_protect opens it. */
int port_cover(struct vm_mm *mm, uint64_t start, uint64_t end, unsigned prot);
/* Tell the port once that mm's TLB is stale, if it is. */
void port_flush(struct vm_mm *mm);

/* Emit one event (and count it). */
void trace_event(struct vm *vm, struct vm_mm *mm, enum vm_event ev, uint64_t va,
                 char access, char mode, const char *area, int64_t frame,
                 const char *detail_fmt, ...) __attribute__((format(printf, 9, 10)));

/* Drop the page behind one leaf entry (present or swap) of mm at va and
 * clear the entry.  Dirty shared pages are written back first. */
void mm_zap_pte(struct vm_mm *mm, const struct vm_area *a, uint64_t va, pte_t *pte);

/* Is cache frame f newer than its backing?  Folds the D bits of every
 * mapping into FRAME_DIRTY and clears them (their TLBs go stale). */
bool frame_collect_dirty(struct vm *vm, uint32_t f);

/* Commit accounting. */
int commit_charge(struct vm *vm, uint64_t pages);
void commit_uncharge(struct vm *vm, uint64_t pages);
bool area_needs_charge(const struct vm *vm, unsigned prot, unsigned flags);

/* Remove every mapping of frame f (rmap), leaving entry e (0 or a swap
 * entry) in its place; traces ev for each unless ev is VM_EV_COUNT.  The
 * callers flush the TLBs. */
void rmap_unmap_all(struct vm *vm, uint32_t f, pte_t e, enum vm_event ev, const char *detail);

/* Reclaim until at least want frames are free (best effort). */
void reclaim_for(struct vm *vm, uint32_t want);

#endif
