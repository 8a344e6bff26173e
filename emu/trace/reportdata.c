/*
 * reportdata.c - the data block of `faultline report`: everything the
 * page shows, packed so that a log of a million events stays a few MB.
 *
 * The block is zlib-deflated and base64-encoded (the page inflates it with
 * the browser's DecompressionStream).  Inflated it is a little-endian
 * uint32 length, that many bytes of JSON (the dictionaries: areas,
 * details, sites, processes, "#process" records, bands), zero bytes up to
 * a multiple of 4, then REPORT_NCOLS columns of n int32 each, every one
 * stored as differences from the value before it (mod 2^32), which
 * deflate packs well: seq and rss move by small steps.
 *
 * A band is one area name of one process (pid 0: the page cache) over the
 * pages it touched, split where two pages are more than 1 GiB apart, as
 * in `faultline plot`; the page draws a lane per process, a band per row.
 */
#include "emu/trace/model.h"
#include "emu/trace/report.h"
#include "emu/util/grow.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define BAND_SPLIT_GAP (1ULL << 30)

enum col {
    C_SEQ, C_PID, C_TID, C_KIND, C_AREA, C_BAND, C_VPN_LO, C_VPN_HI, C_ACCMODE, C_FRAME,
    C_DETAIL, C_SITE, C_CAUSE, C_RSS, C_SWAP, REPORT_NCOLS
};
static const char *const col_name[REPORT_NCOLS] = {
    "seq", "pid", "tid", "kind", "area", "band", "vpn_lo", "vpn_hi", "accmode", "frame",
    "detail", "site", "cause", "rss", "swap"};

/* --- interned strings ------------------------------------------------------------------- */

/* Distinct strings, numbered from 0 in the order first seen. */
struct strtab {
    char **s;
    size_t n, cap;
    uint32_t *slot;      /* hash table of index + 1; 0: empty */
    size_t nslot;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int strtab_grow(struct strtab *t)
{
    size_t nslot = t->nslot ? t->nslot * 2 : 1024;
    uint32_t *slot = calloc(nslot, sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        size_t h = (size_t)hash_str(t->s[i]) & (nslot - 1);
        while (slot[h])
            h = (h + 1) & (nslot - 1);
        slot[h] = (uint32_t)(i + 1);
    }
    free(t->slot);
    t->slot = slot;
    t->nslot = nslot;
    return 0;
}

/* The number of s in t, added if new; -1 when out of memory. */
static long strtab_id(struct strtab *t, const char *s)
{
    if ((t->n + 1) * 2 > t->nslot && strtab_grow(t) < 0)
        return -1;
    size_t h = (size_t)hash_str(s) & (t->nslot - 1);
    for (; t->slot[h]; h = (h + 1) & (t->nslot - 1))
        if (strcmp(t->s[t->slot[h] - 1], s) == 0)
            return t->slot[h] - 1;
    char **v = grow_array(t->s, &t->cap, t->n, sizeof *v, 256);
    if (!v)
        return -1;
    t->s = v;
    if (!(t->s[t->n] = strdup(s)))
        return -1;
    t->slot[h] = (uint32_t)(t->n + 1);
    return (long)t->n++;
}

static void strtab_free(struct strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
    free(t->slot);
}

/* --- bands ------------------------------------------------------------------------------ */

struct band {
    int pid;
    uint32_t area;
    uint64_t lo, hi;      /* pages [lo, hi) */
};

struct pack {
    const struct trace_log *log;
    struct model m;
    struct strtab areas, details, sites;
    uint32_t *area_of;    /* per record */
    uint32_t *band_of;
    struct band *bands;
    size_t nb;
};

static struct pack *sort_pack; /* qsort has no context argument */

static int by_lane_area_page(const void *x, const void *y)
{
    const struct trace_rec *r = sort_pack->log->recs;
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    if (r[a].pid != r[b].pid)
        return r[a].pid < r[b].pid ? -1 : 1;
    uint32_t aa = sort_pack->area_of[a], ab = sort_pack->area_of[b];
    if (aa != ab)
        return aa < ab ? -1 : 1;
    if (r[a].vpage != r[b].vpage)
        return r[a].vpage < r[b].vpage ? -1 : 1;
    return (a > b) - (a < b);
}

static int band_order(const void *x, const void *y)
{
    const struct band *a = &sort_pack->bands[*(const uint32_t *)x];
    const struct band *b = &sort_pack->bands[*(const uint32_t *)y];
    if (a->pid != b->pid)
        return a->pid < b->pid ? -1 : 1;
    return (a->lo > b->lo) - (a->lo < b->lo);
}

/* Put the bands in lane then address order, renumbering band_of. */
static int sort_bands(struct pack *p)
{
    size_t nb = p->nb ? p->nb : 1;
    uint32_t *idx = malloc(nb * sizeof *idx), *where = malloc(nb * sizeof *where);
    struct band *sorted = malloc(nb * sizeof *sorted);
    if (!idx || !where || !sorted) {
        free(idx), free(where), free(sorted);
        return -1;
    }
    for (size_t b = 0; b < p->nb; b++)
        idx[b] = (uint32_t)b;
    qsort(idx, p->nb, sizeof *idx, band_order);
    for (size_t k = 0; k < p->nb; k++) {
        where[idx[k]] = (uint32_t)k;
        sorted[k] = p->bands[idx[k]];
    }
    for (size_t i = 0; i < p->log->n; i++)
        p->band_of[i] = where[p->band_of[i]];
    free(p->bands);
    p->bands = sorted;
    free(idx), free(where);
    return 0;
}

/* Split the records into bands, sorted by lane then address; fills
 * band_of.  0, or -1 when out of memory. */
static int make_bands(struct pack *p)
{
    size_t n = p->log->n;
    size_t *v = malloc((n ? n : 1) * sizeof *v);
    p->bands = malloc((n ? n : 1) * sizeof *p->bands);
    if (!v || !p->bands)
        goto fail;
    for (size_t i = 0; i < n; i++)
        v[i] = i;
    sort_pack = p;
    qsort(v, n, sizeof *v, by_lane_area_page);
    const struct trace_rec *r = p->log->recs;
    for (size_t k = 0; k < n; k++) {
        size_t i = v[k], q = k ? v[k - 1] : 0;
        if (!k || r[q].pid != r[i].pid || p->area_of[q] != p->area_of[i] ||
            r[i].vpage - r[q].vpage > BAND_SPLIT_GAP)
            p->bands[p->nb++] = (struct band){r[i].pid, p->area_of[i], r[i].vpage / VM_PAGE_SIZE, 0};
        p->bands[p->nb - 1].hi = r[i].vpage / VM_PAGE_SIZE + 1;
        p->band_of[i] = (uint32_t)(p->nb - 1);
    }
    free(v);
    return sort_bands(p);
fail:
    free(v);
    return -1;
}

/* --- dictionaries ------------------------------------------------------------------------ */

/* The site of r as one key: ip, call, object, symbol and line, tab-separated;
 * "" when the log has no site columns. */
static void site_key(const struct trace_rec *r, char *out, size_t cap)
{
    if (r->columns < 18 || (!r->ip && !strcmp(r->object, "-") && !strcmp(r->call, "-"))) {
        out[0] = '\0';
        return;
    }
    char ip[24] = "-";
    if (r->ip)
        snprintf(ip, sizeof ip, "0x%012llx", (unsigned long long)r->ip);
    snprintf(out, cap, "%s\t%s\t%s\t%s\t%s", ip, r->call, r->object, r->symbol, r->line);
}

static int intern_all(struct pack *p)
{
    if (strtab_id(&p->details, "-") < 0 || strtab_id(&p->sites, "") < 0)
        return -1;
    char key[TRACE_CALL_MAX + TRACE_OBJ_MAX + TRACE_SYM_MAX + TRACE_LINE_COL_MAX + 40];
    for (size_t i = 0; i < p->log->n; i++) {
        const struct trace_rec *r = &p->log->recs[i];
        long a = strtab_id(&p->areas, r->area);
        if (a < 0 || strtab_id(&p->details, r->detail) < 0)
            return -1;
        site_key(r, key, sizeof key);
        if (strtab_id(&p->sites, key) < 0)
            return -1;
        p->area_of[i] = (uint32_t)a;
    }
    return 0;
}

static void json_strs(FILE *o, const char *name, const struct strtab *t, size_t from)
{
    fprintf(o, ",\"%s\":[", name);
    for (size_t i = from; i < t->n; i++) {
        if (i > from)
            putc(',', o);
        json_string(o, t->s[i], false);
    }
    putc(']', o);
}

/* A site "ip\tcall\t..." as a JSON array of five strings (null for "-"). */
static void json_site(FILE *o, const char *key)
{
    char buf[600];
    snprintf(buf, sizeof buf, "%s", key);
    putc('[', o);
    char *save = NULL, *f = strtok_r(buf, "\t", &save);
    for (int k = 0; k < 5; k++, f = strtok_r(NULL, "\t", &save)) {
        if (k)
            putc(',', o);
        json_string(o, f ? f : "-", true);
    }
    putc(']', o);
}

static void json_procs(FILE *o, const struct pack *p)
{
    fputs(",\"procs\":[", o);
    for (size_t i = 0; i < p->m.nprocs; i++) {
        const struct model_proc *q = &p->m.procs[i];
        fprintf(o, "%s{\"pid\":%d,\"ppid\":%d,\"name\":", i ? "," : "", q->pid, q->ppid);
        json_string(o, q->name[0] ? q->name : "?", false);
        fprintf(o, ",\"events\":%llu,\"first\":%llu,\"last\":%llu,\"exited\":%s,\"status\":%d}",
                (unsigned long long)q->events, (unsigned long long)q->first,
                (unsigned long long)q->last, q->exited ? "true" : "false", q->status);
    }
    static const char *const kinds[] = {"fork", "exec", "exit"};
    fputs("],\"records\":[", o);
    for (size_t i = 0; i < p->log->nprocs; i++) {
        const struct trace_proc *r = &p->log->procs[i];
        fprintf(o, "%s{\"at\":%llu,\"kind\":\"%s\",\"pid\":%d,\"ppid\":%d,\"status\":%d,\"comm\":",
                i ? "," : "", (unsigned long long)r->at, kinds[r->kind], r->pid, r->ppid, r->status);
        json_string(o, r->comm, false);
        putc('}', o);
    }
    putc(']', o);
}

/* The JSON part of the block into a malloc'd string. */
static int dict_json(const struct pack *p, char **out, size_t *len)
{
    FILE *o = open_memstream(out, len);
    if (!o)
        return -1;
    int format = 9;
    for (size_t i = 0; i < p->log->n; i++)
        if (p->log->recs[i].columns > format)
            format = p->log->recs[i].columns;
    fprintf(o, "{\"events\":%zu,\"columns\":%d,\"text\":%s,\"cols\":[", p->log->n, format,
            p->log->format == TRACE_TEXT ? "true" : "false");
    for (int c = 0; c < REPORT_NCOLS; c++)
        fprintf(o, "%s\"%s\"", c ? "," : "", col_name[c]);
    fputs("],\"kinds\":[", o);
    for (int k = 0; k < VM_EV_COUNT; k++)
        fprintf(o, "%s\"%s\"", k ? "," : "", vm_event_name((enum vm_event)k));
    putc(']', o);
    json_strs(o, "areas", &p->areas, 0);
    json_strs(o, "details", &p->details, 0);
    fputs(",\"sites\":[null", o);
    for (size_t i = 1; i < p->sites.n; i++) {
        putc(',', o);
        json_site(o, p->sites.s[i]);
    }
    putc(']', o);
    json_procs(o, p);
    fputs(",\"bands\":[", o);
    for (size_t b = 0; b < p->nb; b++)
        fprintf(o, "%s[%d,%u,%llu,%llu]", b ? "," : "", p->bands[b].pid, p->bands[b].area,
                (unsigned long long)p->bands[b].lo, (unsigned long long)p->bands[b].hi);
    fputs("]}", o);
    return fclose(o) == 0 ? 0 : -1;
}

/* --- columns, deflate, base64 ------------------------------------------------------------- */

static uint32_t col_value(const struct pack *p, size_t i, enum col c)
{
    const struct trace_rec *r = &p->log->recs[i];
    uint64_t vpn = r->vpage / VM_PAGE_SIZE;
    switch (c) {
    case C_SEQ: return (uint32_t)r->seq;
    case C_PID: return (uint32_t)r->pid;
    case C_TID: return (uint32_t)r->tid;
    case C_KIND: return (uint32_t)r->event;
    case C_AREA: return p->area_of[i];
    case C_BAND: return p->band_of[i];
    case C_VPN_LO: return (uint32_t)vpn;
    case C_VPN_HI: return (uint32_t)(vpn >> 32);
    case C_ACCMODE: return (uint32_t)(unsigned char)r->access | (uint32_t)(unsigned char)r->mode << 8;
    case C_FRAME: return (uint32_t)(r->frame + 1);
    case C_DETAIL: return (uint32_t)strtab_id((struct strtab *)&p->details, r->detail);
    case C_CAUSE: return (uint32_t)r->cause;
    case C_RSS: return (uint32_t)r->rss;
    case C_SWAP: return (uint32_t)r->swap;
    default: return 0;
    }
}

/* The inflated block: length, JSON, padding, delta-coded columns. */
static unsigned char *raw_block(struct pack *p, const char *json, size_t jlen, size_t *len)
{
    size_t n = p->log->n, head = 4 + ((jlen + 3) & ~(size_t)3);
    *len = head + (size_t)REPORT_NCOLS * n * 4;
    unsigned char *b = calloc(1, *len);
    if (!b)
        return NULL;
    b[0] = (unsigned char)jlen, b[1] = (unsigned char)(jlen >> 8);
    b[2] = (unsigned char)(jlen >> 16), b[3] = (unsigned char)(jlen >> 24);
    memcpy(b + 4, json, jlen);
    char key[TRACE_CALL_MAX + TRACE_OBJ_MAX + TRACE_SYM_MAX + TRACE_LINE_COL_MAX + 40];
    for (int c = 0; c < REPORT_NCOLS; c++) {
        unsigned char *at = b + head + (size_t)c * n * 4;
        uint32_t prev = 0;
        for (size_t i = 0; i < n; i++, at += 4) {
            uint32_t v;
            if (c == C_SITE) {
                site_key(&p->log->recs[i], key, sizeof key);
                v = (uint32_t)strtab_id(&p->sites, key);
            } else {
                v = col_value(p, i, (enum col)c);
            }
            uint32_t d = v - prev;
            prev = v;
            at[0] = (unsigned char)d, at[1] = (unsigned char)(d >> 8);
            at[2] = (unsigned char)(d >> 16), at[3] = (unsigned char)(d >> 24);
        }
    }
    return b;
}

static char *base64(const unsigned char *in, size_t n, size_t *outlen)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) |
                     (i + 2 < n ? in[i + 2] : 0);
        *o++ = tab[v >> 18 & 63];
        *o++ = tab[v >> 12 & 63];
        *o++ = i + 1 < n ? tab[v >> 6 & 63] : '=';
        *o++ = i + 2 < n ? tab[v & 63] : '=';
    }
    *o = '\0';
    *outlen = (size_t)(o - out);
    return out;
}

static void pack_free(struct pack *p)
{
    model_free(&p->m);
    strtab_free(&p->areas);
    strtab_free(&p->details);
    strtab_free(&p->sites);
    free(p->area_of);
    free(p->band_of);
    free(p->bands);
}

int report_data(const struct trace_log *log, char **out, size_t *outlen)
{
    struct pack p = {.log = log};
    size_t n = log->n ? log->n : 1, jlen = 0, rawlen = 0;
    char *json = NULL;
    unsigned char *raw = NULL, *z = NULL;
    int rc = -1;
    p.area_of = malloc(n * sizeof *p.area_of);
    p.band_of = malloc(n * sizeof *p.band_of);
    if (!p.area_of || !p.band_of || model_build(&p.m, log) < 0 || intern_all(&p) < 0 ||
        make_bands(&p) < 0 || dict_json(&p, &json, &jlen) < 0 ||
        !(raw = raw_block(&p, json, jlen, &rawlen)))
        goto out;
    uLongf zlen = compressBound((uLong)rawlen);
    if (!(z = malloc(zlen)) || compress2(z, &zlen, raw, (uLong)rawlen, 6) != Z_OK)
        goto out;
    *out = base64(z, zlen, outlen);
    rc = *out ? 0 : -1;
out:
    free(json);
    free(raw);
    free(z);
    pack_free(&p);
    return rc;
}
