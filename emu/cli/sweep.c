/*
 * sweep.c - `faultline sweep`: one program run at several DRAM sizes and
 * eviction policies, a row of fault counts per point, and the curves.
 *
 * A run is deterministic (fixed clock, seeded randomness), so each point
 * is exact and runs once.  Points run in parallel, one forked child of
 * faultline each (no engine exists yet in the parent), as many at a time
 * as the host has cores; a child sends its counts back through a pipe.
 */
#include "emu/cli/options.h"
#include "emu/trace/curve.h"
#include "emu/util/tool.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SWEEP_MAX_POINTS 4096
#define SWEEP_MAX_POLICIES 4

static const char sweep_usage[] =
    "usage: faultline sweep [options] [run options] PROG [ARGS...]\n"
    "\n"
    "Run PROG once per DRAM size and eviction policy (each run is deterministic, so\n"
    "each point is exact), in parallel on the host's cores, and print one row per\n"
    "point after a '#' header: frames policy major swap-out minor, then swap-in\n"
    "file-read demand-zero cow evict-clean writeback and the program's exit status.\n"
    "major = file-read + swap-in; minor = demand-zero + cache-hit + cow + cow-reuse.\n"
    "\n"
    "  --frames SPEC     DRAM sizes in frames: a list (256,512,1024) or A..B/STEPS,\n"
    "                    STEPS sizes from A to B evenly spaced (default 128..2048/8)\n"
    "  --policy LIST     clock, fifo, lru, random, comma-separated (default clock)\n"
    "  --format F        text (default) or jsonl\n"
    "  -o FILE.svg       also draw major faults over frames, a curve per policy\n"
    "  --jobs N          at most N runs at once (default: the host's cores)\n"
    "\n"
    "Other options go to each run (e.g. --swap-pages, --root, -E, --env-clear,\n"
    "--commit); the program's own output is discarded.  A progress line is shown\n"
    "on a terminal.  Exit status: 0; 1 when a run failed (status 125);\n"
    "125 on a usage error.\n";

struct sweep {
    uint32_t frames[SWEEP_MAX_POINTS];
    size_t nframes;
    const char *policies[SWEEP_MAX_POLICIES];
    size_t npolicies;
    char *policy_buf;  /* what policies point into (owned) */
    bool jsonl;
    const char *svg;
    long jobs;
    char **run_argv;  /* "run", --frames, N, --policy, P, forwarded..., PROG, ARGS */
    int run_argc;
    int at_frames;    /* where in run_argv the point's values go */
};

static bool parse_u32(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s < '0' || *s > '9' || end == s || v < 64 || v > VM_FRAMES_MAX)
        return false;
    *out = (uint32_t)v;
    return *end == '\0' || *end == ',' || *end == '.' || *end == '/';
}

/* --frames: "A,B,C" or "A..B/STEPS". */
static int parse_frames(struct sweep *sw, const char *spec)
{
    const char *dots = strstr(spec, "..");
    sw->nframes = 0;
    if (dots) {
        uint32_t a, b, steps;
        const char *slash = strchr(dots, '/');
        if (!parse_u32(spec, &a) || !parse_u32(dots + 2, &b) || !slash || b < a)
            return -1;
        char *end;
        unsigned long n = strtoul(slash + 1, &end, 10);
        if (*end || n < 2 || n > SWEEP_MAX_POINTS)
            return -1;
        steps = (uint32_t)n;
        for (uint32_t i = 0; i < steps; i++)
            sw->frames[sw->nframes++] = a + (uint32_t)((uint64_t)(b - a) * i / (steps - 1));
        return 0;
    }
    for (const char *p = spec; *p;) {
        if (sw->nframes == SWEEP_MAX_POINTS || !parse_u32(p, &sw->frames[sw->nframes]))
            return -1;
        sw->nframes++;
        p += strcspn(p, ",");
        if (*p == ',' && *++p == '\0')
            return -1;
    }
    return sw->nframes ? 0 : -1;
}

static int parse_policies(struct sweep *sw, char *list)
{
    sw->npolicies = 0;
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        if (strcmp(tok, "clock") && strcmp(tok, "fifo") && strcmp(tok, "lru") &&
            strcmp(tok, "random"))
            return -1;
        if (sw->npolicies == SWEEP_MAX_POLICIES)
            return -1;
        sw->policies[sw->npolicies++] = tok;
    }
    return sw->npolicies ? 0 : -1;
}

/* One of sweep's own options at argv[*i] (value in argv[*i + 1] or after
 * '='): 1 when it was one, 0 when not, -status on an error. */
static int sweep_option(struct sweep *sw, int argc, char **argv, int *i)
{
    static const char *const names[] = {"--frames", "--policy", "--format", "-o", "--jobs"};
    const char *a = argv[*i], *val = NULL;
    int k = 0;
    for (; k < 5; k++) {
        size_t n = strlen(names[k]);
        if (strncmp(a, names[k], n) == 0 && (a[n] == '\0' || (a[n] == '=' && k != 3))) {
            val = a[n] ? a + n + 1 : NULL;
            break;
        }
    }
    if (k == 5)
        return 0;
    if (!val && *i + 1 >= argc)
        return -tool_bad_usage("sweep", "%s needs a value", names[k]);
    if (!val)
        val = argv[++*i];
    char *end;
    switch (k) {
    case 0:
        if (parse_frames(sw, val) < 0)
            return -tool_bad_usage("sweep", "--frames must be a list of frame counts (64 or more) "
                                   "or A..B/STEPS, not '%s'", val);
        return 1;
    case 1:
        free(sw->policy_buf);
        sw->policy_buf = strdup(val);
        if (!sw->policy_buf || parse_policies(sw, sw->policy_buf) < 0)
            return -tool_bad_usage("sweep", "--policy must list clock, fifo, lru or random, not '%s'", val);
        return 1;
    case 2:
        if (strcmp(val, "text") && strcmp(val, "jsonl"))
            return -tool_bad_usage("sweep", "--format must be text or jsonl, not '%s'", val);
        sw->jsonl = strcmp(val, "jsonl") == 0;
        return 1;
    case 3: sw->svg = val; return 1;
    default:
        sw->jobs = strtol(val, &end, 10);
        if (*end || sw->jobs < 1 || sw->jobs > 1024)
            return -tool_bad_usage("sweep", "--jobs must be a number from 1 to 1024, not '%s'", val);
        return 1;
    }
}

/* Sweep's options into sw, the rest into sw->run_argv.  0 or -status. */
static int parse_sweep(struct sweep *sw, int argc, char **argv)
{
    sw->run_argv = calloc((size_t)argc + 8, sizeof *sw->run_argv);
    if (!sw->run_argv)
        return -EXIT_FAULTLINE;
    int n = 0;
    sw->run_argv[n++] = "run";
    sw->at_frames = n;
    sw->run_argv[n++] = "--frames";
    n++;
    sw->run_argv[n++] = "--policy";
    n++;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(sweep_usage, stdout);
            return -0x100;
        }
        int rc = sweep_option(sw, argc, argv, &i);
        if (rc < 0)
            return rc;
        if (rc)
            continue;
        const char *name = argv[i] + (argv[i][1] == '-' ? 2 : 1);
        char base[64];
        snprintf(base, sizeof base, "%.*s", (int)strcspn(name, "="), name);
        int takes = run_option_arg(base);
        if (takes < 0)
            return -tool_bad_usage("sweep", "unknown option '%s'", argv[i]);
        sw->run_argv[n++] = argv[i];
        if (takes && !strchr(name, '=') && i + 1 < argc)
            sw->run_argv[n++] = argv[++i];
    }
    if (i >= argc)
        return -tool_bad_usage("sweep", "%s", "sweep needs a program to run");
    while (i < argc)
        sw->run_argv[n++] = argv[i++];
    sw->run_argc = n;
    return 0;
}

/* The child of one point: run quietly, send status and counts. */
static void point_child(struct sweep *sw, const struct curve_point *pt, int wfd)
{
    char frames[16];
    snprintf(frames, sizeof frames, "%u", pt->frames);
    sw->run_argv[sw->at_frames + 1] = frames;
    sw->run_argv[sw->at_frames + 3] = (char *)pt->policy;
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
    struct { int status; uint64_t ev[VM_EV_COUNT]; } msg = {0};
    msg.status = cli_run(sw->run_argc, sw->run_argv, msg.ev);
    ssize_t w = write(wfd, &msg, sizeof msg);
    _exit(w == (ssize_t)sizeof msg ? 0 : 1);
}

/* The counts a child sent into pt; false when it sent none. */
static bool point_read(int rfd, struct curve_point *pt)
{
    struct { int status; uint64_t ev[VM_EV_COUNT]; } msg;
    if (read(rfd, &msg, sizeof msg) != (ssize_t)sizeof msg)
        return false;
    const uint64_t *e = msg.ev;
    pt->status = msg.status;
    pt->major = e[VM_EV_FILE_READ] + e[VM_EV_SWAP_IN];
    pt->minor = e[VM_EV_DEMAND_ZERO] + e[VM_EV_CACHE_HIT] + e[VM_EV_COW] + e[VM_EV_COW_REUSE];
    memcpy(pt->ev, e, sizeof pt->ev);
    return true;
}

/* Run every point, jobs at a time.  Returns the number that failed. */
static int run_points(struct sweep *sw, struct curve_point *pts, size_t n)
{
    pid_t *pid = calloc(n, sizeof *pid);
    int *rfd = calloc(n, sizeof *rfd);
    size_t next = 0, done = 0, running = 0;
    int failed = 0;
    bool tty = isatty(2);
    fflush(NULL);
    while (pid && rfd && done < n) {
        while (next < n && running < (size_t)sw->jobs) {
            int p[2];
            if (pipe(p) < 0)
                break;
            pid_t c = fork();
            if (c == 0) {
                close(p[0]);
                point_child(sw, &pts[next], p[1]);
            }
            close(p[1]);
            if (c < 0) {
                close(p[0]);
                break;
            }
            pid[next] = c;
            rfd[next++] = p[0];
            running++;
        }
        if (running == 0)
            break;
        int st;
        pid_t c = wait(&st);
        for (size_t i = 0; c > 0 && i < next; i++)
            if (pid[i] == c) {
                if (!point_read(rfd[i], &pts[i]) || pts[i].status == EXIT_FAULTLINE)
                    pts[i].status = EXIT_FAULTLINE, failed++;
                close(rfd[i]);
                pid[i] = 0;
                running--;
                done++;
            }
        if (tty)
            fprintf(stderr, "\rsweep: %zu of %zu runs done", done, n);
    }
    if (tty)
        fprintf(stderr, "\r%40s\r", "");
    failed += (int)(n - done);
    free(pid);
    free(rfd);
    return failed;
}

static void print_points(const struct sweep *sw, const struct curve_point *pts, size_t n)
{
    if (!sw->jsonl)
        printf("# frames policy      major   swap-out      minor    swap-in  file-read "
               "demand-zero        cow evict-clean  writeback status\n");
    for (size_t i = 0; i < n; i++) {
        const struct curve_point *p = &pts[i];
        const uint64_t *e = p->ev;
        const char *fmt = sw->jsonl
            ? "{\"frames\":%u,\"policy\":\"%s\",\"major\":%llu,\"swap_out\":%llu,\"minor\":%llu,"
              "\"swap_in\":%llu,\"file_read\":%llu,\"demand_zero\":%llu,\"cow\":%llu,"
              "\"evict_clean\":%llu,\"writeback\":%llu,\"status\":%d}\n"
            : "%8u %-6s %10llu %10llu %10llu %10llu %10llu %11llu %10llu %11llu %10llu %6d\n";
        printf(fmt, p->frames, p->policy, (unsigned long long)p->major,
               (unsigned long long)e[VM_EV_SWAP_OUT], (unsigned long long)p->minor,
               (unsigned long long)e[VM_EV_SWAP_IN], (unsigned long long)e[VM_EV_FILE_READ],
               (unsigned long long)e[VM_EV_DEMAND_ZERO], (unsigned long long)e[VM_EV_COW],
               (unsigned long long)e[VM_EV_EVICT_CLEAN], (unsigned long long)e[VM_EV_WRITEBACK],
               p->status);
    }
}

int cmd_sweep(int argc, char **argv)
{
    struct sweep *sw = calloc(1, sizeof *sw);
    if (!sw)
        return EXIT_FAULTLINE;
    char policy_default[] = "clock";
    parse_policies(sw, policy_default);
    parse_frames(sw, "128..2048/8");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    sw->jobs = cores > 0 ? cores : 1;
    int rc = parse_sweep(sw, argc, argv);
    if (rc < 0) {
        free(sw->run_argv);
        free(sw->policy_buf);
        free(sw);
        return rc == -0x100 ? 0 : -rc;
    }
    size_t n = sw->nframes * sw->npolicies;
    struct curve_point *pts = calloc(n, sizeof *pts);
    int status = EXIT_FAULTLINE;
    if (pts) {
        for (size_t p = 0, k = 0; p < sw->npolicies; p++)
            for (size_t f = 0; f < sw->nframes; f++, k++)
                pts[k] = (struct curve_point){.frames = sw->frames[f], .policy = sw->policies[p]};
        int failed = run_points(sw, pts, n);
        print_points(sw, pts, n);
        status = failed ? 1 : 0;
        char err[256];
        if (sw->svg && curve_svg(sw->svg, pts, n, err, sizeof err) < 0) {
            fprintf(stderr, "faultline: sweep: %s\n", err);
            status = 1;
        }
        if (failed)
            fprintf(stderr, "faultline: sweep: %d of %zu runs failed\n", failed, n);
    }
    free(pts);
    free(sw->run_argv);
    free(sw->policy_buf);
    free(sw);
    return fflush(stdout) == 0 ? status : 1;
}
