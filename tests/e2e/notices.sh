#!/bin/sh
# faultline's own messages: -q drops them (errors stay), identical ones
# are collapsed under -v, --summary of a program that never started is one
# line, and refused or exhausted memory says what and which options help.
. tests/check.sh
run() { "$FL" run --env-clear -E PATH=/usr/bin:/bin "$@"; }

# A death is said, unless -q; the status is the same either way.
run sh -c 'kill -SEGV $$' 2>"$tmp/err"
st=$?
[ $st = 139 ] && grep -q "^faultline: pid 2 killed by SIGSEGV" "$tmp/err" || bad "death: $st $(cat "$tmp/err")"
run -q sh -c 'kill -SEGV $$' 2>"$tmp/err"
st=$?
[ $st = 139 ] && [ ! -s "$tmp/err" ] || bad "-q death: $st '$(cat "$tmp/err")'"
# Errors are not notices.
run -q no-such-program 2>"$tmp/err"
st=$?
[ $st = 127 ] && grep -q "not found" "$tmp/err" || bad "-q error: $st '$(cat "$tmp/err")'"

# -v: 181 identical lines are one and "... 180 more".
for libc in glibc musl; do
run -v "build/testprogs/nosys.$libc" 181 >"$tmp/out" 2>"$tmp/err"
cat >"$tmp/want" <<'END'
faultline: pid 2: unsupported system call 999 (not an x86-64 call)
faultline: ... 180 more
faultline: pid 2: unsupported system call 335 (not an x86-64 call)
faultline: pid 2: unsupported system call 999 (not an x86-64 call)
END
cmp -s "$tmp/want" "$tmp/err" || { bad "-v repeats, $libc:"; diff "$tmp/want" "$tmp/err" | head; }
[ "$(cat "$tmp/out")" = "ENOSYS every time" ] || bad "nosys.$libc: $(cat "$tmp/out")"
done

# --summary of a program that never started.
"$FL" run --summary /no/such/file 2>"$tmp/err"
st=$?
[ $st = 127 ] && [ "$(tail -1 "$tmp/err")" = "faultline summary: /no/such/file never started (exit 127)" ] &&
    [ "$(wc -l <"$tmp/err")" = 2 ] || bad "--summary, never started: $st $(cat "$tmp/err")"

# Strict commit refuses 400 MiB on 64 MiB of DRAM and 256 MiB of swap:
# said once, with the numbers and the options, and the program sees ENOMEM.
run python3 -c '
for i in range(3):
    try:
        bytearray(400 << 20)
    except MemoryError:
        print("MemoryError")' >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st = 0 ] && [ "$(cat "$tmp/out")" = "$(printf 'MemoryError\nMemoryError\nMemoryError')" ] ||
    bad "commit refusal: status $st, output $(cat "$tmp/out")"
[ "$(grep -c refused "$tmp/err")" = 1 ] &&
    grep -q "pid 2 (python3): mmap of 400.0 MiB refused: strict commit .*(316.0 MiB: --frames 16384, --swap-pages 65536, .*--commit overcommit" "$tmp/err" ||
    bad "commit refusal message: $(cat "$tmp/err")"

# Overcommitted memory runs out: the OOM killer says whom and why.
run --commit overcommit --frames 4096 --swap-pages 1024 python3 -c 'bytearray(100 << 20)' 2>"$tmp/err"
st=$?
[ $st = 137 ] && grep -q "^faultline: out of memory: killed pid 2 (python3), the largest: .* MiB resident, 4.0 MiB in swap; DRAM (--frames 4096) and swap (--swap-pages 1024) were full" "$tmp/err" &&
    [ "$(wc -l <"$tmp/err")" = 1 ] || bad "OOM kill: $st $(cat "$tmp/err")"
[ $fail = 0 ] && echo "notices: ok"
exit $fail
