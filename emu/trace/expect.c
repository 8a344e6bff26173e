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
#include "emu/util/grow.h"

#include <unistd.h>

int lines_push(struct lines *l, const char *s)
{
    char **v = grow_array(l->v, &l->cap, l->n, sizeof *v, 1024);
    if (!v)
        return -1;
    l->v = v;
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

/* Golden logs written before a column was added lack it (the tid, then
 * format 2's ip .. line): a run's lines are cut to the golden's columns
 * before they are compared. */

/* How many whitespace-separated fields a text line has. */
static int text_fields(const char *line)
{
    int fields = 0;
    for (const char *c = line; *c;) {
        c += strspn(c, " \t");
        if (!*c)
            break;
        fields++;
        c += strcspn(c, " \t");
    }
    return fields;
}

/* Cut a text line after its n-th field. */
static void text_cut(char *line, int n)
{
    char *c = line;
    for (int i = 0; i < n && *c; i++) {
        c += strspn(c, " \t");
        c += strcspn(c, " \t");
    }
    *c = '\0';
}

/* The member of a JSON object line starting at p (just after '{' or ','):
 * its key into key, and where the member ends (at ',' or '}'). */
static const char *json_member_end(const char *p, char *key, size_t cap)
{
    size_t n = 0;
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++)
            if (n + 1 < cap)
                key[n++] = *p;
        if (*p)
            p++;
    }
    key[n] = '\0';
    bool in_str = false;
    for (; *p; p++) {
        if (in_str && *p == '\\' && p[1])
            p++;
        else if (*p == '"')
            in_str = !in_str;
        else if (!in_str && (*p == ',' || *p == '}'))
            break;
    }
    return p;
}

/* Does the JSON line have a member named key? */
static bool json_has(const char *line, const char *key)
{
    char k[32];
    for (const char *p = line + 1; *p && *p != '}';) {
        p = json_member_end(p, k, sizeof k);
        if (strcmp(k, key) == 0)
            return true;
        if (*p == ',')
            p++;
    }
    return false;
}

/* Drop the members of a JSON line that golden (a JSON line) lacks. */
static void json_cut(char *line, const char *golden)
{
    char k[32];
    char *p = line + 1;
    while (*p && *p != '}') {
        char *end = (char *)json_member_end(p, k, sizeof k);
        if (!json_has(golden, k)) {
            char *from = *end == ',' ? end + 1 : end;
            if (*end == '}' && p > line + 1)
                p--; /* the last member: drop the comma before it */
            memmove(p, from, strlen(from) + 1);
            continue;
        }
        p = *end == ',' ? end + 1 : end;
    }
}

/* Cut every line of got to the columns of golden's first event. */
static void cut_to_golden(struct lines *got, const char *golden)
{
    int n = golden[0] == '{' ? 0 : text_fields(golden);
    for (size_t i = 0; i < got->n; i++) {
        if (golden[0] == '{' && got->v[i][0] == '{')
            json_cut(got->v[i], golden);
        else if (n >= 9 && text_fields(got->v[i]) > n)
            text_cut(got->v[i], n);
    }
}

/* Events compare by their fields, not by spacing. */
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
    if (exp.n)
        cut_to_golden(got, exp.v[0]);
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

