#!/bin/sh
# CPU fidelity: every fp_* testprog (SSE, x87, integer corner cases, libm,
# strtod, floating-point traps), glibc and musl, runs natively and under
# faultline; the outputs and exit statuses must be equal line for line.
# A difference prints the first differing lines of each program.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
top=$(pwd)
FL=${FL:-build/san/faultline}
case $FL in /*) ;; *) FL=$top/$FL ;; esac
fail=0
n=0

# Every wrapper in emu/cpu/ must be installed by the link (emu/cpu/fpu.wrap).
objs=$(ls "$top"/build/san/emu/cpu/fpu_*.o "$top"/build/emu/cpu/fpu_*.o 2>/dev/null | head -2)
if [ -n "$objs" ]; then
    nm $objs | awk '$2 == "T" && $3 ~ /^__wrap_/ { sub("__wrap_", "--wrap=", $3); print $3 }' |
        sort -u >"$tmp/wrappers"
    sort -u "$top/emu/cpu/fpu.wrap" | cmp -s - "$tmp/wrappers" ||
        { echo "FAIL emu/cpu/fpu.wrap does not list exactly the wrappers the objects define"; fail=1; }
fi
for prog in "$top"/build/testprogs/fp_*.glibc "$top"/build/testprogs/fp_*.musl; do
    [ -x "$prog" ] || continue
    name=$(basename "$prog")
    "$prog" >"$tmp/native" 2>&1 </dev/null
    echo "exit $?" >>"$tmp/native"
    "$FL" run --env-clear "$prog" >"$tmp/emulated" 2>&1 </dev/null
    echo "exit $?" >>"$tmp/emulated"
    n=$((n + 1))
    if ! cmp -s "$tmp/native" "$tmp/emulated"; then
        fail=1
        lines=$(wc -l <"$tmp/native")
        diffs=$(diff "$tmp/native" "$tmp/emulated" | grep -c '^<')
        echo "FAIL $name: $diffs of $lines lines differ from native (< native, > faultline):"
        diff "$tmp/native" "$tmp/emulated" | head -20 | sed 's/^/    /'
    fi
done
[ $n -gt 0 ] || { echo "FAIL no fp_* testprogs built (make testprogs)"; exit 1; }
[ $fail = 0 ] && echo "fidelity: $n programs equal to native"
exit $fail
