/*
 * main.c - the command line: faultline run | inspect | stat | plot | sweep.
 * Only this file prints usage errors and decides exit statuses.
 */
#include "emu/cli/options.h"
#include "emu/cli/summary.h"
#include "emu/kernel/clock.h"
#include "emu/kernel/fs.h"
#include "emu/kernel/maps.h"
#include "emu/kernel/proc.h"
#include "emu/sys/ipc.h"
#include "emu/sys/sys.h"
#include "emu/trace/report.h"
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
    lock_table_free(&emu->locks);
    ipc_free(emu);
    net_free(emu);
    free(emu->procs);
    free(emu->pstats);
    if (emu->vm)
        vm_free(emu->vm);
    tracer_free(emu->tracer);
    sym_table_free(emu->syms);
    cpu_calib_free(emu->calib);
    if (emu->rootfd >= 0)
        close(emu->rootfd);
    free(emu->envp);
}

/* --report: the page of the log just written; 0 or -1 (said why). */
static int run_report(const struct trace_opts *t, const char *prog)
{
    char err[512], title[512];
    const char *base = strrchr(prog, '/');
    snprintf(title, sizeof title, "page faults of %s", base ? base + 1 : prog);
    struct trace_log log = {0};
    int rc = tracefile_load(t->path, &log, err, sizeof err);
    if (rc == 0)
        rc = report_write(&log, title, t->report_path, err, sizeof err);
    tracefile_free(&log);
    if (rc < 0)
        fprintf(stderr, "faultline: --report: %s\n", err);
    return rc;
}

int cli_run(int argc, char **argv, uint64_t *counts)
{
    struct emu emu;
    memset(&emu, 0, sizeof emu);
    emu.rootfd = -1;
    run_default_options(&emu.opt);
    char **env_set = NULL;
    int at = run_parse(argc, argv, &emu.opt, &env_set);
    if (at < 0) {
        free(env_set);
        return at == -0x100 ? 0 : -at;
    }
    notices_init(&emu.notices, stderr, emu.opt.quiet);
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
    if (!emu.opt.no_symbols && tracer_wants_sites(emu.tracer) &&
        !(emu.syms = sym_table_new(emu.rootfd))) {
        fprintf(stderr, "faultline: out of memory\n");
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
    emu.main_pid = emu.opt.pid;
    clock_init(&emu);
    status = proc_spawn_init(&emu, argv[at], argv + at);
    bool started = status < 0;
    if (started)
        status = proc_schedule(&emu);
    emu_release_procs(&emu);
    notices_flush(&emu.notices);
    if (counts)
        memcpy(counts, vm_stats(emu.vm)->events, sizeof vm_stats(emu.vm)->events);
    int mismatch = tracer_finish(emu.tracer);
    if (emu.opt.summary && started)
        summary_print(&emu, stderr);
    else if (emu.opt.summary)
        fprintf(stderr, "faultline summary: %s never started (exit %d)\n", argv[at], status);
    if (mismatch < 0 || (emu.opt.trace.report_path && run_report(&emu.opt.trace, argv[at]) < 0))
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
            run_usage(stdout);
            return 0;
        } else
            return tool_bad_usage(NULL, "inspect: unknown option '%s'", argv[i]);
    }
    if (i != argc - 1)
        return tool_bad_usage(NULL, "%s", "inspect needs exactly one program");
    struct emu emu;
    memset(&emu, 0, sizeof emu);
    run_default_options(&emu.opt);
    emu.opt.root = root;
    emu.rootfd = open_root(root);
    char err[256];
    int status = EXIT_FAULTLINE;
    struct vm_config cfg = {.frames = 256, .commit = VM_COMMIT_OVERCOMMIT};
    if (emu.rootfd < 0 || !(emu.vm = vm_new(&cfg, err, sizeof err)))
        goto out;
    struct proc p;
    struct tgroup tg;
    memset(&p, 0, sizeof p);
    memset(&tg, 0, sizeof tg);
    p.tg = &tg;
    strcpy(tg.cwd, "/");
    if (strcmp(root, "/") == 0 && !getcwd(tg.cwd, sizeof tg.cwd))
        strcpy(tg.cwd, "/");
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
        run_usage(stderr);
        return EXIT_FAULTLINE;
    }
    /* A closed pipe is the guest's business: its write gets EPIPE and
     * SIGPIPE, and faultline lives on to finish the fault log. */
    signal(SIGPIPE, SIG_IGN);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        run_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("faultline %s (libunicorn %s)\n", FAULTLINE_VERSION, cpu_engine_version());
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cli_run(argc - 1, argv + 1, NULL);
    if (strcmp(cmd, "sweep") == 0)
        return cmd_sweep(argc - 1, argv + 1);
    if (strcmp(cmd, "inspect") == 0)
        return cmd_inspect(argc - 1, argv + 1);
    if (strcmp(cmd, "stat") == 0)
        return cmd_stat(argc - 1, argv + 1);
    if (strcmp(cmd, "plot") == 0)
        return cmd_plot(argc - 1, argv + 1);
    if (strcmp(cmd, "export") == 0)
        return cmd_export(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    return tool_bad_usage(NULL, "unknown command '%s' (run, inspect, stat, plot, report, export, "
                          "sweep)", cmd);
}
