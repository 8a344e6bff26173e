/* mem_errors: the argument errors of mincore, mprotect, madvise and msync,
 * case by case from their man pages' ERRORS sections and the order Linux
 * checks them in (unaligned starts, empty, wrapping and too long lengths,
 * holes, bad vectors, flags, protections and advice, PROT_GROWSDOWN and
 * PROT_GROWSUP, advice an area does not take), and what a call that fails
 * on a hole has already done to the areas before it.  Prints one line per
 * case. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "show.h"

/* Advice newer than some libcs' headers. */
#ifndef MADV_COLD
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif

#define PAGE 4096
#define KERNEL_ADDR ((void *)0xffff800000000000UL)
#define UNMAPPED ((void *)0x10000)
/* The top of the user half (4-level paging). */
#define USER_TOP 0x7ffffffff000UL

static int zero_fd;

/* Can the kernel store into p?  read() of /dev/zero answers: 1 or EFAULT. */
static void writable(const char *what, void *p)
{
    show(what, read(zero_fd, p, 1));
}

/* n pages of private anonymous memory with prot; page hole (if >= 0)
 * unmapped again. */
static char *area(int n, int prot, int hole)
{
    char *m = mmap(NULL, (size_t)n * PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (hole >= 0)
        munmap(m + hole * PAGE, PAGE);
    return m;
}

static void mincore_cases(char *m)
{
    unsigned char vec[16];
    char *ro = area(1, PROT_READ, -1);
    show("mincore ok", mincore(m, 4096, vec)); printf("vec %d\n", vec[0]);
    show("mincore unaligned", mincore(m + 1, 4096, vec));
    show("mincore len 0", mincore(m, 0, vec));
    show("mincore len 1", mincore(m, 1, vec));
    show("mincore hole", mincore(m, 4 * 4096, vec));
    memset(vec, 7, sizeof vec);
    show("mincore hole, answers before it", mincore(m, 4 * 4096, vec));
    printf("vec %d %d %d %d\n", vec[0], vec[1], vec[2], vec[3]);
    show("mincore past end", mincore(m, (size_t)-4096, vec));
    show("mincore len huge", mincore(m, (size_t)-1, vec));
    show("mincore len to the top", mincore(m, USER_TOP - (uintptr_t)m + 1, vec));
    show("mincore bad vec", mincore(m, 4096, (void *)8));
    show("mincore read-only vec", mincore(m, 4096, (void *)ro));
    show("mincore kernel vec", mincore(m, 4096, KERNEL_ADDR));
    show("mincore vec past the top", mincore(m, 2 * 4096, (void *)(USER_TOP - 1)));
    show("mincore kernel vec unmapped", mincore(UNMAPPED, 4096, KERNEL_ADDR));
    show("mincore bad vec unmapped", mincore(UNMAPPED, 4096, (void *)8));
    show("mincore unaligned kernel vec", mincore(m + 1, 4096, KERNEL_ADDR));
    show("mincore unmapped", mincore(UNMAPPED, 4096, vec));
    show("mincore unmapped len 0", mincore(UNMAPPED, 0, vec));
    show("mincore kernel addr", mincore(KERNEL_ADDR, 4096, vec));
    show("mincore kernel addr len 0", mincore(KERNEL_ADDR, 0, vec));
}

static void mprotect_grows_cases(char *m)
{
    char *h = area(3, PROT_READ | PROT_WRITE, 0); /* page 0 a hole below the area */
    int stack;
    char *sp = (char *)((uintptr_t)&stack & ~(uintptr_t)(PAGE - 1));
    show("mprotect growsdown+up", mprotect(m, 4096, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP));
    show("mprotect growsdown non-stack", mprotect(m, 4096, PROT_READ | PROT_GROWSDOWN));
    show("mprotect growsdown unmapped", mprotect(UNMAPPED, 4096, PROT_READ | PROT_GROWSDOWN));
    show("mprotect growsdown hole below non-stack",
         mprotect(h, 2 * 4096, PROT_READ | PROT_GROWSDOWN));
    show("mprotect growsdown len 0", mprotect(m, 0, PROT_READ | PROT_GROWSDOWN));
    show("mprotect growsdown stack",
         mprotect(sp, 4096, PROT_READ | PROT_WRITE | PROT_GROWSDOWN));
    show("mprotect growsup", mprotect(m, 4096, PROT_READ | PROT_GROWSUP));
    show("mprotect growsup unmapped", mprotect(UNMAPPED, 4096, PROT_READ | PROT_GROWSUP));
    show("mprotect growsup len 0", mprotect(m, 0, PROT_READ | PROT_GROWSUP));
    show("mprotect growsup unaligned", mprotect(m + 1, 4096, PROT_READ | PROT_GROWSUP));
}

/* A shared mapping of a file opened read-only may never be made writable,
 * even while another mapping of it, from a writable descriptor, is; nor
 * may a System V segment attached read-only. */
static void mprotect_nowrite_cases(void)
{
    int id = shmget(IPC_PRIVATE, PAGE, IPC_CREAT | 0600);
    char *seg = shmat(id, NULL, SHM_RDONLY);
    shmctl(id, IPC_RMID, NULL);
    show("mprotect shm attached read-only", mprotect(seg, 4096, PROT_READ | PROT_WRITE));
    shmdt(seg);
    int rw = open("mem_errors.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int rd = open("mem_errors.data", O_RDONLY);
    if (rw < 0 || rd < 0 || ftruncate(rw, 2 * PAGE) < 0) {
        show("mprotect file setup", -1);
        return;
    }
    char *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
    char *r = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, rd, 0);
    show("mprotect shared read-only file", mprotect(r, 4096, PROT_READ | PROT_WRITE));
    show("mprotect shared read-write file", mprotect(w, 4096, PROT_READ));
    /* A read-only anonymous page, then the read-only shared file page. */
    char *a = area(2, PROT_READ, -1);
    mmap(a + PAGE, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, rd, 0);
    show("mprotect anon then shared read-only file",
         mprotect(a, 2 * 4096, PROT_READ | PROT_WRITE));
    writable("  the anonymous page before it writable", a);
    char *p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, rd, 0);
    show("mprotect private read-only file", mprotect(p, 4096, PROT_READ | PROT_WRITE));
    close(rw);
    close(rd);
    unlink("mem_errors.data");
}

static void mprotect_cases(char *m)
{
    show("mprotect unaligned", mprotect(m + 1, 4096, PROT_READ));
    show("mprotect bad prot", mprotect(m, 4096, 0x100));
    show("mprotect PROT_SEM", mprotect(m, 4096, PROT_READ | PROT_WRITE | 8));
    show("mprotect hole", mprotect(m, 4 * 4096, PROT_READ));
    show("mprotect len 0", mprotect(m, 0, PROT_READ));
    show("mprotect len 0 bad prot", mprotect(m, 0, 0x100));
    show("mprotect len 0 unaligned", mprotect(m + 1, 0, PROT_READ));
    show("mprotect past end", mprotect(m, (size_t)-4096, PROT_READ));
    show("mprotect past end bad prot", mprotect(m, (size_t)-4096, 0x100));
    show("mprotect kernel addr", mprotect(KERNEL_ADDR, 4096, PROT_READ));
    show("mprotect unmapped", mprotect(UNMAPPED, 4096, PROT_READ));
    char *h = area(4, PROT_READ | PROT_WRITE, 2);
    show("mprotect trailing hole", mprotect(h, 4 * 4096, PROT_READ));
    writable("  the pages before the hole writable", h + PAGE);
    writable("  the page after the hole writable", h + 3 * PAGE);
    char *g = area(3, PROT_READ | PROT_WRITE, 0);
    show("mprotect leading hole", mprotect(g, 3 * 4096, PROT_READ));
    writable("  the pages after the hole writable", g + PAGE);
    mprotect_grows_cases(m);
    mprotect_nowrite_cases();
}

static void madvise_area_cases(void)
{
    char *h = area(4, PROT_READ | PROT_WRITE, 2);
    memset(h, 5, 2 * PAGE);
    show("madvise dontneed with a hole", madvise(h, 4 * 4096, MADV_DONTNEED));
    printf("  the page before the hole reads %d\n", h[0]);
    memset(h, 6, PAGE);
    show("madvise dontneed locked", madvise(h, 4096, MADV_DONTNEED_LOCKED));
    printf("  the page reads %d\n", h[0]);
    show("madvise free", madvise(h, 4096, MADV_FREE));
    char *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    s[0] = 7;
    show("madvise free shared", madvise(s, 4096, MADV_FREE));
    show("madvise wipeonfork shared", madvise(s, 4096, MADV_WIPEONFORK));
    show("madvise wipeonfork", madvise(h, 4096, MADV_WIPEONFORK));
    show("madvise keeponfork", madvise(h, 4096, MADV_KEEPONFORK));
    show("madvise remove private", madvise(h, 4096, MADV_REMOVE));
    show("madvise remove shared", madvise(s, 4096, MADV_REMOVE));
    printf("  the shared page reads %d\n", s[0]);
    show("madvise dontfork", madvise(h, 4096, MADV_DONTFORK));
    show("madvise dofork", madvise(h, 4096, MADV_DOFORK));
    show("madvise dontdump", madvise(h, 4096, MADV_DONTDUMP));
    show("madvise dodump", madvise(h, 4096, MADV_DODUMP));
    show("madvise cold", madvise(h, 4096, MADV_COLD));
    show("madvise pageout", madvise(h, 4096, MADV_PAGEOUT));
}

static void madvise_file_cases(void)
{
    int fd = open("mem_errors.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int rd = open("mem_errors.data", O_RDONLY);
    char buf[2 * PAGE];
    memset(buf, 3, sizeof buf);
    if (fd < 0 || rd < 0 || write(fd, buf, sizeof buf) != sizeof buf) {
        show("madvise file setup", -1);
        return;
    }
    char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    char *r = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, rd, 0);
    char *w = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    show("madvise free file", madvise(p, 4096, MADV_FREE));
    show("madvise wipeonfork file", madvise(p, 4096, MADV_WIPEONFORK));
    show("madvise remove private file", madvise(p, 4096, MADV_REMOVE));
    show("madvise remove shared read-only file", madvise(r, 4096, MADV_REMOVE));
    show("madvise remove shared file", madvise(w, 4096, MADV_REMOVE));
    printf("  the page reads %d, the next %d\n", w[0], w[PAGE]);
    show("  pread", pread(rd, buf, sizeof buf, 0));
    printf("  the file holds %d and %d\n", buf[0], buf[PAGE]);
    char *big = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, rd, 0);
    show("madvise populate read beyond the file", madvise(big, 3 * 4096, MADV_POPULATE_READ));
    close(fd);
    close(rd);
    unlink("mem_errors.data");
}

static void madvise_populate_cases(void)
{
    unsigned char vec[4];
    char *a = area(4, PROT_READ | PROT_WRITE, 3);
    show("madvise populate read", madvise(a, 4096, MADV_POPULATE_READ));
    show("madvise populate write", madvise(a + PAGE, 4096, MADV_POPULATE_WRITE));
    mincore(a, 3 * 4096, vec);
    printf("  resident %d %d %d\n", vec[0], vec[1], vec[2]);
    show("madvise populate with a hole", madvise(a, 4 * 4096, MADV_POPULATE_WRITE));
    mincore(a, 3 * 4096, vec);
    printf("  resident %d %d %d\n", vec[0], vec[1], vec[2]);
    char *ro = area(1, PROT_READ, -1);
    show("madvise populate write read-only", madvise(ro, 4096, MADV_POPULATE_WRITE));
    show("madvise populate read read-only", madvise(ro, 4096, MADV_POPULATE_READ));
    char *none = area(1, PROT_NONE, -1);
    show("madvise populate read PROT_NONE", madvise(none, 4096, MADV_POPULATE_READ));
    show("madvise populate unmapped", madvise(UNMAPPED, 4096, MADV_POPULATE_READ));
}

/* What a fork child gets of areas marked MADV_WIPEONFORK (empty) and
 * MADV_DONTFORK (nothing: a touch is SIGSEGV), and after the undoing. */
static void on_segv(int sig)
{
    (void)sig;
    static const char msg[] = "  child: SIGSEGV\n";
    if (write(1, msg, sizeof msg - 1) < 0)
        _exit(4);
    _exit(3);
}

static void fork_child(char *a)
{
    unsigned char vec[1];
    signal(SIGSEGV, on_segv);
    printf("  child: wiped page reads %d\n", a[0]);
    show("  child: mincore of the page it did not get", mincore(a + PAGE, 4096, vec));
    fflush(stdout);
    *(volatile char *)(a + PAGE) = 1;
    _exit(0);
}

static void madvise_fork_cases(void)
{
    char *a = area(2, PROT_READ | PROT_WRITE, -1);
    a[0] = 5;
    a[PAGE] = 6;
    show("madvise wipeonfork page 0", madvise(a, 4096, MADV_WIPEONFORK));
    show("madvise dontfork page 1", madvise(a + PAGE, 4096, MADV_DONTFORK));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        fork_child(a);
    printf("  child ended %d; the parent reads %d %d\n", reap(pid), a[0], a[PAGE]);
    show("madvise keeponfork", madvise(a, 4096, MADV_KEEPONFORK));
    show("madvise dofork", madvise(a + PAGE, 4096, MADV_DOFORK));
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        printf("  child: reads %d %d\n", a[0], a[PAGE]);
        fflush(stdout);
        _exit(0);
    }
    printf("  child ended %d\n", reap(pid));
}

static void madvise_cases(char *m)
{
    show("madvise unaligned", madvise(m + 1, 4096, MADV_NORMAL));
    show("madvise bad advice", madvise(m, 4096, 999));
    show("madvise advice 5", madvise(m, 4096, 5));
    show("madvise advice 7", madvise(m, 4096, 7));
    show("madvise advice 26", madvise(m, 4096, 26));
    show("madvise advice -1", madvise(m, 4096, -1));
    show("madvise hole", madvise(m, 4 * 4096, MADV_WILLNEED));
    show("madvise hole dontneed", madvise(m, 4 * 4096, MADV_DONTNEED));
    show("madvise len 0", madvise(m, 0, MADV_NORMAL));
    show("madvise len 0 unmapped", madvise(UNMAPPED, 0, MADV_NORMAL));
    show("madvise len 0 bad advice", madvise(m, 0, 5));
    show("madvise negative len", madvise(m, (size_t)-4096, MADV_NORMAL));
    show("madvise len rounds to 0", madvise(m, (size_t)-1, MADV_NORMAL));
    show("madvise unmapped", madvise(UNMAPPED, 4096, MADV_NORMAL));
    show("madvise bad advice unmapped", madvise(UNMAPPED, 4096, 999));
    show("madvise kernel addr", madvise(KERNEL_ADDR, 4096, MADV_NORMAL));
    madvise_area_cases();
    madvise_file_cases();
    madvise_populate_cases();
    madvise_fork_cases();
}

static void msync_cases(char *m)
{
    show("msync unaligned", msync(m + 1, 4096, MS_SYNC));
    show("msync bad flags", msync(m, 4096, 0x40));
    show("msync bad flags unaligned", msync(m + 1, 4096, 0x40));
    show("msync both", msync(m, 4096, MS_SYNC | MS_ASYNC));
    show("msync hole", msync(m, 4 * 4096, MS_SYNC));
    show("msync hole async", msync(m, 4 * 4096, MS_ASYNC));
    show("msync unmapped", msync(UNMAPPED, 4096, MS_SYNC));
    show("msync unmapped async", msync(UNMAPPED, 4096, MS_ASYNC));
    show("msync past end", msync(m, (size_t)-4096, MS_SYNC));
    show("msync len to the top", msync(m, USER_TOP - (uintptr_t)m + 1, MS_SYNC));
    show("msync kernel addr", msync(KERNEL_ADDR, 4096, MS_SYNC));
    show("msync len 0", msync(m, 0, MS_SYNC));
    show("msync len 0 unmapped", msync(UNMAPPED, 0, MS_SYNC));
    show("msync len 0 unaligned", msync(m + 1, 0, MS_SYNC));
    show("msync locked invalidate", msync(m, 4096, MS_INVALIDATE));
    show("msync invalidate async", msync(m, 4096, MS_INVALIDATE | MS_ASYNC));
}

int main(void) {
    zero_fd = open("/dev/zero", O_RDONLY);
    char *m = area(4, PROT_READ | PROT_WRITE, 2);
    m[0] = 1;
    mincore_cases(m);
    mprotect_cases(m);
    madvise_cases(m);
    msync_cases(m);
    return 0;
}
