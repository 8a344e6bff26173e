/*
 * socket.c - the socket system calls: socket, socketpair, bind, listen,
 * accept, accept4, connect, getsockname, getpeername, shutdown, sendto,
 * recvfrom, sendmsg, recvmsg, sendmmsg, recvmmsg (setsockopt and
 * getsockopt are sockopt.c's).  Here the guest's arguments are read and
 * checked (addresses, vectors, msghdr, control messages: SCM_RIGHTS and
 * SCM_CREDENTIALS) and results written back; the families do the rest.
 */
#include "emu/sys/sock.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SOCK_FLAGS (LINUX_SOCK_NONBLOCK | LINUX_SOCK_CLOEXEC)
#define CONTROL_MAX 131072 /* net.core.optmem_max */

static bool family_known(int family)
{
    return family == LINUX_AF_UNIX || family == LINUX_AF_INET || family == LINUX_AF_INET6 ||
           family == LINUX_AF_NETLINK;
}

long sys_socket(struct sys *s, int family, int type, int protocol)
{
    int flags = type & ~LINUX_SOCK_TYPE_MASK;
    type &= LINUX_SOCK_TYPE_MASK;
    if (flags & ~SOCK_FLAGS)
        return -LINUX_EINVAL;
    if (family < 0 || family >= LINUX_AF_MAX)
        return -LINUX_EAFNOSUPPORT;
    if (!family_known(family))
        return -LINUX_EAFNOSUPPORT;
    struct net *net = net_of(s->emu);
    struct sock *sk = net ? sock_new(net, family, type, protocol, s->p) : NULL;
    if (!sk)
        return -LINUX_ENOMEM;
    long err = sk->fam->create(sk, type, protocol);
    if (err) {
        sock_put(sk);
        return err;
    }
    return sock_install(s, sk, flags);
}

long sys_socketpair(struct sys *s, int family, int type, int protocol, uaddr_t usockvec)
{
    int flags = type & ~LINUX_SOCK_TYPE_MASK;
    type &= LINUX_SOCK_TYPE_MASK;
    if (flags & ~SOCK_FLAGS)
        return -LINUX_EINVAL;
    if (!family_known(family))
        return -LINUX_EAFNOSUPPORT;
    if (family != LINUX_AF_UNIX)
        return -LINUX_EOPNOTSUPP;
    int32_t fds[2];
    long err = unix_socketpair(s, type, protocol, flags, fds);
    if (err)
        return err;
    if (copy_out(s, usockvec, fds, sizeof fds) < 0) {
        for (int i = 0; i < 2; i++) {
            struct file *f = s->p->fds->file[fds[i]];
            s->p->fds->file[fds[i]] = NULL;
            fd_drop(s, f);
        }
        return -LINUX_EFAULT;
    }
    return 0;
}

/* A guest sockaddr of len bytes. */
static long addr_in(struct sys *s, uaddr_t addr, int len, struct sk_addr *a)
{
    memset(a, 0, sizeof *a);
    if (len < 0 || len > LINUX_SOCKADDR_MAX)
        return -LINUX_EINVAL;
    a->len = (uint32_t)len;
    return len && copy_in(s, a->b, addr, (size_t)len) < 0 ? -LINUX_EFAULT : 0;
}

/* Write a to the guest's buffer of *lenp bytes (truncated), and its
 * whole length to *lenp. */
static long addr_out(struct sys *s, const struct sk_addr *a, uaddr_t addr, uaddr_t lenp)
{
    int32_t len;
    if (copy_in(s, &len, lenp, sizeof len) < 0)
        return -LINUX_EFAULT;
    if (len < 0)
        return -LINUX_EINVAL;
    size_t n = (size_t)len < a->len ? (size_t)len : a->len;
    if (n && copy_out(s, addr, a->b, n) < 0)
        return -LINUX_EFAULT;
    int32_t full = (int32_t)a->len;
    return copy_out(s, lenp, &full, sizeof full) < 0 ? -LINUX_EFAULT : 0;
}

long sys_bind(struct sys *s, int fd, uaddr_t umyaddr, int addrlen)
{
    long err;
    struct sock *sk = sock_of_fd(s, fd, NULL, &err);
    struct sk_addr a;
    if (sk)
        err = addr_in(s, umyaddr, addrlen, &a);
    if (err)
        return err;
    return sk->fam->bind ? sk->fam->bind(s, sk, &a) : -LINUX_EOPNOTSUPP;
}

long sys_connect(struct sys *s, int fd, uaddr_t uservaddr, int addrlen)
{
    long err;
    struct file *f;
    struct sock *sk = sock_of_fd(s, fd, &f, &err);
    struct sk_addr a;
    if (sk)
        err = addr_in(s, uservaddr, addrlen, &a);
    if (err)
        return err;
    return sk->fam->connect(s, sk, &a, f->status & LINUX_O_NONBLOCK);
}

long sys_listen(struct sys *s, int fd, int backlog)
{
    long err;
    struct sock *sk = sock_of_fd(s, fd, NULL, &err);
    if (!sk)
        return err;
    if ((unsigned)backlog > SK_SOMAXCONN)
        backlog = SK_SOMAXCONN;
    return sk->fam->listen ? sk->fam->listen(s, sk, backlog) : -LINUX_EOPNOTSUPP;
}

static long do_accept(struct sys *s, int fd, uaddr_t addr, uaddr_t lenp, int flags)
{
    if (flags & ~SOCK_FLAGS)
        return -LINUX_EINVAL;
    long err;
    struct file *f;
    struct sock *sk = sock_of_fd(s, fd, &f, &err);
    if (!sk)
        return err;
    if (!sk->fam->listen)
        return -LINUX_EOPNOTSUPP;
    struct sock *e = sock_accept_one(s, sk, f->status & LINUX_O_NONBLOCK, &err);
    if (!e)
        return err;
    struct sk_addr peer = e->remote;
    int nfd = sock_install(s, e, flags);
    if (nfd < 0 || !addr)
        return nfd;
    err = addr_out(s, &peer, addr, lenp);
    if (err) {
        struct file *nf = s->p->fds->file[nfd];
        s->p->fds->file[nfd] = NULL;
        fd_drop(s, nf);
        return err;
    }
    return nfd;
}

long sys_accept(struct sys *s, int fd, uaddr_t upeer_sockaddr, uaddr_t upeer_addrlen)
{
    return do_accept(s, fd, upeer_sockaddr, upeer_addrlen, 0);
}

long sys_accept4(struct sys *s, int fd, uaddr_t upeer_sockaddr, uaddr_t upeer_addrlen, int flags)
{
    return do_accept(s, fd, upeer_sockaddr, upeer_addrlen, flags);
}

static long get_name(struct sys *s, int fd, uaddr_t addr, uaddr_t lenp, bool peer)
{
    long err;
    struct sock *sk = sock_of_fd(s, fd, NULL, &err);
    if (!sk)
        return err;
    if (peer && sk->state != SK_CONNECTED && sk->family != LINUX_AF_NETLINK)
        return -LINUX_ENOTCONN;
    return addr_out(s, peer ? &sk->remote : &sk->local, addr, lenp);
}

long sys_getsockname(struct sys *s, int fd, uaddr_t usockaddr, uaddr_t usockaddr_len)
{
    return get_name(s, fd, usockaddr, usockaddr_len, false);
}

long sys_getpeername(struct sys *s, int fd, uaddr_t usockaddr, uaddr_t usockaddr_len)
{
    return get_name(s, fd, usockaddr, usockaddr_len, true);
}

long sys_shutdown(struct sys *s, int fd, int how)
{
    long err;
    struct sock *sk = sock_of_fd(s, fd, NULL, &err);
    if (!sk)
        return err;
    if (how < LINUX_SHUT_RD || how > LINUX_SHUT_RDWR)
        return -LINUX_EINVAL;
    return sk->fam->shutdown ? sk->fam->shutdown(sk, how) : -LINUX_EOPNOTSUPP;
}

/* --- transfers ------------------------------------------------------------------------ */

static void io_release(struct sk_io *io)
{
    for (int i = 0; i < io->nfds; i++)
        file_put(io->fds[i]);
    free(io->fds);
    for (int i = 0; i < io->rnfds; i++)
        file_put(io->rfds[i]);
    free(io->rfds);
}

static long sock_transfer(struct sys *s, int fd, struct sk_io *io, bool send)
{
    long err;
    struct file *f;
    struct sock *sk = sock_of_fd(s, fd, &f, &err);
    if (!sk)
        return err;
    io->nonblock = (f->status & LINUX_O_NONBLOCK) || (io->flags & LINUX_MSG_DONTWAIT);
    io->nosignal = io->flags & LINUX_MSG_NOSIGNAL;
    /* A vector's total is cut at MAX_RW_COUNT, as Linux cuts it. */
    for (int i = 0; i < io->iovlen; i++)
        io->len = sk_len_add(io->len, io->iov[i].len);
    return send ? sk->fam->send(s, sk, io) : sk->fam->recv(s, sk, io);
}

long sys_sendto(struct sys *s, int fd, uaddr_t buff, size_t len, unsigned int flags, uaddr_t addr,
                int addr_len)
{
    struct linux_iovec iov = {buff, len > LINUX_MAX_RW_COUNT ? LINUX_MAX_RW_COUNT : len};
    struct sk_io io = {.iov = &iov, .iovlen = 1, .flags = (int)flags};
    struct sk_addr to;
    if (addr && addr_len) {
        long err = addr_in(s, addr, addr_len, &to);
        if (err)
            return err;
        io.to = &to;
    }
    long r = sock_transfer(s, fd, &io, true);
    io_release(&io);
    return r;
}

long sys_recvfrom(struct sys *s, int fd, uaddr_t ubuf, size_t size, unsigned int flags, uaddr_t addr,
                  uaddr_t addr_len)
{
    struct linux_iovec iov = {ubuf, size > LINUX_MAX_RW_COUNT ? LINUX_MAX_RW_COUNT : size};
    struct sk_io io = {.iov = &iov, .iovlen = 1, .flags = (int)flags};
    long r = sock_transfer(s, fd, &io, false);
    if (r >= 0 && !s->no_return && addr) {
        long err = addr_out(s, &io.from, addr, addr_len);
        if (err)
            r = err;
    }
    io_release(&io);
    return r;
}

/* The guest's vector of a msghdr, copied (the caller frees it). */
static long iov_in(struct sys *s, const struct linux_msghdr *h, struct sk_io *io)
{
    if (h->iovlen > LINUX_IOV_MAX)
        return -LINUX_EMSGSIZE;
    io->iov = calloc(h->iovlen ? h->iovlen : 1, sizeof *io->iov);
    if (!io->iov)
        return -LINUX_ENOMEM;
    io->iovlen = (int)h->iovlen;
    if (copy_in(s, io->iov, h->iov, h->iovlen * sizeof *io->iov) < 0)
        return -LINUX_EFAULT;
    for (int i = 0; i < io->iovlen; i++)
        if (io->iov[i].len > INT64_MAX)
            return -LINUX_EINVAL;
    return 0;
}

/* SCM_CREDENTIALS a sender gives must be its own (root may give any). */
static long cred_check(struct sys *s, const struct linux_ucred *c)
{
    struct linux_ucred own = sock_cred(s->p);
    if (getuid() == 0)
        return 0;
    return c->pid == own.pid && c->uid == own.uid && c->gid == own.gid ? 0 : -LINUX_EPERM;
}

/* The descriptors of one SCM_RIGHTS, appended to io's (references). */
static long rights_in(struct sys *s, struct sk_io *io, const uint8_t *data, size_t n)
{
    if (!n)
        return 0;
    if (io->nfds + n > LINUX_SCM_MAX_FD)
        return -LINUX_EINVAL;
    struct file **v = realloc(io->fds, (io->nfds + n) * sizeof *v);
    if (!v)
        return -LINUX_ENOMEM;
    io->fds = v;
    for (size_t i = 0; i < n; i++) {
        int32_t fd;
        memcpy(&fd, data + i * 4, 4);
        struct file *f = fd_file(s->p, fd);
        if (!f)
            return -LINUX_EBADF;
        io->fds[io->nfds++] = file_get(f);
    }
    return 0;
}

/* The control messages a sender passes: SOL_SOCKET ones are checked
 * (others, such as IP_PKTINFO, are left to a protocol that ignores
 * them). */
static long control_in(struct sys *s, struct sock *sk, const struct linux_msghdr *h, struct sk_io *io)
{
    if (!h->controllen)
        return 0;
    if (h->controllen > CONTROL_MAX)
        return -LINUX_ENOBUFS;
    uint8_t *buf = malloc(h->controllen);
    long err = !buf ? -LINUX_ENOMEM : copy_in(s, buf, h->control, h->controllen) < 0 ? -LINUX_EFAULT : 0;
    for (size_t off = 0; !err && off + sizeof(struct linux_cmsghdr) <= h->controllen;) {
        struct linux_cmsghdr c;
        memcpy(&c, buf + off, sizeof c);
        if (c.len < sizeof c || c.len > h->controllen - off) {
            err = -LINUX_EINVAL;
            break;
        }
        const uint8_t *data = buf + off + sizeof c;
        size_t dlen = c.len - sizeof c;
        if (c.level == LINUX_SOL_SOCKET && c.type == LINUX_SCM_RIGHTS) {
            err = sk->family == LINUX_AF_UNIX ? rights_in(s, io, data, dlen / 4) : -LINUX_EINVAL;
        } else if (c.level == LINUX_SOL_SOCKET && c.type == LINUX_SCM_CREDENTIALS) {
            if (dlen != sizeof io->cred) {
                err = -LINUX_EINVAL;
                break;
            }
            memcpy(&io->cred, data, sizeof io->cred);
            io->cred_set = true;
            err = cred_check(s, &io->cred);
        } else if (c.level == LINUX_SOL_SOCKET) {
            err = -LINUX_EINVAL;
        }
        off += LINUX_CMSG_ALIGN(c.len);
    }
    free(buf);
    return err;
}

static long do_sendmsg(struct sys *s, int fd, const struct linux_msghdr *h, unsigned int flags)
{
    struct sk_io io = {.flags = (int)flags};
    struct sk_addr to;
    long err;
    struct sock *sk = sock_of_fd(s, fd, NULL, &err);
    if (sk && h->name && h->namelen) {
        err = addr_in(s, h->name, (int)h->namelen, &to);
        io.to = &to;
    }
    if (!err)
        err = iov_in(s, h, &io);
    if (!err)
        err = control_in(s, sk, h, &io);
    long r = err ? err : sock_transfer(s, fd, &io, true);
    io_release(&io);
    free(io.iov);
    return r;
}

long sys_sendmsg(struct sys *s, int fd, uaddr_t msg, unsigned int flags)
{
    struct linux_msghdr h;
    if (copy_in(s, &h, msg, sizeof h) < 0)
        return -LINUX_EFAULT;
    return do_sendmsg(s, fd, &h, flags);
}

/* One control message into buf (at *used, room cap), as put_cmsg
 * writes it: truncated with MSG_CTRUNC when it does not fit. */
static void cmsg_put(uint8_t *buf, size_t *used, size_t cap, int type, const void *data, size_t len,
                     int *msg_flags)
{
    size_t room = cap - *used;
    if (room < sizeof(struct linux_cmsghdr)) {
        *msg_flags |= LINUX_MSG_CTRUNC;
        return;
    }
    struct linux_cmsghdr c = {sizeof c + len, LINUX_SOL_SOCKET, type};
    size_t n = c.len;
    if (room < n) {
        *msg_flags |= LINUX_MSG_CTRUNC;
        n = room;
    }
    memcpy(buf + *used, &c, sizeof c);
    memcpy(buf + *used + sizeof c, data, n - sizeof c);
    size_t space = LINUX_CMSG_ALIGN(c.len);
    *used += space < room ? space : room;
}

/* What came with the data, for the receiver: its credentials, then its
 * descriptors installed (as many as the buffer holds; the rest are
 * closed, and MSG_CTRUNC says so).  Returns the control bytes made. */
static size_t control_out(struct sys *s, struct sk_io *io, uint8_t *buf, size_t cap, bool cloexec)
{
    size_t used = 0;
    if (io->rcred_set)
        cmsg_put(buf, &used, cap, LINUX_SCM_CREDENTIALS, &io->rcred, sizeof io->rcred, &io->msg_flags);
    if (!io->rnfds)
        return used;
    size_t room = cap - used, fit = room > sizeof(struct linux_cmsghdr)
                                        ? (room - sizeof(struct linux_cmsghdr)) / 4 : 0;
    int32_t fds[LINUX_SCM_MAX_FD];
    size_t installed = 0;
    for (int i = 0; i < io->rnfds; i++) {
        struct file *f = io->rfds[i];
        io->rfds[i] = NULL;
        int fd = installed < fit ? install_fd(s->p, f, cloexec, 0) : (file_put(f), -1);
        if (fd >= 0)
            fds[installed++] = fd;
        else
            fit = installed; /* out of room or descriptors: the rest are closed */
    }
    if (installed < (size_t)io->rnfds)
        io->msg_flags |= LINUX_MSG_CTRUNC;
    io->rnfds = 0;
    if (installed > 0)
        cmsg_put(buf, &used, cap, LINUX_SCM_RIGHTS, fds, installed * 4, &io->msg_flags);
    return used;
}

/* The msghdr's results: the sender's name, control data, flags. */
static long recvmsg_results(struct sys *s, uaddr_t msg, struct linux_msghdr *h, struct sk_io *io,
                            unsigned int flags)
{
    uint8_t ctl[sizeof(struct linux_cmsghdr) * 2 + 16 + LINUX_SCM_MAX_FD * 4 + 8];
    size_t cap = h->controllen < sizeof ctl ? h->controllen : sizeof ctl;
    size_t used = control_out(s, io, ctl, cap, flags & LINUX_MSG_CMSG_CLOEXEC);
    if (used && copy_out(s, h->control, ctl, used) < 0)
        return -LINUX_EFAULT;
    uint32_t namelen = 0;
    if (h->name && io->from.len) {
        namelen = io->from.len;
        size_t n = h->namelen < namelen ? h->namelen : namelen;
        if (copy_out(s, h->name, io->from.b, n) < 0)
            return -LINUX_EFAULT;
    }
    h->namelen = namelen;
    h->controllen = used;
    h->flags = io->msg_flags;
    if (copy_out(s, msg + offsetof(struct linux_msghdr, namelen), &h->namelen, sizeof h->namelen) < 0 ||
        copy_out(s, msg + offsetof(struct linux_msghdr, controllen), &h->controllen, sizeof h->controllen) < 0 ||
        copy_out(s, msg + offsetof(struct linux_msghdr, flags), &h->flags, sizeof h->flags) < 0)
        return -LINUX_EFAULT;
    return 0;
}

static long do_recvmsg(struct sys *s, int fd, uaddr_t msg, struct linux_msghdr *h, unsigned int flags)
{
    struct sk_io io = {.flags = (int)flags};
    long r = iov_in(s, h, &io);
    if (!r)
        r = sock_transfer(s, fd, &io, false);
    if (r >= 0 && !s->no_return) {
        long err = recvmsg_results(s, msg, h, &io, flags);
        if (err)
            r = err;
    }
    io_release(&io);
    free(io.iov);
    return r;
}

long sys_recvmsg(struct sys *s, int fd, uaddr_t msg, unsigned int flags)
{
    struct linux_msghdr h;
    if (copy_in(s, &h, msg, sizeof h) < 0)
        return -LINUX_EFAULT;
    return do_recvmsg(s, fd, msg, &h, flags);
}

/* sendmmsg and recvmmsg: each message after the first goes without
 * waiting (recvmmsg as with MSG_WAITFORONE), so the call returns what
 * moved instead of blocking again. */
static long do_mmsg(struct sys *s, int fd, uaddr_t mmsg, unsigned int vlen, unsigned int flags, bool send)
{
    if (vlen > LINUX_IOV_MAX)
        vlen = LINUX_IOV_MAX;
    unsigned int i;
    for (i = 0; i < vlen; i++) {
        uaddr_t at = mmsg + (uint64_t)i * sizeof(struct linux_mmsghdr);
        struct linux_msghdr h;
        if (copy_in(s, &h, at, sizeof h) < 0)
            return i ? (long)i : -LINUX_EFAULT;
        unsigned int fl = flags & ~LINUX_MSG_WAITFORONE;
        if (i)
            fl |= LINUX_MSG_DONTWAIT;
        long r = send ? do_sendmsg(s, fd, &h, fl) : do_recvmsg(s, fd, at, &h, fl);
        if (s->no_return || r < 0)
            return i ? (long)i : r;
        uint32_t n = (uint32_t)r;
        if (copy_out(s, at + offsetof(struct linux_mmsghdr, len), &n, sizeof n) < 0)
            return i ? (long)i : -LINUX_EFAULT;
    }
    return (long)i;
}

long sys_sendmmsg(struct sys *s, int fd, uaddr_t mmsg, unsigned int vlen, unsigned int flags)
{
    return do_mmsg(s, fd, mmsg, vlen, flags, true);
}

long sys_recvmmsg(struct sys *s, int fd, uaddr_t mmsg, unsigned int vlen, unsigned int flags,
                  uaddr_t timeout)
{
    if (timeout) {
        uint64_t ns;
        long err = timespec_ns(s, timeout, &ns);
        if (err)
            return err;
    }
    return do_mmsg(s, fd, mmsg, vlen, flags, false);
}
