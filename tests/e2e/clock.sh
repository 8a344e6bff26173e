#!/bin/sh
# The guest's date: by default the host's (never behind it, so make sees
# no file from its future), pinned by --epoch or SOURCE_DATE_EPOCH (the
# same on every run, fault log included), the host's with --real-time.
. tests/check.sh
unset SOURCE_DATE_EPOCH

# The default date lies between the host's before and after the run (up
# to a second after: it starts at the next whole second).
before=$(date +%s)
got=$("$FL" run --env-clear /bin/date +%s 2>&1)
after=$(date +%s)
[ "$got" -ge "$before" ] 2>/dev/null && [ "$got" -le $((after + 1)) ] ||
    bad "default date $got not within the host's [$before, $after + 1]"
# Its fraction of a second is the guest's own, the same every run (musl's
# mkstemp names files with it).
a=$("$FL" run --env-clear /bin/date +%N 2>&1)
b=$("$FL" run --env-clear /bin/date +%N 2>&1)
[ "$a" = "$b" ] || bad "default date: nanoseconds $a then $b"
got=$("$FL" run --env-clear --real-time /bin/date +%s 2>&1)
[ "$got" -ge "$before" ] 2>/dev/null || bad "--real-time date $got before $before"

# Pinned: exactly the epoch (the clock moves 1 us a read), every run.
got=$("$FL" run --env-clear --epoch 1700000000 /bin/date -u +%FT%T 2>&1)
[ "$got" = "2023-11-14T22:13:20" ] || bad "--epoch 1700000000: '$got'"
got=$(SOURCE_DATE_EPOCH=86400 "$FL" run --env-clear /bin/date -u +%s 2>&1)
[ "$got" = "86400" ] || bad "SOURCE_DATE_EPOCH=86400: '$got'"
got=$(SOURCE_DATE_EPOCH=86400 "$FL" run --env-clear --epoch 0 /bin/date -u +%s 2>&1)
[ "$got" = "0" ] || bad "--epoch wins over SOURCE_DATE_EPOCH: '$got'"
SOURCE_DATE_EPOCH=soon "$FL" run /bin/true 2>"$tmp/err"
st=$?
[ $st = 125 ] && grep -q "SOURCE_DATE_EPOCH must be seconds" "$tmp/err" ||
    bad "a bad SOURCE_DATE_EPOCH: status $st: $(cat "$tmp/err")"
"$FL" run --epoch -5 /bin/true 2>/dev/null && bad "--epoch -5 accepted"
# A sleep moves the pinned date by as much, at once.
got=$("$FL" run --env-clear --epoch 1000 /bin/sh -c 'sleep 100; date -u +%s' 2>&1)
[ "$got" = "1100" ] || bad "sleep 100 on epoch 1000: '$got'"
for i in 1 2; do
    "$FL" run --env-clear --epoch 1700000000 -o "$tmp/date$i.log" /bin/date >/dev/null 2>&1
done
cmp -s "$tmp/date1.log" "$tmp/date2.log" || bad "pinned date: fault logs differ between runs"

# make twice: the first builds, the second finds everything up to date,
# and neither warns of clock skew, though the host wrote every file.
mkdir "$tmp/mk"
printf 'all: out.txt\nout.txt: in.txt\n\tcat in.txt > mid.txt\n\tsleep 2\n\tcat mid.txt > out.txt\n' \
    >"$tmp/mk/Makefile"
echo hello >"$tmp/mk/in.txt"
(cd "$tmp/mk" && "$FL" run --env-clear -E PATH=/usr/bin:/bin make) >"$tmp/make1" 2>&1
(cd "$tmp/mk" && "$FL" run --env-clear -E PATH=/usr/bin:/bin make) >"$tmp/make2" 2>&1
grep -q "cat mid.txt > out.txt" "$tmp/make1" || bad "first make did not build: $(cat "$tmp/make1")"
[ "$(cat "$tmp/make2")" = "make: Nothing to be done for 'all'." ] ||
    bad "second make: $(cat "$tmp/make2")"
grep -qi "skew\|in the future" "$tmp/make1" "$tmp/make2" && bad "make saw clock skew"
# The check can fail: a date pinned in the past makes the same make warn.
touch "$tmp/mk/in.txt"
(cd "$tmp/mk" && "$FL" run --env-clear --epoch 1700000000 -E PATH=/usr/bin:/bin make) >"$tmp/make3" 2>&1
grep -q "Clock skew detected" "$tmp/make3" || bad "a past --epoch: make did not warn: $(cat "$tmp/make3")"
[ $fail = 0 ] && echo "clock: ok"
exit $fail
