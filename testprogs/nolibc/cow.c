/* cow: no libc; reads then writes a .data page (file-read then cow),
 * writes a fresh bss page (demand-zero), and exits with what it read. */
#include "sys.h"

static volatile int data[1024] __attribute__((aligned(4096))) = {5};
static volatile int bss[1024] __attribute__((aligned(4096)));

void _start(void)
{
    int v = data[0];
    data[0] = v + 1;
    bss[0] = data[0];
    leave(bss[0]);
}
