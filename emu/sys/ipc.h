/*
 * ipc.h - System V IPC between guest processes: one table per kind
 * (shared memory, semaphore sets, message queues) of objects named by a
 * key and an id, kept in the emulator (struct ipc_space); what the three
 * families share, and their pieces that other files call.
 */
#ifndef FAULTLINE_SYS_IPC_H
#define FAULTLINE_SYS_IPC_H

#include "emu/abi/ipc.h"
#include "emu/sys/sys.h"

enum ipc_kind { IPC_KIND_SHM, IPC_KIND_SEM, IPC_KIND_MSG, IPC_KINDS };

/* What every IPC object has; the first member of each kind's struct. */
struct ipc_obj {
    enum ipc_kind kind;
    int id;                  /* seq * IPCMNI + slot, as Linux numbers them */
    int32_t key;
    uint32_t uid, gid, cuid, cgid;
    uint16_t mode;           /* permission bits (and SHM_DEST) */
    uint16_t seq;
    int64_t ctime;
};

/* A process's SEM_UNDO adjustments for one semaphore set. */
struct sem_undo {
    int tgid, semid;
    int16_t *adj;            /* one per semaphore of the set */
};

struct ipc_space {
    struct ipc_obj **slots[IPC_KINDS];
    int nslots[IPC_KINDS];
    uint16_t seq[IPC_KINDS];
    struct sem_undo *undo;
    size_t nundo, capundo;
};

/* The machine's IPC tables, made at first use (NULL when out of memory). */
struct ipc_space *ipc_space(struct emu *emu);
/* The object of kind with id, or NULL. */
struct ipc_obj *ipc_find(struct emu *emu, enum ipc_kind kind, int id);
/* The object at table slot idx (the *_STAT commands), or NULL. */
struct ipc_obj *ipc_at(struct emu *emu, enum ipc_kind kind, int idx);
/* The highest slot in use, or 0 (the *_INFO commands). */
int ipc_max_index(struct emu *emu, enum ipc_kind kind);
/* The get calls' common part: key (not IPC_PRIVATE) already names one:
 * *found (or -EEXIST with IPC_CREAT|IPC_EXCL); none: 0 with *found NULL
 * when IPC_CREAT asks for one, else -ENOENT. */
long ipc_lookup(struct emu *emu, enum ipc_kind kind, int32_t key, int flags,
                struct ipc_obj **found);
/* Enter o (its kind's struct, calloc'd, owned from now on) with key and
 * the permission bits of flags; its id, or -ENOSPC / -ENOMEM (o freed). */
long ipc_add(struct sys *s, struct ipc_obj *o, enum ipc_kind kind, int32_t key, int flags);
/* Take o out of its table and free it. */
void ipc_remove(struct emu *emu, struct ipc_obj *o);
/* The guest's view of o's permissions; IPC_SET's change of them from
 * the perm at the start of a guest *id64_ds. */
void ipc_perm_out(const struct ipc_obj *o, struct linux_ipc64_perm *out);
long ipc_perm_set(struct sys *s, struct ipc_obj *o, uaddr_t buf);
/* The guest's CLOCK_REALTIME in seconds (the *time fields). */
int64_t ipc_now(struct emu *emu);
/* Every object goes (the end of the run). */
void ipc_free(struct emu *emu);

/* Each kind's own part of ipc_remove. */
void shm_release(struct emu *emu, struct ipc_obj *o);
void sem_release(struct emu *emu, struct ipc_obj *o);
void msg_release(struct emu *emu, struct ipc_obj *o);
/* sem.c: p's process ended: its SEM_UNDO adjustments are made. */
void sem_exit(struct emu *emu, int tgid);

#endif
