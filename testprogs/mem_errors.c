/* mem_errors: the argument errors of mincore, mprotect, madvise and msync,
 * case by case from their man pages' ERRORS sections (unaligned starts,
 * holes, lengths past the user half or wrapping, bad flags and advice,
 * PROT_GROWSDOWN off the stack, PROT_GROWSUP), and mincore of a touched
 * page.  Prints one line per case. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "show.h"
int main(void) {
    unsigned char vec[16];
    char *m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(m + 2 * 4096, 4096);
    m[0] = 1;
    show("mincore ok", mincore(m, 4096, vec)); printf("vec %d\n", vec[0]);
    show("mincore unaligned", mincore(m + 1, 4096, vec));
    show("mincore len 0", mincore(m, 0, vec));
    show("mincore hole", mincore(m, 4 * 4096, vec));
    show("mincore past end", mincore(m, (size_t)-4096, vec));
    show("mincore len huge", mincore(m, (size_t)-1, vec));
    show("mincore bad vec", mincore(m, 4096, (void *)8));
    show("mincore unmapped", mincore((void *)0x10000, 4096, vec));
    show("mincore kernel addr", mincore((void *)0xffff800000000000UL, 4096, vec));
    show("mprotect unaligned", mprotect(m + 1, 4096, PROT_READ));
    show("mprotect bad prot", mprotect(m, 4096, 0x100));
    show("mprotect hole", mprotect(m, 4 * 4096, PROT_READ));
    show("mprotect len 0", mprotect(m, 0, PROT_READ));
    show("mprotect past end", mprotect(m, (size_t)-4096, PROT_READ));
    show("mprotect growsdown+up", mprotect(m, 4096, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP));
    show("mprotect growsdown non-stack", mprotect(m, 4096, PROT_READ | PROT_GROWSDOWN));
    show("madvise unaligned", madvise(m + 1, 4096, MADV_NORMAL));
    show("madvise bad advice", madvise(m, 4096, 999));
    show("madvise hole", madvise(m, 4 * 4096, MADV_WILLNEED));
    show("madvise hole dontneed", madvise(m, 4 * 4096, MADV_DONTNEED));
    show("madvise len 0", madvise(m, 0, MADV_NORMAL));
    show("madvise negative len", madvise(m, (size_t)-4096, MADV_NORMAL));
    show("madvise unmapped", madvise((void *)0x10000, 4096, MADV_NORMAL));
    show("madvise bad advice unmapped", madvise((void *)0x10000, 4096, 999));
    show("msync unaligned", msync(m + 1, 4096, MS_SYNC));
    show("msync bad flags", msync(m, 4096, 0x40));
    show("msync both", msync(m, 4096, MS_SYNC | MS_ASYNC));
    show("msync hole", msync(m, 4 * 4096, MS_SYNC));
    show("msync unmapped", msync((void *)0x10000, 4096, MS_SYNC));
    show("msync past end", msync(m, (size_t)-4096, MS_SYNC));
    show("msync len 0", msync(m, 0, MS_SYNC));
    show("msync locked invalidate", msync(m, 4096, MS_INVALIDATE));
    return 0;
}
