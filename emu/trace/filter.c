/*
 * filter.c - which events a trace keeps (--trace-filter event=,pid=,area=).
 */
#include "emu/trace/trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool trace_filter_parse(struct trace_filter *f, const char *spec, char *err, size_t errlen)
{
    const char *eq = strchr(spec, '=');
    if (!eq || !eq[1]) {
        snprintf(err, errlen, "bad --trace-filter '%s' (want event=..., pid=... or area=...)", spec);
        return false;
    }
    size_t klen = (size_t)(eq - spec);
    char *copy = strdup(eq + 1);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    bool ok = true;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && ok;
         tok = strtok_r(NULL, ",", &save)) {
        if (klen == 5 && strncmp(spec, "event", 5) == 0) {
            int ev = vm_event_parse(tok);
            if (ev < 0) {
                snprintf(err, errlen, "unknown event '%s' in --trace-filter", tok);
                ok = false;
            } else {
                f->events |= 1u << ev;
            }
        } else if (klen == 3 && strncmp(spec, "pid", 3) == 0) {
            char *end;
            long pid = strtol(tok, &end, 10);
            if (*end || pid <= 0 || f->npids == 16) {
                snprintf(err, errlen, "bad pid '%s' in --trace-filter", tok);
                ok = false;
            } else {
                f->pids[f->npids++] = (int)pid;
            }
        } else if (klen == 4 && strncmp(spec, "area", 4) == 0) {
            if (f->nareas == 8 || strlen(tok) >= sizeof f->areas[0]) {
                snprintf(err, errlen, "too many or too long areas in --trace-filter");
                ok = false;
            } else {
                strcpy(f->areas[f->nareas++], tok);
            }
        } else {
            snprintf(err, errlen, "unknown --trace-filter key in '%s' (event, pid, area)", spec);
            ok = false;
        }
    }
    free(copy);
    return ok;
}

bool trace_filter_keep(const struct trace_filter *f, int pid, int event, const char *area)
{
    if (f->events && !(f->events & (1u << event)))
        return false;
    if (f->npids) {
        bool hit = false;
        for (int i = 0; i < f->npids; i++)
            hit |= f->pids[i] == pid;
        if (!hit)
            return false;
    }
    if (f->nareas) {
        bool hit = false;
        for (int i = 0; i < f->nareas; i++)
            hit |= strcmp(f->areas[i], area) == 0;
        if (!hit)
            return false;
    }
    return true;
}

/* --- formatting ---------------------------------------------------------------------------- */

