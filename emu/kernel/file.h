/*
 * file.h - open file descriptions and descriptor tables: host files,
 * pipes, and generated files (/proc), shared by dup'd descriptors and
 * after fork.
 */
#ifndef FAULTLINE_KERNEL_FILE_H
#define FAULTLINE_KERNEL_FILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_FDS 1024
#define PIPE_BUF_SIZE 65536
/* The device number of files made up in the emulator (/proc, pipes, epoll). */
#define MADE_UP_DEV 0x17

struct emu;
struct proc;

struct pipe {
    uint8_t *buf;
    size_t head, len;
    int readers, writers;
    uint64_t ino;        /* pipe:[ino], numbered per run */
    uint64_t gen;        /* bumped by every transfer: an edge for EPOLLET */
    /* A FIFO's pipe: every guest open of the host FIFO (dev, ino) meets
     * here, listed in emu->fifos while any end is open or being opened. */
    bool fifo;
    uint64_t fifo_dev, fifo_ino;
    uint64_t r_opens, w_opens;  /* opens of each side so far: what a blocked open waits on */
    struct pipe *next, **pprev;
};

/* The directories of /proc faultline lists itself. */
enum proc_dir { PROC_DIR_PROCESS, PROC_DIR_THREAD, PROC_DIR_FD, PROC_DIR_TASK };

/* FILE_OPS: a kind that brings its own operations (struct file_ops). */
enum file_kind { FILE_HOST, FILE_PIPE_READ, FILE_PIPE_WRITE, FILE_MEM, FILE_EPOLL, FILE_OPS };

struct file;
struct sys;

/* What a FILE_OPS file does, for the kinds that live in one file of their
 * own (emu/sys: eventfd, timerfd, signalfd, sockets): the descriptor calls
 * dispatch here instead of on the kind.  read, write and ioctl run inside
 * a system call and take its context (they may block it and have it
 * retried, as pipe transfers do); the others are plain queries.  A NULL
 * read or write is EINVAL, a NULL ioctl ENOTTY, a NULL gen 0. */
struct file_ops {
    long (*read)(struct sys *s, struct file *f, uint64_t buf, size_t len);
    long (*write)(struct sys *s, struct file *f, uint64_t buf, size_t len);
    long (*ioctl)(struct sys *s, struct file *f, unsigned int cmd, uint64_t arg);
    /* readv/writev of the whole vector at once (a socket sends one
     * datagram of it); NULL: piece by piece through read and write. */
    long (*rw_vec)(struct sys *s, struct file *f, uint64_t vec, int n, bool write);
    /* The LINUX_POLL* events f is ready for now. */
    short (*poll)(struct proc *p, struct file *f);
    /* Bumped by every transfer: an edge for EPOLLET. */
    uint64_t (*gen)(struct file *f);
    /* A host descriptor whose readiness is the file's (a --net host
     * socket): a wait that nothing in the guest can end waits on it.
     * NULL or -1: none. */
    int (*host_fd)(struct file *f);
    /* The target /proc/<pid>/fd/N shows ("anon_inode:[eventfd]"). */
    void (*link)(struct file *f, char *buf, size_t len);
    /* The file type fstat shows (LINUX_S_IFSOCK; 0 for an anonymous inode). */
    unsigned int mode;
    /* The last reference went: free priv. */
    void (*release)(struct file *f);
};

/* One descriptor an epoll instance watches. */
struct epoll_item {
    int fd;
    struct file *file;   /* what fd named when added (not a reference) */
    uint32_t events;     /* EPOLLIN, ... EPOLLET, EPOLLONESHOT as given; 0: disarmed */
    uint64_t data;
    uint32_t reported;   /* edge-triggered: the readiness last reported, */
    uint64_t gen;        /* at this generation of the pipe */
};

/* An epoll instance (FILE_EPOLL): its interest list. */
struct epoll {
    struct epoll_item *items;
    size_t n, cap;
};

/* An open file description, shared by dup'd descriptors and after fork. */
struct file {
    int refs;
    enum file_kind kind;
    int hostfd;          /* FILE_HOST; a FIFO end: the host FIFO (O_PATH, or open for I/O) */
    bool fifo_host;      /* a FIFO end whose hostfd is open for I/O (non-blocking): a host
                          * process may be at the other end */
    int status;          /* O_APPEND, O_NONBLOCK and the access mode */
    struct pipe *pipe;   /* FILE_PIPE_* */
    struct epoll *epoll; /* FILE_EPOLL */
    const struct file_ops *ops; /* FILE_OPS: its operations, */
    void *priv;                 /* and its state */
    char *mem;           /* FILE_MEM: generated contents (/proc/self/maps) */
    size_t memlen, pos;
    /* FILE_MEM made anew by each read from its start, as Linux's seq
     * files are (top rereads /proc/meminfo after lseek 0): the text, or
     * NULL when out of memory.  NULL: made once, at open. */
    char *(*mem_gen)(struct emu *emu, struct file *f, size_t *len);
    bool is_dir;
    bool is_reg;         /* a regular file: its page cache must stay coherent */
    int dir_of;          /* FILE_MEM directory: of /proc/<dir_of> ... */
    int dir_kind;        /* ... which one: an enum proc_dir */
    uint64_t dev, ino;
    struct emu *locker;  /* set once it held an OFD or flock lock: those go with it */
    char path[PATH_MAX]; /* the guest's path, for readlink of /proc/self/fd */
};

struct fdtable {
    struct file *file[MAX_FDS];
    bool cloexec[MAX_FDS];
};

struct file *file_new(enum file_kind kind);
/* The inode number of the next made-up file (pipe, eventfd, socket):
 * counted within the run, so the same on every run. */
uint64_t file_next_ino(struct emu *emu);
/* A FILE_OPS file with its operations and state (owned: released with
 * it), numbered ino within the run; NULL when out of memory (priv is then
 * the caller's). */
struct file *file_new_ops(const struct file_ops *ops, void *priv, uint64_t ino);
struct file *file_get(struct file *f);
/* Drop a reference; the last closes the host fd or the pipe end. */
void file_put(struct file *f);
struct fdtable *fdtable_clone(const struct fdtable *t);
void fdtable_free(struct fdtable *t);
/* The descriptors p may have: RLIMIT_NOFILE, at most MAX_FDS. */
int fd_limit(const struct proc *p);
/* Lowest free descriptor >= min (below fd_limit), or -EMFILE. */
int fd_alloc(struct proc *p, int min);
struct file *fd_file(struct proc *p, int fd);

#endif
