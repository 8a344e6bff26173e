/*
 * summary.h - --summary: what the run cost in faults and calls.
 */
#ifndef FAULTLINE_CLI_SUMMARY_H
#define FAULTLINE_CLI_SUMMARY_H

#include <stdio.h>

struct emu;

void summary_print(struct emu *emu, FILE *out);

#endif
