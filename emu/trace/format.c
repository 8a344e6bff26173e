/*
 * format.c - one event as a line of the fault log: text with stable
 * columns under a "#" header, or a JSON object.  Nothing in a line depends
 * on the host: no pointers, no times, no paths.
 */
#include "emu/trace/trace.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Format 2 added ip .. swap after tid; format 1 ended at tid (and an
 * older one at detail).  Readers take any of them. */
const char trace_text_header[] =
    "#    seq  pid event       vpage          acc mode   area                         frame detail     "
    "tid ip             call       cause object               symbol                           line"
    "                 rss   swap  (format 2)";

static const char *mode_name(char m)
{
    return m == 'u' ? "user" : m == 'k' ? "kernel" : "-";
}

static size_t json_str(char *out, size_t len, const char *s);

/* s into out (cap bytes) as one text column: blanks become '_', none "-". */
static void text_col(char *out, size_t cap, const char *s)
{
    snprintf(out, cap, "%s", s && *s ? s : "-");
    for (char *c = out; *c; c++)
        if (*c == ' ' || *c == '\t')
            *c = '_';
}

/* The columns of format 2 after the tid, as text or JSON values. */
struct site_cols {
    char ip[24], call[24], cause[24], object[72], symbol[200], line[160];
};

static void site_cols(struct site_cols *c, const struct vm_event_rec *r, bool json)
{
    const char *none = json ? "null" : "-";
    if (r->ip)
        snprintf(c->ip, sizeof c->ip, json ? "\"0x%012llx\"" : "0x%012llx",
                 (unsigned long long)r->ip);
    else
        snprintf(c->ip, sizeof c->ip, "%s", none);
    if (r->cause)
        snprintf(c->cause, sizeof c->cause, "%llu", (unsigned long long)r->cause);
    else
        snprintf(c->cause, sizeof c->cause, "%s", none);
    char sym[180] = "", line[140] = "";
    if (r->func)
        snprintf(sym, sizeof sym, "%.160s+0x%llx", r->func, (unsigned long long)r->func_off);
    if (r->src)
        snprintf(line, sizeof line, "%.120s:%u", r->src, r->line);
    const char *vals[] = {r->call, r->object, sym, line};
    char *outs[] = {c->call, c->object, c->symbol, c->line};
    size_t caps[] = {sizeof c->call, sizeof c->object, sizeof c->symbol, sizeof c->line};
    for (int i = 0; i < 4; i++) {
        if (!json)
            text_col(outs[i], caps[i], vals[i]);
        else if (!vals[i] || !*vals[i])
            snprintf(outs[i], caps[i], "null");
        else {
            outs[i][0] = '"';
            size_t n = json_str(outs[i] + 1, caps[i] - 2, vals[i]);
            snprintf(outs[i] + 1 + n, caps[i] - 1 - n, "\"");
        }
    }
}

int trace_format_text(char *buf, size_t len, const struct vm_event_rec *r)
{
    char area[64], frame[24], tid[16];
    struct site_cols c;
    text_col(area, sizeof area, r->area);
    site_cols(&c, r, false);
    if (r->tid)
        snprintf(tid, sizeof tid, "%d", r->tid);
    else
        strcpy(tid, "-");
    if (r->frame < 0)
        strcpy(frame, "-");
    else
        snprintf(frame, sizeof frame, "%lld", (long long)r->frame);
    return snprintf(buf, len,
                    "%8llu %4d %-11s 0x%012llx %c   %-6s %-28s %5s %-10s %4s %-14s %-10s %5s "
                    "%-20s %-32s %-20s %4llu %6llu",
                    (unsigned long long)r->seq, r->pid, vm_event_name(r->event),
                    (unsigned long long)r->vpage, r->access, mode_name(r->mode), area, frame,
                    r->detail[0] ? r->detail : "-", tid, c.ip, c.call, c.cause, c.object,
                    c.symbol, c.line, (unsigned long long)r->rss, (unsigned long long)r->swap);
}

static size_t json_str(char *out, size_t len, const char *s)
{
    size_t n = 0;
    for (; *s && n + 8 < len; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20) {
            n += (size_t)snprintf(out + n, len - n, "\\u%04x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
    return n;
}

int trace_format_json(char *buf, size_t len, const struct vm_event_rec *r)
{
    char area[160], detail[100], frame[24], tid[16];
    json_str(area, sizeof area, r->area);
    json_str(detail, sizeof detail, r->detail[0] ? r->detail : "-");
    if (r->frame < 0)
        strcpy(frame, "null");
    else
        snprintf(frame, sizeof frame, "%lld", (long long)r->frame);
    if (r->tid)
        snprintf(tid, sizeof tid, "%d", r->tid);
    else
        strcpy(tid, "null");
    struct site_cols c;
    site_cols(&c, r, true);
    return snprintf(buf, len,
                    "{\"seq\":%llu,\"pid\":%d,\"event\":\"%s\",\"vpage\":\"0x%012llx\","
                    "\"access\":\"%c\",\"mode\":\"%s\",\"area\":\"%s\",\"frame\":%s,"
                    "\"detail\":\"%s\",\"tid\":%s,\"ip\":%s,\"call\":%s,\"cause\":%s,"
                    "\"object\":%s,\"symbol\":%s,\"line\":%s,\"rss\":%llu,\"swap\":%llu}",
                    (unsigned long long)r->seq, r->pid, vm_event_name(r->event),
                    (unsigned long long)r->vpage, r->access, mode_name(r->mode), area, frame,
                    detail, tid, c.ip, c.call, c.cause, c.object, c.symbol, c.line,
                    (unsigned long long)r->rss, (unsigned long long)r->swap);
}

