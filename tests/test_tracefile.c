/* Saved fault logs read back: both formats, detection, and bad input. */
#include "emu/trace/tracefile.h"

#include <criterion/criterion.h>
#include <string.h>

/* Read the n bytes at s as a file named "log"; returns tracefile_read's
 * result with the error in err. */
static int read_mem(const char *s, size_t n, struct trace_log *log, char *err, size_t errlen)
{
    FILE *f = fmemopen((void *)s, n, "r");
    cr_assert_not_null(f);
    memset(log, 0, sizeof *log);
    err[0] = '\0';
    int rc = tracefile_read(f, "log", log, err, errlen);
    fclose(f);
    return rc;
}

static int read_str(const char *s, struct trace_log *log, char *err, size_t errlen)
{
    return read_mem(s, strlen(s), log, err, errlen);
}

/* The error of reading s, which must fail. */
static void expect_error(const char *s, size_t n, const char *want)
{
    struct trace_log log;
    char err[512];
    cr_assert_eq(read_mem(s, n, &log, err, sizeof err), -1, "accepted: %s", s);
    cr_assert(strstr(err, want), "error '%s' lacks '%s'", err, want);
    cr_assert_null(strchr(err, '\n'), "error is one line");
    tracefile_free(&log);
}

static const char text_log[] =
    "#    seq  pid event       vpage          acc mode   area                         frame detail\n"
    "       1    1 file-read   0x0000004a8000 W   kernel fork_cow.glibc:.data             4 off=0xa7000\n"
    "       2    1 cow         0x0000004a8000 W   kernel fork_cow.glibc:.data             5 from=4\n"
    "      65    2 segv        0x7ffff7ffe000 R   user   -                                - MAPERR\n"
    "      66    0 swap-out    0x000000000000 -   -      [anon]                           7 slot=3\n";

Test(tracefile, text_fields_parse)
{
    struct trace_log log;
    char err[256];
    cr_assert_eq(read_str(text_log, &log, err, sizeof err), 0, "%s", err);
    cr_assert_eq(log.format, TRACE_TEXT);
    cr_assert_eq(log.n, 4);
    const struct trace_rec *r = &log.recs[0];
    cr_assert_eq(r->seq, 1);
    cr_assert_eq(r->pid, 1);
    cr_assert_eq(r->event, VM_EV_FILE_READ);
    cr_assert_eq(r->vpage, 0x4a8000);
    cr_assert_eq(r->access, 'W');
    cr_assert_eq(r->mode, 'k');
    cr_assert_str_eq(r->area, "fork_cow.glibc:.data");
    cr_assert_eq(r->frame, 4);
    cr_assert_str_eq(r->detail, "off=0xa7000");
    r = &log.recs[2];
    cr_assert_eq(r->event, VM_EV_SEGV);
    cr_assert_eq(r->frame, -1, "'-' is no frame");
    cr_assert_str_eq(r->area, "-");
    cr_assert_str_eq(r->detail, "MAPERR");
    r = &log.recs[3];
    cr_assert_eq(r->pid, 0);
    cr_assert_eq(r->access, '-');
    cr_assert_eq(r->mode, '-');
    tracefile_free(&log);
}

Test(tracefile, json_fields_parse)
{
    const char *s =
        "{\"seq\":3,\"pid\":1,\"event\":\"demand-zero\",\"vpage\":\"0x7fffffffe000\","
        "\"access\":\"W\",\"mode\":\"kernel\",\"area\":\"[stack]\",\"frame\":9,\"detail\":\"-\"}\n"
        "{ \"pid\": 2, \"seq\": 4, \"event\": \"segv\", \"vpage\": \"0x0\", \"access\": \"R\","
        " \"mode\": \"user\", \"area\": \"a \\\"q\\\" \\u00e9\", \"frame\": null,"
        " \"detail\": \"MAPERR\", \"extra\": true }\n";
    struct trace_log log;
    char err[256];
    cr_assert_eq(read_str(s, &log, err, sizeof err), 0, "%s", err);
    cr_assert_eq(log.format, TRACE_JSONL);
    cr_assert_eq(log.n, 2);
    cr_assert_eq(log.recs[0].seq, 3);
    cr_assert_eq(log.recs[0].vpage, 0x7fffffffe000);
    cr_assert_eq(log.recs[0].mode, 'k');
    cr_assert_eq(log.recs[0].frame, 9);
    cr_assert_str_eq(log.recs[0].area, "[stack]");
    cr_assert_eq(log.recs[1].pid, 2, "fields in any order");
    cr_assert_eq(log.recs[1].frame, -1, "null is no frame");
    cr_assert_str_eq(log.recs[1].area, "a \"q\" \xc3\xa9", "escapes decoded");
    tracefile_free(&log);
}

/* Format w as a text (json 0) or JSON line and parse it back into *r. */
static void round_trip(int json, const struct vm_event_rec *w, struct trace_rec *r)
{
    char line[1024], err[128];
    (json ? trace_format_json : trace_format_text)(line, sizeof line, w);
    int rc = json ? tracefile_parse_json(line, r, err, sizeof err)
                  : tracefile_parse_text(line, r, err, sizeof err);
    cr_assert_eq(rc, 0, "%s: %s", line, err);
}

/* What trace.c writes, this reads back the same, in both formats. */
Test(tracefile, round_trip_both_formats)
{
    struct vm_event_rec w = {.seq = 42, .pid = 7, .event = VM_EV_SWAP_IN, .vpage = 0x555555556000,
                             .access = 'X', .mode = 'u', .area = "lib with space.so", .frame = 12,
                             .tid = 9};
    strcpy(w.detail, "slot=5");
    struct trace_rec r;
    for (int json = 0; json < 2; json++) {
        round_trip(json, &w, &r);
        cr_assert_eq(r.seq, 42);
        cr_assert_eq(r.pid, 7);
        cr_assert_eq(r.event, VM_EV_SWAP_IN);
        cr_assert_eq(r.vpage, 0x555555556000);
        cr_assert_eq(r.access, 'X');
        cr_assert_eq(r.mode, 'u');
        cr_assert_str_eq(r.area, json ? "lib with space.so" : "lib_with_space.so");
        cr_assert_eq(r.frame, 12);
        cr_assert_str_eq(r.detail, "slot=5");
        cr_assert_eq(r.tid, 9);
    }
}

/* Format 2's columns after the tid: written and read back in both formats,
 * "-" and null for none. */
Test(tracefile, site_columns_round_trip)
{
    struct vm_event_rec w = {.seq = 3, .pid = 2, .event = VM_EV_DEMAND_ZERO, .vpage = 0x7000,
                             .access = 'W', .mode = 'k', .area = "[heap]", .frame = 4, .tid = 2,
                             .ip = 0x401234, .call = "read", .object = "prog",
                             .func = "touch_pages", .func_off = 0x1c, .src = "touch.c",
                             .line = 42, .rss = 17, .swap = 3};
    struct vm_event_rec reclaim = {.seq = 4, .event = VM_EV_SWAP_OUT, .vpage = 0x7000,
                                   .access = '-', .mode = '-', .area = "[heap]", .frame = 4,
                                   .cause = 5};
    struct trace_rec r;
    for (int json = 0; json < 2; json++) {
        round_trip(json, &w, &r);
        cr_assert_eq(r.ip, 0x401234);
        cr_assert_str_eq(r.call, "read");
        cr_assert_eq(r.cause, 0);
        cr_assert_str_eq(r.object, "prog");
        cr_assert_str_eq(r.symbol, "touch_pages+0x1c");
        cr_assert_str_eq(r.line, "touch.c:42");
        cr_assert_eq(r.columns, 18);
        cr_assert_eq(r.rss, 17);
        cr_assert_eq(r.swap, 3);
        round_trip(json, &reclaim, &r);
        cr_assert_eq(r.ip, 0);
        cr_assert_eq(r.cause, 5);
        cr_assert_str_eq(r.call, "-");
        cr_assert_str_eq(r.symbol, "-");
        cr_assert_str_eq(r.line, "-");
    }
}

/* The tid column: a number, "-" (none), or absent in logs written before
 * it existed; the same in JSON (a number, null, or no member). */
Test(tracefile, tid_column_new_and_old_logs)
{
    const char *text =
        "       1    2 cow         0x0000004a8000 W   kernel a:.data   5 from=4      3\n"
        "       2    2 swap-out    0x0000004a8000 -   -      a:.data   7 slot=3      -\n"
        "       3    2 cow         0x0000004a8000 W   kernel a:.data   5 from=4\n";
    struct trace_log log;
    char err[256];
    cr_assert_eq(read_str(text, &log, err, sizeof err), 0, "%s", err);
    cr_assert_eq(log.recs[0].tid, 3);
    cr_assert_eq(log.recs[1].tid, 0, "'-' is no thread");
    cr_assert_eq(log.recs[2].tid, 0, "an old line has no tid");
    cr_assert_str_eq(log.recs[2].detail, "from=4");
    tracefile_free(&log);
    const char *json =
        "{\"seq\":1,\"pid\":2,\"event\":\"cow\",\"vpage\":\"0x1000\",\"access\":\"W\","
        "\"mode\":\"user\",\"area\":\"a\",\"frame\":5,\"detail\":\"from=4\",\"tid\":4}\n"
        "{\"seq\":2,\"pid\":2,\"event\":\"cow\",\"vpage\":\"0x1000\",\"access\":\"W\","
        "\"mode\":\"user\",\"area\":\"a\",\"frame\":5,\"detail\":\"from=4\",\"tid\":null}\n";
    cr_assert_eq(read_str(json, &log, err, sizeof err), 0, "%s", err);
    cr_assert_eq(log.recs[0].tid, 4);
    cr_assert_eq(log.recs[1].tid, 0);
    tracefile_free(&log);
    expect_error("       1    2 cow 0x1000 W kernel a 5 from=4 x\n", 47, "bad tid");
    expect_error("       1    2 cow 0x1000 W kernel a 5 from=4 3 4\n", 49, "bad ip");
    expect_error("       1    2 cow 0x1000 W kernel a 5 from=4 3 0x10 read\n", 57, "no cause");
    const char *rss = "       1    2 cow 0x1000 W kernel a 5 from=4 3 0x10 read - o f+0x1 a.c:3 x 1\n";
    expect_error(rss, strlen(rss), "bad rss");
    const char *extra = "       1    2 cow 0x1000 W kernel a 5 from=4 3 0x10 read - o f+0x1 a.c:3 4 1 x\n";
    expect_error(extra, strlen(extra), "extra text");
}

Test(tracefile, comments_and_blank_lines_skipped_before_detection)
{
    const char *s = "# a comment\n\n   \n"
                    "{\"seq\":1,\"pid\":1,\"event\":\"cow\",\"vpage\":\"0x1000\",\"access\":\"W\","
                    "\"mode\":\"user\",\"area\":\"x\",\"frame\":1,\"detail\":\"from=0\"}";
    struct trace_log log;
    char err[256];
    cr_assert_eq(read_str(s, &log, err, sizeof err), 0, "%s", err);
    cr_assert_eq(log.format, TRACE_JSONL);
    cr_assert_eq(log.n, 1, "a last line without newline counts");
    tracefile_free(&log);
}

Test(tracefile, empty_file_has_no_events)
{
    struct trace_log log;
    char err[64];
    cr_assert_eq(read_str("", &log, err, sizeof err), 0);
    cr_assert_eq(log.n, 0);
    tracefile_free(&log);
}

Test(tracefile, truncated_text_line_names_file_and_line)
{
    const char *s = "# header\n1 1 cow 0x1000 W user [heap] 4 from=3\n2 1 cow 0x2000 W\n";
    expect_error(s, strlen(s), "log:3: truncated line: no mode field");
    s = "1 1 cow 0x1000 W user [heap] 4\n";
    expect_error(s, strlen(s), "log:1: truncated line: no detail");
}

Test(tracefile, unknown_event_is_an_error)
{
    const char *s = "1 1 cow 0x1000 W user a 4 -\n2 1 teleport 0x1000 W user a 4 -\n";
    expect_error(s, strlen(s), "log:2: unknown event 'teleport'");
}

Test(tracefile, bad_numbers_are_errors)
{
    const char *s = "x1 1 cow 0x1000 W user a 4 -\n";
    expect_error(s, strlen(s), "log:1: bad seq 'x1'");
    s = "1 -3 cow 0x1000 W user a 4 -\n";
    expect_error(s, strlen(s), "bad pid '-3'");
    s = "1 99999999999 cow 0x1000 W user a 4 -\n";
    expect_error(s, strlen(s), "bad pid");
    s = "1 1 cow 4096 W user a 4 -\n";
    expect_error(s, strlen(s), "bad vpage '4096'");
    s = "1 1 cow 0x1234 W user a 4 -\n";
    expect_error(s, strlen(s), "not page-aligned");
    s = "1 1 cow 0x1000 W user a 4x -\n";
    expect_error(s, strlen(s), "bad frame '4x'");
    s = "1 1 cow 0x1000 Q user a 4 -\n";
    expect_error(s, strlen(s), "bad access 'Q'");
    s = "1 1 cow 0x1000 W root a 4 -\n";
    expect_error(s, strlen(s), "bad mode 'root'");
    s = "99999999999999999999999 1 cow 0x1000 W user a 4 -\n";
    expect_error(s, strlen(s), "bad seq");
}

Test(tracefile, over_long_fields_and_lines_are_errors)
{
    char s[TRACE_LINE_MAX * 2];
    snprintf(s, sizeof s, "1 1 cow 0x1000 W user %0200d 4 -\n", 0);
    expect_error(s, strlen(s), "log:1: area field too long");
    snprintf(s, sizeof s, "1 1 cow 0x1000 W user a 4 %0100d\n", 0);
    expect_error(s, strlen(s), "detail field too long");
    memset(s, 'a', sizeof s);
    expect_error(s, sizeof s, "log:1: line longer than 4096 bytes");
}

Test(tracefile, binary_garbage_is_an_error)
{
    const char nul[] = "1 1 cow 0x1000 W user a\0 4 -\n";
    expect_error(nul, sizeof nul - 1, "log:1: binary data (byte 0x00 at column 24)");
    const char bin[] = "\x7f" "ELF\x02\x01\x01\x00\x00\x00";
    expect_error(bin, sizeof bin - 1, "log:1: binary data (byte 0x7f");
    const char high[] = "\xff\xfe garbage here\n";
    expect_error(high, sizeof high - 1, "log:1: bad seq");
}

Test(tracefile, malformed_json_is_an_error)
{
    const char *good = "{\"seq\":1,\"pid\":1,\"event\":\"cow\",\"vpage\":\"0x1000\","
                       "\"access\":\"W\",\"mode\":\"user\",\"area\":\"x\",\"frame\":1,"
                       "\"detail\":\"-\"}\n";
    char s[1024];
    snprintf(s, sizeof s, "%s{\"seq\":2,\"pid\":1,\"event\":\"cow\",\"vpa", good);
    expect_error(s, strlen(s), "log:2: truncated line");
    snprintf(s, sizeof s, "%s{\"seq\":2,\"pid\":1}\n", good);
    expect_error(s, strlen(s), "log:2: missing field \"event\"");
    snprintf(s, sizeof s, "%s%.*s} x\n", good, (int)strlen(good) - 2, good);
    expect_error(s, strlen(s), "log:2: malformed JSON: characters after the object");
    snprintf(s, sizeof s, "%s1 1 cow 0x1000 W user a 4 -\n", good);
    expect_error(s, strlen(s), "log:2: malformed JSON: expected '{'");
    const char *bad[][2] = {
        {"{\"seq\":1.5}", "bad seq: not an integer"},
        {"{\"seq\":\"1\"}", "seq is not a number"},
        {"{\"seq\":1,\"seq\":2}", "duplicate field \"seq\""},
        {"{\"event\":\"nope\"}", "unknown event 'nope'"},
        {"{\"frame\":-2}", "bad frame: out of range"},
        {"{\"area\":\"\\ud800\"}", "unsupported \\u escape"},
        {"{\"area\":\"\\q\"}", "bad escape"},
        {"{\"extra\":[1]}", "extra is not a number"},
        {"{\"seq\" 1}", "expected ':'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(s, sizeof s, "%s%s\n", good, bad[i][0]);
        expect_error(s, strlen(s), bad[i][1]);
    }
}

Test(tracefile, json_over_long_area_is_an_error)
{
    char s[1024];
    snprintf(s, sizeof s, "{\"area\":\"%0300d\"}\n", 0);
    expect_error(s, strlen(s), "log:1: area field too long");
}

Test(tracefile, missing_file_is_an_error)
{
    struct trace_log log = {0};
    char err[256];
    cr_assert_eq(tracefile_load("/nonexistent/trace.log", &log, err, sizeof err), -1);
    cr_assert_str_eq(err, "cannot read /nonexistent/trace.log: No such file or directory");
    tracefile_free(&log);
}

Test(tracefile, major_and_minor_kinds)
{
    cr_assert(trace_event_major(VM_EV_FILE_READ));
    cr_assert(trace_event_major(VM_EV_SWAP_IN));
    cr_assert(trace_event_minor(VM_EV_COW_REUSE));
    cr_assert(!trace_event_minor(VM_EV_SWAP_OUT));
    cr_assert(!trace_event_major(VM_EV_SEGV) && !trace_event_minor(VM_EV_SEGV));
}

Test(tracefile, process_lines_round_trip_and_are_kept_apart)
{
    struct trace_proc w[] = {
        {.at = 0, .kind = TRACE_PROC_EXEC, .pid = 2, .ppid = 1, .comm = "sh"},
        {.at = 2, .kind = TRACE_PROC_FORK, .pid = 3, .ppid = 2, .comm = "my prog"},
        {.at = 2, .kind = TRACE_PROC_EXIT, .pid = 3, .ppid = 2, .comm = "ls", .status = 2 << 8},
        {.at = 3, .kind = TRACE_PROC_EXIT, .pid = 2, .ppid = 1, .comm = "sh", .status = 9},
    };
    char lines[4][160];
    for (size_t i = 0; i < 4; i++)
        trace_proc_format(lines[i], sizeof lines[i], &w[i]);
    cr_assert_str_eq(lines[0], "#process 0 exec pid=2 ppid=1 comm=sh");
    cr_assert_str_eq(lines[2], "#process 2 exit pid=3 ppid=2 comm=ls exit=2");
    cr_assert_str_eq(lines[3], "#process 3 exit pid=2 ppid=1 comm=sh signal=9");
    char buf[4096];
    snprintf(buf, sizeof buf,
             "#    seq  pid event\n%s\n"
             "1 2 file-read 0x4a8000 W kernel x:.data 4 off=0xa7000\n"
             "2 2 cow 0x4a8000 W kernel x:.data 5 from=4\n%s\n%s\n"
             "3 2 segv 0x7ffff7ffe000 R user - - MAPERR\n%s\n# a comment\n",
             lines[0], lines[1], lines[2], lines[3]);
    struct trace_log log;
    char err[256];
    cr_assert_eq(read_str(buf, &log, err, sizeof err), 0, "%s", err);
    cr_assert_eq(log.n, 3, "events are read around the process lines");
    cr_assert_eq(log.nprocs, 4);
    cr_assert_str_eq(log.procs[1].comm, "my_prog", "a blank in comm is written as '_'");
    cr_assert_eq(log.procs[1].kind, TRACE_PROC_FORK);
    cr_assert_eq(log.procs[1].ppid, 2);
    cr_assert_eq(log.procs[2].status, 2 << 8);
    cr_assert_eq(log.procs[3].status, 9);
    cr_assert_eq(log.procs[3].at, 3);
    tracefile_free(&log);
    struct trace_proc p;
    cr_assert_eq(trace_proc_parse("#process 5 spawn pid=2 ppid=1 comm=x", &p), -1);
    cr_assert_eq(trace_proc_parse("#process 5 exit pid=2 ppid=1 comm=x", &p), -1,
                 "an exit needs its status");
    cr_assert_eq(trace_proc_parse("#process 5 exec pid=0 ppid=1 comm=x", &p), -1);
}
