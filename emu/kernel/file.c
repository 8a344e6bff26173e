/*
 * file.c - open file descriptions (host files, pipe ends, generated
 * files) and descriptor tables.
 */
#include "emu/kernel/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct file *file_new(enum file_kind kind)
{
    struct file *f = calloc(1, sizeof *f);
    if (f) {
        f->refs = 1;
        f->kind = kind;
        f->hostfd = -1;
    }
    return f;
}

uint64_t file_next_ino(struct emu *emu)
{
    return 100000 + ++emu->pipes;
}

struct file *file_new_ops(const struct file_ops *ops, void *priv, uint64_t ino)
{
    struct file *f = file_new(FILE_OPS);
    if (f) {
        f->ops = ops;
        f->priv = priv;
        f->dev = MADE_UP_DEV;
        f->ino = ino;
    }
    return f;
}

struct file *file_get(struct file *f)
{
    f->refs++;
    return f;
}

void file_put(struct file *f)
{
    if (!f || --f->refs > 0)
        return;
    if (f->locker)
        lock_file_gone(f->locker, f);
    switch (f->kind) {
    case FILE_HOST:
        if (f->hostfd >= 0)
            close(f->hostfd);
        break;
    case FILE_PIPE_READ:
    case FILE_PIPE_WRITE:
        if (f->hostfd >= 0)
            close(f->hostfd);
        /* A FIFO opened O_RDWR is both ends in one file. */
        if (f->kind == FILE_PIPE_WRITE || (f->status & LINUX_O_ACCMODE) == LINUX_O_RDWR)
            f->pipe->writers--;
        if (f->kind == FILE_PIPE_READ)
            f->pipe->readers--;
        if (f->pipe->readers == 0 && f->pipe->writers == 0) {
            if (f->pipe->pprev && (*f->pipe->pprev = f->pipe->next))
                f->pipe->next->pprev = f->pipe->pprev;
            free(f->pipe->buf);
            free(f->pipe);
        }
        break;
    case FILE_MEM:
        free(f->mem);
        break;
    case FILE_EPOLL:
        if (f->epoll)
            free(f->epoll->items);
        free(f->epoll);
        break;
    case FILE_OPS:
        if (f->ops->release)
            f->ops->release(f);
        break;
    }
    free(f);
}

struct fdtable *fdtable_clone(const struct fdtable *t)
{
    struct fdtable *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    for (int i = 0; i < MAX_FDS; i++) {
        if (t && t->file[i]) {
            n->file[i] = file_get(t->file[i]);
            n->cloexec[i] = t->cloexec[i];
        }
    }
    return n;
}

void fdtable_free(struct fdtable *t)
{
    if (!t)
        return;
    for (int i = 0; i < MAX_FDS; i++)
        file_put(t->file[i]);
    free(t);
}

int fd_limit(const struct proc *p)
{
    uint64_t cur = p->tg->rlim[LINUX_RLIMIT_NOFILE].cur;
    return cur < MAX_FDS ? (int)cur : MAX_FDS;
}

int fd_alloc(struct proc *p, int min)
{
    for (int fd = min < 0 ? 0 : min; fd < fd_limit(p); fd++)
        if (!p->fds->file[fd])
            return fd;
    return -LINUX_EMFILE;
}

struct file *fd_file(struct proc *p, int fd)
{
    return fd >= 0 && fd < MAX_FDS ? p->fds->file[fd] : NULL;
}

