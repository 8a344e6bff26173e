/*
 * tracefile.h - saved fault logs read back: the text format (a "#" header,
 * then whitespace-separated columns "seq pid event vpage access mode area
 * frame detail tid ip call cause object symbol line rss swap"; older logs end after
 * detail or tid) and JSON Lines, as trace.c writes them.  Used by
 * `faultline stat` and `faultline plot`.
 */
#ifndef FAULTLINE_TRACEFILE_H
#define FAULTLINE_TRACEFILE_H

#include "emu/trace/trace.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TRACE_LINE_MAX 4096  /* longer lines are malformed */
#define TRACE_AREA_MAX 160   /* bytes of an area name, NUL included */
#define TRACE_DETAIL_MAX 64  /* bytes of a detail, NUL included */
#define TRACE_CALL_MAX 24    /* ... of a system call's name */
#define TRACE_OBJ_MAX 72     /* ... of an object's name */
#define TRACE_SYM_MAX 200    /* ... of function+0xoff */
#define TRACE_LINE_COL_MAX 160 /* ... of file:line */

/* One event of a saved log.  Strings are stored as written ("-" for none). */
struct trace_rec {
    uint64_t seq;
    int pid;                 /* 0 for page-cache events of no process */
    enum vm_event event;
    uint64_t vpage;          /* page-aligned */
    char access;             /* 'R', 'W', 'X' or '-' */
    char mode;               /* 'u' user, 'k' kernel, '-' reclaim */
    char area[TRACE_AREA_MAX];
    int64_t frame;           /* -1 for "-" or null */
    char detail[TRACE_DETAIL_MAX];
    int tid;                 /* 0 for "-", null, or a log without the column */
    /* Format 2 (absent from older logs: 0 and "-"). */
    uint64_t ip;             /* the faulting instruction, or a kernel fault's syscall; 0 none */
    char call[TRACE_CALL_MAX];     /* a kernel fault's system call */
    uint64_t cause;          /* a reclaim event's fault; 0 none */
    char object[TRACE_OBJ_MAX];    /* the object ip is in */
    char symbol[TRACE_SYM_MAX];    /* function+0xoff */
    char line[TRACE_LINE_COL_MAX]; /* file:line */
    uint64_t rss;            /* after the event: the process's resident pages */
    uint64_t swap;           /* ... and swap slots in use */
    int columns;             /* 9 (no tid), 10 (tid) or 18 (format 2): what the line had */
};

/* A whole log; the log owns recs. */
struct trace_log {
    struct trace_rec *recs;
    size_t n, cap;
    enum trace_format format; /* as detected: TRACE_JSONL when the first
                                 non-comment line starts with '{' */
    struct trace_proc *procs; /* the "#process" lines, in order */
    size_t nprocs, proccap;
};

/* Keep line in log->procs when it is a readable "#process" line (other
 * comments are skipped).  0, or -1 when out of memory. */
int tracefile_take_proc(struct trace_log *log, const char *line);

/* Parse one line (no newline) of the given format into *r.  Returns 0, or
 * -1 with a short reason (no file or line number) in why. */
int tracefile_parse_text(const char *line, struct trace_rec *r, char *why, size_t whylen);
int tracefile_parse_json(const char *line, struct trace_rec *r, char *why, size_t whylen);

/* Read every event of f into *log (which must be zeroed), detecting the
 * format.  name labels errors.  Returns 0, or -1 with "name:LINE: reason"
 * in err; then *log holds what was read before the bad line (free it). */
int tracefile_read(FILE *f, const char *name, struct trace_log *log, char *err, size_t errlen);
/* tracefile_read of the file at path ("-": stdin). */
int tracefile_load(const char *path, struct trace_log *log, char *err, size_t errlen);
void tracefile_free(struct trace_log *log);

/* Successful faults that had to read a page in (file-read, swap-in). */
bool trace_event_major(enum vm_event ev);
/* The other successful faults (demand-zero, cache-hit, cow, cow-reuse). */
bool trace_event_minor(enum vm_event ev);

#endif
