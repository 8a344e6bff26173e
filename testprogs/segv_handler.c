/* segv_handler: a SIGSEGV handler sees si_addr and si_code of a write to
 * an unmapped page and of a write to a read-only page, and recovers. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static sigjmp_buf env;
static void *fault_addr;
static int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    fault_addr = si->si_addr;
    fault_code = si->si_code;
    siglongjmp(env, 1);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    volatile char *bad = (volatile char *)0x10000;
    if (sigsetjmp(env, 1) == 0)
        *bad = 1;
    printf("maperr: addr %p code %s\n", fault_addr, fault_code == SEGV_MAPERR ? "SEGV_MAPERR" : "?");
    if (sigsetjmp(env, 1) == 0)
        *(volatile char *)ro = 1;
    printf("accerr: same page %d code %s\n", fault_addr == ro,
           fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : "?");
    return 0;
}
