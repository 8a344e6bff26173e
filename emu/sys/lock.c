/*
 * lock.c - fcntl record locks (F_GETLK, F_SETLK, F_SETLKW and the F_OFD_
 * forms) and flock, between guest processes: the table is faultline's
 * (kernel/lock.c), since the host sees one process.  A lock that must
 * wait blocks its caller, which tries again whenever a lock is released;
 * F_SETLKW of a POSIX lock fails with EDEADLK where Linux finds a cycle
 * of waiters.  The host's own locks are not taken: host processes do not
 * see the guest's.
 */
#include "emu/sys/fd.h"

#include <sys/stat.h>
#include <unistd.h>

/* Linux gives up looking for a cycle after this many waiters. */
#define DEADLOCK_STEPS 10

/* The file a lock on f is about: (dev, ino), a pipe by its made-up one. */
static void lock_key(const struct file *f, uint64_t *dev, uint64_t *ino)
{
    bool pipe = (f->kind == FILE_PIPE_READ || f->kind == FILE_PIPE_WRITE) && !f->pipe->fifo;
    *dev = pipe ? MADE_UP_DEV : f->dev;
    *ino = pipe ? f->pipe->ino : f->ino;
}

void lock_closed(struct emu *emu, struct proc *p, struct file *f)
{
    uint64_t dev, ino;
    lock_key(f, &dev, &ino);
    lock_close(emu, p->tg->tgid, dev, ino);
}

/* The byte range of a guest struct flock, as Linux turns it into one:
 * from whence, a negative length reaching back; 0 or -EINVAL, -EOVERFLOW. */
static long lock_range(struct file *f, const struct linux_flock *l, struct lock_rec *r)
{
    int64_t base = 0;
    struct stat st;
    switch (l->whence) {
    case LINUX_SEEK_SET:
        break;
    case LINUX_SEEK_CUR:
        base = f->kind == FILE_HOST ? (int64_t)lseek(f->hostfd, 0, SEEK_CUR) : 0;
        break;
    case LINUX_SEEK_END:
        base = f->hostfd >= 0 && fstat(f->hostfd, &st) == 0 ? (int64_t)st.st_size : 0;
        break;
    default:
        return -LINUX_EINVAL;
    }
    if (l->start > 0 && base > INT64_MAX - l->start)
        return -LINUX_EOVERFLOW;
    int64_t start = base + l->start, end;
    if (start < 0)
        return -LINUX_EINVAL;
    if (l->len > 0) {
        if (l->len - 1 > INT64_MAX - start)
            return -LINUX_EOVERFLOW;
        end = start + l->len - 1;
    } else if (l->len < 0) {
        if (start + l->len < 0)
            return -LINUX_EINVAL;
        end = start - 1;
        start += l->len;
    } else {
        end = INT64_MAX;
    }
    r->start = (uint64_t)start;
    r->end = (uint64_t)end;
    return 0;
}

/* A task of process tgid blocked in F_SETLKW, or NULL. */
static struct proc *lock_waiter(struct emu *emu, int tgid)
{
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        if (q && q->tg->tgid == tgid && q->lock_waiting && q->restart && q->state == PROC_BLOCKED)
            return q;
    }
    return NULL;
}

/* Would process me waiting for blocker close a cycle: blocker's owner
 * waits for a lock whose owner waits ... for one of me's? */
static bool deadlock(struct emu *emu, int me, const struct lock_rec *blocker)
{
    for (int i = 0; i < DEADLOCK_STEPS && blocker && blocker->kind == LOCK_POSIX; i++) {
        struct proc *q = lock_waiter(emu, blocker->pid);
        if (!q)
            return false;
        blocker = lock_conflict(&emu->locks, &q->lock_wait);
        if (blocker && blocker->kind == LOCK_POSIX && blocker->pid == me)
            return true;
    }
    return false;
}

/* F_GETLK: the first lock req conflicts with, written over l (F_UNLCK
 * when none). */
static long lock_get(struct sys *s, const struct lock_rec *req, struct linux_flock *l, uaddr_t arg)
{
    const struct lock_rec *c = lock_conflict(&s->emu->locks, req);
    if (!c) {
        l->type = LINUX_F_UNLCK;
    } else {
        l->type = (int16_t)c->type;
        l->whence = LINUX_SEEK_SET;
        l->start = (int64_t)c->start;
        l->len = c->end == LOCK_TO_EOF ? 0 : (int64_t)(c->end - c->start + 1);
        l->pid = c->kind == LOCK_POSIX ? c->pid : -1;
    }
    return copy_out(s, arg, l, sizeof *l) < 0 ? -LINUX_EFAULT : 0;
}

/* Set req, or wait (wait) or fail while another owner's lock is in the
 * way. */
static long lock_take(struct sys *s, struct file *f, const struct lock_rec *req, bool wait)
{
    struct proc *p = s->p;
    if (req->type != LINUX_F_UNLCK) {
        const struct lock_rec *c = lock_conflict(&s->emu->locks, req);
        if (c && !wait)
            return -LINUX_EAGAIN;
        if (c && req->kind == LOCK_POSIX && deadlock(s->emu, req->pid, c))
            return -LINUX_EDEADLK;
        if (c) {
            p->lock_waiting = req->kind == LOCK_POSIX;
            p->lock_wait = *req;
            sys_wait_and_retry(s, false);
            return 0;
        }
    }
    if (req->kind != LOCK_POSIX)
        f->locker = s->emu;
    return lock_set(s->emu, req);
}

long file_lock(struct sys *s, struct file *f, int cmd, uaddr_t arg)
{
    struct linux_flock l;
    if (copy_in(s, &l, arg, sizeof l) < 0)
        return -LINUX_EFAULT;
    bool ofd = cmd == LINUX_F_OFD_GETLK || cmd == LINUX_F_OFD_SETLK || cmd == LINUX_F_OFD_SETLKW;
    bool get = cmd == LINUX_F_GETLK || cmd == LINUX_F_OFD_GETLK;
    if (ofd && l.pid != 0)
        return -LINUX_EINVAL;
    struct lock_rec req = {.kind = ofd ? LOCK_OFD : LOCK_POSIX, .type = l.type,
                           .pid = s->p->tg->tgid, .ofd = f};
    lock_key(f, &req.dev, &req.ino);
    if (l.type != LINUX_F_RDLCK && l.type != LINUX_F_WRLCK && (get || l.type != LINUX_F_UNLCK))
        return -LINUX_EINVAL;
    long err = lock_range(f, &l, &req);
    if (err)
        return err;
    if (get)
        return lock_get(s, &req, &l, arg);
    int acc = f->status & LINUX_O_ACCMODE;
    if ((l.type == LINUX_F_RDLCK && acc == LINUX_O_WRONLY) ||
        (l.type == LINUX_F_WRLCK && acc == LINUX_O_RDONLY && f->kind != FILE_PIPE_WRITE))
        return -LINUX_EBADF;
    return lock_take(s, f, &req, cmd == LINUX_F_SETLKW || cmd == LINUX_F_OFD_SETLKW);
}

/* flock: one lock of the whole file per open file description; a change
 * of type lets the old one go first, as Linux does. */
long sys_flock(struct sys *s, unsigned int fd, unsigned int cmd)
{
    struct file *f = fd_file(s->p, (int)fd);
    if (!f)
        return -LINUX_EBADF;
    int op = (int)(cmd & ~(unsigned)LINUX_LOCK_NB);
    int type = op == LINUX_LOCK_SH ? LINUX_F_RDLCK : op == LINUX_LOCK_EX ? LINUX_F_WRLCK
             : op == LINUX_LOCK_UN ? LINUX_F_UNLCK : -1;
    if (type < 0)
        return -LINUX_EINVAL;
    struct lock_rec req = {.kind = LOCK_FLOCK, .type = type, .pid = s->p->tg->tgid, .ofd = f,
                           .start = 0, .end = LOCK_TO_EOF};
    lock_key(f, &req.dev, &req.ino);
    struct lock_rec un = req;
    un.type = LINUX_F_UNLCK;
    const struct lock_rec *c = lock_conflict(&s->emu->locks, &req);
    if (type == LINUX_F_UNLCK || c) {
        long err = lock_set(s->emu, &un); /* a conversion drops the old lock first */
        if (err || type == LINUX_F_UNLCK)
            return err;
    }
    return lock_take(s, f, &req, !(cmd & LINUX_LOCK_NB));
}
