/*
 * sockopt.c - setsockopt and getsockopt: the plain integer options of
 * SOCK_INT_OPTS (sock.h) kept and reported as Linux keeps them, and the
 * ones with rules of their own (buffer sizes doubled, SO_LINGER,
 * timeouts, SO_BINDTODEVICE, and the read-only SO_TYPE, SO_ERROR,
 * SO_PEERCRED, SO_ACCEPTCONN, TCP_INFO...).  An option of a level the
 * socket does not have is ENOPROTOOPT (EOPNOTSUPP for AF_UNIX, as Linux).
 */
#include "emu/sys/sock.h"

#include <stddef.h>
#include <string.h>
#include <unistd.h>

struct opt_def {
    int level, name;
    size_t off;          /* of its int in struct sock_opts */
    int fams;            /* SKO_* */
    int dflt;
    bool boolean;
};

static const struct opt_def opt_defs[] = {
#define SOCK_OPT_DEF(level, name, field, fams, dflt, isbool) \
    {level, name, offsetof(struct sock_opts, field), fams, dflt, isbool},
    SOCK_INT_OPTS(SOCK_OPT_DEF)
#undef SOCK_OPT_DEF
};

#define NDEFS (sizeof opt_defs / sizeof opt_defs[0])

static int sko_of(const struct sock *sk)
{
    switch (sk->family) {
    case LINUX_AF_UNIX:
        return SKO_UNIX;
    case LINUX_AF_NETLINK:
        return SKO_NETLINK;
    default:
        return sk->type == LINUX_SOCK_STREAM ? SKO_TCP : SKO_UDP;
    }
}

static int *opt_field(struct sock *sk, const struct opt_def *d)
{
    return (int *)((char *)&sk->opt + d->off);
}

void sockopt_defaults(struct sock *sk)
{
    for (size_t i = 0; i < NDEFS; i++)
        *opt_field(sk, &opt_defs[i]) = opt_defs[i].dflt;
    bool tcp = sk->family != LINUX_AF_UNIX && sk->family != LINUX_AF_NETLINK &&
               sk->type == LINUX_SOCK_STREAM;
    sk->opt.sndbuf = tcp ? SK_TCP_SNDBUF : SK_BUF_DEFAULT;
    sk->opt.rcvbuf = tcp ? SK_TCP_RCVBUF : SK_BUF_DEFAULT;
    sk->opt.rcvlowat = 1;
}

/* Is level one sk has?  0, or the error for a level it has not. */
static long level_check(const struct sock *sk, int level)
{
    if (level == LINUX_SOL_SOCKET)
        return 0;
    switch (sk->family) {
    case LINUX_AF_UNIX:
        return -LINUX_EOPNOTSUPP;
    case LINUX_AF_NETLINK:
        return level == LINUX_SOL_NETLINK ? 0 : -LINUX_ENOPROTOOPT;
    default:
        if (level == LINUX_IPPROTO_IP || (level == LINUX_IPPROTO_IPV6 && sk->family == LINUX_AF_INET6))
            return 0;
        if (level == LINUX_IPPROTO_TCP && sk->type == LINUX_SOCK_STREAM)
            return 0;
        if (level == LINUX_IPPROTO_UDP && sk->type == LINUX_SOCK_DGRAM)
            return 0;
        return -LINUX_ENOPROTOOPT;
    }
}

static const struct opt_def *opt_find(const struct sock *sk, int level, int name)
{
    for (size_t i = 0; i < NDEFS; i++)
        if (opt_defs[i].level == level && opt_defs[i].name == name && (opt_defs[i].fams & sko_of(sk)))
            return &opt_defs[i];
    return NULL;
}

/* A buffer size as Linux sets it: capped, doubled, at least the minimum. */
static int buf_size(int val, bool force, int min)
{
    int64_t v = force ? (val < 0 ? 0 : val) : ((unsigned)val > SK_BUF_MAX ? SK_BUF_MAX : val);
    v *= 2;
    if (v > INT32_MAX)
        v = INT32_MAX;
    return v < min ? min : (int)v;
}

static long set_timeout(struct sys *s, uaddr_t val, int len, uint64_t *out)
{
    int64_t tv[2];
    if (len < (int)sizeof tv)
        return -LINUX_EINVAL;
    if (copy_in(s, tv, val, sizeof tv) < 0)
        return -LINUX_EFAULT;
    if (tv[1] < 0 || tv[1] >= 1000000)
        return -LINUX_EDOM;
    if (tv[0] < 0) {
        *out = 1; /* already over: the call does not wait */
        return 0;
    }
    uint64_t sec = (uint64_t)tv[0] > 1000000000ULL ? 1000000000ULL : (uint64_t)tv[0];
    *out = sec * 1000000000ULL + (uint64_t)tv[1] * 1000;
    return 0;
}

static long set_device(struct sys *s, struct sock *sk, uaddr_t val, int len)
{
    char name[LINUX_IFNAMSIZ] = {0};
    size_t n = len < 0 ? 0 : (size_t)len < sizeof name - 1 ? (size_t)len : sizeof name - 1;
    if (n && copy_in(s, name, val, n) < 0)
        return -LINUX_EFAULT;
    if (name[0] && strcmp(name, "lo") != 0)
        return -LINUX_ENODEV;
    memcpy(sk->opt.bindtodevice, name, sizeof name);
    return 0;
}

/* The options with rules of their own: 1 when opt is not one of them. */
static long set_special(struct sys *s, struct sock *sk, int level, int name, uaddr_t val, int len,
                        int v)
{
    bool root = getuid() == 0;
    if (level == LINUX_SOL_SOCKET) {
        switch (name) {
        case LINUX_SO_SNDBUFFORCE:
        case LINUX_SO_RCVBUFFORCE:
            if (!root)
                return -LINUX_EPERM;
            /* fall through */
        case LINUX_SO_SNDBUF:
        case LINUX_SO_RCVBUF: {
            bool snd = name == LINUX_SO_SNDBUF || name == LINUX_SO_SNDBUFFORCE;
            bool force = name == LINUX_SO_SNDBUFFORCE || name == LINUX_SO_RCVBUFFORCE;
            *(snd ? &sk->opt.sndbuf : &sk->opt.rcvbuf) = buf_size(v, force, snd ? SK_MIN_SNDBUF : SK_MIN_RCVBUF);
            sock_changed(sk);
            return 0;
        }
        case LINUX_SO_RCVLOWAT:
            sk->opt.rcvlowat = v < 0 ? INT32_MAX : v ? v : 1;
            return 0;
        case LINUX_SO_LINGER:
            if (len < (int)sizeof sk->opt.linger)
                return -LINUX_EINVAL;
            if (copy_in(s, &sk->opt.linger, val, sizeof sk->opt.linger) < 0)
                return -LINUX_EFAULT;
            sk->opt.linger.onoff = sk->opt.linger.onoff != 0;
            return 0;
        case LINUX_SO_RCVTIMEO:
            return set_timeout(s, val, len, &sk->opt.rcvtimeo);
        case LINUX_SO_SNDTIMEO:
            return set_timeout(s, val, len, &sk->opt.sndtimeo);
        case LINUX_SO_BINDTODEVICE:
            return set_device(s, sk, val, len);
        }
    } else if (level == LINUX_IPPROTO_IP && name == LINUX_IP_TTL) {
        if (v != -1 && (v < 1 || v > 255))
            return -LINUX_EINVAL;
        sk->opt.ip_ttl = v == -1 ? 64 : v;
        return 0;
    } else if (level == LINUX_IPPROTO_IPV6 && name == LINUX_IPV6_V6ONLY && sk->bound) {
        return -LINUX_EINVAL;
    } else if (level == LINUX_IPPROTO_TCP && name == LINUX_TCP_CONGESTION) {
        char cc[16] = {0};
        size_t n = len < 0 ? 0 : (size_t)len < sizeof cc - 1 ? (size_t)len : sizeof cc - 1;
        if (n && copy_in(s, cc, val, n) < 0)
            return -LINUX_EFAULT;
        return !strcmp(cc, "cubic") || !strcmp(cc, "reno") ? 0 : -LINUX_ENOENT;
    } else if (level == LINUX_SOL_NETLINK &&
               (name == LINUX_NETLINK_ADD_MEMBERSHIP || name == LINUX_NETLINK_DROP_MEMBERSHIP)) {
        return 0; /* no events ever come: membership changes nothing */
    }
    return 1;
}

long sockopt_set(struct sys *s, struct sock *sk, int level, int name, uaddr_t val, int len)
{
    long err = level_check(sk, level);
    if (err)
        return err;
    int v = 0;
    bool is_text = (level == LINUX_SOL_SOCKET && name == LINUX_SO_BINDTODEVICE) ||
                   (level == LINUX_IPPROTO_TCP && name == LINUX_TCP_CONGESTION);
    if (!is_text && !(level == LINUX_SOL_SOCKET && (name == LINUX_SO_LINGER || name == LINUX_SO_RCVTIMEO ||
                                                    name == LINUX_SO_SNDTIMEO))) {
        if (len < (int)sizeof v)
            return -LINUX_EINVAL;
        if (copy_in(s, &v, val, sizeof v) < 0)
            return -LINUX_EFAULT;
    }
    err = set_special(s, sk, level, name, val, len, v);
    if (err != 1)
        return err;
    const struct opt_def *d = opt_find(sk, level, name);
    if (!d)
        return -LINUX_ENOPROTOOPT;
    *opt_field(sk, d) = d->boolean ? v != 0 : v;
    return 0;
}

/* TCP's state as tcp_info shows it. */
static uint8_t tcp_state(const struct sock *sk)
{
    if (sk->state == SK_LISTEN)
        return 10;
    if (sk->state != SK_CONNECTED)
        return 7;
    return sk->fin ? 8 : 1;
}

/* The value of a read-only or structured option into buf (at most 256
 * bytes): its length, -errno, or 1 when opt is not one of them. */
static long get_special(struct sock *sk, int level, int name, uint8_t *buf)
{
    int32_t v;
    if (level == LINUX_SOL_SOCKET) {
        switch (name) {
        case LINUX_SO_TYPE: v = sk->type; break;
        case LINUX_SO_PROTOCOL: v = sk->protocol; break;
        case LINUX_SO_DOMAIN: v = sk->family; break;
        case LINUX_SO_ACCEPTCONN: v = sk->state == SK_LISTEN; break;
        case LINUX_SO_SNDBUF: v = sk->opt.sndbuf; break;
        case LINUX_SO_RCVBUF: v = sk->opt.rcvbuf; break;
        case LINUX_SO_RCVLOWAT: v = sk->opt.rcvlowat; break;
        case LINUX_SO_SNDLOWAT: v = 1; break;
        case LINUX_SO_ERROR:
            v = (int32_t)-sock_error(sk);
            if (!v && sk->hostfd >= 0)
                v = hostnet_error(sk);
            break;
        case LINUX_SO_PEERCRED: {
            struct linux_ucred c = sk->peercred_set ? sk->peercred : (struct linux_ucred){0, ~0u, ~0u};
            memcpy(buf, &c, sizeof c);
            return sizeof c;
        }
        case LINUX_SO_LINGER:
            memcpy(buf, &sk->opt.linger, sizeof sk->opt.linger);
            return sizeof sk->opt.linger;
        case LINUX_SO_RCVTIMEO:
        case LINUX_SO_SNDTIMEO: {
            uint64_t ns = name == LINUX_SO_RCVTIMEO ? sk->opt.rcvtimeo : sk->opt.sndtimeo;
            int64_t tv[2] = {(int64_t)(ns / 1000000000ULL), (int64_t)(ns % 1000000000ULL / 1000)};
            memcpy(buf, tv, sizeof tv);
            return sizeof tv;
        }
        case LINUX_SO_BINDTODEVICE: {
            size_t n = strlen(sk->opt.bindtodevice);
            memcpy(buf, sk->opt.bindtodevice, n + 1);
            return n ? (long)n + 1 : 0;
        }
        case LINUX_SO_COOKIE:
            memcpy(buf, &sk->ino, sizeof sk->ino);
            return sizeof sk->ino;
        case LINUX_SO_PEERSEC:
            return -LINUX_ENOPROTOOPT;
        default:
            return 1;
        }
    } else if (level == LINUX_IPPROTO_TCP && name == LINUX_TCP_INFO) {
        memset(buf, 0, 232);
        buf[0] = tcp_state(sk);
        return 232;
    } else if (level == LINUX_IPPROTO_TCP && name == LINUX_TCP_CONGESTION) {
        memset(buf, 0, 16);
        memcpy(buf, "cubic", 5);
        return 16;
    } else if (level == LINUX_IPPROTO_TCP && name == LINUX_TCP_MAXSEG && sk->state == SK_CONNECTED) {
        v = 65483; /* lo's MTU less the headers and timestamps */
    } else {
        return 1;
    }
    memcpy(buf, &v, sizeof v);
    return sizeof v;
}

long sockopt_get(struct sys *s, struct sock *sk, int level, int name, uaddr_t val, uaddr_t lenp)
{
    long err = level_check(sk, level);
    if (err)
        return err;
    int32_t len;
    if (copy_in(s, &len, lenp, sizeof len) < 0)
        return -LINUX_EFAULT;
    if (len < 0)
        return -LINUX_EINVAL;
    uint8_t buf[256];
    long n = get_special(sk, level, name, buf);
    if (n < 0)
        return n;
    if (n == 1) {
        const struct opt_def *d = opt_find(sk, level, name);
        if (!d)
            return -LINUX_ENOPROTOOPT;
        memcpy(buf, opt_field(sk, d), sizeof(int32_t));
        n = sizeof(int32_t);
    }
    if ((size_t)len > (size_t)n)
        len = (int32_t)n;
    if ((len && copy_out(s, val, buf, (size_t)len) < 0) || copy_out(s, lenp, &len, sizeof len) < 0)
        return -LINUX_EFAULT;
    return 0;
}

long sys_setsockopt(struct sys *s, int fd, int level, int optname, uaddr_t optval, int optlen)
{
    long err;
    struct sock *sk = sock_of_fd(s, fd, NULL, &err);
    if (!sk)
        return err;
    if (optlen < 0)
        return -LINUX_EINVAL;
    return sockopt_set(s, sk, level, optname, optval, optlen);
}

long sys_getsockopt(struct sys *s, int fd, int level, int optname, uaddr_t optval, uaddr_t optlen)
{
    long err;
    struct sock *sk = sock_of_fd(s, fd, NULL, &err);
    return sk ? sockopt_get(s, sk, level, optname, optval, optlen) : err;
}
