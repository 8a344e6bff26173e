/*
 * statby.h - `faultline stat --by KEY` (statby.c): a fault log's events
 * by function, source line, object, system call or area.
 */
#ifndef FAULTLINE_STATBY_H
#define FAULTLINE_STATBY_H

#include "emu/trace/tracefile.h"

#include <stdio.h>

enum stat_by { STAT_BY_NONE, STAT_BY_FUNCTION, STAT_BY_LINE, STAT_BY_OBJECT, STAT_BY_SYSCALL,
               STAT_BY_AREA };

/* "function", "line", "object", "syscall" or "area" into *out; -1 if none. */
int stat_by_parse(const char *s, enum stat_by *out);

/* Print the table of the events of log that f keeps, grouped by by, the
 * top rows (0: all) and one row for the rest.  name labels the log.
 * Returns 0, or -1 when out of memory. */
int stat_by_print(FILE *o, const char *name, const struct trace_log *log,
                  const struct trace_filter *f, enum stat_by by, unsigned top);

#endif
