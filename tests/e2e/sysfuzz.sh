#!/bin/sh
# System calls with random numbers and arguments (pointers into mapped,
# read-only, unmapped, reserved and kernel memory) from a guest, under the
# invariant checker: every call gets an answer, faultline never fails,
# hangs or reports a sanitizer error.  SYSFUZZ_SEEDS and SYSFUZZ_CALLS
# make it longer (make fuzz does).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seeds=${SYSFUZZ_SEEDS:-12}
calls=${SYSFUZZ_CALLS:-2000}
cp build/testprogs/sysfuzz.nolibc "$tmp/sysfuzz"
mkdir "$tmp/root"
cp build/testprogs/sysfuzz.nolibc "$tmp/root/sysfuzz"
fail=0
done_runs=0
statuses=""
seed=1
while [ $seed -le "$seeds" ]; do
    "$FL" run --root "$tmp/root" --max-procs 16 --check --timeout 120 /sysfuzz $seed "$calls" \
        >"$tmp/out" 2>"$tmp/err" </dev/null
    st=$?
    if [ $st = 124 ] || grep -qE "internal error|AddressSanitizer|LeakSanitizer|runtime error" "$tmp/err"; then
        echo "FAIL seed $seed: status $st"
        head -20 "$tmp/err"
        fail=1
    fi
    statuses="$statuses $st"
    done_runs=$((done_runs + 1))
    seed=$((seed + 1))
done
echo "sysfuzz: $done_runs runs of $calls calls; statuses:$statuses"
exit $fail
