/*
 * eventfd.c - eventfd as programs use it, printed to compare with native:
 * counting and semaphore reads, EFD_NONBLOCK's EAGAIN, the overflow rule,
 * short buffers, readiness in poll, select and epoll (EPOLLET edges on
 * every write), a child whose write wakes the parent's blocked read, a
 * blocked write that a read lets through, what fstat, fcntl and
 * /proc/self/fd show, and the errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "anon_fd.h"
#include "show.h"

static long rd(int fd, uint64_t *v)
{
    *v = 0;
    return read(fd, v, sizeof *v);
}

static long wr(int fd, uint64_t v)
{
    return write(fd, &v, sizeof v);
}

static void show_read(const char *what, int fd)
{
    uint64_t v;
    long r = rd(fd, &v);
    if (r < 0)
        show(what, r);
    else
        printf("%s: %ld value %llu\n", what, r, (unsigned long long)v);
}

static void show_poll(const char *what, int fd)
{
    struct pollfd pf = {fd, POLLIN | POLLOUT, 0};
    int n = poll(&pf, 1, 0);
    printf("%s: poll %d revents %#x\n", what, n, pf.revents);
}

static void counting(void)
{
    int fd = eventfd(5, 0);
    show_poll("initial 5", fd);
    show_read("read", fd);
    printf("write 3: %ld\n", wr(fd, 3));
    printf("write 4: %ld\n", wr(fd, 4));
    show_read("read sum", fd);
    char big[16] = {0};
    printf("write 0: %ld\n", wr(fd, 0));
    show_poll("after write 0", fd);
    errno = 0;
    show("read short buffer", read(fd, big, 7));
    show("write short buffer", write(fd, big, 4));
    uint64_t nine = 9;
    memcpy(big, &nine, sizeof nine);
    show("write 16 bytes", write(fd, big, sizeof big));
    show("write 9 bytes", write(fd, big, 9));
    printf("write 9: %ld\n", wr(fd, 9));
    memset(big, 0xee, sizeof big);
    show("read 16 bytes", read(fd, big, sizeof big));
    printf("  first 8 %llu, then %#x\n", (unsigned long long)*(uint64_t *)big, big[8] & 0xff);
    show("write UINT64_MAX", wr(fd, UINT64_MAX));
    close(fd);
}

static void semaphore(void)
{
    int fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    show_read("sem read 1", fd);
    show_read("sem read 2", fd);
    show_read("sem read 3", fd);
    printf("sem write 3: %ld\n", wr(fd, 3));
    show_read("sem read 4", fd);
    show_poll("sem 2 left", fd);
    close(fd);
}

static void overflow(void)
{
    int fd = eventfd(0, EFD_NONBLOCK);
    show("write max", wr(fd, 0xfffffffffffffffeULL));
    show_poll("full", fd);
    show("write 1 more", wr(fd, 1));
    show("write 0 more", wr(fd, 0));
    show_read("read all", fd);
    show_read("read empty", fd);
    show_poll("empty", fd);
    close(fd);
}

static void waits(void)
{
    int fd = eventfd(0, 0), ep = epoll_create1(0);
    struct epoll_event e = {.events = EPOLLIN | EPOLLET, .data.u64 = 7}, out[4];
    printf("epoll add: %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e));
    printf("epoll empty: %d\n", epoll_wait(ep, out, 4, 0));
    pid_t pid = fork();
    if (pid == 0) {
        usleep(20000);
        wr(fd, 42);
        _exit(0);
    }
    /* The child's write ends the blocking read. */
    show_read("blocking read woken by child", fd);
    waitpid(pid, NULL, 0);
    wr(fd, 1);
    int n = epoll_wait(ep, out, 4, 1000);
    printf("epoll edge 1: %d data %llu events %#x\n", n, (unsigned long long)out[0].data.u64, out[0].events);
    printf("epoll no new edge: %d\n", epoll_wait(ep, out, 4, 0));
    wr(fd, 1);
    printf("epoll edge 2 (another write): %d\n", epoll_wait(ep, out, 4, 0));
    fd_set rs, ws;
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    FD_SET(fd, &rs);
    FD_SET(fd, &ws);
    struct timeval tv = {0, 0};
    n = select(fd + 1, &rs, &ws, NULL, &tv);
    printf("select: %d read %d write %d\n", n, FD_ISSET(fd, &rs), FD_ISSET(fd, &ws));
    show_read("read 2", fd);
    struct pollfd pf = {fd, POLLIN, 0};
    printf("poll 30 ms on empty: %d\n", poll(&pf, 1, 30));
    /* A full counter: a blocking write waits for a reader (the child). */
    wr(fd, 0xfffffffffffffff0ULL);
    pid = fork();
    if (pid == 0) {
        usleep(20000);
        uint64_t v;
        _exit(rd(fd, &v) == 8 && v == 0xfffffffffffffff0ULL ? 0 : 1);
    }
    show("blocking write past the top", wr(fd, 0x20));
    int st;
    waitpid(pid, &st, 0);
    printf("child read it: exit %d\n", WEXITSTATUS(st));
    show_read("what the write left", fd);
    close(ep);
    close(fd);
}

static void describe(void)
{
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);
    printf("flags: rdwr %d nonblock %d cloexec %d\n", (fl & O_ACCMODE) == O_RDWR, !!(fl & O_NONBLOCK),
           !!(fdfl & FD_CLOEXEC));
    fcntl(fd, F_SETFL, 0);
    printf("F_SETFL 0: nonblock %d\n", !!(fcntl(fd, F_GETFL) & O_NONBLOCK));
    show_anon_fd(fd);
    char buf[8];
    show("pread", pread(fd, buf, 8, 0));
    close(fd);
    show("bad flags", eventfd(0, 0x10));
    fd = (int)syscall(SYS_eventfd, 3);
    show_read("old eventfd call", fd);
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    counting();
    semaphore();
    overflow();
    waits();
    describe();
    return 0;
}
