/*
 * clock.h - the guest's clocks (see clock.c).
 */
#ifndef FAULTLINE_KERNEL_CLOCK_H
#define FAULTLINE_KERNEL_CLOCK_H

#include <stdint.h>

#define NS_PER_SEC 1000000000ULL
#define NS NS_PER_SEC
/* The fixed clock's CLOCK_REALTIME at start: 2023-11-14 22:13:20 UTC. */
#define FIXED_EPOCH 1700000000ULL

struct emu;
struct proc;

/* Read clock (a Linux clock id) in ns; the fixed clock moves 1 us. */
uint64_t clock_read(struct emu *emu, int clock);
/* A sleep p was in ended early: write what was left to its rem. */
void sleep_interrupted(struct emu *emu, struct proc *p);

#endif
