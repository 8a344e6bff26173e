/*
 * vm.c - the machine (struct vm): DRAM, swap file and commit limit made
 * and freed together, and the accessors the emulator reads.
 */
#include "commit.h"
#include "frame.h"
#include "object.h"
#include "swap.h"

#include <string.h>

struct vm *vm_new(const struct vm_config *cfg, char *err, size_t errlen)
{
    struct vm *vm = calloc(1, sizeof *vm);
    if (!vm) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    vm->cfg = *cfg;
    vm->swap.fd = -1;
    if (dram_init(&vm->dram, cfg->frames, err, errlen) < 0) {
        free(vm);
        return NULL;
    }
    if (cfg->swap_pages) {
        if (swap_init(&vm->swap, cfg->swap_pages, cfg->swap_path, err, errlen) < 0) {
            dram_free(&vm->dram);
            free(vm);
            return NULL;
        }
        vm->has_swap = true;
    }
    commit_init(vm);
    vm->rng = cfg->seed ? cfg->seed : 0x9e3779b97f4a7c15ULL;
    return vm;
}

void vm_free(struct vm *vm)
{
    if (!vm)
        return;
    VM_ASSERT(vm->nmms == 0, "freeing the machine with live address spaces");
    while (vm->objects)
        object_destroy(vm->objects); /* idle page cache (and leaked objects) */
    if (vm->has_swap)
        swap_free(&vm->swap);
    dram_free(&vm->dram);
    free(vm->mms);
    free(vm->held.v);
    free(vm);
}

void vm_set_port(struct vm *vm, const struct vm_port *port)
{
    vm->port = *port;
}

int vm_dram_fd(const struct vm *vm) { return vm->dram.fd; }
uint8_t *vm_dram_base(const struct vm *vm) { return vm->dram.base; }
uint32_t vm_dram_frames(const struct vm *vm) { return vm->dram.nframes; }
uint32_t vm_frames_free(const struct vm *vm) { return vm->dram.nfree; }
const struct vm_stats *vm_stats(const struct vm *vm) { return &vm->stats; }

/* One pass over the frame table: cheap enough for a read of meminfo. */
void vm_usage(const struct vm *vm, struct vm_usage *u)
{
    memset(u, 0, sizeof *u);
    u->total = vm->dram.nframes;
    u->free = vm->dram.nfree;
    for (uint32_t i = 0; i < vm->dram.nframes; i++) {
        const struct frame *fr = &vm->dram.frames[i];
        if (fr->kind == FRAME_PT) {
            u->page_tables++;
        } else if (fr->kind == FRAME_ANON) {
            u->anon++;
            u->swap_cached += (fr->flags & FRAME_SWAPCACHE) != 0;
        } else if (fr->kind == FRAME_CACHE && fr->obj->kind == OBJ_ANON_SHARED) {
            u->shmem++;
        } else if (fr->kind == FRAME_CACHE) {
            u->file++;
            u->file_mapped += fr->nrmap > 0;
            u->dirty += (fr->flags & FRAME_DIRTY) != 0;
        }
    }
    u->swap_total = vm->has_swap ? vm->swap.nslots : 0;
    u->swap_used = vm->stats.swap_used;
    u->commit_limit = vm->commit_limit;
    u->committed = vm->committed;
}
