/*
 * internal.h - the structures every file of vm/ shares, and the invariant
 * assertion.  Functions live in the module headers (frame.h, pt.h, ...);
 * nothing outside vm/ (but its unit tests) includes this.
 */
#ifndef FAULTLINE_VM_INTERNAL_H
#define FAULTLINE_VM_INTERNAL_H

#include "vm.h"

#include <stdio.h>
#include <stdlib.h>

#define NO_FRAME UINT32_MAX

/* An internal invariant was violated: say where and why, and abort (in
 * every build). */
static inline _Noreturn void vm_panic(const char *func, const char *reason)
{
    fprintf(stderr, "faultline: internal error: %s: %s\n", func, reason);
    abort();
}

/* An invariant, checked in every build. */
#define VM_ASSERT(cond, reason)                                          \
    do {                                                                 \
        if (!(cond))                                                     \
            vm_panic(__func__, reason);                                  \
    } while (0)

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

/* --- areas -------------------------------------------------------------------- */

struct vm_area {
    uint64_t start, end;
    unsigned prot, flags;
    struct vm_object *obj; /* NULL: anonymous private; else one reference */
    uint64_t pgoff;        /* object page index of start */
    char *name;            /* owned */
    bool charged;          /* counted in the commit charge */
};

/* --- objects and the page cache ---------------------------------------------- */

enum object_kind { OBJ_FILE, OBJ_ANON_SHARED };

struct cache_entry {
    uint64_t index;   /* page index in the object */
    uint32_t frame;   /* NO_FRAME when not resident */
    uint64_t slot;    /* swap slot + 1 of an evicted shared-anon page; 0 none */
};

#define CACHE_EMPTY UINT64_MAX

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
    struct cache_entry *cache; /* open addressing, index CACHE_EMPTY = empty */
    size_t cap, used;
    struct vm_object *next;    /* the vm's list of file objects */
};

/* --- swap ------------------------------------------------------------------- */

struct swap {
    int fd;
    uint64_t nslots;
    uint64_t used;
    uint16_t *refs;      /* references to each slot (PTEs, cache entries) */
    uint32_t *cached;    /* frame + 1 holding the slot's page, 0 none */
    uint64_t cursor;
};

/* --- the machine and address spaces ----------------------------------------- */

/* Reclaim events raised inside a fault wait here until the fault's own
 * event is known, so that each can name it (trace.c). */
struct held_event {
    struct vm_event_rec rec;
    char area[160];
};
struct held_events {
    struct held_event *v;
    size_t n, cap;
    int depth;                   /* faults under way (nested: kernel copies) */
};

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
    struct held_events held;     /* reclaim events of the fault under way (trace.c) */
};

struct vm_mm {
    struct vm *vm;
    int pid;
    uint32_t pml4;
    struct vm_area **areas; /* owned, sorted by address */
    size_t nareas, cap;
    uint64_t brk_start, brk;
    uint64_t stack_limit;
    uint64_t rss, swapped;
    uint64_t peak_rss;    /* the most rss ever was (VmHWM) */
    uint32_t npt;         /* page-table pages */
    bool tlb_stale;
    bool dying;           /* being freed: the port is not told of each page */
    void *port_data;
};

#endif
