/*
 * perfetto.c - `faultline export --format perfetto`: a fault log as
 * Chrome's Trace Event Format (JSON), which Perfetto UI and
 * chrome://tracing open.  The log has no clock, so an event's timestamp is
 * its seq in microseconds; "#process" lines fall half-way between events.
 *
 *   - one track per process (pid and tid both the guest pid), named from
 *     its comm, with a slice per image it ran (fork or exec to exec or exit);
 *   - one instant event per log event, every field of the record as args;
 *   - counters, where the log has format 2's columns: each process's
 *     resident pages, and on the "memory" process (pid 0) the resident
 *     pages of all processes together and the swap slots in use, each
 *     written where it changes.
 *
 * Events come out in seq order and a track's slices before its instants
 * that follow, so timestamps never go back on a track.
 */
#include "emu/trace/model.h"
#include "emu/util/tool.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char export_usage[] =
    "usage: faultline export --format perfetto TRACE [-o FILE.json]\n"
    "Write the fault log TRACE ('-' for stdin) in Chrome's Trace Event Format, for\n"
    "Perfetto UI (ui.perfetto.dev) or chrome://tracing: a track per process named\n"
    "from its comm, an instant event per fault with its fields as args, counter\n"
    "tracks for resident pages and swap slots.  Timestamps are event numbers (1 us\n"
    "an event).  -o: the output file (stdout by default).\n";

static void put_meta(FILE *o, const struct model *m)
{
    fputs("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"tid\":0,\"args\":{\"name\":"
          "\"memory (page cache, all processes, swap)\"}}",
          o);
    for (size_t i = 0; i < m->nprocs; i++) {
        const struct model_proc *p = &m->procs[i];
        if (!p->pid)
            continue;
        fprintf(o, ",\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"args\":"
                   "{\"name\":", p->pid, p->pid);
        json_string(o, p->name[0] ? p->name : "?", false);
        fprintf(o, "}},\n{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":%d,\"tid\":%d,"
                   "\"args\":{\"sort_index\":%d}}", p->pid, p->pid, p->pid);
        fprintf(o, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"args\":"
                   "{\"name\":\"faults\"}}", p->pid, p->pid);
    }
}

static void put_span(FILE *o, const struct model *m, const struct model_span *s)
{
    const struct model_proc *p = model_proc(m, s->pid);
    fprintf(o, ",\n{\"name\":");
    json_string(o, s->name, false);
    fprintf(o, ",\"cat\":\"process\",\"ph\":\"X\",\"ts\":%.1f,\"dur\":%.1f,\"pid\":%d,\"tid\":%d,"
               "\"args\":{\"pid\":%d",
            s->start, s->end - s->start, s->pid, s->pid, s->pid);
    if (p && p->ppid >= 0)
        fprintf(o, ",\"ppid\":%d", p->ppid);
    if (s->exited && p) {
        bool sig = (p->status & 0x7f) != 0;
        fprintf(o, ",\"%s\":%d", sig ? "signal" : "exit", sig ? p->status & 0x7f : p->status >> 8);
    }
    fputs("}}", o);
}

static const char *mode_name(char m)
{
    return m == 'u' ? "user" : m == 'k' ? "kernel" : "-";
}

static void put_event(FILE *o, const struct trace_rec *r)
{
    int track = r->pid;
    fprintf(o, ",\n{\"name\":\"%s\",\"cat\":\"fault\",\"ph\":\"i\",\"s\":\"t\",\"ts\":%llu,"
               "\"pid\":%d,\"tid\":%d,\"args\":{\"seq\":%llu,\"vpage\":\"0x%012llx\","
               "\"access\":\"%c\",\"mode\":\"%s\",\"area\":",
            vm_event_name(r->event), (unsigned long long)r->seq, track, track,
            (unsigned long long)r->seq, (unsigned long long)r->vpage, r->access,
            mode_name(r->mode));
    json_string(o, r->area, false);
    if (r->frame >= 0)
        fprintf(o, ",\"frame\":%lld", (long long)r->frame);
    fputs(",\"detail\":", o);
    json_string(o, r->detail, true);
    if (r->tid)
        fprintf(o, ",\"tid\":%d", r->tid);
    if (r->columns >= 18) {
        if (r->ip)
            fprintf(o, ",\"ip\":\"0x%012llx\"", (unsigned long long)r->ip);
        if (r->cause)
            fprintf(o, ",\"cause\":%llu", (unsigned long long)r->cause);
        const char *keys[] = {"call", "object", "symbol", "line"};
        const char *vals[] = {r->call, r->object, r->symbol, r->line};
        for (int i = 0; i < 4; i++)
            if (strcmp(vals[i], "-") != 0) {
                fprintf(o, ",\"%s\":", keys[i]);
                json_string(o, vals[i], false);
            }
        fprintf(o, ",\"rss\":%llu,\"swap\":%llu", (unsigned long long)r->rss,
                (unsigned long long)r->swap);
    }
    fputs("}}", o);
}

static void put_counter(FILE *o, int pid, const char *name, double ts, uint64_t v)
{
    fprintf(o, ",\n{\"name\":\"%s\",\"ph\":\"C\",\"ts\":%.1f,\"pid\":%d,\"args\":{\"pages\":%llu}}",
            name, ts, pid, (unsigned long long)v);
}

/* The counters after event r: per-process rss, all processes' sum, swap.
 * rss[] holds the latest rss by index in m->procs. */
struct counters {
    uint64_t *rss;
    uint64_t sum, swap;
    bool started;
};

/* pid's resident pages are now rss, at ts. */
static void set_rss(FILE *o, const struct model *m, struct counters *c, int pid, double ts,
                    uint64_t rss)
{
    size_t i = (size_t)(model_proc(m, pid) - m->procs);
    if (!pid || (c->started && c->rss[i] == rss))
        return;
    c->sum = c->sum - c->rss[i] + rss;
    c->rss[i] = rss;
    put_counter(o, pid, "resident pages", ts, rss);
    put_counter(o, 0, "resident pages, all processes", ts, c->sum);
}

static void put_counters(FILE *o, const struct model *m, struct counters *c,
                         const struct trace_rec *r)
{
    if (r->columns < 18)
        return;
    set_rss(o, m, c, r->pid, (double)r->seq, r->rss);
    if (!c->started || c->swap != r->swap)
        put_counter(o, 0, "swap slots", r->seq, r->swap);
    c->swap = r->swap;
    c->started = true;
}

/* The whole trace; -1 when out of memory or the output failed. */
static int export_write(FILE *o, const struct trace_log *log, const struct model *m)
{
    struct counters c = {.rss = calloc(m->nprocs ? m->nprocs : 1, sizeof *c.rss)};
    if (!c.rss)
        return -1;
    fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"source\":\"faultline " FAULTLINE_VERSION
          "\",\"timestamps\":\"event seq, 1 us an event\"},\n\"traceEvents\":[\n", o);
    put_meta(o, m);
    size_t s = 0, x = 0;
    for (size_t i = 0; i <= log->n; i++) {
        const struct trace_rec *r = i < log->n ? &log->recs[i] : NULL;
        double ts = r ? (double)r->seq : 1e300;
        for (; s < m->nspans && m->spans[s].start <= ts; s++)
            put_span(o, m, &m->spans[s]);
        for (; x < log->nprocs && (double)log->procs[x].at + 0.5 <= ts; x++)
            if (log->procs[x].kind == TRACE_PROC_EXIT && m->sites) /* its pages are gone */
                set_rss(o, m, &c, log->procs[x].pid, (double)log->procs[x].at + 0.5, 0);
        if (!r)
            break;
        put_event(o, r);
        put_counters(o, m, &c, r);
    }
    fputs("\n]}\n", o);
    free(c.rss);
    return ferror(o) ? -1 : 0;
}

static int parse_export(int argc, char **argv, const char **in, const char **out)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *format = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:f:", opts, NULL)) != -1) {
        if (c == 'o')
            *out = optarg;
        else if (c == 'f')
            format = optarg;
        else if (c == 'h') {
            fputs(export_usage, stdout);
            return -0x100;
        } else
            return -tool_bad_usage("export", "unknown option or missing argument '%s'",
                                   argv[optind - 1]);
    }
    if (!format || strcmp(format, "perfetto") != 0)
        return -tool_bad_usage("export", "--format must be perfetto, not '%s'",
                               format ? format : "(none)");
    if (optind != argc - 1)
        return -tool_bad_usage("export", "%s", "export needs exactly one TRACE ('-' for stdin)");
    *in = argv[optind];
    return 0;
}

int cmd_export(int argc, char **argv)
{
    const char *in = NULL, *out = "-";
    int rc = parse_export(argc, argv, &in, &out);
    if (rc < 0)
        return rc == -0x100 ? 0 : -rc;
    char err[512];
    struct trace_log log = {0};
    struct model m = {0};
    if (tracefile_load(in, &log, err, sizeof err) < 0) {
        fprintf(stderr, "faultline: %s\n", err);
        tracefile_free(&log);
        return 1;
    }
    bool to_stdout = strcmp(out, "-") == 0;
    FILE *o = to_stdout ? stdout : fopen(out, "w");
    rc = 1;
    if (!o)
        fprintf(stderr, "faultline: cannot write %s: %m\n", out);
    else if (model_build(&m, &log) < 0 || export_write(o, &log, &m) < 0 ||
             fflush(o) != 0)
        fprintf(stderr, "faultline: writing %s failed\n", out);
    else
        rc = 0;
    if (o && !to_stdout && fclose(o) != 0)
        rc = 1;
    if (rc && o && !to_stdout)
        unlink(out);
    model_free(&m);
    tracefile_free(&log);
    return rc;
}
