/*
 * sockio.c - what socket transfers share: receive queues of messages,
 * the guest's vector, a byte stream sent to a peer and read back (its
 * pieces glued, but never past descriptors or another writer's
 * credentials), and datagrams and records read one at a time.
 *
 * A message is charged to its sender (struct sock.wmem) until it is
 * read, so a sender blocks (or gets EAGAIN) while its buffer is full and
 * wakes when the reader makes room.  A blocking send that did not fit
 * keeps what it moved in p->io_done, as a pipe write does, and goes on
 * from there when retried.
 */
#include "emu/sys/sock.h"

#include <stdlib.h>
#include <string.h>

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

static void sk_msg_free(struct sk_msg *m)
{
    for (int i = 0; i < m->nfds; i++)
        file_put(m->fds[i]);
    free(m->fds);
    if (m->owner) {
        m->owner->wmem -= m->mem;
        sock_changed(m->owner); /* room for its next send */
        sock_put(m->owner);
    }
    free(m);
}

void skq_purge(struct sk_queue *q)
{
    struct sk_msg *m = q->head;
    memset(q, 0, sizeof *q);
    while (m) {
        struct sk_msg *next = m->next;
        sk_msg_free(m);
        m = next;
    }
}

/* The first message of sk's queue is read: it goes. */
static void skq_pop(struct sock *sk)
{
    struct sk_queue *q = &sk->rx;
    struct sk_msg *m = q->head;
    q->head = m->next;
    if (!q->head)
        q->tail = NULL;
    q->count--;
    q->bytes -= m->len - m->off;
    q->mem -= m->mem;
    sk_msg_free(m);
}

static long iov_copy(struct sys *s, const struct sk_io *io, size_t off, void *buf, size_t len, bool in)
{
    uint8_t *b = buf;
    for (int i = 0; i < io->iovlen && len; i++) {
        uint64_t l = io->iov[i].len;
        if (off >= l) {
            off -= l;
            continue;
        }
        size_t n = min_size(l - off, len);
        int r = in ? copy_in(s, b, io->iov[i].base + off, n) : copy_out(s, io->iov[i].base + off, b, n);
        if (r < 0)
            return -LINUX_EFAULT;
        b += n;
        len -= n;
        off = 0;
    }
    return 0;
}

long sk_iov_in(struct sys *s, const struct sk_io *io, size_t off, void *dst, size_t len)
{
    if (io->kbuf) {
        memcpy(dst, io->kbuf + off, len);
        return 0;
    }
    return iov_copy(s, io, off, dst, len, true);
}

long sk_iov_out(struct sys *s, const struct sk_io *io, size_t off, const void *src, size_t len)
{
    return iov_copy(s, io, off, (void *)src, len, false);
}

long sk_epipe(struct sys *s, const struct sk_io *io)
{
    if (!io->nosignal)
        raise_sigpipe(s);
    return -LINUX_EPIPE;
}

struct sk_msg *sk_msg_new(const void *data, size_t len)
{
    struct sk_msg *m = calloc(1, sizeof *m + len);
    if (m) {
        memcpy(m->data, data, len);
        m->len = len;
        m->mem = len + SK_MSG_OVERHEAD;
    }
    return m;
}

struct sk_msg *sk_msg_from_io(struct sys *s, struct sk_io *io, size_t off, size_t len,
                              struct sock *owner, long *err)
{
    struct sk_msg *m = calloc(1, sizeof *m + len);
    if (!m) {
        *err = -LINUX_ENOMEM;
        return NULL;
    }
    if (sk_iov_in(s, io, off, m->data, len) < 0) {
        free(m);
        *err = -LINUX_EFAULT;
        return NULL;
    }
    m->len = len;
    m->mem = len + SK_MSG_OVERHEAD;
    if (owner) {
        m->owner = sock_get(owner);
        owner->wmem += m->mem;
    }
    m->cred_set = io->cred_set;
    m->cred = io->cred;
    return m;
}

void sk_msg_take_fds(struct sk_msg *m, struct sk_io *io)
{
    m->fds = io->fds;
    m->nfds = io->nfds;
    io->fds = NULL;
    io->nfds = 0;
}

void sk_deliver(struct sock *to, struct sk_msg *m)
{
    struct sk_queue *q = &to->rx;
    if (q->tail)
        q->tail->next = m;
    else
        q->head = m;
    q->tail = m;
    q->count++;
    q->bytes += m->len - m->off;
    q->mem += m->mem;
    sock_changed(to);
}

/* The stream's limit of what may wait unread at the peer: the sender's
 * buffer (and, for TCP, the receiver's window too). */
static size_t stream_limit(const struct sock *sk)
{
    size_t lim = (size_t)sk->opt.sndbuf;
    if (sk->family != LINUX_AF_UNIX && sk->peer)
        lim += (size_t)sk->peer->opt.rcvbuf;
    return lim;
}

long sk_stream_send(struct sys *s, struct sock *sk, struct sk_io *io)
{
    struct proc *p = s->p;
    size_t done = p->io_done;
    bool resumed = done > 0; /* what goes with the data went with the first round */
    p->io_done = 0;
    while (done < io->len) {
        size_t lim = stream_limit(sk);
        size_t room = lim > sk->wmem ? lim - sk->wmem : 0;
        if (room <= SK_MSG_OVERHEAD) {
            if (io->nonblock)
                return done ? (long)done : -LINUX_EAGAIN;
            long r = sock_wait(s, sk->opt.sndtimeo);
            if (r < 0)
                return done ? (long)done : r;
            p->io_done = done;
            return 0;
        }
        size_t n = min_size(io->len - done, room - SK_MSG_OVERHEAD);
        long err;
        struct sk_msg *m = sk_msg_from_io(s, io, done, n, sk, &err);
        if (!m)
            return done ? (long)done : err;
        if (!resumed && !done)
            sk_msg_take_fds(m, io);
        sk_deliver(sk->peer, m);
        done += n;
    }
    return (long)done;
}

/* The descriptors and credentials a message carries go to the reader
 * (with MSG_PEEK, new references: they stay queued too). */
static void take_ancillary(struct sk_io *io, struct sk_msg *m, bool peek)
{
    if (m->cred_set && !io->rcred_set) {
        io->rcred = m->cred;
        io->rcred_set = true;
    }
    if (!m->nfds || io->rfds)
        return;
    if (!peek) {
        io->rfds = m->fds;
        io->rnfds = m->nfds;
        m->fds = NULL;
        m->nfds = 0;
        return;
    }
    io->rfds = malloc((size_t)m->nfds * sizeof *io->rfds);
    if (!io->rfds)
        return;
    for (int i = 0; i < m->nfds; i++)
        io->rfds[i] = file_get(m->fds[i]);
    io->rnfds = m->nfds;
}

static bool same_cred(const struct linux_ucred *a, const struct linux_ucred *b)
{
    return a->pid == b->pid && a->uid == b->uid && a->gid == b->gid;
}

/* Copy what the queue has into io, from offset done: the new total. */
static long stream_copy(struct sys *s, struct sock *sk, struct sk_io *io, size_t done)
{
    bool peek = io->flags & LINUX_MSG_PEEK;
    struct sk_msg *m = sk->rx.head;
    while (m && done < io->len) {
        if (io->rcred_set && m->cred_set && !same_cred(&io->rcred, &m->cred))
            break; /* another writer's: never glued */
        size_t avail = m->len - m->off, n = min_size(avail, io->len - done);
        if (sk_iov_out(s, io, done, m->data + m->off, n) < 0)
            return done ? (long)done : -LINUX_EFAULT;
        done += n;
        bool fds = m->nfds > 0;
        take_ancillary(io, m, peek);
        if (peek) {
            m = m->next;
        } else {
            m->off += n;
            sk->rx.bytes -= n;
            if (m->off == m->len)
                skq_pop(sk);
            m = sk->rx.head;
        }
        if (fds || n < avail)
            break;
    }
    return (long)done;
}

/* Nothing to read: the pending error, the end, or a wait. */
static long recv_empty(struct sys *s, struct sock *sk, struct sk_io *io, bool stream)
{
    long e = sock_error(sk);
    if (e)
        return e;
    if (sk->shutdown & SK_RCV_SHUT)
        return 0;
    if (stream && sk->state != SK_CONNECTED)
        return -LINUX_ENOTCONN;
    if (io->nonblock)
        return -LINUX_EAGAIN;
    return sock_wait(s, sk->opt.rcvtimeo);
}

long sk_stream_recv(struct sys *s, struct sock *sk, struct sk_io *io)
{
    struct proc *p = s->p;
    size_t done = p->io_done;
    p->io_done = 0;
    long r = stream_copy(s, sk, io, done);
    if (r < 0 || (size_t)r > done) {
        bool more = (io->flags & LINUX_MSG_WAITALL) && !(io->flags & LINUX_MSG_PEEK) &&
                    r > 0 && (size_t)r < io->len && !io->nonblock && !sk->err &&
                    !(sk->shutdown & SK_RCV_SHUT) && !io->rnfds;
        if (!more)
            return r;
        done = (size_t)r;
        long w = sock_wait(s, sk->opt.rcvtimeo);
        if (w < 0)
            return (long)done;
        p->io_done = done;
        return 0;
    }
    if (done)
        return (long)done;
    return sk->fin ? 0 : recv_empty(s, sk, io, true);
}

long sk_dgram_recv(struct sys *s, struct sock *sk, struct sk_io *io)
{
    struct sk_msg *m = sk->rx.head;
    if (!m)
        return recv_empty(s, sk, io, false);
    size_t n = min_size(m->len, io->len);
    if (sk_iov_out(s, io, 0, m->data, n) < 0)
        return -LINUX_EFAULT;
    if (m->len > io->len)
        io->msg_flags |= LINUX_MSG_TRUNC;
    long r = (io->flags & LINUX_MSG_TRUNC) ? (long)m->len : (long)n;
    io->from = m->from;
    bool peek = io->flags & LINUX_MSG_PEEK;
    take_ancillary(io, m, peek);
    if (!peek)
        skq_pop(sk);
    return r;
}
