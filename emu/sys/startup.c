/*
 * startup.c - the per-thread calls static start-up code makes: the FS
 * and GS bases, the tid to clear at exit, the robust futex list, rseq.
 */
#include "emu/kernel/thread.h"
#include "emu/sys/sys.h"

long sys_arch_prctl(struct sys *s, int option, unsigned long arg2)
{
    switch (option) {
    case LINUX_ARCH_SET_FS:
    case LINUX_ARCH_SET_GS:
        if (arg2 >= VM_USER_END)
            return -LINUX_EPERM;
        cpu_set_reg(s->p->cpu, option == LINUX_ARCH_SET_FS ? CPU_FS_BASE : CPU_GS_BASE, arg2);
        return 0;
    case LINUX_ARCH_GET_FS:
    case LINUX_ARCH_GET_GS: {
        uint64_t v = cpu_reg(s->p->cpu, option == LINUX_ARCH_GET_FS ? CPU_FS_BASE : CPU_GS_BASE);
        return copy_out(s, arg2, &v, 8) < 0 ? -LINUX_EFAULT : 0;
    }
    default:
        return -LINUX_EINVAL;
    }
}

long sys_set_tid_address(struct sys *s, uaddr_t tidptr)
{
    s->p->clear_child_tid = tidptr;
    return s->p->pid;
}

/* The list is walked when the task ends (thread_release_robust): each
 * lock still held is marked FUTEX_OWNER_DIED and a waiter woken. */
long sys_set_robust_list(struct sys *s, uaddr_t head, size_t len)
{
    if (len != LINUX_ROBUST_LIST_HEAD_SIZE)
        return -LINUX_EINVAL;
    s->p->robust_list = head;
    return 0;
}

/* glibc runs without it. */
long sys_rseq(struct sys *s, uaddr_t rseq, uint32_t rseq_len, int flags, uint32_t sig)
{
    (void)s, (void)rseq, (void)rseq_len, (void)flags, (void)sig;
    return -LINUX_ENOSYS;
}

/* The head a task registered (pid 0: the caller; another task of the
 * pid space by its tid). */
long sys_get_robust_list(struct sys *s, int pid, uaddr_t head_ptr, uaddr_t len_ptr)
{
    struct proc *t = pid ? thread_by_tid(s->emu, 0, pid) : s->p;
    if (!t)
        return -LINUX_ESRCH;
    uint64_t head = t->robust_list, len = LINUX_ROBUST_LIST_HEAD_SIZE;
    if (copy_out(s, head_ptr, &head, 8) < 0 || copy_out(s, len_ptr, &len, 8) < 0)
        return -LINUX_EFAULT;
    return 0;
}
