#!/usr/bin/env python3
"""Check a `faultline export --format perfetto` file against its fault log.

usage: perfetto_check.py TRACE.json LOG [--counters] [--procs]

The JSON must parse as the Trace Event Format; it holds exactly one instant
event (cat "fault") per event of LOG, with the log's seq, kind, pid and
page; timestamps never go back on a track (a process's thread track, a
counter); every process of the log has a process_name.  --counters: the
resident-pages and swap-slot counters are there and end at the log's last
values.  --procs: the log's "#process" lines are slices with their comm.
Prints what failed and exits 1, else prints a one-line summary.
"""
import json
import sys


def read_log(path):
    events, procs = [], []
    with open(path) as f:
        for line in f:
            if line.startswith("#process "):
                procs.append(line.split())
                continue
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("{"):
                o = json.loads(line)
                events.append((o["seq"], o["pid"], o["event"], int(o["vpage"], 16),
                               o.get("rss"), o.get("swap")))
                continue
            c = line.split()
            rss = int(c[16]) if len(c) >= 18 else None
            swap = int(c[17]) if len(c) >= 18 else None
            events.append((int(c[0]), int(c[1]), c[2], int(c[3], 16), rss, swap))
    return events, procs


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    flags = {a for a in sys.argv[1:] if a.startswith("--")}
    if len(args) != 2:
        print(__doc__)
        return 2
    with open(args[0]) as f:
        doc = json.load(f)
    events, procs = read_log(args[1])
    evs = doc["traceEvents"]
    bad = []
    inst = [e for e in evs if e["ph"] == "i" and e.get("cat") == "fault"]
    if len(inst) != len(events):
        bad.append(f"{len(inst)} instant events, the log has {len(events)} events")
    for e, (seq, pid, kind, vpage, _, _) in zip(inst, events):
        a = e["args"]
        if (a["seq"], e["pid"], e["name"], int(a["vpage"], 16), e["ts"]) != (seq, pid, kind, vpage, seq):
            bad.append(f"instant {a['seq']} is not log event {seq}")
            break
    last = {}
    for e in evs:
        if e["ph"] == "M":
            continue
        track = ("C", e["pid"], e["name"]) if e["ph"] == "C" else ("T", e["pid"], e["tid"])
        if e["ts"] < last.get(track, float("-inf")):
            bad.append(f"timestamps go back on track {track} at {e['ts']}")
            break
        last[track] = e["ts"]
    names = {e["pid"]: e["args"]["name"] for e in evs if e["ph"] == "M" and e["name"] == "process_name"}
    for pid in {p for _, p, *_ in events}:
        if pid not in names:
            bad.append(f"pid {pid} has no process_name")
    if "--counters" in flags:
        counters = {}
        for e in evs:
            if e["ph"] == "C":
                counters[(e["pid"], e["name"])] = e["args"]["pages"]
        if counters.get((0, "swap slots")) != events[-1][5]:
            bad.append(f"swap slots end at {counters.get((0, 'swap slots'))}, the log at {events[-1][5]}")
        for pid in {p for _, p, *_ in events if p}:
            if (pid, "resident pages") not in counters:
                bad.append(f"pid {pid} has no resident-pages counter")
        if (0, "resident pages, all processes") not in counters:
            bad.append("no resident-pages counter of all processes")
    if "--procs" in flags:
        slices = [(e["pid"], e["name"]) for e in evs if e["ph"] == "X"]
        want = [(int(p[3][4:]), p[5][5:]) for p in procs if p[2] in ("fork", "exec")]
        if sorted(slices) != sorted(want):
            bad.append(f"slices {sorted(slices)}, the log's forks and execs {sorted(want)}")
        for p in procs:
            if names.get(int(p[3][4:])) is None:
                bad.append(f"no process_name for {p}")
    for b in bad:
        print("FAIL", b)
    if not bad:
        print(f"ok: {len(inst)} instants, {sum(e['ph'] == 'C' for e in evs)} counter points, "
              f"{sum(e['ph'] == 'X' for e in evs)} slices")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
