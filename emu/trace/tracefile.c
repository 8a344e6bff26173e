/*
 * tracefile.c - read a saved fault log back into records.
 *
 * The input is untrusted: every field is checked (numbers in range, names
 * known, strings bounded, no control bytes) and the first bad line stops
 * the read with "FILE:LINE: reason".  Lines are read through a bounded
 * buffer so a file of binary garbage costs no more than one line.
 */
#include "emu/trace/tracefile.h"
#include "emu/util/grow.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

bool trace_event_major(enum vm_event ev)
{
    return ev == VM_EV_FILE_READ || ev == VM_EV_SWAP_IN;
}

bool trace_event_minor(enum vm_event ev)
{
    return ev == VM_EV_DEMAND_ZERO || ev == VM_EV_CACHE_HIT || ev == VM_EV_COW ||
           ev == VM_EV_COW_REUSE;
}

/* --- fields shared by both formats ------------------------------------------------ */

/* s is a whole unsigned decimal number <= max. */
static bool parse_dec(const char *s, uint64_t max, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

/* s is "0x" and 1 to 16 hex digits. */
static bool parse_hex(const char *s, uint64_t *out)
{
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !s[2] || strlen(s + 2) > 16)
        return false;
    for (const char *c = s + 2; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f') || (*c >= 'A' && *c <= 'F')))
            return false;
    *out = strtoull(s + 2, NULL, 16);
    return true;
}

/* Write the reason to why; returns -1.  arg (input text) is shown with
 * bytes outside printable ASCII as '?', so the message stays one clean line. */
static int fail(char *why, size_t whylen, const char *fmt, const char *arg)
{
    char safe[64];
    size_t i = 0;
    for (; arg[i] && i + 1 < sizeof safe; i++)
        safe[i] = arg[i] >= 0x20 && arg[i] < 0x7f ? arg[i] : '?';
    safe[i] = '\0';
    snprintf(why, whylen, fmt, safe);
    return -1;
}

static int set_event(struct trace_rec *r, const char *s, char *why, size_t whylen)
{
    int ev = vm_event_parse(s);
    if (ev < 0)
        return fail(why, whylen, "unknown event '%.40s'", s);
    r->event = (enum vm_event)ev;
    return 0;
}

static int set_vpage(struct trace_rec *r, uint64_t v, const char *s, char *why, size_t whylen)
{
    if (v & (VM_PAGE_SIZE - 1))
        return fail(why, whylen, "vpage %.40s is not page-aligned", s);
    r->vpage = v;
    return 0;
}

static int set_access(struct trace_rec *r, const char *s, char *why, size_t whylen)
{
    if (strlen(s) != 1 || !strchr("RWX-", s[0]))
        return fail(why, whylen, "bad access '%.40s' (want R, W, X or -)", s);
    r->access = s[0];
    return 0;
}

static int set_mode(struct trace_rec *r, const char *s, char *why, size_t whylen)
{
    if (strcmp(s, "user") == 0)
        r->mode = 'u';
    else if (strcmp(s, "kernel") == 0)
        r->mode = 'k';
    else if (strcmp(s, "-") == 0)
        r->mode = '-';
    else
        return fail(why, whylen, "bad mode '%.40s' (want user, kernel or -)", s);
    return 0;
}

/* --- text ------------------------------------------------------------------------- */

/* Copy the next whitespace-separated field at *p into out (cap bytes).
 * what names it in errors: missing means a truncated line. */
static int text_field(const char **p, char *out, size_t cap, const char *what, char *why,
                      size_t whylen)
{
    const char *s = *p + strspn(*p, " \t");
    size_t n = strcspn(s, " \t");
    if (n == 0)
        return fail(why, whylen, "truncated line: no %s field", what);
    if (n >= cap)
        return fail(why, whylen, "%s field too long", what);
    memcpy(out, s, n);
    out[n] = '\0';
    *p = s + n;
    return 0;
}

/* The columns up to vpage, each checked as it is read. */
static int text_head(const char **p, struct trace_rec *r, char *why, size_t whylen)
{
    char f[32];
    uint64_t v;
    if (text_field(p, f, sizeof f, "seq", why, whylen) < 0)
        return -1;
    if (!parse_dec(f, UINT64_MAX, &r->seq))
        return fail(why, whylen, "bad seq '%.40s'", f);
    if (text_field(p, f, sizeof f, "pid", why, whylen) < 0)
        return -1;
    if (!parse_dec(f, INT_MAX, &v))
        return fail(why, whylen, "bad pid '%.40s'", f);
    r->pid = (int)v;
    if (text_field(p, f, sizeof f, "event", why, whylen) < 0 || set_event(r, f, why, whylen) < 0 ||
        text_field(p, f, sizeof f, "vpage", why, whylen) < 0)
        return -1;
    if (!parse_hex(f, &v))
        return fail(why, whylen, "bad vpage '%.40s' (want 0x and hex digits)", f);
    return set_vpage(r, v, f, why, whylen);
}

/* A string column of format 2 into out, "-" when none. */
static int set_site_str(char *out, size_t cap, const char *s, const char *what, char *why,
                        size_t whylen)
{
    if (strlen(s) >= cap)
        return fail(why, whylen, "%s field too long", what);
    strcpy(out, s);
    return 0;
}

static int set_ip(struct trace_rec *r, const char *s, char *why, size_t whylen)
{
    if (strcmp(s, "-") != 0 && !parse_hex(s, &r->ip))
        return fail(why, whylen, "bad ip '%.40s' (want 0x and hex digits)", s);
    return 0;
}

static int set_cause(struct trace_rec *r, const char *s, char *why, size_t whylen)
{
    if (strcmp(s, "-") != 0 && !parse_dec(s, UINT64_MAX, &r->cause))
        return fail(why, whylen, "bad cause '%.40s'", s);
    return 0;
}

static int set_count(uint64_t *out, const char *s, const char *what, char *why, size_t whylen)
{
    if (!parse_dec(s, UINT64_MAX, out))
        return fail(why, whylen, what[0] == 'r' ? "bad rss '%.40s'" : "bad swap '%.40s'", s);
    return 0;
}

/* The columns of format 2 after the tid: ip call cause object symbol line
 * rss swap. */
static int text_sites(const char **p, struct trace_rec *r, char *why, size_t whylen)
{
    char f[TRACE_SYM_MAX];
    const char *what[] = {"ip", "call", "cause", "object", "symbol", "line", "rss", "swap"};
    for (int i = 0; i < 8; i++) {
        if (text_field(p, f, sizeof f, what[i], why, whylen) < 0)
            return -1;
        int rc = i == 0   ? set_ip(r, f, why, whylen)
                 : i == 1 ? set_site_str(r->call, sizeof r->call, f, what[i], why, whylen)
                 : i == 2 ? set_cause(r, f, why, whylen)
                 : i == 3 ? set_site_str(r->object, sizeof r->object, f, what[i], why, whylen)
                 : i == 4 ? set_site_str(r->symbol, sizeof r->symbol, f, what[i], why, whylen)
                 : i == 5 ? set_site_str(r->line, sizeof r->line, f, what[i], why, whylen)
                          : set_count(i == 6 ? &r->rss : &r->swap, f, what[i], why, whylen);
        if (rc < 0)
            return -1;
    }
    r->columns = 18;
    *p += strspn(*p, " \t");
    if (**p)
        return fail(why, whylen, "extra text after the swap column: '%.40s'", *p);
    return 0;
}

/* The columns after vpage; the detail is the rest of the line. */
static int text_tail(const char **p, struct trace_rec *r, char *why, size_t whylen)
{
    char f[32];
    uint64_t v;
    if (text_field(p, f, sizeof f, "access", why, whylen) < 0 ||
        set_access(r, f, why, whylen) < 0 ||
        text_field(p, f, sizeof f, "mode", why, whylen) < 0 || set_mode(r, f, why, whylen) < 0 ||
        text_field(p, r->area, sizeof r->area, "area", why, whylen) < 0 ||
        text_field(p, f, sizeof f, "frame", why, whylen) < 0)
        return -1;
    if (strcmp(f, "-") == 0)
        r->frame = -1;
    else if (parse_dec(f, INT64_MAX, &v))
        r->frame = (int64_t)v;
    else
        return fail(why, whylen, "bad frame '%.40s'", f);
    if (text_field(p, r->detail, sizeof r->detail, "detail", why, whylen) < 0)
        return -1;
    /* The tid column came later: a log without it reads as tid 0. */
    r->columns = 9;
    *p += strspn(*p, " \t");
    if (!**p)
        return 0;
    if (text_field(p, f, sizeof f, "tid", why, whylen) < 0)
        return -1;
    if (strcmp(f, "-") != 0 && !parse_dec(f, INT_MAX, &v))
        return fail(why, whylen, "bad tid '%.40s'", f);
    r->tid = strcmp(f, "-") == 0 ? 0 : (int)v;
    r->columns = 10;
    *p += strspn(*p, " \t");
    return **p ? text_sites(p, r, why, whylen) : 0;
}

/* The string fields of format 2 read "-" until a line sets them. */
static void rec_clear(struct trace_rec *r)
{
    memset(r, 0, sizeof *r);
    strcpy(r->call, "-");
    strcpy(r->object, "-");
    strcpy(r->symbol, "-");
    strcpy(r->line, "-");
}

int tracefile_parse_text(const char *line, struct trace_rec *r, char *why, size_t whylen)
{
    const char *p = line;
    rec_clear(r);
    return text_head(&p, r, why, whylen) < 0 || text_tail(&p, r, why, whylen) < 0 ? -1 : 0;
}

/* --- JSON Lines -------------------------------------------------------------------- */

/* A cursor over one JSON line; why/whylen receive the first error. */
struct json {
    const char *p;
    char *why;
    size_t whylen;
};

static void json_ws(struct json *j)
{
    j->p += strspn(j->p, " \t");
}

static int json_expect(struct json *j, char c)
{
    json_ws(j);
    if (*j->p != c) {
        char want[2] = {c, '\0'};
        return fail(j->why, j->whylen, "malformed JSON: expected '%s'", want);
    }
    j->p++;
    return 0;
}

/* Append code point cp (no surrogates, not 0) to out as UTF-8. */
static size_t utf8_put(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    out[0] = (char)(0xe0 | cp >> 12);
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
}

/* One escape after the backslash at j->p; writes its bytes to out.
 * Returns how many, or 0 on error. */
static size_t json_escape(struct json *j, char *out)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *e = strchr(from, *j->p);
    if (*j->p && e) {
        j->p++;
        out[0] = to[e - from];
        return 1;
    }
    unsigned cp = 0;
    if (*j->p != 'u') {
        fail(j->why, j->whylen, "malformed JSON: bad escape in %s", "string");
        return 0;
    }
    for (int i = 1; i <= 4; i++) {
        char c = j->p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) {
            fail(j->why, j->whylen, "malformed JSON: bad \\u escape in %s", "string");
            return 0;
        }
        cp = cp << 4 | (unsigned)d;
    }
    if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
        fail(j->why, j->whylen, "unsupported \\u escape in %s", "string");
        return 0;
    }
    j->p += 5;
    return utf8_put(out, cp);
}

/* A string value into out (cap bytes, NUL included); what names the field. */
static int json_string(struct json *j, char *out, size_t cap, const char *what)
{
    if (json_expect(j, '"') < 0)
        return fail(j->why, j->whylen, "malformed JSON: %s is not a string", what);
    size_t n = 0;
    while (*j->p != '"') {
        char buf[4];
        size_t k;
        if (!*j->p)
            return fail(j->why, j->whylen, "truncated line: unterminated %s string", what);
        if (*j->p == '\\') {
            j->p++;
            if (!(k = json_escape(j, buf)))
                return -1;
        } else {
            buf[0] = *j->p++;
            k = 1;
        }
        if (n + k >= cap)
            return fail(j->why, j->whylen, "%s field too long", what);
        memcpy(out + n, buf, k);
        n += k;
    }
    j->p++;
    out[n] = '\0';
    return 0;
}

/* An integer value (optional '-', digits, no fraction) into tok. */
static int json_number(struct json *j, char *tok, size_t cap, const char *what)
{
    json_ws(j);
    size_t n = (*j->p == '-') + strspn(j->p + (*j->p == '-'), "0123456789");
    if (n == 0 || (n == 1 && *j->p == '-'))
        return fail(j->why, j->whylen, "malformed JSON: %s is not a number", what);
    if (strchr(".eE", j->p[n]) && j->p[n])
        return fail(j->why, j->whylen, "bad %s: not an integer", what);
    if (n >= cap)
        return fail(j->why, j->whylen, "bad %s: number too long", what);
    memcpy(tok, j->p, n);
    tok[n] = '\0';
    j->p += n;
    return 0;
}

/* Skip a scalar value of a field this reader does not know. */
static int json_skip(struct json *j, const char *key)
{
    char tmp[TRACE_LINE_MAX];
    json_ws(j);
    if (*j->p == '"')
        return json_string(j, tmp, sizeof tmp, key);
    for (const char *w = "true\0false\0null\0"; *w; w += strlen(w) + 1)
        if (strncmp(j->p, w, strlen(w)) == 0) {
            j->p += strlen(w);
            return 0;
        }
    return json_number(j, tmp, sizeof tmp, key);
}

/* The fields, by bit in the "seen" mask. */
static const char *const json_keys[] = {"seq",  "pid",  "event", "vpage", "access",
                                        "mode", "area", "frame", "detail"};
enum { JSON_NKEYS = sizeof json_keys / sizeof json_keys[0] };

static int json_uint_field(struct json *j, const char *key, uint64_t max, uint64_t *v)
{
    char tok[32];
    if (json_number(j, tok, sizeof tok, key) < 0)
        return -1;
    if (!parse_dec(tok, max, v))
        return fail(j->why, j->whylen, "bad %s: out of range", key);
    return 0;
}

/* vpage: "0x..." as trace.c writes it, or a plain integer. */
static int json_vpage(struct json *j, struct trace_rec *r)
{
    char s[32];
    uint64_t v;
    json_ws(j);
    if (*j->p != '"') {
        if (json_uint_field(j, "vpage", UINT64_MAX, &v) < 0)
            return -1;
        snprintf(s, sizeof s, "%llu", (unsigned long long)v);
    } else if (json_string(j, s, sizeof s, "vpage") < 0) {
        return -1;
    } else if (!parse_hex(s, &v)) {
        return fail(j->why, j->whylen, "bad vpage '%.40s' (want 0x and hex digits)", s);
    }
    return set_vpage(r, v, s, j->why, j->whylen);
}

static int json_frame(struct json *j, struct trace_rec *r)
{
    json_ws(j);
    if (strncmp(j->p, "null", 4) == 0) {
        j->p += 4;
        r->frame = -1;
        return 0;
    }
    uint64_t v;
    if (json_uint_field(j, "frame", INT64_MAX, &v) < 0)
        return -1;
    r->frame = (int64_t)v;
    return 0;
}

/* The value of field k (an index in json_keys) into *r. */
static int json_field(struct json *j, int k, struct trace_rec *r)
{
    char s[32];
    uint64_t v;
    switch (k) {
    case 0: return json_uint_field(j, "seq", UINT64_MAX, &r->seq);
    case 1:
        if (json_uint_field(j, "pid", INT_MAX, &v) < 0)
            return -1;
        r->pid = (int)v;
        return 0;
    case 2:
        return json_string(j, s, sizeof s, "event") < 0 ? -1 : set_event(r, s, j->why, j->whylen);
    case 3: return json_vpage(j, r);
    case 4:
        return json_string(j, s, sizeof s, "access") < 0 ? -1
               : set_access(r, s, j->why, j->whylen);
    case 5:
        return json_string(j, s, sizeof s, "mode") < 0 ? -1 : set_mode(r, s, j->why, j->whylen);
    case 6: return json_string(j, r->area, sizeof r->area, "area");
    case 7: return json_frame(j, r);
    default: return json_string(j, r->detail, sizeof r->detail, "detail");
    }
}

/* The optional fields of format 2; null is none. */
static const char *const json_sites[] = {"ip",     "call", "cause", "object",
                                         "symbol", "line", "rss",   "swap"};
enum { JSON_NSITES = sizeof json_sites / sizeof json_sites[0] };

static int json_site(struct json *j, int k, struct trace_rec *r)
{
    char s[TRACE_SYM_MAX];
    json_ws(j);
    r->columns = 18;
    if (strncmp(j->p, "null", 4) == 0) {
        j->p += 4;
        return 0;
    }
    if (k == 2 || k >= 6)
        return json_uint_field(j, json_sites[k], UINT64_MAX,
                               k == 2 ? &r->cause : k == 6 ? &r->rss : &r->swap);
    if (json_string(j, s, sizeof s, json_sites[k]) < 0)
        return -1;
    switch (k) {
    case 0: return set_ip(r, s, j->why, j->whylen);
    case 1: return set_site_str(r->call, sizeof r->call, s, "call", j->why, j->whylen);
    case 3: return set_site_str(r->object, sizeof r->object, s, "object", j->why, j->whylen);
    case 4: return set_site_str(r->symbol, sizeof r->symbol, s, "symbol", j->why, j->whylen);
    default: return set_site_str(r->line, sizeof r->line, s, "line", j->why, j->whylen);
    }
}

/* One "key": value member; seen is the mask of fields read so far. */
static int json_member(struct json *j, struct trace_rec *r, unsigned *seen)
{
    char key[32];
    if (json_string(j, key, sizeof key, "key") < 0 || json_expect(j, ':') < 0)
        return -1;
    for (int k = 0; k < JSON_NKEYS; k++) {
        if (strcmp(key, json_keys[k]) != 0)
            continue;
        if (*seen & 1u << k)
            return fail(j->why, j->whylen, "duplicate field \"%s\"", key);
        *seen |= 1u << k;
        return json_field(j, k, r);
    }
    for (int k = 0; k < JSON_NSITES; k++)
        if (strcmp(key, json_sites[k]) == 0)
            return json_site(j, k, r);
    if (strcmp(key, "tid") == 0) {
        /* The tid came later: absent or null reads as 0. */
        json_ws(j);
        if (strncmp(j->p, "null", 4) == 0) {
            j->p += 4;
            return 0;
        }
        uint64_t v;
        if (json_uint_field(j, "tid", INT_MAX, &v) < 0)
            return -1;
        r->tid = (int)v;
        return 0;
    }
    return json_skip(j, key);
}

int tracefile_parse_json(const char *line, struct trace_rec *r, char *why, size_t whylen)
{
    struct json j = {.p = line, .why = why, .whylen = whylen};
    unsigned seen = 0;
    rec_clear(r);
    if (json_expect(&j, '{') < 0)
        return -1;
    json_ws(&j);
    if (*j.p == '}')
        j.p++;
    else
        for (;;) {
            if (json_member(&j, r, &seen) < 0)
                return -1;
            json_ws(&j);
            if (*j.p == ',') {
                j.p++;
                continue;
            }
            if (!*j.p)
                return fail(why, whylen, "truncated line: %s", "no closing '}'");
            if (json_expect(&j, '}') < 0)
                return -1;
            break;
        }
    json_ws(&j);
    if (*j.p)
        return fail(why, whylen, "malformed JSON: %s", "characters after the object");
    for (int k = 0; k < JSON_NKEYS; k++)
        if (!(seen & 1u << k))
            return fail(why, whylen, "missing field \"%s\"", json_keys[k]);
    return 0;
}

/* --- files ---------------------------------------------------------------------------- */

/* Read one line of f into buf (cap bytes) without its newline; *len is its
 * length (NUL bytes included).  Returns 1, 0 at end of file, -1 when the
 * line does not fit (the rest of it is not read). */
static int read_line(FILE *f, char *buf, size_t cap, size_t *len)
{
    size_t n = 0;
    int c;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (n + 1 >= cap)
            return -1;
        buf[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return 0;
    if (n && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    *len = n;
    return 1;
}

static int log_push(struct trace_log *log, const struct trace_rec *r)
{
    struct trace_rec *v = grow_array(log->recs, &log->cap, log->n, sizeof *v, 1024);
    if (!v)
        return -1;
    log->recs = v;
    log->recs[log->n++] = *r;
    return 0;
}

/* One line of length len: skip comments and blank lines, detect the
 * format on the first other line, parse and append the event. */
static int take_line(struct trace_log *log, const char *line, size_t len, bool *detected,
                     char *why, size_t whylen)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            snprintf(why, whylen, "binary data (byte 0x%02x at column %zu)", c, i + 1);
            return -1;
        }
    }
    const char *s = line + strspn(line, " \t");
    if (*s == '#' && tracefile_take_proc(log, s) < 0)
        return fail(why, whylen, "%s", "out of memory");
    if (!*s || *s == '#')
        return 0;
    if (!*detected) {
        log->format = *s == '{' ? TRACE_JSONL : TRACE_TEXT;
        *detected = true;
    }
    struct trace_rec r;
    int rc = log->format == TRACE_JSONL ? tracefile_parse_json(s, &r, why, whylen)
                                        : tracefile_parse_text(s, &r, why, whylen);
    if (rc < 0)
        return -1;
    if (log_push(log, &r) < 0)
        return fail(why, whylen, "%s", "out of memory");
    return 0;
}

int tracefile_read(FILE *f, const char *name, struct trace_log *log, char *err, size_t errlen)
{
    char *line = malloc(TRACE_LINE_MAX + 1);
    char why[160];
    unsigned long lineno = 0;
    bool detected = false;
    size_t len;
    int got, rc = 0;
    if (!line) {
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    log->format = TRACE_TEXT;
    while ((got = read_line(f, line, TRACE_LINE_MAX + 1, &len)) != 0) {
        lineno++;
        if (got < 0)
            snprintf(why, sizeof why, "line longer than %d bytes", TRACE_LINE_MAX);
        if (got < 0 || take_line(log, line, len, &detected, why, sizeof why) < 0) {
            snprintf(err, errlen, "%s:%lu: %s", name, lineno, why);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: read error: %s", name, strerror(errno));
        rc = -1;
    }
    free(line);
    return rc;
}

int tracefile_load(const char *path, struct trace_log *log, char *err, size_t errlen)
{
    if (strcmp(path, "-") == 0)
        return tracefile_read(stdin, "<stdin>", log, err, errlen);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    int rc = tracefile_read(f, path, log, err, errlen);
    fclose(f);
    return rc;
}

void tracefile_free(struct trace_log *log)
{
    free(log->recs);
    free(log->procs);
    memset(log, 0, sizeof *log);
}
