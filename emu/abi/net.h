/*
 * net.h - the x86-64 Linux socket ABI as the guest sees it: address
 * families, socket types, message flags, socket options, the layouts of
 * sockaddr, msghdr and cmsghdr, and the rtnetlink messages and interface
 * ioctls that describe the one interface (lo).  Kept apart from linux.h:
 * only the socket calls need it.
 */
#ifndef FAULTLINE_ABI_NET_H
#define FAULTLINE_ABI_NET_H

#include <stdint.h>

/* --- errnos of the network calls ----------------------------------------------- */

#define LINUX_ENOTSOCK 88
#define LINUX_EDESTADDRREQ 89
#define LINUX_EMSGSIZE 90
#define LINUX_EPROTOTYPE 91
#define LINUX_ENOPROTOOPT 92
#define LINUX_EPROTONOSUPPORT 93
#define LINUX_ESOCKTNOSUPPORT 94
#define LINUX_EAFNOSUPPORT 97
#define LINUX_EADDRINUSE 98
#define LINUX_EADDRNOTAVAIL 99
#define LINUX_ENETUNREACH 101
#define LINUX_ECONNABORTED 103
#define LINUX_ECONNRESET 104
#define LINUX_ENOBUFS 105
#define LINUX_EISCONN 106
#define LINUX_ENOTCONN 107
#define LINUX_ECONNREFUSED 111
#define LINUX_EHOSTUNREACH 113
#define LINUX_EALREADY 114
#define LINUX_EINPROGRESS 115

/* --- families, types, protocols ------------------------------------------------ */

#define LINUX_AF_UNSPEC 0
#define LINUX_AF_UNIX 1
#define LINUX_AF_INET 2
#define LINUX_AF_INET6 10
#define LINUX_AF_NETLINK 16
#define LINUX_AF_PACKET 17
#define LINUX_AF_MAX 46

#define LINUX_SOCK_STREAM 1
#define LINUX_SOCK_DGRAM 2
#define LINUX_SOCK_RAW 3
#define LINUX_SOCK_SEQPACKET 5
#define LINUX_SOCK_TYPE_MASK 0xf
#define LINUX_SOCK_NONBLOCK 04000
#define LINUX_SOCK_CLOEXEC 02000000

#define LINUX_IPPROTO_IP 0
#define LINUX_IPPROTO_ICMP 1
#define LINUX_IPPROTO_TCP 6
#define LINUX_IPPROTO_UDP 17
#define LINUX_IPPROTO_IPV6 41
#define LINUX_IPPROTO_ICMPV6 58

#define LINUX_NETLINK_ROUTE 0

#define LINUX_SHUT_RD 0
#define LINUX_SHUT_WR 1
#define LINUX_SHUT_RDWR 2

/* --- message flags ---------------------------------------------------------------- */

#define LINUX_MSG_OOB 0x1
#define LINUX_MSG_PEEK 0x2
#define LINUX_MSG_DONTROUTE 0x4
#define LINUX_MSG_CTRUNC 0x8
#define LINUX_MSG_TRUNC 0x20
#define LINUX_MSG_DONTWAIT 0x40
#define LINUX_MSG_EOR 0x80
#define LINUX_MSG_WAITALL 0x100
#define LINUX_MSG_NOSIGNAL 0x4000
#define LINUX_MSG_MORE 0x8000
#define LINUX_MSG_WAITFORONE 0x10000
#define LINUX_MSG_CMSG_CLOEXEC 0x40000000

/* --- socket options ---------------------------------------------------------------- */

#define LINUX_SOL_SOCKET 1
#define LINUX_SOL_NETLINK 270

#define LINUX_SO_DEBUG 1
#define LINUX_SO_REUSEADDR 2
#define LINUX_SO_TYPE 3
#define LINUX_SO_ERROR 4
#define LINUX_SO_DONTROUTE 5
#define LINUX_SO_BROADCAST 6
#define LINUX_SO_SNDBUF 7
#define LINUX_SO_RCVBUF 8
#define LINUX_SO_KEEPALIVE 9
#define LINUX_SO_OOBINLINE 10
#define LINUX_SO_NO_CHECK 11
#define LINUX_SO_PRIORITY 12
#define LINUX_SO_LINGER 13
#define LINUX_SO_BSDCOMPAT 14
#define LINUX_SO_REUSEPORT 15
#define LINUX_SO_PASSCRED 16
#define LINUX_SO_PEERCRED 17
#define LINUX_SO_RCVLOWAT 18
#define LINUX_SO_SNDLOWAT 19
#define LINUX_SO_RCVTIMEO 20
#define LINUX_SO_SNDTIMEO 21
#define LINUX_SO_BINDTODEVICE 25
#define LINUX_SO_TIMESTAMP 29
#define LINUX_SO_ACCEPTCONN 30
#define LINUX_SO_PEERSEC 31
#define LINUX_SO_SNDBUFFORCE 32
#define LINUX_SO_RCVBUFFORCE 33
#define LINUX_SO_PASSSEC 34
#define LINUX_SO_MARK 36
#define LINUX_SO_PROTOCOL 38
#define LINUX_SO_DOMAIN 39
#define LINUX_SO_RXQ_OVFL 40
#define LINUX_SO_PEEK_OFF 42
#define LINUX_SO_BUSY_POLL 46
#define LINUX_SO_INCOMING_CPU 49
#define LINUX_SO_COOKIE 57
#define LINUX_SO_ZEROCOPY 60

#define LINUX_SCM_RIGHTS 1
#define LINUX_SCM_CREDENTIALS 2
#define LINUX_SCM_MAX_FD 253

#define LINUX_TCP_NODELAY 1
#define LINUX_TCP_MAXSEG 2
#define LINUX_TCP_CORK 3
#define LINUX_TCP_KEEPIDLE 4
#define LINUX_TCP_KEEPINTVL 5
#define LINUX_TCP_KEEPCNT 6
#define LINUX_TCP_SYNCNT 7
#define LINUX_TCP_LINGER2 8
#define LINUX_TCP_DEFER_ACCEPT 9
#define LINUX_TCP_WINDOW_CLAMP 10
#define LINUX_TCP_INFO 11
#define LINUX_TCP_QUICKACK 12
#define LINUX_TCP_CONGESTION 13
#define LINUX_TCP_USER_TIMEOUT 18
#define LINUX_TCP_FASTOPEN 23
#define LINUX_TCP_NOTSENT_LOWAT 25

#define LINUX_IP_TOS 1
#define LINUX_IP_TTL 2
#define LINUX_IP_HDRINCL 3
#define LINUX_IP_PKTINFO 8
#define LINUX_IP_MTU_DISCOVER 10
#define LINUX_IP_RECVERR 11
#define LINUX_IP_RECVTTL 12
#define LINUX_IP_RECVTOS 13
#define LINUX_IP_MTU 14
#define LINUX_IP_FREEBIND 15
#define LINUX_IP_MULTICAST_TTL 33
#define LINUX_IP_MULTICAST_LOOP 34
#define LINUX_IP_BIND_ADDRESS_NO_PORT 24

#define LINUX_IPV6_UNICAST_HOPS 16
#define LINUX_IPV6_MULTICAST_HOPS 18
#define LINUX_IPV6_MULTICAST_LOOP 19
#define LINUX_IPV6_MTU_DISCOVER 23
#define LINUX_IPV6_RECVERR 25
#define LINUX_IPV6_V6ONLY 26
#define LINUX_IPV6_RECVPKTINFO 49
#define LINUX_IPV6_TCLASS 67

#define LINUX_NETLINK_ADD_MEMBERSHIP 1
#define LINUX_NETLINK_DROP_MEMBERSHIP 2
#define LINUX_NETLINK_PKTINFO 3
#define LINUX_NETLINK_BROADCAST_ERROR 4
#define LINUX_NETLINK_NO_ENOBUFS 5
#define LINUX_NETLINK_LISTEN_ALL_NSID 8
#define LINUX_NETLINK_CAP_ACK 10
#define LINUX_NETLINK_EXT_ACK 11
#define LINUX_NETLINK_GET_STRICT_CHK 12

/* --- addresses ------------------------------------------------------------------- */

#define LINUX_UNIX_PATH_MAX 108
#define LINUX_SOCKADDR_MAX 128 /* struct sockaddr_storage */

struct linux_sockaddr_in {
    uint16_t family;
    uint16_t port;       /* network order */
    uint8_t addr[4];
    uint8_t zero[8];
};
_Static_assert(sizeof(struct linux_sockaddr_in) == 16, "sockaddr_in layout");

struct linux_sockaddr_in6 {
    uint16_t family;
    uint16_t port;       /* network order */
    uint32_t flowinfo;
    uint8_t addr[16];
    uint32_t scope_id;
};
_Static_assert(sizeof(struct linux_sockaddr_in6) == 28, "sockaddr_in6 layout");

struct linux_sockaddr_nl {
    uint16_t family, pad;
    uint32_t pid, groups;
};
_Static_assert(sizeof(struct linux_sockaddr_nl) == 12, "sockaddr_nl layout");

/* --- messages ------------------------------------------------------------------------ */

struct linux_msghdr {
    uint64_t name;
    uint32_t namelen, pad0;
    uint64_t iov, iovlen;
    uint64_t control, controllen;
    int32_t flags, pad1;
};
_Static_assert(sizeof(struct linux_msghdr) == 56, "msghdr layout");

struct linux_mmsghdr {
    struct linux_msghdr hdr;
    uint32_t len, pad;
};
_Static_assert(sizeof(struct linux_mmsghdr) == 64, "mmsghdr layout");

struct linux_cmsghdr {
    uint64_t len;
    int32_t level, type;
};
_Static_assert(sizeof(struct linux_cmsghdr) == 16, "cmsghdr layout");
#define LINUX_CMSG_ALIGN(n) (((n) + 7) & ~(uint64_t)7)

struct linux_ucred {
    int32_t pid;
    uint32_t uid, gid;
};

struct linux_linger {
    int32_t onoff, linger;
};

/* --- rtnetlink (the lo interface and its addresses) ----------------------------------- */

struct linux_nlmsghdr {
    uint32_t len;
    uint16_t type, flags;
    uint32_t seq, pid;
};
_Static_assert(sizeof(struct linux_nlmsghdr) == 16, "nlmsghdr layout");
#define LINUX_NLMSG_ALIGN(n) (((n) + 3) & ~(uint32_t)3)

#define LINUX_NLMSG_NOOP 1
#define LINUX_NLMSG_ERROR 2
#define LINUX_NLMSG_DONE 3
#define LINUX_NLM_F_REQUEST 0x1
#define LINUX_NLM_F_MULTI 0x2
#define LINUX_NLM_F_ACK 0x4
#define LINUX_NLM_F_ROOT 0x100
#define LINUX_NLM_F_MATCH 0x200
#define LINUX_NLM_F_DUMP (LINUX_NLM_F_ROOT | LINUX_NLM_F_MATCH)

#define LINUX_RTM_NEWLINK 16
#define LINUX_RTM_GETLINK 18
#define LINUX_RTM_NEWADDR 20
#define LINUX_RTM_GETADDR 22
#define LINUX_RTM_GETROUTE 26

struct linux_ifinfomsg {
    uint8_t family, pad;
    uint16_t type;
    int32_t index;
    uint32_t flags, change;
};
_Static_assert(sizeof(struct linux_ifinfomsg) == 16, "ifinfomsg layout");

struct linux_ifaddrmsg {
    uint8_t family, prefixlen, flags, scope;
    uint32_t index;
};
_Static_assert(sizeof(struct linux_ifaddrmsg) == 8, "ifaddrmsg layout");

struct linux_rtattr {
    uint16_t len, type;
};

#define LINUX_IFLA_ADDRESS 1
#define LINUX_IFLA_BROADCAST 2
#define LINUX_IFLA_IFNAME 3
#define LINUX_IFLA_MTU 4
#define LINUX_IFLA_STATS 7
#define LINUX_IFLA_TXQLEN 13
#define LINUX_IFLA_OPERSTATE 16
#define LINUX_IFA_ADDRESS 1
#define LINUX_IFA_LOCAL 2
#define LINUX_IFA_LABEL 3
#define LINUX_IFA_CACHEINFO 6
#define LINUX_IFA_FLAGS 8
#define LINUX_IFA_F_PERMANENT 0x80
#define LINUX_RT_SCOPE_HOST 254
#define LINUX_ARPHRD_LOOPBACK 772

#define LINUX_IFF_UP 0x1
#define LINUX_IFF_LOOPBACK 0x8
#define LINUX_IFF_RUNNING 0x40
#define LINUX_IFF_LOWER_UP 0x10000

/* --- socket ioctls ------------------------------------------------------------------------ */

#define LINUX_SIOCOUTQ 0x5411
#define LINUX_SIOCGIFNAME 0x8910
#define LINUX_SIOCGIFCONF 0x8912
#define LINUX_SIOCGIFFLAGS 0x8913
#define LINUX_SIOCGIFADDR 0x8915
#define LINUX_SIOCGIFBRDADDR 0x8919
#define LINUX_SIOCGIFNETMASK 0x891b
#define LINUX_SIOCGIFMETRIC 0x891d
#define LINUX_SIOCGIFMTU 0x8921
#define LINUX_SIOCGIFHWADDR 0x8927
#define LINUX_SIOCGIFINDEX 0x8933
#define LINUX_SIOCGIFTXQLEN 0x8942
#define LINUX_IFNAMSIZ 16

/* struct ifreq: a name and a union of 24 bytes. */
struct linux_ifreq {
    char name[LINUX_IFNAMSIZ];
    union {
        uint8_t addr[16];        /* a struct sockaddr */
        int32_t ival;            /* flags, index, mtu, metric, qlen */
        uint8_t pad[24];
    } u;
};
_Static_assert(sizeof(struct linux_ifreq) == 40, "ifreq layout");

struct linux_ifconf {
    int32_t len, pad;
    uint64_t buf;
};

#endif
