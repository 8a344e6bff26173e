/*
 * commit.c - commit accounting.  Strict mode (the CS:APP rule) refuses a
 * charge past the limit; overcommit charges nothing.
 */
#include "commit.h"

#include <errno.h>

void commit_init(struct vm *vm)
{
    /* Private writable memory must fit in DRAM plus swap; a sixteenth of
     * DRAM stays for page tables. */
    uint64_t frames = vm->cfg.frames;
    uint64_t pt_reserve = frames / 16 > 8 ? frames / 16 : 8;
    vm->commit_limit = frames + vm->cfg.swap_pages - pt_reserve;
}

bool commit_needs_charge(const struct vm *vm, unsigned prot, unsigned flags)
{
    if (vm->cfg.commit == VM_COMMIT_OVERCOMMIT)
        return false;
    return (prot & VM_PROT_WRITE) && !(flags & VM_AREA_SHARED);
}

int commit_charge(struct vm *vm, uint64_t pages)
{
    if (vm->cfg.commit == VM_COMMIT_STRICT && vm->committed + pages > vm->commit_limit) {
        vm->stats.commit_refusals++;
        vm->stats.refused_pages = pages;
        vm->stats.refused_committed = vm->committed;
        vm->stats.commit_limit = vm->commit_limit;
        return -ENOMEM;
    }
    vm->committed += pages;
    return 0;
}

void commit_uncharge(struct vm *vm, uint64_t pages)
{
    VM_ASSERT(vm->committed >= pages, "commit charge underflow");
    vm->committed -= pages;
}
