/*
 * tool.c - see tool.h.
 */
#include "emu/util/tool.h"

#include <stdarg.h>
#include <stdio.h>

int tool_bad_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "faultline%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'faultline%s%s --help'.\n", cmd ? " " : "", cmd ? cmd : "");
    va_end(ap);
    return EXIT_FAULTLINE;
}
