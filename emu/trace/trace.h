/*
 * trace.h - the fault log as faultline writes it: one event a line, as
 * text or JSON Lines, with an optional filter, and the --expect
 * comparison.  The trace tools (this folder) know vm/'s event records and
 * nothing of the CPU or the emulated kernel.
 */
#ifndef FAULTLINE_TRACE_H
#define FAULTLINE_TRACE_H

#include "vm/vm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum trace_format { TRACE_TEXT, TRACE_JSONL };

/* Which events a comparison or a trace keeps (--trace-filter). */
struct trace_filter {
    uint32_t events;       /* bit per enum vm_event; 0 = all */
    int pids[16];
    int npids;             /* 0 = all */
    char areas[8][64];
    int nareas;            /* 0 = all */
};

/* Where a run's log goes. */
struct trace_opts {
    const char *path;          /* NULL: no file; "-": stdout */
    enum trace_format format;
    const char *expect_path;   /* compare with this golden log; NULL: none */
    struct trace_filter filter;
    bool procs;                /* write fork, exec and exit as "#process" lines */
    const char *report_path;   /* --report: write the log's page here; NULL: none */
    char report_log[4096];     /* the log's path --report chose when -o did not */
};

/* Add one --trace-filter K=V spec to f; false with a reason in err. */
bool trace_filter_parse(struct trace_filter *f, const char *spec, char *err, size_t errlen);
bool trace_filter_keep(const struct trace_filter *f, int pid, int event, const char *area);

/* Format one record as a text line (no newline) or a JSON object. */
int trace_format_text(char *buf, size_t len, const struct vm_event_rec *r);
int trace_format_json(char *buf, size_t len, const struct vm_event_rec *r);
extern const char trace_text_header[];

struct tracer;
/* A tracer writing to opt->path (its header first, for text); NULL with a
 * reason in err when the file cannot be opened. */
struct tracer *tracer_new(const struct trace_opts *opt, char *err, size_t errlen);
/* The vm/ trace callback (ctx: the tracer). */
void tracer_event(void *ctx, const struct vm_event_rec *rec);
/* Does the tracer write or compare lines (so that the caller should fill
 * a record's ip, call and symbol)?  False for NULL. */
bool tracer_wants_sites(const struct tracer *t);
/* Finish: flush the file; compare with --expect.  Returns 0, 1 (a
 * mismatch) or -1 (the trace could not be written). */
int tracer_finish(struct tracer *t);
void tracer_free(struct tracer *t);

/* A process's life, written in the text log as a "#process" comment line
 * (trace_proc_format; JSON Lines logs carry events only). */
enum trace_proc_kind { TRACE_PROC_FORK, TRACE_PROC_EXEC, TRACE_PROC_EXIT };
struct trace_proc {
    uint64_t at;               /* events of the log before it */
    enum trace_proc_kind kind;
    int pid, ppid;
    char comm[32];             /* the name after it (after exec: the new one) */
    int status;                /* exit: the wait status */
};
/* Write p into t's text log, at the events kept so far (p->at is set);
 * with a pid filter, only for those pids.  Nothing for NULL, JSON Lines,
 * or a tracer made without opts.procs. */
void tracer_process(struct tracer *t, struct trace_proc *p);
/* One "#process ..." line (no newline); snprintf's result. */
int trace_proc_format(char *buf, size_t len, const struct trace_proc *p);
/* Parse such a line; 0, or -1 when it is not one. */
int trace_proc_parse(const char *line, struct trace_proc *p);

/* The offline commands: faultline stat and faultline plot (argv[0] is
 * the command's name).  Each returns faultline's exit status. */
int cmd_stat(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
