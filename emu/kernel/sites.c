/*
 * sites.c - where a fault came from: the task's instruction pointer at a
 * user fault, the syscall instruction and the call's name at a kernel
 * one inside a system call.  Read only when the fault log is written.
 */
#include "emu/kernel/sites.h"

void site_fill(struct emu *emu, struct proc *p, struct vm_event_rec *r)
{
    if (!p->cpu)
        return;
    if (r->mode == 'u') {
        r->ip = cpu_reg(p->cpu, CPU_RIP);
    } else if (p->in_call) {
        r->ip = p->call_rip;
        r->call = emu->sys.name ? emu->sys.name(p->last_nr) : NULL;
    }
    /* else the kernel on its own (a new image, a signal frame): no ip. */
    if (!r->ip || !emu->syms)
        return;
    /* The call's own address space: execve's faults are in the new one. */
    struct vm_mm *mm = r->mode == 'u' ? p->mm : p->call_mm;
    struct vm_code code;
    if (mm != p->mm || !vm_code_at(mm, r->ip, &code))
        return;
    r->object = code.name;
    struct sym_loc loc;
    if (code.fd >= 0 && sym_lookup(emu->syms, code.dev, code.ino, code.fd, code.off, &loc)) {
        r->func = loc.func;
        r->func_off = loc.func_off;
        r->src = loc.src;
        r->line = loc.line;
    }
}
