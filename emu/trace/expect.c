/*
 * expect.c - the comparison of a fault log with a golden one (--expect):
 * events compare by their fields, and a difference prints the first
 * differing event and a unified diff (Myers') of the events around it.
 */
#include "emu/trace/trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu/trace/expect.h"

#include <unistd.h>

int lines_push(struct lines *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n] = strdup(s);
    return l->v[l->n++] ? 0 : -1;
}

void lines_free(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int read_expected(const char *path, struct lines *l, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (line[0] == '#' || (n == 0))
            continue;
        if (lines_push(l, line) < 0) {
            snprintf(err, errlen, "out of memory reading %s", path);
            break;
        }
    }
    free(line);
    fclose(f);
    return 0;
}

/* Events compare by their fields, not by spacing. */
/* Does an event line carry the tid (a JSON "tid" member, or a tenth
 * text column)?  Golden logs written before the column was added do not. */
static bool has_tid(const char *line)
{
    if (line[0] == '{')
        return strstr(line, "\"tid\":") != NULL;
    int fields = 0;
    for (const char *c = line; *c;) {
        c += strspn(c, " \t");
        if (!*c)
            break;
        fields++;
        c += strcspn(c, " \t");
    }
    return fields >= 10;
}

/* Drop the tid from an event line, to compare with an older log. */
static void strip_tid(char *line)
{
    if (line[0] == '{') {
        char *t = strstr(line, ",\"tid\":");
        if (t) {
            char *end = t + strcspn(t + 1, ",}") + 1;
            memmove(t, end, strlen(end) + 1);
        }
        return;
    }
    size_t n = strlen(line);
    while (n && line[n - 1] == ' ')
        n--;
    while (n && line[n - 1] != ' ')
        n--;
    while (n && line[n - 1] == ' ')
        n--;
    line[n] = '\0';
}

static bool same_line(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ')
            a++;
        while (*b == ' ')
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        while (*a && *a != ' ' && *a == *b)
            a++, b++;
        if ((*a && *a != ' ') || (*b && *b != ' '))
            return false; /* one field is longer: trailing spaces do not count */
    }
}

enum edit { KEEP, DEL, ADD };

/* Myers' diff of a[0..n) and b[0..m); fills ops (n + m entries max).
 * Returns the op count, or -1 when more than maxd edits are needed. */
static long myers(char **a, long n, char **b, long m, long maxd, enum edit *ops)
{
    long off = maxd + 1;
    long *v = calloc((size_t)(2 * off + 1), sizeof *v);
    long **trace = calloc((size_t)maxd + 1, sizeof *trace);
    long result = -1, d;
    if (!v || !trace)
        goto out;
    for (d = 0; d <= maxd; d++) {
        for (long k = -d; k <= d; k += 2) {
            long x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1]
                                                                               : v[off + k - 1] + 1;
            long y = x - k;
            while (x < n && y < m && same_line(a[x], b[y]))
                x++, y++;
            v[off + k] = x;
            if (x >= n && y >= m)
                goto found;
        }
        trace[d] = malloc((size_t)(2 * off + 1) * sizeof *v);
        if (!trace[d])
            goto out;
        memcpy(trace[d], v, (size_t)(2 * off + 1) * sizeof *v);
    }
    goto out;
found:;
    /* Walk back through the saved frontiers. */
    long x = n, y = m, len = 0;
    enum edit *rev = malloc((size_t)(n + m + 1) * sizeof *rev);
    if (!rev)
        goto out;
    for (long e = d; e > 0; e--) {
        long *pv = trace[e - 1];
        long k = x - y;
        long pk = (k == -e || (k != e && pv[off + k - 1] < pv[off + k + 1])) ? k + 1 : k - 1;
        long px = pv[off + pk], py = px - pk;
        while (x > px && y > py)
            rev[len++] = KEEP, x--, y--;
        rev[len++] = pk == k + 1 ? ADD : DEL;
        if (pk == k + 1)
            y--;
        else
            x--;
    }
    while (x > 0 && y > 0)
        rev[len++] = KEEP, x--, y--;
    for (long i = 0; i < len; i++)
        ops[i] = rev[len - 1 - i];
    free(rev);
    result = len;
out:
    if (trace)
        for (long i = 0; i <= maxd; i++)
            free(trace[i]);
    free(trace);
    free(v);
    return result;
}

#define CONTEXT 3

static void print_hunks(FILE *o, struct lines *exp, struct lines *got, long pre, enum edit *ops,
                        long nops)
{
    /* Positions in both files for each op. */
    long ai = pre, bi = pre, i = 0;
    int hunks = 0;
    while (i < nops && hunks < 20) {
        while (i < nops && ops[i] == KEEP)
            ai++, bi++, i++;
        if (i == nops)
            break;
        long start = i, a0 = ai, b0 = bi;
        long end = i, a1 = ai, b1 = bi, keeps = 0;
        for (long j = i; j < nops; j++) {
            if (ops[j] == KEEP) {
                if (++keeps > 2 * CONTEXT)
                    break;
            } else {
                keeps = 0;
                end = j + 1;
            }
        }
        /* Recount positions up to end. */
        for (long j = start; j < end; j++) {
            if (ops[j] != ADD)
                a1++;
            if (ops[j] != DEL)
                b1++;
        }
        long ca = a0 - CONTEXT < 0 ? 0 : a0 - CONTEXT, cb = b0 - (a0 - ca);
        long ea = a1 + CONTEXT > (long)exp->n ? (long)exp->n : a1 + CONTEXT;
        long eb = b1 + (ea - a1);
        fprintf(o, "@@ -%ld,%ld +%ld,%ld @@\n", ca + 1, ea - ca, cb + 1, eb - cb);
        for (long k = ca; k < a0; k++)
            fprintf(o, " %s\n", exp->v[k]);
        long x = a0, y = b0;
        for (long j = start; j < end; j++) {
            if (ops[j] == KEEP)
                fprintf(o, " %s\n", exp->v[x++]), y++;
            else if (ops[j] == DEL)
                fprintf(o, "-%s\n", exp->v[x++]);
            else
                fprintf(o, "+%s\n", got->v[y++]);
        }
        for (long k = a1; k < ea; k++)
            fprintf(o, " %s\n", exp->v[k]);
        ai = a1;
        bi = b1;
        i = end;
        hunks++;
    }
    if (i < nops)
        fprintf(o, "... (more differences not shown)\n");
}

int expect_compare(const char *expect_path, struct lines *got)
{
    struct lines exp = {0};
    char err[256] = "";
    if (read_expected(expect_path, &exp, err, sizeof err) < 0 || err[0]) {
        fprintf(stderr, "faultline: --expect: %s\n", err);
        lines_free(&exp);
        return 1;
    }
    if (exp.n && !has_tid(exp.v[0]))
        for (size_t i = 0; i < got->n; i++)
            strip_tid(got->v[i]);
    long n = (long)exp.n, m = (long)got->n, pre = 0, suf = 0;
    while (pre < n && pre < m && same_line(exp.v[pre], got->v[pre]))
        pre++;
    if (pre == n && pre == m) {
        lines_free(&exp);
        return 0;
    }
    while (suf < n - pre && suf < m - pre && same_line(exp.v[n - 1 - suf], got->v[m - 1 - suf]))
        suf++;
    fprintf(stderr, "faultline: the fault log differs from %s: %ld events expected, %ld seen\n",
            expect_path, n, m);
    fprintf(stderr, "faultline: first difference at event %ld:\n", pre + 1);
    fprintf(stderr, "  expected: %s\n", pre < n ? exp.v[pre] : "(end of log)");
    fprintf(stderr, "  actual:   %s\n", pre < m ? got->v[pre] : "(end of log)");
    fprintf(stderr, "--- %s\n+++ this run\n", expect_path);
    long mn = n - pre - suf, mm = m - pre - suf;
    enum edit *ops = malloc((size_t)(mn + mm + 1) * sizeof *ops);
    long nops = ops ? myers(exp.v + pre, mn, got->v + pre, mm, 400, ops) : -1;
    if (nops < 0) {
        /* Too different for a short script: show both sides of the change. */
        fprintf(stderr, "@@ -%ld,%ld +%ld,%ld @@\n", pre + 1, mn, pre + 1, mm);
        for (long i = 0; i < mn && i < 20; i++)
            fprintf(stderr, "-%s\n", exp.v[pre + i]);
        for (long i = 0; i < mm && i < 20; i++)
            fprintf(stderr, "+%s\n", got->v[pre + i]);
        if (mn > 20 || mm > 20)
            fprintf(stderr, "... (more differences not shown)\n");
    } else {
        print_hunks(stderr, &exp, got, pre, ops, nops);
    }
    free(ops);
    lines_free(&exp);
    return 1;
}

