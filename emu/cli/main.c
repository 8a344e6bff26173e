/*
 * main.c - the command line: faultline run | inspect | stat | plot.
 * Only this file prints usage errors and decides exit statuses.
 */
#include "emu/cli/summary.h"
#include "emu/kernel/fs.h"
#include "emu/kernel/maps.h"
#include "emu/kernel/proc.h"
#include "emu/sys/sys.h"
#include "emu/trace/trace.h"
#include "emu/util/tool.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static const char usage_text[] =
    "usage: faultline run [options] PROG [ARGS...]   run PROG, tracing every page fault\n"
    "       faultline inspect [--root DIR] PROG       show the areas PROG would start with\n"
    "       faultline stat [options] TRACE            summarise a saved fault log\n"
    "       faultline plot TRACE -o FILE.svg          draw a fault log as a timeline\n"
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
    "      --quantum N         switch processes every N instructions (0: only when a\n"
    "                          process blocks or exits; the default)\n"
    "      --timeout SECS      stop after SECS seconds of host time, exit 124\n"
    "      --real-time         use the host clock (default: a fixed clock that moves\n"
    "                          only when read, slept on, or past a quantum)\n"
    "  -v, --verbose           report unsupported system calls and failed execs\n"
    "      --check             check the memory system's invariants after every\n"
    "                          system call (slow; aborts on a violation)\n"
    "\n"
    "Processes: pids start at 1.  When pid 1 exits the others are killed, as in a\n"
    "PID namespace, and faultline exits with pid 1's status.  Threads are not\n"
    "supported (clone with CLONE_VM but not CLONE_VFORK fails with ENOSYS).\n"
    "\n"
    "Exit status: the guest's; 128+N when it was killed by signal N; 1 when --expect\n"
    "found a different log; 124 on --timeout; 125 when faultline itself failed\n"
    "(bad option, host resources, every process blocked); 126 when PROG cannot be\n"
    "executed; 127 when PROG does not exist.\n";

static void usage(FILE *out)
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
    OPT_QUANTUM, OPT_TIMEOUT, OPT_REAL_TIME, OPT_HELP, OPT_VERSION, OPT_CHECK,
};

static const struct option run_options[] = {
    {"trace", required_argument, NULL, 'o'},
    {"trace-format", required_argument, NULL, OPT_FORMAT},
    {"trace-filter", required_argument, NULL, OPT_FILTER},
    {"expect", required_argument, NULL, OPT_EXPECT},
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
    {"quantum", required_argument, NULL, OPT_QUANTUM},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"real-time", no_argument, NULL, OPT_REAL_TIME},
    {"verbose", no_argument, NULL, 'v'},
    {"check", no_argument, NULL, OPT_CHECK},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static void default_options(struct emu_options *o)
{
    memset(o, 0, sizeof *o);
    o->frames = VM_FRAMES_DEFAULT;
    o->swap_pages = 65536;
    o->policy = VM_POLICY_CLOCK;
    o->commit = VM_COMMIT_STRICT;
    o->root = "/";
    o->max_procs = 256;
}

/* Parse run options into o; returns the index of PROG, or -status. */
static int parse_run(int argc, char **argv, struct emu_options *o, char ***env_set)
{
    size_t nenv = 0;
    char err[256];
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+o:E:v", run_options, NULL)) != -1) {
        uint64_t v;
        switch (c) {
        case 'o': o->trace.path = optarg; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                o->trace.format = TRACE_TEXT;
            else if (strcmp(optarg, "jsonl") == 0)
                o->trace.format = TRACE_JSONL;
            else
                return -tool_bad_usage(NULL, "--trace-format must be text or jsonl, not '%s'", optarg);
            break;
        case OPT_FILTER:
            if (!trace_filter_parse(&o->trace.filter, optarg, err, sizeof err))
                return -tool_bad_usage(NULL, "%s", err);
            break;
        case OPT_EXPECT: o->trace.expect_path = optarg; break;
        case OPT_SUMMARY: o->summary = true; break;
        case OPT_MAPS: o->maps = true; break;
        case OPT_FRAMES:
            if (!parse_u64(optarg, 64, VM_FRAMES_MAX, &v))
                return -tool_bad_usage(NULL, "--frames must be a number of frames from 64 to 16777200, not '%s'", optarg);
            o->frames = (uint32_t)v;
            break;
        case OPT_SWAP_PAGES:
            if (!parse_u64(optarg, 0, 1ULL << 32, &v))
                return -tool_bad_usage(NULL, "--swap-pages must be a number of pages, not '%s'", optarg);
            o->swap_pages = v;
            break;
        case OPT_SWAP_FILE: o->swap_file = optarg; break;
        case OPT_POLICY:
            if (strcmp(optarg, "clock") == 0) o->policy = VM_POLICY_CLOCK;
            else if (strcmp(optarg, "fifo") == 0) o->policy = VM_POLICY_FIFO;
            else if (strcmp(optarg, "lru") == 0) o->policy = VM_POLICY_LRU;
            else if (strcmp(optarg, "random") == 0) o->policy = VM_POLICY_RANDOM;
            else return -tool_bad_usage(NULL, "--policy must be clock, fifo, lru or random, not '%s'", optarg);
            break;
        case OPT_COMMIT:
            if (strcmp(optarg, "strict") == 0) o->commit = VM_COMMIT_STRICT;
            else if (strcmp(optarg, "overcommit") == 0) o->commit = VM_COMMIT_OVERCOMMIT;
            else return -tool_bad_usage(NULL, "--commit must be strict or overcommit, not '%s'", optarg);
            break;
        case OPT_SEED:
            if (!parse_u64(optarg, 0, UINT64_MAX, &v))
                return -tool_bad_usage(NULL, "--seed must be a number, not '%s'", optarg);
            o->seed = v;
            break;
        case OPT_ROOT: o->root = optarg; break;
        case 'E':
            if (!strchr(optarg, '=') || optarg[0] == '=')
                return -tool_bad_usage(NULL, "-E wants NAME=VALUE, not '%s'", optarg);
            *env_set = realloc(*env_set, (nenv + 2) * sizeof **env_set);
            if (!*env_set)
                return -EXIT_FAULTLINE;
            (*env_set)[nenv++] = optarg;
            (*env_set)[nenv] = NULL;
            break;
        case OPT_ENV_CLEAR: o->env_clear = true; break;
        case OPT_MAX_PROCS:
            if (!parse_u64(optarg, 1, 100000, &v))
                return -tool_bad_usage(NULL, "--max-procs must be from 1 to 100000, not '%s'", optarg);
            o->max_procs = (int)v;
            break;
        case OPT_QUANTUM:
            if (!parse_u64(optarg, 0, UINT64_MAX, &v))
                return -tool_bad_usage(NULL, "--quantum must be a number of instructions, not '%s'", optarg);
            o->quantum = v;
            break;
        case OPT_TIMEOUT: {
            char *end;
            double t = strtod(optarg, &end);
            if (*end || !(t > 0) || t > 1e7)
                return -tool_bad_usage(NULL, "--timeout must be a positive number of seconds, not '%s'", optarg);
            o->timeout = t;
            break;
        }
        case OPT_REAL_TIME: o->real_time = true; break;
        case 'v': o->verbose = true; break;
        case OPT_CHECK: o->check = true; break;
        case OPT_HELP:
            usage(stdout);
            return -0x100;
        default:
            return -tool_bad_usage(NULL, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return -tool_bad_usage(NULL, "%s", "run needs a program to run");
    return optind;
}

/* The guest's environment: the host's (or none), then -E settings. */
static char **build_env(const struct emu_options *o, char **set)
{
    size_t n = 0, k = 0;
    if (!o->env_clear)
        while (environ[n])
            n++;
    size_t ns = 0;
    while (set && set[ns])
        ns++;
    char **env = calloc(n + ns + 1, sizeof *env);
    if (!env)
        return NULL;
    for (size_t i = 0; i < n; i++)
        env[k++] = environ[i];
    for (size_t i = 0; i < ns; i++) {
        size_t nl = (size_t)(strchr(set[i], '=') - set[i]);
        size_t j;
        for (j = 0; j < k; j++)
            if (strncmp(env[j], set[i], nl + 1) == 0)
                break;
        env[j] = set[i];
        if (j == k)
            k++;
    }
    env[k] = NULL;
    return env;
}

static int open_root(const char *root)
{
    int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        fprintf(stderr, "faultline: --root %s: %s\n", root, strerror(errno));
    return fd;
}

/* Every process left goes, its memory with it: what that writes back
 * (dirty MAP_SHARED pages) is still traced and compared. */
static void emu_release_procs(struct emu *emu)
{
    for (int i = 0; i < emu->nprocs; i++)
        if (emu->procs[i])
            proc_release(emu, emu->procs[i]);
}

static void emu_teardown(struct emu *emu)
{
    emu_release_procs(emu);
    free(emu->procs);
    free(emu->pstats);
    if (emu->vm)
        vm_free(emu->vm);
    tracer_free(emu->tracer);
    cpu_calib_free(emu->calib);
    if (emu->rootfd >= 0)
        close(emu->rootfd);
    free(emu->envp);
}

static int cmd_run(int argc, char **argv)
{
    struct emu emu;
    memset(&emu, 0, sizeof emu);
    emu.rootfd = -1;
    default_options(&emu.opt);
    char **env_set = NULL;
    int at = parse_run(argc, argv, &emu.opt, &env_set);
    if (at < 0) {
        free(env_set);
        return at == -0x100 ? 0 : -at;
    }
    char err[256];
    int status = EXIT_FAULTLINE;
    emu.envp = build_env(&emu.opt, env_set);
    emu.rootfd = open_root(emu.opt.root);
    if (!emu.envp || emu.rootfd < 0)
        goto out;
    emu.tracer = tracer_new(&emu.opt.trace, err, sizeof err);
    if (!emu.tracer) {
        fprintf(stderr, "faultline: %s\n", err);
        goto out;
    }
    struct vm_config cfg = {
        .frames = emu.opt.frames,
        .swap_pages = emu.opt.swap_pages,
        .swap_path = emu.opt.swap_file,
        .policy = emu.opt.policy,
        .commit = emu.opt.commit,
        .seed = emu.opt.seed,
        .trace = emu_trace,
        .trace_ctx = &emu,
        .trace_details = emu.opt.trace.path || emu.opt.trace.expect_path,
    };
    emu.vm = vm_new(&cfg, err, sizeof err);
    if (!emu.vm) {
        fprintf(stderr, "faultline: %s\n", err);
        goto out;
    }
    if (cpu_calibrate(&emu.calib, err, sizeof err) < 0) {
        fprintf(stderr, "faultline: cannot run: %s\n", err);
        goto out;
    }
    vm_set_port(emu.vm, &cpu_port_template);
    emu.sys = syscall_layer;
    emu.rng = emu.opt.seed ^ 0x5eed5eed5eed5eedULL;
    emu.hwcap = cpuid_hwcap();
    status = proc_spawn_init(&emu, argv[at], argv + at);
    if (status < 0)
        status = proc_schedule(&emu);
    emu_release_procs(&emu);
    int mismatch = tracer_finish(emu.tracer);
    if (emu.opt.summary)
        summary_print(&emu, stderr);
    if (mismatch < 0)
        status = EXIT_FAULTLINE;
    else if (mismatch)
        status = EXIT_MISMATCH;
out:
    emu_teardown(&emu);
    free(env_set);
    return status;
}

static int cmd_inspect(int argc, char **argv)
{
    const char *root = "/";
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
            root = argv[++i];
        else if (strncmp(argv[i], "--root=", 7) == 0)
            root = argv[i] + 7;
        else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else
            return tool_bad_usage(NULL, "inspect: unknown option '%s'", argv[i]);
    }
    if (i != argc - 1)
        return tool_bad_usage(NULL, "%s", "inspect needs exactly one program");
    struct emu emu;
    memset(&emu, 0, sizeof emu);
    default_options(&emu.opt);
    emu.opt.root = root;
    emu.rootfd = open_root(root);
    char err[256];
    int status = EXIT_FAULTLINE;
    struct vm_config cfg = {.frames = 256, .commit = VM_COMMIT_OVERCOMMIT};
    if (emu.rootfd < 0 || !(emu.vm = vm_new(&cfg, err, sizeof err)))
        goto out;
    struct proc p;
    memset(&p, 0, sizeof p);
    strcpy(p.cwd, "/");
    if (strcmp(root, "/") == 0 && !getcwd(p.cwd, sizeof p.cwd))
        strcpy(p.cwd, "/");
    p.mm = vm_mm_new(emu.vm, 1);
    struct loader_fs fs = fs_loader(&emu, &p);
    char *args[] = {argv[i], NULL};
    struct loader_args la = {.path = argv[i], .argv = args, .envp = args + 1, .fs = &fs};
    struct loader_image img;
    struct loader_error e;
    if (!p.mm || loader_load(emu.vm, p.mm, &la, false, &img, &e) < 0) {
        fprintf(stderr, "faultline: %s\n", p.mm ? e.msg : "out of memory");
        status = p.mm ? e.status : EXIT_FAULTLINE;
    } else {
        printf("program:     %s\n", img.exe);
        printf("entry:       %#llx\n", (unsigned long long)img.prog_entry);
        printf("interpreter: %s", img.interp[0] ? img.interp : "(none: static)\n");
        if (img.interp[0])
            printf(" at %#llx, entry %#llx\n", (unsigned long long)img.interp_base,
                   (unsigned long long)img.entry);
        printf("load bias:   %#llx\n", (unsigned long long)img.load_bias);
        printf("brk start:   %#llx\n", (unsigned long long)img.brk_start);
        printf("stack:       %s\n", img.exec_stack ? "executable" : "non-executable");
        maps_print(stdout, p.mm, false);
        status = 0;
    }
    if (p.mm)
        vm_mm_free(p.mm);
out:
    if (emu.vm)
        vm_free(emu.vm);
    if (emu.rootfd >= 0)
        close(emu.rootfd);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_FAULTLINE;
    }
    /* A closed pipe is the guest's business: its write gets EPIPE and
     * SIGPIPE, and faultline lives on to finish the fault log. */
    signal(SIGPIPE, SIG_IGN);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("faultline %s (libunicorn %s)\n", FAULTLINE_VERSION, cpu_engine_version());
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "inspect") == 0)
        return cmd_inspect(argc - 1, argv + 1);
    if (strcmp(cmd, "stat") == 0)
        return cmd_stat(argc - 1, argv + 1);
    if (strcmp(cmd, "plot") == 0)
        return cmd_plot(argc - 1, argv + 1);
    return tool_bad_usage(NULL, "unknown command '%s' (run, inspect, stat, plot)", cmd);
}
