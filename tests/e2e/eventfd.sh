#!/bin/sh
# eventfd, timerfd and signalfd (testprogs/eventfd.c, timerfd.c,
# signalfd.c: readiness in poll, select and epoll, blocking and the
# wake-ups of other processes, the errors), glibc and musl, under faultline
# and natively, and python3 using them (eventfd.py): the output and exit
# status must be equal.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for name in eventfd timerfd signalfd; do
    for libc in glibc musl; do
        prog=build/testprogs/$name.$libc
        env -i "$prog" >"$tmp/native" 2>&1 </dev/null
        echo "exit $?" >>"$tmp/native"
        "$FL" run --env-clear --timeout 60 "$prog" >"$tmp/fl" 2>&1 </dev/null
        echo "exit $?" >>"$tmp/fl"
        if ! cmp -s "$tmp/native" "$tmp/fl"; then
            echo "FAIL $name.$libc differs from native (< native, > faultline):"
            diff "$tmp/native" "$tmp/fl" | head -20 | sed 's/^/    /'
            fail=1
        fi
    done
done
# python3: os.eventfd, selectors and select.epoll with an eventfd and a
# timerfd (tests/e2e/eventfd.py).
py=tests/e2e/eventfd.py
env -i /usr/bin/python3 "$py" >"$tmp/native" 2>&1 </dev/null
echo "exit $?" >>"$tmp/native"
"$FL" run --env-clear --timeout 120 /usr/bin/python3 "$py" >"$tmp/fl" 2>&1 </dev/null
echo "exit $?" >>"$tmp/fl"
if ! cmp -s "$tmp/native" "$tmp/fl"; then
    echo "FAIL python3 $py differs from native (< native, > faultline):"
    diff "$tmp/native" "$tmp/fl" | head -20 | sed 's/^/    /'
    fail=1
fi
[ $fail = 0 ] && echo "eventfd: testprogs and python3 equal to native"
exit $fail
