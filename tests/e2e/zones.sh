#!/bin/sh
# Zones come with pages: terabytes reserved MAP_NORESERVE cost nothing
# until touched, empty zones are let go when a process needs room, a
# process that really holds too many is told so, and a program built with
# -fsanitize=address (its shadow is 16 TiB, fixed from 0x7fff8000) runs
# and reports its own heap overflow as it does natively.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
Z=build/testprogs/zones

for run in "glibc sparse" "musl sparse" "glibc churn"; do
    set -- $run
    libc=$1 mode=$2
    {
        out=$("$FL" run --commit overcommit $Z.$libc $mode 2>&1 </dev/null)
        st=$?
        [ $st = 0 ] && [ "$out" = "$mode: ok" ] || { echo "FAIL zones $mode ($libc): status $st: $out"; fail=1; }
    }
done
"$FL" run --commit overcommit $Z.glibc many >"$tmp/out" 2>"$tmp/err" </dev/null
st=$?
[ $st = 137 ] && grep -q "needs a zone (its 1 GiB of address space) beyond the 1024" "$tmp/err" ||
    { echo "FAIL zones many: status $st"; head -3 "$tmp/err"; fail=1; }

A=build/testprogs/heap_overflow.asan
if [ -x $A ]; then
    # Addresses of libraries, pids, and bp/sp differ between the runs.
    norm='s/==[0-9]*==/==P==/; s/0x7f[0-9a-f]*/LIB/g; s/bp 0x[0-9a-f]* sp 0x[0-9a-f]*/bp sp/; s/0x5[0-9a-f]\{11\}/PIE/g'
    setarch -R $A >"$tmp/n.raw" 2>&1 </dev/null
    ns=$?
    "$FL" run --commit overcommit $A >"$tmp/f.raw" 2>&1 </dev/null
    fs=$?
    sed "$norm" "$tmp/n.raw" >"$tmp/n.out"
    sed "$norm" "$tmp/f.raw" >"$tmp/f.out"
    if [ $ns != 1 ] || [ $fs != 1 ] || ! cmp -s "$tmp/n.out" "$tmp/f.out" ||
        ! grep -q "ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000020" "$tmp/f.out" ||
        ! grep -q "is located 0 bytes to the right of 16-byte region" "$tmp/f.out"; then
        echo "FAIL asan heap overflow: status $fs (native $ns)"
        diff "$tmp/n.out" "$tmp/f.out" | head -10
        fail=1
    fi
else
    echo "zones: skipping the AddressSanitizer program (gcc cannot build one here)"
fi

[ $fail = 0 ] && echo "zones: ok"
exit $fail
