/*
 * plot.c - `faultline plot`: a saved fault log drawn as a self-contained
 * SVG timeline.  x is the event sequence; y is the virtual address, broken
 * into one band per area (lowest address at the bottom), each band scaled
 * to its own address range so that the image at 0x400000 and the stack at
 * 0x7ffffffde000 both stay visible.  One colour per event kind.
 *
 * Marks that land on the same pixel with the same kind are merged into one
 * (its tooltip says how many), so a long log stays readable and the file
 * stays bounded by the image size.  Output depends only on the log and the
 * options: no times, no host names.
 */
#include "emu/trace/plotmem.h"
#include "emu/trace/tracefile.h"
#include "emu/util/tool.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BAND_SPLIT_GAP (1ULL << 30) /* one name further apart than this: two bands */
#define BAND_MIN_H 16.0
#define BAND_GAP 6.0
#define CHAR_W 6.5                  /* average glyph width at font-size 11 */
#define MARK 4.0
#define TITLE_MAX 512

static const char *const ev_colour[VM_EV_COUNT] = {
    [VM_EV_DEMAND_ZERO] = "#4e79a7", [VM_EV_FILE_READ] = "#59a14f",
    [VM_EV_CACHE_HIT] = "#8cd17d",   [VM_EV_COW] = "#e15759",
    [VM_EV_COW_REUSE] = "#ff9d9a",   [VM_EV_SWAP_OUT] = "#b07aa1",
    [VM_EV_SWAP_IN] = "#f28e2b",     [VM_EV_EVICT_CLEAN] = "#bab0ac",
    [VM_EV_WRITEBACK] = "#9c755f",   [VM_EV_SEGV] = "#000000",
    [VM_EV_SIGBUS] = "#edc948",
};

/* One horizontal band: the pages [lo, hi) of one area name.  cache: the
 * band holds page-cache events of no process (pid 0). */
struct band {
    const char *area;  /* points into the log */
    bool cache;
    uint64_t lo, hi;
    size_t id;         /* its index before the bands were sorted */
};

/* Events of one kind that fall on one pixel. */
struct mark {
    int x, y;
    enum vm_event ev;
    uint64_t n;
    const struct trace_rec *first, *last;
};

/* One plot being drawn.  It owns bands, band_of and marks (plot_free);
 * the log and the title belong to the caller. */
struct plot {
    FILE *o;
    const struct trace_log *log;
    const char *title;
    struct band *bands;      /* in address order */
    size_t nb;
    size_t *band_of;         /* per record: index in bands */
    struct mark *marks;
    size_t nm;
    uint64_t count[VM_EV_COUNT];
    uint64_t smin, smax;     /* sequence range */
    double w, h;             /* the image */
    double left, right, top, bottom; /* margins */
    double bh;               /* band height */
    int label_chars;         /* band labels are cut to this many characters */
    int legend_rows;
    bool memory;             /* the memory panel goes below, in extra more pixels */
    double extra;
};

/* --- text ---------------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s, or 0 when it is not one. */
static int utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    int n = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
          : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
        return 0;
    return n;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; n++) {
        int k = utf8_len(p);
        p += k ? k : 1;
    }
    return n;
}

/* Write s as XML character data, at most max characters (longer: cut, with
 * "..." at the end).  Bytes that are not valid UTF-8, and control bytes,
 * become '?', so the document always parses. */
static void xml_text(FILE *o, const char *s, size_t max)
{
    size_t total = utf8_chars(s), keep = total > max && max > 3 ? max - 3 : total;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; *p && i < keep; i++) {
        int k = utf8_len(p);
        if (k == 0 || *p < 0x20 || *p == 0x7f)
            fputc('?', o);
        else if (*p == '&')
            fputs("&amp;", o);
        else if (*p == '<')
            fputs("&lt;", o);
        else if (*p == '>')
            fputs("&gt;", o);
        else if (*p == '"')
            fputs("&quot;", o);
        else if (*p == '\'')
            fputs("&apos;", o);
        else
            fwrite(p, 1, (size_t)k, o);
        p += k ? k : 1;
    }
    if (keep < total)
        fputs("...", o);
}

/* The band label of b: the area name, "(no area)" for "-". */
static void band_name(FILE *o, const struct band *b, size_t max)
{
    char buf[TRACE_AREA_MAX + 16];
    snprintf(buf, sizeof buf, "%s%s", strcmp(b->area, "-") ? b->area : "(no area)",
             b->cache ? " (page cache)" : "");
    xml_text(o, buf, max);
}

/* --- bands ----------------------------------------------------------------------------- */

/* Records ordered by band key (area, cache) then address. */
static int by_key_page(const void *x, const void *y)
{
    const struct trace_rec *a = *(const struct trace_rec *const *)x;
    const struct trace_rec *b = *(const struct trace_rec *const *)y;
    int c = strcmp(a->area, b->area);
    if (c)
        return c;
    if ((a->pid == 0) != (b->pid == 0))
        return a->pid == 0 ? 1 : -1;
    if (a->vpage != b->vpage)
        return a->vpage < b->vpage ? -1 : 1;
    return (a > b) - (a < b);
}

static int band_by_address(const void *x, const void *y)
{
    const struct band *a = x, *b = y;
    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    int c = strcmp(a->area, b->area);
    return c ? c : (int)a->cache - (int)b->cache;
}

/* Split the sorted records v[0..n) into bands (p->bands, unsorted) and
 * note each record's band in p->band_of.  Returns 0 or -1 (no memory). */
static int bands_split(struct plot *p, const struct trace_rec **v, size_t n)
{
    p->bands = calloc(n ? n : 1, sizeof *p->bands);
    if (!p->bands)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct trace_rec *r = v[i], *q = i ? v[i - 1] : NULL;
        if (!q || strcmp(q->area, r->area) || (q->pid == 0) != (r->pid == 0) ||
            r->vpage - q->vpage > BAND_SPLIT_GAP) {
            struct band *b = &p->bands[p->nb++];
            b->area = r->area;
            b->cache = r->pid == 0;
            b->lo = r->vpage;
            b->id = p->nb - 1;
        }
        p->bands[p->nb - 1].hi = r->vpage + VM_PAGE_SIZE;
        p->band_of[r - p->log->recs] = p->nb - 1;
    }
    return 0;
}

/* Build p->bands in address order and p->band_of.  Returns 0 or -1. */
static int plot_bands(struct plot *p)
{
    size_t n = p->log->n, *where = NULL;
    const struct trace_rec **v = calloc(n ? n : 1, sizeof *v);
    int rc = -1;
    p->band_of = calloc(n ? n : 1, sizeof *p->band_of);
    if (!v || !p->band_of)
        goto out;
    for (size_t i = 0; i < n; i++)
        v[i] = &p->log->recs[i];
    qsort(v, n, sizeof *v, by_key_page);
    if (bands_split(p, v, n) < 0 || !(where = calloc(p->nb ? p->nb : 1, sizeof *where)))
        goto out;
    qsort(p->bands, p->nb, sizeof *p->bands, band_by_address);
    for (size_t i = 0; i < p->nb; i++)
        where[p->bands[i].id] = i;
    for (size_t i = 0; i < n; i++)
        p->band_of[i] = where[p->band_of[i]];
    rc = 0;
out:
    free(where);
    free(v);
    return rc;
}

/* --- layout ------------------------------------------------------------------------------ */

static double plot_width(const struct plot *p)
{
    return p->w - p->left - p->right;
}

/* Bottom edge of band i (0 = lowest addresses, drawn lowest). */
static double band_bottom(const struct plot *p, size_t i)
{
    return p->h - p->bottom - (double)i * (p->bh + BAND_GAP);
}

static double x_of(const struct plot *p, uint64_t seq)
{
    double span = (double)(p->smax - p->smin) + 1.0;
    return p->left + ((double)(seq - p->smin) + 0.5) / span * plot_width(p);
}

/* The middle of page vpage in band i. */
static double y_of(const struct plot *p, size_t i, uint64_t vpage)
{
    const struct band *b = &p->bands[i];
    double at = ((double)(vpage - b->lo) + VM_PAGE_SIZE / 2.0) / (double)(b->hi - b->lo);
    return band_bottom(p, i) - at * p->bh;
}

/* Legend entry text of kind e, "cow (12)", into buf. */
static void legend_label(const struct plot *p, int e, char *buf, size_t len)
{
    snprintf(buf, len, "%s (%llu)", vm_event_name((enum vm_event)e),
             (unsigned long long)p->count[e]);
}

static double legend_entry_w(const char *label)
{
    return 14.0 + CHAR_W * (double)strlen(label) + 18.0;
}

/* Rows the legend needs within the plot's width. */
static int legend_rows(const struct plot *p)
{
    double x = 0, avail = p->w - p->left - 10;
    int rows = 1;
    for (int e = 0; e < VM_EV_COUNT; e++) {
        char label[64];
        if (!p->count[e])
            continue;
        legend_label(p, e, label, sizeof label);
        if (x > 0 && x + legend_entry_w(label) > avail) {
            rows++;
            x = 0;
        }
        x += legend_entry_w(label);
    }
    return rows;
}

/* Counts, margins, and band height for an image of at least w x h (the
 * height grows so every band gets BAND_MIN_H). */
static void plot_layout(struct plot *p, double w, double h)
{
    size_t longest = 4;
    p->smin = p->log->n ? UINT64_MAX : 0;
    for (size_t i = 0; i < p->log->n; i++) {
        const struct trace_rec *r = &p->log->recs[i];
        p->count[r->event]++;
        p->smin = r->seq < p->smin ? r->seq : p->smin;
        p->smax = r->seq > p->smax ? r->seq : p->smax;
    }
    for (size_t i = 0; i < p->nb; i++) {
        size_t n = utf8_chars(p->bands[i].area) + (p->bands[i].cache ? 13 : 0);
        longest = n > longest ? n : longest;
    }
    p->w = w;
    p->left = 118;
    p->top = 44;
    p->right = 24 + CHAR_W * (double)longest;
    if (p->right > w / 3)
        p->right = w / 3;
    p->label_chars = (int)((p->right - 16) / CHAR_W);
    p->legend_rows = legend_rows(p);
    p->bottom = 56 + 18.0 * p->legend_rows;
    double nb = (double)p->nb, need = p->top + p->bottom + nb * BAND_MIN_H +
                                      (nb > 0 ? nb - 1 : 0) * BAND_GAP;
    p->h = h > need ? h : need;
    double plot_h = p->h - p->top - p->bottom;
    p->bh = p->nb ? (plot_h - (nb - 1) * BAND_GAP) / nb : plot_h;
}

/* --- marks -------------------------------------------------------------------------------- */

static int mark_order(const void *x, const void *y)
{
    const struct mark *a = x, *b = y;
    if (a->ev != b->ev)
        return a->ev < b->ev ? -1 : 1;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    if (a->first->seq != b->first->seq)
        return a->first->seq < b->first->seq ? -1 : 1;
    return (a->first > b->first) - (a->first < b->first);
}

/* One mark per event, then merge those of one kind on one pixel.
 * Returns 0 or -1 (no memory). */
static int plot_marks(struct plot *p)
{
    size_t n = p->log->n;
    p->marks = calloc(n ? n : 1, sizeof *p->marks);
    if (!p->marks)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct trace_rec *r = &p->log->recs[i];
        struct mark *m = &p->marks[i];
        m->x = (int)x_of(p, r->seq);
        m->y = (int)y_of(p, p->band_of[i], r->vpage);
        m->ev = r->event;
        m->n = 1;
        m->first = m->last = r;
    }
    qsort(p->marks, n, sizeof *p->marks, mark_order);
    for (size_t i = 0; i < n; i++) {
        struct mark *m = &p->marks[i], *prev = p->nm ? &p->marks[p->nm - 1] : NULL;
        if (prev && prev->ev == m->ev && prev->x == m->x && prev->y == m->y) {
            prev->n++;
            prev->last = m->first;
        } else {
            p->marks[p->nm++] = *m;
        }
    }
    return 0;
}

/* --- SVG ---------------------------------------------------------------------------------- */

static void svg_head(const struct plot *p)
{
    fprintf(p->o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                  "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Helvetica, Arial, "
                  "sans-serif\" font-size=\"11\" fill=\"#222222\">\n<title>",
            p->w, p->h + p->extra, p->w, p->h + p->extra);
    xml_text(p->o, p->title, 200);
    fprintf(p->o, "</title>\n<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n"
                  "<text class=\"title\" x=\"%.1f\" y=\"28\" font-size=\"15\" "
                  "font-weight=\"bold\">",
            p->w, p->h + p->extra, p->left);
    xml_text(p->o, p->title, 200);
    fputs("</text>\n", p->o);
}

/* An address label left of the y axis, its baseline at y. */
static void svg_addr(const struct plot *p, double y, uint64_t addr)
{
    fprintf(p->o, "<text class=\"addr\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">0x%llx</text>\n",
            p->left - 6, y, (unsigned long long)addr);
}

/* Band i: background, its piece of the y axis, hex addresses, name. */
static void svg_band(const struct plot *p, size_t i)
{
    const struct band *b = &p->bands[i];
    double y1 = band_bottom(p, i), y0 = y1 - p->bh, mid = (y0 + y1) / 2;
    fprintf(p->o, "<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                  "fill=\"%s\"/>\n",
            p->left, y0, plot_width(p), p->bh, i % 2 ? "#ebebeb" : "#f5f5f5");
    fprintf(p->o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555555\"/>\n",
            p->left, y0, p->left, y1);
    if (p->bh >= 28) {
        svg_addr(p, y1, b->lo);
        svg_addr(p, y0 + 9, b->hi);
    } else {
        svg_addr(p, mid + 4, b->lo);
    }
    fprintf(p->o, "<text class=\"band-label\" x=\"%.1f\" y=\"%.1f\">", p->left + plot_width(p) + 8,
            mid + 4);
    band_name(p->o, b, (size_t)p->label_chars);
    fputs("</text>\n", p->o);
}

/* A round step of at least span/8: 1, 2 or 5 times a power of ten. */
static uint64_t tick_step(uint64_t span)
{
    double want = (double)span / 8.0, step = 1;
    while (step * 10 <= want)
        step *= 10;
    double s = step >= want ? step : 2 * step >= want ? 2 * step : 5 * step >= want ? 5 * step
             : 10 * step;
    return s >= 1.8e19 ? UINT64_MAX : (uint64_t)s;
}

/* The x-axis ticks: multiples of a round step within [smin, smax]. */
static void svg_ticks(const struct plot *p, double y)
{
    uint64_t step = tick_step(p->smax - p->smin), s = p->smin;
    if (s % step) {
        if (s - s % step > UINT64_MAX - step)
            return;
        s = s - s % step + step;
    }
    for (; s <= p->smax; s += step) {
        double x = x_of(p, s);
        fprintf(p->o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                      "stroke=\"#555555\"/>\n<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
                      "text-anchor=\"middle\">%llu</text>\n",
                x, y, x, y + 4, x, y + 16, (unsigned long long)s);
        if (s > UINT64_MAX - step)
            break;
    }
}

static void svg_axes(const struct plot *p)
{
    double y = p->h - p->bottom + 4, x1 = p->left + plot_width(p);
    double ymid = (p->top + p->h - p->bottom) / 2;
    fprintf(p->o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555555\"/>\n",
            p->left, y, x1, y);
    if (p->log->n) {
        svg_ticks(p, y);
    } else {
        fprintf(p->o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">no events</text>\n",
                (p->left + x1) / 2, ymid);
    }
    fprintf(p->o, "<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                  "event sequence</text>\n",
            (p->left + x1) / 2, y + 32);
    fprintf(p->o, "<text class=\"axis-title\" x=\"16\" y=\"%.1f\" text-anchor=\"middle\" "
                  "transform=\"rotate(-90 16 %.1f)\">virtual address (each band scaled to its "
                  "area)</text>\n",
            ymid, ymid);
}

static void svg_mark(const struct plot *p, const struct mark *m)
{
    const struct trace_rec *r = m->first;
    fprintf(p->o, "<rect class=\"mark\" x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\">"
                  "<title>",
            m->x + 0.5 - MARK / 2, m->y + 0.5 - MARK / 2, MARK, MARK);
    if (m->n == 1)
        fprintf(p->o, "#%llu pid %d %s %c 0x%llx ", (unsigned long long)r->seq, r->pid,
                vm_event_name(r->event), r->access, (unsigned long long)r->vpage);
    else
        fprintf(p->o, "%llu %s events #%llu..#%llu near 0x%llx ", (unsigned long long)m->n,
                vm_event_name(m->ev), (unsigned long long)r->seq,
                (unsigned long long)m->last->seq, (unsigned long long)r->vpage);
    xml_text(p->o, r->area, TRACE_AREA_MAX);
    fputs("</title></rect>\n", p->o);
}

/* Marks grouped by kind, in enum order (later kinds drawn on top). */
static void svg_marks(const struct plot *p)
{
    size_t i = 0;
    while (i < p->nm) {
        enum vm_event ev = p->marks[i].ev;
        fprintf(p->o, "<g class=\"marks ev-%s\" fill=\"%s\">\n", vm_event_name(ev),
                ev_colour[ev]);
        for (; i < p->nm && p->marks[i].ev == ev; i++)
            svg_mark(p, &p->marks[i]);
        fputs("</g>\n", p->o);
    }
}

static void svg_legend(const struct plot *p)
{
    double x = 0, y = p->h - p->bottom + 56, avail = p->w - p->left - 10;
    fputs("<g class=\"legend\">\n", p->o);
    for (int e = 0; e < VM_EV_COUNT; e++) {
        char label[64];
        if (!p->count[e])
            continue;
        legend_label(p, e, label, sizeof label);
        if (x > 0 && x + legend_entry_w(label) > avail) {
            x = 0;
            y += 18;
        }
        fprintf(p->o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                      "<text class=\"legend\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                p->left + x, y - 9, ev_colour[e], p->left + x + 14, y, label);
        x += legend_entry_w(label);
    }
    fputs("</g>\n", p->o);
}

/* Write the whole document to p->o. */
static void svg_write(const struct plot *p)
{
    svg_head(p);
    for (size_t i = 0; i < p->nb; i++)
        svg_band(p, i);
    svg_axes(p);
    svg_marks(p);
    svg_legend(p);
    if (p->memory) {
        struct plotmem_frame f = {p->left, plot_width(p), p->h + 24,
                                  p->extra - 24 - PLOTMEM_LEGEND_H - 10, p->smin, p->smax};
        plotmem_draw(p->o, p->log, &f);
    }
    fputs("</svg>\n", p->o);
}

/* --- the command ------------------------------------------------------------------------------ */

static const char plot_usage[] =
    "usage: faultline plot TRACE -o FILE.svg [--width W] [--height H] [--title T] [--memory]\n"
    "\n"
    "Draw a fault log saved by 'faultline run -o TRACE' (text or JSON Lines; '-'\n"
    "reads standard input) as an SVG timeline: x is the event sequence, y the\n"
    "virtual address, one band per area (lowest addresses at the bottom, each\n"
    "band scaled to its own range), one colour per event kind.  Events of one\n"
    "kind on the same pixel are drawn as one mark.\n"
    "\n"
    "  -o, --output FILE   the SVG to write ('-' for stdout); required\n"
    "      --width W       image width in pixels, 400 to 20000 (1000)\n"
    "      --height H      image height in pixels, 200 to 20000 (560); grows when\n"
    "                      there are many areas\n"
    "      --title T       the title (default: page faults of TRACE)\n"
    "      --memory        a second panel below: resident pages of each process and\n"
    "                      swap slots in use after each event (format 2 logs)\n"
    "\n"
    "Exit status: 0; 1 when TRACE cannot be read or is malformed, or FILE cannot\n"
    "be written; 125 on a usage error.\n";

struct plot_opts {
    const char *trace, *out, *title;
    double w, h;
    bool memory;
};

static bool parse_px(const char *s, double min, double max, double *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || v < min || v > max)
        return false;
    *out = (double)v;
    return true;
}

/* Parse plot's options into o; returns 0 or -status (-0x100: --help). */
static int parse_plot(int argc, char **argv, struct plot_opts *o)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"width", required_argument, NULL, 'w'},
        {"height", required_argument, NULL, 'H'}, {"title", required_argument, NULL, 't'},
        {"memory", no_argument, NULL, 'm'},       {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'o')
            o->out = optarg;
        else if (c == 'm')
            o->memory = true;
        else if (c == 't')
            o->title = optarg;
        else if (c == 'w' && !parse_px(optarg, 400, 20000, &o->w))
            return -tool_bad_usage("plot", "--width must be from 400 to 20000, not '%s'", optarg);
        else if (c == 'H' && !parse_px(optarg, 200, 20000, &o->h))
            return -tool_bad_usage("plot", "--height must be from 200 to 20000, not '%s'", optarg);
        else if (c == 'h') {
            fputs(plot_usage, stdout);
            return -0x100;
        } else if (c != 'w' && c != 'H')
            return -tool_bad_usage("plot", "unknown option or missing argument '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return -tool_bad_usage("plot", "%s", "plot needs exactly one TRACE ('-' for stdin)");
    if (!o->out)
        return -tool_bad_usage("plot", "%s", "plot needs -o FILE.svg");
    o->trace = argv[optind];
    return 0;
}

static void plot_free(struct plot *p)
{
    free(p->bands);
    free(p->band_of);
    free(p->marks);
}

/* Lay out and write log as SVG to out.  Returns 0, or -1 with err set. */
static int plot_render(const struct trace_log *log, const struct plot_opts *o, FILE *out,
                       char *err, size_t errlen)
{
    struct plot p = {.o = out, .log = log, .title = o->title, .memory = o->memory,
                     .extra = o->memory ? PLOTMEM_H : 0};
    int rc = -1;
    if (plot_bands(&p) == 0) {
        plot_layout(&p, o->w, o->h);
        if (plot_marks(&p) == 0) {
            svg_write(&p);
            rc = 0;
        }
    }
    if (rc < 0)
        snprintf(err, errlen, "out of memory");
    plot_free(&p);
    return rc;
}

/* Write the plot to o->out ("-": stdout); a failed file is removed. */
static int plot_output(const struct trace_log *log, const struct plot_opts *o, char *err,
                       size_t errlen)
{
    bool is_stdout = strcmp(o->out, "-") == 0;
    FILE *f = is_stdout ? stdout : fopen(o->out, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", o->out, strerror(errno));
        return -1;
    }
    int rc = plot_render(log, o, f, err, errlen);
    if (is_stdout ? fflush(f) != 0 : fclose(f) != 0) {
        if (rc == 0)
            snprintf(err, errlen, "cannot write %s: %s", o->out, strerror(errno));
        rc = -1;
    }
    if (rc < 0 && !is_stdout)
        unlink(o->out);
    return rc;
}

int cmd_plot(int argc, char **argv)
{
    struct plot_opts o = {.w = 1000, .h = 560};
    int rc = parse_plot(argc, argv, &o);
    if (rc < 0)
        return rc == -0x100 ? 0 : -rc;
    char title[TITLE_MAX], err[512];
    if (!o.title) {
        const char *base = strrchr(o.trace, '/');
        snprintf(title, sizeof title, "page faults of %s",
                 strcmp(o.trace, "-") ? (base ? base + 1 : o.trace) : "<stdin>");
        o.title = title;
    }
    struct trace_log log = {0};
    rc = tracefile_load(o.trace, &log, err, sizeof err);
    if (rc == 0 && o.memory && !plotmem_possible(&log)) {
        snprintf(err, sizeof err, "%s has no rss and swap columns (a log of format 2 has them)",
                 o.trace);
        rc = -1;
    }
    if (rc == 0)
        rc = plot_output(&log, &o, err, sizeof err);
    tracefile_free(&log);
    if (rc < 0) {
        fprintf(stderr, "faultline: %s\n", err);
        return 1;
    }
    return 0;
}
