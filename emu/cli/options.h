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

/* Whether run's option name (without dashes, as in --name) takes an
 * argument: 1 yes, 0 no, -1 no such option. */
int run_option_arg(const char *name);

/* faultline run (argv[0] is "run"); when counts is not NULL, the run's
 * event counts (VM_EV_COUNT of them) go there.  Returns the exit status. */
int cli_run(int argc, char **argv, uint64_t *counts);
/* faultline sweep (sweep.c). */
int cmd_sweep(int argc, char **argv);

#endif
