/* sysv_ipc: System V shared memory, semaphores and message queues between
 * a parent and its children, and POSIX shared memory in /dev/shm: stores
 * seen both ways, shm_nattch, IPC_RMID while attached, waits that block
 * and are woken, SEM_UNDO, timeouts, EIDRM, message types, the errors.
 * Prints one line per check (never an id or a time, which differ from
 * run to run). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

#define KEY 0x464c5431

static pid_t child(void)
{
    fflush(stdout);
    return fork();
}

static void done(int code)
{
    fflush(stdout);
    _exit(code);
}

static void on_segv(int sig)
{
    (void)sig;
    _exit(7);
}

static long nattch(int id)
{
    struct shmid_ds ds;
    return shmctl(id, IPC_STAT, &ds) < 0 ? -1 : (long)ds.shm_nattch;
}

static void shm(void)
{
    int old = shmget(KEY, 0, 0);
    if (old >= 0)
        shmctl(old, IPC_RMID, NULL);
    int id = shmget(KEY, 3 * 4096, IPC_CREAT | IPC_EXCL | 0600);
    show("shmget key", id >= 0);
    show("shmget again, IPC_EXCL", shmget(KEY, 4096, IPC_CREAT | IPC_EXCL | 0600));
    show("shmget again, larger", shmget(KEY, 4 * 4096, 0600));
    show("shmget again", shmget(KEY, 4096, 0) == id);
    volatile char *m = shmat(id, NULL, 0);
    show("shmat", m != (void *)-1);
    struct shmid_ds ds;
    shmctl(id, IPC_STAT, &ds);
    printf("segsz %zu mode %o nattch %lu cpid self %d\n", ds.shm_segsz, ds.shm_perm.mode & 0777,
           (unsigned long)ds.shm_nattch, ds.shm_cpid == getpid());
    m[0] = 'p';
    pid_t c = child();
    if (c == 0) {
        printf("child sees %c, nattch %ld\n", m[0], nattch(id));
        volatile char *again = shmat(id, NULL, SHM_RDONLY);
        printf("second attach sees %c, nattch %ld\n", again[0], nattch(id));
        m[4096] = 'c';
        printf("through the first attach, the second sees %c\n", again[4096]);
        shmdt((void *)again);
        done(0);
    }
    printf("child exit %d\n", reap(c));
    printf("parent sees %c, nattch %ld\n", m[4096], nattch(id));
    c = child();
    if (c == 0) {
        signal(SIGSEGV, on_segv);
        volatile char *ro = shmat(id, NULL, SHM_RDONLY);
        ro[0] = 'x';
        done(0);
    }
    printf("store to SHM_RDONLY: child exit %d\n", reap(c));
    show("IPC_RMID attached", shmctl(id, IPC_RMID, NULL));
    shmctl(id, IPC_STAT, &ds);
    printf("removed: SHM_DEST %d key %d\n", !!(ds.shm_perm.mode & SHM_DEST), ds.shm_perm.__key);
    show("shmget of the removed key", shmget(KEY, 4096, 0));
    m[1] = 'z';
    show("still usable", m[1] == 'z');
    show("shmdt", shmdt((void *)m));
    show("IPC_STAT after the last detach", nattch(id));
    show("shmdt again", shmdt((void *)m));
    show("shmget size 0", shmget(IPC_PRIVATE, 0, 0600));
    show("shmat bad id", (long)shmat(-5, NULL, 0));
    id = shmget(IPC_PRIVATE, 4096, 0600);
    show("shmat unaligned", (long)shmat(id, (void *)0x10000123, 0));
    void *r = shmat(id, (void *)0x10000123, SHM_RND);
    show("shmat SHM_RND", r == (void *)0x10000000);
    show("shmdt inside", shmdt((char *)r + 4096));
    shmdt(r);
    shmctl(id, IPC_RMID, NULL);
}

static int semval(int id, int n)
{
    return semctl(id, n, GETVAL);
}

static void sem(void)
{
    int id = semget(IPC_PRIVATE, 2, 0600);
    show("semget", id >= 0);
    struct sembuf down = {0, -1, 0}, up = {0, 1, 0};
    pid_t c = child();
    if (c == 0) {
        show("child semop -1 (waits)", semop(id, &down, 1));
        done(0);
    }
    nap();
    show("GETNCNT", semctl(id, 0, GETNCNT));
    show("semop +1", semop(id, &up, 1));
    printf("child exit %d\n", reap(c));
    printf("value %d\n", semval(id, 0));
    c = child();
    if (c == 0) {
        struct sembuf undo = {1, 5, SEM_UNDO};
        semop(id, &undo, 1);
        printf("child: sem 1 is %d, GETPID self %d\n", semval(id, 1),
               semctl(id, 1, GETPID) == getpid());
        done(0);
    }
    reap(c);
    printf("after the child's exit, SEM_UNDO: sem 1 is %d\n", semval(id, 1));
    struct sembuf two[2] = {{1, 1, 0}, {0, -1, IPC_NOWAIT}};
    show("semop all or nothing, IPC_NOWAIT", semop(id, two, 2));
    printf("sem 1 unchanged: %d\n", semval(id, 1));
    struct timespec ts = {0, 50000000};
    show("semtimedop times out", semtimedop(id, &down, 1, &ts));
    show("SETVAL 3", semctl(id, 0, SETVAL, 3));
    struct sembuf zero = {0, 0, 0};
    c = child();
    if (c == 0) {
        show("child waits for zero", semop(id, &zero, 1));
        done(0);
    }
    nap();
    show("GETZCNT", semctl(id, 0, GETZCNT));
    struct sembuf minus3 = {0, -3, 0};
    semop(id, &minus3, 1);
    printf("child exit %d\n", reap(c));
    unsigned short all[2] = {7, 8}, got[2];
    show("SETALL", semctl(id, 0, SETALL, all));
    semctl(id, 0, GETALL, got);
    printf("GETALL %d %d\n", got[0], got[1]);
    struct semid_ds ds;
    semctl(id, 0, IPC_STAT, &ds);
    printf("nsems %lu mode %o\n", (unsigned long)ds.sem_nsems, ds.sem_perm.mode & 0777);
    show("SETVAL too big", semctl(id, 0, SETVAL, 40000));
    struct sembuf bad = {5, 1, 0};
    show("semop bad number", semop(id, &bad, 1));
    show("semop no ops", semop(id, &bad, 0));
    struct sembuf many[501] = {{0, 0, 0}};
    show("semop 501 ops", semop(id, many, 501));
    show("semget 0 new", semget(IPC_PRIVATE, 0, 0600));
    semctl(id, 0, SETVAL, 0);
    c = child();
    if (c == 0) {
        show("child waits, the set is removed", semop(id, &down, 1));
        done(0);
    }
    nap();
    show("IPC_RMID", semctl(id, 0, IPC_RMID));
    printf("child exit %d\n", reap(c));
    show("GETVAL removed", semctl(id, 0, GETVAL));
}

struct text {
    long type;
    char text[32];
};

static void msg(void)
{
    int id = msgget(IPC_PRIVATE, 0600);
    show("msgget", id >= 0);
    pid_t c = child();
    if (c == 0) {
        struct text t = {0};
        long n = msgrcv(id, &t, sizeof t.text, 2, 0);
        printf("child got type 2 (waited): %ld %ld %s\n", n, t.type, t.text);
        done(0);
    }
    nap();
    struct text one = {1, "one"}, two = {2, "two"}, three = {3, "three"};
    show("msgsnd 1", msgsnd(id, &one, 4, 0));
    show("msgsnd 2", msgsnd(id, &two, 4, 0));
    printf("child exit %d\n", reap(c));
    msgsnd(id, &three, 6, 0);
    msgsnd(id, &two, 4, 0);
    struct msqid_ds ds;
    msgctl(id, IPC_STAT, &ds);
    printf("qnum %lu cbytes %lu qbytes %lu lspid self %d\n", (unsigned long)ds.msg_qnum,
           (unsigned long)ds.__msg_cbytes, (unsigned long)ds.msg_qbytes, ds.msg_lspid == getpid());
    struct text t;
    show("msgrcv lowest type <= 5", msgrcv(id, &t, sizeof t.text, -5, 0));
    printf("got %ld %s\n", t.type, t.text);
    show("msgrcv MSG_EXCEPT 3", msgrcv(id, &t, sizeof t.text, 3, MSG_EXCEPT));
    printf("got %ld %s\n", t.type, t.text);
    show("msgrcv too small", msgrcv(id, &t, 2, 0, 0));
    show("msgrcv MSG_NOERROR", msgrcv(id, &t, 2, 0, MSG_NOERROR));
    printf("got %ld %.2s\n", t.type, t.text);
    show("msgrcv empty, IPC_NOWAIT", msgrcv(id, &t, sizeof t.text, 0, IPC_NOWAIT));
    ds.msg_qbytes = 8;
    show("IPC_SET qbytes 8", msgctl(id, IPC_SET, &ds));
    show("msgsnd 6 bytes", msgsnd(id, &three, 6, IPC_NOWAIT));
    show("msgsnd full, IPC_NOWAIT", msgsnd(id, &three, 6, IPC_NOWAIT));
    struct text zero = {0, "x"};
    show("msgsnd type 0", msgsnd(id, &zero, 2, 0));
    show("msgsnd too big", msgsnd(id, &three, 9000, 0));
    msgrcv(id, &t, sizeof t.text, 0, 0);
    c = child();
    if (c == 0) {
        show("child waits, the queue is removed", msgrcv(id, &t, sizeof t.text, 0, 0));
        done(0);
    }
    nap();
    show("IPC_RMID", msgctl(id, IPC_RMID, NULL));
    printf("child exit %d\n", reap(c));
    show("msgsnd removed", msgsnd(id, &one, 4, 0));
}

static void posix_shm(void)
{
    shm_unlink("/faultline-test");
    int fd = shm_open("/faultline-test", O_CREAT | O_EXCL | O_RDWR, 0600);
    show("shm_open", fd >= 0);
    show("ftruncate", ftruncate(fd, 8192));
    volatile char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    m[0] = 'a';
    pid_t c = child();
    if (c == 0) {
        int f = shm_open("/faultline-test", O_RDWR, 0);
        volatile char *o = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
        printf("child sees %c\n", o[0]);
        o[4096] = 'b';
        done(0);
    }
    reap(c);
    printf("parent sees %c\n", m[4096]);
    show("shm_unlink", shm_unlink("/faultline-test"));
    show("shm_open unlinked", shm_open("/faultline-test", O_RDWR, 0));
}

int main(void)
{
    shm();
    sem();
    msg();
    posix_shm();
    return 0;
}
