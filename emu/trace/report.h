/*
 * report.h - `faultline report`: one self-contained HTML page of a fault
 * log (the page's code is emu/trace/report/, embedded at build time).
 */
#ifndef FAULTLINE_TRACE_REPORT_H
#define FAULTLINE_TRACE_REPORT_H

#include "emu/trace/tracefile.h"

#include <stddef.h>
#include <stdint.h>

/* The page's parts, made by the Makefile from emu/trace/report/: the
 * HTML up to and after its "<!--FAULTLINE-DATA-->" line, and the script. */
extern const char report_page_html[];
extern const char report_page_js[];

/* Write the report of log to path ("-": stdout), titled title.  0, or -1
 * with a reason in err (a file that could not be written is removed). */
int report_write(const struct trace_log *log, const char *title, const char *path, char *err,
                 size_t errlen);

/* The report's data block: the log's dictionaries as JSON, then its
 * columns, deflated and in base64 (reportdata.c).  *out is malloc'd. */
int report_data(const struct trace_log *log, char **out, size_t *outlen);

#endif
