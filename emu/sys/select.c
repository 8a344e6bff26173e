/*
 * select.c - poll, ppoll, select and pselect6: readiness of guest pipes
 * and generated files is known here; host descriptors are asked with a
 * poll of no wait, and waited on for real only when no guest process can
 * run.
 */
#include "emu/kernel/clock.h"
#include "emu/sys/fd.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_MS 1000000LL

/* Is host fd ready for events now? */
static bool host_ready(int fd, short events)
{
    struct pollfd pf = {fd, events, 0};
    return poll(&pf, 1, 0) > 0 && (pf.revents & events);
}

short poll_ready(struct proc *p, struct file *f, short events)
{
    if (!f)
        return LINUX_POLLNVAL;
    short ready = 0;
    switch (f->kind) {
    case FILE_PIPE_READ:
        if (f->pipe->len || (f->fifo_host && host_ready(f->hostfd, POLLIN)))
            ready |= LINUX_POLLIN;
        if (!f->pipe->writers)
            ready |= LINUX_POLLHUP;
        if ((f->status & LINUX_O_ACCMODE) == LINUX_O_RDWR && f->pipe->len < PIPE_BUF_SIZE)
            ready |= LINUX_POLLOUT; /* a FIFO opened for both */
        break;
    case FILE_PIPE_WRITE:
        if (!f->pipe->readers && f->fifo_host)
            ready |= host_ready(f->hostfd, POLLOUT) ? LINUX_POLLOUT : 0;
        else if (!f->pipe->readers)
            ready |= LINUX_POLLERR;
        else if (f->pipe->len < PIPE_BUF_SIZE)
            ready |= LINUX_POLLOUT;
        break;
    case FILE_MEM:
        ready = LINUX_POLLIN | LINUX_POLLOUT;
        break;
    case FILE_HOST: {
        struct pollfd pf = {f->hostfd, host_poll_events_from_linux(events), 0};
        if (poll(&pf, 1, 0) > 0)
            ready = linux_poll_events_from_host(pf.revents);
        break;
    }
    case FILE_EPOLL:
        ready = epoll_ready(p, f) ? LINUX_POLLIN : 0;
        break;
    case FILE_OPS:
        ready = f->ops->poll(p, f);
        break;
    }
    return ready & (events | LINUX_POLLERR | LINUX_POLLHUP | LINUX_POLLNVAL);
}

/* The host fd a wait on f waits on for real (a host file, a FIFO end
 * with a host side, a --net host socket), or -1. */
static int host_side(const struct file *f)
{
    if (f && f->kind == FILE_OPS && f->ops->host_fd)
        return f->ops->host_fd((struct file *)f);
    return f && (f->kind == FILE_HOST || f->fifo_host) ? f->hostfd : -1;
}

/* The host's poll timeout (ms, -1 for ever) for a wait until the guest
 * time until, from now. */
static int host_timeout_ms(uint64_t until, uint64_t now)
{
    if (until == UINT64_MAX)
        return -1;
    int64_t ms = until <= now ? 0 : (int64_t)((until - now + NS_PER_MS - 1) / NS_PER_MS);
    return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

/* Nobody else can run: wait on the host's descriptors among pf for real,
 * until the call's own deadline or the scheduler's (a timer, or another
 * process's timed wait with --real-time), whichever comes first. */
static long poll_host_wait(struct sys *s, struct linux_pollfd *pf, size_t n, int64_t timeout_ns)
{
    struct pollfd hp[64];
    size_t map[64], hn = 0;
    for (size_t i = 0; i < n && hn < 64; i++) {
        struct file *f = pf[i].fd < 0 ? NULL : fd_file(s->p, pf[i].fd);
        if (host_side(f) >= 0) {
            hp[hn] = (struct pollfd){host_side(f), host_poll_events_from_linux(pf[i].events), 0};
            map[hn++] = i;
        }
    }
    struct proc *p = s->p;
    uint64_t now = emu_monotonic(s->emu);
    if (timeout_ns >= 0 && !p->wake_at)
        p->wake_at = now + (uint64_t)timeout_ns;
    uint64_t until = timeout_ns >= 0 ? p->wake_at : UINT64_MAX;
    bool cut = s->emu->poll_until && s->emu->poll_until < until;
    if (cut)
        until = s->emu->poll_until;
    int r = poll(hp, (nfds_t)hn, host_timeout_ms(until, now));
    if (r < 0 && errno == EINTR && !s->emu->timed_out)
        cut = true, r = 0; /* faultline's own deadline timer: wait on after it */
    if (r < 0)
        return host_err();
    if (r == 0 && cut) {
        /* Something else is due first: wait on after it. */
        sys_wait_and_retry(s, true);
        p->host_wait = true;
        return 0;
    }
    p->wake_at = 0;
    for (size_t k = 0; k < hn; k++)
        pf[map[k]].revents = linux_poll_events_from_host(hp[k].revents);
    return r;
}

/* Wait for events on fds: returns the number ready, 0 on timeout, or
 * blocks (the call is retried) while another guest process may act.  A
 * finite timeout is a deadline on the guest's clock (sys_wait_until): with
 * nobody left to make a pipe ready, the fixed clock jumps to it.  Only
 * descriptors of the host (a terminal, a host pipe) make the host wait,
 * and only when no guest process can run.  A handler ends the wait with
 * EINTR, as poll is never restarted. */
long poll_wait(struct sys *s, struct linux_pollfd *pf, size_t n, int64_t timeout_ns)
{
    long ready = 0;
    size_t host = 0;
    for (size_t i = 0; i < n; i++) {
        struct file *f = pf[i].fd < 0 ? NULL : fd_file(s->p, pf[i].fd);
        pf[i].revents = pf[i].fd < 0 ? 0 : poll_ready(s->p, f, pf[i].events);
        ready += pf[i].revents != 0;
        host += host_side(f) >= 0;
    }
    if (ready)
        return ready;
    if (signal_ready(s->p)) {
        s->stop = true; /* a signal ppoll's or pselect's mask lets in */
        return -LINUX_EINTR;
    }
    if (timeout_ns == 0)
        return 0;
    if (!host || emu_others_runnable(s->emu, s->p)) {
        if (timeout_ns < 0)
            sys_wait_and_retry(s, true);
        else if (sys_wait_until(s, (uint64_t)timeout_ns, true))
            return 0;
        s->p->host_wait = host > 0; /* when all others block, wait on the host */
        return 0;
    }
    return poll_host_wait(s, pf, n, timeout_ns);
}

static long poll_common(struct sys *s, uaddr_t ufds, unsigned int nfds, int64_t timeout_ns)
{
    if (nfds > MAX_FDS)
        return -LINUX_EINVAL;
    struct linux_pollfd *pf = calloc(nfds ? nfds : 1, sizeof *pf);
    if (!pf)
        return -LINUX_ENOMEM;
    size_t bytes = (size_t)nfds * sizeof *pf;
    long r = copy_in(s, pf, ufds, bytes) < 0 ? -LINUX_EFAULT : poll_wait(s, pf, nfds, timeout_ns);
    if (r >= 0 && !s->no_return && copy_out(s, ufds, pf, bytes) < 0)
        r = -LINUX_EFAULT;
    free(pf);
    return r;
}

long sys_poll(struct sys *s, uaddr_t ufds, unsigned int nfds, int timeout_msecs)
{
    return poll_common(s, ufds, nfds, timeout_msecs < 0 ? -1 : timeout_msecs * NS_PER_MS);
}

/* A guest timespec (or timeval, with sub_per_sec = 10^6) as ns; -1 when
 * addr is NULL (wait for ever).  Rejects what Linux rejects. */
static long timeout_in(struct sys *s, uaddr_t addr, int64_t sub_per_sec, int64_t *ns)
{
    *ns = -1;
    if (!addr)
        return 0;
    int64_t t[2];
    if (copy_in(s, t, addr, sizeof t) < 0)
        return -LINUX_EFAULT;
    if (t[0] < 0 || t[1] < 0 || t[1] >= sub_per_sec)
        return -LINUX_EINVAL;
    int64_t cap = INT64_MAX / LINUX_NSEC_PER_SEC - 1; /* still fits in ns */
    *ns = (t[0] > cap ? cap : t[0]) * LINUX_NSEC_PER_SEC + t[1] * (LINUX_NSEC_PER_SEC / sub_per_sec);
    return 0;
}

long sys_ppoll(struct sys *s, uaddr_t ufds, unsigned int nfds, uaddr_t tsp, uaddr_t sigmask,
               size_t sigsetsize)
{
    int64_t ns;
    long err = timeout_in(s, tsp, LINUX_NSEC_PER_SEC, &ns);
    if (!err && sigmask)
        err = signal_wait_mask(s, sigmask, sigsetsize);
    if (err)
        return err;
    long r = poll_common(s, ufds, nfds, ns);
    signal_wait_mask_end(s, r);
    return r;
}

#define FDSET_WORDS (MAX_FDS / 64)

static bool fd_isset(const uint64_t *set, int fd)
{
    return (set[fd / 64] >> (fd % 64)) & 1;
}

static void fd_set_bit(uint64_t *set, int fd)
{
    set[fd / 64] |= 1ULL << (fd % 64);
}

/* The three sets as pollfds (in); the ready ones back as sets (out). */
static long select_common(struct sys *s, int nfds, uaddr_t rset, uaddr_t wset, uaddr_t eset,
                          int64_t ns)
{
    if (nfds < 0 || nfds > MAX_FDS)
        return -LINUX_EINVAL;
    uint64_t r[FDSET_WORDS] = {0}, w[FDSET_WORDS] = {0}, e[FDSET_WORDS] = {0};
    size_t bytes = (size_t)(nfds + 63) / 64 * 8;
    if ((rset && copy_in(s, r, rset, bytes) < 0) || (wset && copy_in(s, w, wset, bytes) < 0) ||
        (eset && copy_in(s, e, eset, bytes) < 0))
        return -LINUX_EFAULT;
    struct linux_pollfd pf[MAX_FDS];
    size_t n = 0;
    for (int fd = 0; fd < nfds; fd++) {
        short ev = (short)((fd_isset(r, fd) ? LINUX_POLLIN : 0) | (fd_isset(w, fd) ? LINUX_POLLOUT : 0));
        if (ev || fd_isset(e, fd)) {
            if (!fd_file(s->p, fd))
                return -LINUX_EBADF;
            pf[n++] = (struct linux_pollfd){fd, ev, 0};
        }
    }
    long ready = poll_wait(s, pf, n, ns);
    if (ready < 0 || s->no_return)
        return ready;
    memset(r, 0, sizeof r);
    memset(w, 0, sizeof w);
    memset(e, 0, sizeof e);
    long count = 0;
    for (size_t i = 0; i < n; i++) {
        int fd = pf[i].fd;
        if (pf[i].revents & (LINUX_POLLIN | LINUX_POLLHUP | LINUX_POLLERR) && (pf[i].events & LINUX_POLLIN))
            fd_set_bit(r, fd), count++;
        if (pf[i].revents & (LINUX_POLLOUT | LINUX_POLLERR) && (pf[i].events & LINUX_POLLOUT))
            fd_set_bit(w, fd), count++;
    }
    if ((rset && copy_out(s, rset, r, bytes) < 0) || (wset && copy_out(s, wset, w, bytes) < 0) ||
        (eset && copy_out(s, eset, e, bytes) < 0))
        return -LINUX_EFAULT;
    return count;
}

/* select and pselect6 write back the time left, as Linux does. */
static long select_time_left(struct sys *s, uaddr_t addr, int64_t ns, long r, int64_t sub_per_sec)
{
    if (r < 0 || s->no_return || !addr)
        return r;
    uint64_t now = emu_monotonic(s->emu), left = (uint64_t)ns;
    if (s->p->wake_at) /* woken before the deadline */
        left = s->p->wake_at == WAKE_NEVER ? left : s->p->wake_at > now ? s->p->wake_at - now : 0;
    else if (r == 0)
        left = 0; /* timed out */
    int64_t t[2] = {(int64_t)(left / LINUX_NSEC_PER_SEC),
                    (int64_t)(left % LINUX_NSEC_PER_SEC) / (LINUX_NSEC_PER_SEC / sub_per_sec)};
    return copy_out(s, addr, t, sizeof t) < 0 ? -LINUX_EFAULT : r;
}

long sys_select(struct sys *s, int n, uaddr_t inp, uaddr_t outp, uaddr_t exp, uaddr_t tvp)
{
    int64_t ns;
    long err = timeout_in(s, tvp, LINUX_USEC_PER_SEC, &ns);
    if (err)
        return err;
    long r = select_common(s, n, inp, outp, exp, ns);
    return ns > 0 ? select_time_left(s, tvp, ns, r, LINUX_USEC_PER_SEC) : r;
}

long sys_pselect6(struct sys *s, int n, uaddr_t inp, uaddr_t outp, uaddr_t exp, uaddr_t tsp,
                  uaddr_t sig)
{
    int64_t ns;
    long err = timeout_in(s, tsp, LINUX_NSEC_PER_SEC, &ns);
    struct { uint64_t set, size; } sm = {0, 0}; /* { const sigset_t *, size_t } */
    if (!err && sig && copy_in(s, &sm, sig, sizeof sm) < 0)
        err = -LINUX_EFAULT;
    if (!err && sm.set)
        err = signal_wait_mask(s, sm.set, sm.size);
    if (err)
        return err;
    long r = select_common(s, n, inp, outp, exp, ns);
    signal_wait_mask_end(s, r);
    return ns > 0 ? select_time_left(s, tsp, ns, r, LINUX_NSEC_PER_SEC) : r;
}
