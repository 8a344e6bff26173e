/*
 * sock.c - sockets' lives and the machine's network: making, pairing,
 * queueing a connection on a listener and accepting it, closing (what
 * the peer sees is the family's), and the file operations every socket
 * has (read, write, readv and writev, poll, the socket ioctls,
 * socket:[ino], fstat's S_IFSOCK).
 */
#include "emu/sys/sock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct net *net_of(struct emu *emu)
{
    if (!emu->net) {
        struct net *n = calloc(1, sizeof *n);
        if (!n)
            return NULL;
        n->emu = emu;
        n->next_port = SK_PORT_FIRST;
        n->nl_rover = -4096;
        emu->net = n;
    }
    return emu->net;
}

struct linux_ucred sock_cred(struct proc *p)
{
    return (struct linux_ucred){p->tg->tgid, (uint32_t)getuid(), (uint32_t)getgid()};
}

struct sock *sock_new(struct net *net, int family, int type, int protocol, struct proc *p)
{
    struct sock *sk = calloc(1, sizeof *sk);
    if (!sk)
        return NULL;
    sk->refs = 1;
    sk->hostfd = -1;
    sk->net = net;
    sk->family = family;
    sk->type = type;
    sk->protocol = protocol;
    sk->ino = file_next_ino(net->emu);
    sk->cred = sock_cred(p);
    sk->local.len = sk->remote.len = sizeof(uint16_t);
    memcpy(sk->local.b, &(uint16_t){(uint16_t)family}, 2);
    memcpy(sk->remote.b, sk->local.b, 2);
    sk->fam = family == LINUX_AF_UNIX ? &unix_family
              : family == LINUX_AF_NETLINK ? &netlink_family
                                           : &inet_family;
    sockopt_defaults(sk);
    sk->next = net->socks;
    net->socks = sk;
    return sk;
}

struct sock *sock_get(struct sock *sk)
{
    sk->refs++;
    return sk;
}

static void sock_unlink(struct sock *sk)
{
    for (struct sock **pp = &sk->net->socks; *pp; pp = &(*pp)->next) {
        if (*pp == sk) {
            *pp = sk->next;
            return;
        }
    }
}

void sock_put(struct sock *sk)
{
    if (!sk || --sk->refs > 0)
        return;
    sock_unlink(sk);
    skq_purge(&sk->rx);
    if (sk->hostfd >= 0)
        close(sk->hostfd);
    free(sk->backlog);
    free(sk);
}

long sock_error(struct sock *sk)
{
    long e = -sk->err;
    sk->err = 0;
    return e;
}

void sock_changed(struct sock *sk)
{
    sk->gen++;
    proc_wake_all(sk->net->emu);
}

void sock_pair(struct sock *a, struct sock *b)
{
    a->peer = sock_get(b);
    b->peer = sock_get(a);
    a->state = b->state = SK_CONNECTED;
}

void sock_unpair(struct sock *sk)
{
    struct sock *p = sk->peer;
    if (!p)
        return;
    sk->peer = NULL;
    if (p->peer == sk) {
        p->peer = NULL;
        sock_put(sk);
    }
    sock_changed(p);
    sock_put(p);
}

/* The last file of sk went (or it was never accepted): the family tells
 * its peer and lets its names go; connections waiting on it are refused;
 * what was queued for it is dropped. */
static void sock_close(struct sock *sk)
{
    sk->dead = true;
    if (sk->fam->close)
        sk->fam->close(sk);
    for (int i = 0; i < sk->nbacklog; i++) {
        struct sock *e = sk->backlog[i];
        sock_close(e);
        e->listener = NULL;
        sock_put(e);
    }
    sk->nbacklog = 0;
    struct sk_queue q = sk->rx;
    memset(&sk->rx, 0, sizeof sk->rx);
    skq_purge(&q);
    sock_changed(sk);
}

void sock_discard(struct sock *sk)
{
    sock_close(sk);
    sock_put(sk);
}

void net_free(struct emu *emu)
{
    struct net *n = emu->net;
    if (!n)
        return;
    /* A socket whose descriptor is in flight in a queue (its own, or one
     * of a cycle) is held by that queue: drop queues until none is left. */
    for (bool again = true; again;) {
        again = false;
        for (struct sock *sk = n->socks; sk; sk = sk->next) {
            if (sk->rx.head) {
                struct sk_queue q = sk->rx;
                memset(&sk->rx, 0, sizeof sk->rx);
                sock_get(sk);
                skq_purge(&q);
                sock_put(sk);
                again = true;
                break;
            }
        }
    }
    while (n->socks) {
        struct sock *sk = n->socks;
        n->socks = sk->next;
        if (sk->hostfd >= 0)
            close(sk->hostfd);
        free(sk->backlog);
        free(sk);
    }
    free(n->tw);
    free(n);
    emu->net = NULL;
}

struct sock *sock_of_fd(struct sys *s, int fd, struct file **fp, long *err)
{
    struct file *f = fd_file(s->p, fd);
    *err = !f ? -LINUX_EBADF : f->kind != FILE_OPS || f->ops != &sock_file_ops ? -LINUX_ENOTSOCK : 0;
    if (*err)
        return NULL;
    if (fp)
        *fp = f;
    return f->priv;
}

int sock_install(struct sys *s, struct sock *sk, int flags)
{
    struct file *f = file_new_ops(&sock_file_ops, sk, sk->ino);
    if (!f) {
        sock_discard(sk);
        return -LINUX_ENOMEM;
    }
    f->status = LINUX_O_RDWR | (flags & LINUX_SOCK_NONBLOCK ? LINUX_O_NONBLOCK : 0);
    snprintf(f->path, sizeof f->path, "socket:[%llu]", (unsigned long long)sk->ino);
    return install_fd(s->p, f, flags & LINUX_SOCK_CLOEXEC, 0);
}

long sock_wait(struct sys *s, uint64_t timeo)
{
    if (!timeo) {
        sys_wait_and_retry(s, false);
        return 0;
    }
    return sys_wait_until(s, timeo, true) ? -LINUX_EAGAIN : 0;
}

struct sock *sock_connect_to(struct sock *sk, struct sock *listener, struct proc *p)
{
    if (listener->nbacklog == listener->cap_backlog) {
        int cap = listener->cap_backlog ? listener->cap_backlog * 2 : 8;
        struct sock **v = realloc(listener->backlog, (size_t)cap * sizeof *v);
        if (!v)
            return NULL;
        listener->backlog = v;
        listener->cap_backlog = cap;
    }
    struct sock *e = sock_new(sk->net, listener->family, listener->type, listener->protocol, p);
    if (!e)
        return NULL;
    e->cred = listener->cred;
    e->local = listener->local;
    e->remote = sk->local;
    e->listener = listener;
    sock_pair(sk, e);
    listener->backlog[listener->nbacklog++] = e;
    sock_changed(listener);
    return e;
}

struct sock *sock_accept_one(struct sys *s, struct sock *sk, bool nonblock, long *err)
{
    *err = 0;
    if (sk->state != SK_LISTEN) {
        *err = -LINUX_EINVAL;
        return NULL;
    }
    if (!sk->nbacklog) {
        *err = nonblock ? -LINUX_EAGAIN : sock_wait(s, sk->opt.rcvtimeo);
        return NULL;
    }
    struct sock *e = sk->backlog[0];
    memmove(sk->backlog, sk->backlog + 1, (size_t)--sk->nbacklog * sizeof *sk->backlog);
    e->listener = NULL;
    sock_changed(sk); /* room in the backlog: a waiting connect goes on */
    return e;
}

/* --- the file operations ------------------------------------------------------------ */

static void drop_received(struct sk_io *io)
{
    for (int i = 0; i < io->rnfds; i++)
        file_put(io->rfds[i]);
    free(io->rfds);
    io->rfds = NULL;
    io->rnfds = 0;
}

/* read, write and the vectors: a recvmsg or sendmsg with no flags, no
 * address and no control data (descriptors that come are closed). */
static long sock_rw(struct sys *s, struct file *f, struct linux_iovec *iov, int n, bool write)
{
    struct sock *sk = f->priv;
    struct sk_io io = {.iov = iov, .iovlen = n, .nonblock = f->status & LINUX_O_NONBLOCK};
    for (int i = 0; i < n; i++)
        io.len = sk_len_add(io.len, iov[i].len);
    if (!write && !io.len)
        return 0;
    if (write)
        return sk->fam->send(s, sk, &io);
    long r = sk->fam->recv(s, sk, &io);
    drop_received(&io);
    return r;
}

long sock_send_kernel(struct sys *s, struct file *f, const void *buf, size_t len, bool nonblock)
{
    struct sock *sk = f->priv;
    struct linux_iovec iov = {0, len};
    struct sk_io io = {.kbuf = buf, .iov = &iov, .iovlen = 1, .len = len,
                       .nonblock = nonblock || (f->status & LINUX_O_NONBLOCK)};
    return sk->fam->send(s, sk, &io);
}

static long sock_read(struct sys *s, struct file *f, uint64_t buf, size_t len)
{
    struct linux_iovec iov = {buf, len};
    return sock_rw(s, f, &iov, 1, false);
}

static long sock_write(struct sys *s, struct file *f, uint64_t buf, size_t len)
{
    struct linux_iovec iov = {buf, len};
    return sock_rw(s, f, &iov, 1, true);
}

static long sock_rw_vec(struct sys *s, struct file *f, uint64_t vec, int n, bool write)
{
    struct linux_iovec *iov = calloc(n ? (size_t)n : 1, sizeof *iov);
    if (!iov)
        return -LINUX_ENOMEM;
    long r = copy_in(s, iov, vec, (size_t)n * sizeof *iov) < 0 ? -LINUX_EFAULT : 0;
    for (int i = 0; !r && i < n; i++)
        if (iov[i].len > INT64_MAX)
            r = -LINUX_EINVAL;
    if (!r)
        r = sock_rw(s, f, iov, n, write);
    free(iov);
    return r;
}

static short sock_poll(struct proc *p, struct file *f)
{
    (void)p;
    struct sock *sk = f->priv;
    return sk->fam->poll(sk);
}

static uint64_t sock_gen(struct file *f)
{
    return ((struct sock *)f->priv)->gen;
}

static int sock_host_fd(struct file *f)
{
    return ((struct sock *)f->priv)->hostfd;
}

static void sock_link(struct file *f, char *buf, size_t len)
{
    snprintf(buf, len, "socket:[%llu]", (unsigned long long)((struct sock *)f->priv)->ino);
}

/* SIOCINQ (FIONREAD): the bytes a read would get; SIOCOUTQ: what was
 * sent and not yet read (a stream on the loopback is acknowledged at
 * once: 0 for TCP). */
static long sock_ioctl(struct sys *s, struct file *f, unsigned int cmd, uint64_t arg)
{
    struct sock *sk = f->priv;
    int32_t v;
    switch (cmd) {
    case LINUX_FIONREAD:
        if (sk->state == SK_LISTEN)
            return -LINUX_EINVAL;
        if (sk->hostfd >= 0 && !sk->rx.head) {
            long n = hostnet_inq(sk);
            if (n < 0)
                return n;
            v = (int32_t)n;
            break;
        }
        v = (int32_t)(sk->type == LINUX_SOCK_STREAM ? sk->rx.bytes
                      : sk->rx.head                 ? sk->rx.head->len
                                                    : 0);
        break;
    case LINUX_SIOCOUTQ:
        if (sk->state == SK_LISTEN)
            return -LINUX_EINVAL;
        v = sk->family == LINUX_AF_UNIX && sk->peer ? (int32_t)sk->peer->rx.bytes : 0;
        break;
    default:
        return netdev_ioctl(s, cmd, arg);
    }
    return copy_out(s, arg, &v, sizeof v) < 0 ? -LINUX_EFAULT : 0;
}

static void sock_release(struct file *f)
{
    sock_discard(f->priv);
}

const struct file_ops sock_file_ops = {
    .read = sock_read,
    .write = sock_write,
    .ioctl = sock_ioctl,
    .rw_vec = sock_rw_vec,
    .poll = sock_poll,
    .gen = sock_gen,
    .host_fd = sock_host_fd,
    .link = sock_link,
    .mode = LINUX_S_IFSOCK | LINUX_S_IRWXUGO,
    .release = sock_release,
};
