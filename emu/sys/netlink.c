/*
 * netlink.c - AF_NETLINK, NETLINK_ROUTE, as far as programs ask it what
 * the machine's interfaces are (getifaddrs, if_nameindex, getaddrinfo's
 * AI_ADDRCONFIG): dumps of RTM_GETLINK and RTM_GETADDR answer with lo
 * and its addresses 127.0.0.1/8 and ::1/128, laid out as Linux lays them
 * out; other dumps are empty; a request to change anything is refused
 * (EPERM).  And the interface ioctls (SIOCGIF*), which any socket takes:
 * lo is the only interface there is.
 */
#include "emu/sys/sock.h"

#include <stdlib.h>
#include <string.h>

#define LO_INDEX 1
#define LO_MTU 65536
#define LO_TXQLEN 1000
#define NLMSG_MIN_TYPE 0x10

static long netlink_create(struct sock *sk, int type, int protocol)
{
    if (type != LINUX_SOCK_RAW && type != LINUX_SOCK_DGRAM)
        return -LINUX_ESOCKTNOSUPPORT;
    if (protocol != LINUX_NETLINK_ROUTE)
        return -LINUX_EPROTONOSUPPORT;
    struct linux_sockaddr_nl nl = {LINUX_AF_NETLINK, 0, 0, 0};
    memcpy(sk->local.b, &nl, sizeof nl);
    memcpy(sk->remote.b, &nl, sizeof nl);
    sk->local.len = sk->remote.len = sizeof nl;
    return 0;
}

static bool portid_taken(const struct sock *sk, uint32_t id)
{
    for (const struct sock *o = sk->net->socks; o; o = o->next)
        if (o != sk && o->family == LINUX_AF_NETLINK && o->bound && !o->dead && o->nl_portid == id)
            return true;
    return false;
}

static void set_portid(struct sock *sk, uint32_t id, uint32_t groups)
{
    sk->nl_portid = id;
    sk->nl_groups = groups;
    sk->bound = true;
    struct linux_sockaddr_nl nl = {LINUX_AF_NETLINK, 0, id, groups};
    memcpy(sk->local.b, &nl, sizeof nl);
}

/* The first netlink socket of a process is its pid; later ones count
 * down from -4096, as Linux numbers them. */
static void autobind(struct sock *sk, struct proc *p)
{
    uint32_t id = (uint32_t)p->tg->tgid;
    while (portid_taken(sk, id))
        id = (uint32_t)sk->net->nl_rover--;
    set_portid(sk, id, sk->nl_groups);
}

static long nl_addr(const struct sk_addr *a, struct linux_sockaddr_nl *nl)
{
    if (a->len < sizeof *nl)
        return -LINUX_EINVAL;
    memcpy(nl, a->b, sizeof *nl);
    return nl->family == LINUX_AF_NETLINK ? 0 : -LINUX_EINVAL;
}

static long netlink_bind(struct sys *s, struct sock *sk, const struct sk_addr *a)
{
    struct linux_sockaddr_nl nl;
    long err = nl_addr(a, &nl);
    if (err)
        return err;
    if (sk->bound) {
        if (nl.pid && nl.pid != sk->nl_portid)
            return -LINUX_EINVAL;
        set_portid(sk, sk->nl_portid, nl.groups);
        return 0;
    }
    if (!nl.pid) {
        sk->nl_groups = nl.groups;
        autobind(sk, s->p);
        return 0;
    }
    if (portid_taken(sk, nl.pid))
        return -LINUX_EADDRINUSE;
    set_portid(sk, nl.pid, nl.groups);
    return 0;
}

static long netlink_connect(struct sys *s, struct sock *sk, const struct sk_addr *a, bool nonblock)
{
    (void)nonblock;
    struct linux_sockaddr_nl nl;
    long err = nl_addr(a, &nl);
    if (err)
        return err;
    if (nl.pid)
        return -LINUX_ECONNREFUSED; /* no other user of netlink listens */
    if (!sk->bound)
        autobind(sk, s->p);
    return 0;
}

/* --- building replies ----------------------------------------------------------------- */

struct nlbuf {
    uint8_t *b;
    size_t len, cap;
    size_t msg;          /* where the message being built starts */
    bool oom;
};

static void *nl_room(struct nlbuf *nb, size_t n)
{
    size_t need = nb->len + LINUX_NLMSG_ALIGN(n);
    if (need > nb->cap) {
        size_t cap = nb->cap ? nb->cap * 2 : 1024;
        while (cap < need)
            cap *= 2;
        uint8_t *v = nb->oom ? NULL : realloc(nb->b, cap);
        if (!v) {
            nb->oom = true;
            return NULL;
        }
        nb->b = v;
        nb->cap = cap;
    }
    void *at = nb->b + nb->len;
    memset(at, 0, LINUX_NLMSG_ALIGN(n));
    nb->len = need;
    return at;
}

static void nl_begin(struct nlbuf *nb, uint16_t type, uint16_t flags, const struct linux_nlmsghdr *req,
                     uint32_t portid, const void *body, size_t len)
{
    nb->msg = nb->len;
    struct linux_nlmsghdr *h = nl_room(nb, sizeof *h);
    if (h)
        *h = (struct linux_nlmsghdr){0, type, flags, req->seq, portid};
    void *b = nl_room(nb, len);
    if (b)
        memcpy(b, body, len);
}

static void nl_attr(struct nlbuf *nb, uint16_t type, const void *data, size_t len)
{
    struct linux_rtattr *a = nl_room(nb, sizeof *a + len);
    if (!a)
        return;
    *a = (struct linux_rtattr){(uint16_t)(sizeof *a + len), type};
    memcpy(a + 1, data, len);
}

static void nl_u32(struct nlbuf *nb, uint16_t type, uint32_t v)
{
    nl_attr(nb, type, &v, sizeof v);
}

static void nl_end(struct nlbuf *nb)
{
    if (nb->oom)
        return;
    uint32_t len = (uint32_t)(nb->len - nb->msg);
    memcpy(nb->b + nb->msg, &len, sizeof len);
}

/* lo, as rtnl_fill_ifinfo describes it (the attributes programs read). */
static void put_link(struct nlbuf *nb, const struct linux_nlmsghdr *req, uint32_t portid, uint16_t flags)
{
    struct linux_ifinfomsg ifi = {0, 0, LINUX_ARPHRD_LOOPBACK, LO_INDEX,
                                  LINUX_IFF_UP | LINUX_IFF_LOOPBACK | LINUX_IFF_RUNNING | LINUX_IFF_LOWER_UP, 0};
    nl_begin(nb, LINUX_RTM_NEWLINK, flags, req, portid, &ifi, sizeof ifi);
    nl_attr(nb, LINUX_IFLA_IFNAME, "lo", 3);
    nl_u32(nb, LINUX_IFLA_TXQLEN, LO_TXQLEN);
    nl_attr(nb, LINUX_IFLA_OPERSTATE, &(uint8_t){0}, 1); /* IF_OPER_UNKNOWN, as lo says */
    nl_u32(nb, LINUX_IFLA_MTU, LO_MTU);
    static const uint8_t mac[6];
    nl_attr(nb, LINUX_IFLA_ADDRESS, mac, sizeof mac);
    nl_attr(nb, LINUX_IFLA_BROADCAST, mac, sizeof mac);
    static const uint32_t stats[24]; /* struct rtnl_link_stats: nothing counted */
    nl_attr(nb, LINUX_IFLA_STATS, stats, sizeof stats);
    nl_end(nb);
}

static void put_addrs(struct nlbuf *nb, const struct linux_nlmsghdr *req, uint32_t portid, int family)
{
    static const uint32_t cache[4] = {0xffffffffu, 0xffffffffu, 0, 0}; /* forever */
    if (family == LINUX_AF_UNSPEC || family == LINUX_AF_INET) {
        struct linux_ifaddrmsg ifa = {LINUX_AF_INET, 8, LINUX_IFA_F_PERMANENT, LINUX_RT_SCOPE_HOST, LO_INDEX};
        static const uint8_t lo4[4] = {127, 0, 0, 1};
        nl_begin(nb, LINUX_RTM_NEWADDR, LINUX_NLM_F_MULTI, req, portid, &ifa, sizeof ifa);
        nl_attr(nb, LINUX_IFA_ADDRESS, lo4, 4);
        nl_attr(nb, LINUX_IFA_LOCAL, lo4, 4);
        nl_attr(nb, LINUX_IFA_LABEL, "lo", 3);
        nl_u32(nb, LINUX_IFA_FLAGS, LINUX_IFA_F_PERMANENT);
        nl_attr(nb, LINUX_IFA_CACHEINFO, cache, sizeof cache);
        nl_end(nb);
    }
    if (family == LINUX_AF_UNSPEC || family == LINUX_AF_INET6) {
        struct linux_ifaddrmsg ifa = {LINUX_AF_INET6, 128, LINUX_IFA_F_PERMANENT, LINUX_RT_SCOPE_HOST, LO_INDEX};
        static const uint8_t lo6[16] = {[15] = 1};
        nl_begin(nb, LINUX_RTM_NEWADDR, LINUX_NLM_F_MULTI, req, portid, &ifa, sizeof ifa);
        nl_attr(nb, LINUX_IFA_ADDRESS, lo6, 16);
        nl_attr(nb, LINUX_IFA_CACHEINFO, cache, sizeof cache);
        nl_u32(nb, LINUX_IFA_FLAGS, LINUX_IFA_F_PERMANENT);
        nl_end(nb);
    }
}

/* NLMSG_ERROR: err (0 for an acknowledgement) and the request (only
 * its header when acknowledging). */
static void put_error(struct nlbuf *nb, const struct linux_nlmsghdr *req, uint32_t portid, int err)
{
    size_t n = err ? req->len : sizeof *req;
    uint8_t *body = malloc(sizeof(int32_t) + n);
    if (!body) {
        nb->oom = true;
        return;
    }
    memcpy(body, &err, sizeof(int32_t));
    memcpy(body + sizeof(int32_t), req, n);
    nl_begin(nb, LINUX_NLMSG_ERROR, err ? 0 : 0x100 /* NLM_F_CAPPED */, req, portid, body,
             sizeof(int32_t) + n);
    nl_end(nb);
    free(body);
}

/* Is the non-dump RTM_GETLINK req about lo (by index or name)? */
static bool asks_lo(const struct linux_nlmsghdr *req)
{
    if (req->len < sizeof *req + sizeof(struct linux_ifinfomsg))
        return false;
    struct linux_ifinfomsg ifi;
    memcpy(&ifi, (const uint8_t *)req + sizeof *req, sizeof ifi);
    if (ifi.index)
        return ifi.index == LO_INDEX;
    for (size_t off = sizeof *req + sizeof ifi; off + sizeof(struct linux_rtattr) <= req->len;) {
        struct linux_rtattr a;
        memcpy(&a, (const uint8_t *)req + off, sizeof a);
        if (a.len < sizeof a || off + a.len > req->len)
            break;
        if (a.type == LINUX_IFLA_IFNAME)
            return a.len - sizeof a >= 2 && !memcmp((const uint8_t *)req + off + sizeof a, "lo", 2) &&
                   (a.len - sizeof a == 2 || ((const uint8_t *)req)[off + sizeof a + 2] == 0);
        off += LINUX_NLMSG_ALIGN(a.len);
    }
    return false;
}

/* The answer to one request: a dump ends with NLMSG_DONE; others get
 * their reply and, when asked (NLM_F_ACK) or failing, NLMSG_ERROR. */
static void answer(struct nlbuf *nb, const struct linux_nlmsghdr *req, uint32_t portid)
{
    int err = 0;
    uint8_t family = req->len > sizeof *req ? ((const uint8_t *)req)[sizeof *req] : 0;
    bool dump = (req->flags & LINUX_NLM_F_DUMP) == LINUX_NLM_F_DUMP;
    if (!(req->flags & LINUX_NLM_F_REQUEST) || req->type < NLMSG_MIN_TYPE) {
        err = 0;
    } else if (req->type % 4 != 2) {
        err = -LINUX_EPERM; /* RTM_NEW*, RTM_DEL*, RTM_SET*: the network is not the guest's to change */
    } else if (dump) {
        if (req->type == LINUX_RTM_GETLINK)
            put_link(nb, req, portid, LINUX_NLM_F_MULTI);
        else if (req->type == LINUX_RTM_GETADDR)
            put_addrs(nb, req, portid, family);
        int32_t done = 0;
        nl_begin(nb, LINUX_NLMSG_DONE, LINUX_NLM_F_MULTI, req, portid, &done, sizeof done);
        nl_end(nb);
        return;
    } else if (req->type == LINUX_RTM_GETLINK) {
        if (asks_lo(req))
            put_link(nb, req, portid, 0);
        else
            err = -LINUX_ENODEV;
    } else {
        err = -LINUX_EOPNOTSUPP;
    }
    if (err || (req->flags & LINUX_NLM_F_ACK))
        put_error(nb, req, portid, err);
}

static long netlink_send(struct sys *s, struct sock *sk, struct sk_io *io)
{
    if (io->to) {
        struct linux_sockaddr_nl nl;
        long err = nl_addr(io->to, &nl);
        if (err)
            return err;
        if (nl.pid || nl.groups)
            return nl.pid ? -LINUX_ECONNREFUSED : -LINUX_EPERM;
    }
    if (io->len > (size_t)sk->opt.sndbuf - 32)
        return -LINUX_EMSGSIZE;
    if (!sk->bound)
        autobind(sk, s->p);
    uint8_t *req = malloc(io->len ? io->len : 1);
    if (!req)
        return -LINUX_ENOMEM;
    if (sk_iov_in(s, io, 0, req, io->len) < 0) {
        free(req);
        return -LINUX_EFAULT;
    }
    struct nlbuf nb = {0};
    for (size_t off = 0; off + sizeof(struct linux_nlmsghdr) <= io->len;) {
        struct linux_nlmsghdr h;
        memcpy(&h, req + off, sizeof h);
        if (h.len < sizeof h || h.len > io->len - off)
            break;
        answer(&nb, (const struct linux_nlmsghdr *)(req + off), sk->nl_portid);
        off += LINUX_NLMSG_ALIGN(h.len);
    }
    free(req);
    long r = nb.oom ? -LINUX_ENOBUFS : (long)io->len;
    if (!nb.oom && nb.len) {
        struct sk_msg *m = sk_msg_new(nb.b, nb.len);
        if (m) {
            m->from = sk->remote;
            sk_deliver(sk, m);
        } else {
            r = -LINUX_ENOBUFS;
        }
    }
    free(nb.b);
    return r;
}

static long netlink_recv(struct sys *s, struct sock *sk, struct sk_io *io)
{
    return sk_dgram_recv(s, sk, io);
}

static short netlink_poll(struct sock *sk)
{
    short m = LINUX_POLLOUT;
    if (sk->rx.head)
        m |= LINUX_POLLIN;
    if (sk->shutdown & SK_RCV_SHUT)
        m |= LINUX_POLLIN | LINUX_POLLRDHUP;
    if (sk->shutdown == SK_SHUT_MASK)
        m |= LINUX_POLLHUP;
    return m;
}

const struct sock_family netlink_family = {
    .create = netlink_create,
    .bind = netlink_bind,
    .connect = netlink_connect,
    .send = netlink_send,
    .recv = netlink_recv,
    .poll = netlink_poll,
};

/* --- the interface ioctls ------------------------------------------------------------ */

static void put_sin(struct linux_ifreq *r, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct linux_sockaddr_in in = {LINUX_AF_INET, 0, {a, b, c, d}, {0}};
    memcpy(r->u.addr, &in, sizeof in);
}

static long ifconf(struct sys *s, uaddr_t arg)
{
    struct linux_ifconf ic;
    if (copy_in(s, &ic, arg, sizeof ic) < 0)
        return -LINUX_EFAULT;
    int32_t len = 0;
    if (ic.buf && ic.len >= (int32_t)sizeof(struct linux_ifreq)) {
        struct linux_ifreq r = {"lo", {{0}}};
        put_sin(&r, 127, 0, 0, 1);
        if (copy_out(s, ic.buf, &r, sizeof r) < 0)
            return -LINUX_EFAULT;
        len = sizeof r;
    } else if (!ic.buf) {
        len = sizeof(struct linux_ifreq);
    }
    return copy_out(s, arg, &len, sizeof len) < 0 ? -LINUX_EFAULT : 0;
}

long netdev_ioctl(struct sys *s, unsigned int cmd, uaddr_t arg)
{
    if (cmd == LINUX_SIOCGIFCONF)
        return ifconf(s, arg);
    if ((cmd & 0xff00) != 0x8900)
        return -LINUX_ENOTTY;
    struct linux_ifreq r;
    if (copy_in(s, &r, arg, sizeof r) < 0)
        return -LINUX_EFAULT;
    if (cmd == LINUX_SIOCGIFNAME) {
        if (r.u.ival != LO_INDEX)
            return -LINUX_ENODEV;
        memset(r.name, 0, sizeof r.name);
        memcpy(r.name, "lo", 2);
    } else if (strncmp(r.name, "lo", sizeof r.name) != 0) {
        return -LINUX_ENODEV;
    }
    switch (cmd) {
    case LINUX_SIOCGIFNAME: break;
    case LINUX_SIOCGIFFLAGS: r.u.ival = LINUX_IFF_UP | LINUX_IFF_LOOPBACK | LINUX_IFF_RUNNING; break;
    case LINUX_SIOCGIFINDEX: r.u.ival = LO_INDEX; break;
    case LINUX_SIOCGIFMTU: r.u.ival = LO_MTU; break;
    case LINUX_SIOCGIFTXQLEN: r.u.ival = LO_TXQLEN; break;
    case LINUX_SIOCGIFMETRIC: r.u.ival = 0; break;
    case LINUX_SIOCGIFADDR: put_sin(&r, 127, 0, 0, 1); break;
    case LINUX_SIOCGIFNETMASK: put_sin(&r, 255, 0, 0, 0); break;
    case LINUX_SIOCGIFBRDADDR: put_sin(&r, 0, 0, 0, 0); break;
    case LINUX_SIOCGIFHWADDR:
        memset(r.u.addr, 0, sizeof r.u.addr);
        r.u.addr[0] = (uint8_t)(LINUX_ARPHRD_LOOPBACK & 0xff);
        r.u.addr[1] = (uint8_t)(LINUX_ARPHRD_LOOPBACK >> 8);
        break;
    default:
        return -LINUX_ENOTTY;
    }
    return copy_out(s, arg, &r, sizeof r) < 0 ? -LINUX_EFAULT : 0;
}
