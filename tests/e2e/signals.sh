#!/bin/sh
# Signals against native, glibc and musl: the alternate stack
# (testprogs/sigaltstack.c: SS_ONSTACK and EPERM inside a handler running
# on it, nested signals, uc_stack and sigreturn, SS_AUTODISARM, the
# kernel's checks of flags and sizes).  Output and exit status must be
# equal.  (The process-wide pending set is tests/e2e/threads.sh's
# thread_pending.)
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
for prog in sigaltstack; do
    for libc in glibc musl; do
        bin=build/testprogs/$prog.$libc
        env -i "$bin" >"$tmp/native" 2>&1 </dev/null
        echo "exit $?" >>"$tmp/native"
        "$FL" run --env-clear --timeout 60 "$bin" >"$tmp/fl" 2>&1 </dev/null
        echo "exit $?" >>"$tmp/fl"
        n=$((n + 1))
        if ! grep -q '^exit 0$' "$tmp/native"; then
            echo "FAIL $prog.$libc: natively not exit 0 (the test program is wrong):"
            tail -3 "$tmp/native" | sed 's/^/    /'
            fail=1
        elif ! cmp -s "$tmp/native" "$tmp/fl"; then
            echo "FAIL $prog.$libc differs from native (< native, > faultline):"
            diff "$tmp/native" "$tmp/fl" | head -20 | sed 's/^/    /'
            fail=1
        fi
    done
done
[ $fail = 0 ] && echo "signals: $n programs equal to native"
exit $fail
