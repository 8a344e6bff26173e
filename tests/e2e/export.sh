#!/bin/sh
# faultline export --format perfetto: the Trace Event Format JSON of real
# runs (fork+COW, and a dynamic shell starting ls) holds one instant event
# per log event, counters for resident pages and swap, a slice per image a
# process ran (from --trace-procs' "#process" lines) and timestamps that
# never go back on a track (tests/lib/perfetto_check.py); JSON Lines logs
# and logs of format 1 (tests/golden) export too, without counters there.
set -u
FL=${FL:?set FL to the faultline binary}
. tests/check.sh
check() { python3 tests/lib/perfetto_check.py "$@" >"$tmp/check.out" 2>&1 || { bad "$*"; cat "$tmp/check.out"; }; }

"$FL" run --env-clear --trace-procs -o "$tmp/fc.log" build/testprogs/fork_cow.glibc >/dev/null 2>&1 </dev/null
"$FL" export --format perfetto "$tmp/fc.log" -o "$tmp/fc.json" || bad "export of fork_cow exited $?"
check "$tmp/fc.json" "$tmp/fc.log" --counters --procs
grep -q '"name":"process_name","ph":"M","pid":3,"tid":3,"args":{"name":"fork_cow.glibc"}' "$tmp/fc.json" ||
    bad "the child is not named from its comm"
grep -q '"cat":"process","ph":"X",[^}]*"pid":3,[^}]*"args":{"pid":3,"ppid":2,"exit":0}' "$tmp/fc.json" ||
    bad "the child's slice lacks its parent and exit status"

# A dynamic program: sh forks, the child execs ls; the export names both.
"$FL" run --env-clear --trace-procs -o "$tmp/sh.log" /bin/sh -c '/bin/ls / >/dev/null; exit 0' \
    >/dev/null 2>&1 </dev/null || bad "sh under faultline exited $?"
"$FL" export --format perfetto -o "$tmp/sh.json" - <"$tmp/sh.log" || bad "export from stdin exited $?"
check "$tmp/sh.json" "$tmp/sh.log" --counters --procs
grep -q '"ph":"X",[^}]*"name":"ls"\|"name":"ls","cat":"process"' "$tmp/sh.json" || bad "no slice for ls"

# JSON Lines (no "#process" lines: slices from each process's events).
"$FL" run --env-clear --trace-format jsonl -o "$tmp/fc.jsonl" build/testprogs/fork_cow.glibc >/dev/null 2>&1 </dev/null
"$FL" export --format perfetto "$tmp/fc.jsonl" -o "$tmp/fcj.json" || bad "export of jsonl exited $?"
check "$tmp/fcj.json" "$tmp/fc.jsonl" --counters

# A log of format 1: events and names, no counters (it has no rss column).
"$FL" export --format perfetto tests/golden/fork_cow.glibc.log -o "$tmp/old.json" || bad "export of format 1"
check "$tmp/old.json" tests/golden/fork_cow.glibc.log
grep -q '"ph":"C"' "$tmp/old.json" && bad "counters made up for a log without rss and swap"

# Errors: no --format, an unknown one, a bad log (nothing left behind).
"$FL" export "$tmp/fc.log" -o "$tmp/x.json" 2>/dev/null
[ $? = 125 ] || bad "export without --format"
"$FL" export --format svg "$tmp/fc.log" -o "$tmp/x.json" 2>/dev/null
[ $? = 125 ] || bad "export --format svg"
printf '#\n1 2 teleport 0x1000 R user x 1 - 2\n' >"$tmp/bad.log"
"$FL" export --format perfetto "$tmp/bad.log" -o "$tmp/x.json" 2>"$tmp/err"
[ $? = 1 ] && grep -q "bad.log:2:" "$tmp/err" || bad "a bad log: $(cat "$tmp/err")"
[ -e "$tmp/x.json" ] && bad "a failed export left its file"
[ $fail = 0 ] && echo "export: ok"
exit $fail
