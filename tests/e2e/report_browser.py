#!/usr/bin/env python3
"""The report in a real browser: Debian's chromium, headless, driven over
the DevTools protocol (tests/lib/cdp.py).

usage: report_browser.py SHOTDIR NAME=PAGE.html:LOG ...

For each page: it loads with no console error, no exception and no request
but itself; it shows the event count of LOG (read here, not through
faultline); a click on an event kind's filter hides that kind (the shown
count drops by exactly its number in LOG, and a second click brings it
back), and the same for a process and an area; hovering over an event shows its record
(its seq, and its function and line when LOG has them); the per-area
and per-kind tables hold LOG's counts; the process tree shows the forks
(under their parents), execs and exits of LOG's "#process" lines; + zooms in and 0
zooms out again; a screenshot goes to SHOTDIR/NAME.png.
"""
import base64
import collections
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from cdp import Browser  # noqa: E402

failures = []


def bad(msg):
    failures.append(msg)
    print("FAIL", msg)


def read_log(path):
    events = []
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("{"):
                o = json.loads(line)
                events.append({"seq": o["seq"], "pid": o["pid"], "kind": o["event"], "area": o["area"],
                               "symbol": o.get("symbol"), "line": o.get("line")})
                continue
            c = line.split()
            sym = c[14] if len(c) >= 18 and c[14] != "-" else None
            src = c[15] if len(c) >= 18 and c[15] != "-" else None
            events.append({"seq": int(c[0]), "pid": int(c[1]), "kind": c[2], "area": c[6],
                           "symbol": sym, "line": src})
    return events


def shown(b):
    return int(b.eval("document.getElementById('shown').textContent"))


def click_box(b, selector):
    r = b.eval(f"(() => {{ const e = document.querySelector({selector!r}); e.scrollIntoView({{block: 'center'}});"
               " const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()")
    b.click(r[0], r[1])
    time.sleep(0.05)


def check_filter(b, name, selector, want_drop, total):
    click_box(b, selector)
    got = shown(b)
    if got != total - want_drop:
        bad(f"{name}: hiding {selector} shows {got}, want {total} - {want_drop}")
    if b.eval(f"document.querySelector({selector!r}).checked"):
        bad(f"{name}: {selector} still checked after a click")
    click_box(b, selector)
    if shown(b) != total:
        bad(f"{name}: showing {selector} again gives {shown(b)}, want {total}")


def check_hover(b, name, events):
    pick = next((e for e in events if e["symbol"] and e["kind"] == "cow"), None) or \
        next((e for e in events if e["symbol"]), None) or events[len(events) // 2]
    b.eval("window.scrollTo(0, 0)")
    at = b.eval(f"window.faultlineReport.locate({pick['seq']})")
    if not at:
        bad(f"{name}: event {pick['seq']} is not drawn")
        return
    b.mouse("mouseMoved", at["x"], at["y"])
    time.sleep(0.1)
    text = b.eval("document.getElementById('record').innerText")
    tip = b.eval("!document.getElementById('tip').hidden")
    want = [f"seq\t{pick['seq']}", pick["kind"]] + [w for w in (pick["symbol"], pick["line"]) if w]
    missing = [w for w in want if w not in text]
    if missing or not tip:
        bad(f"{name}: hovering over event {pick['seq']}: tip shown {tip}, record lacks {missing}: {text[:300]!r}")


def check_tree(b, name, log):
    """The tree names every process of the log's "#process" lines, under its
    parent, with its execs and exit statuses."""
    procs = [line.split() for line in open(log) if line.startswith("#process ")]
    tree = b.eval("document.getElementById('tree').innerText")
    for p in procs:
        pid, comm = p[3][4:], p[5][5:]
        if p[2] == "exec" and f"exec {comm} after event {p[1]}" not in tree:
            bad(f"{name}: the tree lacks pid {pid}'s exec of {comm}: {tree[:300]!r}")
        if p[2] == "exit" and p[6].replace("=", " ") not in tree:
            bad(f"{name}: the tree lacks pid {pid}'s {p[6]}")
    nested = b.eval("[...document.querySelectorAll('#tree li li > a')].map(a => a.textContent)")
    for p in procs:
        if p[2] == "fork" and not any(n.startswith(p[3][4:] + " ") for n in nested):
            bad(f"{name}: forked pid {p[3][4:]} is not under its parent in the tree: {nested}")


def check_zoom(b, name):
    v0, v1 = b.eval("window.faultlineReport.view()")
    b.eval("document.getElementById('tl-wrap').focus()")
    for kind in ("keyDown", "keyUp"):
        b.call("Input.dispatchKeyEvent", {"type": kind, "key": "+", "text": "+" if kind == "keyDown" else "",
                                          "code": "Equal"})
    time.sleep(0.05)
    z0, z1 = b.eval("window.faultlineReport.view()")
    if not (z1 - z0 < (v1 - v0) * 0.75 and z0 >= v0 and z1 <= v1):
        bad(f"{name}: + did not zoom in: {v0}..{v1} -> {z0}..{z1}")
    for kind in ("keyDown", "keyUp"):
        b.call("Input.dispatchKeyEvent", {"type": kind, "key": "0", "text": "0" if kind == "keyDown" else "",
                                          "code": "Digit0"})
    time.sleep(0.05)
    if b.eval("window.faultlineReport.view()") != [v0, v1]:
        bad(f"{name}: 0 did not show everything again")


def check_page(b, shotdir, name, page, log):
    events = read_log(log)
    total = len(events)
    b.events.clear()
    t = time.monotonic()
    url = "file://" + os.path.abspath(page)
    b.call("Page.navigate", {"url": url})
    state = b.wait_for(f"location.href !== {url!r} || !document.body || !document.getElementById('error') ? '' : "
                       "document.body.dataset.ready ? 'ready' : "
                       "(document.getElementById('error').hidden ? '' : document.getElementById('error').textContent)")
    if state != "ready":
        bad(f"{name}: the page failed: {state}")
        return
    load = time.monotonic() - t
    said = b.eval("document.getElementById('total').textContent")
    if said != str(total) or shown(b) != total:
        bad(f"{name}: shows total {said}, shown {shown(b)}; the log has {total} events")
    kinds = collections.Counter(e["kind"] for e in events)
    for kind in sorted({kinds.most_common(1)[0][0], "cow"} & set(kinds)):
        sel = f'input[data-kind="{kind}"]'
        label = b.eval(f"document.querySelector({sel!r}).closest('label').querySelector('.count').textContent")
        if label != str(kinds[kind]):
            bad(f"{name}: the {kind} filter says {label}, the log has {kinds[kind]}")
        check_filter(b, name, sel, kinds[kind], total)
    pids = collections.Counter(e["pid"] for e in events)
    if len(pids) > 1:
        pid = max(pids)
        k = b.eval(f"window.faultlineReport.procIndex({pid})")
        check_filter(b, name, f'input[data-group="proc"][data-index="{k}"]', pids[pid], total)
    areas = collections.Counter(e["area"] for e in events)
    top = areas.most_common(1)[0][0]
    check_filter(b, name, f'input[data-area="{top}"]', areas[top], total)
    table = b.eval("[...document.querySelectorAll('#t-area tr')].slice(1).map(r => [r.cells[0].textContent, +r.cells[1].textContent])")
    if dict(table) != dict(areas) and len(areas) <= 40:
        bad(f"{name}: the area table {dict(table)} is not the log's {dict(areas)}")
    kinds_table = b.eval("[...document.querySelectorAll('#t-kind tr')].slice(1).map(r => [r.cells[0].textContent, +r.cells[1].textContent])")
    if {k: v for k, v in kinds_table if v} != dict(kinds):
        bad(f"{name}: the kind table {kinds_table} is not the log's {dict(kinds)}")
    check_tree(b, name, log)
    check_hover(b, name, events)
    check_zoom(b, name)
    b.mouse("mouseMoved", 5, 5)
    png = base64.b64decode(b.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"])
    with open(os.path.join(shotdir, name + ".png"), "wb") as f:
        f.write(png)
    if not png.startswith(b"\x89PNG") or len(png) < 20000:
        bad(f"{name}: the screenshot is {len(png)} bytes")
    for e in b.errors():
        bad(f"{name}: {e}")
    others = [u for u in b.requests() if not u.startswith(("data:", "blob:")) and
              u != "file://" + os.path.abspath(page)]
    if others:
        bad(f"{name}: the page asked for {others}")
    print(f"{name}: {total} events, loaded in {load:.2f} s, {len(kinds)} kinds, {len(pids)} processes")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    shotdir = sys.argv[1]
    b = Browser()
    try:
        for spec in sys.argv[2:]:
            name, rest = spec.split("=", 1)
            page, log = rest.split(":", 1)
            check_page(b, shotdir, name, page, log)
    finally:
        b.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
