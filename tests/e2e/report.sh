#!/bin/sh
# faultline report and run --report: the HTML page of real runs (fork+COW
# with its "#process" lines; a dynamic shell starting ls), of a JSON Lines log and
# of a log of format 1.  Each page references nothing outside itself
# (tests/lib/self_contained.py), and opens in Debian's headless chromium
# with no console error, showing the log's event count, with filters (kind,
# process, area) whose clicks hide exactly their events, the log's counts
# in its tables, its forks, execs and exits in the process tree, a record
# on hover, zoom, and a screenshot (tests/e2e/report_browser.py; SHOTS=DIR keeps the pictures).
set -u
FL=${FL:?set FL to the faultline binary}
. tests/check.sh
command -v chromium >/dev/null 2>&1 || { echo "report: chromium is missing (apt-get install chromium)"; exit 1; }

# run --report: the log beside the page (fc.log), with its "#process"
# lines, and the page the same as faultline report's of that log.
"$FL" run --env-clear --report "$tmp/fc.html" build/testprogs/fork_cow.glibc >/dev/null 2>&1 </dev/null
st=$?
[ $st = 0 ] && [ -s "$tmp/fc.html" ] || bad "run --report: status $st"
[ "$(grep -c '^#process' "$tmp/fc.log")" = 4 ] || bad "run --report: the log lacks its 4 #process lines"
"$FL" report --title "page faults of fork_cow.glibc" "$tmp/fc.log" -o "$tmp/fc2.html" || bad "report of fork_cow exited $?"
cmp -s "$tmp/fc.html" "$tmp/fc2.html" || bad "run --report and report of its log differ"
# -o names the log; the guest's status stays; -o - cannot be read back.
"$FL" run --env-clear -o "$tmp/seven.log" --report "$tmp/seven" /bin/sh -c 'exit 7' >/dev/null 2>&1 </dev/null
st=$?
[ $st = 7 ] && [ -s "$tmp/seven" ] && grep -q '^#process' "$tmp/seven.log" || bad "run -o --report: status $st"
"$FL" run -o - --report "$tmp/x.html" /bin/true >/dev/null 2>&1 </dev/null
[ $? = 125 ] || bad "run -o - --report accepted"
"$FL" run --env-clear --trace-procs -o "$tmp/sh.log" /bin/sh -c '/bin/ls / >/dev/null; exit 0' \
    >/dev/null 2>&1 </dev/null || bad "sh under faultline exited $?"
"$FL" report --title 'sh starting ls' -o "$tmp/sh.html" - <"$tmp/sh.log" || bad "report from stdin exited $?"
grep -q '<title>sh starting ls</title>' "$tmp/sh.html" || bad "--title is not the page's title"
"$FL" run --env-clear --trace-format jsonl -o "$tmp/fc.jsonl" build/testprogs/fork_cow.glibc >/dev/null 2>&1 </dev/null
"$FL" report "$tmp/fc.jsonl" -o "$tmp/jsonl.html" || bad "report of a jsonl log exited $?"
"$FL" report tests/golden/fork_cow.glibc.log -o "$tmp/old.html" || bad "report of a format-1 log exited $?"

for p in fc sh jsonl old; do
    python3 tests/lib/self_contained.py "$tmp/$p.html" || bad "$p.html references something outside itself"
done
# The checker itself finds a reference.
sed 's#</style>#body { background: url(https://example.org/a.png) }</style>#' "$tmp/fc.html" >"$tmp/ext.html"
python3 tests/lib/self_contained.py "$tmp/ext.html" >/dev/null && bad "self_contained.py missed an external url()"

shots=${SHOTS:-$tmp}
mkdir -p "$shots"
python3 tests/e2e/report_browser.py "$shots" fork_cow="$tmp/fc.html:$tmp/fc.log" \
    sh_ls="$tmp/sh.html:$tmp/sh.log" jsonl="$tmp/jsonl.html:$tmp/fc.jsonl" \
    format1="$tmp/old.html:tests/golden/fork_cow.glibc.log" || bad "the browser test failed"

# Errors: no -o; a bad log (no file left behind).
"$FL" report "$tmp/fc.log" 2>/dev/null
[ $? = 125 ] || bad "report without -o"
printf '#\n1 2 teleport 0x1000 R user x 1 - 2\n' >"$tmp/bad.log"
"$FL" report "$tmp/bad.log" -o "$tmp/x.html" 2>"$tmp/err"
[ $? = 1 ] && grep -q "bad.log:2:" "$tmp/err" || bad "a bad log: $(cat "$tmp/err")"
[ -e "$tmp/x.html" ] && bad "a failed report left its file"
[ $fail = 0 ] && echo "report: ok"
exit $fail
