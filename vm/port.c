/*
 * port.c - vm/'s side of the port: each call checks that the port has the
 * callback and that there is something to tell, so callers need not.
 */
#include "port.h"

int port_map(struct vm_mm *mm, uint64_t va, uint32_t f, uint64_t npages, uint64_t ahead,
             bool exec)
{
    struct vm_port *p = &mm->vm->port;
    return p->map && npages ? p->map(p->ctx, mm, va, f, npages, ahead, exec) : 0;
}

void port_unmap(struct vm_mm *mm, uint64_t va, uint64_t npages)
{
    struct vm_port *p = &mm->vm->port;
    if (p->unmap && npages)
        p->unmap(p->ctx, mm, va, npages);
}

int port_cover(struct vm_mm *mm, uint64_t start, uint64_t end, unsigned prot)
{
    struct vm_port *p = &mm->vm->port;
    if (!prot)
        return 0;
    return p->cover && start < end ? p->cover(p->ctx, mm, start, end) : 0;
}

void port_flush(struct vm_mm *mm)
{
    struct vm_port *p = &mm->vm->port;
    if (!mm->tlb_stale)
        return;
    mm->tlb_stale = false;
    if (p->flush_tlb)
        p->flush_tlb(p->ctx, mm);
}

void port_flush_all(struct vm *vm)
{
    for (size_t i = 0; i < vm->nmms; i++)
        port_flush(vm->mms[i]);
}

void port_code_changed(struct vm_mm *mm, uint64_t va, uint64_t len)
{
    struct vm_port *p = &mm->vm->port;
    if (p->code_changed && len)
        p->code_changed(p->ctx, mm, va, len);
}

void port_code_gone(struct vm_mm *mm, const struct vm_area *a, uint64_t start, uint64_t end)
{
    if ((a->flags & VM_AREA_CODE) && start < end)
        port_code_changed(mm, start, end - start);
}
