/*
 * tool.h - what every faultline command shares: its exit statuses and the
 * way it reports a usage error.  Includes nothing of faultline.
 */
#ifndef FAULTLINE_UTIL_TOOL_H
#define FAULTLINE_UTIL_TOOL_H

#define FAULTLINE_VERSION "0.1.0"

/* Exit statuses of faultline itself. */
#define EXIT_FAULTLINE 125  /* faultline failed: bad option, host resource, deadlock */
#define EXIT_TIMEOUT 124    /* --timeout expired, as timeout(1) */
#define EXIT_MISMATCH 1     /* --expect found a different fault log */

/* Print "faultline[ CMD]: <message>" and where --help is, on stderr;
 * returns EXIT_FAULTLINE.  cmd is NULL for the top-level command. */
int tool_bad_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
