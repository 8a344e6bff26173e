/*
 * sigaltstack.c - the alternate signal stack as Linux keeps it.  Inside a
 * handler running on it, sigaltstack reports SS_ONSTACK and refuses any
 * change with EPERM; a handler on the normal stack sees flags 0 and may
 * change it.  A nested signal stays on the alternate stack, below the
 * first frame.  The frame's uc_stack says what the stack was; a handler
 * that changes it changes the stack at sigreturn.  SS_AUTODISARM drops
 * the stack while its handler runs and brings it back after.  Flags,
 * sizes and a buffer passed as both the new and the old stack are
 * checked against the kernel's rules (the raw system call, so that
 * libc's own checks do not hide the kernel's).
 *
 * Prints one line per fact; the output is compared with a native run.
 * Exit 0, or 1 when a step the test needs (sigaction, the first
 * sigaltstack) fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static char alt[65536] __attribute__((aligned(16)));
static char alt2[65536] __attribute__((aligned(16)));

static int on(const char *mem, size_t size, const void *addr)
{
    return (const char *)addr >= mem && (const char *)addr < mem + size;
}

/* The kernel's answer, errno included, without libc's checks. */
static long raw_sigaltstack(const stack_t *ss, stack_t *old)
{
    long r = syscall(SYS_sigaltstack, ss, old);
    return r < 0 ? -errno : r;
}

static const char *err_name(long r)
{
    switch (r) {
    case 0: return "0";
    case -EPERM: return "EPERM";
    case -EINVAL: return "EINVAL";
    case -ENOMEM: return "ENOMEM";
    case -EFAULT: return "EFAULT";
    default: return "other";
    }
}

static void show(const char *what, const stack_t *s)
{
    printf("%s: sp %s, size %zu, flags %#x\n", what,
           s->ss_sp == alt ? "alt" : s->ss_sp == alt2 ? "alt2" : s->ss_sp ? "other" : "null", s->ss_size,
           (unsigned)s->ss_flags);
}

static int install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    return sigaction(sig, &sa, NULL);
}

static stack_t make(void *sp, size_t size, int flags)
{
    stack_t s;
    memset(&s, 0, sizeof s);
    s.ss_sp = sp;
    s.ss_size = size;
    s.ss_flags = flags;
    return s;
}

/* What handler who sees: whether local is on the alternate stack, what
 * sigaltstack says, and the frame's uc_stack. */
static void look(const char *who, const char *local, void *ctx)
{
    char what[64];
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("%s: on alt %d\n", who, on(alt, sizeof alt, local));
    snprintf(what, sizeof what, "%s: sigaltstack", who);
    show(what, &cur);
    snprintf(what, sizeof what, "%s: uc_stack", who);
    show(what, &((ucontext_t *)ctx)->uc_stack);
}

/* --- inside a handler on the alternate stack -------------------------------------------- */

static char *outer_local;

static void nested(int sig, siginfo_t *si, void *ctx)
{
    char local;
    (void)sig;
    (void)si;
    look("nested", &local, ctx);
    printf("nested: below the first frame %d\n", &local < outer_local);
}

static void on_alt(int sig, siginfo_t *si, void *ctx)
{
    char local;
    stack_t cur, other = make(alt2, sizeof alt2, 0), off = make(NULL, 0, SS_DISABLE);
    (void)sig;
    (void)si;
    outer_local = &local;
    look("handler", &local, ctx);
    sigaltstack(NULL, &cur);
    printf("handler: change to alt2: %s\n", err_name(raw_sigaltstack(&other, NULL)));
    printf("handler: disable: %s\n", err_name(raw_sigaltstack(&off, NULL)));
    stack_t same = cur;
    same.ss_flags = 0;
    printf("handler: set the same again: %s\n", err_name(raw_sigaltstack(&same, NULL)));
    /* The old stack is still reported when the new one is refused. */
    stack_t old = make(NULL, 1, 7);
    long r = raw_sigaltstack(&other, &old);
    printf("handler: refused change with old: %s, old %s\n", err_name(r),
           old.ss_size == 1 ? "untouched" : "written");
    raise(SIGUSR2);
}

/* --- a handler on the normal stack --------------------------------------------------------- */

static void on_normal(int sig, siginfo_t *si, void *ctx)
{
    char local;
    stack_t other = make(alt2, sizeof alt2, 0);
    (void)sig;
    (void)si;
    look("normal handler", &local, ctx);
    printf("normal handler: change to alt2: %s\n", err_name(raw_sigaltstack(&other, NULL)));
    stack_t back = make(alt, sizeof alt, 0);
    printf("normal handler: change back: %s\n", err_name(raw_sigaltstack(&back, NULL)));
}

/* --- uc_stack at sigreturn, SS_AUTODISARM ------------------------------------------------------ */

static void retarget(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    (void)sig;
    (void)si;
    uc->uc_stack.ss_sp = alt2;
    uc->uc_stack.ss_size = sizeof alt2;
    uc->uc_stack.ss_flags = 0;
}

static void disarmed(int sig, siginfo_t *si, void *ctx)
{
    char local;
    (void)sig;
    (void)si;
    look("autodisarm handler", &local, ctx);
    stack_t other = make(alt2, sizeof alt2, 0);
    printf("autodisarm handler: set alt2: %s\n", err_name(raw_sigaltstack(&other, NULL)));
}

static void check_rules(void)
{
    stack_t s = make(alt, sizeof alt, 5), old;
    printf("flags 5: %s\n", err_name(raw_sigaltstack(&s, NULL)));
    s = make(alt, 1024, 0);
    printf("1024 bytes: %s\n", err_name(raw_sigaltstack(&s, NULL)));
    s = make(alt, 1024, SS_DISABLE);
    printf("1024 bytes, disabled: %s\n", err_name(raw_sigaltstack(&s, NULL)));
    raw_sigaltstack(NULL, &old);
    show("after disabling", &old);
    s = make(alt, sizeof alt, SS_ONSTACK);
    printf("SS_ONSTACK to set: %s\n", err_name(raw_sigaltstack(&s, NULL)));
    raw_sigaltstack(NULL, &old);
    show("after SS_ONSTACK", &old);
    /* One buffer for both: the new stack is read before the old is written. */
    stack_t both = make(alt2, sizeof alt2, 0);
    printf("same buffer: %s\n", err_name(raw_sigaltstack(&both, &both)));
    show("same buffer: old", &both);
    raw_sigaltstack(NULL, &old);
    show("same buffer: now", &old);
}

int main(void)
{
    stack_t s, cur;
    setvbuf(stdout, NULL, _IONBF, 0);
    raw_sigaltstack(NULL, &cur);
    show("at start", &cur);
    s = make(alt, sizeof alt, 0);
    if (sigaltstack(&s, NULL) != 0 || install(SIGUSR1, on_alt, SA_ONSTACK) != 0 ||
        install(SIGUSR2, nested, SA_ONSTACK) != 0 || install(SIGHUP, on_normal, 0) != 0)
        return 1;
    sigaltstack(NULL, &cur);
    show("outside", &cur);
    raise(SIGUSR1);
    sigaltstack(NULL, &cur);
    show("after the handler", &cur);
    raise(SIGHUP);
    sigaltstack(NULL, &cur);
    show("after the normal handler", &cur);

    install(SIGUSR1, retarget, SA_ONSTACK);
    raise(SIGUSR1);
    sigaltstack(NULL, &cur);
    show("after a handler changed uc_stack", &cur);

    s = make(alt, sizeof alt, SS_AUTODISARM);
    printf("SS_AUTODISARM: %s\n", err_name(raw_sigaltstack(&s, NULL)));
    sigaltstack(NULL, &cur);
    show("autodisarm outside", &cur);
    install(SIGUSR1, disarmed, SA_ONSTACK);
    raise(SIGUSR1);
    sigaltstack(NULL, &cur);
    show("after the autodisarm handler", &cur);

    check_rules();
    return 0;
}
