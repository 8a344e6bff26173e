#!/bin/sh
# sched_*affinity and membarrier (testprogs/affinity.c), glibc and musl,
# under faultline and natively: the output must be equal.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for libc in glibc musl; do
    prog=build/testprogs/affinity.$libc
    "$prog" >"$tmp/native" 2>&1 </dev/null
    "$FL" run --env-clear "$prog" >"$tmp/fl" 2>&1 </dev/null
    cmp -s "$tmp/native" "$tmp/fl" ||
        { echo "FAIL affinity.$libc (< native, > faultline):"; diff "$tmp/native" "$tmp/fl"; fail=1; }
done
exit $fail
