/*
 * hooks.c - the Unicorn hooks.  Each is a thin adapter: it calls exactly
 * one function (vm_fault, or one of the owner's cpu_ops) and returns.
 * Anything that changes Unicorn's regions is left to the run loop: the
 * hook asks the engine to stop.  Exceptions become the signal Linux would
 * send for them.
 */
#include "emu/cpu/engine.h"
#include "emu/cpu/fpu.h"

#include <signal.h>
#include <string.h>

#define PF_ERR_WRITE 0x2
#define PF_ERR_FETCH 0x10

static void post(struct cpu *cpu, int sig, int code, uint64_t addr)
{
    cpu->ops->fault(cpu->owner, sig, code, addr);
    uc_emu_stop(cpu->uc);
}


/* A #PF: hand it to vm_fault; the instruction restarts when we return. */
static void page_fault(struct cpu *cpu)
{
    const struct cpu_calib *cal = cpu->cal;
    int32_t ec;
    uc_context_save(cpu->uc, cpu->ctx);
    memcpy(&ec, (uint8_t *)cpu->ctx + cal->off_error_code, 4);
    memcpy((uint8_t *)cpu->ctx + cal->off_old_exception, &(int32_t){-1}, 4);
    uc_context_restore(cpu->uc, cpu->ctx);
    uint64_t addr = cpu_reg(cpu, CPU_CR2);
    vm_access_t access = ec & PF_ERR_FETCH ? VM_PROT_EXEC
                         : ec & PF_ERR_WRITE ? VM_PROT_WRITE
                                             : VM_PROT_READ;
    enum vm_fault_result r = vm_fault(cpu->mm, addr, access, VM_USER);
    switch (r) {
    case VM_FAULT_SEGV_MAPERR:
        /* A non-canonical address is a #GP on real hardware: SI_KERNEL. */
        if (linux_addr_canonical(addr))
            post(cpu, SIGSEGV, LINUX_SEGV_MAPERR, addr);
        else
            post(cpu, SIGSEGV, LINUX_SI_KERNEL, 0);
        break;
    case VM_FAULT_SEGV_ACCERR:
        post(cpu, SIGSEGV, LINUX_SEGV_ACCERR, addr);
        break;
    case VM_FAULT_SIGBUS:
        post(cpu, SIGBUS, LINUX_BUS_ADRERR, addr);
        break;
    case VM_FAULT_OOM:
        /* Memory comes back from the victim at once; retry if it was not us. */
        if (!cpu->ops->oom(cpu->owner))
            uc_emu_stop(cpu->uc);
        break;
    case VM_FAULT_PORT:
        post(cpu, SIGKILL, zones_exhausted(cpu) ? CPU_SI_ZONES : CPU_SI_HOSTMAP, addr);
        break;
    default:
        break;
    }
}

static void on_interrupt(uc_engine *uc, uint32_t vector, void *user)
{
    struct cpu *cpu = user;
    (void)uc;
    if (vector == LINUX_TRAP_PF) {
        page_fault(cpu);
        return;
    }
    cpu_clear_exception(cpu);
    switch (vector) {
    case LINUX_TRAP_DE:
        post(cpu, SIGFPE, LINUX_FPE_INTDIV, cpu_reg(cpu, CPU_RIP));
        break;
    case LINUX_TRAP_DB:
    case LINUX_TRAP_BP:
        post(cpu, SIGTRAP, LINUX_TRAP_BRKPT, cpu_reg(cpu, CPU_RIP));
        break;
    case LINUX_TRAP_UD:
        post(cpu, SIGILL, LINUX_ILL_ILLOPN, cpu_reg(cpu, CPU_RIP));
        break;
    case LINUX_TRAP_MF:
    case LINUX_TRAP_XF:
        post(cpu, SIGFPE, fpu_fault_code(cpu->uc, (int)vector), cpu_reg(cpu, CPU_RIP));
        break;
    case LINUX_TRAP_AC:
        post(cpu, SIGBUS, LINUX_BUS_ADRALN, 0);
        break;
    case LINUX_TRAP_GP:
        if (emulate_rdtsc(cpu))
            break;
        post(cpu, SIGSEGV, LINUX_SI_KERNEL, 0);
        break;
    default: /* #SS, #NP, int n, ...: what Linux reports as SI_KERNEL */
        post(cpu, SIGSEGV, LINUX_SI_KERNEL, 0);
        break;
    }
}

/* An access outside every Unicorn region: a page whose zone is not made
 * yet (the access goes on once it is), or no area is there. */
static bool on_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                        void *user)
{
    struct cpu *cpu = user;
    (void)size, (void)value;
    vm_access_t access = type == UC_MEM_FETCH_UNMAPPED ? VM_PROT_EXEC
                         : type == UC_MEM_WRITE_UNMAPPED ? VM_PROT_WRITE
                                                         : VM_PROT_READ;
    enum vm_fault_result r = zone_fault(cpu, addr, access);
    /* Out of frames: as for a #PF, go on when memory came back elsewhere. */
    while (r == VM_FAULT_OOM && cpu->ops->oom(cpu->owner))
        r = zone_fault(cpu, addr, access);
    if (vm_fault_ok(r))
        return true;
    if (r == VM_FAULT_OOM)
        uc_emu_stop(uc); /* this process was the victim */
    else if (r == VM_FAULT_PORT)
        post(cpu, SIGKILL, zones_exhausted(cpu) ? CPU_SI_ZONES : CPU_SI_HOSTMAP, addr);
    else if (!linux_addr_canonical(addr))
        post(cpu, SIGSEGV, LINUX_SI_KERNEL, 0); /* a #GP on real hardware */
    else
        post(cpu, SIGSEGV, r == VM_FAULT_SEGV_ACCERR ? LINUX_SEGV_ACCERR : LINUX_SEGV_MAPERR, addr);
    return false;
}

/* An instruction the translator refused: finished here if it is one the
 * announced CPU has (emulate.c); otherwise the guest gets SIGILL. */
static bool on_invalid(uc_engine *uc, void *user)
{
    struct cpu *cpu = user;
    (void)uc;
    uint64_t addr = 0;
    switch (emulate_popcnt(cpu, &addr)) {
    case EMULATED_DONE:
        return true;
    case EMULATED_FAULT:
        post(cpu, SIGSEGV, LINUX_SEGV_MAPERR, addr);
        return true;
    default:
        post(cpu, SIGILL, LINUX_ILL_ILLOPN, cpu_reg(cpu, CPU_RIP));
        return true;
    }
}

static void on_syscall(uc_engine *uc, void *user)
{
    struct cpu *cpu = user;
    if (cpu->ops->syscall(cpu->owner))
        uc_emu_stop(uc);
}

static int on_cpuid(uc_engine *uc, void *user)
{
    (void)uc;
    struct cpu *cpu = user;
    uint32_t r[4];
    cpuid_answer((uint32_t)cpu_reg(cpu, CPU_RAX), (uint32_t)cpu_reg(cpu, CPU_RCX),
                 r);
    cpu_set_reg(cpu, CPU_RAX, r[0]);
    cpu_set_reg(cpu, CPU_RBX, r[1]);
    cpu_set_reg(cpu, CPU_RCX, r[2]);
    cpu_set_reg(cpu, CPU_RDX, r[3]);
    return 1; /* the instruction is done */
}

/* The start of every translated block, chained or not: the quantum is
 * spent here, by the block's bytes of code.  (Unicorn's own instruction
 * count runs a hook on every instruction, which made guest code about
 * fifty times slower.)  The stop is synchronous, at a block's start, with
 * the state exact, as a system call's is.  The hook is a helper call in
 * every block, 10-40 % of compute-bound code (gzip -9: 27 s against
 * 16 s without), so an engine gets it only when it first runs by a
 * quantum (hooks_count_blocks). */
static void on_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    (void)addr;
    struct cpu *cpu = user;
    if (!cpu->budget)
        return;
    if (cpu->budget > size) {
        cpu->budget -= size;
        return;
    }
    cpu->budget = 0;
    uc_emu_stop(uc);
}

void hooks_install(struct cpu *cpu)
{
    uc_hook h;
    uc_hook_add(cpu->uc, &h, UC_HOOK_INTR, on_interrupt, cpu, 1, 0);
    uc_hook_add(cpu->uc, &h, UC_HOOK_INSN, on_syscall, cpu, 1, 0, UC_X86_INS_SYSCALL);
    uc_hook_add(cpu->uc, &h, UC_HOOK_MEM_UNMAPPED, on_unmapped, cpu, 1, 0);
    uc_hook_add(cpu->uc, &h, UC_HOOK_INSN, on_cpuid, cpu, 1, 0, UC_X86_INS_CPUID);
    uc_hook_add(cpu->uc, &h, UC_HOOK_INSN_INVALID, on_invalid, cpu, 1, 0);
}

void hooks_count_blocks(struct cpu *cpu)
{
    uc_hook h;
    if (cpu->counting)
        return;
    uc_hook_add(cpu->uc, &h, UC_HOOK_BLOCK, on_block, cpu, 1, 0);
    /* Blocks translated before have no call to it: drop them. */
    uc_ctl_flush_tlb(cpu->uc);
    cpu->counting = true;
}
