/*
 * procrec.c - a process's life in the text fault log: fork, execve and
 * exit as "#process" comment lines between the events, so that readers of
 * events (stat, plot, --expect, awk) skip them as any comment, and the
 * report and the Perfetto export can draw the process tree:
 *
 *   #process 57 fork pid=3 ppid=2 comm=fork_cow
 *   #process 80 exec pid=3 ppid=2 comm=ls
 *   #process 99 exit pid=3 ppid=2 comm=ls exit=0      (or signal=9)
 *
 * The number is how many events of the log come before the line.
 */
#include "emu/trace/tracefile.h"
#include "emu/util/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_name[] = {
    [TRACE_PROC_FORK] = "fork", [TRACE_PROC_EXEC] = "exec", [TRACE_PROC_EXIT] = "exit"};

int trace_proc_format(char *buf, size_t len, const struct trace_proc *p)
{
    char comm[sizeof p->comm];
    snprintf(comm, sizeof comm, "%s", p->comm[0] ? p->comm : "-");
    for (char *c = comm; *c; c++)
        if (*c == ' ' || *c == '\t' || (unsigned char)*c < 0x20)
            *c = '_';
    int n = snprintf(buf, len, "#process %llu %s pid=%d ppid=%d comm=%s",
                     (unsigned long long)p->at, kind_name[p->kind], p->pid, p->ppid, comm);
    if (p->kind == TRACE_PROC_EXIT && n >= 0 && (size_t)n < len) {
        bool sig = (p->status & 0x7f) != 0;
        n += snprintf(buf + n, len - (size_t)n, " %s=%d", sig ? "signal" : "exit",
                      sig ? p->status & 0x7f : (p->status >> 8) & 0xff);
    }
    return n;
}

/* "key=" followed by a decimal number in [0, max] at s; the number's end. */
static const char *take_num(const char *s, const char *key, long max, long *out)
{
    size_t k = strlen(key);
    if (strncmp(s, key, k) != 0)
        return NULL;
    char *end;
    long v = strtol(s + k, &end, 10);
    if (end == s + k || v < 0 || v > max)
        return NULL;
    *out = v;
    return end;
}

int trace_proc_parse(const char *line, struct trace_proc *p)
{
    char kind[8], comm[sizeof p->comm], tail[16] = "";
    unsigned long long at;
    int pid, ppid, n = 0;
    if (sscanf(line, "#process %llu %7s pid=%d ppid=%d comm=%31s %n", &at, kind, &pid, &ppid,
               comm, &n) != 5 || !n || pid <= 0 || ppid < 0)
        return -1;
    memset(p, 0, sizeof *p);
    p->at = at;
    p->pid = pid;
    p->ppid = ppid;
    snprintf(p->comm, sizeof p->comm, "%s", comm);
    int k = 0;
    while (k < 3 && strcmp(kind, kind_name[k]) != 0)
        k++;
    if (k == 3)
        return -1;
    p->kind = (enum trace_proc_kind)k;
    if (p->kind != TRACE_PROC_EXIT)
        return 0;
    snprintf(tail, sizeof tail, "%s", line + n);
    long v;
    if (take_num(tail, "exit=", 255, &v))
        p->status = (int)(v << 8);
    else if (take_num(tail, "signal=", 127, &v) && v > 0)
        p->status = (int)v;
    else
        return -1;
    return 0;
}

int tracefile_take_proc(struct trace_log *log, const char *line)
{
    struct trace_proc p;
    if (strncmp(line, "#process ", 9) != 0 || trace_proc_parse(line, &p) < 0)
        return 0; /* any other comment, or one we cannot read: a comment */
    struct trace_proc *v = grow_array(log->procs, &log->proccap, log->nprocs, sizeof *v, 16);
    if (!v)
        return -1;
    log->procs = v;
    log->procs[log->nprocs++] = p;
    return 0;
}
