/*
 * report.c - `faultline report TRACE -o FILE.html`: the page of
 * emu/trace/report/ with the log's data block in it.  The page needs
 * nothing outside itself: its style and script are inline, its data is a
 * base64 block, and it loads no font, image or script from anywhere.
 */
#include "emu/trace/report.h"
#include "emu/trace/trace.h"
#include "emu/util/tool.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DATA_MARK "<!--FAULTLINE-DATA-->"

static const char report_usage[] =
    "usage: faultline report [--title TEXT] TRACE -o FILE.html\n"
    "Write one self-contained HTML page of the fault log TRACE ('-' for stdin): a\n"
    "timeline of the events (a lane per process, a band per area; zoom with the\n"
    "wheel or +/-, pan by dragging or with the arrow keys), filters by event kind,\n"
    "process and area with their counts, each event's record on hover or click,\n"
    "resident pages and swap slots over the events, the process tree, and the\n"
    "tables of faultline stat.  It opens in any current browser, offline.\n";

/* s with & < > " escaped, for the page's <title>. */
static void html_text(FILE *o, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", o); break;
        case '<': fputs("&lt;", o); break;
        case '>': fputs("&gt;", o); break;
        case '"': fputs("&quot;", o); break;
        default: putc(*s, o);
        }
    }
}

static int page_write(FILE *o, const char *title, const char *data, size_t len)
{
    const char *mark = strstr(report_page_html, DATA_MARK);
    if (!mark)
        return -1;
    const char *t = strstr(report_page_html, "<title>");
    if (!t || t > mark)
        return -1;
    t += strlen("<title>");
    fwrite(report_page_html, 1, (size_t)(t - report_page_html), o);
    html_text(o, title);
    fwrite(t, 1, (size_t)(mark - t), o);
    fputs("<script id=\"fl-data\" type=\"application/octet-stream\">", o);
    fwrite(data, 1, len, o);
    fputs("</script>\n<script>\n", o);
    fputs(report_page_js, o);
    fputs("</script>", o);
    fputs(mark + strlen(DATA_MARK), o);
    return ferror(o) ? -1 : 0;
}

int report_write(const struct trace_log *log, const char *title, const char *path, char *err,
                 size_t errlen)
{
    char *data = NULL;
    size_t len = 0;
    if (report_data(log, &data, &len) < 0) {
        snprintf(err, errlen, "out of memory making the report");
        return -1;
    }
    bool to_stdout = strcmp(path, "-") == 0;
    FILE *o = to_stdout ? stdout : fopen(path, "w");
    if (!o) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        free(data);
        return -1;
    }
    int rc = page_write(o, title, data, len);
    if (fflush(o) != 0)
        rc = -1;
    if (!to_stdout && fclose(o) != 0)
        rc = -1;
    free(data);
    if (rc < 0) {
        snprintf(err, errlen, "writing %s failed", path);
        if (!to_stdout)
            unlink(path);
    }
    return rc;
}

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"title", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *out = NULL, *title = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else if (c == 't')
            title = optarg;
        else if (c == 'h') {
            fputs(report_usage, stdout);
            return 0;
        } else
            return tool_bad_usage("report", "unknown option or missing argument '%s'",
                                  argv[optind - 1]);
    }
    if (optind != argc - 1)
        return tool_bad_usage("report", "%s", "report needs exactly one TRACE ('-' for stdin)");
    if (!out)
        return tool_bad_usage("report", "%s", "report needs -o FILE.html");
    const char *in = argv[optind];
    char buf[512], err[512];
    if (!title) {
        const char *base = strrchr(in, '/');
        snprintf(buf, sizeof buf, "page faults of %s",
                 strcmp(in, "-") ? (base ? base + 1 : in) : "<stdin>");
        title = buf;
    }
    struct trace_log log = {0};
    int rc = tracefile_load(in, &log, err, sizeof err);
    if (rc == 0)
        rc = report_write(&log, title, out, err, sizeof err);
    tracefile_free(&log);
    if (rc < 0) {
        fprintf(stderr, "faultline: %s\n", err);
        return 1;
    }
    return 0;
}
