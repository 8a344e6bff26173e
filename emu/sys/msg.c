/*
 * msg.c - System V message queues: msgget, msgsnd, msgrcv, msgctl.  A
 * send to a full queue and a receive that finds no message of the type
 * asked block their caller until the queue changes (or it is removed:
 * EIDRM); neither is restarted after a handler, as on Linux.
 */
#include "emu/sys/ipc.h"

#include <stdlib.h>
#include <string.h>

struct msg {
    struct msg *next;
    int64_t type;
    size_t len;
    uint8_t text[];
};

struct msg_queue {
    struct ipc_obj o;
    struct msg *head;
    uint64_t cbytes, qnum, qbytes;
    int lspid, lrpid;
    int64_t stime, rtime;
};

void msg_release(struct emu *emu, struct ipc_obj *o)
{
    (void)emu;
    struct msg_queue *q = (struct msg_queue *)o;
    while (q->head) {
        struct msg *m = q->head;
        q->head = m->next;
        free(m);
    }
}

long sys_msgget(struct sys *s, int32_t key, int msgflg)
{
    struct ipc_obj *o;
    long err = ipc_lookup(s->emu, IPC_KIND_MSG, key, msgflg, &o);
    if (err < 0)
        return err;
    if (o)
        return o->id;
    struct msg_queue *q = calloc(1, sizeof *q);
    if (!q)
        return -LINUX_ENOMEM;
    q->qbytes = LINUX_MSGMNB;
    return ipc_add(s, &q->o, IPC_KIND_MSG, key, msgflg);
}

/* The queue of msqid; a queue removed while the call waited is EIDRM. */
static struct msg_queue *queue(struct sys *s, int msqid, long *err)
{
    struct msg_queue *q = (struct msg_queue *)ipc_find(s->emu, IPC_KIND_MSG, msqid);
    *err = q ? 0 : s->retried ? -LINUX_EIDRM : -LINUX_EINVAL;
    return q;
}

long sys_msgsnd(struct sys *s, int msqid, uaddr_t msgp, size_t msgsz, int msgflg)
{
    if (msgsz > LINUX_MSGMAX || msqid < 0)
        return -LINUX_EINVAL;
    int64_t type;
    if (copy_in(s, &type, msgp, sizeof type) < 0)
        return -LINUX_EFAULT;
    if (type < 1)
        return -LINUX_EINVAL;
    long err;
    struct msg_queue *q = queue(s, msqid, &err);
    if (!q)
        return err;
    if (q->cbytes + msgsz > q->qbytes || q->qnum + 1 > q->qbytes) {
        if (msgflg & LINUX_IPC_NOWAIT)
            return -LINUX_EAGAIN;
        sys_wait_and_retry(s, true);
        return 0;
    }
    struct msg *m = malloc(sizeof *m + msgsz);
    if (!m)
        return -LINUX_ENOMEM;
    if (copy_in(s, m->text, msgp + sizeof type, msgsz) < 0) {
        free(m);
        return -LINUX_EFAULT;
    }
    m->type = type;
    m->len = msgsz;
    m->next = NULL;
    struct msg **at = &q->head;
    while (*at)
        at = &(*at)->next;
    *at = m;
    q->cbytes += msgsz;
    q->qnum++;
    q->lspid = s->p->tg->tgid;
    q->stime = ipc_now(s->emu);
    proc_wake_all(s->emu);
    return 0;
}

/* Where the message msgrcv takes is linked: the first (type 0), the
 * first of type (or, MSG_EXCEPT, of another), the first of the lowest
 * type up to -type; NULL when there is none. */
static struct msg **pick(struct msg_queue *q, int64_t type, int flags)
{
    struct msg **best = NULL;
    for (struct msg **at = &q->head; *at; at = &(*at)->next) {
        int64_t t = (*at)->type;
        if (type == 0)
            return at;
        if (type > 0 && ((flags & LINUX_MSG_EXCEPT) ? t != type : t == type))
            return at;
        if (type < 0 && t <= -type && (!best || t < (*best)->type))
            best = at;
    }
    return best;
}

long sys_msgrcv(struct sys *s, int msqid, uaddr_t msgp, size_t msgsz, long msgtyp, int msgflg)
{
    if ((long)msgsz < 0 || msqid < 0)
        return -LINUX_EINVAL;
    if (msgflg & LINUX_MSG_COPY)
        return -LINUX_ENOSYS; /* checkpoint/restore's peek is not modelled */
    long err;
    struct msg_queue *q = queue(s, msqid, &err);
    if (!q)
        return err;
    struct msg **at = pick(q, msgtyp, msgflg);
    if (!at) {
        if (msgflg & LINUX_IPC_NOWAIT)
            return -LINUX_ENOMSG;
        sys_wait_and_retry(s, true);
        return 0;
    }
    struct msg *m = *at;
    if (m->len > msgsz && !(msgflg & LINUX_MSG_NOERROR))
        return -LINUX_E2BIG;
    size_t n = m->len < msgsz ? m->len : msgsz;
    if (copy_out(s, msgp, &m->type, sizeof m->type) < 0 ||
        copy_out(s, msgp + sizeof m->type, m->text, n) < 0)
        return -LINUX_EFAULT;
    *at = m->next;
    q->cbytes -= m->len;
    q->qnum--;
    q->lrpid = s->p->tg->tgid;
    q->rtime = ipc_now(s->emu);
    free(m);
    proc_wake_all(s->emu);
    return (long)n;
}

static long msg_stat(struct sys *s, struct msg_queue *q, uaddr_t buf)
{
    struct linux_msqid64_ds ds = {.stime = q->stime, .rtime = q->rtime, .ctime = q->o.ctime,
                                  .cbytes = q->cbytes, .qnum = q->qnum, .qbytes = q->qbytes,
                                  .lspid = q->lspid, .lrpid = q->lrpid};
    ipc_perm_out(&q->o, &ds.perm);
    return copy_out(s, buf, &ds, sizeof ds) < 0 ? -LINUX_EFAULT : 0;
}

static long msg_info(struct sys *s, uaddr_t buf)
{
    struct linux_msginfo info = {.msgpool = LINUX_MSGMNI * LINUX_MSGMNB / 1024,
                                 .msgmap = LINUX_MSGMNB, .msgmax = LINUX_MSGMAX,
                                 .msgmnb = LINUX_MSGMNB, .msgmni = LINUX_MSGMNI, .msgssz = 16,
                                 .msgtql = LINUX_MSGMNB, .msgseg = 0xffff};
    return copy_out(s, buf, &info, sizeof info) < 0 ? -LINUX_EFAULT
                                                    : ipc_max_index(s->emu, IPC_KIND_MSG);
}

long sys_msgctl(struct sys *s, int msqid, int cmd, uaddr_t buf)
{
    cmd &= ~LINUX_IPC_64;
    if (cmd == LINUX_IPC_INFO || cmd == LINUX_MSG_INFO)
        return msg_info(s, buf);
    if (cmd == LINUX_MSG_STAT || cmd == LINUX_MSG_STAT_ANY) {
        struct msg_queue *q = (struct msg_queue *)ipc_at(s->emu, IPC_KIND_MSG, msqid);
        long err = q ? msg_stat(s, q, buf) : -LINUX_EINVAL;
        return err ? err : q->o.id;
    }
    struct msg_queue *q = (struct msg_queue *)ipc_find(s->emu, IPC_KIND_MSG, msqid);
    if (!q)
        return -LINUX_EINVAL;
    switch (cmd) {
    case LINUX_IPC_STAT:
        return msg_stat(s, q, buf);
    case LINUX_IPC_SET: {
        struct linux_msqid64_ds ds;
        if (copy_in(s, &ds, buf, sizeof ds) < 0)
            return -LINUX_EFAULT;
        long err = ipc_perm_set(s, &q->o, buf);
        if (!err)
            q->qbytes = ds.qbytes;
        proc_wake_all(s->emu); /* room may have come */
        return err;
    }
    case LINUX_IPC_RMID:
        ipc_remove(s->emu, &q->o);
        return 0;
    default:
        return -LINUX_EINVAL;
    }
}
