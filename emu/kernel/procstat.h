/*
 * procstat.h - /proc/<pid>/status, stat and statm (procstat.c), and the
 * growing text the generated /proc files are written into.
 */
#ifndef FAULTLINE_KERNEL_PROCSTAT_H
#define FAULTLINE_KERNEL_PROCSTAT_H

#include <stdbool.h>
#include <stddef.h>

struct emu;
struct proc;

/* A growing text: s is NULL (and cap nonzero) once out of memory. */
struct text {
    char *s;
    size_t len, cap;
};
/* Append printf-style; nothing more once out of memory. */
__attribute__((format(printf, 2, 3))) void text_put(struct text *t, const char *fmt, ...);

/* The text of p's status, stat or statm file, malloc'd (NULL: out of
 * memory); thread: as task/<tid>/ shows it (Pid is the tid), else the
 * process's. */
char *procstat_status(struct emu *emu, struct proc *p, bool thread, size_t *len);
char *procstat_stat(struct emu *emu, struct proc *p, bool thread, size_t *len);
char *procstat_statm(struct emu *emu, struct proc *p, size_t *len);

#endif
