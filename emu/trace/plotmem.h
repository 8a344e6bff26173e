/*
 * plotmem.h - the plot's memory panel (plotmem.c): resident pages per
 * process and swap slots in use over the event sequence.
 */
#ifndef FAULTLINE_PLOTMEM_H
#define FAULTLINE_PLOTMEM_H

#include "emu/trace/tracefile.h"

#include <stdbool.h>
#include <stdio.h>

/* Where the panel goes: x as the timeline's (seq smin..smax over
 * [left, left + width]), y from top down height pixels; its legend takes
 * PLOTMEM_LEGEND_H more below. */
struct plotmem_frame {
    double left, width, top, height;
    uint64_t smin, smax;
};
#define PLOTMEM_H 220.0        /* the panel with its title and legend */
#define PLOTMEM_LEGEND_H 36.0

/* Does every event of log carry rss and swap (format 2)? */
bool plotmem_possible(const struct trace_log *log);
/* Draw the panel for log into o (an open SVG document). */
void plotmem_draw(FILE *o, const struct trace_log *log, const struct plotmem_frame *f);

#endif
