/*
 * sock.h - guest sockets, kept in the emulator: one struct sock per
 * socket (a FILE_OPS file's state), the machine's network (struct net:
 * every socket, the names bound, the ports taken), receive queues of
 * messages, and what the families share.
 *
 *   socket.c    the system calls: arguments, msghdr, control messages
 *   sock.c      sockets' lives, the network, the file operations
 *   sockio.c    transfers: byte streams, records and datagrams
 *   sockopt.c   setsockopt and getsockopt
 *   unix.c      AF_UNIX: path and abstract names, socketpair
 *   inet.c      AF_INET and AF_INET6 on the loopback addresses
 *   netlink.c   AF_NETLINK (NETLINK_ROUTE): lo and its addresses;
 *               and the interface ioctls
 *
 * Locking is not a question: every guest task runs on the one host
 * thread.  A call that must wait blocks its task and is retried when
 * something changes (sys_wait_and_retry); every change wakes the waiters
 * (sock_changed).
 */
#ifndef FAULTLINE_SYS_SOCK_H
#define FAULTLINE_SYS_SOCK_H

#include "emu/abi/net.h"
#include "emu/sys/fd.h"

/* Memory a message costs its sender beyond its bytes (the kernel's
 * sk_buff), so that many small writes fill a buffer too. */
#define SK_MSG_OVERHEAD 512
/* The kernel's defaults (net.core.wmem_default and friends, tcp_wmem[1],
 * tcp_rmem[1], net.unix.max_dgram_qlen, somaxconn). */
#define SK_BUF_DEFAULT 212992
#define SK_BUF_MAX 212992
#define SK_TCP_SNDBUF 16384
#define SK_TCP_RCVBUF 131072
#define SK_MIN_SNDBUF 4608
#define SK_MIN_RCVBUF 2304
#define SK_DGRAM_QLEN 10
#define SK_SOMAXCONN 4096
#define SK_UDP_MAX 65507
/* Ephemeral ports (net.ipv4.ip_local_port_range). */
#define SK_PORT_FIRST 32768
#define SK_PORT_LAST 60999

/* An address as the guest passes and gets it: a struct sockaddr of len
 * bytes. */
struct sk_addr {
    uint32_t len;
    uint8_t b[LINUX_SOCKADDR_MAX];
};

struct sock;

/* A message in a receive queue: a datagram, a record, or a piece of a
 * byte stream. */
struct sk_msg {
    struct sk_msg *next;
    size_t len, off;           /* its bytes; off: read so far (streams) */
    size_t mem;                /* what it costs owner */
    struct sock *owner;        /* the sender it is charged to (a reference), or NULL */
    struct sk_addr from;       /* the sender's address (len 0: none) */
    struct file **fds;         /* SCM_RIGHTS in flight (references) */
    int nfds;
    bool cred_set;             /* SCM_CREDENTIALS */
    struct linux_ucred cred;
    uint8_t data[];
};

struct sk_queue {
    struct sk_msg *head, *tail;
    size_t count;              /* messages */
    size_t bytes;              /* unread bytes */
    size_t mem;                /* bytes and overheads */
};

/* The kernel's TCP states, as far as they show. */
enum sk_state { SK_CLOSED, SK_LISTEN, SK_CONNECTED };
/* sk_shutdown, as the kernel keeps it. */
#define SK_RCV_SHUT 1
#define SK_SEND_SHUT 2
#define SK_SHUT_MASK 3

/* An internet endpoint: the address as IPv6 (IPv4 mapped, ::ffff:a.b.c.d)
 * and the port in host order. */
struct inet_ep {
    uint8_t addr[16];
    uint16_t port;
};

/* Which sockets an option is for. */
#define SKO_ALL 0xf
#define SKO_UNIX 0x1
#define SKO_TCP 0x2
#define SKO_UDP 0x4
#define SKO_INET (SKO_TCP | SKO_UDP)
#define SKO_NETLINK 0x8

/* The plain integer options, each a field of struct sock_opts:
 * X(level, name, field, for, default, boolean).  setsockopt stores
 * them (a boolean as 0 or 1), getsockopt reports them; the families look
 * at the few that change what they do. */
#define SOCK_INT_OPTS(X)                                                          \
    X(LINUX_SOL_SOCKET, LINUX_SO_DEBUG, debug, SKO_ALL, 0, 1)                     \
    X(LINUX_SOL_SOCKET, LINUX_SO_REUSEADDR, reuseaddr, SKO_ALL, 0, 1)             \
    X(LINUX_SOL_SOCKET, LINUX_SO_DONTROUTE, dontroute, SKO_ALL, 0, 1)             \
    X(LINUX_SOL_SOCKET, LINUX_SO_BROADCAST, broadcast, SKO_ALL, 0, 1)             \
    X(LINUX_SOL_SOCKET, LINUX_SO_KEEPALIVE, keepalive, SKO_ALL, 0, 1)             \
    X(LINUX_SOL_SOCKET, LINUX_SO_OOBINLINE, oobinline, SKO_ALL, 0, 1)             \
    X(LINUX_SOL_SOCKET, LINUX_SO_NO_CHECK, nocheck, SKO_ALL, 0, 1)                \
    X(LINUX_SOL_SOCKET, LINUX_SO_PRIORITY, priority, SKO_ALL, 0, 0)               \
    X(LINUX_SOL_SOCKET, LINUX_SO_REUSEPORT, reuseport, SKO_ALL, 0, 1)             \
    X(LINUX_SOL_SOCKET, LINUX_SO_PASSCRED, passcred, SKO_ALL, 0, 1)               \
    X(LINUX_SOL_SOCKET, LINUX_SO_TIMESTAMP, timestamp, SKO_ALL, 0, 1)             \
    X(LINUX_SOL_SOCKET, LINUX_SO_MARK, mark, SKO_ALL, 0, 0)                       \
    X(LINUX_SOL_SOCKET, LINUX_SO_RXQ_OVFL, rxq_ovfl, SKO_ALL, 0, 1)               \
    X(LINUX_SOL_SOCKET, LINUX_SO_PASSSEC, passsec, SKO_ALL, 0, 1)                 \
    X(LINUX_SOL_SOCKET, LINUX_SO_BUSY_POLL, busy_poll, SKO_ALL, 0, 0)             \
    X(LINUX_IPPROTO_TCP, LINUX_TCP_NODELAY, nodelay, SKO_TCP, 0, 1)               \
    X(LINUX_IPPROTO_TCP, LINUX_TCP_MAXSEG, maxseg, SKO_TCP, 536, 0)               \
    X(LINUX_IPPROTO_TCP, LINUX_TCP_CORK, cork, SKO_TCP, 0, 1)                     \
    X(LINUX_IPPROTO_TCP, LINUX_TCP_KEEPIDLE, keepidle, SKO_TCP, 7200, 0)          \
    X(LINUX_IPPROTO_TCP, LINUX_TCP_KEEPINTVL, keepintvl, SKO_TCP, 75, 0)          \
    X(LINUX_IPPROTO_TCP, LINUX_TCP_KEEPCNT, keepcnt, SKO_TCP, 9, 0)               \
    X(LINUX_IPPROTO_TCP, LINUX_TCP_SYNCNT, syncnt, SKO_TCP, 6, 0)                 \
    X(LINUX_IPPROTO_TCP, LINUX_TCP_LINGER2, linger2, SKO_TCP, 60, 0)              \
    X(LINUX_IPPROTO_TCP, LINUX_TCP_DEFER_ACCEPT, defer_accept, SKO_TCP, 0, 0)     \
    X(LINUX_IPPROTO_TCP, LINUX_TCP_WINDOW_CLAMP, window_clamp, SKO_TCP, 0, 0)     \
    X(LINUX_IPPROTO_TCP, LINUX_TCP_QUICKACK, quickack, SKO_TCP, 1, 1)             \
    X(LINUX_IPPROTO_TCP, LINUX_TCP_USER_TIMEOUT, user_timeout, SKO_TCP, 0, 0)     \
    X(LINUX_IPPROTO_TCP, LINUX_TCP_FASTOPEN, fastopen, SKO_TCP, 0, 0)             \
    X(LINUX_IPPROTO_TCP, LINUX_TCP_NOTSENT_LOWAT, notsent_lowat, SKO_TCP, 0, 0)   \
    X(LINUX_IPPROTO_IP, LINUX_IP_TOS, ip_tos, SKO_INET, 0, 0)                     \
    X(LINUX_IPPROTO_IP, LINUX_IP_TTL, ip_ttl, SKO_INET, 64, 0)                    \
    X(LINUX_IPPROTO_IP, LINUX_IP_PKTINFO, ip_pktinfo, SKO_INET, 0, 1)             \
    X(LINUX_IPPROTO_IP, LINUX_IP_MTU_DISCOVER, ip_pmtudisc, SKO_INET, 1, 0)       \
    X(LINUX_IPPROTO_IP, LINUX_IP_RECVERR, ip_recverr, SKO_INET, 0, 1)             \
    X(LINUX_IPPROTO_IP, LINUX_IP_RECVTTL, ip_recvttl, SKO_INET, 0, 1)             \
    X(LINUX_IPPROTO_IP, LINUX_IP_RECVTOS, ip_recvtos, SKO_INET, 0, 1)             \
    X(LINUX_IPPROTO_IP, LINUX_IP_FREEBIND, ip_freebind, SKO_INET, 0, 1)           \
    X(LINUX_IPPROTO_IP, LINUX_IP_MULTICAST_TTL, ip_mcast_ttl, SKO_INET, 1, 0)     \
    X(LINUX_IPPROTO_IP, LINUX_IP_MULTICAST_LOOP, ip_mcast_loop, SKO_INET, 1, 1)   \
    X(LINUX_IPPROTO_IP, LINUX_IP_BIND_ADDRESS_NO_PORT, ip_no_port, SKO_INET, 0, 1) \
    X(LINUX_IPPROTO_IPV6, LINUX_IPV6_V6ONLY, v6only, SKO_INET, 0, 1)              \
    X(LINUX_IPPROTO_IPV6, LINUX_IPV6_UNICAST_HOPS, v6_hops, SKO_INET, 64, 0)      \
    X(LINUX_IPPROTO_IPV6, LINUX_IPV6_MULTICAST_HOPS, v6_mcast_hops, SKO_INET, 1, 0) \
    X(LINUX_IPPROTO_IPV6, LINUX_IPV6_MULTICAST_LOOP, v6_mcast_loop, SKO_INET, 1, 1) \
    X(LINUX_IPPROTO_IPV6, LINUX_IPV6_MTU_DISCOVER, v6_pmtudisc, SKO_INET, 1, 0)   \
    X(LINUX_IPPROTO_IPV6, LINUX_IPV6_RECVERR, v6_recverr, SKO_INET, 0, 1)         \
    X(LINUX_IPPROTO_IPV6, LINUX_IPV6_RECVPKTINFO, v6_recvpktinfo, SKO_INET, 0, 1) \
    X(LINUX_IPPROTO_IPV6, LINUX_IPV6_TCLASS, v6_tclass, SKO_INET, 0, 0)           \
    X(LINUX_SOL_NETLINK, LINUX_NETLINK_PKTINFO, nl_pktinfo, SKO_NETLINK, 0, 1)    \
    X(LINUX_SOL_NETLINK, LINUX_NETLINK_BROADCAST_ERROR, nl_bcerr, SKO_NETLINK, 0, 1) \
    X(LINUX_SOL_NETLINK, LINUX_NETLINK_NO_ENOBUFS, nl_noenobufs, SKO_NETLINK, 0, 1) \
    X(LINUX_SOL_NETLINK, LINUX_NETLINK_LISTEN_ALL_NSID, nl_allnsid, SKO_NETLINK, 0, 1) \
    X(LINUX_SOL_NETLINK, LINUX_NETLINK_CAP_ACK, nl_cap_ack, SKO_NETLINK, 0, 1)    \
    X(LINUX_SOL_NETLINK, LINUX_NETLINK_EXT_ACK, nl_ext_ack, SKO_NETLINK, 0, 1)    \
    X(LINUX_SOL_NETLINK, LINUX_NETLINK_GET_STRICT_CHK, nl_strict, SKO_NETLINK, 0, 1)

/* The options setsockopt keeps and getsockopt reports (sockopt.c). */
struct sock_opts {
#define SOCK_OPT_FIELD(level, name, field, fams, dflt, isbool) int field;
    SOCK_INT_OPTS(SOCK_OPT_FIELD)
#undef SOCK_OPT_FIELD
    int sndbuf, rcvbuf, rcvlowat;
    struct linux_linger linger;
    uint64_t rcvtimeo, sndtimeo; /* ns; 0: none */
    char bindtodevice[LINUX_IFNAMSIZ];
};

struct sock {
    int refs;                  /* its file, peers pointing here, a listener's backlog */
    struct net *net;
    struct sock *next;         /* in net's list of every socket */
    const struct sock_family *fam;
    int family, type, protocol;
    uint64_t ino;              /* socket:[ino] */
    enum sk_state state;
    int shutdown;              /* SK_*_SHUT */
    int err;                   /* the pending SO_ERROR (a positive errno) */
    bool dead;                 /* its last file went */
    bool bound;
    bool bind_explicit;        /* bound by bind(), not by a first use */
    bool connect_pending;      /* TCP: a non-blocking connect said EINPROGRESS */
    bool peer_gone;            /* TCP: the peer closed; a write is answered by a reset */
    bool fin;                  /* TCP: the peer's FIN came: a read at the end is 0 before an error */
    struct sock *peer;         /* connected to (a reference) */
    struct sk_addr local, remote;
    struct sk_queue rx;
    size_t wmem;               /* what it sent that still waits in a receive queue */
    struct sock **backlog;     /* listening: connections not yet accepted (references) */
    int nbacklog, cap_backlog, max_backlog;
    struct sock *listener;     /* not yet accepted: in whose backlog */
    struct linux_ucred cred;   /* whose it is (at socket, connect or listen) */
    struct linux_ucred peercred; /* SO_PEERCRED; pid 0 when unconnected */
    bool peercred_set;
    struct sock_opts opt;
    uint64_t gen;              /* bumped by every change: EPOLLET's edge */
    /* AF_UNIX: the socket file a path name made (dev, ino), or an abstract name */
    uint64_t un_dev, un_ino;
    bool un_path;
    /* AF_INET, AF_INET6: the parsed local and remote endpoints */
    struct inet_ep in_local, in_remote;
    int hostfd;                /* --net host: the host socket behind it, or -1 */
    /* AF_NETLINK: the port id and groups */
    uint32_t nl_portid, nl_groups;
};

/* A closed TCP connection's local end in TIME_WAIT: its port stays taken
 * (for a bind without SO_REUSEADDR) until then, on the guest's clock. */
struct inet_tw {
    struct inet_ep ep;
    uint64_t until;
};

/* The machine's network: every socket, for names and ports. */
struct net {
    struct emu *emu;
    struct sock *socks;
    struct inet_tw *tw;        /* TIME_WAIT ends */
    size_t ntw, captw;
    uint32_t next_port;        /* the next ephemeral port to try */
    uint32_t next_autobind;    /* AF_UNIX autobind names */
    int32_t nl_rover;          /* netlink port ids after the first */
};

/* One transfer: the guest's buffers and what goes with them. */
struct sk_io {
    const uint8_t *kbuf;       /* sendfile: the bytes are here, not in the guest */
    struct linux_iovec *iov;   /* host copy of the guest's vector */
    int iovlen;
    size_t len;                /* the vector's total */
    int flags;                 /* MSG_* */
    bool nonblock;             /* O_NONBLOCK or MSG_DONTWAIT */
    bool nosignal;             /* no SIGPIPE (MSG_NOSIGNAL) */
    /* sendmsg */
    const struct sk_addr *to;  /* NULL: the connected peer */
    struct file **fds;         /* SCM_RIGHTS to send (references, given away on success) */
    int nfds;
    bool cred_set;
    struct linux_ucred cred;
    /* recvmsg */
    struct sk_addr from;
    int msg_flags;
    struct file **rfds;        /* descriptors received (references) */
    int rnfds;
    bool rcred_set;
    struct linux_ucred rcred;
};

/* sock.c: the file operations of every socket. */
extern const struct file_ops sock_file_ops;
/* The network of emu, made at its first socket (NULL: out of memory). */
struct net *net_of(struct emu *emu);
/* The socket behind guest descriptor fd: NULL with *err -EBADF or
 * -ENOTSOCK. */
struct sock *sock_of_fd(struct sys *s, int fd, struct file **fp, long *err);
/* A new socket (one reference: the caller's), family set. */
struct sock *sock_new(struct net *net, int family, int type, int protocol, struct proc *p);
struct sock *sock_get(struct sock *sk);
void sock_put(struct sock *sk);
/* A socket that has no file goes as if its last file closed. */
void sock_discard(struct sock *sk);
/* A file for sk (its reference given to the file), at a new descriptor;
 * the descriptor or -errno (sk put). */
int sock_install(struct sys *s, struct sock *sk, int flags);
/* Something about sk changed: its epoll edge, and every waiter wakes. */
void sock_changed(struct sock *sk);
/* The pending error (SO_ERROR) as -errno, now cleared; 0 for none. */
long sock_error(struct sock *sk);
/* The caller's credentials. */
struct linux_ucred sock_cred(struct proc *p);
/* Block the call until a change, or until the socket's timeout (ns, 0:
 * none) passes: 0 when blocked, -EAGAIN when the time is up. */
long sock_wait(struct sys *s, uint64_t timeo);
/* Connect sk to a new socket queued on listener (its backlog); the new
 * socket, or NULL when out of memory. */
struct sock *sock_connect_to(struct sock *sk, struct sock *listener, struct proc *p);
/* Pair a and b (references both ways), both connected. */
void sock_pair(struct sock *a, struct sock *b);
/* sk leaves its peer (and the peer's pointer back); what the peer sees
 * is the caller's to set first. */
void sock_unpair(struct sock *sk);
/* The accept of listener sk: a connected socket (the reference is the
 * caller's), or NULL with *err. */
struct sock *sock_accept_one(struct sys *s, struct sock *sk, bool nonblock, long *err);

/* sockio.c: queues and transfers. */
void skq_purge(struct sk_queue *q);
/* A message of len bytes of io (from offset off), charged to owner
 * (NULL: nobody); NULL when out of memory or the guest's buffer faults
 * (*err says which). */
struct sk_msg *sk_msg_from_io(struct sys *s, struct sk_io *io, size_t off, size_t len,
                              struct sock *owner, long *err);
/* A message of len bytes from the emulator itself (charged to nobody). */
struct sk_msg *sk_msg_new(const void *data, size_t len);
/* The descriptors io passes go with m. */
void sk_msg_take_fds(struct sk_msg *m, struct sk_io *io);
/* Append m to to's queue; to's waiters wake. */
void sk_deliver(struct sock *to, struct sk_msg *m);
/* Send io on a connected stream socket: bytes sent, -errno, or 0 blocked. */
long sk_stream_send(struct sys *s, struct sock *sk, struct sk_io *io);
/* Receive from a stream socket's queue: bytes, 0 at EOF, -errno, or 0
 * blocked (s->no_return). */
long sk_stream_recv(struct sys *s, struct sock *sk, struct sk_io *io);
/* Receive one datagram or record: bytes (or its size with MSG_TRUNC),
 * -errno, or 0 blocked. */
long sk_dgram_recv(struct sys *s, struct sock *sk, struct sk_io *io);
/* Copy len bytes between host memory and the vector at offset off. */
long sk_iov_in(struct sys *s, const struct sk_io *io, size_t off, void *dst, size_t len);
long sk_iov_out(struct sys *s, const struct sk_io *io, size_t off, const void *src, size_t len);
/* EPIPE on a send: SIGPIPE too, unless MSG_NOSIGNAL. */
long sk_epipe(struct sys *s, const struct sk_io *io);

/* A vector's running total, cut at MAX_RW_COUNT as Linux cuts it. */
static inline size_t sk_len_add(size_t total, uint64_t len)
{
    return len > LINUX_MAX_RW_COUNT - total ? LINUX_MAX_RW_COUNT : total + len;
}

/* sock.c: send len bytes of host memory on the socket file f (as
 * sendfile does): bytes sent, -errno, or 0 with the call blocked. */
long sock_send_kernel(struct sys *s, struct file *f, const void *buf, size_t len, bool nonblock);

/* sockopt.c */
void sockopt_defaults(struct sock *sk);
long sockopt_set(struct sys *s, struct sock *sk, int level, int name, uaddr_t val, int len);
long sockopt_get(struct sys *s, struct sock *sk, int level, int name, uaddr_t val, uaddr_t lenp);

/* A family: what differs between AF_UNIX, AF_INET(6) and AF_NETLINK.
 * Each operation takes a socket of its own family; NULL ones are
 * EOPNOTSUPP.  Transfers return bytes, -errno, or 0 with the call set to
 * block and be retried (s->no_return). */
struct sock_family {
    /* Check type and protocol, set the defaults: 0 or -errno. */
    long (*create)(struct sock *sk, int type, int protocol);
    long (*bind)(struct sys *s, struct sock *sk, const struct sk_addr *a);
    long (*connect)(struct sys *s, struct sock *sk, const struct sk_addr *a, bool nonblock);
    long (*listen)(struct sys *s, struct sock *sk, int backlog);
    long (*send)(struct sys *s, struct sock *sk, struct sk_io *io);
    long (*recv)(struct sys *s, struct sock *sk, struct sk_io *io);
    /* The LINUX_POLL* events it is ready for. */
    short (*poll)(struct sock *sk);
    /* how: LINUX_SHUT_*, checked. */
    long (*shutdown)(struct sock *sk, int how);
    /* Its last file went: what its peer and its names see. */
    void (*close)(struct sock *sk);
};

extern const struct sock_family unix_family, inet_family, netlink_family;

/* hostnet.c: --net host, for AF_INET and AF_INET6 sockets. */
bool hostnet_on(const struct sock *sk);
/* A TCP connection to dst on the host's loopback (sk->hostfd made), or
 * its outcome when retried or asked again. */
long hostnet_connect(struct sys *s, struct sock *sk, const struct inet_ep *dst, bool nonblock);
long hostnet_sendto(struct sys *s, struct sock *sk, struct sk_io *io, const struct inet_ep *dst);
long hostnet_send(struct sys *s, struct sock *sk, struct sk_io *io);
long hostnet_recv(struct sys *s, struct sock *sk, struct sk_io *io);
/* Wait for events on sk's host socket: 1 ready now, 0 blocked, -EAGAIN
 * when the timeout (ns, 0: none) passed. */
long hostnet_wait(struct sys *s, struct sock *sk, short events, uint64_t timeo);
short hostnet_poll(struct sock *sk);
long hostnet_shutdown(struct sock *sk, int how);
long hostnet_inq(struct sock *sk);
/* The host socket's pending error (a positive errno, cleared). */
int hostnet_error(struct sock *sk);

/* unix.c: socketpair's two connected sockets (fds[2] installed). */
long unix_socketpair(struct sys *s, int type, int protocol, int flags, int32_t fds[2]);
/* inet.c: the guest's address of endpoint ep, in sk's family's sockaddr. */
void inet_addr_of(const struct sock *sk, const struct inet_ep *ep, struct sk_addr *out);

/* The interface ioctls (SIOCGIF*) of any socket: lo is all there is;
 * -ENOTTY for other commands. */
long netdev_ioctl(struct sys *s, unsigned int cmd, uaddr_t arg);

#endif
