/*
 * model.c - the processes of a fault log and the spans of their images.
 */
#include "emu/trace/model.h"

#include <stdlib.h>
#include <string.h>

static int by_pid(const void *x, const void *y)
{
    const struct model_proc *a = x, *b = y;
    return (a->pid > b->pid) - (a->pid < b->pid);
}

static int by_start(const void *x, const void *y)
{
    const struct model_span *a = x, *b = y;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return (a->pid > b->pid) - (a->pid < b->pid);
}

const struct model_proc *model_proc(const struct model *m, int pid)
{
    struct model_proc key = {.pid = pid};
    return bsearch(&key, m->procs, m->nprocs, sizeof key, by_pid);
}

static struct model_proc *proc_at(struct model *m, int pid)
{
    return (struct model_proc *)model_proc(m, pid);
}

/* The name of a log without "#process" lines: the file of the code its
 * first instruction fault ran ("ls:.text" -> "ls"). */
static void name_from_code(struct model_proc *p, const struct trace_rec *r)
{
    if (p->name[0] || r->access != 'X')
        return;
    const char *colon = strrchr(r->area, ':');
    size_t n = colon ? (size_t)(colon - r->area) : strlen(r->area);
    if (n >= sizeof p->name)
        n = sizeof p->name - 1;
    memcpy(p->name, r->area, n);
    p->name[n] = '\0';
}

/* Every pid that has an event or a "#process" line, sorted, counted. */
static int collect_procs(struct model *m, const struct trace_log *log)
{
    size_t cap = log->nprocs + 16, n = 0;
    int *pids = malloc(cap * sizeof *pids);
    int last = -1;
    for (size_t i = 0; pids && i < log->n + log->nprocs; i++) {
        int pid = i < log->n ? log->recs[i].pid : log->procs[i - log->n].pid;
        if (pid == last)
            continue;
        last = pid;
        if (n == cap) {
            int *v = realloc(pids, (cap *= 2) * sizeof *v);
            if (!v)
                break;
            pids = v;
        }
        pids[n++] = pid;
    }
    if (!pids || (n && !(m->procs = calloc(n, sizeof *m->procs)))) {
        free(pids);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        m->procs[i] = (struct model_proc){.pid = pids[i], .ppid = -1};
    free(pids);
    qsort(m->procs, n, sizeof *m->procs, by_pid);
    size_t k = 0; /* drop repeats */
    for (size_t i = 0; i < n; i++)
        if (!k || m->procs[k - 1].pid != m->procs[i].pid)
            m->procs[k++] = m->procs[i];
    m->nprocs = k;
    return 0;
}

static void take_events(struct model *m, const struct trace_log *log)
{
    for (size_t i = 0; i < log->n; i++) {
        const struct trace_rec *r = &log->recs[i];
        struct model_proc *p = proc_at(m, r->pid);
        if (!p->events)
            p->first = r->seq;
        p->last = r->seq;
        p->events++;
        if (r->columns >= 18)
            m->sites = true;
        if (!log->nprocs)
            name_from_code(p, r);
    }
    struct model_proc *cache = proc_at(m, 0);
    if (cache)
        snprintf(cache->name, sizeof cache->name, "page cache");
}

/* The spans: a new one at each fork and exec, closed by the next exec or
 * the exit, or by the process's last event. */
static int take_records(struct model *m, const struct trace_log *log)
{
    size_t cap = log->nprocs + m->nprocs;
    m->spans = calloc(cap ? cap : 1, sizeof *m->spans);
    if (!m->spans)
        return -1;
    struct model_span **open = calloc(m->nprocs ? m->nprocs : 1, sizeof *open);
    if (!open)
        return -1;
    for (size_t i = 0; i < log->nprocs; i++) {
        const struct trace_proc *r = &log->procs[i];
        struct model_proc *p = proc_at(m, r->pid);
        struct model_span **o = &open[p - m->procs];
        double at = (double)r->at + 0.5;
        if (*o)
            (*o)->end = at;
        *o = NULL;
        p->ppid = r->ppid;
        snprintf(p->name, sizeof p->name, "%s", r->comm);
        if (r->kind == TRACE_PROC_EXIT) {
            p->exited = true;
            p->status = r->status;
            for (size_t k = m->nspans; k-- > 0;)
                if (m->spans[k].pid == p->pid) {
                    m->spans[k].exited = true;
                    break;
                }
            continue;
        }
        *o = &m->spans[m->nspans++];
        **o = (struct model_span){.pid = p->pid, .start = at, .end = at};
        snprintf((*o)->name, sizeof (*o)->name, "%s", r->comm);
    }
    for (size_t i = 0; i < m->nprocs; i++) {
        struct model_proc *p = &m->procs[i];
        if (open[i] && (double)p->last > open[i]->end)
            open[i]->end = (double)p->last;
        bool spanned = false;
        for (size_t k = 0; k < m->nspans && !spanned; k++)
            spanned = m->spans[k].pid == p->pid;
        if (!spanned && p->events && p->pid) { /* no lines of its own: its events */
            struct model_span *s = &m->spans[m->nspans++];
            *s = (struct model_span){.pid = p->pid, .start = (double)p->first,
                                     .end = (double)p->last};
            snprintf(s->name, sizeof s->name, "%s", p->name[0] ? p->name : "?");
        }
    }
    free(open);
    qsort(m->spans, m->nspans, sizeof *m->spans, by_start);
    return 0;
}

int model_build(struct model *m, const struct trace_log *log)
{
    m->from_records = log->nprocs > 0;
    if (collect_procs(m, log) < 0)
        return -1;
    take_events(m, log);
    return take_records(m, log);
}

void model_free(struct model *m)
{
    free(m->procs);
    free(m->spans);
    memset(m, 0, sizeof *m);
}

void json_string(FILE *o, const char *s, bool dash_null)
{
    if (!s || (dash_null && (!*s || strcmp(s, "-") == 0))) {
        fputs("null", o);
        return;
    }
    putc('"', o);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(o, "\\%c", c);
        else if (c < 0x20)
            fprintf(o, "\\u%04x", c);
        else if (c == '<')
            fputs("\\u003c", o); /* never "</script>" inside a page */
        else
            putc(c, o);
    }
    putc('"', o);
}
