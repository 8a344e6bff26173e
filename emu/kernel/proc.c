/*
 * proc.c - guest processes: the table (pids from 1), pid 1's creation,
 * the CPU's callbacks into its process, exit and reaping, and the OOM
 * killer.
 */
#include "emu/kernel/fs.h"
#include "emu/kernel/hostsig.h"
#include "emu/kernel/maps.h"
#include "emu/kernel/proc.h"
#include "emu/kernel/thread.h"
#include "emu/util/tool.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- the table ----------------------------------------------------------------------- */

struct proc *proc_by_pid(struct emu *emu, int pid)
{
    for (int i = 0; i < emu->nprocs; i++)
        if (emu->procs[i] && emu->procs[i]->pid == pid)
            return emu->procs[i];
    return NULL;
}

struct proc *proc_alloc(struct emu *emu)
{
    if (emu->live >= emu->opt.max_procs)
        return NULL;
    struct proc *p = calloc(1, sizeof *p);
    struct tgroup *tg = calloc(1, sizeof *tg);
    if (!p || !tg) {
        free(p);
        free(tg);
        return NULL;
    }
    p->emu = emu;
    p->tg = tg;
    tg->refs = 1;
    tg->live = 1;
    int slot = -1;
    for (int i = 0; i < emu->nprocs; i++)
        if (!emu->procs[i]) {
            slot = i;
            break;
        }
    if (slot < 0) {
        if (emu->nprocs == emu->proccap) {
            int cap = emu->proccap ? emu->proccap * 2 : 16;
            struct proc **v = realloc(emu->procs, (size_t)cap * sizeof *v);
            if (!v) {
                free(p);
                free(tg);
                return NULL;
            }
            emu->procs = v;
            emu->proccap = cap;
        }
        slot = emu->nprocs++;
    }
    emu->procs[slot] = p;
    p->pid = emu->next_pid++;
    p->start_ns = emu_monotonic(emu);
    tg->tgid = p->pid;
    tg->umask = 022;
    for (int r = 0; r < LINUX_RLIM_NLIMITS; r++)
        tg->rlim[r] = (struct linux_rlimit){LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY};
    tg->rlim[LINUX_RLIMIT_STACK].cur = VM_STACK_LIMIT_DEFAULT;
    tg->rlim[LINUX_RLIMIT_NOFILE] = (struct linux_rlimit){MAX_FDS, MAX_FDS};
    tg->rlim[LINUX_RLIMIT_NPROC] = (struct linux_rlimit){(uint64_t)emu->opt.max_procs,
                                                         (uint64_t)emu->opt.max_procs};
    tg->rlim[LINUX_RLIMIT_CORE].cur = 0;
    emu->live++;
    emu->procs_created++;
    return p;
}

/* Forget a reaped (or never started) process. */
void proc_release(struct emu *emu, struct proc *p)
{
    for (int i = 0; i < emu->nprocs; i++)
        if (emu->procs[i] == p)
            emu->procs[i] = NULL;
    proc_free_engine(p);
    cpu_ctx_free(p->regs);
    if (p->cpu && cpu_owner(p->cpu) == p)
        cpu_set_owner(p->cpu, NULL);
    p->tg->dead_run_ns += p->run_ns;
    /* The address space, the CPU and the descriptors belong to the group:
     * they go with its last task. */
    if (--p->tg->refs == 0) {
        if (p->mm)
            vm_mm_free(p->mm);
        cpu_free(p->cpu);
        fdtable_free(p->fds);
        free(p->tg);
    }
    if (p->state != PROC_INIT)
        emu->live--;
    free(p);
}

void proc_free_engine(struct proc *p)
{
    cpu_free(p->dead_cpu);
    p->dead_cpu = NULL;
}

void proc_block(struct proc *p)
{
    p->state = PROC_BLOCKED;
}

void proc_charge(struct emu *emu, struct proc *p, uint64_t ns)
{
    p->run_ns += ns;
    emu->busy_ns += ns;
}

uint64_t task_cpu_ns(const struct proc *p)
{
    uint64_t now = p->run_since ? emu_monotonic(p->emu) : 0;
    return p->run_ns + (now > p->run_since ? now - p->run_since : 0);
}

uint64_t proc_cpu_ns(const struct proc *p)
{
    uint64_t ns = p->tg->dead_run_ns;
    for (int i = 0; i < p->emu->nprocs; i++)
        if (p->emu->procs[i] && p->emu->procs[i]->tg == p->tg)
            ns += task_cpu_ns(p->emu->procs[i]);
    return ns;
}

uint64_t emu_busy_ns(struct emu *emu)
{
    uint64_t ns = emu->busy_ns;
    for (int i = 0; i < emu->nprocs; i++)
        if (emu->procs[i] && emu->procs[i]->run_since)
            ns += task_cpu_ns(emu->procs[i]) - emu->procs[i]->run_ns;
    return ns;
}


/* A vfork child has exec'd or exited: its parent, if still waiting for
 * that (and not killed meanwhile), runs again. */
void proc_vfork_release(struct emu *emu, struct proc *p)
{
    if (!p->vfork_parent)
        return;
    struct proc *vp = proc_by_pid(emu, p->vfork_parent);
    if (vp && vp->vfork_child == p->pid) {
        vp->vfork_child = 0;
        if (vp->state == PROC_BLOCKED)
            vp->state = PROC_RUNNABLE;
    }
    p->vfork_parent = 0;
}

void proc_wake_all(struct emu *emu)
{
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *p = emu->procs[i];
        if (p && p->state == PROC_BLOCKED && !p->vfork_child)
            p->state = PROC_RUNNABLE;
    }
}

/* --- the CPU's callbacks ----------------------------------------------------------------- */

static bool on_syscall(void *owner)
{
    struct proc *p = owner;
    /* A signal sent to faultline is handed on at the end of a call. */
    return p->emu->sys.dispatch(p) || hostsig_pending();
}

static void on_fault(void *owner, int signo, int code, uint64_t addr)
{
    struct proc *p = owner;
    struct ksiginfo info = {.signo = signo, .code = code, .addr = addr};
    proc_signal(p->emu, p, &info);
}

static bool on_oom(void *owner)
{
    struct proc *p = owner;
    return proc_oom_kill(p->emu, p);
}

/* rdtsc reads the guest clock as a 3 GHz counter, moving it 1 us. */
static uint64_t on_rdtsc(void *owner)
{
    struct proc *p = owner;
    p->emu->clock_ns += 1000;
    return p->emu->clock_ns * (CPUID_TSC_MHZ / 1000);
}

static const struct cpu_ops proc_cpu_ops = {
    .syscall = on_syscall,
    .fault = on_fault,
    .oom = on_oom,
    .rdtsc = on_rdtsc,
};

struct cpu *proc_cpu_new(struct emu *emu, struct proc *p)
{
    return cpu_new(emu->calib, emu->vm, &proc_cpu_ops, p);
}

/* --- pid 1 ------------------------------------------------------------------------------ */

struct loader_args proc_loader_args(struct emu *emu, struct proc *p, const char *path,
                                    char *const *argv, char *const *envp,
                                    const struct loader_fs *fs)
{
    return (struct loader_args){
        .path = path,
        .argv = argv,
        .envp = envp,
        .seed = emu->opt.seed + (uint64_t)(p->pid - emu->main_pid), /* each process its own AT_RANDOM */
        .hwcap = emu->hwcap,
        .uid = (uint32_t)getuid(),
        .gid = (uint32_t)getgid(),
        .euid = (uint32_t)geteuid(),
        .egid = (uint32_t)getegid(),
        .fs = fs,
    };
}

/* Set the registers a new image starts with: rsp at argc, rip at the entry. */
void proc_start_regs(struct cpu *cpu, const struct loader_image *img)
{
    cpu_set_reg(cpu, CPU_RSP, img->sp);
    cpu_set_reg(cpu, CPU_RIP, img->entry);
    cpu_set_reg(cpu, CPU_RDX, 0);
}


/* --- exit and reaping ------------------------------------------------------------------ */

/* " at ADDR: BYTES" for a death at an instruction: the bytes of the
 * instruction (those on its page, which is present: it just ran). */
static void describe_insn(struct proc *p, uint64_t addr, char *out, size_t len)
{
    uint8_t insn[15];
    size_t n = VM_PAGE_SIZE - (addr & (VM_PAGE_SIZE - 1));
    if (n > sizeof insn)
        n = sizeof insn;
    int k = snprintf(out, len, " at %#llx", (unsigned long long)addr);
    if (!p->mm || vm_copy_in(p->mm, insn, addr, n) < 0)
        return;
    k += snprintf(out + k, len - (size_t)k, ":");
    for (size_t i = 0; i < n && (size_t)k < len; i++)
        k += snprintf(out + k, len - (size_t)k, " %02x", insn[i]);
}

/* " in AREA" when --maps asked for the address space. */
static void describe_area(struct emu *emu, struct proc *p, uint64_t addr, char *out, size_t len)
{
    struct vm_area_info a;
    if (emu->opt.maps && p->mm && vm_area_at(p->mm, addr, &a))
        snprintf(out, len, " in %s", a.name);
}

static void print_death(struct emu *emu, struct proc *p, int sig)
{
    const struct ksiginfo *si = &p->sig.fatal;
    char where[128] = "", area[96] = "";
    bool fault = sig == LINUX_SIGSEGV || sig == LINUX_SIGBUS || sig == LINUX_SIGILL || sig == LINUX_SIGFPE ||
                 sig == LINUX_SIGTRAP;
    if (fault && si->code > 0 && si->code != CPU_SI_HOSTMAP && si->code != CPU_SI_ZONES) {
        /* SIGSEGV and SIGBUS name the data address; the others the
         * instruction, whose bytes follow. */
        if (sig == LINUX_SIGSEGV || sig == LINUX_SIGBUS)
            snprintf(where, sizeof where, " at %#llx", (unsigned long long)si->addr);
        else
            describe_insn(p, si->addr, where, sizeof where);
        describe_area(emu, p, si->addr, area, sizeof area);
        notice(&emu->notices, "pid %d killed by %s (%s%s%s)", p->pid, signal_name(sig),
               signal_code_name(sig, si->code), where, area);
    } else if (si->code == LINUX_SI_KERNEL && sig == LINUX_SIGKILL) {
        /* The OOM killer said why when it chose p (oom.c). */
    } else if (si->code == CPU_SI_HOSTMAP && sig == LINUX_SIGKILL) {
        notice(&emu->notices, "pid %d (%s) killed: page %#llx needs one more host memory "
               "mapping than vm.max_map_count (%ld) allows; raise it with: sysctl -w "
               "vm.max_map_count=1048576",
               p->pid, p->name, (unsigned long long)si->addr, cpu_host_map_limit());
    } else if (si->code == CPU_SI_ZONES && sig == LINUX_SIGKILL) {
        notice(&emu->notices, "pid %d (%s) killed: it has pages in more 1 GiB slots of its "
               "address space than the emulated CPU can map", p->pid, p->name);
    } else {
        notice(&emu->notices, "pid %d killed by %s", p->pid, signal_name(sig));
    }
}

/* p's children go to init, which reaps those already dead at once. */
static void adopt_orphans(struct emu *emu, struct proc *p)
{
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *c = emu->procs[i];
        if (!c || c->tg->ppid != p->pid)
            continue;
        c->tg->ppid = 1;
        if (c->state == PROC_ZOMBIE && !c->reap_when_stopped && c != emu->current)
            proc_release(emu, c);
    }
}

/* What an ending process holds besides memory and descriptors: a FIFO
 * end it waited to open, its POSIX locks, its SEM_UNDO adjustments. */
static void release_held(struct emu *emu, struct proc *p)
{
    file_put(p->fifo_wait);
    p->fifo_wait = NULL;
    lock_exit(emu, p->tg->tgid);
    if (emu->sys.exited)
        emu->sys.exited(emu, p->tg->tgid);
}

void proc_exit(struct emu *emu, struct proc *p, int wait_status)
{
    if (p->state == PROC_ZOMBIE)
        return;
    /* The process ends with every thread; p stands for it. */
    thread_group_reduce(emu, p);
    thread_release_robust(emu, p);
    p->tg->live = 0;
    /* A death is reported for the program, and for any process the CPU
     * or faultline itself killed (a fault, out of memory); one sent by
     * another process is the business of whoever waits for it (a shell
     * reports it), unless --verbose. */
    bool main = p->pid == emu->main_pid;
    int sig = wait_status & 0x7f;
    /* A program that dies of SIGPIPE (yes | head) is quiet, as a shell
     * leaves it. */
    bool quiet = sig == LINUX_SIGPIPE && !emu->opt.verbose;
    if (sig && !quiet && (main || emu->opt.verbose || p->sig.fatal.code > 0))
        print_death(emu, p, sig);
    if (p->mm && emu->opt.maps && (main || sig)) {
        notices_flush(&emu->notices);
        fprintf(stderr, "faultline: address space of pid %d (%s) at %s:\n", p->pid, p->name,
                sig ? "its fatal signal" : "exit");
        maps_print(stderr, p->mm, true);
    }
    struct proc_stats *ps = emu_proc_stats(emu, p->pid);
    if (ps) {
        memcpy(ps->name, p->name, sizeof ps->name);
        ps->syscalls += p->syscalls;
        ps->wait_status = wait_status;
        ps->exited = true;
    }
    p->state = PROC_ZOMBIE;
    p->wait_status = wait_status;
    if (p->cpu) {
        cpu_request_stop(p->cpu);
        /* The engine may be the one running this code: free it later. */
        p->dead_cpu = p->cpu;
        p->cpu = NULL;
    }
    if (p->mm) {
        vm_mm_free(p->mm);
        p->mm = NULL;
    }
    emu_trace_proc(emu, TRACE_PROC_EXIT, p, wait_status);
    fdtable_free(p->fds);
    p->fds = NULL;
    release_held(emu, p);
    proc_vfork_release(emu, p);
    p->vfork_child = 0;
    adopt_orphans(emu, p);
    if (main) {
        emu->main_exited = true;
        emu->main_status = wait_status;
        /* Everything else dies with it, as a PID namespace ends with its
         * first process. */
        for (int i = 0; i < emu->nprocs; i++) {
            struct proc *c = emu->procs[i];
            if (c && c != p && c->state != PROC_ZOMBIE && c->state != PROC_INIT) {
                c->sig.fatal = (struct ksiginfo){.signo = LINUX_SIGKILL};
                proc_exit(emu, c, LINUX_SIGKILL);
            }
        }
        return;
    }
    struct proc *parent = proc_by_pid(emu, p->tg->ppid);
    if (parent && parent->state != PROC_ZOMBIE) {
        const struct linux_sigaction *act = &parent->tg->act[LINUX_SIGCHLD];
        if (parent->state == PROC_INIT || act->handler == LINUX_SIG_IGN ||
            (act->flags & LINUX_SA_NOCLDWAIT)) {
            /* Auto-reaped: no zombie.  If p's own call got here, its
             * engine is still running that call: release it once stopped. */
            if (p == emu->current)
                p->reap_when_stopped = true;
            else
                proc_release(emu, p);
        } else {
            proc_notify_parent(emu, p, (wait_status & 0x7f) ? 2 /* CLD_KILLED */ : 1 /* CLD_EXITED */,
                               wait_status);
        }
    }
    proc_wake_all(emu);
}

void proc_note_args(struct proc *p, const struct loader_image *img)
{
    p->tg->arg_start = img->arg_start;
    p->tg->arg_end = img->arg_end;
    p->tg->env_start = img->env_start;
    p->tg->env_end = img->env_end;
    p->tg->entry = img->prog_entry;
}

void proc_notify_parent(struct emu *emu, struct proc *p, int code, int status)
{
    struct proc *parent = proc_by_pid(emu, p->tg->ppid);
    if (!parent || parent->state == PROC_ZOMBIE)
        return;
    /* SA_NOCLDSTOP: no SIGCHLD for stops and continues. */
    if (code >= LINUX_CLD_STOPPED && (parent->tg->act[LINUX_SIGCHLD].flags & LINUX_SA_NOCLDSTOP))
        return proc_wake_all(emu);
    struct ksiginfo si = {.signo = LINUX_SIGCHLD, .code = code, .pid = p->pid, .status = status};
    proc_signal_process(emu, parent, &si);
    proc_wake_all(emu);
}
