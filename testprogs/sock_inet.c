/*
 * sock_inet.c - TCP and UDP on the loopback addresses, IPv4 and IPv6,
 * printed to compare with native: binding (ephemeral ports, EADDRINUSE,
 * SO_REUSEADDR and SO_REUSEPORT, EADDRNOTAVAIL), a non-blocking connect
 * (EINPROGRESS, then writable, SO_ERROR), names, options, shutdown and
 * EOF, EPIPE and SIGPIPE, a refused connect (blocking and not), resets
 * (unread data, SO_LINGER {1, 0}), a full buffer, accept and recv woken
 * by another process, IPv4 clients of an IPv6 listener (and V6ONLY),
 * UDP datagrams (boundaries, MSG_TRUNC, MSG_PEEK, ECONNREFUSED on a
 * connected socket, EMSGSIZE), sendmmsg and recvmmsg, select and epoll.
 */
#include "sock_common.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>

static struct sockaddr_in sin4(const char *ip, int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static struct sockaddr_in6 sin6(const char *ip, int port)
{
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    inet_pton(AF_INET6, ip, &a.sin6_addr);
    return a;
}

static int port_of(int fd)
{
    struct sockaddr_storage ss;
    socklen_t l = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &l) < 0)
        return -1;
    return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                         : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A name as text, without its port (which differs between runs). */
static void show_name(const char *what, int fd, bool peer)
{
    struct sockaddr_storage ss;
    socklen_t l = sizeof ss;
    int r = peer ? getpeername(fd, (struct sockaddr *)&ss, &l) : getsockname(fd, (struct sockaddr *)&ss, &l);
    if (r < 0) {
        show(what, r);
        return;
    }
    char ip[64];
    const void *a = ss.ss_family == AF_INET ? (void *)&((struct sockaddr_in *)&ss)->sin_addr
                                            : (void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;
    inet_ntop(ss.ss_family, a, ip, sizeof ip);
    printf("%s: family %d length %u address %s\n", what, ss.ss_family, (unsigned)l, ip);
}

static int listener4(const char *ip)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = sin4(ip, 0);
    CHECK(l >= 0 && bind(l, (struct sockaddr *)&a, sizeof a) == 0 && listen(l, 8) == 0, 2);
    return l;
}

static int getint(int fd, int level, int name)
{
    int v = -7;
    socklen_t l = sizeof v;
    if (getsockopt(fd, level, name, &v, &l) < 0)
        return -1000 - errno;
    return v;
}

static void tcp_basics(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    show_poll("fresh tcp", l);
    show_name("unbound name", l, false);
    show("getpeername unconnected", getpeername(l, (struct sockaddr *)&(struct sockaddr_in){0}, &(socklen_t){16}));
    char c;
    show("read unconnected", read(l, &c, 1));
    show("send unconnected", send(l, "x", 1, MSG_NOSIGNAL));
    struct sockaddr_in a = sin4("127.0.0.1", 0);
    show("bind 127.0.0.1:0", bind(l, (struct sockaddr *)&a, sizeof a));
    printf("ephemeral port: %d\n", port_of(l) >= 32768 && port_of(l) <= 60999);
    show("bind again", bind(l, (struct sockaddr *)&a, sizeof a));
    show("listen", listen(l, 8));
    printf("SO_ACCEPTCONN %d SO_TYPE %d SO_PROTOCOL %d SO_DOMAIN %d\n", getint(l, SOL_SOCKET, SO_ACCEPTCONN),
           getint(l, SOL_SOCKET, SO_TYPE), getint(l, SOL_SOCKET, SO_PROTOCOL), getint(l, SOL_SOCKET, SO_DOMAIN));
    show_poll("listener idle", l);
    a.sin_port = htons((uint16_t)port_of(l));
    int c1 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    show("nonblocking connect", connect(c1, (struct sockaddr *)&a, sizeof a));
    struct pollfd pf = {c1, POLLOUT, 0};
    show("poll for the connect", poll(&pf, 1, 1000));
    printf("SO_ERROR %d\n", getint(c1, SOL_SOCKET, SO_ERROR));
    show("connect again", connect(c1, (struct sockaddr *)&a, sizeof a));
    show("and again", connect(c1, (struct sockaddr *)&a, sizeof a));
    show_poll("listener with one", l);
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    int s = accept(l, (struct sockaddr *)&peer, &pl);
    printf("accepted: %d, peer is the client's port: %d, length %u\n", s >= 0,
           ntohs(peer.sin_port) == port_of(c1), (unsigned)pl);
    show_name("client name", c1, false);
    show_name("client peer", c1, true);
    show_name("accepted name", s, false);
    printf("accepted socket's port is the listener's: %d\n", port_of(s) == port_of(l));
    int one = 1;
    show("TCP_NODELAY", setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    printf("TCP_NODELAY %d SO_KEEPALIVE %d IP_TTL %d TCP_KEEPIDLE %d\n", getint(s, IPPROTO_TCP, TCP_NODELAY),
           getint(s, SOL_SOCKET, SO_KEEPALIVE), getint(s, IPPROTO_IP, IP_TTL), getint(s, IPPROTO_TCP, TCP_KEEPIDLE));
    show("IPV6 option on IPv4", setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one));
    show("send", send(c1, "ping", 4, 0));
    char buf[16] = {0};
    show("recv", recv(s, buf, sizeof buf, 0));
    show("reply", send(s, "pong", 4, 0));
    usleep(10000);
    show_poll("client with data", c1);
    int n = -1;
    ioctl(c1, FIONREAD, &n);
    printf("FIONREAD %d\n", n);
    show("recvfrom with address", recvfrom(c1, buf, sizeof buf, 0, (struct sockaddr *)&peer, &pl));
    printf("TCP names no sender: length %u\n", (unsigned)pl);
    show("shutdown wr", shutdown(s, SHUT_WR));
    usleep(10000);
    show_poll("client after peer's shutdown", c1);
    show("read at eof", read(c1, buf, sizeof buf));
    show("client still sends", send(c1, "more", 4, 0));
    usleep(10000);
    show("server still reads", recv(s, buf, sizeof buf, 0));
    sigpipes = 0;
    show("server writes after its shutdown", write(s, "x", 1));
    printf("SIGPIPE seen: %d\n", (int)sigpipes);
    close(c1);
    usleep(10000);
    show_poll("server after the client closed", s);
    close(s);
    close(l);
}

static void tcp_refused(void)
{
    int l = listener4("127.0.0.1"), port = port_of(l);
    close(l);
    struct sockaddr_in a = sin4("127.0.0.1", port);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    show("blocking connect refused", connect(c, (struct sockaddr *)&a, sizeof a));
    show_poll("after", c);
    close(c);
    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    show("nonblocking connect refused", connect(c, (struct sockaddr *)&a, sizeof a));
    usleep(10000);
    show_poll("after", c);
    printf("SO_ERROR %d (ECONNREFUSED %d)\n", getint(c, SOL_SOCKET, SO_ERROR), ECONNREFUSED);
    show_poll("after SO_ERROR", c);
    close(c);
    a = sin4("192.0.2.1", 80);
    c = socket(AF_INET, SOCK_STREAM, 0);
    show("bind to an address not here", bind(c, (struct sockaddr *)&a, sizeof a));
    a = sin4("127.0.0.1", 0);
    a.sin_family = AF_INET6;
    show("bind with the wrong family", bind(c, (struct sockaddr *)&a, sizeof a));
    show("bind too short", bind(c, (struct sockaddr *)&a, 8));
    close(c);
}

/* Closing with unread data, or with SO_LINGER {1, 0}, resets the peer. */
static void tcp_resets(void)
{
    int l = listener4("127.0.0.1");
    struct sockaddr_in a = sin4("127.0.0.1", port_of(l));
    for (int linger = 0; linger < 2; linger++) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == 0, 3);
        int s = accept(l, NULL, NULL);
        if (linger) {
            struct linger lg = {1, 0};
            show("SO_LINGER {1, 0}", setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
        } else {
            send(c, "unread", 6, 0);
            usleep(10000);
        }
        close(s);
        usleep(10000);
        char buf[8];
        show_poll("reset peer", c);
        show("read", read(c, buf, sizeof buf));
        show("read", read(c, buf, sizeof buf));
        close(c);
    }
    close(l);
}

/* A peer that closed answers the next write with a reset: that write
 * succeeds, the ones after it fail with EPIPE (and SIGPIPE). */
static void tcp_write_after_close(void)
{
    int l = listener4("127.0.0.1");
    struct sockaddr_in a = sin4("127.0.0.1", port_of(l));
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == 0, 7);
    int s = accept(l, NULL, NULL);
    send(s, "bye", 3, 0);
    close(s);
    usleep(10000);
    show_poll("peer closed", c);
    show("write after peer closed", write(c, "y", 1));
    usleep(10000);
    show_poll("after the reset", c);
    char buf[8];
    show("read", read(c, buf, sizeof buf));
    show("read", read(c, buf, sizeof buf));
    sigpipes = 0;
    show("write", write(c, "y", 1));
    show("write", send(c, "y", 1, MSG_NOSIGNAL));
    printf("SIGPIPE seen: %d\n", (int)sigpipes);
    show_name("peer after the reset", c, true);
    close(c);
    close(l);
}

/* A full buffer, and a wait for accept and for data that another
 * process ends. */
static void tcp_blocking(void)
{
    int l = listener4("127.0.0.1");
    struct sockaddr_in a = sin4("127.0.0.1", port_of(l));
    pid_t pid = fork();
    if (pid == 0) {
        usleep(20000);
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&a, sizeof a) < 0)
            _exit(1);
        usleep(20000);
        write_all(c, "late", 4);
        static char sink[1 << 16];
        long got = 0, n;
        while ((n = read(c, sink, sizeof sink)) > 0)
            got += n;
        char msg[32];
        int len = snprintf(msg, sizeof msg, "%ld", got);
        write_all(c, msg, (size_t)len);
        _exit(0);
    }
    int s = accept(l, NULL, NULL);
    printf("blocked accept: %d\n", s >= 0);
    char buf[8];
    struct pollfd pf = {s, POLLIN, 0};
    show("poll woken by data", poll(&pf, 1, 5000));
    show("recv", recv(s, buf, sizeof buf, 0));
    static char big[1 << 16];
    int nb = fcntl(s, F_GETFL);
    fcntl(s, F_SETFL, nb | O_NONBLOCK);
    long n, total = 0;
    while ((n = write(s, big, sizeof big)) > 0)
        total += n;
    show("nonblocking write to full", n);
    show_poll("full", s);
    fcntl(s, F_SETFL, nb);
    static char more[1 << 20];
    show("blocking write of 1 MiB more", write(s, more, sizeof more));
    shutdown(s, SHUT_WR);
    char msg[32] = {0};
    recv(s, msg, sizeof msg - 1, MSG_WAITALL);
    printf("child read it all: %d\n", atol(msg) == total + (long)sizeof more);
    close(s);
    reap(pid);
    close(l);
}

static void tcp_ports(void)
{
    int l = listener4("0.0.0.0"), one = 1;
    struct sockaddr_in a = sin4("127.0.0.1", port_of(l));
    int b = socket(AF_INET, SOCK_STREAM, 0);
    show("bind a listening port", bind(b, (struct sockaddr *)&a, sizeof a));
    setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    show("with SO_REUSEADDR, while it listens", bind(b, (struct sockaddr *)&a, sizeof a));
    close(b);
    close(l);
    int r1 = socket(AF_INET, SOCK_STREAM, 0), r2 = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(r1, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    setsockopt(r2, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    a.sin_port = 0;
    bind(r1, (struct sockaddr *)&a, sizeof a);
    a.sin_port = htons((uint16_t)port_of(r1));
    show("SO_REUSEPORT: second bind", bind(r2, (struct sockaddr *)&a, sizeof a));
    show("listen both", listen(r1, 1) | listen(r2, 1));
    close(r1);
    close(r2);
}

static void tcp_v6(void)
{
    int l = socket(AF_INET6, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in6 a6 = sin6("::", 0);
    printf("IPV6_V6ONLY %d\n", getint(l, IPPROTO_IPV6, IPV6_V6ONLY));
    CHECK(bind(l, (struct sockaddr *)&a6, sizeof a6) == 0 && listen(l, 4) == 0, 4);
    show_name("v6 listener", l, false);
    int port = port_of(l);
    struct sockaddr_in a = sin4("127.0.0.1", port);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    show("v4 client to a v6 listener", connect(c, (struct sockaddr *)&a, sizeof a));
    int s = accept(l, NULL, NULL);
    show_name("its peer", s, true);
    show_name("its name", s, false);
    close(s);
    close(c);
    a6 = sin6("::1", port);
    c = socket(AF_INET6, SOCK_STREAM, 0);
    show("v6 client", connect(c, (struct sockaddr *)&a6, sizeof a6));
    s = accept(l, NULL, NULL);
    show_name("its peer", s, true);
    show_name("client name", c, false);
    close(s);
    close(c);
    close(l);
    l = socket(AF_INET6, SOCK_STREAM, 0);
    show("IPV6_V6ONLY on", setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one));
    a6 = sin6("::", port);
    show("bind v6only", bind(l, (struct sockaddr *)&a6, sizeof a6));
    listen(l, 4);
    c = socket(AF_INET, SOCK_STREAM, 0);
    show("v4 client to a v6only listener", connect(c, (struct sockaddr *)&a, sizeof a));
    a6 = sin6("::ffff:127.0.0.1", port);
    int c6 = socket(AF_INET6, SOCK_STREAM, 0);
    show("v4-mapped client", connect(c6, (struct sockaddr *)&a6, sizeof a6));
    close(c6);
    close(c);
    close(l);
}

static void udp(void)
{
    int x = socket(AF_INET, SOCK_DGRAM, 0), y = socket(AF_INET, SOCK_DGRAM, 0);
    show_poll("fresh udp", x);
    struct sockaddr_in a = sin4("127.0.0.1", 0), from;
    CHECK(bind(x, (struct sockaddr *)&a, sizeof a) == 0, 5);
    a.sin_port = htons((uint16_t)port_of(x));
    show("send unconnected, no address", send(y, "x", 1, 0));
    show("sendto", sendto(y, "first", 5, 0, (struct sockaddr *)&a, sizeof a));
    show("sendto", sendto(y, "second!", 7, 0, (struct sockaddr *)&a, sizeof a));
    show("sendto empty", sendto(y, "", 0, 0, (struct sockaddr *)&a, sizeof a));
    show_poll("receiver", x);
    int n = -1;
    ioctl(x, FIONREAD, &n);
    printf("FIONREAD %d\n", n);
    char buf[16];
    socklen_t fl = sizeof from;
    show("recvfrom", recvfrom(x, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl));
    printf("from the sender's port: %d, length %u\n", ntohs(from.sin_port) == port_of(y), (unsigned)fl);
    show("peek", recv(x, buf, 3, MSG_PEEK));
    struct iovec iov = {buf, 3};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    show("recvmsg truncated", recvmsg(x, &mh, 0));
    printf("MSG_TRUNC %d\n", (mh.msg_flags & MSG_TRUNC) != 0);
    show("recv empty", recv(x, buf, sizeof buf, 0));
    show("recv nothing", recv(x, buf, sizeof buf, MSG_DONTWAIT));
    static char huge[70000];
    show("too big", sendto(y, huge, sizeof huge, 0, (struct sockaddr *)&a, sizeof a));
    close(x);
    show("connect to the closed port", connect(y, (struct sockaddr *)&a, sizeof a));
    show("send", send(y, "lost", 4, 0));
    usleep(10000);
    show_poll("after the port unreachable", y);
    show("recv", recv(y, buf, sizeof buf, MSG_DONTWAIT));
    show("recv", recv(y, buf, sizeof buf, MSG_DONTWAIT));
    close(y);
}

static void udp_mmsg(void)
{
    int x = socket(AF_INET6, SOCK_DGRAM, 0), y = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in6 a6 = sin6("::", 0);
    CHECK(bind(x, (struct sockaddr *)&a6, sizeof a6) == 0, 6);
    struct sockaddr_in a = sin4("127.0.0.1", port_of(x));
    show("connect", connect(y, (struct sockaddr *)&a, sizeof a));
    char data[3][8] = {"aa", "bbbb", "cccccc"};
    struct iovec iov[3];
    struct mmsghdr mm[3];
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 3; i++) {
        iov[i] = (struct iovec){data[i], strlen(data[i])};
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    show("sendmmsg", sendmmsg(y, mm, 3, 0));
    char in[4][8];
    struct iovec iin[4];
    struct mmsghdr mr[4];
    struct sockaddr_in6 src[4];
    memset(mr, 0, sizeof mr);
    for (int i = 0; i < 4; i++) {
        iin[i] = (struct iovec){in[i], sizeof in[i]};
        mr[i].msg_hdr = (struct msghdr){.msg_name = &src[i], .msg_namelen = sizeof src[i], .msg_iov = &iin[i], .msg_iovlen = 1};
    }
    int n = recvmmsg(x, mr, 4, MSG_DONTWAIT, NULL);
    show("recvmmsg", n);
    for (int i = 0; i < n; i++) {
        char ip[64];
        inet_ntop(AF_INET6, &src[i].sin6_addr, ip, sizeof ip);
        printf("  %u bytes %.*s from %s\n", mr[i].msg_len, (int)mr[i].msg_len, in[i], ip);
    }
    /* A gathered send is one datagram. */
    struct iovec parts[2] = {{"gat", 3}, {"her", 3}};
    struct msghdr mh = {.msg_iov = parts, .msg_iovlen = 2};
    show("sendmsg of two pieces", sendmsg(y, &mh, 0));
    show("writev of two pieces", writev(y, parts, 2));
    char buf[16] = {0};
    show("one datagram", recv(x, buf, sizeof buf, 0));
    show("and another", read(x, buf, sizeof buf));
    close(x);
    close(y);
}

static void waits(void)
{
    int l = listener4("127.0.0.1"), ep = epoll_create1(0);
    struct sockaddr_in a = sin4("127.0.0.1", port_of(l));
    int c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, sizeof a);
    int s = accept(l, NULL, NULL);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLOUT | EPOLLET, .data.u32 = 1}, out[2];
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
    int n = epoll_wait(ep, out, 2, 0);
    printf("epoll: %d events %#x\n", n, n > 0 ? out[0].events : 0);
    show("epoll again", epoll_wait(ep, out, 2, 0));
    send(c, "z", 1, 0);
    n = epoll_wait(ep, out, 2, 1000);
    printf("epoll data: %d events %#x\n", n, n > 0 ? out[0].events : 0);
    close(c);
    n = epoll_wait(ep, out, 2, 1000);
    printf("epoll peer closed: %d events %#x\n", n, n > 0 ? out[0].events : 0);
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(s, &r);
    FD_SET(s, &w);
    FD_SET(l, &r);
    struct timeval tv = {0, 0};
    n = select(s > l ? s + 1 : l + 1, &r, &w, NULL, &tv);
    printf("select: %d read %d write %d listener %d\n", n, FD_ISSET(s, &r), FD_ISSET(s, &w), FD_ISSET(l, &r));
    close(s);
    close(l);
    close(ep);
}

/* argv[1] "no-v6": leave out IPv6, for a host without ::1 to compare with. */
int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    catch_sigpipe();
    tcp_basics();
    tcp_refused();
    tcp_resets();
    tcp_write_after_close();
    tcp_blocking();
    tcp_ports();
    if (argc < 2 || strcmp(argv[1], "no-v6") != 0)
        tcp_v6();
    udp();
    udp_mmsg();
    waits();
    show("raw socket", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
    return 0;
}
