/*
 * notice.h - faultline's own messages about a run ("faultline: pid 2
 * killed by SIGSEGV ..."), on stderr: dropped with -q, and a run of
 * identical ones shown once with how many more came.  Errors (what makes
 * faultline itself fail) are never dropped.  Includes nothing of
 * faultline.
 */
#ifndef FAULTLINE_UTIL_NOTICE_H
#define FAULTLINE_UTIL_NOTICE_H

#include <stdbool.h>
#include <stdio.h>

#define NOTICE_MAX 512

struct notices {
    FILE *out;               /* stderr; NULL until notices_init */
    bool quiet;              /* -q: drop notices (errors still go out) */
    char last[NOTICE_MAX];   /* the last line written, */
    unsigned long repeats;   /* and how many identical ones followed it */
};

void notices_init(struct notices *n, FILE *out, bool quiet);
/* One line, "faultline: " and the message; a newline is added. */
void notice(struct notices *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for an error: written even with -q. */
void notice_error(struct notices *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Say how many repeats the last line had (before anything else is
 * written to out, and at the end of the run). */
void notices_flush(struct notices *n);

#endif
