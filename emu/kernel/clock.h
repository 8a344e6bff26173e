/*
 * clock.h - the guest's clocks (see clock.c).
 */
#ifndef FAULTLINE_KERNEL_CLOCK_H
#define FAULTLINE_KERNEL_CLOCK_H

#include <stdint.h>

#define NS_PER_SEC 1000000000ULL
#define NS NS_PER_SEC

struct emu;
struct proc;

/* Start the clocks (after the options are known). */
void clock_init(struct emu *emu);
/* Read clock (a Linux clock id) in ns; the fixed clock moves 1 us. */
uint64_t clock_read(struct emu *emu, int clock);
/* The same without moving it: the "now" of an absolute deadline. */
uint64_t clock_now(struct emu *emu, int clock);
/* A sleep p was in ended early: write what was left to its rem. */
void sleep_interrupted(struct emu *emu, struct proc *p);

#endif
