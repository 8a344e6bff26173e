/*
 * sem.c - System V semaphores: semget, semop, semtimedop, semctl.  A
 * semop that cannot be done whole blocks its caller, which tries the
 * whole again whenever a set changes; SEM_UNDO adjustments are kept per
 * process and made when it ends.
 */
#include "emu/sys/ipc.h"
#include "emu/util/grow.h"

#include <stdlib.h>
#include <string.h>

struct sem_set {
    struct ipc_obj o;
    int nsems;
    struct { int val, pid; } *sems;
    int64_t otime;
};

#define NR_SEMOP 65
#define NR_SEMTIMEDOP 220

static void undo_drop(struct ipc_space *sp, size_t i)
{
    free(sp->undo[i].adj);
    sp->undo[i] = sp->undo[--sp->nundo];
}

void sem_release(struct emu *emu, struct ipc_obj *o)
{
    struct ipc_space *sp = emu->ipc;
    for (size_t i = 0; i < sp->nundo;)
        if (sp->undo[i].semid == o->id)
            undo_drop(sp, i);
        else
            i++;
    free(((struct sem_set *)o)->sems);
}

/* The adjustments of process tgid for set, made (zero) when missing;
 * NULL when out of memory. */
static int16_t *undo_of(struct emu *emu, int tgid, const struct sem_set *set)
{
    struct ipc_space *sp = emu->ipc;
    for (size_t i = 0; i < sp->nundo; i++)
        if (sp->undo[i].tgid == tgid && sp->undo[i].semid == set->o.id)
            return sp->undo[i].adj;
    struct sem_undo *v = grow_array(sp->undo, &sp->capundo, sp->nundo, sizeof *v, 8);
    if (!v)
        return NULL;
    sp->undo = v;
    int16_t *adj = calloc((size_t)set->nsems, sizeof *adj);
    if (adj)
        sp->undo[sp->nundo++] = (struct sem_undo){tgid, set->o.id, adj};
    return adj;
}

void sem_exit(struct emu *emu, int tgid)
{
    struct ipc_space *sp = emu->ipc;
    bool changed = false;
    for (size_t i = 0; sp && i < sp->nundo;) {
        if (sp->undo[i].tgid != tgid) {
            i++;
            continue;
        }
        struct sem_set *set = (struct sem_set *)ipc_find(emu, IPC_KIND_SEM, sp->undo[i].semid);
        for (int k = 0; set && k < set->nsems; k++) {
            if (!sp->undo[i].adj[k])
                continue;
            int v = set->sems[k].val + sp->undo[i].adj[k];
            set->sems[k].val = v < 0 ? 0 : v > LINUX_SEMVMX ? LINUX_SEMVMX : v;
            set->sems[k].pid = tgid;
            changed = true;
        }
        undo_drop(sp, i);
    }
    if (changed)
        proc_wake_all(emu);
}

long sys_semget(struct sys *s, int32_t key, int nsems, int semflg)
{
    if (nsems < 0 || nsems > LINUX_SEMMSL)
        return -LINUX_EINVAL;
    struct ipc_obj *o;
    long err = ipc_lookup(s->emu, IPC_KIND_SEM, key, semflg, &o);
    if (err < 0)
        return err;
    if (o)
        return nsems > ((struct sem_set *)o)->nsems ? -LINUX_EINVAL : o->id;
    if (!nsems)
        return -LINUX_EINVAL;
    struct sem_set *set = calloc(1, sizeof *set);
    if (!set || !(set->sems = calloc((size_t)nsems, sizeof *set->sems))) {
        free(set);
        return -LINUX_ENOMEM;
    }
    set->nsems = nsems;
    void *keep = set->sems;
    long id = ipc_add(s, &set->o, IPC_KIND_SEM, key, semflg);
    if (id < 0)
        free(keep);
    return id;
}

/* Can every op be done now?  -1 yes; else the index of the one that
 * must wait; -ERANGE past SEMVMX. */
static long sem_try(const struct sem_set *set, const struct linux_sembuf *ops, unsigned n)
{
    int vals[n ? n : 1];
    for (unsigned i = 0; i < n; i++) {
        /* Earlier ops of the same call count. */
        vals[i] = set->sems[ops[i].num].val;
        for (unsigned j = 0; j < i; j++)
            if (ops[j].num == ops[i].num)
                vals[i] = vals[j];
        int v = vals[i] + ops[i].op;
        if (ops[i].op > 0 && v > LINUX_SEMVMX)
            return -LINUX_ERANGE;
        if ((ops[i].op == 0 && vals[i] != 0) || v < 0)
            return i;
        vals[i] = v;
    }
    return -1;
}

static long do_semop(struct sys *s, int semid, uaddr_t tsops, unsigned nsops, uaddr_t timeout)
{
    struct proc *p = s->p;
    p->sem_wait_id = -1;
    if (nsops < 1 || semid < 0)
        return -LINUX_EINVAL;
    if (nsops > LINUX_SEMOPM)
        return -LINUX_E2BIG;
    struct linux_sembuf ops[LINUX_SEMOPM];
    if (copy_in(s, ops, tsops, nsops * sizeof ops[0]) < 0)
        return -LINUX_EFAULT;
    uint64_t ns = 0;
    long err = timeout ? timespec_ns(s, timeout, &ns) : 0;
    if (err < 0)
        return err;
    struct sem_set *set = (struct sem_set *)ipc_find(s->emu, IPC_KIND_SEM, semid);
    if (!set)
        return s->retried ? -LINUX_EIDRM : -LINUX_EINVAL;
    for (unsigned i = 0; i < nsops; i++)
        if (ops[i].num >= set->nsems)
            return -LINUX_EFBIG;
    long wait = sem_try(set, ops, nsops);
    if (wait < -1)
        return wait;
    if (wait >= 0) {
        if (ops[wait].flg & LINUX_IPC_NOWAIT)
            return -LINUX_EAGAIN;
        p->sem_wait_id = semid;
        p->sem_wait_num = ops[wait].num;
        p->sem_wait_zero = ops[wait].op == 0;
        if (!timeout)
            sys_wait_and_retry(s, true);
        else if (sys_wait_until(s, ns, true))
            return -LINUX_EAGAIN;
        return 0;
    }
    for (unsigned i = 0; i < nsops; i++) {
        int16_t *adj = ops[i].flg & LINUX_SEM_UNDO ? undo_of(s->emu, p->tg->tgid, set) : NULL;
        if (adj)
            adj[ops[i].num] = (int16_t)(adj[ops[i].num] - ops[i].op);
        set->sems[ops[i].num].val += ops[i].op;
        set->sems[ops[i].num].pid = p->tg->tgid;
    }
    set->otime = ipc_now(s->emu);
    proc_wake_all(s->emu);
    return 0;
}

long sys_semop(struct sys *s, int semid, uaddr_t tsops, unsigned int nsops)
{
    return do_semop(s, semid, tsops, nsops, 0);
}

long sys_semtimedop(struct sys *s, int semid, uaddr_t tsops, unsigned int nsops, uaddr_t timeout)
{
    return do_semop(s, semid, tsops, nsops, timeout);
}

/* Tasks blocked in semop for semaphore num of set to grow (or be 0). */
static long waiters(struct emu *emu, const struct sem_set *set, int num, bool zero)
{
    long n = 0;
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *q = emu->procs[i];
        n += q && q->state == PROC_BLOCKED && q->restart &&
             (q->last_nr == NR_SEMOP || q->last_nr == NR_SEMTIMEDOP) &&
             q->sem_wait_id == set->o.id && q->sem_wait_num == num && q->sem_wait_zero == zero;
    }
    return n;
}

/* SETVAL and SETALL: the values change, every process's adjustments of
 * them are forgotten. */
static void sem_assign(struct sys *s, struct sem_set *set, int num, int val)
{
    struct ipc_space *sp = s->emu->ipc;
    for (size_t i = 0; i < sp->nundo; i++)
        if (sp->undo[i].semid == set->o.id)
            sp->undo[i].adj[num] = 0;
    set->sems[num].val = val;
    set->sems[num].pid = s->p->tg->tgid;
    set->o.ctime = ipc_now(s->emu);
    proc_wake_all(s->emu);
}

static long sem_all(struct sys *s, struct sem_set *set, int cmd, uaddr_t arg)
{
    uint16_t *v = calloc((size_t)set->nsems, sizeof *v);
    if (!v)
        return -LINUX_ENOMEM;
    long err = 0;
    size_t len = (size_t)set->nsems * sizeof *v;
    if (cmd == LINUX_GETALL) {
        for (int i = 0; i < set->nsems; i++)
            v[i] = (uint16_t)set->sems[i].val;
        err = copy_out(s, arg, v, len) < 0 ? -LINUX_EFAULT : 0;
    } else if (copy_in(s, v, arg, len) < 0) {
        err = -LINUX_EFAULT;
    } else {
        for (int i = 0; i < set->nsems && !err; i++)
            if (v[i] > LINUX_SEMVMX)
                err = -LINUX_ERANGE;
        for (int i = 0; i < set->nsems && !err; i++)
            sem_assign(s, set, i, v[i]);
    }
    free(v);
    return err;
}

static long sem_stat(struct sys *s, struct sem_set *set, uaddr_t buf)
{
    struct linux_semid64_ds ds = {.otime = set->otime, .ctime = set->o.ctime,
                                  .nsems = (uint64_t)set->nsems};
    ipc_perm_out(&set->o, &ds.perm);
    return copy_out(s, buf, &ds, sizeof ds) < 0 ? -LINUX_EFAULT : 0;
}

static long sem_info(struct sys *s, uaddr_t buf)
{
    struct linux_seminfo info = {.semmap = LINUX_SEMMNS, .semmni = LINUX_SEMMNI,
                                 .semmns = LINUX_SEMMNS, .semmnu = LINUX_SEMMNS,
                                 .semmsl = LINUX_SEMMSL, .semopm = LINUX_SEMOPM,
                                 .semume = LINUX_SEMOPM, .semusz = 20,
                                 .semvmx = LINUX_SEMVMX, .semaem = LINUX_SEMAEM};
    return copy_out(s, buf, &info, sizeof info) < 0 ? -LINUX_EFAULT
                                                    : ipc_max_index(s->emu, IPC_KIND_SEM);
}

long sys_semctl(struct sys *s, int semid, int semnum, int cmd, unsigned long arg)
{
    cmd &= ~LINUX_IPC_64;
    if (cmd == LINUX_IPC_INFO || cmd == LINUX_SEM_INFO)
        return sem_info(s, arg);
    if (cmd == LINUX_SEM_STAT || cmd == LINUX_SEM_STAT_ANY) {
        struct sem_set *set = (struct sem_set *)ipc_at(s->emu, IPC_KIND_SEM, semid);
        long err = set ? sem_stat(s, set, arg) : -LINUX_EINVAL;
        return err ? err : set->o.id;
    }
    struct sem_set *set = (struct sem_set *)ipc_find(s->emu, IPC_KIND_SEM, semid);
    if (!set)
        return -LINUX_EINVAL;
    bool one = cmd == LINUX_GETVAL || cmd == LINUX_SETVAL || cmd == LINUX_GETPID ||
               cmd == LINUX_GETNCNT || cmd == LINUX_GETZCNT;
    if (one && (semnum < 0 || semnum >= set->nsems))
        return -LINUX_EINVAL;
    switch (cmd) {
    case LINUX_IPC_STAT:
        return sem_stat(s, set, arg);
    case LINUX_IPC_SET:
        return ipc_perm_set(s, &set->o, arg);
    case LINUX_IPC_RMID:
        ipc_remove(s->emu, &set->o);
        return 0;
    case LINUX_GETVAL:
        return set->sems[semnum].val;
    case LINUX_GETPID:
        return set->sems[semnum].pid;
    case LINUX_GETNCNT:
    case LINUX_GETZCNT:
        return waiters(s->emu, set, semnum, cmd == LINUX_GETZCNT);
    case LINUX_SETVAL:
        if ((int)arg < 0 || (int)arg > LINUX_SEMVMX)
            return -LINUX_ERANGE;
        sem_assign(s, set, semnum, (int)arg);
        return 0;
    case LINUX_GETALL:
    case LINUX_SETALL:
        return sem_all(s, set, cmd, arg);
    default:
        return -LINUX_EINVAL;
    }
}
