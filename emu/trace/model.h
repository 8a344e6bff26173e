/*
 * model.h - what the report and the Perfetto export read off a whole
 * fault log besides its events: the processes (from the "#process" lines
 * when the log has them, else from the events alone), the spans of their
 * images, and a JSON string writer.
 */
#ifndef FAULTLINE_TRACE_MODEL_H
#define FAULTLINE_TRACE_MODEL_H

#include "emu/trace/tracefile.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* One process of the log. */
struct model_proc {
    int pid;
    int ppid;                /* -1: unknown (no "#process" line says) */
    char name[32];           /* its last comm; else named from its code's area */
    uint64_t events;
    uint64_t first, last;    /* seqs of its first and last event (0: none) */
    bool exited;
    int status;              /* the wait status, when exited */
};

/* One image a process ran, from its fork or exec to its next exec or its
 * exit, in event positions: an event of seq s is at s, a "#process" line
 * after n events at n + 0.5. */
struct model_span {
    int pid;
    char name[32];
    double start, end;
    bool exited;             /* the span ends with the process */
};

/* The processes and spans of a log; it owns both arrays. */
struct model {
    struct model_proc *procs; /* by pid, pid 0 (page-cache events) first if any */
    size_t nprocs;
    struct model_span *spans; /* by start */
    size_t nspans;
    bool from_records;        /* the log had "#process" lines */
    bool sites;               /* some event has format 2's columns (ip .. swap) */
};

/* Build m (zeroed by the caller) from log.  0, or -1 when out of memory. */
int model_build(struct model *m, const struct trace_log *log);
void model_free(struct model *m);
/* The process pid, or NULL. */
const struct model_proc *model_proc(const struct model *m, int pid);

/* s as a JSON string, quotes included; "-" and NULL as null when
 * dash_null. */
void json_string(FILE *o, const char *s, bool dash_null);

#endif
