/*
 * ipc.h - the x86-64 Linux ABI of System V IPC (shm, sem, msg): the
 * constants and layouts the guest passes, in the LINUX_ namespace.
 */
#ifndef FAULTLINE_ABI_IPC_H
#define FAULTLINE_ABI_IPC_H

#include <stdint.h>

#define LINUX_ENOMSG 42
#define LINUX_EIDRM 43

#define LINUX_IPC_PRIVATE 0
#define LINUX_IPC_CREAT 01000
#define LINUX_IPC_EXCL 02000
#define LINUX_IPC_NOWAIT 04000
#define LINUX_IPC_RMID 0
#define LINUX_IPC_SET 1
#define LINUX_IPC_STAT 2
#define LINUX_IPC_INFO 3
#define LINUX_IPC_64 0x100

#define LINUX_SHM_RDONLY 010000
#define LINUX_SHM_RND 020000
#define LINUX_SHM_REMAP 040000
#define LINUX_SHM_EXEC 0100000
#define LINUX_SHM_LOCK 11
#define LINUX_SHM_UNLOCK 12
#define LINUX_SHM_STAT 13
#define LINUX_SHM_INFO 14
#define LINUX_SHM_STAT_ANY 15
#define LINUX_SHM_DEST 01000      /* shm_perm.mode: removed, still attached */

#define LINUX_GETPID 11
#define LINUX_GETVAL 12
#define LINUX_GETALL 13
#define LINUX_GETNCNT 14
#define LINUX_GETZCNT 15
#define LINUX_SETVAL 16
#define LINUX_SETALL 17
#define LINUX_SEM_STAT 18
#define LINUX_SEM_INFO 19
#define LINUX_SEM_STAT_ANY 20
#define LINUX_SEM_UNDO 0x1000

#define LINUX_MSG_STAT 11
#define LINUX_MSG_INFO 12
#define LINUX_MSG_STAT_ANY 13
#define LINUX_MSG_NOERROR 010000
#define LINUX_MSG_EXCEPT 020000
#define LINUX_MSG_COPY 040000

/* Linux's default limits (ipc/util.h, include/uapi/linux/{shm,sem,msg}.h). */
#define LINUX_IPCMNI 32768
#define LINUX_SHMMIN 1
#define LINUX_SHMMNI 4096
#define LINUX_SHMMAX (UINT64_MAX - (1ULL << 24))
#define LINUX_SHMALL (UINT64_MAX - (1ULL << 24))
#define LINUX_SEMMSL 32000
#define LINUX_SEMMNI 32000
#define LINUX_SEMMNS (LINUX_SEMMNI * LINUX_SEMMSL)
#define LINUX_SEMOPM 500
#define LINUX_SEMVMX 32767
#define LINUX_SEMAEM LINUX_SEMVMX
#define LINUX_MSGMAX 8192
#define LINUX_MSGMNB 16384
#define LINUX_MSGMNI 32000

struct linux_ipc64_perm {
    int32_t key;
    uint32_t uid, gid, cuid, cgid;
    uint16_t mode, pad1, seq, pad2;
    uint64_t unused1, unused2;
};
_Static_assert(sizeof(struct linux_ipc64_perm) == 48, "ipc64_perm layout");

struct linux_shmid64_ds {
    struct linux_ipc64_perm perm;
    uint64_t segsz;
    int64_t atime, dtime, ctime;
    int32_t cpid, lpid;
    uint64_t nattch, unused4, unused5;
};
_Static_assert(sizeof(struct linux_shmid64_ds) == 112, "shmid64_ds layout");

struct linux_shminfo64 {
    uint64_t shmmax, shmmin, shmmni, shmseg, shmall, unused1, unused2, unused3, unused4;
};

struct linux_semid64_ds {
    struct linux_ipc64_perm perm;
    int64_t otime;
    uint64_t unused1;
    int64_t ctime;
    uint64_t unused2;
    uint64_t nsems, unused3, unused4;
};
_Static_assert(sizeof(struct linux_semid64_ds) == 104, "semid64_ds layout");

struct linux_seminfo {
    int32_t semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem;
};

struct linux_sembuf {
    uint16_t num;
    int16_t op;
    int16_t flg;
};

struct linux_msqid64_ds {
    struct linux_ipc64_perm perm;
    int64_t stime, rtime, ctime;
    uint64_t cbytes, qnum, qbytes;
    int32_t lspid, lrpid;
    uint64_t unused4, unused5;
};
_Static_assert(sizeof(struct linux_msqid64_ds) == 120, "msqid64_ds layout");

struct linux_msginfo {
    int32_t msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql;
    uint16_t msgseg;
};

#endif
