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

struct proc;

struct pipe {
    uint8_t *buf;
    size_t head, len;
    int readers, writers;
    uint64_t ino;        /* pipe:[ino], numbered per run */
    uint64_t gen;        /* bumped by every transfer: an edge for EPOLLET */
};

/* The directories of /proc faultline lists itself. */
enum proc_dir { PROC_DIR_PROCESS, PROC_DIR_THREAD, PROC_DIR_FD, PROC_DIR_TASK };

enum file_kind { FILE_HOST, FILE_PIPE_READ, FILE_PIPE_WRITE, FILE_MEM, FILE_EPOLL };

struct file;

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
    int hostfd;          /* FILE_HOST */
    int status;          /* O_APPEND, O_NONBLOCK and the access mode */
    struct pipe *pipe;   /* FILE_PIPE_* */
    struct epoll *epoll; /* FILE_EPOLL */
    char *mem;           /* FILE_MEM: generated contents (/proc/self/maps) */
    size_t memlen, pos;
    bool is_dir;
    bool is_reg;         /* a regular file: its page cache must stay coherent */
    int dir_of;          /* FILE_MEM directory: of /proc/<dir_of> ... */
    int dir_kind;        /* ... which one: an enum proc_dir */
    uint64_t dev, ino;
    char path[PATH_MAX]; /* the guest's path, for readlink of /proc/self/fd */
};

struct fdtable {
    struct file *file[MAX_FDS];
    bool cloexec[MAX_FDS];
};

struct file *file_new(enum file_kind kind);
struct file *file_get(struct file *f);
/* Drop a reference; the last closes the host fd or the pipe end. */
void file_put(struct file *f);
struct fdtable *fdtable_clone(const struct fdtable *t);
void fdtable_free(struct fdtable *t);
/* Lowest free descriptor >= min, or -EMFILE. */
int fd_alloc(struct proc *p, int min);
struct file *fd_file(struct proc *p, int fd);

#endif
