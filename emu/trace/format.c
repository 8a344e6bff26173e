/*
 * format.c - one event as a line of the fault log: text with stable
 * columns under a "#" header, or a JSON object.  Nothing in a line depends
 * on the host: no pointers, no times, no paths.
 */
#include "emu/trace/trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char trace_text_header[] =
    "#    seq  pid event       vpage          acc mode   area                         frame detail     tid";

static const char *mode_name(char m)
{
    return m == 'u' ? "user" : m == 'k' ? "kernel" : "-";
}

int trace_format_text(char *buf, size_t len, const struct vm_event_rec *r)
{
    char area[64], frame[24], tid[16];
    snprintf(area, sizeof area, "%s", r->area);
    if (r->tid)
        snprintf(tid, sizeof tid, "%d", r->tid);
    else
        strcpy(tid, "-");
    for (char *c = area; *c; c++)
        if (*c == ' ' || *c == '\t')
            *c = '_';
    if (r->frame < 0)
        strcpy(frame, "-");
    else
        snprintf(frame, sizeof frame, "%lld", (long long)r->frame);
    return snprintf(buf, len, "%8llu %4d %-11s 0x%012llx %c   %-6s %-28s %5s %-10s %4s",
                    (unsigned long long)r->seq, r->pid, vm_event_name(r->event),
                    (unsigned long long)r->vpage, r->access, mode_name(r->mode), area, frame,
                    r->detail[0] ? r->detail : "-", tid);
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
    return snprintf(buf, len,
                    "{\"seq\":%llu,\"pid\":%d,\"event\":\"%s\",\"vpage\":\"0x%012llx\","
                    "\"access\":\"%c\",\"mode\":\"%s\",\"area\":\"%s\",\"frame\":%s,"
                    "\"detail\":\"%s\",\"tid\":%s}",
                    (unsigned long long)r->seq, r->pid, vm_event_name(r->event),
                    (unsigned long long)r->vpage, r->access, mode_name(r->mode), area, frame,
                    detail, tid);
}

