/*
 * eventfd.c - eventfd and eventfd2: a 64-bit counter behind a descriptor.
 * A write of exactly 8 bytes adds to it (blocking while the sum would pass
 * 2^64 - 2), a read of 8 or more takes all of it (or 1 in semaphore mode),
 * blocking while it is 0; poll sees it readable while non-zero and
 * writable while there is room for 1 more.  Every transfer wakes the
 * waiters (proc_wake_all) and is an edge for EPOLLET.
 */
#include "emu/sys/fd.h"

#include <stdio.h>
#include <stdlib.h>

#define EVENTFD_MAX (UINT64_MAX - 1) /* the largest count a write may leave */

struct eventfd {
    uint64_t count;
    bool semaphore;
    uint64_t gen;        /* transfers so far */
};

static long eventfd_read(struct sys *s, struct file *f, uaddr_t buf, size_t len)
{
    struct eventfd *e = f->priv;
    if (len < sizeof e->count)
        return -LINUX_EINVAL;
    if (!e->count) {
        if (f->status & LINUX_O_NONBLOCK)
            return -LINUX_EAGAIN;
        sys_wait_and_retry(s, false);
        return 0;
    }
    uint64_t v = e->semaphore ? 1 : e->count;
    e->count -= v;
    e->gen++;
    proc_wake_all(s->emu);
    /* Taken even when it cannot be handed over, as Linux does. */
    return copy_out(s, buf, &v, sizeof v) < 0 ? -LINUX_EFAULT : (long)sizeof v;
}

static long eventfd_write(struct sys *s, struct file *f, uaddr_t buf, size_t len)
{
    struct eventfd *e = f->priv;
    uint64_t v;
    if (len != sizeof v) /* exactly 8, where a read may be longer */
        return -LINUX_EINVAL;
    if (copy_in(s, &v, buf, sizeof v) < 0)
        return -LINUX_EFAULT;
    if (v == UINT64_MAX)
        return -LINUX_EINVAL;
    if (v > EVENTFD_MAX - e->count) {
        if (f->status & LINUX_O_NONBLOCK)
            return -LINUX_EAGAIN;
        sys_wait_and_retry(s, false);
        return 0;
    }
    if (v) {
        e->count += v;
        e->gen++;
        proc_wake_all(s->emu);
    }
    return (long)sizeof v;
}

static short eventfd_poll(struct proc *p, struct file *f)
{
    (void)p;
    const struct eventfd *e = f->priv;
    short ready = 0;
    if (e->count)
        ready |= LINUX_POLLIN;
    if (e->count < EVENTFD_MAX)
        ready |= LINUX_POLLOUT;
    if (e->count == UINT64_MAX)
        ready |= LINUX_POLLERR;
    return ready;
}

static uint64_t eventfd_gen(struct file *f)
{
    return ((const struct eventfd *)f->priv)->gen;
}

static void eventfd_link(struct file *f, char *buf, size_t len)
{
    (void)f;
    snprintf(buf, len, "anon_inode:[eventfd]");
}

static void eventfd_release(struct file *f)
{
    free(f->priv);
}

static const struct file_ops eventfd_ops = {
    .read = eventfd_read,
    .write = eventfd_write,
    .poll = eventfd_poll,
    .gen = eventfd_gen,
    .link = eventfd_link,
    .release = eventfd_release,
};

long sys_eventfd2(struct sys *s, unsigned int count, int flags)
{
    if (flags & ~(LINUX_O_CLOEXEC | LINUX_O_NONBLOCK | LINUX_EFD_SEMAPHORE))
        return -LINUX_EINVAL;
    struct eventfd *e = calloc(1, sizeof *e);
    if (!e)
        return -LINUX_ENOMEM;
    e->count = count;
    e->semaphore = flags & LINUX_EFD_SEMAPHORE;
    return install_ops(s, &eventfd_ops, e, flags);
}

long sys_eventfd(struct sys *s, unsigned int count)
{
    return sys_eventfd2(s, count, 0);
}
