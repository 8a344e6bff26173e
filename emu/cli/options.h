/*
 * options.h - faultline run's command line.
 */
#ifndef FAULTLINE_CLI_OPTIONS_H
#define FAULTLINE_CLI_OPTIONS_H

#include "emu/kernel/kernel.h"

#include <stdio.h>

/* The usage text of every command. */
void run_usage(FILE *out);
void run_default_options(struct emu_options *o);
/* Parse run's options into o (and -E settings into *env_set, a
 * NULL-terminated list the caller frees); returns the index of PROG,
 * -0x100 after --help, or -status after a usage error (printed). */
int run_parse(int argc, char **argv, struct emu_options *o, char ***env_set);

#endif
