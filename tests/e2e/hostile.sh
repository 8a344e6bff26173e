#!/bin/sh
# Hostile guests: each misbehaves on purpose and gets the outcome Linux
# would give, a clear message, a defined status; faultline never crashes,
# hangs or reports a sanitizer error.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# expect STATUS STDERR-SUBSTRING ("" for none) [faultline options] PROGRAM ARGS
expect() {
    want=$1 msg=$2
    shift 2
    "$FL" run "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    st=$?
    if [ -z "$msg" ]; then
        ok_msg=$([ -s "$tmp/err" ] && echo no || echo yes)
    else
        ok_msg=$(grep -qF -- "$msg" "$tmp/err" && echo yes || echo no)
    fi
    if [ "$st" != "$want" ] || [ "$ok_msg" = no ] ||
        grep -qE "AddressSanitizer|runtime error|internal error" "$tmp/err"; then
        echo "FAIL $*: status $st (want $want), stderr:"
        sed 's/^/    /' "$tmp/err" | head -5
        fail=1
    fi
}

H=build/testprogs/hostile
for libc in glibc musl; do
    expect 139 "killed by SIGSEGV (SEGV_ACCERR at 0x7fff" $H.$libc nx
    expect 139 "killed by SIGSEGV (SEGV_MAPERR at 0xffff888000000000)" $H.$libc kernel
    expect 139 "killed by SIGSEGV (SI_KERNEL at 0)" $H.$libc noncanonical
    expect 139 "killed by SIGSEGV (SEGV_ACCERR at 0x" build/testprogs/write_text.$libc
    expect 132 "killed by SIGILL" $H.$libc ud2
    expect 136 "killed by SIGFPE" $H.$libc divzero
    expect 0 "mmap of 64.0 TiB refused: strict commit" $H.$libc huge
    expect 0 "" $H.$libc reserve
    expect 139 "killed by SIGSEGV (SEGV_MAPERR at 0x20000000)" $H.$libc growsdown
    expect 0 "" $H.$libc vforkkill
    expect 0 "" $H.$libc killall
    expect 0 "" $H.$libc ignraise
    expect 0 "" $H.$libc sigalias
    expect 0 "" --commit overcommit $H.$libc terabytes
    expect 0 "" $H.$libc protnone
    expect 0 "faultline: pid 2 (hostile.$libc): clone flags 0x111 are not supported" \
        $H.$libc sharedvm
    expect 0 "" --max-procs 8 build/testprogs/fork_bomb.$libc
    expect 125 "faultline: deadlock: every process is blocked (pid 2 hostile.$libc, pid 3 hostile.$libc)" \
        $H.$libc deadlock
    expect 124 "faultline: timed out after 1 s" --timeout 1 $H.$libc loop
done
# A process that stops itself with nobody to continue it: a deadlock.
expect 125 "faultline: deadlock: every process is blocked (pid 2 dash (stopped))" /bin/dash -c 'kill -STOP $$' 

# A call faultline does not model: ENOSYS to the guest, named in the summary.
"$FL" run --summary $H.glibc enosys >"$tmp/out" 2>"$tmp/err" </dev/null
st=$?
[ $st = 0 ] && grep -q "Function not implemented" "$tmp/out" &&
    grep -q "unsupported system calls (returned ENOSYS): 1" "$tmp/err" &&
    grep -qE "^ +io_uring_setup +1$" "$tmp/err" || { echo "FAIL enosys: status $st"; cat "$tmp/out" "$tmp/err"; fail=1; }

# A child killed by a signal another process sent: its shell says so,
# faultline does not, and no core bit is set (no core is dumped).
"$FL" run /bin/dash -c '/bin/dash -c "kill -SEGV \$\$"' >"$tmp/out" 2>"$tmp/err" </dev/null
st=$?
[ $st = 139 ] && [ "$(cat "$tmp/err")" = "Segmentation fault" ] ||
    { echo "FAIL signal sent to a child: status $st"; cat "$tmp/err"; fail=1; }

# With --real-time, a child waiting on a host pipe gets its input although
# the parent has an alarm due later (time passes for both at once).
(sleep 0.3; echo hi) | "$FL" run --real-time build/testprogs/waits.glibc host-poll >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st = 0 ] && [ "$(cat "$tmp/out")" = "child read 3
child status 0" ] || { echo "FAIL host poll with an alarm due: status $st"; cat "$tmp/out" "$tmp/err"; fail=1; }

# A timer interrupts a loop with no system calls: with --real-time (a host
# timer stops the CPU at the deadline) and with --quantum (the fixed clock
# moves with the instructions).
for opt in --real-time "--quantum 100000"; do
    "$FL" run --timeout 20 $opt build/testprogs/waits.glibc alarm-spin >"$tmp/out" 2>"$tmp/err" </dev/null
    st=$?
    [ $st = 0 ] && grep -q "the alarm came" "$tmp/out" ||
        { echo "FAIL alarm-spin $opt: status $st"; cat "$tmp/err"; fail=1; }
done

# A reader that goes away: the guest gets SIGPIPE (or EPIPE when it ignores
# it), faultline lives on, says nothing (as a shell would not) unless -v,
# and the fault log is complete.
("$FL" run -o "$tmp/pipe.log" /bin/busybox yes 2>"$tmp/err"; echo $? >"$tmp/st") | head -1 >/dev/null
st=$(cat "$tmp/st")
[ "$st" = 141 ] && [ ! -s "$tmp/err" ] && "$FL" stat "$tmp/pipe.log" >/dev/null ||
    { echo "FAIL sigpipe: status $st"; cat "$tmp/err"; fail=1; }
("$FL" run -v /bin/busybox yes 2>"$tmp/err"; echo $? >"$tmp/st") | head -1 >/dev/null
[ "$(cat "$tmp/st")" = 141 ] && grep -q "pid 2 killed by SIGPIPE" "$tmp/err" ||
    { echo "FAIL sigpipe -v: status $(cat "$tmp/st")"; cat "$tmp/err"; fail=1; }

# The host's own limit on mappings: a clear message, not a crash.
limit=$(cat /proc/sys/vm/max_map_count)
expect 137 "host memory mapping than vm.max_map_count ($limit) allows" --frames $((limit + 10000)) --commit overcommit \
    $H.glibc mapcount $((2 * limit + 20000))

[ $fail = 0 ] && echo "hostile: ok"
exit $fail
