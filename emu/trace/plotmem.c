/*
 * plotmem.c - the plot's second panel (`faultline plot --memory`): the
 * resident pages of each process and the swap slots in use, over the same
 * event sequence as the timeline above it.  Both are what the memory
 * system held after each event (format 2's rss and swap columns), so each
 * line steps exactly where an event changed it; between two events of a
 * process its count stays as the last event left it.
 *
 * A series emits a point only where its value changes, and at most two
 * per pixel column, so the file stays bounded by the image width.
 */
#include "emu/trace/plotmem.h"

#include <stdlib.h>
#include <string.h>

#define SERIES_MAX 8 /* processes drawn (those with the most resident pages) */

static const char *const colours[SERIES_MAX] = {"#4e79a7", "#e15759", "#59a14f", "#b07aa1",
                                                "#f28e2b", "#76b7b2", "#9c755f", "#edc948"};

struct series {
    int pid;           /* -1: swap slots */
    uint64_t peak;
};

static double x_at(const struct plotmem_frame *f, uint64_t seq)
{
    double span = (double)(f->smax - f->smin) + 1.0;
    return f->left + ((double)(seq - f->smin) + 0.5) / span * f->width;
}

static double y_at(const struct plotmem_frame *f, uint64_t v, uint64_t vmax)
{
    return f->top + f->height - (double)v / (double)vmax * f->height;
}

/* The polyline of one series: pid's rss, or (pid -1) the swap slots. */
static void draw_series(FILE *o, const struct trace_log *log, const struct plotmem_frame *f,
                        int pid, uint64_t vmax, const char *colour)
{
    fprintf(o, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s "
               "points=\"", pid < 0 ? "swap" : "rss", colour,
            pid < 0 ? " stroke-dasharray=\"5,3\"" : "");
    /* drawn: the value the line is at; cur: the latest seen.  A column's
     * first change steps at once, later ones in it show at its end. */
    uint64_t drawn = 0, cur = 0;
    int col = -1;
    double colx = 0;
    bool started = false;
    for (size_t i = 0; i < log->n; i++) {
        const struct trace_rec *r = &log->recs[i];
        if (pid >= 0 && r->pid != pid)
            continue;
        uint64_t v = pid < 0 ? r->swap : r->rss;
        double x = x_at(f, r->seq);
        if (!started || (v != cur && (int)x != col)) {
            if (started && cur != drawn)
                fprintf(o, "%.1f,%.1f ", colx, y_at(f, cur, vmax));
            if (started)
                fprintf(o, "%.1f,%.1f ", x, y_at(f, cur, vmax));
            fprintf(o, "%.1f,%.1f ", x, y_at(f, v, vmax));
            drawn = v;
            col = (int)x;
            colx = x;
            started = true;
        }
        cur = v;
    }
    if (started && cur != drawn)
        fprintf(o, "%.1f,%.1f ", colx, y_at(f, cur, vmax));
    fprintf(o, "\"/>\n");
}

/* The processes with the most resident pages at their peak, at most max. */
static size_t pick_series(const struct trace_log *log, struct series *s, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < log->n; i++) {
        const struct trace_rec *r = &log->recs[i];
        if (r->pid == 0)
            continue;
        size_t k = 0;
        while (k < n && s[k].pid != r->pid)
            k++;
        if (k == n) {
            if (n == max) {
                /* full: replace the smallest peak if this one is larger */
                size_t m = 0;
                for (size_t j = 1; j < n; j++)
                    m = s[j].peak < s[m].peak ? j : m;
                if (s[m].peak >= r->rss)
                    continue;
                k = m;
            } else {
                n++;
            }
            s[k] = (struct series){r->pid, 0};
        }
        if (r->rss > s[k].peak)
            s[k].peak = r->rss;
    }
    return n;
}

static int by_pid(const void *x, const void *y)
{
    const struct series *a = x, *b = y;
    return (a->pid > b->pid) - (a->pid < b->pid);
}

void plotmem_draw(FILE *o, const struct trace_log *log, const struct plotmem_frame *f)
{
    struct series s[SERIES_MAX];
    size_t n = pick_series(log, s, SERIES_MAX);
    qsort(s, n, sizeof *s, by_pid);
    uint64_t vmax = 1;
    for (size_t i = 0; i < log->n; i++) {
        if (log->recs[i].swap > vmax)
            vmax = log->recs[i].swap;
        if (log->recs[i].pid && log->recs[i].rss > vmax)
            vmax = log->recs[i].rss;
    }
    double bottom = f->top + f->height;
    fprintf(o, "<g class=\"memory\">\n<text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\">"
               "resident pages per process, swap slots in use</text>\n",
            f->left, f->top - 8);
    fprintf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
               "stroke=\"#999999\"/>\n", f->left, f->top, f->width, f->height);
    for (int t = 0; t <= 4; t++) {
        uint64_t v = vmax * (uint64_t)t / 4;
        fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%llu</text>\n",
                f->left - 6, y_at(f, v, vmax) + 4, (unsigned long long)v);
    }
    for (size_t i = 0; i < n; i++)
        draw_series(o, log, f, s[i].pid, vmax, colours[i]);
    draw_series(o, log, f, -1, vmax, "#333333");
    double lx = f->left;
    for (size_t i = 0; i <= n; i++) {
        char label[32];
        if (i < n)
            snprintf(label, sizeof label, "pid %d", s[i].pid);
        else
            snprintf(label, sizeof label, "swap slots");
        fprintf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"2\"%s/><text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                lx, bottom + 20, lx + 18, bottom + 20, i < n ? colours[i] : "#333333",
                i < n ? "" : " stroke-dasharray=\"5,3\"", lx + 22, bottom + 24, label);
        lx += 40 + 7.0 * (double)strlen(label);
    }
    fputs("</g>\n", o);
}

bool plotmem_possible(const struct trace_log *log)
{
    for (size_t i = 0; i < log->n; i++)
        if (log->recs[i].columns < 18)
            return false;
    return true;
}
