/*
 * expect.h - inside the trace tools: a growable list of log lines, and
 * the --expect comparison of such a list with a golden log.
 */
#ifndef FAULTLINE_TRACE_EXPECT_H
#define FAULTLINE_TRACE_EXPECT_H

#include <stddef.h>

struct lines {
    char **v;
    size_t n, cap;
};

/* Append a copy of s; -1 when out of memory. */
int lines_push(struct lines *l, const char *s);
void lines_free(struct lines *l);

/* Compare got with the events of the log at expect_path (comments and
 * blank lines skipped, fields compared regardless of spacing).  Returns 0
 * when equal; 1 after printing to stderr the first difference and a
 * unified diff, or why the golden log could not be read. */
int expect_compare(const char *expect_path, struct lines *got);

#endif
