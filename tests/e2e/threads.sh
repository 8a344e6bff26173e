#!/bin/sh
# Threads (issue 16): every threaded test program runs natively and under
# faultline, and the standard output and exit status must be equal: the
# pthread programs (testprogs/thread_*.c) for glibc and musl, C++
# (std::thread, std::async), Go (goroutines, channels, GC, time.Sleep)
# and Rust (std::thread, mpsc).  Then determinism: the racing-counter
# program gives byte-identical fault logs on two runs, and its unlocked
# counter (whose total varies natively) the same total.
#
# A language whose compiler is not installed is skipped with a line that
# says so; one whose compiler is installed but whose program is not built
# fails (make testprogs builds them: testprogs/threads.mk).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
top=$(pwd)
FL=${FL:-build/faultline}
case $FL in /*) ;; *) FL=$top/$FL ;; esac
tp=$top/build/testprogs
limit=120 # seconds, natively and under faultline: a hang is a failure, not a stall
fail=0
n=0
bad() {
    echo "FAIL $*"
    fail=1
}

# compare NAME PROG [ARGS...]: native against faultline, stdout and status.
compare() {
    name=$1
    shift
    if [ ! -x "$1" ]; then
        bad "$name: $1 is not built (make testprogs)"
        return
    fi
    env -i timeout $limit "$@" >"$tmp/native.out" 2>"$tmp/native.err" </dev/null
    nst=$?
    "$FL" run --env-clear --timeout $limit "$@" >"$tmp/fl.out" 2>"$tmp/fl.err" </dev/null
    fst=$?
    n=$((n + 1))
    if [ "$nst" != "$want" ]; then
        bad "$name: natively exit $nst, expected $want (the test program is wrong)"
        sed 's/^/    native: /' "$tmp/native.out" | head -10
        return
    fi
    if [ "$fst" != "$nst" ] || ! cmp -s "$tmp/native.out" "$tmp/fl.out"; then
        bad "$name: under faultline exit $fst, natively $nst; stdout (< native, > faultline):"
        diff "$tmp/native.out" "$tmp/fl.out" | head -20 | sed 's/^/    /'
        sed 's/^/    stderr: /' "$tmp/fl.err" | head -10
    fi
}

# The pthread programs, with the status each ends with natively.
for prog in thread_basic thread_sync thread_signal thread_pending thread_spin thread_fork thread_exec thread_race thread_segv; do
    want=0
    [ $prog = thread_segv ] && want=139 # killed by SIGSEGV, as a shell reports it
    for libc in glibc musl; do
        compare "$prog.$libc" "$tp/$prog.$libc"
    done
done

# Other languages.
want=0
if command -v g++ >/dev/null 2>&1; then
    compare "C++ threads" "$tp/thread_cxx"
else
    echo "skip C++ threads: no g++ (sh scripts/deps.sh test installs it)"
fi
if command -v go >/dev/null 2>&1; then
    compare "Go threads" "$tp/thread_go"
else
    echo "skip Go threads: no go (sh scripts/deps.sh test installs golang-go)"
fi
if command -v rustc >/dev/null 2>&1; then
    compare "Rust threads" "$tp/thread_rust"
else
    echo "skip Rust threads: no rustc on this machine"
fi

# Determinism: the same fault log, byte for byte, and the same racy total,
# with the default quantum and with an odd one that switches threads in
# the middle of the unlocked counter's read-modify-write.
for libc in glibc musl; do
    prog=$tp/thread_race.$libc
    [ -x "$prog" ] || continue
    for q in default 977; do
        qopt=
        [ $q = default ] || qopt="--quantum $q"
        for run in 1 2; do
            # shellcheck disable=SC2086
            "$FL" run --env-clear --timeout $limit $qopt -o "$tmp/race$run.log" "$prog" >/dev/null 2>&1 </dev/null
            # shellcheck disable=SC2086
            "$FL" run --env-clear --timeout $limit $qopt "$prog" racy >"$tmp/racy$run.out" 2>/dev/null </dev/null
        done
        if [ ! -s "$tmp/race1.log" ] || ! cmp -s "$tmp/race1.log" "$tmp/race2.log"; then
            bad "thread_race.$libc (quantum $q): two runs give different fault logs"
            diff "$tmp/race1.log" "$tmp/race2.log" | head -10 | sed 's/^/    /'
        fi
        grep -q '^racy counter: [0-9]* of 800000$' "$tmp/racy1.out" && cmp -s "$tmp/racy1.out" "$tmp/racy2.out" ||
            bad "thread_race.$libc racy (quantum $q): two runs differ: $(cat "$tmp/racy1.out") / $(cat "$tmp/racy2.out")"
    done
    # The log has a tid column, and more than one thread faulted.
    tids=$(awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "tid") c = i - 1; next }
                c { print $c }' "$tmp/race1.log" | sort -u | wc -l)
    [ "$tids" -gt 1 ] || bad "thread_race.$libc: the fault log has no tid column, or one thread in it"
done

# A golden log written before the tid column existed still matches.
for libc in glibc musl; do
    prog=$tp/thread_race.$libc
    [ -x "$prog" ] || continue
    "$FL" run --env-clear -o "$tmp/new.log" "$prog" >/dev/null 2>&1 </dev/null
    awk '/^#/ { sub(/ +tid .*$/, "") } { if (!/^#/) { s = ""; for (i = 1; i <= 9; i++) s = s $i " "; $0 = s }; print }' \
        "$tmp/new.log" >"$tmp/old.log"
    "$FL" run --env-clear --expect "$tmp/old.log" "$prog" >/dev/null 2>"$tmp/expect.err" </dev/null ||
        bad "thread_race.$libc: a log without the tid column no longer matches: $(head -3 "$tmp/expect.err")"
done

[ $fail = 0 ] && echo "threads: $n programs equal to native, race logs identical"
exit $fail
