/*
 * sock_common.h - what the socket test programs share: results printed
 * with errno names, poll readiness named, a child to talk to.  Output
 * must not depend on the run (no ports, pids or inode numbers printed),
 * so it can be compared with the native run byte for byte.
 */
#ifndef SOCK_COMMON_H
#define SOCK_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static inline const char *errname(int e)
{
    static const struct { int e; const char *n; } t[] = {
        {EPERM, "EPERM"}, {ENOENT, "ENOENT"}, {EINTR, "EINTR"}, {EBADF, "EBADF"},
        {EAGAIN, "EAGAIN"}, {EACCES, "EACCES"}, {EFAULT, "EFAULT"}, {EEXIST, "EEXIST"},
        {EINVAL, "EINVAL"}, {EMFILE, "EMFILE"}, {ENOTTY, "ENOTTY"}, {EPIPE, "EPIPE"},
        {ENOSYS, "ENOSYS"}, {ENOTSOCK, "ENOTSOCK"}, {EDESTADDRREQ, "EDESTADDRREQ"},
        {EMSGSIZE, "EMSGSIZE"}, {EPROTOTYPE, "EPROTOTYPE"}, {ENOPROTOOPT, "ENOPROTOOPT"},
        {EPROTONOSUPPORT, "EPROTONOSUPPORT"}, {ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT"},
        {EOPNOTSUPP, "EOPNOTSUPP"}, {EAFNOSUPPORT, "EAFNOSUPPORT"}, {EADDRINUSE, "EADDRINUSE"},
        {EADDRNOTAVAIL, "EADDRNOTAVAIL"}, {ENETUNREACH, "ENETUNREACH"},
        {ECONNABORTED, "ECONNABORTED"}, {ECONNRESET, "ECONNRESET"}, {ENOBUFS, "ENOBUFS"},
        {EISCONN, "EISCONN"}, {ENOTCONN, "ENOTCONN"}, {ECONNREFUSED, "ECONNREFUSED"},
        {EALREADY, "EALREADY"}, {EINPROGRESS, "EINPROGRESS"}, {ENODEV, "ENODEV"},
        {EDOM, "EDOM"}, {ENAMETOOLONG, "ENAMETOOLONG"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].e == e)
            return t[i].n;
    return "E?";
}

/* A call's result: its value, or -1 and the errno's name. */
static inline void show(const char *what, long r)
{
    if (r < 0)
        printf("%s: -1 %s\n", what, errname(errno));
    else
        printf("%s: %ld\n", what, r);
}

/* The events fd is ready for now (POLLRDHUP asked too), by name. */
static inline void show_poll(const char *what, int fd)
{
    struct pollfd p = {fd, POLLIN | POLLOUT | POLLRDHUP | POLLPRI, 0};
    int n = poll(&p, 1, 0);
    printf("%s: poll %d", what, n);
    static const struct { short bit; const char *n; } b[] = {
        {POLLIN, "IN"}, {POLLPRI, "PRI"}, {POLLOUT, "OUT"}, {POLLERR, "ERR"},
        {POLLHUP, "HUP"}, {POLLNVAL, "NVAL"}, {POLLRDHUP, "RDHUP"},
    };
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        if (p.revents & b[i].bit)
            printf(" %s", b[i].n);
    printf("\n");
}

/* Fail the test program with a message (the exit status says where). */
#define CHECK(cond, code)                                                  \
    do {                                                                   \
        if (!(cond)) {                                                     \
            printf("FAILED %s (line %d): %s\n", #cond, __LINE__,           \
                   strerror(errno));                                       \
            exit(code);                                                    \
        }                                                                  \
    } while (0)

static volatile sig_atomic_t sigpipes;

static inline void on_sigpipe(int sig)
{
    (void)sig;
    sigpipes++;
}

/* Count SIGPIPEs instead of dying of them. */
static inline void catch_sigpipe(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigpipe;
    sigaction(SIGPIPE, &sa, NULL);
}

/* Wait for child pid; its exit status (or 128 + signal). */
static inline int reap(pid_t pid)
{
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Write all of len bytes (blocking). */
static inline int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

#endif
