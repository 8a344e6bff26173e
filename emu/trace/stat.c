/*
 * stat.c - `faultline stat`: a saved fault log summarised as plain text:
 * totals, events by kind, by area, by process, and the hottest pages.
 *
 * Every table has a fixed order (kinds in enum order, areas and pages by
 * count then name or address, pids ascending), so the output of one log
 * is always the same.  Pages are virtual pages of any process; events of
 * pid 0 (page-cache pages no process maps) have no virtual page and are
 * left out of the page counts.
 */
#include "emu/trace/statby.h"
#include "emu/trace/tracefile.h"
#include "emu/util/tool.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* What one group of records (an area, a pid, a page) adds up to. */
struct tally {
    uint64_t ev[VM_EV_COUNT];
    uint64_t total, pages;
    const struct trace_rec *first; /* the group's first record in log order */
};

/* The sorted views stat_print works from; freed by views_free. */
struct views {
    const struct trace_rec **v; /* every record */
    size_t n;
};

static int cmp_ptr(const struct trace_rec *a, const struct trace_rec *b)
{
    return (a > b) - (a < b);
}

static int by_area(const void *x, const void *y)
{
    const struct trace_rec *a = *(const struct trace_rec *const *)x;
    const struct trace_rec *b = *(const struct trace_rec *const *)y;
    int c = strcmp(a->area, b->area);
    return c ? c : cmp_ptr(a, b);
}

static int by_pid_page(const void *x, const void *y)
{
    const struct trace_rec *a = *(const struct trace_rec *const *)x;
    const struct trace_rec *b = *(const struct trace_rec *const *)y;
    if (a->pid != b->pid)
        return a->pid < b->pid ? -1 : 1;
    if (a->vpage != b->vpage)
        return a->vpage < b->vpage ? -1 : 1;
    return cmp_ptr(a, b);
}

static int by_page(const void *x, const void *y)
{
    const struct trace_rec *a = *(const struct trace_rec *const *)x;
    const struct trace_rec *b = *(const struct trace_rec *const *)y;
    if (a->vpage != b->vpage)
        return a->vpage < b->vpage ? -1 : 1;
    return cmp_ptr(a, b);
}

static void tally_add(struct tally *t, const struct trace_rec *r)
{
    if (!t->first || r < t->first)
        t->first = r;
    t->ev[r->event]++;
    t->total++;
}

static uint64_t tally_sum(const struct tally *t, bool (*pick)(enum vm_event))
{
    uint64_t n = 0;
    for (int e = 0; e < VM_EV_COUNT; e++)
        if (pick((enum vm_event)e))
            n += t->ev[e];
    return n;
}

static bool is_reclaim(enum vm_event e)
{
    return e == VM_EV_SWAP_OUT || e == VM_EV_EVICT_CLEAN || e == VM_EV_WRITEBACK;
}

static bool is_failure(enum vm_event e)
{
    return e == VM_EV_SEGV || e == VM_EV_SIGBUS;
}

/* Groups of v[0..n) that compare equal under same(), each tallied into a
 * new array (*out, caller frees).  Returns the group count or -1. */
static long group(const struct trace_rec **v, size_t n,
                  bool (*same)(const struct trace_rec *, const struct trace_rec *),
                  struct tally **out)
{
    struct tally *t = calloc(n ? n : 1, sizeof *t);
    long k = -1;
    if (!t)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || !same(v[i - 1], v[i]))
            k++;
        tally_add(&t[k], v[i]);
    }
    *out = t;
    return k + 1;
}

static bool same_area(const struct trace_rec *a, const struct trace_rec *b)
{
    return strcmp(a->area, b->area) == 0;
}

static bool same_pid(const struct trace_rec *a, const struct trace_rec *b)
{
    return a->pid == b->pid;
}

static bool same_page(const struct trace_rec *a, const struct trace_rec *b)
{
    return a->vpage == b->vpage;
}

/* Most events first; ties by area name. */
static int tally_by_count_area(const void *x, const void *y)
{
    const struct tally *a = x, *b = y;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    return strcmp(a->first->area, b->first->area);
}

/* Most events first; ties by address. */
static int tally_by_count_page(const void *x, const void *y)
{
    const struct tally *a = x, *b = y;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    return (a->first->vpage > b->first->vpage) - (a->first->vpage < b->first->vpage);
}

/* --- printing ------------------------------------------------------------------------ */

static void print_totals(FILE *o, const struct tally *all, size_t procs, size_t pages)
{
    fprintf(o, "totals\n");
    fprintf(o, "  %-16s %10llu\n", "events", (unsigned long long)all->total);
    fprintf(o, "  %-16s %10zu\n", "processes", procs);
    fprintf(o, "  %-16s %10zu   (virtual pages of any process)\n", "distinct pages", pages);
    fprintf(o, "  %-16s %10llu   (file-read, swap-in)\n", "major faults",
            (unsigned long long)tally_sum(all, trace_event_major));
    fprintf(o, "  %-16s %10llu   (demand-zero, cache-hit, cow, cow-reuse)\n", "minor faults",
            (unsigned long long)tally_sum(all, trace_event_minor));
    fprintf(o, "  %-16s %10llu   (swap-out, evict-clean, writeback)\n", "reclaim events",
            (unsigned long long)tally_sum(all, is_reclaim));
    fprintf(o, "  %-16s %10llu   (segv, sigbus)\n", "failed faults",
            (unsigned long long)tally_sum(all, is_failure));
}

static void print_events(FILE *o, const struct tally *all)
{
    fprintf(o, "\nby event\n  %-12s %10s %7s\n", "event", "count", "share");
    for (int e = 0; e < VM_EV_COUNT; e++)
        fprintf(o, "  %-12s %10llu %6.1f%%\n", vm_event_name((enum vm_event)e),
                (unsigned long long)all->ev[e],
                all->total ? 100.0 * (double)all->ev[e] / (double)all->total : 0.0);
}

/* One table row's per-kind columns: only the kinds present in the log. */
static void print_kinds(FILE *o, const struct tally *all, const struct tally *t)
{
    for (int e = 0; e < VM_EV_COUNT; e++)
        if (all->ev[e]) {
            int w = (int)strlen(vm_event_name((enum vm_event)e));
            if (t)
                fprintf(o, " %*llu", w < 6 ? 6 : w, (unsigned long long)t->ev[e]);
            else
                fprintf(o, " %*s", w < 6 ? 6 : w, vm_event_name((enum vm_event)e));
        }
    fputc('\n', o);
}

static void print_areas(FILE *o, const struct tally *all, struct tally *a, size_t n)
{
    int w = 4;
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(a[i].first->area) > w)
            w = (int)strlen(a[i].first->area);
    qsort(a, n, sizeof *a, tally_by_count_area);
    fprintf(o, "\nby area\n  %-*s %10s", w, "area", "events");
    print_kinds(o, all, NULL);
    for (size_t i = 0; i < n; i++) {
        fprintf(o, "  %-*s %10llu", w, a[i].first->area, (unsigned long long)a[i].total);
        print_kinds(o, all, &a[i]);
    }
}

static void print_pids(FILE *o, const struct tally *p, size_t n)
{
    fprintf(o, "\nby pid\n  %6s %10s %10s %10s %10s\n", "pid", "events", "major", "minor",
            "pages");
    for (size_t i = 0; i < n; i++) {
        char pid[16];
        snprintf(pid, sizeof pid, "%d", p[i].first->pid);
        fprintf(o, "  %6s %10llu %10llu %10llu %10llu%s\n", pid,
                (unsigned long long)p[i].total,
                (unsigned long long)tally_sum(&p[i], trace_event_major),
                (unsigned long long)tally_sum(&p[i], trace_event_minor),
                (unsigned long long)p[i].pages,
                p[i].first->pid == 0 ? "   (page cache, no process)" : "");
    }
}

static void print_hot(FILE *o, struct tally *pg, size_t n, unsigned top)
{
    qsort(pg, n, sizeof *pg, tally_by_count_page);
    if (n > top)
        n = top;
    int w = 4;
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(pg[i].first->area) > w)
            w = (int)strlen(pg[i].first->area);
    fprintf(o, "\nhottest pages (top %u)\n  %-14s %10s  %-*s  %s\n", top, "page", "events", w,
            "area", "events by kind");
    for (size_t i = 0; i < n; i++) {
        fprintf(o, "  0x%012llx %10llu  %-*s ", (unsigned long long)pg[i].first->vpage,
                (unsigned long long)pg[i].total, w, pg[i].first->area);
        for (int e = 0; e < VM_EV_COUNT; e++)
            if (pg[i].ev[e])
                fprintf(o, " %s:%llu", vm_event_name((enum vm_event)e),
                        (unsigned long long)pg[i].ev[e]);
        fputc('\n', o);
    }
}

/* --- the computation ------------------------------------------------------------------ */

/* Distinct pages per pid into the pid tallies p[0..np), v sorted by pid
 * then page.  Returns the number of processes (pids other than 0). */
static size_t count_pid_pages(const struct trace_rec **v, size_t n, struct tally *p, size_t np)
{
    size_t k = 0, procs = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && v[i - 1]->pid != v[i]->pid)
            k++;
        if (v[i]->pid != 0 && (i == 0 || !same_pid(v[i - 1], v[i]) ||
                               !same_page(v[i - 1], v[i])))
            p[k].pages++;
    }
    for (size_t i = 0; i < np; i++)
        procs += p[i].first->pid != 0;
    return procs;
}

/* Print every table for log (read from name) to o.  Returns 0, or -1
 * when out of memory. */
static int stat_print(FILE *o, const char *name, const struct trace_log *log, unsigned top)
{
    struct tally all = {0}, *areas = NULL, *pids = NULL, *pages = NULL;
    const struct trace_rec **v = calloc(log->n ? log->n : 1, sizeof *v);
    long na = -1, np = -1, ng = -1;
    size_t nv = 0;
    if (!v)
        return -1;
    for (size_t i = 0; i < log->n; i++) {
        v[i] = &log->recs[i];
        tally_add(&all, v[i]);
    }
    qsort(v, log->n, sizeof *v, by_area);
    na = group(v, log->n, same_area, &areas);
    qsort(v, log->n, sizeof *v, by_pid_page);
    np = group(v, log->n, same_pid, &pids);
    size_t procs = np < 0 ? 0 : count_pid_pages(v, log->n, pids, (size_t)np);
    for (size_t i = 0; i < log->n; i++)
        if (v[i]->pid != 0)
            v[nv++] = v[i];
    qsort(v, nv, sizeof *v, by_page);
    ng = group(v, nv, same_page, &pages);
    if (na >= 0 && np >= 0 && ng >= 0) {
        fprintf(o, "fault log %s (%s)\n\n", name, log->format == TRACE_JSONL ? "jsonl" : "text");
        print_totals(o, &all, procs, (size_t)ng);
        print_events(o, &all);
        print_areas(o, &all, areas, (size_t)na);
        print_pids(o, pids, (size_t)np);
        print_hot(o, pages, (size_t)ng, top);
    }
    free(v);
    free(areas);
    free(pids);
    free(pages);
    return na >= 0 && np >= 0 && ng >= 0 ? 0 : -1;
}

/* --- the command ------------------------------------------------------------------------ */

static const char stat_usage[] =
    "usage: faultline stat [--by KEY] [--top N] [--trace-filter K=V]... TRACE\n"
    "\n"
    "Summarise a fault log saved by 'faultline run -o TRACE' (text or JSON Lines;\n"
    "'-' reads standard input): totals, events by kind, by area and by process,\n"
    "and the N hottest pages (10), most events first, ties by address.\n"
    "Major faults are file-read and swap-in; minor faults are demand-zero,\n"
    "cache-hit, cow and cow-reuse.\n"
    "\n"
    "  --by KEY            instead, one table of the events by KEY, most first, with\n"
    "                      a column per event kind: function (with its object), line\n"
    "                      (file:line), object, syscall (of kernel faults) or area;\n"
    "                      a reclaim event counts for the fault that caused it; the\n"
    "                      top N rows (20; 0 for all) and one row for the rest\n"
    "  --top N             rows of the hottest pages or of the --by table\n"
    "  --trace-filter K=V  count only matching events (as for run: event=cow,...,\n"
    "                      pid=2, area=[heap]); repeatable\n"
    "\n"
    "Exit status: 0; 1 when TRACE cannot be read or is malformed; 125 on a usage\n"
    "error.\n";

struct stat_opts {
    unsigned top;
    bool top_set;
    enum stat_by by;
    struct trace_filter filter;
};

/* One option of stat's (c as getopt_long gives it); 0, or -status. */
static int stat_option(int c, const char *arg, struct stat_opts *so)
{
    char err[256];
    if (c == 'b') {
        if (stat_by_parse(arg, &so->by) < 0)
            return -tool_bad_usage("stat", "--by must be function, line, object, syscall or area, not '%s'", arg);
        return 0;
    }
    if (c == 'f') {
        if (!trace_filter_parse(&so->filter, arg, err, sizeof err))
            return -tool_bad_usage("stat", "%s", err);
        return 0;
    }
    char *end;
    long n = strtol(arg, &end, 10);
    if (*arg < '0' || *arg > '9' || *end || n < 0 || n > 1000000)
        return -tool_bad_usage("stat", "--top must be a number from 0 to 1000000, not '%s'", arg);
    so->top = (unsigned)n;
    so->top_set = true;
    return 0;
}

/* Parse stat's options; returns the index of TRACE, or -status. */
static int parse_stat(int argc, char **argv, struct stat_opts *so)
{
    static const struct option opts[] = {
        {"top", required_argument, NULL, 't'},
        {"by", required_argument, NULL, 'b'},
        {"trace-filter", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(stat_usage, stdout);
            return -0x100;
        }
        if (c != 't' && c != 'b' && c != 'f')
            return -tool_bad_usage("stat", "unknown option or missing argument '%s'", argv[optind - 1]);
        int rc = stat_option(c, optarg, so);
        if (rc < 0)
            return rc;
    }
    if (optind != argc - 1)
        return -tool_bad_usage("stat", "%s", "stat needs exactly one TRACE ('-' for stdin)");
    return optind;
}

/* Keep only the events f keeps. */
static void log_filter(struct trace_log *log, const struct trace_filter *f)
{
    size_t k = 0;
    for (size_t i = 0; i < log->n; i++)
        if (trace_filter_keep(f, log->recs[i].pid, log->recs[i].event, log->recs[i].area))
            log->recs[k++] = log->recs[i];
    log->n = k;
}

int cmd_stat(int argc, char **argv)
{
    struct stat_opts so = {.top = 10};
    int at = parse_stat(argc, argv, &so);
    if (at < 0)
        return at == -0x100 ? 0 : -at;
    struct trace_log log = {0};
    char err[512];
    if (tracefile_load(argv[at], &log, err, sizeof err) < 0) {
        fprintf(stderr, "faultline: %s\n", err);
        tracefile_free(&log);
        return 1;
    }
    const char *name = strcmp(argv[at], "-") ? argv[at] : "<stdin>";
    int rc;
    if (so.by != STAT_BY_NONE) {
        rc = stat_by_print(stdout, name, &log, &so.filter, so.by, so.top_set ? so.top : 20);
    } else {
        log_filter(&log, &so.filter);
        rc = stat_print(stdout, name, &log, so.top);
    }
    tracefile_free(&log);
    if (rc < 0 || fflush(stdout) != 0) {
        fprintf(stderr, "faultline: stat: %s\n", rc < 0 ? "out of memory" : "cannot write output");
        return 1;
    }
    return 0;
}
