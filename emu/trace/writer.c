/*
 * writer.c - the tracer: writes the fault log as events come from vm/,
 * keeping what the filter keeps, and collects the lines --expect compares.
 */
#include "emu/trace/trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/trace/expect.h"
#include "emu/util/grow.h"

struct tracer {
    FILE *out;
    bool close_out;
    enum trace_format format;
    struct trace_filter filter;
    bool filtering;
    bool procs;
    uint64_t kept;
    const char *expect_path;
    struct lines got;   /* kept lines, when comparing */
    bool failed;
    /* Kept reclaim events waiting for their cause (the next event vm/
     * hands on), so that its seq in this log can be written in them. */
    struct pending {
        struct vm_event_rec rec;
        char area[160];
    } *pend;
    size_t npend, pendcap;
};

struct tracer *tracer_new(const struct trace_opts *opt, char *err, size_t errlen)
{
    struct tracer *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->format = opt->format;
    t->filter = opt->filter;
    t->filtering = opt->filter.events || opt->filter.npids || opt->filter.nareas;
    t->expect_path = opt->expect_path;
    t->procs = opt->procs;
    if (opt->path) {
        if (strcmp(opt->path, "-") == 0) {
            t->out = stdout;
        } else {
            t->out = fopen(opt->path, "w");
            if (!t->out) {
                snprintf(err, errlen, "cannot write trace %s: %s", opt->path,
                         strerror(errno));
                free(t);
                return NULL;
            }
            t->close_out = true;
        }
        if (t->format == TRACE_TEXT)
            fprintf(t->out, "%s\n", trace_text_header);
    }
    return t;
}

/* Write one kept record, numbered already. */
static void put(struct tracer *t, const struct vm_event_rec *r)
{
    char line[1024];
    if (t->format == TRACE_JSONL)
        trace_format_json(line, sizeof line, r);
    else
        trace_format_text(line, sizeof line, r);
    if (t->out) {
        fputs(line, t->out);
        fputc('\n', t->out);
    }
    if (t->expect_path && !t->failed && lines_push(&t->got, line) < 0)
        t->failed = true;
}

/* Write the pending reclaim events; their cause is this log's seq
 * cause_seq (0: the cause is not in this log). */
static void flush_pending(struct tracer *t, uint64_t cause_seq)
{
    for (size_t i = 0; i < t->npend; i++) {
        struct vm_event_rec *r = &t->pend[i].rec;
        r->area = t->pend[i].area;
        r->seq = ++t->kept;
        r->cause = cause_seq;
        put(t, r);
    }
    t->npend = 0;
}

static bool push_pending(struct tracer *t, const struct vm_event_rec *rec)
{
    struct pending *v = grow_array(t->pend, &t->pendcap, t->npend, sizeof *v, 64);
    if (!v)
        return false;
    t->pend = v;
    struct pending *p = &t->pend[t->npend++];
    p->rec = *rec;
    snprintf(p->area, sizeof p->area, "%s", rec->area);
    return true;
}

void tracer_event(void *ctx, const struct vm_event_rec *rec)
{
    struct tracer *t = ctx;
    /* No log and nothing to compare: formatting each event as text for
     * nobody was a fifth of the fault path. */
    if (!tracer_wants_sites(t))
        return;
    bool keep = !t->filtering || trace_filter_keep(&t->filter, rec->pid, rec->event, rec->area);
    uint64_t want = t->npend ? t->pend[0].rec.cause : 0;
    if (want && rec->cause != want && rec->seq != want)
        flush_pending(t, 0); /* their cause never came */
    if (rec->cause) {
        if (!keep || push_pending(t, rec))
            return;
    } else if (t->npend) {
        flush_pending(t, keep ? t->kept + t->npend + 1 : 0); /* rec is their cause */
    }
    if (!keep)
        return;
    struct vm_event_rec r = *rec;
    r.seq = ++t->kept; /* with a filter, seq counts the kept events */
    r.cause = 0;       /* a reclaim event here could not wait: out of memory */
    put(t, &r);
}

void tracer_process(struct tracer *t, struct trace_proc *p)
{
    if (!t || !t->out || !t->procs || t->format != TRACE_TEXT)
        return;
    if (t->filter.npids) {
        int i = 0;
        while (i < t->filter.npids && t->filter.pids[i] != p->pid)
            i++;
        if (i == t->filter.npids)
            return;
    }
    char line[160];
    p->at = t->kept; /* the line follows the events written so far */
    trace_proc_format(line, sizeof line, p);
    fprintf(t->out, "%s\n", line);
}

bool tracer_wants_sites(const struct tracer *t)
{
    return t && (t->out || t->expect_path);
}

int tracer_finish(struct tracer *t)
{
    flush_pending(t, 0);
    if (t->out) {
        /* A trace that did not reach its file (a full disk) is a failure. */
        bool bad = fflush(t->out) != 0 || ferror(t->out) ||
                   (t->close_out && fsync(fileno(t->out)) != 0 && errno != EINVAL);
        if (bad) {
            fprintf(stderr, "faultline: writing the trace failed: %s\n", strerror(errno));
            return -1;
        }
    }
    if (!t->expect_path)
        return 0;
    if (t->failed) {
        fprintf(stderr, "faultline: --expect: out of memory keeping the log\n");
        return 1;
    }
    return expect_compare(t->expect_path, &t->got);
}

void tracer_free(struct tracer *t)
{
    if (!t)
        return;
    if (t->close_out)
        fclose(t->out);
    lines_free(&t->got);
    free(t->pend);
    free(t);
}
