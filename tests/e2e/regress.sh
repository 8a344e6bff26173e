#!/bin/sh
# The golden-log workflow: --expect keeps the guest's status on a match and
# explains a mismatch; --trace-filter pins one behaviour; the log depends
# on neither the working directory nor the host environment.
. tests/check.sh
top=$(pwd)
prog=$top/build/testprogs/exec_chain.glibc

# Record, then compare: a match keeps the guest's own status (3 here).
"$FL" run --env-clear -o "$tmp/golden.log" "$prog" 3 >/dev/null 2>&1 </dev/null
"$FL" run --env-clear --expect "$tmp/golden.log" "$prog" 3 >/dev/null 2>"$tmp/err" </dev/null
st=$?
[ $st = 3 ] && [ ! -s "$tmp/err" ] || bad "--expect match: status $st, $(cat "$tmp/err")"

# A changed golden log: exit 1, the first differing event named, a diff.
awk 'NR == 40 { sub(/file-read/, "cache-hit") } NR != 60' "$tmp/golden.log" >"$tmp/changed.log"
"$FL" run --env-clear --expect "$tmp/changed.log" "$prog" 3 >/dev/null 2>"$tmp/err" </dev/null
st=$?
[ $st = 1 ] || bad "--expect mismatch: status $st"
grep -q "^faultline: first difference at event 39:" "$tmp/err" || bad "--expect: no first difference: $(head -3 "$tmp/err")"
grep -q '^-.* cache-hit ' "$tmp/err" && grep -q '^+.* file-read ' "$tmp/err" && grep -q '^@@ -' "$tmp/err" ||
    bad "--expect: no unified diff"
grep -q '^+ *59 ' "$tmp/err" || bad "--expect: the dropped event (line 60, event 59) is not shown as added"

# A missing golden file is an error, not a pass.
"$FL" run --env-clear --expect "$tmp/none.log" "$prog" 1 >/dev/null 2>"$tmp/err" </dev/null
[ $? = 1 ] && grep -q "cannot read" "$tmp/err" || bad "--expect of a missing file"

# --trace-filter: only the chosen events, numbered among themselves.
"$FL" run --env-clear --trace-filter event=cow,cow-reuse --trace-filter pid=2 -o "$tmp/f.log" \
    build/testprogs/fork_cow.glibc >/dev/null 2>&1 </dev/null
awk 'NR > 1 && ($3 == "cow" || $3 == "cow-reuse") && $2 == 2' tests/golden/fork_cow.glibc.log |
    awk '{ $1 = NR; print }' >"$tmp/want"
awk 'NR > 1 { s = $1; for (i = 2; i <= 10; i++) s = s " " $i; print s }' "$tmp/f.log" >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got" || { bad "--trace-filter"; diff "$tmp/want" "$tmp/got" | head; }
[ -s "$tmp/got" ] || bad "--trace-filter kept nothing"
"$FL" run --trace-filter evnt=cow /bin/true >/dev/null 2>"$tmp/err"
[ $? = 125 ] && grep -q "unknown --trace-filter key" "$tmp/err" || bad "bad --trace-filter accepted"

# Determinism: two working directories, two host environments, one log.
(cd "$tmp" && env -i PATH=/usr/bin:/bin A=1 "$FL" run --env-clear -o "$tmp/d1.log" "$prog" 2 >/dev/null 2>&1 </dev/null)
(cd / && env -i HOME=/nowhere LANG=C.UTF-8 LONG_VARIABLE_NAME_TO_MOVE_THE_STACK=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx \
    "$FL" run --env-clear -o "$tmp/d2.log" "$prog" 2 >/dev/null 2>&1 </dev/null)
cmp -s "$tmp/d1.log" "$tmp/d2.log" || { bad "logs differ across directories and environments"; diff "$tmp/d1.log" "$tmp/d2.log" | head; }
# ... and the same run twice gives the same bytes, in both formats.
for fmt in text jsonl; do
    "$FL" run --env-clear --trace-format $fmt -o "$tmp/a.$fmt" build/testprogs/pipe.glibc >/dev/null 2>&1 </dev/null
    "$FL" run --env-clear --trace-format $fmt -o "$tmp/b.$fmt" build/testprogs/pipe.glibc >/dev/null 2>&1 </dev/null
    cmp -s "$tmp/a.$fmt" "$tmp/b.$fmt" || bad "two $fmt runs differ"
done

# A trace that cannot be written is a failure, not a silent loss.
"$FL" run -o /dev/full build/testprogs/tiny.nolibc >/dev/null 2>"$tmp/err" </dev/null
st=$?
[ $st = 125 ] && grep -q "writing the trace failed: No space left on device" "$tmp/err" ||
    bad "a trace to a full disk: status $st"

[ $fail = 0 ] && echo "regress: ok"
exit $fail
