/*
 * epoll.c - epoll_create, epoll_create1, epoll_ctl, epoll_wait,
 * epoll_pwait and epoll_pwait2, over the readiness poll knows (select.c):
 * an epoll instance is a file holding its interest list, and a wait is a
 * poll of what it watches, blocking and waking the same way.
 *
 * Edge-triggered items (EPOLLET) report readiness again after a transfer
 * through the pipe since the last report (data in, room made), and a host
 * descriptor's readiness that was not there at the last report.  EPOLLONESHOT disarms
 * an item once reported, until EPOLL_CTL_MOD; EPOLLEXCLUSIVE and
 * EPOLLWAKEUP are accepted (one waiter is all there is to wake at once
 * here).  An item whose descriptor was closed (or now names another file)
 * is skipped.
 */
#include "emu/sys/fd.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#define EPOLL_MAXEVENTS (INT32_MAX / (int)sizeof(struct linux_epoll_event))
#define EPOLL_EVENT_BITS                                                                      \
    (LINUX_POLLIN | LINUX_POLLPRI | LINUX_POLLOUT | LINUX_POLLERR | LINUX_POLLHUP |              \
     LINUX_POLLRDHUP | 0x3c0 /* RDNORM RDBAND WRNORM WRBAND */)
#define EPOLL_FLAG_BITS                                                                       \
    (LINUX_EPOLLET | LINUX_EPOLLONESHOT | LINUX_EPOLLEXCLUSIVE | LINUX_EPOLLWAKEUP)

static long epoll_new(struct sys *s, int flags)
{
    if (flags & ~LINUX_EPOLL_CLOEXEC)
        return -LINUX_EINVAL;
    struct file *f = file_new(FILE_EPOLL);
    struct epoll *ep = calloc(1, sizeof *ep);
    if (!f || !ep) {
        free(ep);
        file_put(f);
        return -LINUX_ENOMEM;
    }
    f->epoll = ep;
    f->status = LINUX_O_RDWR;
    snprintf(f->path, sizeof f->path, "anon_inode:[eventpoll]");
    return install_fd(s->p, f, flags & LINUX_EPOLL_CLOEXEC, 0);
}

long sys_epoll_create(struct sys *s, int size)
{
    return size <= 0 ? -LINUX_EINVAL : epoll_new(s, 0);
}

long sys_epoll_create1(struct sys *s, int flags)
{
    return epoll_new(s, flags);
}

static struct epoll_item *item_of(struct epoll *ep, int fd)
{
    for (size_t i = 0; i < ep->n; i++)
        if (ep->items[i].fd == fd)
            return &ep->items[i];
    return NULL;
}

/* Would watching target from epoll file ep make a loop of epolls? */
static bool makes_loop(struct proc *p, const struct file *ep, const struct file *target, int depth)
{
    if (target == ep)
        return true;
    if (target->kind != FILE_EPOLL || depth > 4)
        return depth > 4;
    for (size_t i = 0; i < target->epoll->n; i++) {
        const struct epoll_item *it = &target->epoll->items[i];
        if (fd_file(p, it->fd) == it->file && makes_loop(p, ep, it->file, depth + 1))
            return true;
    }
    return false;
}

static long add_item(struct epoll *ep, int fd, struct file *f, const struct linux_epoll_event *ev)
{
    if (ep->n == ep->cap) {
        size_t cap = ep->cap ? ep->cap * 2 : 8;
        struct epoll_item *v = realloc(ep->items, cap * sizeof *v);
        if (!v)
            return -LINUX_ENOMEM;
        ep->items = v;
        ep->cap = cap;
    }
    ep->items[ep->n++] = (struct epoll_item){fd, f, ev->events, ev->data, 0};
    return 0;
}

long sys_epoll_ctl(struct sys *s, int epfd, int op, int fd, uaddr_t event)
{
    struct file *e = fd_file(s->p, epfd), *f = fd_file(s->p, fd);
    if (!e || !f)
        return -LINUX_EBADF;
    if (e->kind != FILE_EPOLL || epfd == fd)
        return -LINUX_EINVAL;
    /* Regular files and directories are always ready: epoll refuses them. */
    struct stat st;
    if (f->kind == FILE_MEM ||
        (f->kind == FILE_HOST && fstat(f->hostfd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))))
        return -LINUX_EPERM;
    struct linux_epoll_event ev = {0};
    if (op != LINUX_EPOLL_CTL_DEL && copy_in(s, &ev, event, sizeof ev) < 0)
        return -LINUX_EFAULT;
    struct epoll *ep = e->epoll;
    struct epoll_item *it = item_of(ep, fd);
    if (it && it->file != f) {
        *it = ep->items[--ep->n]; /* its file is gone: the fd is another's now */
        it = NULL;
    }
    switch (op) {
    case LINUX_EPOLL_CTL_ADD:
        if (it)
            return -LINUX_EEXIST;
        if (makes_loop(s->p, e, f, 0))
            return -LINUX_ELOOP;
        return add_item(ep, fd, f, &ev);
    case LINUX_EPOLL_CTL_MOD:
        if (!it)
            return -LINUX_ENOENT;
        if (ev.events & LINUX_EPOLLEXCLUSIVE)
            return -LINUX_EINVAL;
        it->events = ev.events;
        it->data = ev.data;
        it->reported = 0;
        return 0;
    case LINUX_EPOLL_CTL_DEL:
        if (!it)
            return -LINUX_ENOENT;
        *it = ep->items[--ep->n];
        return 0;
    default:
        return -LINUX_EINVAL;
    }
}

/* Where f's transfers are: a change is a new edge for EPOLLET. */
static uint64_t file_gen(struct file *f)
{
    if (f->pipe)
        return f->pipe->gen;
    return f->kind == FILE_OPS && f->ops->gen ? f->ops->gen(f) : 0;
}

/* What item it can report now: the readiness it asks for (errors and
 * hang-ups always), less what an edge-triggered item already reported. */
static uint32_t item_ready(struct proc *p, struct epoll_item *it)
{
    if (!(it->events & ~EPOLL_FLAG_BITS) || fd_file(p, it->fd) != it->file)
        return 0;
    short want = (short)(it->events & EPOLL_EVENT_BITS);
    uint32_t ready = (uint16_t)poll_ready(p, it->file, want);
    if (it->events & LINUX_EPOLLET) {
        if (file_gen(it->file) != it->gen)
            it->reported = 0; /* a transfer since: a new edge */
        it->reported &= ready; /* what is no longer ready may be reported again */
        ready &= ~it->reported;
    }
    return ready;
}

/* (item_ready only records what it saw go unready, which a wait would
 * record too.) */
bool epoll_ready(struct proc *p, struct file *f)
{
    for (size_t i = 0; i < f->epoll->n; i++)
        if (item_ready(p, &f->epoll->items[i]))
            return true;
    return false;
}

/* Report up to max ready items into out; how many. */
static int collect(struct proc *p, struct epoll *ep, struct linux_epoll_event *out, int max)
{
    int n = 0;
    for (size_t i = 0; i < ep->n && n < max; i++) {
        struct epoll_item *it = &ep->items[i];
        uint32_t ready = item_ready(p, it);
        if (!ready)
            continue;
        out[n++] = (struct linux_epoll_event){ready, it->data};
        if (it->events & LINUX_EPOLLET) {
            it->reported |= ready;
            it->gen = file_gen(it->file);
        }
        if (it->events & LINUX_EPOLLONESHOT)
            it->events &= EPOLL_FLAG_BITS; /* disarmed until EPOLL_CTL_MOD */
    }
    return n;
}

/* The wait: ready items now, or block (retried) until one may be, as
 * poll blocks on the descriptors still able to report something. */
static long epoll_wait_ns(struct sys *s, int epfd, uaddr_t events, int max, int64_t timeout_ns)
{
    struct file *e = fd_file(s->p, epfd);
    if (!e)
        return -LINUX_EBADF;
    if (e->kind != FILE_EPOLL || max <= 0 || max > EPOLL_MAXEVENTS)
        return -LINUX_EINVAL;
    struct epoll *ep = e->epoll;
    struct linux_epoll_event *out = calloc((size_t)max, sizeof *out);
    struct linux_pollfd *pf = calloc(ep->n ? ep->n : 1, sizeof *pf);
    long r = -LINUX_ENOMEM;
    if (!out || !pf)
        goto done;
    r = collect(s->p, ep, out, max);
    if (r == 0) {
        /* Nothing to report: wait for what could change that. */
        size_t k = 0;
        for (size_t i = 0; i < ep->n; i++) {
            struct epoll_item *it = &ep->items[i];
            if ((it->events & ~EPOLL_FLAG_BITS) && fd_file(s->p, it->fd) == it->file)
                pf[k++] = (struct linux_pollfd){it->fd, (short)(it->events & EPOLL_EVENT_BITS), 0};
        }
        r = poll_wait(s, pf, k, timeout_ns);
        if (r > 0)
            r = collect(s->p, ep, out, max);
    }
    if (r > 0 && copy_out(s, events, out, (size_t)r * sizeof *out) < 0)
        r = -LINUX_EFAULT;
done:
    free(out);
    free(pf);
    return r;
}

long sys_epoll_wait(struct sys *s, int epfd, uaddr_t events, int maxevents, int timeout)
{
    return epoll_wait_ns(s, epfd, events, maxevents,
                         timeout < 0 ? -1 : (int64_t)timeout * 1000000);
}

long sys_epoll_pwait(struct sys *s, int epfd, uaddr_t events, int maxevents, int timeout,
                     uaddr_t sigmask, size_t sigsetsize)
{
    if (sigmask) {
        long err = signal_wait_mask(s, sigmask, sigsetsize);
        if (err)
            return err;
    }
    long r = sys_epoll_wait(s, epfd, events, maxevents, timeout);
    if (sigmask)
        signal_wait_mask_end(s, r);
    return r;
}

long sys_epoll_pwait2(struct sys *s, int epfd, uaddr_t events, int maxevents, uaddr_t timeout,
                      uaddr_t sigmask, size_t sigsetsize)
{
    uint64_t ns = 0;
    if (timeout) {
        long err = timespec_ns(s, timeout, &ns);
        if (err)
            return err;
    }
    if (sigmask) {
        long err = signal_wait_mask(s, sigmask, sigsetsize);
        if (err)
            return err;
    }
    long r = epoll_wait_ns(s, epfd, events, maxevents,
                           !timeout ? -1 : ns > INT64_MAX ? INT64_MAX : (int64_t)ns);
    if (sigmask)
        signal_wait_mask_end(s, r);
    return r;
}
