/*
 * ipc.c - what System V shared memory, semaphores and message queues
 * share: the tables of objects by id and key, permissions, times.  The
 * guest's permissions are kept and reported but not enforced (faultline
 * runs every guest process as the host's user).
 */
#include "emu/sys/ipc.h"

#include <stdlib.h>
#include <unistd.h>

struct ipc_space *ipc_space(struct emu *emu)
{
    if (!emu->ipc)
        emu->ipc = calloc(1, sizeof *emu->ipc);
    return emu->ipc;
}

struct ipc_obj *ipc_at(struct emu *emu, enum ipc_kind kind, int idx)
{
    struct ipc_space *sp = emu->ipc;
    return sp && idx >= 0 && idx < sp->nslots[kind] ? sp->slots[kind][idx] : NULL;
}

struct ipc_obj *ipc_find(struct emu *emu, enum ipc_kind kind, int id)
{
    struct ipc_obj *o = id < 0 ? NULL : ipc_at(emu, kind, id % LINUX_IPCMNI);
    return o && o->id == id ? o : NULL;
}

int ipc_max_index(struct emu *emu, enum ipc_kind kind)
{
    int max = 0;
    for (int i = 0; emu->ipc && i < emu->ipc->nslots[kind]; i++)
        if (emu->ipc->slots[kind][i])
            max = i;
    return max;
}

long ipc_lookup(struct emu *emu, enum ipc_kind kind, int32_t key, int flags,
                struct ipc_obj **found)
{
    *found = NULL;
    struct ipc_space *sp = emu->ipc;
    for (int i = 0; key != LINUX_IPC_PRIVATE && sp && i < sp->nslots[kind]; i++) {
        struct ipc_obj *o = sp->slots[kind][i];
        if (o && o->key == key) {
            if ((flags & LINUX_IPC_CREAT) && (flags & LINUX_IPC_EXCL))
                return -LINUX_EEXIST;
            *found = o;
            return 0;
        }
    }
    return key == LINUX_IPC_PRIVATE || (flags & LINUX_IPC_CREAT) ? 0 : -LINUX_ENOENT;
}

long ipc_add(struct sys *s, struct ipc_obj *o, enum ipc_kind kind, int32_t key, int flags)
{
    struct ipc_space *sp = ipc_space(s->emu);
    int limit = kind == IPC_KIND_SHM ? LINUX_SHMMNI : kind == IPC_KIND_SEM ? LINUX_SEMMNI
                                                                          : LINUX_MSGMNI;
    int slot = 0;
    while (sp && slot < sp->nslots[kind] && sp->slots[kind][slot])
        slot++;
    if (!sp || slot >= limit) {
        free(o);
        return sp ? -LINUX_ENOSPC : -LINUX_ENOMEM;
    }
    if (slot == sp->nslots[kind]) {
        struct ipc_obj **v = realloc(sp->slots[kind], (size_t)(slot + 1) * sizeof *v);
        if (!v) {
            free(o);
            return -LINUX_ENOMEM;
        }
        sp->slots[kind] = v;
        sp->nslots[kind] = slot + 1;
    }
    o->kind = kind;
    o->key = key;
    o->seq = sp->seq[kind]++;
    o->id = (int)(o->seq % (INT32_MAX / LINUX_IPCMNI)) * LINUX_IPCMNI + slot;
    o->uid = o->cuid = (uint32_t)geteuid();
    o->gid = o->cgid = (uint32_t)getegid();
    o->mode = (uint16_t)(flags & 0777);
    o->ctime = ipc_now(s->emu);
    sp->slots[kind][slot] = o;
    return o->id;
}

void ipc_remove(struct emu *emu, struct ipc_obj *o)
{
    emu->ipc->slots[o->kind][o->id % LINUX_IPCMNI] = NULL;
    switch (o->kind) {
    case IPC_KIND_SHM:
        shm_release(emu, o);
        break;
    case IPC_KIND_SEM:
        sem_release(emu, o);
        break;
    default:
        msg_release(emu, o);
        break;
    }
    free(o);
    proc_wake_all(emu); /* its waiters find it gone (EIDRM) */
}

void ipc_perm_out(const struct ipc_obj *o, struct linux_ipc64_perm *out)
{
    *out = (struct linux_ipc64_perm){.key = o->key, .uid = o->uid, .gid = o->gid,
                                     .cuid = o->cuid, .cgid = o->cgid, .mode = o->mode,
                                     .seq = o->seq};
}

long ipc_perm_set(struct sys *s, struct ipc_obj *o, uaddr_t buf)
{
    struct linux_ipc64_perm perm;
    if (copy_in(s, &perm, buf, sizeof perm) < 0)
        return -LINUX_EFAULT;
    o->uid = perm.uid;
    o->gid = perm.gid;
    o->mode = (uint16_t)((o->mode & ~0777) | (perm.mode & 0777));
    o->ctime = ipc_now(s->emu);
    return 0;
}

int64_t ipc_now(struct emu *emu)
{
    return (int64_t)((emu_monotonic(emu) + emu_realtime_offset(emu)) / 1000000000ULL);
}

void ipc_free(struct emu *emu)
{
    struct ipc_space *sp = emu->ipc;
    if (!sp)
        return;
    for (int k = 0; k < IPC_KINDS; k++) {
        for (int i = 0; i < sp->nslots[k]; i++)
            if (sp->slots[k][i])
                ipc_remove(emu, sp->slots[k][i]);
        free(sp->slots[k]);
    }
    for (size_t i = 0; i < sp->nundo; i++)
        free(sp->undo[i].adj);
    free(sp->undo);
    free(sp);
    emu->ipc = NULL;
}
