/*
 * procstat.h - /proc/<pid>/status and stat (procstat.c).
 */
#ifndef FAULTLINE_KERNEL_PROCSTAT_H
#define FAULTLINE_KERNEL_PROCSTAT_H

#include <stdbool.h>
#include <stddef.h>

struct emu;
struct proc;

/* The text of p's status or stat file, malloc'd (NULL: out of memory);
 * thread: as task/<tid>/ shows it (Pid is the tid), else the process's. */
char *procstat_status(struct emu *emu, struct proc *p, bool thread, size_t *len);
char *procstat_stat(struct emu *emu, struct proc *p, bool thread, size_t *len);

#endif
