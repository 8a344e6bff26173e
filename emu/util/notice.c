/*
 * notice.c - faultline's own messages on stderr (notice.h).  A line equal
 * to the last one is counted, not written; the count goes out as its own
 * line when a different line comes or the run ends, as syslog's "last
 * message repeated N times" does.
 */
#include "emu/util/notice.h"

#include <stdarg.h>
#include <string.h>

void notices_init(struct notices *n, FILE *out, bool quiet)
{
    memset(n, 0, sizeof *n);
    n->out = out;
    n->quiet = quiet;
}

void notices_flush(struct notices *n)
{
    if (n->out && n->repeats)
        fprintf(n->out, "faultline: ... %lu more\n", n->repeats);
    n->repeats = 0;
}

static void say(struct notices *n, const char *fmt, va_list ap)
{
    char line[NOTICE_MAX];
    vsnprintf(line, sizeof line, fmt, ap);
    FILE *out = n->out ? n->out : stderr;
    if (n->out && strcmp(line, n->last) == 0) {
        n->repeats++;
        return;
    }
    notices_flush(n);
    fprintf(out, "faultline: %s\n", line);
    fflush(out);
    memcpy(n->last, line, sizeof line);
}

void notice(struct notices *n, const char *fmt, ...)
{
    if (n->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    say(n, fmt, ap);
    va_end(ap);
}

void notice_error(struct notices *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(n, fmt, ap);
    va_end(ap);
}
