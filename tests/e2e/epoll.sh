#!/bin/sh
# epoll (testprogs/epoll.c: level and edge triggering, EPOLLONESHOT, hang-up,
# timeouts, a wait a child ends, nesting, the errors), glibc and musl, under
# faultline and natively: the output and exit status must be equal.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for libc in glibc musl; do
    prog=build/testprogs/epoll.$libc
    env -i "$prog" >"$tmp/native" 2>&1 </dev/null
    echo "exit $?" >>"$tmp/native"
    "$FL" run --env-clear --timeout 60 "$prog" >"$tmp/fl" 2>&1 </dev/null
    echo "exit $?" >>"$tmp/fl"
    if ! cmp -s "$tmp/native" "$tmp/fl"; then
        echo "FAIL epoll.$libc differs from native (< native, > faultline):"
        diff "$tmp/native" "$tmp/fl" | head -20 | sed 's/^/    /'
        fail=1
    fi
done
[ $fail = 0 ] && echo "epoll: equal to native"
exit $fail
