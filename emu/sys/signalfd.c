/*
 * signalfd.c - signalfd and signalfd4: the signals of a mask, pending for
 * the task that reads, taken as struct signalfd_siginfo records instead
 * of being delivered (the program blocks them first, or they are
 * delivered as usual).  A read takes as many as fit, blocking only while
 * none is pending; poll sees the descriptor readable while one is.  The
 * signals are the reader's: its own and its process's (in signal_take's
 * order); after fork the child reads its signals through the parent's
 * descriptor.
 *
 * A task that waits on a signalfd (in read, or in poll, select or epoll)
 * adds its mask to the signals that wake it though blocked (p->sigwait,
 * as rt_sigtimedwait does), so a signal that arrives ends the wait and
 * the call looks again.  Edge-triggered epoll reports a signalfd again
 * only after it was not ready in between.
 */
#include "emu/sys/fd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIGSET_BYTES 8

struct signalfd {
    uint64_t mask;       /* LINUX_SIGBIT()s it takes; never SIGKILL or SIGSTOP */
};

static const struct file_ops signalfd_ops;

/* The record of sig as signalfd shows it: the fields Linux copies for
 * the kind of siginfo it is (a child, a fault, a timer, a queued or
 * thread-directed signal, a kill). */
static void record_of(struct linux_signalfd_siginfo *r, int sig, const struct ksiginfo *si)
{
    memset(r, 0, sizeof *r);
    r->signo = (uint32_t)sig;
    r->code = si->code;
    bool by_kernel = si->code > 0 && si->code < LINUX_SI_KERNEL;
    if (sig == LINUX_SIGCHLD && by_kernel) {
        struct linux_siginfo info;
        signal_info_fill(&info, sig, si); /* the status as a handler sees it */
        r->pid = (uint32_t)info.u.chld.pid;
        r->uid = (uint32_t)si->uid;
        r->status = info.u.chld.status;
    } else if ((LINUX_SIGBIT(sig) & SIG_SYNCHRONOUS) && by_kernel) {
        r->addr = si->addr;
    } else if (si->code == LINUX_SI_TIMER) {
        r->tid = (uint32_t)si->pid;
        r->overrun = (uint32_t)si->uid;
        r->ptr = si->value;
        r->int_ = (int32_t)si->value;
    } else {
        r->pid = (uint32_t)si->pid;
        r->uid = (uint32_t)si->uid;
        if (si->code < 0) { /* sigqueue, tgkill: a value comes along */
            r->ptr = si->value;
            r->int_ = (int32_t)si->value;
        }
    }
}

static long signalfd_read(struct sys *s, struct file *f, uaddr_t buf, size_t len)
{
    const struct signalfd *sfd = f->priv;
    struct proc *p = s->p;
    size_t max = len / sizeof(struct linux_signalfd_siginfo), n = 0;
    if (!max)
        return -LINUX_EINVAL;
    struct ksiginfo si;
    for (int sig; n < max && (sig = signal_take(p, sfd->mask, &si)); n++) {
        struct linux_signalfd_siginfo r;
        record_of(&r, sig, &si);
        if (copy_out(s, buf + n * sizeof r, &r, sizeof r) < 0)
            return n ? (long)(n * sizeof r) : -LINUX_EFAULT;
    }
    if (n) {
        p->sigwait = 0;
        return (long)(n * sizeof(struct linux_signalfd_siginfo));
    }
    if (f->status & LINUX_O_NONBLOCK)
        return -LINUX_EAGAIN;
    p->sigwait |= sfd->mask;
    sys_wait_and_retry(s, false);
    return 0;
}

/* Ready while one of the mask's signals is pending for p, the task that
 * polls; p may now wait for them (they wake it though blocked). */
static short signalfd_poll(struct proc *p, struct file *f)
{
    const struct signalfd *sfd = f->priv;
    p->sigwait |= sfd->mask;
    return signal_peek(p, sfd->mask, NULL) ? LINUX_POLLIN : 0;
}

static void signalfd_link(struct file *f, char *buf, size_t len)
{
    (void)f;
    snprintf(buf, len, "anon_inode:[signalfd]");
}

static void signalfd_release(struct file *f)
{
    free(f->priv);
}

static const struct file_ops signalfd_ops = {
    .read = signalfd_read,
    .poll = signalfd_poll,
    .link = signalfd_link,
    .release = signalfd_release,
};

/* A new signalfd for mask (ufd -1), or mask for signalfd ufd. */
static long do_signalfd(struct sys *s, int ufd, uint64_t mask, int flags)
{
    if (flags & ~(LINUX_O_CLOEXEC | LINUX_O_NONBLOCK))
        return -LINUX_EINVAL;
    mask &= ~SIG_UNBLOCKABLE;
    if (ufd != -1) {
        struct file *f = fd_file(s->p, ufd);
        if (!f)
            return -LINUX_EBADF;
        if (f->kind != FILE_OPS || f->ops != &signalfd_ops)
            return -LINUX_EINVAL;
        ((struct signalfd *)f->priv)->mask = mask;
        proc_wake_all(s->emu); /* a waiter may take a signal it now covers */
        return ufd;
    }
    struct signalfd *sfd = calloc(1, sizeof *sfd);
    if (!sfd)
        return -LINUX_ENOMEM;
    sfd->mask = mask;
    return install_ops(s, &signalfd_ops, sfd, flags);
}

long sys_signalfd4(struct sys *s, int ufd, uaddr_t user_mask, size_t sizemask, int flags)
{
    uint64_t mask;
    if (sizemask != SIGSET_BYTES)
        return -LINUX_EINVAL;
    if (copy_in(s, &mask, user_mask, sizeof mask) < 0)
        return -LINUX_EFAULT;
    return do_signalfd(s, ufd, mask, flags);
}

long sys_signalfd(struct sys *s, int ufd, uaddr_t user_mask, size_t sizemask)
{
    return sys_signalfd4(s, ufd, user_mask, sizemask, 0);
}
