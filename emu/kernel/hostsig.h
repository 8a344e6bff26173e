/*
 * hostsig.h - faultline's own SIGINT, SIGQUIT, SIGTERM and SIGHUP, handed
 * to the guest (hostsig.c).
 */
#ifndef FAULTLINE_KERNEL_HOSTSIG_H
#define FAULTLINE_KERNEL_HOSTSIG_H

#include <stdbool.h>

struct emu;

/* Catch the four (those not ignored at start) for the run of emu. */
void hostsig_install(struct emu *emu);
void hostsig_remove(void);
/* Has a signal arrived that hostsig_deliver has not handed on? */
bool hostsig_pending(void);
/* Between runs: hand what arrived to the guest.  False when the run must
 * end now (a second SIGINT within a second: emu->interrupted is set). */
bool hostsig_deliver(struct emu *emu);

#endif
