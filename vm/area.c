/*
 * area.c - the ordered, disjoint set of areas of one mm, and what the
 * outside may ask about them.
 *
 * A sorted array: lookups are a binary search, and programs have few
 * areas (tens, rarely thousands), so inserting by moving the tail is cheap.
 */
#include "area.h"

#include "addr.h"
#include "object.h"
#include "pt.h"

#include <errno.h>
#include <string.h>

#define AREAS_MAX 65530 /* Linux's default vm.max_map_count */

size_t area_index(const struct vm_mm *mm, uint64_t addr)
{
    size_t lo = 0, hi = mm->nareas;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (mm->areas[mid]->end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct vm_area *area_find(const struct vm_mm *mm, uint64_t addr)
{
    size_t i = area_index(mm, addr);
    if (i < mm->nareas && mm->areas[i]->start <= addr)
        return mm->areas[i];
    return NULL;
}

struct vm_area *area_new(uint64_t start, uint64_t end, unsigned prot, unsigned flags,
                         struct vm_object *obj, uint64_t pgoff, const char *name)
{
    struct vm_area *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->name = strdup(name ? name : "[anon]");
    if (!a->name) {
        free(a);
        return NULL;
    }
    a->start = start;
    a->end = end;
    a->prot = prot;
    a->flags = flags;
    a->obj = obj;
    a->pgoff = pgoff;
    if (obj)
        object_get(obj);
    return a;
}

void area_free(struct vm_area *a)
{
    if (!a)
        return;
    if (a->obj)
        vm_object_put(a->obj);
    free(a->name);
    free(a);
}

int area_insert(struct vm_mm *mm, struct vm_area *a)
{
    size_t i = area_index(mm, a->start);
    VM_ASSERT(i == mm->nareas || mm->areas[i]->start >= a->end, "overlapping areas");
    if (mm->nareas == mm->cap) {
        if (mm->cap >= AREAS_MAX)
            return -ENOMEM;
        size_t cap = mm->cap ? mm->cap * 2 : 16;
        struct vm_area **v = realloc(mm->areas, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        mm->areas = v;
        mm->cap = cap;
    }
    memmove(&mm->areas[i + 1], &mm->areas[i], (mm->nareas - i) * sizeof *mm->areas);
    mm->areas[i] = a;
    mm->nareas++;
    return 0;
}

void area_remove_at(struct vm_mm *mm, size_t i)
{
    memmove(&mm->areas[i], &mm->areas[i + 1], (mm->nareas - i - 1) * sizeof *mm->areas);
    mm->nareas--;
}

int area_split(struct vm_mm *mm, size_t i, uint64_t addr)
{
    struct vm_area *a = mm->areas[i];
    VM_ASSERT(addr > a->start && addr < a->end && !(addr & ~VM_PAGE_MASK), "bad split point");
    struct vm_area *b = area_new(addr, a->end, a->prot, a->flags, a->obj,
                                 area_pgoff(a, addr), a->name);
    if (!b)
        return -ENOMEM;
    b->charged = a->charged;
    a->end = addr;
    int err = area_insert(mm, b);
    if (err) {
        a->end = b->end;
        area_free(b);
    }
    return err;
}

static bool mergeable(const struct vm_area *a, const struct vm_area *b)
{
    return a->end == b->start && a->prot == b->prot && a->flags == b->flags &&
           a->obj == b->obj && a->charged == b->charged && strcmp(a->name, b->name) == 0 &&
           (!a->obj || area_pgoff(a, a->end) == b->pgoff);
}

int area_split_at(struct vm_mm *mm, uint64_t addr)
{
    size_t i = area_index(mm, addr);
    if (i < mm->nareas && mm->areas[i]->start < addr)
        return area_split(mm, i, addr);
    return 0;
}

void area_try_merge(struct vm_mm *mm, size_t i)
{
    if (i + 1 < mm->nareas && mergeable(mm->areas[i], mm->areas[i + 1])) {
        mm->areas[i]->end = mm->areas[i + 1]->end;
        area_free(mm->areas[i + 1]);
        area_remove_at(mm, i + 1);
    }
    if (i > 0 && mergeable(mm->areas[i - 1], mm->areas[i])) {
        mm->areas[i - 1]->end = mm->areas[i]->end;
        area_free(mm->areas[i]);
        area_remove_at(mm, i);
    }
}

bool area_range_mapped(const struct vm_mm *mm, uint64_t start, uint64_t end)
{
    size_t i = area_index(mm, start);
    uint64_t at = start;
    for (; i < mm->nareas && at < end; i++) {
        if (mm->areas[i]->start > at)
            return false;
        at = mm->areas[i]->end;
    }
    return at >= end;
}

bool vm_range_free(const struct vm_mm *mm, uint64_t start, uint64_t len)
{
    if (!range_ok(start, len))
        return false;
    size_t i = area_index(mm, start);
    return i == mm->nareas || mm->areas[i]->start >= start + len;
}

/* --- looking at areas -------------------------------------------------------- */

size_t vm_area_count(const struct vm_mm *mm)
{
    return mm->nareas;
}

struct count_ctx {
    uint64_t resident, swapped, shared, anon, shmem;
};

static void count_one(struct vm_mm *mm, uint64_t va, pte_t *pte, void *arg)
{
    struct count_ctx *cc = arg;
    (void)va;
    if (*pte & PTE_P) {
        const struct frame *fr = &mm->vm->dram.frames[pte_frame(*pte)];
        cc->resident++;
        cc->shared += fr->nrmap > 1;
        cc->anon += fr->kind == FRAME_ANON;
        cc->shmem += fr->kind == FRAME_CACHE && fr->obj->kind == OBJ_ANON_SHARED;
    } else if (pte_is_swap(*pte)) {
        cc->swapped++;
    }
}

static void area_info(const struct vm_mm *mm, const struct vm_area *a, struct vm_area_info *o)
{
    struct count_ctx cc = {0};
    pt_for_each((struct vm_mm *)mm, a->start, a->end, count_one, &cc);
    *o = (struct vm_area_info){
        .start = a->start,
        .end = a->end,
        .prot = a->prot,
        .flags = a->flags,
        .name = a->name,
        .offset = a->pgoff * VM_PAGE_SIZE,
        .dev = a->obj ? a->obj->dev : 0,
        .ino = a->obj ? a->obj->ino : 0,
        .file = a->obj && a->obj->kind == OBJ_FILE,
        .resident = cc.resident,
        .swapped = cc.swapped,
        .shared = cc.shared,
        .anon = cc.anon,
        .shmem = cc.shmem,
    };
}

bool vm_memory_key(const struct vm_mm *mm, uint64_t addr, struct vm_key *key)
{
    const struct vm_area *a = area_find(mm, addr);
    if (!a)
        return false;
    if ((a->flags & VM_AREA_SHARED) && a->obj)
        *key = (struct vm_key){a->obj, a->pgoff * VM_PAGE_SIZE + (addr - a->start)};
    else
        *key = (struct vm_key){mm, addr};
    return true;
}

size_t vm_areas(const struct vm_mm *mm, struct vm_area_info *out, size_t max)
{
    size_t n = mm->nareas < max ? mm->nareas : max;
    for (size_t i = 0; i < n; i++)
        area_info(mm, mm->areas[i], &out[i]);
    return n;
}

bool vm_area_at(const struct vm_mm *mm, uint64_t addr, struct vm_area_info *out)
{
    const struct vm_area *a = area_find(mm, addr);
    if (a)
        area_info(mm, a, out);
    return a != NULL;
}

bool vm_area_from(const struct vm_mm *mm, uint64_t addr, struct vm_area_info *out)
{
    size_t i = area_index(mm, addr);
    if (i < mm->nareas)
        area_info(mm, mm->areas[i], out);
    return i < mm->nareas;
}

bool vm_code_at(const struct vm_mm *mm, uint64_t addr, struct vm_code *out)
{
    const struct vm_area *a = area_find(mm, addr);
    if (!a)
        return false;
    const struct vm_object *o = a->obj;
    if (o && o->kind == OBJ_FILE)
        *out = (struct vm_code){o->dev, o->ino, o->fd, o->name,
                                a->pgoff * VM_PAGE_SIZE + (addr - a->start)};
    else
        *out = (struct vm_code){.fd = -1, .name = a->name};
    return true;
}
