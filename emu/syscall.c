/*
 * syscall.c - the system-call table and its dispatcher.  The guest is
 * x86-64 Linux, as the host is, so numbers come from <sys/syscall.h>.
 * Unknown numbers return -ENOSYS and are counted for the summary.
 */
#include "proc.h"

#include <errno.h>
#include <sys/syscall.h>

#define E(nr, fn) [SYS_##nr] = {#nr, sys_##fn}

const struct syscall_def syscall_table[SYSCALL_MAX] = {
    E(read, read), E(write, write), E(open, open), E(close, close), E(stat, stat),
    E(fstat, fstat), E(lstat, lstat), E(poll, poll), E(lseek, lseek), E(mmap, mmap),
    E(mprotect, mprotect), E(munmap, munmap), E(brk, brk), E(rt_sigaction, rt_sigaction),
    E(rt_sigprocmask, rt_sigprocmask), E(rt_sigreturn, rt_sigreturn), E(ioctl, ioctl),
    E(pread64, pread64), E(pwrite64, pwrite64), E(readv, readv), E(writev, writev),
    E(access, access), E(pipe, pipe), E(select, select), E(sched_yield, sched_yield),
    E(mremap, mremap), E(msync, msync), E(mincore, mincore), E(madvise, madvise),
    E(dup, dup), E(dup2, dup2), E(pause, pause), E(nanosleep, nanosleep),
    E(getpid, getpid), E(clone, clone), E(fork, fork), E(vfork, vfork), E(execve, execve),
    E(exit, exit), E(wait4, wait4), E(kill, kill), E(uname, uname), E(fcntl, fcntl),
    E(flock, flock), E(fsync, fsync), E(fdatasync, fdatasync), E(truncate, truncate),
    E(ftruncate, ftruncate), E(getcwd, getcwd), E(chdir, chdir), E(fchdir, fchdir),
    E(rename, rename), E(mkdir, mkdir), E(rmdir, rmdir), E(creat, creat), E(link, link),
    E(unlink, unlink), E(symlink, symlink), E(readlink, readlink), E(chmod, chmod),
    E(fchmod, fchmod), E(chown, chown), E(fchown, fchown), E(lchown, lchown),
    E(umask, umask), E(gettimeofday, gettimeofday), E(getrlimit, getrlimit),
    E(getrusage, getrusage), E(sysinfo, sysinfo), E(times, times), E(getuid, getuid),
    E(getgid, getgid), E(setuid, setuid), E(setgid, setgid), E(geteuid, geteuid),
    E(getegid, getegid), E(setpgid, setpgid), E(getppid, getppid), E(getpgrp, getpgrp),
    E(setsid, setsid), E(setreuid, setreuid), E(setregid, setregid),
    E(getgroups, getgroups), E(setresuid, setresuid), E(getresuid, getresuid),
    E(setresgid, setresgid), E(getresgid, getresgid), E(getpgid, getpgid),
    E(getsid, getsid), E(rt_sigpending, rt_sigpending), E(rt_sigsuspend, rt_sigsuspend),
    E(sigaltstack, sigaltstack), E(statfs, statfs), E(fstatfs, fstatfs),
    E(prctl, prctl), E(arch_prctl, arch_prctl), E(setrlimit, setrlimit),
    E(gettid, gettid), E(tkill, tkill), E(time, time), E(futex, futex),
    E(sched_getaffinity, sched_getaffinity), E(getdents64, getdents64),
    E(set_tid_address, set_tid_address), E(fadvise64, fadvise64),
    E(clock_gettime, clock_gettime), E(clock_getres, clock_getres),
    E(clock_nanosleep, clock_nanosleep), E(exit_group, exit_group), E(tgkill, tgkill),
    E(waitid, waitid), E(openat, openat), E(mkdirat, mkdirat), E(fchownat, fchownat),
    E(newfstatat, newfstatat), E(unlinkat, unlinkat), E(renameat, renameat),
    E(linkat, linkat), E(symlinkat, symlinkat), E(readlinkat, readlinkat),
    E(fchmodat, fchmodat), E(faccessat, faccessat), E(pselect6, pselect6), E(ppoll, ppoll),
    E(set_robust_list, set_robust_list), E(utimensat, utimensat), E(dup3, dup3),
    E(pipe2, pipe2), E(prlimit64, prlimit64), E(renameat2, renameat2),
    E(getrandom, getrandom), E(execveat, execveat), E(statx, statx), E(rseq, rseq),
    E(faccessat2, faccessat2), E(getxattr, getxattr), E(lgetxattr, lgetxattr),
    E(fgetxattr, fgetxattr), E(listxattr, listxattr), E(llistxattr, llistxattr),
    E(flistxattr, flistxattr), E(alarm, alarm), E(setitimer, setitimer),
    E(getitimer, getitimer), E(timer_create, timer_create), E(timer_settime, timer_settime),
    E(timer_gettime, timer_gettime), E(timer_getoverrun, timer_getoverrun),
    E(timer_delete, timer_delete), E(getpriority, getpriority), E(setpriority, setpriority),
    E(sched_getscheduler, sched_getscheduler), E(sched_setscheduler, sched_setscheduler),
    E(sched_getparam, sched_getparam), E(sched_setparam, sched_setparam),
    E(sched_get_priority_max, sched_get_priority_max),
    E(sched_get_priority_min, sched_get_priority_min), E(ioprio_get, ioprio_get),
    E(ioprio_set, ioprio_set), E(sync, sync), E(syncfs, syncfs), E(fallocate, fallocate),
    E(rt_sigtimedwait, rt_sigtimedwait),
};

const char *syscall_name(uint64_t nr)
{
    static const char *const extra[SYSCALL_MAX] = {
        [SYS_sendfile] = "sendfile", [SYS_copy_file_range] = "copy_file_range",
        [SYS_clone3] = "clone3", 
        [SYS_mlock] = "mlock", [SYS_munlock] = "munlock",
        [SYS_socket] = "socket", [SYS_connect] = "connect", [SYS_ptrace] = "ptrace",
        [SYS_epoll_create1] = "epoll_create1",
        [SYS_eventfd2] = "eventfd2", [SYS_memfd_create] = "memfd_create",
        [SYS_membarrier] = "membarrier", [SYS_io_uring_setup] = "io_uring_setup",
        [SYS_close_range] = "close_range", [SYS_mlockall] = "mlockall",
        [SYS_sched_setaffinity] = "sched_setaffinity", [SYS_getcpu] = "getcpu",
        [SYS_shmget] = "shmget", [SYS_signalfd4] = "signalfd4", [SYS_inotify_init1] = "inotify_init1",
        [SYS_timerfd_create] = "timerfd_create", 
        
        [SYS_openat2] = "openat2", [SYS_pidfd_open] = "pidfd_open", [SYS_mknodat] = "mknodat",
        [SYS_mknod] = "mknod", [SYS_sched_getattr] = "sched_getattr",
        [SYS_sched_setattr] = "sched_setattr", [SYS_setxattr] = "setxattr",
        [SYS_lsetxattr] = "lsetxattr", [SYS_fsetxattr] = "fsetxattr",
        [SYS_removexattr] = "removexattr", [SYS_fremovexattr] = "fremovexattr",
        [SYS_socketpair] = "socketpair", [SYS_bind] = "bind", [SYS_listen] = "listen",
        [SYS_accept4] = "accept4", [SYS_sendto] = "sendto", [SYS_recvfrom] = "recvfrom",
        [SYS_sendmsg] = "sendmsg", [SYS_recvmsg] = "recvmsg", [SYS_epoll_ctl] = "epoll_ctl",
        [SYS_epoll_wait] = "epoll_wait", [SYS_epoll_pwait] = "epoll_pwait",
        [SYS_eventfd] = "eventfd", [SYS_splice] = "splice", [SYS_tee] = "tee",
[SYS_rt_sigqueueinfo] = "rt_sigqueueinfo",
        [SYS_capget] = "capget", [SYS_capset] = "capset", [SYS_personality] = "personality",
        [SYS_mount] = "mount", [SYS_umount2] = "umount2", [SYS_chroot] = "chroot",
        [SYS_unshare] = "unshare", [SYS_seccomp] = "seccomp", [SYS_pidfd_send_signal] = "pidfd_send_signal",
        [SYS_sync_file_range] = "sync_file_range", [SYS_process_vm_readv] = "process_vm_readv",
        [SYS_userfaultfd] = "userfaultfd", [SYS_mlock2] = "mlock2", [SYS_pkey_mprotect] = "pkey_mprotect",
    };
    if (nr < SYSCALL_MAX && syscall_table[nr].name)
        return syscall_table[nr].name;
    if (nr < SYSCALL_MAX && extra[nr])
        return extra[nr];
    return NULL;
}

static const int arg_regs[] = {
    UC_X86_REG_RAX, UC_X86_REG_RDI, UC_X86_REG_RSI, UC_X86_REG_RDX,
    UC_X86_REG_R10, UC_X86_REG_R8,  UC_X86_REG_R9,
};

/* Run the call the registers of cpu describe, at rip (its syscall
 * instruction).  Returns what the call left to do. */
static struct sys invoke(struct cpu *cpu, uint64_t rip)
{
    struct emu *emu = cpu->emu;
    struct proc *p = cpu->proc;
    uint64_t v[7];
    void *ptrs[7];
    for (int i = 0; i < 7; i++)
        ptrs[i] = &v[i];
    uc_reg_read_batch(cpu->uc, (int *)arg_regs, ptrs, 7);
    struct sys s = {.emu = emu, .p = p, .nr = v[0], .rip = rip};
    for (int i = 0; i < 6; i++)
        s.a[i] = v[i + 1];
    emu->current = p;
    p->syscalls++;
    long ret;
    if (s.nr < SYSCALL_MAX && syscall_table[s.nr].fn) {
        emu->syscall_calls[s.nr]++;
        ret = syscall_table[s.nr].fn(&s);
    } else {
        if (s.nr < SYSCALL_MAX)
            emu->unknown_calls[s.nr]++;
        else
            emu->unknown_other++;
        if (emu->opt.verbose)
            fprintf(stderr, "faultline: pid %d: unsupported system call %llu (%s)\n", p->pid,
                    (unsigned long long)s.nr, syscall_name(s.nr) ? syscall_name(s.nr) : "?");
        ret = -ENOSYS;
    }
    if (!s.no_return)
        cpu_set_reg(cpu, UC_X86_REG_RAX, (uint64_t)ret);
    if (emu->opt.check)
        vm_check(emu->vm);
    return s;
}

void syscall_dispatch(struct cpu *cpu)
{
    struct proc *p = cpu->proc;
    struct sys s = invoke(cpu, cpu_reg(cpu, UC_X86_REG_RIP));
    timers_check(cpu->emu, p); /* a busy process meets its own alarm */
    if (s.stop || p->state != PROC_RUNNABLE || p->cpu != cpu ||
        (p->sig.pending & ~p->sig.blocked))
        uc_emu_stop(cpu->uc);
}

void syscall_retry(struct proc *p)
{
    struct cpu *cpu = p->cpu;
    uint64_t rip = p->restart_rip;
    p->restart = false;
    cpu_set_reg(cpu, UC_X86_REG_RIP, rip);
    struct sys s = invoke(cpu, rip);
    /* Done (not blocked again, not a call that set its own registers):
     * continue after the instruction. */
    if (!s.no_return && p->cpu == cpu && p->state != PROC_ZOMBIE) {
        cpu_set_reg(cpu, UC_X86_REG_RIP, rip + 2);
        p->wake_at = 0;
        p->sleep_rem = 0;
    }
}
