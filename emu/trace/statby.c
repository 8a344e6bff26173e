/*
 * statby.c - `faultline stat --by KEY`: the events of a fault log grouped
 * by the code that caused them (function, source line, object), by the
 * system call behind a kernel fault, or by area, as perf report groups
 * samples: one row a key, most events first, with a column per event
 * kind.
 *
 * A reclaim event counts for the fault that caused it (its cause column),
 * so a function's row says how much eviction its allocations forced; one
 * whose cause is not in the log counts under "-", as do faults a log of
 * an older format cannot name.  Rows past --top are summed into one, so
 * the rows always add up to the events shown.
 */
#include "emu/trace/statby.h"

#include <stdlib.h>
#include <string.h>

struct by_ctx {
    const struct trace_log *log;
    enum stat_by by;
};

/* The record whose site names r: r itself, or for reclaim its cause. */
static const struct trace_rec *site_of(const struct trace_log *log, const struct trace_rec *r)
{
    if (!r->cause)
        return r;
    size_t lo = 0, hi = log->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (log->recs[mid].seq < r->cause)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < log->n && log->recs[lo].seq == r->cause ? &log->recs[lo] : NULL;
}

/* The function of a symbol column: "name+0xoff" without the offset. */
static void func_name(char *out, size_t cap, const char *symbol)
{
    const char *plus = strrchr(symbol, '+');
    size_t n = plus && plus[1] == '0' && plus[2] == 'x' ? (size_t)(plus - symbol) : strlen(symbol);
    snprintf(out, cap, "%.*s", (int)n, symbol);
}

/* r's key columns, tab-separated (the first is the one grouped by). */
static void key_of(const struct by_ctx *c, const struct trace_rec *r, char *out, size_t cap)
{
    const struct trace_rec *s = site_of(c->log, r);
    char fn[TRACE_SYM_MAX];
    switch (c->by) {
    case STAT_BY_FUNCTION:
        func_name(fn, sizeof fn, s ? s->symbol : "-");
        snprintf(out, cap, "%s\t%s", fn, s ? s->object : "-");
        break;
    case STAT_BY_LINE:
        func_name(fn, sizeof fn, s ? s->symbol : "-");
        snprintf(out, cap, "%s\t%s\t%s", s ? s->line : "-", fn, s ? s->object : "-");
        break;
    case STAT_BY_OBJECT: snprintf(out, cap, "%s", s ? s->object : "-"); break;
    case STAT_BY_SYSCALL: snprintf(out, cap, "%s", s ? s->call : "-"); break;
    default: snprintf(out, cap, "%s", r->area); break;
    }
}

#define KEY_MAX (TRACE_SYM_MAX + TRACE_LINE_COL_MAX + TRACE_OBJ_MAX + 4)

static int by_key(const void *x, const void *y, void *ctx)
{
    const struct trace_rec *a = *(const struct trace_rec *const *)x;
    const struct trace_rec *b = *(const struct trace_rec *const *)y;
    char ka[KEY_MAX], kb[KEY_MAX];
    key_of(ctx, a, ka, sizeof ka);
    key_of(ctx, b, kb, sizeof kb);
    int d = strcmp(ka, kb);
    return d ? d : (a > b) - (a < b);
}

struct row {
    char key[KEY_MAX];
    uint64_t ev[VM_EV_COUNT];
    uint64_t total;
};

static int row_cmp(const void *x, const void *y)
{
    const struct row *a = x, *b = y;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    return strcmp(a->key, b->key);
}

static const char *const key_titles[][3] = {
    [STAT_BY_FUNCTION] = {"function", "object", NULL},
    [STAT_BY_LINE] = {"line", "function", "object"},
    [STAT_BY_OBJECT] = {"object", NULL, NULL},
    [STAT_BY_SYSCALL] = {"syscall", NULL, NULL},
    [STAT_BY_AREA] = {"area", NULL, NULL},
};

/* One row: counts, share, a column per kind present, then the key. */
static void print_row(FILE *o, const struct row *r, const uint64_t *all, uint64_t total,
                      int *w, enum stat_by by)
{
    fprintf(o, "  %8llu %6.1f%%", (unsigned long long)r->total,
            total ? 100.0 * (double)r->total / (double)total : 0.0);
    for (int e = 0; e < VM_EV_COUNT; e++)
        if (all[e]) {
            int ew = (int)strlen(vm_event_name((enum vm_event)e));
            fprintf(o, " %*llu", ew < 6 ? 6 : ew, (unsigned long long)r->ev[e]);
        }
    const char *k = r->key;
    for (int i = 0; i < 3 && key_titles[by][i]; i++) {
        size_t n = strcspn(k, "\t");
        bool last = i == 2 || !key_titles[by][i + 1];
        fprintf(o, "  %-*.*s", last ? 0 : w[i], (int)n, k);
        k += n + (k[n] == '\t');
    }
    fputc('\n', o);
}

static void print_table(FILE *o, struct row *rows, size_t n, const uint64_t *all,
                        uint64_t total, enum stat_by by)
{
    int w[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        const char *k = rows[i].key;
        for (int j = 0; j < 3 && *k; j++) {
            int len = (int)strcspn(k, "\t");
            if (len > w[j])
                w[j] = len;
            k += len + (k[len] == '\t');
        }
    }
    for (int j = 0; j < 3 && key_titles[by][j]; j++)
        if ((int)strlen(key_titles[by][j]) > w[j])
            w[j] = (int)strlen(key_titles[by][j]);
    fprintf(o, "  %8s %7s", "events", "share");
    for (int e = 0; e < VM_EV_COUNT; e++)
        if (all[e]) {
            int ew = (int)strlen(vm_event_name((enum vm_event)e));
            fprintf(o, " %*s", ew < 6 ? 6 : ew, vm_event_name((enum vm_event)e));
        }
    for (int j = 0; j < 3 && key_titles[by][j]; j++) {
        bool last = j == 2 || !key_titles[by][j + 1];
        fprintf(o, "  %-*s", last ? 0 : w[j], key_titles[by][j]);
    }
    fputc('\n', o);
    for (size_t i = 0; i < n; i++)
        print_row(o, &rows[i], all, total, w, by);
}

/* Group v[0..n) (sorted by key) into rows; NULL when out of memory. */
static struct row *make_rows(const struct by_ctx *c, const struct trace_rec **v, size_t n,
                             size_t *nrows)
{
    struct row *rows = calloc(n ? n : 1, sizeof *rows);
    size_t k = 0;
    if (!rows)
        return NULL;
    char key[KEY_MAX];
    for (size_t i = 0; i < n; i++) {
        key_of(c, v[i], key, sizeof key);
        if (k == 0 || strcmp(rows[k - 1].key, key) != 0)
            snprintf(rows[k++].key, sizeof rows[0].key, "%s", key);
        rows[k - 1].ev[v[i]->event]++;
        rows[k - 1].total++;
    }
    *nrows = k;
    return rows;
}

int stat_by_print(FILE *o, const char *name, const struct trace_log *log,
                  const struct trace_filter *f, enum stat_by by, unsigned top)
{
    struct by_ctx c = {log, by};
    const struct trace_rec **v = calloc(log->n ? log->n : 1, sizeof *v);
    uint64_t all[VM_EV_COUNT] = {0};
    size_t n = 0, nrows = 0;
    if (!v)
        return -1;
    for (size_t i = 0; i < log->n; i++) {
        const struct trace_rec *r = &log->recs[i];
        if (trace_filter_keep(f, r->pid, r->event, r->area)) {
            v[n++] = r;
            all[r->event]++;
        }
    }
    qsort_r(v, n, sizeof *v, by_key, &c);
    struct row *rows = make_rows(&c, v, n, &nrows);
    free(v);
    if (!rows)
        return -1;
    qsort(rows, nrows, sizeof *rows, row_cmp);
    fprintf(o, "fault log %s (%s): %zu events by %s, %zu %s\n\n", name,
            log->format == TRACE_JSONL ? "jsonl" : "text", n, key_titles[by][0], nrows,
            nrows == 1 ? "row" : "rows");
    if (nrows > top && top > 0) {
        /* The rest, in one row, so the table still adds up. */
        struct row *rest = &rows[top];
        for (size_t i = top + 1; i < nrows; i++) {
            rest->total += rows[i].total;
            for (int e = 0; e < VM_EV_COUNT; e++)
                rest->ev[e] += rows[i].ev[e];
        }
        snprintf(rest->key, sizeof rest->key, "(%zu others)", nrows - top);
        nrows = top + 1;
    }
    print_table(o, rows, nrows, all, n, by);
    free(rows);
    return 0;
}

int stat_by_parse(const char *s, enum stat_by *out)
{
    static const char *const names[] = {
        [STAT_BY_FUNCTION] = "function", [STAT_BY_LINE] = "line", [STAT_BY_OBJECT] = "object",
        [STAT_BY_SYSCALL] = "syscall",   [STAT_BY_AREA] = "area",
    };
    for (int i = STAT_BY_FUNCTION; i <= STAT_BY_AREA; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum stat_by)i;
            return 0;
        }
    return -1;
}
