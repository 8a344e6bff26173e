/*
 * sock_unix.c - AF_UNIX sockets as programs use them, printed to compare
 * with native: socketpair streams (readiness, shutdown, EPIPE with and
 * without SIGPIPE, MSG_PEEK, MSG_DONTWAIT, a full buffer's EAGAIN, a
 * blocked read and a blocked write that another process ends), path
 * names (the socket file, EADDRINUSE, ENOENT, ECONNREFUSED, EPROTOTYPE),
 * abstract names and autobind, non-blocking connect and accept with a
 * full backlog, SO_PEERCRED, SCM_RIGHTS carrying a pipe and
 * SCM_CREDENTIALS, datagrams and seqpackets (boundaries, MSG_TRUNC,
 * ECONNREFUSED once the peer is gone), epoll's EPOLLRDHUP and edges.
 */
#include "sock_common.h"

#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/un.h>

static char dir[64];

static socklen_t path_addr(struct sockaddr_un *a, const char *name)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    snprintf(a->sun_path, sizeof a->sun_path, "%s/%s", dir, name);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1);
}

static void pair_stream(void)
{
    int sv[2];
    char buf[64];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, 2);
    show_poll("pair fresh", sv[0]);
    show("send", send(sv[0], "hello", 5, 0));
    show_poll("pair with data", sv[1]);
    int n = 0;
    show("FIONREAD", ioctl(sv[1], FIONREAD, &n));
    printf("FIONREAD says %d\n", n);
    show("peek", recv(sv[1], buf, 3, MSG_PEEK));
    show("read", read(sv[1], buf, sizeof buf));
    printf("got %.5s\n", buf);
    show("dontwait on empty", recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
    show("shutdown wr", shutdown(sv[0], SHUT_WR));
    show_poll("peer after shutdown wr", sv[1]);
    show_poll("self after shutdown wr", sv[0]);
    show("read at eof", read(sv[1], buf, sizeof buf));
    show("write after own shutdown", send(sv[0], "x", 1, MSG_NOSIGNAL));
    show("shutdown rd", shutdown(sv[1], SHUT_RD));
    show_poll("after shutdown rd", sv[1]);
    close(sv[0]);
    show_poll("peer closed", sv[1]);
    sigpipes = 0;
    show("write to closed peer", write(sv[1], "x", 1));
    printf("SIGPIPE seen: %d\n", (int)sigpipes);
    show("send MSG_NOSIGNAL", send(sv[1], "x", 1, MSG_NOSIGNAL));
    printf("SIGPIPE seen: %d\n", (int)sigpipes);
    close(sv[1]);
}

/* Unread data when the peer closes: the survivor reads ECONNRESET. */
static void pair_reset(void)
{
    int sv[2];
    char c;
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, 3);
    send(sv[1], "q", 1, 0);
    close(sv[0]);
    show("read after reset", read(sv[1], &c, 1));
    show("read again", read(sv[1], &c, 1));
    close(sv[1]);
}

/* A non-blocking writer fills the buffer (EAGAIN, not writable), the
 * reader drains it, and it is writable again. */
static void pair_full(void)
{
    int sv[2];
    static char big[65536];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0, 4);
    long total = 0, n;
    while ((n = write(sv[0], big, sizeof big)) > 0)
        total += n;
    show("write to full", n);
    printf("filled: %s\n", total > 100000 ? "yes" : "no");
    show_poll("full writer", sv[0]);
    long got = 0;
    while ((n = read(sv[1], big, sizeof big)) > 0)
        got += n;
    printf("drained all: %s\n", got == total ? "yes" : "no");
    show_poll("drained writer", sv[0]);
    close(sv[0]);
    close(sv[1]);
}

/* A blocked read woken by a child's write; a blocked write of 1 MiB
 * that the child's reads let through. */
static void pair_blocking(void)
{
    int sv[2];
    char buf[16];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, 5);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        usleep(20000);
        write_all(sv[1], "wake", 4);
        static char sink[100000];
        long got = 0, n;
        while ((n = read(sv[1], sink, sizeof sink)) > 0)
            got += n;
        _exit(got == 1 << 20 ? 0 : 1);
    }
    close(sv[1]);
    show("blocked read", read(sv[0], buf, sizeof buf));
    static char mib[1 << 20];
    memset(mib, 'm', sizeof mib);
    show("blocking write of 1 MiB", write(sv[0], mib, sizeof mib));
    close(sv[0]);
    printf("child read it all: %d\n", reap(pid));
}

static void path_names(void)
{
    struct sockaddr_un a, got;
    socklen_t alen = path_addr(&a, "listener"), glen;
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    show("bind path", bind(l, (struct sockaddr *)&a, alen));
    struct stat st;
    show("stat socket file", stat(a.sun_path, &st));
    printf("is a socket: %d, mode %o\n", S_ISSOCK(st.st_mode), (unsigned)(st.st_mode & 0777));
    int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
    show("bind taken path", bind(l2, (struct sockaddr *)&a, alen));
    show("bind again", bind(l, (struct sockaddr *)&a, alen));
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    show("connect before listen", connect(c, (struct sockaddr *)&a, alen));
    show("listen", listen(l, 4));
    show_poll("listener idle", l);
    show("connect", connect(c, (struct sockaddr *)&a, alen));
    show("connect again", connect(c, (struct sockaddr *)&a, alen));
    show_poll("listener with one", l);
    int s = accept(l, NULL, NULL);
    show("accept", s);
    glen = sizeof got;
    show("getsockname", getsockname(s, (struct sockaddr *)&got, &glen));
    printf("name length right: %d, same path: %d\n", glen == alen, !strcmp(got.sun_path, a.sun_path));
    glen = sizeof got;
    show("getpeername of client", getpeername(c, (struct sockaddr *)&got, &glen));
    printf("peer is the path: %d\n", !strcmp(got.sun_path, a.sun_path));
    glen = sizeof got;
    show("getpeername of accepted", getpeername(s, (struct sockaddr *)&got, &glen));
    printf("unbound peer's name length: %u\n", (unsigned)glen);
    struct ucred cr;
    socklen_t crl = sizeof cr;
    show("SO_PEERCRED", getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &crl));
    printf("peer is me: %d, uid: %d\n", cr.pid == getpid(), cr.uid == getuid());
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    show("dgram to stream listener", connect(d, (struct sockaddr *)&a, alen));
    show("unlink socket file", unlink(a.sun_path));
    int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
    show("connect after unlink", connect(c2, (struct sockaddr *)&a, alen));
    alen = path_addr(&a, "plain");
    close(open(a.sun_path, O_CREAT | O_WRONLY, 0600));
    show("connect to a regular file", connect(c2, (struct sockaddr *)&a, alen));
    unlink(a.sun_path);
    alen = path_addr(&a, "bound-only");
    show("bind second", bind(l2, (struct sockaddr *)&a, alen));
    show("connect to a non-listener", connect(c2, (struct sockaddr *)&a, alen));
    unlink(a.sun_path);
    close(l);
    close(l2);
    close(c);
    close(c2);
    close(s);
    close(d);
}

static void abstract_names(void)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX}, got;
    snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "fl-test-%08d", (int)getpid());
    socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 17, glen = sizeof got;
    int l = socket(AF_UNIX, SOCK_SEQPACKET, 0), l2 = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    show("bind abstract", bind(l, (struct sockaddr *)&a, alen));
    show("bind abstract again", bind(l2, (struct sockaddr *)&a, alen));
    show("getsockname", getsockname(l, (struct sockaddr *)&got, &glen));
    printf("length %u, same: %d\n", (unsigned)glen, !memcmp(got.sun_path, a.sun_path, 17));
    int u = socket(AF_UNIX, SOCK_DGRAM, 0);
    glen = sizeof got;
    show("getsockname unbound", getsockname(u, (struct sockaddr *)&got, &glen));
    printf("length %u\n", (unsigned)glen);
    show("autobind", bind(u, (struct sockaddr *)&a, sizeof(sa_family_t)));
    glen = sizeof got;
    getsockname(u, (struct sockaddr *)&got, &glen);
    int hex = glen == 8 && got.sun_path[0] == 0;
    for (int i = 1; i < 6 && hex; i++)
        hex = strchr("0123456789abcdef", got.sun_path[i]) != NULL;
    printf("autobind name: length %u, five hex digits: %d\n", (unsigned)glen, hex);
    /* A full backlog: non-blocking connects get EAGAIN. */
    show("listen 1", listen(l, 1));
    int c[3];
    for (int i = 0; i < 3; i++) {
        c[i] = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
        printf("connect %d: ", i);
        show("", connect(c[i], (struct sockaddr *)&a, alen));
    }
    int s = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    show("accept4", s);
    printf("nonblock %d cloexec %d\n", (fcntl(s, F_GETFL) & O_NONBLOCK) != 0,
           (fcntl(s, F_GETFD) & FD_CLOEXEC) != 0);
    show("connect after accept", connect(c[2], (struct sockaddr *)&a, alen));
    show("send record", send(c[0], "record-one", 10, 0));
    show("send empty record", send(c[0], "", 0, 0));
    char buf[4];
    struct iovec iov = {buf, sizeof buf};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    show("recvmsg short", recvmsg(s, &mh, 0));
    printf("truncated: %d\n", (mh.msg_flags & MSG_TRUNC) != 0);
    show("recv empty record", recv(s, buf, sizeof buf, 0));
    int nb = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int s1 = accept(l, NULL, NULL), s2 = accept(l, NULL, NULL);
    printf("two more accepted: %d\n", s1 >= 0 && s2 >= 0);
    fcntl(l, F_SETFL, O_NONBLOCK);
    show("accept nonblocking, none", accept(l, NULL, NULL));
    show("accept on non-listener", accept(nb, NULL, NULL));
    close(c[0]);
    show("recv after peer close", recv(s, buf, sizeof buf, 0));
    for (int i = 1; i < 3; i++)
        close(c[i]);
    close(s);
    close(s1);
    close(s2);
    close(l);
    close(l2);
    close(u);
    close(nb);
}

/* A blocking connect to a full backlog waits until an accept makes room. */
static void backlog_wait(void)
{
    struct sockaddr_un a;
    socklen_t alen = path_addr(&a, "backlog");
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(l, (struct sockaddr *)&a, alen) == 0 && listen(l, 0) == 0, 9);
    int c1 = socket(AF_UNIX, SOCK_STREAM, 0);
    show("first connect", connect(c1, (struct sockaddr *)&a, alen));
    pid_t pid = fork();
    if (pid == 0) {
        int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
        _exit(connect(c2, (struct sockaddr *)&a, alen) == 0 ? 0 : 1);
    }
    usleep(20000);
    show("accept", accept(l, NULL, NULL) >= 0);
    printf("child's connect, after the accept: %d\n", reap(pid));
    unlink(a.sun_path);
    close(l);
    close(c1);
}

/* Send fd over sock with SCM_RIGHTS (one byte of data). */
static long send_fd(int sock, int fd)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = {"F", 1};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    return sendmsg(sock, &mh, 0);
}

/* The descriptor a message carried (-1: none); flags out. */
static int recv_fd(int sock, size_t ctl, int *flags)
{
    char c, cbuf[CMSG_SPACE(sizeof(int)) * 2];
    struct iovec iov = {&c, 1};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = ctl};
    if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) < 0)
        return -2;
    *flags = mh.msg_flags;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    if (!cm || cm->cmsg_type != SCM_RIGHTS)
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(cm), sizeof fd);
    return fd;
}

static void rights(void)
{
    int sv[2], p[2], ack[2], go[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(p) == 0 && pipe(ack) == 0 &&
              pipe(go) == 0,
          6);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        int flags, fd = recv_fd(sv[1], CMSG_SPACE(sizeof(int)), &flags);
        char buf[32] = {0};
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
        printf("child got a descriptor: %d, cloexec %d, read %zd: %s\n", fd >= 0,
               fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), n, buf);
        fflush(stdout);
        write_all(ack[1], "k", 1);
        char g;
        if (read(go[0], &g, 1) != 1)
            _exit(1);
        fd = recv_fd(sv[1], sizeof(struct cmsghdr), &flags);
        printf("child with no room: fd %d, MSG_CTRUNC %d\n", fd, (flags & MSG_CTRUNC) != 0);
        fflush(stdout);
        write_all(ack[1], "k", 1);
        _exit(0);
    }
    close(sv[1]);
    show("send pipe read end", send_fd(sv[0], p[0]));
    close(p[0]);
    write_all(p[1], "through the pipe", 16);
    close(p[1]);
    char k; /* the child prints at fixed places, not where a race puts it */
    CHECK(read(ack[0], &k, 1) == 1, 6);
    show("send a second", send_fd(sv[0], 0));
    write_all(go[1], "g", 1);
    CHECK(read(ack[0], &k, 1) == 1, 6);
    close(ack[0]);
    close(ack[1]);
    close(go[0]);
    close(go[1]);
    show("send a bad descriptor", send_fd(sv[0], 999));
    printf("child: %d\n", reap(pid));
    close(sv[0]);
}

static void credentials(void)
{
    int sv[2], on = 1;
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, 7);
    show("SO_PASSCRED", setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
    pid_t pid = fork();
    if (pid == 0) {
        send(sv[0], "c", 1, 0);
        _exit(0);
    }
    reap(pid);
    char c, cbuf[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov = {&c, 1};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    show("recvmsg", recvmsg(sv[1], &mh, 0));
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    struct ucred cr = {0};
    if (cm && cm->cmsg_type == SCM_CREDENTIALS)
        memcpy(&cr, CMSG_DATA(cm), sizeof cr);
    printf("credentials: of the child %d, uid right %d\n", cr.pid == pid, cr.uid == getuid());
    close(sv[0]);
    close(sv[1]);
}

static void datagrams(void)
{
    struct sockaddr_un a, b, from;
    socklen_t alen = path_addr(&a, "dgram-a"), blen = path_addr(&b, "dgram-b"), flen;
    int x = socket(AF_UNIX, SOCK_DGRAM, 0), y = socket(AF_UNIX, SOCK_DGRAM, 0), z = socket(AF_UNIX, SOCK_DGRAM, 0);
    show("bind a", bind(x, (struct sockaddr *)&a, alen));
    show("bind b", bind(y, (struct sockaddr *)&b, blen));
    show("sendto b", sendto(x, "one", 3, 0, (struct sockaddr *)&b, blen));
    show("sendto b again", sendto(x, "two!", 4, 0, (struct sockaddr *)&b, blen));
    show("unbound sendto b", sendto(z, "three", 5, 0, (struct sockaddr *)&b, blen));
    char buf[8];
    flen = sizeof from;
    show("recvfrom", recvfrom(y, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen));
    printf("from a: %d\n", flen == alen && !strcmp(from.sun_path, a.sun_path));
    show("recv truncated with MSG_TRUNC", recv(y, buf, 2, MSG_TRUNC));
    flen = sizeof from;
    show("recvfrom unbound sender", recvfrom(y, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen));
    printf("sender name length %u\n", (unsigned)flen);
    show("write unconnected", write(z, "w", 1));
    show("connect z to b", connect(z, (struct sockaddr *)&b, blen));
    show("write connected", write(z, "w", 1));
    close(y);
    show("write to a closed peer", write(z, "w", 1));
    show("write again", write(z, "w", 1));
    unlink(a.sun_path);
    unlink(b.sun_path);
    close(x);
    close(z);
}

static void epoll_edges(void)
{
    int sv[2], ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.u32 = 7}, out[4];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, 8);
    epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
    show("epoll nothing", epoll_wait(ep, out, 4, 0));
    send(sv[1], "a", 1, 0);
    int n = epoll_wait(ep, out, 4, 0);
    printf("epoll data: %d events %#x\n", n, n > 0 ? out[0].events : 0);
    show("epoll same edge", epoll_wait(ep, out, 4, 0));
    send(sv[1], "b", 1, 0);
    n = epoll_wait(ep, out, 4, 0);
    printf("epoll new data: %d events %#x\n", n, n > 0 ? out[0].events : 0);
    shutdown(sv[1], SHUT_WR);
    n = epoll_wait(ep, out, 4, 0);
    printf("epoll rdhup: %d events %#x\n", n, n > 0 ? out[0].events : 0);
    struct stat st;
    fstat(sv[0], &st);
    char link[64] = {0}, path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", sv[0]);
    readlink(path, link, sizeof link - 1);
    printf("fstat: socket %d mode %o; link %.8s\n", S_ISSOCK(st.st_mode), (unsigned)(st.st_mode & 07777), link);
    int v;
    socklen_t vl = sizeof v;
    getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &vl);
    printf("SO_TYPE %d", v);
    getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &vl);
    printf(" SO_DOMAIN %d", v);
    getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &vl);
    printf(" SO_SNDBUF %d", v);
    v = 65536;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
    getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &vl);
    printf(" set 65536: %d\n", v);
    show("TCP_NODELAY on unix", setsockopt(sv[0], IPPROTO_TCP, 1, &v, sizeof v));
    show("unknown SOL_SOCKET option", setsockopt(sv[0], SOL_SOCKET, 9999, &v, sizeof v));
    close(ep);
    close(sv[0]);
    close(sv[1]);
}

/* sendfile from a file to a socket: at the file's position and at an
 * offset; a pipe end as its source is EINVAL. */
static void send_file(void)
{
    char path[96], buf[64] = {0};
    snprintf(path, sizeof path, "%s/data", dir);
    int f = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600), sv[2], p[2];
    CHECK(f >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(p) == 0, 10);
    write_all(f, "0123456789abcdef", 16);
    lseek(f, 4, SEEK_SET);
    show("sendfile at the position", sendfile(sv[0], f, NULL, 6));
    printf("position now %ld\n", (long)lseek(f, 0, SEEK_CUR));
    off_t off = 10;
    show("sendfile at an offset", sendfile(sv[0], f, &off, 100));
    printf("offset now %ld, position %ld\n", (long)off, (long)lseek(f, 0, SEEK_CUR));
    show("received", recv(sv[1], buf, sizeof buf, 0));
    printf("got %s\n", buf);
    show("sendfile from a pipe", sendfile(sv[0], p[0], NULL, 1));
    close(f);
    unlink(path);
    close(sv[0]);
    close(sv[1]);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    catch_sigpipe();
    snprintf(dir, sizeof dir, "/tmp/sock_unix.XXXXXX");
    CHECK(mkdtemp(dir) != NULL, 1);
    umask(022);
    pair_stream();
    pair_reset();
    pair_full();
    pair_blocking();
    path_names();
    abstract_names();
    backlog_wait();
    rights();
    credentials();
    datagrams();
    epoll_edges();
    send_file();
    show("socket bad family", socket(999, SOCK_STREAM, 0));
    show("socket bad type", socket(AF_UNIX, 9, 0));
    show("socketpair inet", socketpair(AF_INET, SOCK_STREAM, 0, (int[2]){0, 0}));
    show("socket op on a pipe", shutdown(0, SHUT_RD) == 0 ? 0 : -1);
    rmdir(dir);
    return 0;
}
