/* show.h - what the call-by-call testprogs print: one line per check, the
 * result or -1 and the error's text (the same natively and emulated). */
#ifndef TESTPROGS_SHOW_H
#define TESTPROGS_SHOW_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static inline void show(const char *what, long r)
{
    if (r < 0)
        printf("%s: -1 %s\n", what, strerror(errno));
    else
        printf("%s: %ld\n", what, r);
}

#endif
