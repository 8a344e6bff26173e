/*
 * proc.c - guest processes: the table (pids from 1), pid 1's creation,
 * exit and reaping, file-descriptor tables, and the scheduler.
 *
 * The scheduler is deterministic: a process runs until it blocks, exits,
 * or (with --quantum) has executed its quantum of instructions; then the
 * next runnable process in pid order runs.  A blocked system call is
 * re-executed when its process is woken.  When every process is blocked,
 * nothing can ever wake them: that is reported as a deadlock.
 */
#include "proc.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* --- files ------------------------------------------------------------------------ */

struct file *file_new(enum file_kind kind)
{
    struct file *f = calloc(1, sizeof *f);
    if (f) {
        f->refs = 1;
        f->kind = kind;
        f->hostfd = -1;
    }
    return f;
}

struct file *file_get(struct file *f)
{
    f->refs++;
    return f;
}

void file_put(struct file *f)
{
    if (!f || --f->refs > 0)
        return;
    switch (f->kind) {
    case FILE_HOST:
        if (f->hostfd >= 0)
            close(f->hostfd);
        break;
    case FILE_PIPE_READ:
    case FILE_PIPE_WRITE:
        if (f->kind == FILE_PIPE_READ)
            f->pipe->readers--;
        else
            f->pipe->writers--;
        if (f->pipe->readers == 0 && f->pipe->writers == 0) {
            free(f->pipe->buf);
            free(f->pipe);
        }
        break;
    case FILE_MEM:
        free(f->mem);
        break;
    }
    free(f);
}

struct fdtable *fdtable_clone(const struct fdtable *t)
{
    struct fdtable *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    for (int i = 0; i < MAX_FDS; i++) {
        if (t && t->file[i]) {
            n->file[i] = file_get(t->file[i]);
            n->cloexec[i] = t->cloexec[i];
        }
    }
    return n;
}

void fdtable_free(struct fdtable *t)
{
    if (!t)
        return;
    for (int i = 0; i < MAX_FDS; i++)
        file_put(t->file[i]);
    free(t);
}

int fd_alloc(struct proc *p, int min)
{
    for (int fd = min < 0 ? 0 : min; fd < MAX_FDS; fd++)
        if (!p->fds->file[fd])
            return fd;
    return -EMFILE;
}

struct file *fd_file(struct proc *p, int fd)
{
    return fd >= 0 && fd < MAX_FDS ? p->fds->file[fd] : NULL;
}

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
    if (!p)
        return NULL;
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
                return NULL;
            }
            emu->procs = v;
            emu->proccap = cap;
        }
        slot = emu->nprocs++;
    }
    emu->procs[slot] = p;
    p->pid = ++emu->next_pid;
    p->umask = 022;
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
    if (p->mm)
        vm_mm_free(p->mm);
    proc_free_engine(p);
    cpu_free(p->cpu);
    fdtable_free(p->fds);
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

void sys_wait_and_retry(struct sys *s, bool eintr)
{
    s->p->restart = true;
    s->p->restart_eintr = eintr;
    s->p->restart_rip = s->rip;
    proc_block(s->p);
    s->no_return = true;
    s->stop = true;
    /* A signal the wait's own mask lets in (rt_sigsuspend, ppoll) ends it
     * at once: the scheduler delivers it. */
    if (s->p->sig.pending & ~s->p->sig.blocked)
        s->p->state = PROC_RUNNABLE;
}

/* The guest's monotonic clock in ns, without moving it: the fixed clock,
 * or the host's with --real-time. */
uint64_t emu_monotonic(struct emu *emu)
{
    if (!emu->opt.real_time)
        return emu->clock_ns;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A wait with a deadline ns from now.  The first call records the
 * deadline and blocks (the call is retried when woken); a retry at or
 * after the deadline returns true: the time is up.  When nothing else can
 * run, the scheduler moves the fixed clock to the earliest deadline (or,
 * with --real-time, sleeps until it). */
bool sys_wait_until(struct sys *s, uint64_t ns, bool eintr)
{
    struct proc *p = s->p;
    uint64_t now = emu_monotonic(s->emu);
    if (!p->wake_at) {
        if (!ns)
            return true;
        /* Past KTIME_MAX (about 292 years) Linux never wakes: no deadline. */
        p->wake_at = ns >= (uint64_t)INT64_MAX - now ? WAKE_NEVER : now + ns;
    } else if (now >= p->wake_at) {
        p->wake_at = 0;
        return true;
    }
    sys_wait_and_retry(s, eintr);
    return false;
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

/* --- pid 1 ------------------------------------------------------------------------------ */

struct loader_args proc_loader_args(struct emu *emu, struct proc *p, const char *path,
                                    char *const *argv, char *const *envp,
                                    const struct loader_fs *fs)
{
    return (struct loader_args){
        .path = path,
        .argv = argv,
        .envp = envp,
        .seed = emu->opt.seed + (uint64_t)(p->pid - 1), /* each exec its own AT_RANDOM */
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
    cpu_set_reg(cpu, UC_X86_REG_RSP, img->sp);
    cpu_set_reg(cpu, UC_X86_REG_RIP, img->entry);
    cpu_set_reg(cpu, UC_X86_REG_RDX, 0);
}

int proc_spawn_init(struct emu *emu, const char *path, char **argv)
{
    struct proc *p = proc_alloc(emu);
    if (!p) {
        fprintf(stderr, "faultline: out of memory\n");
        return EXIT_FAULTLINE;
    }
    p->ppid = 0;
    p->pgid = p->sid = p->pid;
    emu->current = p;
    if (strcmp(emu->opt.root, "/") == 0) {
        if (!getcwd(p->cwd, sizeof p->cwd))
            strcpy(p->cwd, "/");
    } else {
        strcpy(p->cwd, "/");
    }
    p->fds = fdtable_clone(NULL);
    p->cpu = cpu_new(emu, p);
    p->mm = vm_mm_new(emu->vm, p->pid);
    if (!p->fds || !p->cpu || !p->mm) {
        fprintf(stderr, "faultline: cannot create the first process (out of memory)\n");
        return EXIT_FAULTLINE;
    }
    vm_mm_set_port_data(p->mm, p->cpu);
    cpu_set_cr3(p->cpu, vm_mm_cr3(p->mm));
    for (int fd = 0; fd < 3; fd++) {
        int h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (h < 0)
            continue;
        struct file *f = file_new(FILE_HOST);
        if (!f) {
            close(h);
            continue;
        }
        f->hostfd = h;
        f->status = fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK);
        snprintf(f->path, sizeof f->path, "/dev/fd/%d", fd);
        p->fds->file[fd] = f;
    }
    struct loader_fs fs = fs_loader(emu, p);
    struct loader_args args = proc_loader_args(emu, p, path, argv, emu->envp, &fs);
    struct loader_image img;
    struct loader_error e;
    if (loader_load(emu->vm, p->mm, &args, true, &img, &e) < 0) {
        fprintf(stderr, "faultline: %s\n", e.msg);
        return e.status;
    }
    proc_start_regs(p->cpu, &img);
    proc_note_args(p, &img);
    snprintf(p->name, sizeof p->name, "%s", img.comm);
    fs_guest_path(p, AT_FDCWD, img.exe, p->exe, sizeof p->exe);
    return -1;
}

/* --- exit and reaping ------------------------------------------------------------------ */

static void print_death(struct emu *emu, struct proc *p, int sig)
{
    const struct siginfo_k *si = &p->sig.info[sig];
    if ((sig == SIGSEGV || sig == SIGBUS) && si->code > 0) {
        const char *code = sig == SIGBUS    ? "BUS_ADRERR"
                           : si->code == 1 ? "SEGV_MAPERR"
                           : si->code == 2 ? "SEGV_ACCERR"
                                           : "SI_KERNEL";
        fprintf(stderr, "faultline: pid %d killed by %s (%s at %#llx)\n", p->pid,
                signal_name(sig), code, (unsigned long long)si->addr);
    } else if (si->code == 0x80 && sig == SIGKILL) {
        fprintf(stderr, "faultline: out of memory: killed pid %d (%s)\n", p->pid, p->name);
    } else if (si->code == SI_HOSTMAP && sig == SIGKILL) {
        fprintf(stderr, "faultline: pid %d (%s) killed: page %#llx needs one more host memory "
                        "mapping than vm.max_map_count (%ld) allows; raise it with: sysctl -w "
                        "vm.max_map_count=1048576\n",
                p->pid, p->name, (unsigned long long)si->addr, cpu_host_map_limit());
    } else {
        fprintf(stderr, "faultline: pid %d killed by %s\n", p->pid, signal_name(sig));
    }
    (void)emu;
}

void proc_exit(struct emu *emu, struct proc *p, int wait_status)
{
    if (p->state == PROC_ZOMBIE)
        return;
    /* A death is reported for pid 1, and for any process the CPU or
     * faultline itself killed (a fault, out of memory); one sent by
     * another process is the business of whoever waits for it (a shell
     * reports it), unless --verbose. */
    int sig = wait_status & 0x7f;
    if (sig && (p->pid == 1 || emu->opt.verbose || p->sig.info[sig].code > 0))
        print_death(emu, p, sig);
    if (p->mm && emu->opt.maps && (p->pid == 1 || sig)) {
        fprintf(stderr, "faultline: address space of pid %d (%s) at %s:\n", p->pid, p->name,
                sig ? "its fatal signal" : "exit");
        maps_print(stderr, p->mm, true);
    }
    struct proc_stats *ps = emu_proc_stats(emu, p->pid);
    if (ps) {
        memcpy(ps->name, p->name, sizeof ps->name);
        ps->syscalls = p->syscalls;
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
    fdtable_free(p->fds);
    p->fds = NULL;
    proc_vfork_release(emu, p);
    p->vfork_child = 0;
    /* Orphans go to pid 1, as in a PID namespace. */
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *c = emu->procs[i];
        if (c && c->ppid == p->pid)
            c->ppid = 1;
    }
    if (p->pid == 1) {
        emu->init_exited = true;
        emu->init_status = wait_status;
        /* Everything else dies with it. */
        for (int i = 0; i < emu->nprocs; i++) {
            struct proc *c = emu->procs[i];
            if (c && c != p && c->state != PROC_ZOMBIE) {
                c->sig.info[SIGKILL] = (struct siginfo_k){.signo = SIGKILL};
                proc_exit(emu, c, SIGKILL);
            }
        }
        return;
    }
    struct proc *parent = proc_by_pid(emu, p->ppid);
    if (parent && parent->state != PROC_ZOMBIE) {
        const struct k_sigaction *act = &parent->sig.act[SIGCHLD];
        if (act->handler == 1 /* SIG_IGN */ || (act->flags & 2 /* SA_NOCLDWAIT */)) {
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
    p->arg_start = img->arg_start;
    p->arg_end = img->arg_end;
    p->env_start = img->env_start;
    p->env_end = img->env_end;
}

void proc_notify_parent(struct emu *emu, struct proc *p, int code, int status)
{
    struct proc *parent = proc_by_pid(emu, p->ppid);
    if (!parent || parent->state == PROC_ZOMBIE)
        return;
    /* SA_NOCLDSTOP: no SIGCHLD for stops and continues. */
    if (code >= 5 && (parent->sig.act[SIGCHLD].flags & 1))
        return proc_wake_all(emu);
    struct siginfo_k si = {.signo = SIGCHLD, .code = code, .pid = p->pid, .status = status};
    proc_signal(emu, parent, &si);
    proc_wake_all(emu);
}

/* --- out of memory -------------------------------------------------------------------- */

bool proc_oom_kill(struct emu *emu, struct proc *faulting)
{
    struct proc *victim = NULL;
    uint64_t most = 0;
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (!q || q->state == PROC_ZOMBIE || !q->mm)
            continue;
        uint64_t size = vm_mm_rss(q->mm) + vm_mm_swapped(q->mm);
        if (!victim || size > most || (size == most && q == faulting)) {
            victim = q;
            most = size;
        }
    }
    if (!victim)
        return false;
    struct siginfo_k si = {.signo = SIGKILL, .code = 0x80 /* the kernel's */};
    proc_signal(emu, victim, &si);
    return victim != faulting;
}

/* --- the scheduler ------------------------------------------------------------------- */

static struct emu *timer_emu; /* for the handlers of --timeout and the deadline timer */

static void on_timeout(int sig)
{
    (void)sig;
    struct emu *emu = timer_emu;
    emu->timed_out = true;
    if (emu->current && emu->current->cpu)
        cpu_request_stop(emu->current->cpu);
}

/* --real-time: a host timer stops the running CPU at the next guest
 * deadline, so a process that computes without system calls still gets
 * its timer's signal (and a process woken by one gets its turn). */
static timer_t deadline_timer;
static bool deadline_timer_made;
static volatile sig_atomic_t deadline_hit;

static void on_deadline(int sig)
{
    (void)sig;
    deadline_hit = 1;
    struct emu *emu = timer_emu;
    if (emu && emu->current && emu->current->cpu)
        cpu_request_stop(emu->current->cpu);
}

static void arm_deadline(struct emu *emu, uint64_t next)
{
    if (!emu->opt.real_time)
        return;
    if (!deadline_timer_made) {
        timer_emu = emu;
        struct sigaction sa = {.sa_handler = on_deadline, .sa_flags = SA_RESTART};
        sigaction(SIGRTMIN, &sa, NULL);
        struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN};
        if (timer_create(CLOCK_MONOTONIC, &ev, &deadline_timer) != 0)
            return;
        deadline_timer_made = true;
    }
    struct itimerspec its = {{0, 0}, {0, 0}};
    if (next != UINT64_MAX && next)
        its.it_value = (struct timespec){(time_t)(next / 1000000000ULL), (long)(next % 1000000000ULL)};
    timer_settime(deadline_timer, TIMER_ABSTIME, &its, NULL);
}

static uint64_t next_deadline(struct emu *emu);

void proc_timers_changed(struct emu *emu)
{
    if (emu->opt.real_time)
        arm_deadline(emu, next_deadline(emu));
}

static void start_timer(struct emu *emu)
{
    if (emu->opt.timeout <= 0)
        return;
    timer_emu = emu;
    struct sigaction sa = {.sa_handler = on_timeout};
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {0};
    it.it_value.tv_sec = (time_t)emu->opt.timeout;
    it.it_value.tv_usec = (suseconds_t)((emu->opt.timeout - (double)it.it_value.tv_sec) * 1e6);
    if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
        it.it_value.tv_usec = 1;
    setitimer(ITIMER_REAL, &it, NULL);
}

static struct proc *next_runnable(struct emu *emu, struct proc *last, bool stay)
{
    if (stay && last && last->state == PROC_RUNNABLE && !last->stopped)
        return last;
    /* Round robin in pid order after last. */
    struct proc *best = NULL, *first = NULL;
    int after = last ? last->pid : 0;
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *p = emu->procs[i];
        if (!p || p->state != PROC_RUNNABLE || p->stopped)
            continue;
        if (!first || p->pid < first->pid)
            first = p;
        if (p->pid > after && (!best || p->pid < best->pid))
            best = p;
    }
    return best ? best : first;
}

bool emu_others_runnable(struct emu *emu, const struct proc *self)
{
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q != self && q->state == PROC_RUNNABLE && !q->stopped)
            return true;
    }
    return false;
}

/* Wake every timed wait whose deadline has passed; fire due timers. */
static void wake_timers(struct emu *emu)
{
    timers_fire(emu);
    uint64_t now = emu_monotonic(emu);
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q->state == PROC_BLOCKED && q->wake_at && q->wake_at <= now)
            q->state = PROC_RUNNABLE; /* WAKE_NEVER is never <= now */
    }
}

/* The earliest deadline: a blocked process's timed wait, or a timer
 * whose expiry would change something (UINT64_MAX: none). */
static uint64_t next_deadline(struct emu *emu)
{
    uint64_t next = timers_next(emu);
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q->state == PROC_BLOCKED && q->wake_at && q->wake_at != WAKE_NEVER &&
            q->wake_at < next)
            next = q->wake_at;
    }
    return next;
}

/* Nothing can run: time passes to the earliest deadline (the fixed clock
 * jumps there; with --real-time the host sleeps).  False when there is
 * none: only a host descriptor or nothing at all can end the waits. */
static bool pass_time(struct emu *emu)
{
    uint64_t next = next_deadline(emu);
    if (next == UINT64_MAX)
        return false;
    if (!emu->opt.real_time) {
        if (emu->clock_ns < next)
            emu->clock_ns = next;
    } else {
        uint64_t now = emu_monotonic(emu);
        if (next > now) {
            uint64_t d = next - now;
            struct timespec ts = {(time_t)(d / 1000000000ULL), (long)(d % 1000000000ULL)};
            nanosleep(&ts, NULL); /* an early end (the --timeout alarm) only retries */
        }
    }
    return true;
}

/* A process waiting on host descriptors, when nothing else can run. */
static struct proc *host_waiter(struct emu *emu)
{
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q->state == PROC_BLOCKED && q->host_wait && !q->stopped)
            return q;
    }
    return NULL;
}

static void run_error(struct emu *emu, struct proc *p, uc_err err)
{
    if (p->state != PROC_RUNNABLE || p->sig.pending || err == UC_ERR_OK)
        return;
    struct siginfo_k si = {.signo = SIGSEGV, .code = 0x80};
    switch (err) {
    case UC_ERR_INSN_INVALID:
        si.signo = SIGILL;
        si.code = 2; /* ILL_ILLOPN */
        si.addr = cpu_reg(p->cpu, UC_X86_REG_RIP);
        break;
    case UC_ERR_READ_UNMAPPED:
    case UC_ERR_WRITE_UNMAPPED:
    case UC_ERR_FETCH_UNMAPPED:
        si.code = 1;
        break;
    default:
        break;
    }
    proc_signal(emu, p, &si);
}

int proc_schedule(struct emu *emu)
{
    start_timer(emu);
    struct proc *last = NULL;
    bool stay = true;
    unsigned idle = 0; /* turns in a row in which time passed and nobody ran */
    while (!emu->init_exited && !emu->timed_out) {
        wake_timers(emu);
        /* Auto-reaped children whose end came while they were not running
         * (a timer's SIGKILL): gone now, before any wait can see them. */
        for (int i = 0; i < emu->nprocs; i++) {
            struct proc *q = emu->procs[i];
            if (q && q->reap_when_stopped && q->state == PROC_ZOMBIE &&
                !(q->dead_cpu && q->dead_cpu->running)) {
                if (q == last)
                    last = NULL;
                if (q == emu->current)
                    emu->current = NULL;
                proc_release(emu, q);
            }
        }
        struct proc *p = next_runnable(emu, last, stay);
        emu->poll_until = 0;
        if (!p && emu->opt.real_time && (p = host_waiter(emu))) {
            /* Real time passes for the host's descriptors and the
             * deadlines alike: wait on the host until the next deadline. */
            uint64_t next = next_deadline(emu);
            emu->poll_until = next == UINT64_MAX ? 0 : next;
            p->state = PROC_RUNNABLE;
        }
        /* Time passing may wake someone; a timer whose signal wakes
         * nobody (blocked) for a million turns is a hang like any other. */
        if (!p && idle < 1000000 && pass_time(emu)) {
            idle++;
            continue;
        }
        if (!p) {
            /* Nothing in the guest can act: a wait on host descriptors
             * may still end (its retry now waits on the host). */
            p = host_waiter(emu);
            if (!p) {
                emu->deadlock = true;
                break;
            }
            p->state = PROC_RUNNABLE;
        }
        p->host_wait = false;
        last = p;
        emu->current = p;
        /* A woken call runs again first: it may complete (a child's exit
         * completes wait4 even though SIGCHLD woke it). */
        if (p->restart) {
            syscall_retry(p);
            if (p->state == PROC_BLOCKED) {
                if (!(p->sig.pending & ~p->sig.blocked)) {
                    stay = false;
                    continue; /* still nothing: keep waiting */
                }
                p->state = PROC_RUNNABLE; /* a signal interrupts the wait */
            }
        }
        signal_deliver(emu, p);
        if (p->state == PROC_RUNNABLE && p->restart)
            p->state = PROC_BLOCKED; /* the signal did not end the wait */
        if (p->state != PROC_RUNNABLE || p->stopped) {
            stay = false;
            continue;
        }
        idle = 0;
        proc_timers_changed(emu); /* time may have passed: the host timer follows */
        uc_err err = cpu_run(p->cpu, emu->opt.quantum);
        proc_free_engine(p);
        if (p->reap_when_stopped) {
            proc_release(emu, p);
            last = NULL;
            stay = false;
            continue;
        }
        if (p->sigreturn && p->state != PROC_ZOMBIE) {
            p->sigreturn = false;
            signal_sigreturn(emu, p);
        }
        run_error(emu, p, err);
        /* With a quantum, a stop that used it up passes the turn on, and
         * the fixed clock moves on by the quantum (1 ns an instruction),
         * so that a sleeper wakes while others compute. */
        stay = !(emu->opt.quantum && err == UC_ERR_OK && p->state == PROC_RUNNABLE &&
                 !p->sig.pending && !p->cpu->need_flush && !p->cpu->need_zones);
        if (!stay && !emu->opt.real_time)
            emu->clock_ns += emu->opt.quantum;
        if (deadline_hit) {
            deadline_hit = 0;
            stay = false; /* a deadline came: whoever it woke gets a turn */
        }
        if (p->yielded) {
            /* A process that yields waits for another: when nobody else
             * can run, time passes to the next deadline. */
            p->yielded = false;
            stay = false;
            if (!emu_others_runnable(emu, p))
                pass_time(emu);
        }
        if (p->state == PROC_RUNNABLE && p->sig.pending)
            signal_deliver(emu, p);
    }
    if (emu->opt.timeout > 0) {
        struct itimerval off = {0};
        setitimer(ITIMER_REAL, &off, NULL);
    }
    if (deadline_timer_made) {
        timer_delete(deadline_timer);
        deadline_timer_made = false;
    }
    if (emu->timed_out) {
        fprintf(stderr, "faultline: timed out after %g s\n", emu->opt.timeout);
        return EXIT_TIMEOUT;
    }
    if (emu->deadlock) {
        fprintf(stderr, "faultline: deadlock: every process is blocked (");
        int n = 0;
        for (int i = 0; i < emu->nprocs; i++) {
            struct proc *q = emu->procs[i];
            if (q && q->state != PROC_ZOMBIE && (q->state == PROC_BLOCKED || q->stopped))
                fprintf(stderr, "%spid %d %s%s", n++ ? ", " : "", q->pid, q->name,
                        q->stopped ? " (stopped)" : "");
        }
        fprintf(stderr, ")\n");
        return EXIT_FAULTLINE;
    }
    int st = emu->init_status;
    if (st & 0x7f)
        return 128 + (st & 0x7f);
    return (st >> 8) & 0xff;
}
