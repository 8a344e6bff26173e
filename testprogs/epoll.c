/*
 * epoll.c - epoll as programs use it, printed to compare with native:
 * level- and edge-triggered readiness of pipes, EPOLLONESHOT and
 * EPOLL_CTL_MOD, EPOLLHUP when the writer goes, timeouts, a child that
 * wakes the parent's wait, an epoll inside an epoll, and the errors
 * (EEXIST, ENOENT, EBADF, EINVAL, EPERM for a regular file, ELOOP).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int n, const struct epoll_event *ev)
{
    printf("%s: %d", what, n);
    if (n < 0)
        printf(" (%s)", strerror(errno));
    for (int i = 0; i < n; i++)
        printf(" [data %llu events %#x]", (unsigned long long)ev[i].data.u64, ev[i].events);
    printf("\n");
}

/* The result of a call expected to fail, and its errno. */
static void report(const char *what, int r)
{
    printf("%s: %d %s\n", what, r, r < 0 ? strerror(errno) : "");
}

static int wait_show(const char *what, int ep, int timeout)
{
    struct epoll_event ev[8];
    int n = epoll_wait(ep, ev, 8, timeout);
    show(what, n, ev);
    return n;
}

static int add(int ep, int fd, unsigned events, unsigned long long data, int op)
{
    struct epoll_event e = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, op, fd, &e);
}

int main(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC), p[2], q[2];
    char buf[16];
    if (ep < 0 || pipe(p) < 0 || pipe2(q, O_NONBLOCK) < 0)
        return 1;
    printf("add read end: %d\n", add(ep, p[0], EPOLLIN, 1, EPOLL_CTL_ADD));
    wait_show("nothing yet, timeout 0", ep, 0);
    wait_show("nothing yet, timeout 30 ms", ep, 30);
    if (write(p[1], "ab", 2) != 2)
        return 2;
    wait_show("level: data", ep, -1);
    wait_show("level: still data", ep, 0);
    printf("mod to edge: %d\n", add(ep, p[0], EPOLLIN | EPOLLET, 2, EPOLL_CTL_MOD));
    wait_show("edge: first", ep, 0);
    wait_show("edge: no new edge", ep, 0);
    if (read(p[0], buf, sizeof buf) != 2)
        return 3;
    if (write(p[1], "c", 1) != 1)
        return 4;
    wait_show("edge: drained and filled", ep, 0);
    printf("oneshot: %d\n", add(ep, p[0], EPOLLIN | EPOLLONESHOT, 3, EPOLL_CTL_MOD));
    wait_show("oneshot: once", ep, 0);
    wait_show("oneshot: disarmed", ep, 0);
    printf("rearm: %d\n", add(ep, p[0], EPOLLIN, 4, EPOLL_CTL_MOD));
    wait_show("rearmed", ep, 0);
    printf("write end: %d\n", add(ep, q[1], EPOLLOUT, 5, EPOLL_CTL_ADD));
    wait_show("both", ep, 0);
    printf("del: %d\n", epoll_ctl(ep, EPOLL_CTL_DEL, q[1], NULL));
    close(p[1]);
    wait_show("writer gone", ep, 0);
    /* A child wakes the parent's blocked wait. */
    printf("add q read end: %d\n", add(ep, q[0], EPOLLIN | EPOLLRDHUP, 6, EPOLL_CTL_ADD));
    printf("del p: %d\n", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    pid_t c = fork();
    if (c == 0) {
        usleep(10000);
        _exit(write(q[1], "x", 1) == 1 ? 0 : 1);
    }
    wait_show("woken by a child", ep, 5000);
    int st;
    waitpid(c, &st, 0);
    /* An epoll in an epoll. */
    int outer = epoll_create(1);
    printf("nested add: %d\n", add(outer, ep, EPOLLIN, 7, EPOLL_CTL_ADD));
    wait_show("nested ready", outer, 0);
    report("loop", add(ep, outer, EPOLLIN, 8, EPOLL_CTL_ADD));
    report("exists", add(ep, q[0], EPOLLIN, 9, EPOLL_CTL_ADD));
    report("missing", add(ep, q[1], EPOLLIN, 9, EPOLL_CTL_MOD));
    report("bad fd", add(ep, 999, EPOLLIN, 9, EPOLL_CTL_ADD));
    report("not epoll", add(q[0], q[1], EPOLLIN, 9, EPOLL_CTL_ADD));
    int reg = open("/proc/self/exe", O_RDONLY);
    report("regular file", add(ep, reg, EPOLLIN, 9, EPOLL_CTL_ADD));
    struct epoll_event ev;
    report("maxevents 0", epoll_wait(ep, &ev, 0, 0));
    report("create1 flags", epoll_create1(12345));
    return 0;
}
