#!/bin/sh
# File locks between guest processes (testprogs/locks.c: POSIX and OFD
# record locks and flock, a waiter that blocks and then gets the lock,
# F_GETLK naming the holder, the close rules, EDEADLK, EINTR, the
# errors), glibc and musl, against native.  Then two sqlite3 processes
# writing one database at once, switched every 20000 instructions so
# their transactions interleave: every row must arrive, as natively.
. tests/lib/native.sh
vs_native_libcs locks
cat >"$tmp/sq.sh" <<'SH'
sqlite3 db "create table t(who text, i int)"
w() { i=0; while [ $i -lt 100 ]; do echo "insert into t values('$1', $i);"; i=$((i+1)); done | sqlite3 -cmd ".timeout 60000" db; }
w a & w b & wait
sqlite3 db "select who, count(*), sum(i) from t group by who; pragma integrity_check;"
SH
case $FL in /*) fl=$FL ;; *) fl=$top/$FL ;; esac
mkdir "$tmp/sq"
(cd "$tmp/sq" && "$fl" run --quantum 20000 --timeout 300 /bin/sh "$tmp/sq.sh") >"$tmp/sq.out" 2>&1
printf 'a|100|4950\nb|100|4950\nok\n' >"$tmp/sq.want"
if ! cmp -s "$tmp/sq.want" "$tmp/sq.out"; then
    echo "FAIL two sqlite3 writers (< wanted, > faultline):"
    diff "$tmp/sq.want" "$tmp/sq.out" | head -10 | sed 's/^/    /'
    fail=1
fi
[ $fail = 0 ] && echo "locks: equal to native; two sqlite3 writers lost nothing"
exit $fail
