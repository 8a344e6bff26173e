/* tiny: no libc; writes one line, touches four bss pages, exits 7.
 * Its whole fault log fits on a screen. */
#include "sys.h"

static volatile char bss[4 * 4096] __attribute__((aligned(4096)));

void _start(void)
{
    say("tiny\n");
    for (int i = 0; i < 4; i++)
        bss[i * 4096] = (char)i;
    leave(7);
}
