/*
 * unix.c - AF_UNIX sockets between guest processes: stream, datagram
 * and seqpacket; path names (bind makes a socket file on the host inside
 * --root, as Linux makes one, and connect finds the socket by that
 * file's device and inode), abstract names, autobind, socketpair, what
 * a peer sees when the other end shuts down or closes, SO_PEERCRED and
 * the credentials messages carry.
 */
#include "emu/sys/sock.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUN_PATH_OFF 2 /* offsetof(struct sockaddr_un, sun_path) */

static bool conn_type(const struct sock *sk)
{
    return sk->type == LINUX_SOCK_STREAM || sk->type == LINUX_SOCK_SEQPACKET;
}

static long unix_create(struct sock *sk, int type, int protocol)
{
    if (protocol && protocol != LINUX_AF_UNIX)
        return -LINUX_EPROTONOSUPPORT;
    if (type == LINUX_SOCK_RAW)
        type = LINUX_SOCK_DGRAM; /* as Linux takes it */
    if (type != LINUX_SOCK_STREAM && type != LINUX_SOCK_DGRAM && type != LINUX_SOCK_SEQPACKET)
        return -LINUX_ESOCKTNOSUPPORT;
    sk->type = type;
    sk->protocol = 0;
    return 0;
}

/* A name of a: a path (NUL-terminated in path, *abstract false) or an
 * abstract name (the bytes after the NUL); its canonical form in out. */
static long unix_name(const struct sk_addr *a, char path[LINUX_UNIX_PATH_MAX + 1], bool *abstract,
                      struct sk_addr *out)
{
    uint16_t fam;
    memcpy(&fam, a->b, sizeof fam);
    if (a->len <= SUN_PATH_OFF || a->len > SUN_PATH_OFF + LINUX_UNIX_PATH_MAX || fam != LINUX_AF_UNIX)
        return -LINUX_EINVAL;
    *out = *a;
    *abstract = a->b[SUN_PATH_OFF] == 0;
    if (*abstract)
        return 0;
    size_t n = a->len - SUN_PATH_OFF;
    memcpy(path, a->b + SUN_PATH_OFF, n);
    path[n] = 0;
    out->len = (uint32_t)(SUN_PATH_OFF + strlen(path) + 1);
    memset(out->b + out->len, 0, sizeof out->b - out->len);
    return 0;
}

static bool same_abstract(const struct sock *sk, const struct sk_addr *a)
{
    return sk->family == LINUX_AF_UNIX && sk->bound && !sk->un_path && !sk->dead &&
           sk->local.len == a->len && !memcmp(sk->local.b, a->b, a->len);
}

static struct sock *find_abstract(struct net *net, const struct sk_addr *a)
{
    for (struct sock *sk = net->socks; sk; sk = sk->next)
        if (same_abstract(sk, a))
            return sk;
    return NULL;
}

/* An abstract name of five hex digits, not yet taken. */
static void unix_autobind(struct sock *sk)
{
    struct sk_addr a = {.len = SUN_PATH_OFF + 6};
    memcpy(a.b, &(uint16_t){LINUX_AF_UNIX}, 2);
    do {
        char name[8];
        snprintf(name, sizeof name, "%05x", ++sk->net->next_autobind & 0xfffff);
        memcpy(a.b + SUN_PATH_OFF + 1, name, 5);
    } while (find_abstract(sk->net, &a));
    sk->local = a;
    sk->bound = true;
}

/* The socket file for path: made in its directory (inside the root)
 * with the caller's umask, as a bind does. */
static long make_socket_file(struct sys *s, struct sock *sk, const char *path, bool bound)
{
    char base[NAME_MAX + 1];
    int pfd = fs_parent(s->emu, s->p, LINUX_AT_FDCWD, path, base, sizeof base);
    if (pfd < 0)
        return pfd;
    mode_t mode = S_IFSOCK | host_mode_from_linux(LINUX_S_IRWXUGO & ~s->p->tg->umask);
    long err = 0;
    struct stat st;
    if (mknodat(pfd, base, mode, 0) < 0) {
        err = errno == EEXIST ? -LINUX_EADDRINUSE : host_err();
    } else if (bound) {
        unlinkat(pfd, base, 0);
        err = -LINUX_EINVAL;
    } else if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        err = host_err();
    }
    close(pfd);
    if (err)
        return err;
    sk->un_dev = (uint64_t)st.st_dev;
    sk->un_ino = (uint64_t)st.st_ino;
    sk->un_path = true;
    /* A socket still holding this inode lost its file (unlinked), and
     * the number came round again: connects are for the new one. */
    for (struct sock *o = sk->net->socks; o; o = o->next)
        if (o != sk && o->family == LINUX_AF_UNIX && o->un_path && o->un_dev == sk->un_dev &&
            o->un_ino == sk->un_ino)
            o->un_path = false;
    return 0;
}

static long unix_bind(struct sys *s, struct sock *sk, const struct sk_addr *a)
{
    if (a->len == SUN_PATH_OFF) {
        uint16_t fam;
        memcpy(&fam, a->b, sizeof fam);
        if (fam != LINUX_AF_UNIX)
            return -LINUX_EINVAL;
        if (sk->bound)
            return -LINUX_EINVAL;
        unix_autobind(sk);
        return 0;
    }
    char path[LINUX_UNIX_PATH_MAX + 1];
    bool abstract;
    struct sk_addr name;
    long err = unix_name(a, path, &abstract, &name);
    if (err)
        return err;
    if (abstract && sk->bound)
        return -LINUX_EINVAL;
    if (abstract && find_abstract(sk->net, &name))
        return -LINUX_EADDRINUSE;
    /* A path is made first: a bound socket fails on a name taken with
     * EADDRINUSE, on a new one with EINVAL (and the file goes again). */
    if (!abstract && (err = make_socket_file(s, sk, path, sk->bound)) < 0)
        return err;
    sk->local = name;
    sk->bound = true;
    return 0;
}

/* The socket a name names: by its file (which must be a socket the
 * caller may write), or by its abstract name. */
static struct sock *unix_find(struct sys *s, struct sock *sk, const struct sk_addr *a, long *err)
{
    char path[LINUX_UNIX_PATH_MAX + 1];
    bool abstract;
    struct sk_addr name;
    if ((*err = unix_name(a, path, &abstract, &name)) < 0)
        return NULL;
    struct sock *other = NULL;
    if (abstract) {
        other = find_abstract(sk->net, &name);
    } else {
        int h = fs_open(s->emu, s->p, LINUX_AT_FDCWD, path, O_PATH, 0);
        if (h < 0) {
            *err = h;
            return NULL;
        }
        struct stat st;
        bool sock = fstat(h, &st) == 0 && S_ISSOCK(st.st_mode);
        bool may = sock && faccessat(h, "", W_OK, AT_EMPTY_PATH | AT_EACCESS) == 0;
        close(h);
        if (sock && !may) {
            *err = -LINUX_EACCES;
            return NULL;
        }
        for (struct sock *o = sk->net->socks; sock && o && !other; o = o->next)
            if (o->family == LINUX_AF_UNIX && o->un_path && !o->dead &&
                o->un_dev == (uint64_t)st.st_dev && o->un_ino == (uint64_t)st.st_ino)
                other = o;
    }
    *err = !other ? -LINUX_ECONNREFUSED : other->type != sk->type ? -LINUX_EPROTOTYPE : 0;
    return *err ? NULL : other;
}

static long stream_connect(struct sys *s, struct sock *sk, const struct sk_addr *a, bool nonblock)
{
    if (sk->state == SK_CONNECTED)
        return -LINUX_EISCONN;
    if (sk->state == SK_LISTEN)
        return -LINUX_EINVAL;
    long err;
    struct sock *other = unix_find(s, sk, a, &err);
    if (!other)
        return err;
    if (other->state != SK_LISTEN)
        return -LINUX_ECONNREFUSED;
    if (other->nbacklog > other->max_backlog)
        return nonblock ? -LINUX_EAGAIN : sock_wait(s, sk->opt.sndtimeo);
    if (sk->opt.passcred && !sk->bound)
        unix_autobind(sk);
    struct sock *e = sock_connect_to(sk, other, s->p);
    if (!e)
        return -LINUX_ENOMEM;
    sk->remote = other->local;
    sk->peercred = other->peercred;
    e->peercred = sock_cred(s->p);
    sk->peercred_set = e->peercred_set = true;
    e->opt.passcred = other->opt.passcred;
    return 0;
}

static long unix_connect(struct sys *s, struct sock *sk, const struct sk_addr *a, bool nonblock)
{
    if (conn_type(sk))
        return stream_connect(s, sk, a, nonblock);
    uint16_t fam;
    memcpy(&fam, a->b, sizeof fam);
    if (a->len >= sizeof fam && fam == LINUX_AF_UNSPEC) {
        /* A datagram socket forgets its peer. */
        sock_put(sk->peer);
        sk->peer = NULL;
        sk->state = SK_CLOSED;
        return 0;
    }
    long err;
    struct sock *other = unix_find(s, sk, a, &err);
    if (!other)
        return err;
    if (sk->opt.passcred && !sk->bound)
        unix_autobind(sk);
    sock_put(sk->peer);
    sk->peer = sock_get(other);
    sk->remote = other->local;
    sk->state = SK_CONNECTED;
    sock_changed(sk);
    return 0;
}

static long unix_listen(struct sys *s, struct sock *sk, int backlog)
{
    if (!conn_type(sk))
        return -LINUX_EOPNOTSUPP;
    if (!sk->bound || sk->state == SK_CONNECTED)
        return -LINUX_EINVAL;
    sk->max_backlog = backlog;
    sk->state = SK_LISTEN;
    sk->peercred = sock_cred(s->p);
    sk->peercred_set = true;
    sock_changed(sk); /* connects waiting for room try again */
    return 0;
}

/* What a send on a connected stream or seqpacket socket finds: 0 when
 * the peer can take it, or the error (a write after the peer went is
 * EPIPE). */
static long conn_send_check(struct sock *sk)
{
    if (sk->state != SK_CONNECTED)
        return -LINUX_ENOTCONN;
    if ((sk->shutdown & SK_SEND_SHUT) || !sk->peer || sk->peer->dead ||
        (sk->peer->shutdown & SK_RCV_SHUT))
        return -LINUX_EPIPE;
    return 0;
}

/* A datagram (or seqpacket record) to other: whole or not at all. */
static long dgram_to(struct sys *s, struct sock *sk, struct sock *other, struct sk_io *io)
{
    if (io->len > (size_t)sk->opt.sndbuf - 32)
        return -LINUX_EMSGSIZE;
    bool full = sk->wmem >= (size_t)sk->opt.sndbuf ||
                (other != sk && other->peer != sk && other->rx.count > SK_DGRAM_QLEN);
    if (full)
        return io->nonblock ? -LINUX_EAGAIN : sock_wait(s, sk->opt.sndtimeo);
    if (sk->opt.passcred && !sk->bound)
        unix_autobind(sk);
    long err;
    struct sk_msg *m = sk_msg_from_io(s, io, 0, io->len, sk, &err);
    if (!m)
        return err;
    sk_msg_take_fds(m, io);
    if (sk->bound)
        m->from = sk->local;
    sk_deliver(other, m);
    return (long)io->len;
}

static long dgram_send(struct sys *s, struct sock *sk, struct sk_io *io)
{
    long err = 0;
    struct sock *other = sk->peer;
    if (io->to && !(other = unix_find(s, sk, io->to, &err)))
        return err;
    if (!other)
        return -LINUX_ENOTCONN;
    if (other->dead) {
        if (other == sk->peer) {
            sk->peer = NULL;
            sk->state = SK_CLOSED;
            sock_put(other);
        }
        return -LINUX_ECONNREFUSED;
    }
    if (other->peer && other->peer != sk)
        return -LINUX_EPERM; /* it takes datagrams from its own peer only */
    if (other->shutdown & SK_RCV_SHUT)
        return -LINUX_EPIPE;
    return dgram_to(s, sk, other, io);
}

/* A send that moved nothing fails with err; one that moved part of a
 * blocking write ends with that part. */
static long send_failed(struct sys *s, struct sk_io *io, long err)
{
    size_t done = s->p->io_done;
    s->p->io_done = 0;
    if (done)
        return (long)done;
    return err == -LINUX_EPIPE ? sk_epipe(s, io) : err;
}

static long unix_send(struct sys *s, struct sock *sk, struct sk_io *io)
{
    if (io->flags & LINUX_MSG_OOB)
        return -LINUX_EOPNOTSUPP;
    if (!io->cred_set) {
        io->cred = sock_cred(s->p);
        io->cred_set = true;
    }
    if (sk->type == LINUX_SOCK_DGRAM)
        return dgram_send(s, sk, io);
    if (io->to && sk->type == LINUX_SOCK_STREAM)
        return sk->state == SK_CONNECTED ? -LINUX_EISCONN : -LINUX_EOPNOTSUPP;
    long err = conn_send_check(sk);
    if (err)
        return send_failed(s, io, err);
    if (sk->type == LINUX_SOCK_SEQPACKET)
        return dgram_to(s, sk, sk->peer, io);
    return sk_stream_send(s, sk, io);
}

static long unix_recv(struct sys *s, struct sock *sk, struct sk_io *io)
{
    if (io->flags & LINUX_MSG_OOB)
        return -LINUX_EOPNOTSUPP;
    long r;
    if (sk->type == LINUX_SOCK_STREAM) {
        if (sk->state != SK_CONNECTED)
            return -LINUX_EINVAL;
        r = sk_stream_recv(s, sk, io);
        if (sk->peer && sk->peer->local.len > SUN_PATH_OFF && r > 0)
            io->from = sk->peer->local;
    } else {
        if (sk->type == LINUX_SOCK_SEQPACKET && sk->state != SK_CONNECTED)
            return -LINUX_ENOTCONN;
        r = sk_dgram_recv(s, sk, io);
    }
    if (!sk->opt.passcred)
        io->rcred_set = false;
    return r;
}

/* unix_poll and unix_dgram_poll: readable with data or a shut reading
 * side; an unconnected stream socket is hung up; writable while its
 * sent memory is under a quarter of its buffer (and the datagram peer's
 * queue has room). */
static short unix_poll(struct sock *sk)
{
    short m = 0;
    if (sk->err)
        m |= LINUX_POLLERR;
    if (sk->shutdown == SK_SHUT_MASK)
        m |= LINUX_POLLHUP;
    if (sk->shutdown & SK_RCV_SHUT)
        m |= LINUX_POLLRDHUP | LINUX_POLLIN;
    if (sk->rx.head || sk->nbacklog)
        m |= LINUX_POLLIN;
    if (conn_type(sk) && sk->state == SK_CLOSED)
        m |= LINUX_POLLHUP;
    bool writable = sk->state != SK_LISTEN && sk->wmem * 4 <= (size_t)sk->opt.sndbuf;
    struct sock *other = sk->type == LINUX_SOCK_STREAM ? NULL : sk->peer;
    if (other && !other->dead && other->peer != sk && other->rx.count > SK_DGRAM_QLEN)
        writable = false;
    if (writable)
        m |= LINUX_POLLOUT;
    return m;
}

static long unix_shutdown(struct sock *sk, int how)
{
    int mode = (how + 1) & SK_SHUT_MASK;
    sk->shutdown |= mode;
    struct sock *other = sk->peer;
    if (other && conn_type(sk)) {
        other->shutdown |= ((mode & SK_RCV_SHUT) ? SK_SEND_SHUT : 0) |
                           ((mode & SK_SEND_SHUT) ? SK_RCV_SHUT : 0);
        sock_changed(other);
    }
    sock_changed(sk);
    return 0;
}

/* The peer of a closed stream or seqpacket socket is shut both ways;
 * unread data (or never being accepted) resets it. */
static void unix_close(struct sock *sk)
{
    struct sock *other = sk->peer;
    if (!other)
        return;
    if (conn_type(sk)) {
        other->shutdown = SK_SHUT_MASK;
        if (sk->rx.head || sk->listener)
            other->err = LINUX_ECONNRESET;
        sock_unpair(sk);
        return;
    }
    sk->peer = NULL;
    sock_changed(other);
    sock_put(other);
}

long unix_socketpair(struct sys *s, int type, int protocol, int flags, int32_t fds[2])
{
    struct net *net = net_of(s->emu);
    if (!net)
        return -LINUX_ENOMEM;
    struct sock *a = sock_new(net, LINUX_AF_UNIX, type, protocol, s->p);
    struct sock *b = a ? sock_new(net, LINUX_AF_UNIX, type, protocol, s->p) : NULL;
    long err = !b ? -LINUX_ENOMEM : unix_create(a, type, protocol);
    if (!err)
        unix_create(b, type, protocol);
    if (err) {
        sock_put(a);
        sock_put(b);
        return err;
    }
    sock_pair(a, b);
    a->peercred = b->peercred = sock_cred(s->p);
    a->peercred_set = b->peercred_set = true;
    fds[0] = sock_install(s, a, flags);
    if (fds[0] < 0) {
        sock_discard(b);
        return fds[0];
    }
    fds[1] = sock_install(s, b, flags);
    if (fds[1] < 0) {
        fd_drop(s, s->p->fds->file[fds[0]]);
        s->p->fds->file[fds[0]] = NULL;
        return fds[1];
    }
    return 0;
}

const struct sock_family unix_family = {
    .create = unix_create,
    .bind = unix_bind,
    .connect = unix_connect,
    .listen = unix_listen,
    .send = unix_send,
    .recv = unix_recv,
    .poll = unix_poll,
    .shutdown = unix_shutdown,
    .close = unix_close,
};
