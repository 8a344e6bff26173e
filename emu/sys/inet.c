/*
 * inet.c - AF_INET and AF_INET6 sockets, TCP and UDP, between guest
 * processes on the loopback addresses (127.0.0.0/8, ::1, and IPv4 mapped
 * into an IPv6 socket that is not IPV6_V6ONLY): the only interface the
 * guest has is lo.  A connection to any other address fails at once with
 * ENETUNREACH; one to a loopback port nobody listens on is refused.
 *
 * TCP is a byte stream between two struct socks (sockio.c): a connect
 * finds the listener and queues a connected socket on its backlog at
 * once, as the loopback's handshake completes before accept (a
 * non-blocking connect still says EINPROGRESS, and is writable at once).
 * Closing sends a FIN (the peer reads the end, and its next write is
 * answered by a reset: EPIPE), or a reset when unread data was left or
 * SO_LINGER is {1, 0} (the peer gets ECONNRESET).  UDP delivers each
 * datagram to the socket bound to its destination, or drops it (a
 * connected sender then gets ECONNREFUSED, as the ICMP error gives it).
 * The end that closes first keeps its port in TIME_WAIT for 60 s of guest
 * time (a bind without SO_REUSEADDR fails).  Ephemeral ports are handed
 * out in order from 32768, so runs repeat.
 */
#include "emu/sys/sock.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const uint8_t v4_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static bool ep_v4(const struct inet_ep *ep)
{
    return !memcmp(ep->addr, v4_prefix, 12);
}

static bool ep_any(const struct inet_ep *ep)
{
    static const uint8_t zero[16];
    return ep_v4(ep) ? !memcmp(ep->addr + 12, zero, 4) : !memcmp(ep->addr, zero, 16);
}

static bool ep_loopback(const struct inet_ep *ep)
{
    static const uint8_t one[16] = {[15] = 1};
    return ep_v4(ep) ? ep->addr[12] == 127 : !memcmp(ep->addr, one, 16);
}

/* The loopback address of ep's kind: what a connection from "any" to ep
 * comes from, and where one to "any" goes. */
static struct inet_ep ep_lo(const struct inet_ep *ep, uint16_t port)
{
    struct inet_ep lo = {.port = port};
    if (ep_v4(ep)) {
        memcpy(lo.addr, v4_prefix, 12);
        lo.addr[12] = 127;
        lo.addr[15] = 1;
    } else {
        lo.addr[15] = 1;
    }
    return lo;
}

static bool is_tcp(const struct sock *sk)
{
    return sk->type == LINUX_SOCK_STREAM;
}

void inet_addr_of(const struct sock *sk, const struct inet_ep *ep, struct sk_addr *out)
{
    memset(out, 0, sizeof *out);
    if (sk->family == LINUX_AF_INET) {
        struct linux_sockaddr_in in = {LINUX_AF_INET, (uint16_t)(ep->port >> 8 | ep->port << 8), {0}, {0}};
        memcpy(in.addr, ep->addr + 12, 4);
        memcpy(out->b, &in, sizeof in);
        out->len = sizeof in;
    } else {
        struct linux_sockaddr_in6 in6 = {LINUX_AF_INET6, (uint16_t)(ep->port >> 8 | ep->port << 8), 0, {0}, 0};
        memcpy(in6.addr, ep->addr, 16);
        memcpy(out->b, &in6, sizeof in6);
        out->len = sizeof in6;
    }
}

/* a as an endpoint of sk's family (IPv4 mapped); bind takes AF_UNSPEC
 * with INADDR_ANY as AF_INET, as Linux does. */
static long ep_parse(const struct sock *sk, const struct sk_addr *a, struct inet_ep *ep, bool bind)
{
    uint16_t fam, port;
    memset(ep, 0, sizeof *ep);
    memcpy(&fam, a->b, 2);
    memcpy(&port, a->b + 2, 2);
    ep->port = (uint16_t)(port >> 8 | port << 8);
    if (sk->family == LINUX_AF_INET) {
        if (a->len < sizeof(struct linux_sockaddr_in))
            return -LINUX_EINVAL;
        memcpy(ep->addr, v4_prefix, 12);
        memcpy(ep->addr + 12, a->b + 4, 4);
        if (fam != LINUX_AF_INET && !(bind && fam == LINUX_AF_UNSPEC && ep_any(ep)))
            return -LINUX_EAFNOSUPPORT;
        return 0;
    }
    if (a->len < 24) /* SIN6_LEN_RFC2133: without the scope id */
        return -LINUX_EINVAL;
    if (fam != LINUX_AF_INET6)
        return -LINUX_EAFNOSUPPORT;
    memcpy(ep->addr, a->b + 8, 16);
    if (ep_v4(ep) && sk->opt.v6only)
        return bind ? -LINUX_EINVAL : -LINUX_ENETUNREACH;
    return 0;
}

/* Does sk, bound, take packets for address ep? */
static bool covers(const struct sock *sk, const struct inet_ep *ep)
{
    if (!ep_any(&sk->in_local))
        return !memcmp(sk->in_local.addr, ep->addr, 16);
    if (ep_v4(ep))
        return sk->family == LINUX_AF_INET || !sk->opt.v6only;
    return sk->family == LINUX_AF_INET6;
}

/* Do the bound addresses of a and b share an address? */
static bool overlap(const struct sock *a, const struct sock *b)
{
    if (!ep_any(&a->in_local))
        return covers(b, &a->in_local);
    if (!ep_any(&b->in_local))
        return covers(a, &b->in_local);
    bool a4 = a->family == LINUX_AF_INET || !a->opt.v6only, a6 = a->family == LINUX_AF_INET6;
    bool b4 = b->family == LINUX_AF_INET || !b->opt.v6only, b6 = b->family == LINUX_AF_INET6;
    return (a4 && b4) || (a6 && b6);
}

static bool same_proto(const struct sock *a, const struct sock *o)
{
    return (o->family == LINUX_AF_INET || o->family == LINUX_AF_INET6) && o->type == a->type &&
           o != a && o->bound && !o->dead;
}

#define TIME_WAIT_NS (60 * 1000000000ULL)

/* Is the port of probe (bound at its in_local) held by a closed
 * connection in TIME_WAIT? */
static bool in_time_wait(const struct sock *probe)
{
    struct net *n = probe->net;
    uint64_t now = emu_monotonic(n->emu);
    for (size_t i = 0; i < n->ntw; i++)
        if (n->tw[i].until > now && n->tw[i].ep.port == probe->in_local.port && covers(probe, &n->tw[i].ep))
            return true;
    return false;
}

/* sk closed first: its end of the connection waits out TIME_WAIT. */
static void time_wait(struct sock *sk)
{
    struct net *n = sk->net;
    uint64_t now = emu_monotonic(n->emu);
    size_t k = 0;
    for (size_t i = 0; i < n->ntw; i++)
        if (n->tw[i].until > now)
            n->tw[k++] = n->tw[i];
    n->ntw = k;
    if (n->ntw == n->captw) {
        size_t cap = n->captw ? n->captw * 2 : 16;
        struct inet_tw *v = realloc(n->tw, cap * sizeof *v);
        if (!v)
            return; /* the port is free at once: no harm but to the model */
        n->tw = v;
        n->captw = cap;
    }
    n->tw[n->ntw++] = (struct inet_tw){sk->in_local, now + TIME_WAIT_NS};
}

/* Would sk bound at ep clash with a socket bound already?  reuse: as
 * SO_REUSEADDR and SO_REUSEPORT allow (an ephemeral port takes a free
 * one, never a shared one). */
static bool port_taken(const struct sock *sk, const struct inet_ep *ep, bool reuse)
{
    struct sock probe = *sk;
    probe.in_local = *ep;
    for (const struct sock *o = sk->net->socks; o; o = o->next) {
        if (!same_proto(sk, o) || o->in_local.port != ep->port || !overlap(&probe, o))
            continue;
        if (reuse && sk->opt.reuseport && o->opt.reuseport)
            continue;
        if (reuse && sk->opt.reuseaddr && o->opt.reuseaddr && (!is_tcp(sk) || o->state != SK_LISTEN))
            continue;
        return true;
    }
    return is_tcp(sk) && !(reuse && sk->opt.reuseaddr) && in_time_wait(&probe);
}

/* Bind sk at ep; port 0 takes the next free ephemeral port. */
static long bind_ep(struct sock *sk, struct inet_ep ep)
{
    struct net *n = sk->net;
    if (!ep.port) {
        int span = SK_PORT_LAST - SK_PORT_FIRST + 1;
        for (int i = 0; i < span && !ep.port; i++) {
            uint16_t port = (uint16_t)n->next_port;
            n->next_port = n->next_port >= SK_PORT_LAST ? SK_PORT_FIRST : n->next_port + 1;
            ep.port = port;
            if (port_taken(sk, &ep, false))
                ep.port = 0;
        }
        if (!ep.port)
            return -LINUX_EADDRINUSE;
    } else if (port_taken(sk, &ep, true)) {
        return -LINUX_EADDRINUSE;
    }
    sk->in_local = ep;
    sk->bound = true;
    inet_addr_of(sk, &ep, &sk->local);
    return 0;
}

static long inet_create(struct sock *sk, int type, int protocol)
{
    if (type == LINUX_SOCK_STREAM) {
        if (protocol && protocol != LINUX_IPPROTO_TCP)
            return -LINUX_EPROTONOSUPPORT;
        sk->protocol = LINUX_IPPROTO_TCP;
    } else if (type == LINUX_SOCK_DGRAM) {
        if (protocol == LINUX_IPPROTO_ICMP || protocol == LINUX_IPPROTO_ICMPV6)
            return -LINUX_EACCES; /* ping sockets: not for this group */
        if (protocol && protocol != LINUX_IPPROTO_UDP)
            return -LINUX_EPROTONOSUPPORT;
        sk->protocol = LINUX_IPPROTO_UDP;
    } else if (type == LINUX_SOCK_RAW) {
        return -LINUX_EPERM;
    } else {
        return -LINUX_ESOCKTNOSUPPORT;
    }
    struct inet_ep any = {.port = 0};
    if (sk->family == LINUX_AF_INET)
        memcpy(any.addr, v4_prefix, 12);
    sk->in_local = sk->in_remote = any;
    inet_addr_of(sk, &any, &sk->local);
    return 0;
}

static long inet_bind(struct sys *s, struct sock *sk, const struct sk_addr *a)
{
    (void)s;
    struct inet_ep ep;
    long err = ep_parse(sk, a, &ep, true);
    if (err)
        return err;
    if (sk->bound)
        return -LINUX_EINVAL;
    if (!ep_any(&ep) && !ep_loopback(&ep) && !sk->opt.ip_freebind)
        return -LINUX_EADDRNOTAVAIL;
    if (ep.port && ep.port < 1024 && getuid() != 0)
        return -LINUX_EACCES;
    err = bind_ep(sk, ep);
    sk->bind_explicit = !err; /* a failed connect keeps a port bound by bind() */
    return err;
}

/* Where a connection or datagram to ep goes: ep itself, "any" meaning
 * the loopback; -ENETUNREACH when it is not on lo. */
static long route(const struct inet_ep *ep, struct inet_ep *to)
{
    if (ep_any(ep)) {
        *to = ep_lo(ep, ep->port);
        return 0;
    }
    *to = *ep;
    return ep_loopback(ep) ? 0 : -LINUX_ENETUNREACH;
}

/* The local end for talking to dst: the bound address, or the loopback
 * when bound to "any" (a first use binds an ephemeral port). */
static long source(struct sock *sk, const struct inet_ep *dst, struct inet_ep *src)
{
    if (!sk->bound) {
        struct inet_ep any = sk->in_local;
        long err = bind_ep(sk, any);
        if (err)
            return err;
    }
    *src = ep_any(&sk->in_local) ? ep_lo(dst, sk->in_local.port) : sk->in_local;
    return 0;
}

static struct sock *find_bound(struct sock *sk, const struct inet_ep *dst, const struct inet_ep *src)
{
    for (struct sock *o = sk->net->socks; o; o = o->next) {
        if (!same_proto(sk, o) || o->in_local.port != dst->port || !covers(o, dst))
            continue;
        if (is_tcp(o) && o->state != SK_LISTEN)
            continue;
        if (!is_tcp(o) && o->state == SK_CONNECTED && memcmp(&o->in_remote, src, sizeof *src))
            continue;
        return o;
    }
    return NULL;
}

/* A connection refused: at once for a blocking connect, or after the
 * EINPROGRESS of a non-blocking one (SO_ERROR then says why). */
static long refused(struct sock *sk, bool nonblock)
{
    if (!sk->bind_explicit) {
        sk->bound = false;
        inet_create(sk, sk->type, sk->protocol);
    }
    if (!nonblock)
        return -LINUX_ECONNREFUSED;
    sk->err = LINUX_ECONNREFUSED;
    sk->shutdown = SK_SHUT_MASK;
    sk->connect_pending = true;
    sock_changed(sk);
    return -LINUX_EINPROGRESS;
}

/* A second connect after a non-blocking one: how it went. */
static long connect_result(struct sock *sk)
{
    sk->connect_pending = false;
    if (sk->state == SK_CONNECTED)
        return 0;
    long e = sock_error(sk);
    sk->shutdown = 0;
    return e ? e : -LINUX_ECONNABORTED;
}

static long tcp_connect(struct sys *s, struct sock *sk, const struct inet_ep *dst, bool nonblock)
{
    struct inet_ep src;
    long err = source(sk, dst, &src);
    if (err)
        return err;
    struct sock *l = find_bound(sk, dst, &src);
    if (!l)
        return hostnet_on(sk) ? hostnet_connect(s, sk, dst, nonblock) : refused(sk, nonblock);
    struct sock *e = sock_connect_to(sk, l, s->p);
    if (!e)
        return -LINUX_ENOMEM;
    e->opt = l->opt;
    sk->in_local = src;
    inet_addr_of(sk, &src, &sk->local);
    sk->in_remote = *dst;
    inet_addr_of(sk, dst, &sk->remote);
    e->in_local = *dst;
    inet_addr_of(e, dst, &e->local);
    e->in_remote = src;
    inet_addr_of(e, &src, &e->remote);
    e->bound = true;
    if (!nonblock)
        return 0;
    sk->connect_pending = true;
    return -LINUX_EINPROGRESS;
}

static long inet_connect(struct sys *s, struct sock *sk, const struct sk_addr *a, bool nonblock)
{
    uint16_t fam;
    memcpy(&fam, a->b, 2);
    if (a->len >= 2 && fam == LINUX_AF_UNSPEC) {
        /* Disconnect: a TCP connection is reset. */
        if (sk->hostfd >= 0) {
            close(sk->hostfd);
            sk->hostfd = -1;
        }
        if (sk->peer) {
            sk->peer->err = LINUX_ECONNRESET;
            sk->peer->shutdown = SK_SHUT_MASK;
            sk->peer->state = SK_CLOSED;
            sock_unpair(sk);
        }
        sk->state = SK_CLOSED;
        sk->shutdown = 0;
        inet_addr_of(sk, &sk->in_local, &sk->remote);
        sock_changed(sk);
        return 0;
    }
    if (is_tcp(sk) && sk->hostfd >= 0)
        return hostnet_connect(s, sk, &sk->in_remote, nonblock);
    if (is_tcp(sk) && sk->connect_pending)
        return connect_result(sk);
    if (is_tcp(sk) && sk->state != SK_CLOSED)
        return -LINUX_EISCONN;
    struct inet_ep ep, dst;
    long err = ep_parse(sk, a, &ep, false);
    if (!err)
        err = route(&ep, &dst);
    if (err)
        return err;
    if (is_tcp(sk))
        return tcp_connect(s, sk, &dst, nonblock);
    struct inet_ep src;
    if ((err = source(sk, &dst, &src)) < 0)
        return err;
    sk->in_local = src;
    inet_addr_of(sk, &src, &sk->local);
    sk->in_remote = dst;
    inet_addr_of(sk, &dst, &sk->remote);
    sk->state = SK_CONNECTED;
    sock_changed(sk);
    return 0;
}

static long inet_listen(struct sys *s, struct sock *sk, int backlog)
{
    (void)s;
    if (!is_tcp(sk))
        return -LINUX_EOPNOTSUPP;
    if (sk->state == SK_CONNECTED || sk->connect_pending)
        return -LINUX_EINVAL;
    if (!sk->bound) {
        long err = bind_ep(sk, sk->in_local);
        if (err)
            return err;
    } else if (sk->state != SK_LISTEN) {
        /* SO_REUSEADDR lets two bind a port, but only one listen on it. */
        for (struct sock *o = sk->net->socks; o; o = o->next)
            if (same_proto(sk, o) && o->state == SK_LISTEN && o->in_local.port == sk->in_local.port &&
                overlap(sk, o) && !(sk->opt.reuseport && o->opt.reuseport))
                return -LINUX_EADDRINUSE;
    }
    sk->max_backlog = backlog;
    sk->state = SK_LISTEN;
    sock_changed(sk);
    return 0;
}

/* TCP's send: an error pending or a shut side first; a peer that closed
 * answers this write with a reset (the bytes are taken, the next write
 * fails with EPIPE). */
static long tcp_send(struct sys *s, struct sock *sk, struct sk_io *io)
{
    if (sk->hostfd >= 0)
        return hostnet_send(s, sk, io);
    size_t done = s->p->io_done;
    long err = sock_error(sk);
    if (!err && (sk->state != SK_CONNECTED || (sk->shutdown & SK_SEND_SHUT)))
        err = -LINUX_EPIPE;
    if (err) {
        s->p->io_done = 0;
        return done ? (long)done : err == -LINUX_EPIPE ? sk_epipe(s, io) : err;
    }
    if (sk->peer_gone || !sk->peer) {
        s->p->io_done = 0;
        sk->err = LINUX_EPIPE;
        sk->shutdown = SK_SHUT_MASK;
        sk->peer_gone = false;
        sk->state = SK_CLOSED;
        sock_changed(sk);
        return (long)io->len;
    }
    return sk_stream_send(s, sk, io);
}

static long udp_send(struct sys *s, struct sock *sk, struct sk_io *io)
{
    struct inet_ep ep, dst, src;
    long err = 0;
    if (io->to)
        err = ep_parse(sk, io->to, &ep, false);
    else if (sk->state == SK_CONNECTED)
        ep = sk->in_remote;
    else
        return -LINUX_EDESTADDRREQ;
    if (!err)
        err = route(&ep, &dst);
    if (!err && !dst.port)
        err = -LINUX_EINVAL;
    if (!err && io->len > (size_t)(ep_v4(&dst) ? SK_UDP_MAX : SK_UDP_MAX + 20))
        err = -LINUX_EMSGSIZE;
    if (!err)
        err = source(sk, &dst, &src);
    if (err)
        return err;
    struct sock *o = find_bound(sk, &dst, &src);
    if (!o && hostnet_on(sk))
        return hostnet_sendto(s, sk, io, &dst);
    if (!o) {
        if (sk->state == SK_CONNECTED) {
            sk->err = LINUX_ECONNREFUSED; /* the port unreachable error */
            sock_changed(sk);
        }
        return (long)io->len;
    }
    if (o->rx.mem + io->len > (size_t)o->opt.rcvbuf)
        return (long)io->len; /* a full receiver drops it */
    struct sk_msg *m = sk_msg_from_io(s, io, 0, io->len, NULL, &err);
    if (!m)
        return err;
    inet_addr_of(o, &src, &m->from);
    sk_deliver(o, m);
    return (long)io->len;
}

static long inet_send(struct sys *s, struct sock *sk, struct sk_io *io)
{
    return is_tcp(sk) ? tcp_send(s, sk, io) : udp_send(s, sk, io);
}

/* A datagram from the guest's queue, or one the host socket has. */
static long udp_recv(struct sys *s, struct sock *sk, struct sk_io *io)
{
    for (;;) {
        if (sk->hostfd < 0 || sk->rx.head)
            return sk_dgram_recv(s, sk, io);
        bool nonblock = io->nonblock;
        io->nonblock = true;
        long r = hostnet_recv(s, sk, io);
        io->nonblock = nonblock;
        if (r != -LINUX_EAGAIN || nonblock)
            return r;
        r = hostnet_wait(s, sk, LINUX_POLLIN, sk->opt.rcvtimeo);
        if (r != 1)
            return r;
    }
}

static long inet_recv(struct sys *s, struct sock *sk, struct sk_io *io)
{
    if (!is_tcp(sk))
        return udp_recv(s, sk, io);
    if (sk->hostfd >= 0) {
        long r = hostnet_recv(s, sk, io);
        io->from.len = 0;
        return r;
    }
    if (sk->state == SK_LISTEN)
        return -LINUX_ENOTCONN;
    if (io->flags & LINUX_MSG_OOB)
        return -LINUX_EINVAL; /* no urgent data ever */
    long r = sk_stream_recv(s, sk, io);
    io->from.len = 0; /* TCP names no sender */
    return r;
}

/* tcp_poll and datagram_poll. */
static short inet_poll(struct sock *sk)
{
    short m = 0;
    if (sk->hostfd >= 0 && is_tcp(sk))
        return hostnet_poll(sk);
    if (sk->hostfd >= 0)
        m |= hostnet_poll(sk) & (LINUX_POLLIN | LINUX_POLLERR);
    if (is_tcp(sk) && sk->state == SK_LISTEN)
        return sk->nbacklog ? LINUX_POLLIN : 0;
    if (sk->shutdown == SK_SHUT_MASK || (is_tcp(sk) && sk->state == SK_CLOSED))
        m |= LINUX_POLLHUP;
    if (sk->shutdown & SK_RCV_SHUT)
        m |= LINUX_POLLIN | LINUX_POLLRDHUP;
    if (sk->rx.head)
        m |= LINUX_POLLIN;
    size_t lim = (size_t)sk->opt.sndbuf + (sk->peer ? (size_t)sk->peer->opt.rcvbuf : 0);
    if (!is_tcp(sk) || (sk->shutdown & SK_SEND_SHUT) || sk->wmem * 3 <= lim * 2)
        m |= LINUX_POLLOUT;
    if (sk->err)
        m |= LINUX_POLLERR;
    return m;
}

static long inet_shutdown(struct sock *sk, int how)
{
    int mode = (how + 1) & SK_SHUT_MASK;
    if (is_tcp(sk) && sk->hostfd >= 0)
        return hostnet_shutdown(sk, how);
    if (is_tcp(sk) && sk->state == SK_LISTEN) {
        if (!(mode & SK_RCV_SHUT))
            return 0;
        sk->state = SK_CLOSED; /* a listener shut for reading stops listening */
        sock_changed(sk);
        return 0;
    }
    sk->shutdown |= mode;
    sock_changed(sk);
    if (sk->state != SK_CONNECTED)
        return -LINUX_ENOTCONN;
    if (is_tcp(sk) && (mode & SK_SEND_SHUT) && sk->peer) {
        sk->peer->shutdown |= SK_RCV_SHUT;
        sk->peer->fin = true;
        sock_changed(sk->peer);
    }
    return 0;
}

/* A TCP close: a FIN, or a reset when data was left unread, SO_LINGER
 * is {1, 0}, or the connection was never accepted. */
static void inet_close(struct sock *sk)
{
    struct sock *p = sk->peer;
    if (sk->hostfd >= 0) {
        close(sk->hostfd);
        sk->hostfd = -1;
    }
    if (!is_tcp(sk) || !p)
        return;
    bool reset = sk->rx.bytes || sk->listener || (sk->opt.linger.onoff && !sk->opt.linger.linger);
    if (reset) {
        p->err = LINUX_ECONNRESET;
        p->shutdown = SK_SHUT_MASK;
        p->state = SK_CLOSED;
    } else {
        p->shutdown |= SK_RCV_SHUT;
        p->fin = true;
        p->peer_gone = true;
        if (!sk->fin)
            time_wait(sk); /* it closed first */
    }
    sock_unpair(sk);
}

const struct sock_family inet_family = {
    .create = inet_create,
    .bind = inet_bind,
    .connect = inet_connect,
    .listen = inet_listen,
    .send = inet_send,
    .recv = inet_recv,
    .poll = inet_poll,
    .shutdown = inet_shutdown,
    .close = inet_close,
};
