/* locks: fcntl record locks (POSIX and OFD) and flock between processes:
 * conflicts, a waiter that blocks and then gets the lock, F_GETLK naming
 * the holder, ranges split and merged, the close rules, EDEADLK, EINTR,
 * the errors.  Run in an empty directory; prints one line per check. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

static int lk(int fd, int cmd, int type, off_t start, off_t len)
{
    struct flock fl = {.l_type = (short)type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &fl);
}

/* F_GETLK of [start, start+len): what stands in the way, as text. */
static void getlk(const char *what, int fd, int cmd, int type, off_t start, off_t len, pid_t holder)
{
    struct flock fl = {.l_type = (short)type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    if (fcntl(fd, cmd, &fl) < 0) {
        printf("%s: -1 %s\n", what, strerror(errno));
        return;
    }
    if (fl.l_type == F_UNLCK) {
        printf("%s: unlocked\n", what);
        return;
    }
    printf("%s: %s start %ld len %ld pid %s\n", what, fl.l_type == F_WRLCK ? "write" : "read",
           (long)fl.l_start, (long)fl.l_len,
           fl.l_pid == holder ? "holder" : fl.l_pid == -1 ? "-1" : "other");
}

static void child_done(void)
{
    fflush(stdout);
    _exit(0);
}

/* The second process blocks on the first's lock, then gets it. */
static void wait_then_get(int fd)
{
    show("parent F_SETLK write 0..99", lk(fd, F_SETLK, F_WRLCK, 0, 100));
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        int f = open("data", O_RDWR);
        show("child F_SETLK write 50..59", lk(f, F_SETLK, F_WRLCK, 50, 10));
        getlk("child F_GETLK", f, F_GETLK, F_WRLCK, 50, 10, getppid());
        show("child F_SETLK read 100..", lk(f, F_SETLK, F_RDLCK, 100, 0));
        show("child F_SETLKW write 50..59", lk(f, F_SETLKW, F_WRLCK, 50, 10));
        char buf[9] = {0};
        pread(f, buf, 8, 0);
        printf("child saw: %s\n", buf);
        child_done();
    }
    nap();
    pwrite(fd, "released", 8, 0);
    show("parent unlock", lk(fd, F_SETLK, F_UNLCK, 0, 0));
    printf("child exit %d\n", reap(c));
}

static void ranges(int fd)
{
    lk(fd, F_SETLK, F_WRLCK, 0, 100);
    lk(fd, F_SETLK, F_UNLCK, 40, 20);
    lk(fd, F_SETLK, F_RDLCK, 200, 10);
    lk(fd, F_SETLK, F_RDLCK, 210, 10); /* merges with 200..209 */
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        int f = open("data", O_RDWR);
        getlk("hole 40..59", f, F_GETLK, F_WRLCK, 40, 20, getppid());
        getlk("30..49", f, F_GETLK, F_WRLCK, 30, 20, getppid());
        getlk("55..64", f, F_GETLK, F_RDLCK, 55, 10, getppid());
        getlk("read over read", f, F_GETLK, F_RDLCK, 205, 3, getppid());
        getlk("write over read", f, F_GETLK, F_WRLCK, 205, 3, getppid());
        getlk("negative length", f, F_GETLK, F_WRLCK, 100, -5, getppid());
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_END, .l_start = -1, .l_len = 1};
        fcntl(f, F_GETLK, &fl);
        printf("SEEK_END -1: type %d start %ld\n", fl.l_type, (long)fl.l_start);
        child_done();
    }
    reap(c);
    lk(fd, F_SETLK, F_UNLCK, 0, 0);
}

/* Any close of the file drops the process's POSIX locks; OFD locks go
 * with their last descriptor. */
static void close_rules(int fd)
{
    lk(fd, F_SETLK, F_WRLCK, 0, 10);
    int other = open("data", O_RDWR);
    close(other);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        int f = open("data", O_RDWR);
        show("after another close: child F_SETLK", lk(f, F_SETLK, F_WRLCK, 0, 10));
        child_done();
    }
    reap(c);
    int o = open("data", O_RDWR);
    show("F_OFD_SETLK", lk(o, F_OFD_SETLK, F_WRLCK, 0, 10));
    show("POSIX lock over own OFD lock", lk(fd, F_SETLK, F_WRLCK, 5, 1));
    int d = dup(o);
    close(o);
    fflush(stdout);
    c = fork();
    if (c == 0) {
        show("inherited OFD: F_OFD_SETLK again", lk(d, F_OFD_SETLK, F_WRLCK, 0, 10));
        int f = open("data", O_RDWR);
        show("own OFD: F_OFD_SETLK", lk(f, F_OFD_SETLK, F_WRLCK, 0, 10));
        getlk("F_OFD_GETLK", f, F_OFD_GETLK, F_WRLCK, 0, 1, getppid());
        getlk("F_GETLK of an OFD lock", f, F_GETLK, F_WRLCK, 0, 1, getppid());
        struct flock fl = {.l_type = F_WRLCK, .l_pid = 1};
        show("F_OFD_SETLK l_pid 1", fcntl(f, F_OFD_SETLK, &fl));
        child_done();
    }
    reap(c);
    close(d);
    c = fork();
    if (c == 0) {
        int f = open("data", O_RDWR);
        show("last close: F_OFD_SETLK", lk(f, F_OFD_SETLK, F_WRLCK, 0, 10));
        child_done();
    }
    reap(c);
}

static void on_alarm(int sig)
{
    (void)sig;
}

static void deadlock_and_eintr(int fd)
{
    int p[2];
    pipe(p);
    show("parent lock byte 0", lk(fd, F_SETLK, F_WRLCK, 0, 1));
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        int f = open("data", O_RDWR);
        lk(f, F_SETLK, F_WRLCK, 1, 1);
        write(p[1], "", 1);
        show("child F_SETLKW byte 0", lk(f, F_SETLKW, F_WRLCK, 0, 1));
        child_done();
    }
    char b;
    read(p[0], &b, 1);
    nap();
    show("parent F_SETLKW byte 1", lk(fd, F_SETLKW, F_WRLCK, 1, 1));
    show("parent OFD F_OFD_SETLK byte 1", lk(open("data", O_RDWR), F_OFD_SETLK, F_WRLCK, 1, 1));
    lk(fd, F_SETLK, F_UNLCK, 0, 0);
    printf("child exit %d\n", reap(c));
    lk(fd, F_SETLK, F_WRLCK, 0, 1);
    fflush(stdout);
    c = fork();
    if (c == 0) {
        struct sigaction sa = {.sa_handler = on_alarm};
        sigaction(SIGALRM, &sa, NULL);
        struct itimerval it = {.it_value = {0, 50000}};
        setitimer(ITIMER_REAL, &it, NULL);
        int f = open("data", O_RDWR);
        show("child F_SETLKW, a signal comes", lk(f, F_SETLKW, F_WRLCK, 0, 1));
        child_done();
    }
    reap(c);
    lk(fd, F_SETLK, F_UNLCK, 0, 0);
}

static void flocks(int fd)
{
    show("flock LOCK_EX", flock(fd, LOCK_EX));
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        show("inherited: flock LOCK_EX", flock(fd, LOCK_EX | LOCK_NB));
        int f = open("data", O_RDWR);
        show("own: flock LOCK_EX|LOCK_NB", flock(f, LOCK_EX | LOCK_NB));
        show("own: flock LOCK_SH|LOCK_NB", flock(f, LOCK_SH | LOCK_NB));
        show("fcntl lock beside flock", lk(f, F_SETLK, F_WRLCK, 0, 0));
        show("own: flock LOCK_SH (waits)", flock(f, LOCK_SH));
        char buf[9] = {0};
        pread(f, buf, 8, 0);
        printf("child saw: %s\n", buf);
        child_done();
    }
    nap();
    pwrite(fd, "unlocked", 8, 0);
    show("flock LOCK_UN", flock(fd, LOCK_UN));
    printf("child exit %d\n", reap(c));
    show("flock LOCK_SH beside the child's gone", flock(fd, LOCK_SH | LOCK_NB));
    show("flock bad op", flock(fd, 0));
    show("flock LOCK_UN twice", flock(fd, LOCK_UN));
    flock(fd, LOCK_UN);
}

static void errors(int fd)
{
    show("bad type", lk(fd, F_SETLK, 7, 0, 0));
    show("F_GETLK of F_UNLCK", lk(fd, F_GETLK, F_UNLCK, 0, 0));
    struct flock fl = {.l_type = F_WRLCK, .l_whence = 9};
    show("bad whence", fcntl(fd, F_SETLK, &fl));
    show("negative start", lk(fd, F_SETLK, F_WRLCK, -1, 1));
    show("length reaching before 0", lk(fd, F_SETLK, F_WRLCK, 2, -3));
    int r = open("data", O_RDONLY);
    show("write lock on O_RDONLY", lk(r, F_SETLK, F_WRLCK, 0, 1));
    show("read lock on O_RDONLY", lk(r, F_SETLK, F_RDLCK, 0, 1));
    int w = open("data", O_WRONLY);
    show("read lock on O_WRONLY", lk(w, F_SETLK, F_RDLCK, 0, 1));
    show("unlock of nothing", lk(w, F_SETLK, F_UNLCK, 0, 0));
    show("bad fd", lk(99, F_SETLK, F_WRLCK, 0, 1));
    close(r);
    close(w);
}

int main(void)
{
    int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "xxxxxxxxxxxxxxxx", 16) != 16)
        return 1;
    wait_then_get(fd);
    ranges(fd);
    close_rules(fd);
    deadlock_and_eintr(fd);
    flocks(fd);
    errors(fd);
    unlink("data");
    return 0;
}
