/*
 * options.c - faultline run's options: the usage text, the defaults, and
 * the parser, one group of options at a time.
 */
#include "emu/cli/options.h"
#include "emu/util/tool.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: faultline run [options] PROG [ARGS...]   run PROG, tracing every page fault\n"
    "       faultline inspect [--root DIR] PROG       show the areas PROG would start with\n"
    "       faultline stat [options] TRACE            summarise a saved fault log\n"
    "       faultline plot TRACE -o FILE.svg          draw a fault log as a timeline\n"
    "       faultline report TRACE -o FILE.html       an interactive page of a fault log\n"
    "       faultline export --format perfetto TRACE -o FILE.json\n"
    "                                                 the log as a Perfetto/Chrome trace\n"
    "       faultline sweep [options] PROG [ARGS...]  run PROG at several DRAM sizes\n"
    "       faultline --help | --version\n"
    "\n"
    "faultline loads an x86-64 Linux ELF program, runs it on an emulated CPU over a\n"
    "simulated memory system, and logs every page fault: demand-zero, file-read,\n"
    "cache-hit, cow, cow-reuse, swap-out, swap-in, evict-clean, writeback, segv, sigbus.\n"
    "\n"
    "run options:\n"
    "  -o, --trace FILE        write the fault log to FILE ('-' for stdout)\n"
    "      --trace-format F    text (default) or jsonl\n"
    "      --trace-filter K=V  keep only matching events: event=cow,swap-in | pid=1,2 |\n"
    "                          area=[heap]; repeatable (all must match); seq then\n"
    "                          counts the kept events\n"
    "      --expect FILE       compare the fault log with FILE; on a difference print a\n"
    "                          unified diff and exit 1, else keep the guest's status\n"
"      --trace-procs       also write each fork, execve and exit in the text log,\n"
    "                          as '#process' comment lines (the report's process tree)\n"
    "      --report FILE.html  also write the report of the run (as faultline report):\n"
    "                          the log goes to -o's file, else to FILE.log; implies\n"
    "                          --trace-procs\n"
    "      --no-symbols        leave the object, symbol and line columns empty (the\n"
    "                          instruction address and system call are still logged)\n"
    "      --summary           print fault, memory and system-call counts on stderr\n"
    "      --maps              print the address-space picture at exit and on a fatal\n"
    "                          signal (resident, swapped and shared pages per area)\n"
    "      --frames N          DRAM size in 4 KiB frames, page tables included (16384)\n"
    "      --swap-pages N      swap file size in pages (65536); 0 for no swap\n"
    "      --swap-file PATH    swap file (default: an unlinked temporary file)\n"
    "      --policy P          eviction policy: clock (default), fifo, lru, random\n"
    "      --commit MODE       strict (default: private writable memory must fit in\n"
    "                          DRAM + swap) or overcommit\n"
    "      --seed N            seed for AT_RANDOM, getrandom and the random policy (0)\n"
    "      --root DIR          resolve every guest path inside DIR (default /); the\n"
    "                          program path too; the guest starts in / there\n"
    "  -E, --env NAME=VALUE    set a variable in the guest's environment\n"
    "      --env-clear         start from an empty environment (the host's otherwise)\n"
    "      --max-procs N       at most N live guest processes; fork fails with EAGAIN\n"
    "                          beyond (256)\n"
    "      --pid N             the program's pid (2); pid 1 is faultline's init\n"
    "      --quantum N         switch processes every N instructions, counted as 4\n"
    "                          bytes of code each (0: only when a process blocks\n"
    "                          or exits; the default)\n"
    "      --timeout SECS      stop after SECS seconds of host time, exit 124\n"
    "      --real-time         use the host's clocks (default: clocks that move only\n"
    "                          when read, slept on, or past a quantum)\n"
    "      --epoch SECS        start the guest's date at SECS since 1970 and move it\n"
    "                          only with those clocks (default: SOURCE_DATE_EPOCH when\n"
    "                          set, else the host's date, never behind it)\n"
    "      --net MODE          lo (default): the guest's sockets reach only each other;\n"
    "                          host: TCP and UDP to a loopback port no guest process has\n"
    "                          reach the host's loopback\n"
    "  -v, --verbose           report unsupported system calls, failed execs and every\n"
    "                          death (a run of identical lines: once, then a count)\n"
    "  -q, --quiet             none of faultline's own notices (how a process died,\n"
    "                          what memory was refused); errors are still reported\n"
    "      --check             check the memory system's invariants after every\n"
    "                          system call (slow; aborts on a violation)\n"
    "\n"
    "Processes: pid 1 is faultline's own init, which adopts and reaps orphans; the\n"
    "program runs as pid 2 (--pid), its children after it.  When the program exits\n"
    "the others are killed, as in a PID namespace, and faultline exits with the\n"
    "program's status.  Threads share their process's memory, descriptors and\n"
    "dispositions; a process with threads runs by a quantum of instructions.\n"
    "\n"
    "Ctrl-C, SIGQUIT, SIGTERM and SIGHUP sent to faultline go to the guest; a second\n"
    "Ctrl-C within a second ends the run at once (exit 130).\n"
    "\n"
    "Exit status: the guest's; 128+N when it was killed by signal N; 1 when --expect\n"
    "found a different log; 124 on --timeout; 125 when faultline itself failed\n"
    "(bad option, host resources, every process blocked); 126 when PROG cannot be\n"
    "executed; 127 when PROG does not exist.\n";

void run_usage(FILE *out)
{
    fputs(usage_text, out);
}

static bool parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s == '-')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

enum {
    OPT_FORMAT = 256, OPT_FILTER, OPT_EXPECT, OPT_SUMMARY, OPT_MAPS, OPT_FRAMES, OPT_SWAP_PAGES,
    OPT_SWAP_FILE, OPT_POLICY, OPT_COMMIT, OPT_SEED, OPT_ROOT, OPT_ENV_CLEAR, OPT_MAX_PROCS,
    OPT_QUANTUM, OPT_TIMEOUT, OPT_REAL_TIME, OPT_HELP, OPT_VERSION, OPT_CHECK, OPT_PID, OPT_EPOCH,
    OPT_NO_SYMBOLS, OPT_NET, OPT_TRACE_PROCS, OPT_REPORT,
};

static const struct option run_options[] = {
    {"trace", required_argument, NULL, 'o'},
    {"trace-format", required_argument, NULL, OPT_FORMAT},
    {"trace-filter", required_argument, NULL, OPT_FILTER},
    {"expect", required_argument, NULL, OPT_EXPECT},
    {"no-symbols", no_argument, NULL, OPT_NO_SYMBOLS},
    {"trace-procs", no_argument, NULL, OPT_TRACE_PROCS},
    {"report", required_argument, NULL, OPT_REPORT},
    {"summary", no_argument, NULL, OPT_SUMMARY},
    {"maps", no_argument, NULL, OPT_MAPS},
    {"frames", required_argument, NULL, OPT_FRAMES},
    {"swap-pages", required_argument, NULL, OPT_SWAP_PAGES},
    {"swap-file", required_argument, NULL, OPT_SWAP_FILE},
    {"policy", required_argument, NULL, OPT_POLICY},
    {"commit", required_argument, NULL, OPT_COMMIT},
    {"seed", required_argument, NULL, OPT_SEED},
    {"root", required_argument, NULL, OPT_ROOT},
    {"env", required_argument, NULL, 'E'},
    {"env-clear", no_argument, NULL, OPT_ENV_CLEAR},
    {"max-procs", required_argument, NULL, OPT_MAX_PROCS},
    {"pid", required_argument, NULL, OPT_PID},
    {"quantum", required_argument, NULL, OPT_QUANTUM},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"real-time", no_argument, NULL, OPT_REAL_TIME},
    {"epoch", required_argument, NULL, OPT_EPOCH},
    {"quiet", no_argument, NULL, 'q'},
    {"net", required_argument, NULL, OPT_NET},
    {"verbose", no_argument, NULL, 'v'},
    {"check", no_argument, NULL, OPT_CHECK},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

int run_option_arg(const char *name)
{
    if (strlen(name) == 1) {
        /* the short ones: -o FILE, -E NAME=VALUE, -v */
        return name[0] == 'o' || name[0] == 'E' ? 1 : name[0] == 'v' ? 0 : -1;
    }
    for (const struct option *o = run_options; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o->has_arg == required_argument;
    return -1;
}

void run_default_options(struct emu_options *o)
{
    memset(o, 0, sizeof *o);
    o->frames = VM_FRAMES_DEFAULT;
    o->swap_pages = 65536;
    o->policy = VM_POLICY_CLOCK;
    o->commit = VM_COMMIT_STRICT;
    o->root = "/";
    o->max_procs = 256;
    o->pid = 2;
}

/* The latest date the guest's clock may start at: year 9999. */
#define MAX_EPOCH 253402300799ULL

/* -status of a usage error, as the parsers return it. */
#define BAD(...) (-tool_bad_usage(NULL, __VA_ARGS__))
#define NOT_MINE 1  /* the option belongs to another group */

/* The fault log's options. */
static int trace_option(int c, const char *arg, struct emu_options *o)
{
    char err[256];
    switch (c) {
    case 'o': o->trace.path = arg; return 0;
    case OPT_FORMAT:
        if (strcmp(arg, "text") == 0)
            o->trace.format = TRACE_TEXT;
        else if (strcmp(arg, "jsonl") == 0)
            o->trace.format = TRACE_JSONL;
        else
            return BAD("--trace-format must be text or jsonl, not '%s'", arg);
        return 0;
    case OPT_FILTER:
        if (!trace_filter_parse(&o->trace.filter, arg, err, sizeof err))
            return BAD("%s", err);
        return 0;
    case OPT_EXPECT: o->trace.expect_path = arg; return 0;
    case OPT_NO_SYMBOLS: o->no_symbols = true; return 0;
    case OPT_TRACE_PROCS: o->trace.procs = true; return 0;
    case OPT_REPORT: o->trace.report_path = arg; o->trace.procs = true; return 0;
    case OPT_SUMMARY: o->summary = true; return 0;
    case OPT_MAPS: o->maps = true; return 0;
    case 'v': o->verbose = true; return 0;
    case 'q': o->quiet = true; return 0;
    case OPT_CHECK: o->check = true; return 0;
    default: return NOT_MINE;
    }
}

/* The memory system's options. */
static int memory_option(int c, const char *arg, struct emu_options *o)
{
    uint64_t v;
    switch (c) {
    case OPT_FRAMES:
        if (!parse_u64(arg, 64, VM_FRAMES_MAX, &v))
            return BAD("--frames must be a number of frames from 64 to %llu, not '%s'",
                       (unsigned long long)VM_FRAMES_MAX, arg);
        o->frames = (uint32_t)v;
        return 0;
    case OPT_SWAP_PAGES:
        if (!parse_u64(arg, 0, 1ULL << 32, &v))
            return BAD("--swap-pages must be a number of pages, not '%s'", arg);
        o->swap_pages = v;
        return 0;
    case OPT_SWAP_FILE: o->swap_file = arg; return 0;
    case OPT_POLICY:
        if (strcmp(arg, "clock") == 0) o->policy = VM_POLICY_CLOCK;
        else if (strcmp(arg, "fifo") == 0) o->policy = VM_POLICY_FIFO;
        else if (strcmp(arg, "lru") == 0) o->policy = VM_POLICY_LRU;
        else if (strcmp(arg, "random") == 0) o->policy = VM_POLICY_RANDOM;
        else return BAD("--policy must be clock, fifo, lru or random, not '%s'", arg);
        return 0;
    case OPT_COMMIT:
        if (strcmp(arg, "strict") == 0) o->commit = VM_COMMIT_STRICT;
        else if (strcmp(arg, "overcommit") == 0) o->commit = VM_COMMIT_OVERCOMMIT;
        else return BAD("--commit must be strict or overcommit, not '%s'", arg);
        return 0;
    case OPT_SEED:
        if (!parse_u64(arg, 0, UINT64_MAX, &v))
            return BAD("--seed must be a number, not '%s'", arg);
        o->seed = v;
        return 0;
    default: return NOT_MINE;
    }
}

/* Add -E NAME=VALUE to the NULL-terminated list *env_set. */
static int env_option(const char *arg, char ***env_set)
{
    if (!strchr(arg, '=') || arg[0] == '=')
        return BAD("-E wants NAME=VALUE, not '%s'", arg);
    size_t n = 0;
    while (*env_set && (*env_set)[n])
        n++;
    char **v = realloc(*env_set, (n + 2) * sizeof *v);
    if (!v)
        return -EXIT_FAULTLINE;
    v[n] = (char *)arg;
    v[n + 1] = NULL;
    *env_set = v;
    return 0;
}

/* The processes' options. */
static int process_option(int c, const char *arg, struct emu_options *o, char ***env_set)
{
    uint64_t v;
    switch (c) {
    case OPT_ROOT: o->root = arg; return 0;
    case 'E': return env_option(arg, env_set);
    case OPT_ENV_CLEAR: o->env_clear = true; return 0;
    case OPT_MAX_PROCS:
        if (!parse_u64(arg, 1, 100000, &v))
            return BAD("--max-procs must be from 1 to 100000, not '%s'", arg);
        o->max_procs = (int)v;
        return 0;
    case OPT_PID:
        if (!parse_u64(arg, 2, 4194304 - 100000, &v))
            return BAD("--pid must be from 2 to %d, not '%s'", 4194304 - 100000, arg);
        o->pid = (int)v;
        return 0;
    case OPT_QUANTUM:
        if (!parse_u64(arg, 0, UINT64_MAX, &v))
            return BAD("--quantum must be a number of instructions, not '%s'", arg);
        o->quantum = v;
        return 0;
    case OPT_TIMEOUT: {
        char *end;
        double t = strtod(arg, &end);
        if (*end || !(t > 0) || t > 1e7)
            return BAD("--timeout must be a positive number of seconds, not '%s'", arg);
        o->timeout = t;
        return 0;
    }
    case OPT_REAL_TIME: o->real_time = true; return 0;
    case OPT_EPOCH:
        if (!parse_u64(arg, 0, MAX_EPOCH, &v))
            return BAD("--epoch must be seconds since 1970 (0 to %llu), not '%s'", MAX_EPOCH, arg);
        o->epoch = v;
        o->epoch_set = true;
        return 0;
    case OPT_NET:
        if (strcmp(arg, "lo") != 0 && strcmp(arg, "host") != 0)
            return BAD("--net must be lo or host, not '%s'", arg);
        o->net_host = !strcmp(arg, "host");
        return 0;
    default: return NOT_MINE;
    }
}

/* --report's log: -o's file, else the report's path with .html (if any)
 * replaced by .log.  -1 when the log goes to stdout. */
static int report_log(struct trace_opts *t)
{
    if (!t->report_path)
        return 0;
    if (t->path)
        return strcmp(t->path, "-") == 0 ? -1 : 0;
    size_t n = strlen(t->report_path);
    if (n > 5 && strcmp(t->report_path + n - 5, ".html") == 0)
        n -= 5;
    snprintf(t->report_log, sizeof t->report_log, "%.*s.log", (int)n, t->report_path);
    t->path = t->report_log;
    return 0;
}

int run_parse(int argc, char **argv, struct emu_options *o, char ***env_set)
{
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+o:E:vq", run_options, NULL)) != -1) {
        if (c == OPT_HELP) {
            run_usage(stdout);
            return -0x100;
        }
        int r = trace_option(c, optarg, o);
        if (r == NOT_MINE)
            r = memory_option(c, optarg, o);
        if (r == NOT_MINE)
            r = process_option(c, optarg, o, env_set);
        if (r == NOT_MINE)
            return BAD("unknown option '%s'", argv[optind - 1]);
        if (r < 0)
            return r;
    }
    if (optind >= argc)
        return BAD("%s", "run needs a program to run");
    if (report_log(&o->trace) < 0)
        return BAD("%s", "--report reads the log back from a file: -o - cannot go with it");
    /* Reproducible builds' variable pins the clock unless --epoch did. */
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (!o->epoch_set && sde && *sde) {
        uint64_t v;
        if (!parse_u64(sde, 0, MAX_EPOCH, &v))
            return BAD("SOURCE_DATE_EPOCH must be seconds since 1970, not '%s'", sde);
        o->epoch = v;
        o->epoch_set = true;
    }
    return optind;
}
