/* fifo: named pipes between processes.  mkfifo and mknod make them;
 * opens meet (a blocking reader waits for a writer and the other way
 * round), O_NONBLOCK opens (ENXIO for a writer with no reader), EOF when
 * the writer goes, EAGAIN, EPIPE, O_RDWR, poll, fstat, the errors.  Run
 * in an empty directory; prints one line per check. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "show.h"

/* A child that opens path with flags, writes msg (if any), and exits. */
static pid_t child_open(const char *path, int flags, const char *msg)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(path, flags);
        if (fd < 0)
            _exit(10 + errno);
        if (msg && write(fd, msg, strlen(msg)) != (ssize_t)strlen(msg))
            _exit(2);
        _exit(0);
    }
    return pid;
}

static void meet(void)
{
    /* The writer opens first and waits for this reader. */
    pid_t w = child_open("f1", O_WRONLY, "hello through a fifo\n");
    int fd = open("f1", O_RDONLY);
    char buf[64] = {0};
    ssize_t n = read(fd, buf, sizeof buf - 1);
    printf("reader got %zd: %s", n, buf);
    show("read after the writer left", read(fd, buf, sizeof buf));
    printf("writer exit %d\n", reap(w));
    close(fd);
    /* The reader opens first and waits for this writer. */
    pid_t r = fork();
    if (r == 0) {
        int rfd = open("f1", O_RDONLY);
        char b[16] = {0};
        _exit(read(rfd, b, sizeof b) == 3 && !strcmp(b, "abc") ? 0 : 1);
    }
    fd = open("f1", O_WRONLY);
    show("write to the waiting reader", write(fd, "abc", 3));
    close(fd);
    printf("reader exit %d\n", reap(r));
}

static void nonblocking(void)
{
    show("open O_WRONLY|O_NONBLOCK, no reader", open("f1", O_WRONLY | O_NONBLOCK));
    int r = open("f1", O_RDONLY | O_NONBLOCK);
    show("open O_RDONLY|O_NONBLOCK", r >= 0);
    char buf[8];
    show("read, no writer", read(r, buf, sizeof buf));
    int w = open("f1", O_WRONLY | O_NONBLOCK);
    show("open O_WRONLY|O_NONBLOCK, a reader", w >= 0);
    show("read, a writer, nothing written", read(r, buf, sizeof buf));
    struct pollfd pf = {r, POLLIN, 0};
    show("poll empty", poll(&pf, 1, 0));
    show("write", write(w, "xy", 2));
    show("poll with data", poll(&pf, 1, 0));
    printf("revents POLLIN %d\n", !!(pf.revents & POLLIN));
    show("read", read(r, buf, sizeof buf));
    show("F_GETFL accmode", fcntl(w, F_GETFL) & O_ACCMODE);
    close(w);
    pf.revents = 0;
    show("poll after the writer left", poll(&pf, 1, 0));
    printf("revents POLLHUP %d\n", !!(pf.revents & POLLHUP));
    show("read after the writer left", read(r, buf, sizeof buf));
    close(r);
    /* The reader goes: a write is EPIPE (SIGPIPE ignored). */
    r = open("f1", O_RDONLY | O_NONBLOCK);
    w = open("f1", O_WRONLY | O_NONBLOCK);
    close(r);
    signal(SIGPIPE, SIG_IGN);
    show("write with no reader", write(w, "z", 1));
    close(w);
}

static void both(void)
{
    int fd = open("f1", O_RDWR);
    show("open O_RDWR alone", fd >= 0);
    show("write O_RDWR", write(fd, "self", 4));
    char buf[8] = {0};
    show("read O_RDWR", read(fd, buf, sizeof buf));
    printf("got %s\n", buf);
    /* Data left in a FIFO nobody holds is gone. */
    show("write again", write(fd, "lost", 4));
    close(fd);
    int r = open("f1", O_RDONLY | O_NONBLOCK);
    show("read after every end closed", read(r, buf, sizeof buf));
    close(r);
}

static void stats(void)
{
    struct stat st;
    show("stat S_ISFIFO", stat("f1", &st) == 0 && S_ISFIFO(st.st_mode));
    printf("mode %o\n", (unsigned)(st.st_mode & 0777));
    int fd = open("f1", O_RDWR);
    struct stat fst;
    show("fstat S_ISFIFO", fstat(fd, &fst) == 0 && S_ISFIFO(fst.st_mode));
    show("fstat same inode", fst.st_ino == st.st_ino && fst.st_dev == st.st_dev);
    show("lseek", lseek(fd, 0, SEEK_SET));
    close(fd);
    fd = open("f1", O_PATH); /* never waits for a writer */
    show("open O_PATH", fd >= 0);
    show("fstat O_PATH S_ISFIFO", fstat(fd, &fst) == 0 && S_ISFIFO(fst.st_mode));
    close(fd);
    show("mknod S_IFIFO", mknod("f2", S_IFIFO | 0600, 0));
    show("mknodat S_IFIFO", mknodat(AT_FDCWD, "f3", S_IFIFO | 0640, 0));
    show("mknod regular", mknod("reg", S_IFREG | 0600, 0));
    show("stat regular", stat("reg", &st) == 0 && S_ISREG(st.st_mode));
    show("mkfifo existing", mkfifo("f1", 0600));
    show("mknod bad type", mknod("bad", 0170000 | 0600, 0));
    show("mkfifo no dir", mkfifo("nodir/f", 0600));
    stat("f3", &st);
    printf("f3 mode %o\n", (unsigned)(st.st_mode & 0777));
    unlink("f2");
    unlink("f3");
    unlink("reg");
}

int main(void)
{
    umask(022);
    if (mkfifo("f1", 0666) < 0) {
        perror("mkfifo");
        return 1;
    }
    meet();
    nonblocking();
    both();
    stats();
    unlink("f1");
    return 0;
}
