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

struct tracer {
    FILE *out;
    bool close_out;
    enum trace_format format;
    struct trace_filter filter;
    bool filtering;
    uint64_t kept;
    const char *expect_path;
    struct lines got;   /* kept lines, when comparing */
    bool failed;
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

void tracer_event(void *ctx, const struct vm_event_rec *rec)
{
    struct tracer *t = ctx;
    if (t->filtering && !trace_filter_keep(&t->filter, rec->pid, rec->event, rec->area))
        return;
    struct vm_event_rec r = *rec;
    r.seq = ++t->kept; /* with a filter, seq counts the kept events */
    char line[512];
    if (t->out) {
        if (t->format == TRACE_JSONL)
            trace_format_json(line, sizeof line, &r);
        else
            trace_format_text(line, sizeof line, &r);
        fputs(line, t->out);
        fputc('\n', t->out);
    }
    if (t->expect_path && !t->failed) {
        if (t->format == TRACE_JSONL)
            trace_format_json(line, sizeof line, &r);
        else
            trace_format_text(line, sizeof line, &r);
        if (lines_push(&t->got, line) < 0)
            t->failed = true;
    }
}

int tracer_finish(struct tracer *t)
{
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
    free(t);
}
