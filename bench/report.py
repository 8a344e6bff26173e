#!/usr/bin/env python3
"""bench/report.py - the report's figures for a big fault log.

usage: bench/report.py [LOG]     (see bench/README.md, "The report")

Without LOG, makes one: Debian's python3 building a list and turning it to
JSON and back fourteen times in 2048 frames (8 MiB) of DRAM, under
`faultline run --trace-procs`: over a million events (1.1 million here),
of the kinds that paging makes (demand-zero, file-read, cow, swap-out, swap-in,
evict-clean).  Then measures, RUNS times each (median [min-max]):
`faultline report` and `faultline export --format perfetto` (wall time,
peak RSS, output size), and headless chromium (Debian's, over the
DevTools protocol) loading the page: from navigation to the page saying
it is drawn, the page's own part of it, one redraw of the whole timeline
and one filter change.  Prints a table and writes it to
bench/report-latest.txt.  A benchmark, not a test: goals are noted, not
enforced.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from cdp import Browser  # noqa: E402

FL = os.environ.get("FAULTLINE", os.path.join(ROOT, "build", "faultline"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
WORKLOAD = """
import json
a = [list(range(i % 50)) for i in range(60000)]
for r in range(14):
    s = json.dumps(a)
    b = json.loads(s)
print(len(s))
"""


def timed(cmd):
    """Wall seconds and peak RSS (MiB) of cmd, which must succeed."""
    t = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    _, status, ru = os.wait4(pid, 0)
    if status != 0:
        sys.exit(f"report.py: {cmd} failed: {status}")
    return time.monotonic() - t, ru.ru_maxrss / 1024


def cell(vals, unit_fmt="{:.2f}"):
    m = statistics.median(vals)
    if len(vals) == 1:
        return unit_fmt.format(m)
    return f"{unit_fmt.format(m)} [{unit_fmt.format(min(vals))}-{unit_fmt.format(max(vals))}]"


def main():
    tmp = tempfile.mkdtemp(prefix="fl-bench-report-")
    log = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tmp, "big.log")
    made = ""
    if len(sys.argv) < 2:
        t, _ = timed([FL, "run", "--env-clear", "--frames", "2048", "--trace-procs", "-o", log,
                      "--", "python3", "-c", WORKLOAD])
        made = f" (made in {t:.0f} s)"
    events = sum(1 for line in open(log) if line[:1] not in ("#", "\n"))
    if events < 1000000 and len(sys.argv) < 2:
        print(f"report.py: note: the log has only {events} events", file=sys.stderr)
    html, js = os.path.join(tmp, "big.html"), os.path.join(tmp, "big.json")
    rep, exp = [], []
    for _ in range(RUNS):
        rep.append(timed([FL, "report", log, "-o", html]))
        exp.append(timed([FL, "export", "--format", "perfetto", log, "-o", js]))
    loads, own, redraw, refilter = [], [], [], []
    b = Browser()
    try:
        url = "file://" + html
        for _ in range(RUNS):
            b.call("Page.navigate", {"url": "about:blank"})
            b.wait_for("location.href === 'about:blank'")
            t = time.monotonic()
            b.call("Page.navigate", {"url": url})
            ready = b.wait_for(f"location.href === {url!r} && document.body && document.body.dataset.ready", 120)
            loads.append(time.monotonic() - t)
            own.append(int(ready) / 1000)
            redraw.append(b.eval("window.faultlineReport.timeRedraw()"))
            refilter.append(b.eval("window.faultlineReport.timeRefilter()"))
        shown = b.eval("document.getElementById('total').textContent")
        errors = b.errors()
    finally:
        b.close()
    size = os.path.getsize(html) / 2**20
    rows = [
        ("fault log", f"{events} events, {os.path.getsize(log) / 2**20:.0f} MiB text{made}", ""),
        ("faultline report", f"{cell([r[0] for r in rep])} s, peak RSS {cell([r[1] for r in rep], '{:.0f}')} MiB", ""),
        ("report size", f"{size:.1f} MiB", "goal < 30 MB: " + ("met" if size * 2**20 < 30e6 else "MISSED")),
        ("chromium: open to drawn", f"{cell(loads)} s", "goal < 10 s: " + ("met" if statistics.median(loads) < 10 else "MISSED")),
        ("  of which the page's own", f"{cell(own)} s", "inflate, columns, filters, first draw"),
        ("  one whole redraw", f"{cell(redraw, '{:.0f}')} ms", "the whole log in view"),
        ("  one filter change", f"{cell(refilter, '{:.0f}')} ms", "count pass, tables, redraw"),
        ("faultline export (perfetto)", f"{cell([r[0] for r in exp])} s, peak RSS {cell([r[1] for r in exp], '{:.0f}')} MiB, "
         f"{os.path.getsize(js) / 2**20:.0f} MiB JSON", ""),
    ]
    with open("/proc/cpuinfo") as f:
        cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?")
    out = [f"faultline report bench  {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
           f"host: {os.cpu_count()} x {cpu}; {subprocess.run(['chromium', '--version'], capture_output=True, text=True).stdout.strip()}",
           f"runs: {RUNS}, median [min-max]; the page showed {shown} events; console errors: {len(errors)}", ""]
    for name, val, note in rows:
        out.append(f"{name:<28} {val:<52} {note}".rstrip())
    text = "\n".join(out) + "\n"
    print(text, end="")
    with open(os.path.join(ROOT, "bench", "report-latest.txt"), "w") as f:
        f.write(text)
    subprocess.run(["rm", "-rf", tmp])
    return 0


if __name__ == "__main__":
    sys.exit(main())
