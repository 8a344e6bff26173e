/*
 * hooks.c - the Unicorn hooks.  Each is a thin adapter: it calls exactly
 * one function (vm_fault, syscall_dispatch, or posts a signal) and
 * returns.  Anything that changes Unicorn's regions is left to the run
 * loop: the hook asks the engine to stop.
 */
#include "proc.h"
#include "emu/cpu/fpu.h"

#include <signal.h>
#include <string.h>

/* Linux si_code values. */
#define SEGV_MAPERR_K 1
#define SEGV_ACCERR_K 2
#define BUS_ADRERR_K 2
#define FPE_INTDIV_K 1
#define ILL_ILLOPN_K 2
#define TRAP_BRKPT_K 1
#define SI_KERNEL_K 0x80

#define PF_ERR_WRITE 0x2
#define PF_ERR_FETCH 0x10

static void post(struct cpu *cpu, int sig, int code, uint64_t addr)
{
    struct siginfo_k info = {.signo = sig, .code = code, .addr = addr};
    proc_signal(cpu->emu, cpu->proc, &info);
    uc_emu_stop(cpu->uc);
}

/* A #PF: hand it to vm_fault; the instruction restarts when we return. */
static void page_fault(struct cpu *cpu)
{
    const struct cpu_calib *cal = &cpu->emu->calib;
    int32_t ec;
    uc_context_save(cpu->uc, cpu->ctx);
    memcpy(&ec, (uint8_t *)cpu->ctx + cal->off_error_code, 4);
    memcpy((uint8_t *)cpu->ctx + cal->off_old_exception, &(int32_t){-1}, 4);
    uc_context_restore(cpu->uc, cpu->ctx);
    uint64_t addr = cpu_reg(cpu, UC_X86_REG_CR2);
    vm_access_t access = ec & PF_ERR_FETCH ? VM_PROT_EXEC
                         : ec & PF_ERR_WRITE ? VM_PROT_WRITE
                                             : VM_PROT_READ;
    enum vm_fault_result r = vm_fault(cpu->proc->mm, addr, access, VM_USER);
    bool canonical = addr < (1ULL << 47) || addr >= 0xffff800000000000ULL;
    switch (r) {
    case VM_FAULT_SEGV_MAPERR:
        /* A non-canonical address is a #GP on real hardware: SI_KERNEL. */
        if (canonical)
            post(cpu, SIGSEGV, SEGV_MAPERR_K, addr);
        else
            post(cpu, SIGSEGV, SI_KERNEL_K, 0);
        break;
    case VM_FAULT_SEGV_ACCERR:
        post(cpu, SIGSEGV, SEGV_ACCERR_K, addr);
        break;
    case VM_FAULT_SIGBUS:
        post(cpu, SIGBUS, BUS_ADRERR_K, addr);
        break;
    case VM_FAULT_OOM:
        /* Memory comes back from the victim at once; retry if it was not us. */
        if (!proc_oom_kill(cpu->emu, cpu->proc))
            uc_emu_stop(cpu->uc);
        break;
    case VM_FAULT_PORT:
        post(cpu, SIGKILL, SI_HOSTMAP, addr);
        break;
    default:
        break;
    }
}

/* rdtsc and rdtscp trap at CPL 3 (CR4.TSD): answer from the fixed clock. */
static bool emulate_rdtsc(struct cpu *cpu)
{
    uint64_t rip = cpu_reg(cpu, UC_X86_REG_RIP);
    uint8_t insn[3];
    struct proc *p = cpu->proc;
    if (!p->mm || vm_copy_in(p->mm, insn, rip, 3) < 0 || insn[0] != 0x0f)
        return false;
    size_t len = insn[1] == 0x31 ? 2 : (insn[1] == 0x01 && insn[2] == 0xf9) ? 3 : 0;
    if (!len)
        return false;
    struct emu *emu = cpu->emu;
    emu->clock_ns += 1000;
    uint64_t tsc = emu->clock_ns * 3; /* a 3 GHz counter */
    cpu_set_reg(cpu, UC_X86_REG_RAX, tsc & 0xffffffffu);
    cpu_set_reg(cpu, UC_X86_REG_RDX, tsc >> 32);
    if (len == 3)
        cpu_set_reg(cpu, UC_X86_REG_RCX, 0);
    cpu_set_reg(cpu, UC_X86_REG_RIP, rip + len);
    return true;
}

static void on_interrupt(uc_engine *uc, uint32_t vector, void *user)
{
    struct cpu *cpu = user;
    (void)uc;
    if (vector == 14) {
        page_fault(cpu);
        return;
    }
    cpu_clear_exception(cpu);
    switch (vector) {
    case 0:  /* #DE */
        post(cpu, SIGFPE, FPE_INTDIV_K, cpu_reg(cpu, UC_X86_REG_RIP));
        break;
    case 1:  /* #DB */
    case 3:  /* int3 */
        post(cpu, SIGTRAP, TRAP_BRKPT_K, cpu_reg(cpu, UC_X86_REG_RIP));
        break;
    case 6:  /* #UD */
        post(cpu, SIGILL, ILL_ILLOPN_K, cpu_reg(cpu, UC_X86_REG_RIP));
        break;
    case 16: /* #MF */
    case 19: /* #XM */
        post(cpu, SIGFPE, fpu_fault_code(cpu->uc, (int)vector), cpu_reg(cpu, UC_X86_REG_RIP));
        break;
    case 17: /* #AC */
        post(cpu, SIGBUS, 1, 0);
        break;
    case 13: /* #GP */
        if (emulate_rdtsc(cpu))
            break;
        post(cpu, SIGSEGV, SI_KERNEL_K, 0);
        break;
    default: /* #SS, #NP, int n, ...: what Linux reports as SI_KERNEL */
        post(cpu, SIGSEGV, SI_KERNEL_K, 0);
        break;
    }
}

/* An access outside every Unicorn region: no area is there. */
static bool on_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                        void *user)
{
    struct cpu *cpu = user;
    (void)uc, (void)size, (void)value;
    vm_access_t access = type == UC_MEM_FETCH_UNMAPPED ? VM_PROT_EXEC
                         : type == UC_MEM_WRITE_UNMAPPED ? VM_PROT_WRITE
                                                         : VM_PROT_READ;
    enum vm_fault_result r = vm_fault(cpu->proc->mm, addr, access, VM_USER);
    bool canonical = addr < (1ULL << 47) || addr >= 0xffff800000000000ULL;
    if (!canonical)
        post(cpu, SIGSEGV, SI_KERNEL_K, 0); /* a #GP on real hardware */
    else
        post(cpu, SIGSEGV, r == VM_FAULT_SEGV_ACCERR ? SEGV_ACCERR_K : SEGV_MAPERR_K, addr);
    return false;
}

static void on_syscall(uc_engine *uc, void *user)
{
    (void)uc;
    syscall_dispatch(user);
}

static int on_cpuid(uc_engine *uc, void *user)
{
    (void)uc;
    struct cpu *cpu = user;
    uint32_t r[4];
    cpuid_answer((uint32_t)cpu_reg(cpu, UC_X86_REG_RAX), (uint32_t)cpu_reg(cpu, UC_X86_REG_RCX),
                 r);
    cpu_set_reg(cpu, UC_X86_REG_RAX, r[0]);
    cpu_set_reg(cpu, UC_X86_REG_RBX, r[1]);
    cpu_set_reg(cpu, UC_X86_REG_RCX, r[2]);
    cpu_set_reg(cpu, UC_X86_REG_RDX, r[3]);
    return 1; /* the instruction is done */
}

void hooks_install(struct cpu *cpu)
{
    uc_hook h;
    uc_hook_add(cpu->uc, &h, UC_HOOK_INTR, on_interrupt, cpu, 1, 0);
    uc_hook_add(cpu->uc, &h, UC_HOOK_INSN, on_syscall, cpu, 1, 0, UC_X86_INS_SYSCALL);
    uc_hook_add(cpu->uc, &h, UC_HOOK_MEM_UNMAPPED, on_unmapped, cpu, 1, 0);
    uc_hook_add(cpu->uc, &h, UC_HOOK_INSN, on_cpuid, cpu, 1, 0, UC_X86_INS_CPUID);
}
