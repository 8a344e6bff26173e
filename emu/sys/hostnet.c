/*
 * hostnet.c - --net host: a guest TCP connection or UDP datagram to a
 * loopback port that no guest socket has goes to the host's loopback,
 * through a non-blocking host socket of the guest's family.  The guest
 * socket keeps its own file; its reads, writes, readiness and waits are
 * the host socket's.  A call that would block waits as a wait on any
 * host descriptor does (select.c): it gives the turn to the guest's
 * other processes, and waits on the host only when none can run.
 * (sockaddr layouts are the same on both sides: x86-64 Linux.)
 */
#include "emu/sys/sock.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK 65536

bool hostnet_on(const struct sock *sk)
{
    return sk->net->emu->opt.net_host;
}

static int host_family(const struct sock *sk)
{
    return sk->family == LINUX_AF_INET ? AF_INET : AF_INET6;
}

/* The host's name for its end, as the guest's. */
static void host_name(struct sock *sk)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(sk->hostfd, (struct sockaddr *)&ss, &len) == 0 && len <= sizeof sk->local.b) {
        memcpy(sk->local.b, &ss, len);
        sk->local.len = len;
    }
}

/* Wait until the host socket may be ready for events: 1 when it is now
 * (try again), 0 when the call blocks (retried later), -EAGAIN when its
 * timeout (ns, 0: none) passed. */
long hostnet_wait(struct sys *s, struct sock *sk, short events, uint64_t timeo)
{
    int fd = -1;
    for (int i = 0; i < MAX_FDS && fd < 0; i++) {
        struct file *f = s->p->fds->file[i];
        if (f && f->kind == FILE_OPS && f->ops == &sock_file_ops && f->priv == sk)
            fd = i;
    }
    if (fd < 0)
        return -LINUX_EBADF;
    struct linux_pollfd pf = {fd, events, 0};
    long r = poll_wait(s, &pf, 1, timeo ? (int64_t)timeo : -1);
    if (s->no_return) {
        s->p->restart_eintr = timeo != 0; /* SA_RESTART restarts it, as Linux's socket calls */
        return 0;
    }
    if (r == -LINUX_EINTR) {
        sys_wait_and_retry(s, timeo != 0);
        return 0;
    }
    return r > 0 ? 1 : -LINUX_EAGAIN;
}

/* How a host connect went: 1 still going, 0 connected, -errno failed
 * (the host socket is gone, and sk is refused as a guest connect is). */
static long host_outcome(struct sock *sk)
{
    struct pollfd pf = {sk->hostfd, POLLOUT, 0};
    if (poll(&pf, 1, 0) <= 0)
        return 1;
    int e = 0;
    socklen_t len = sizeof e;
    getsockopt(sk->hostfd, SOL_SOCKET, SO_ERROR, &e, &len);
    if (!e) {
        host_name(sk);
        return 0;
    }
    close(sk->hostfd);
    sk->hostfd = -1;
    sk->state = SK_CLOSED;
    sk->err = linux_errno_from_host(e);
    sk->shutdown = SK_SHUT_MASK;
    sock_changed(sk);
    return -sk->err;
}

long hostnet_connect(struct sys *s, struct sock *sk, const struct inet_ep *dst, bool nonblock)
{
    bool fresh = sk->hostfd < 0;
    if (fresh) {
        int h = socket(host_family(sk), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (h < 0)
            return host_err();
        inet_addr_of(sk, dst, &sk->remote);
        if (connect(h, (const struct sockaddr *)sk->remote.b, sk->remote.len) < 0 && errno != EINPROGRESS) {
            long err = host_err();
            close(h);
            inet_addr_of(sk, &sk->in_local, &sk->remote);
            return err;
        }
        sk->hostfd = h;
        sk->in_remote = *dst;
        sk->state = SK_CONNECTED;
        sk->connect_pending = true;
    } else if (!sk->connect_pending) {
        return -LINUX_EISCONN;
    }
    long r = host_outcome(sk);
    if (r == 1) {
        if (nonblock)
            return fresh ? -LINUX_EINPROGRESS : -LINUX_EALREADY;
        long w = hostnet_wait(s, sk, LINUX_POLLOUT, sk->opt.sndtimeo);
        return w == 1 ? hostnet_connect(s, sk, dst, nonblock) : w;
    }
    if (fresh && nonblock)
        return -LINUX_EINPROGRESS; /* as a guest connect: the outcome comes later */
    sk->connect_pending = false;
    if (r < 0) {
        sk->err = 0;
        sk->shutdown = 0;
    }
    return r;
}

/* A datagram for the host's loopback: from a host socket of sk's own. */
long hostnet_sendto(struct sys *s, struct sock *sk, struct sk_io *io, const struct inet_ep *dst)
{
    if (sk->hostfd < 0) {
        sk->hostfd = socket(host_family(sk), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (sk->hostfd < 0)
            return host_err();
    }
    uint8_t *buf = malloc(io->len ? io->len : 1);
    if (!buf)
        return -LINUX_ENOMEM;
    struct sk_addr to;
    inet_addr_of(sk, dst, &to);
    long r = sk_iov_in(s, io, 0, buf, io->len);
    if (!r)
        r = sendto(sk->hostfd, buf, io->len, MSG_NOSIGNAL, (const struct sockaddr *)to.b, to.len) < 0
                ? host_err() : (long)io->len;
    free(buf);
    return r;
}

/* A host send of what is left of io (p->io_done moved already). */
long hostnet_send(struct sys *s, struct sock *sk, struct sk_io *io)
{
    uint8_t *buf = malloc(CHUNK);
    if (!buf)
        return -LINUX_ENOMEM;
    size_t done = s->p->io_done;
    s->p->io_done = 0;
    long err = 0;
    while (done < io->len && !err) {
        size_t n = io->len - done < CHUNK ? io->len - done : CHUNK;
        if (sk_iov_in(s, io, done, buf, n) < 0) {
            err = -LINUX_EFAULT;
            break;
        }
        ssize_t w = send(sk->hostfd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w > 0) {
            done += (size_t)w;
            continue;
        }
        err = w < 0 ? host_err() : -LINUX_EAGAIN;
        if (err == -LINUX_EAGAIN && !io->nonblock) {
            long r = hostnet_wait(s, sk, LINUX_POLLOUT, sk->opt.sndtimeo);
            if (r == 1)
                err = 0;
            else if (r == 0 && done)
                s->p->io_done = done;
        }
    }
    free(buf);
    if (s->no_return)
        return 0;
    if (done || !err)
        return (long)done;
    return err == -LINUX_EPIPE ? sk_epipe(s, io) : err;
}

/* A host receive into io: bytes, 0 at the end, -errno, or 0 blocked. */
long hostnet_recv(struct sys *s, struct sock *sk, struct sk_io *io)
{
    size_t want = io->len < CHUNK ? io->len : CHUNK;
    uint8_t *buf = malloc(want ? want : 1);
    if (!buf)
        return -LINUX_ENOMEM;
    long r;
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fl = MSG_DONTWAIT | ((io->flags & LINUX_MSG_PEEK) ? MSG_PEEK : 0) |
                 ((io->flags & LINUX_MSG_TRUNC) ? MSG_TRUNC : 0);
        ssize_t n = recvfrom(sk->hostfd, buf, want, fl, (struct sockaddr *)&ss, &sl);
        if (n >= 0) {
            size_t got = (size_t)n < want ? (size_t)n : want;
            r = sk_iov_out(s, io, 0, buf, got) < 0 ? -LINUX_EFAULT : (long)n;
            if (sk->type == LINUX_SOCK_DGRAM && sl <= sizeof io->from.b) {
                memcpy(io->from.b, &ss, sl);
                io->from.len = sl;
                if ((size_t)n > want)
                    io->msg_flags |= LINUX_MSG_TRUNC;
            }
            break;
        }
        r = host_err();
        if (r != -LINUX_EAGAIN || io->nonblock)
            break;
        r = hostnet_wait(s, sk, LINUX_POLLIN, sk->opt.rcvtimeo);
        if (r != 1)
            break;
    }
    free(buf);
    return r;
}

short hostnet_poll(struct sock *sk)
{
    struct pollfd pf = {sk->hostfd, POLLIN | POLLOUT | POLLRDHUP | POLLPRI, 0};
    return poll(&pf, 1, 0) > 0 ? linux_poll_events_from_host(pf.revents) : 0;
}

long hostnet_shutdown(struct sock *sk, int how)
{
    return shutdown(sk->hostfd, how) < 0 ? host_err() : 0;
}

long hostnet_inq(struct sock *sk)
{
    int n = 0;
    return ioctl(sk->hostfd, FIONREAD, &n) < 0 ? host_err() : n;
}

int hostnet_error(struct sock *sk)
{
    int e = 0;
    socklen_t len = sizeof e;
    getsockopt(sk->hostfd, SOL_SOCKET, SO_ERROR, &e, &len);
    return linux_errno_from_host(e);
}
