#!/bin/sh
# shellcheck disable=SC2086 # $SIEVE and the *_OPTS are word lists, split on purpose
# bench/run.sh - time faultline against qemu-user and the host on six figures
# and print one table of ratios, all measured in this run.  See bench/README.md.
#
#   BENCH_RUNS=N     timed runs per measurement (default 5; 1 with BENCH_QUICK)
#   BENCH_QUICK=1    smoke run: fewer rounds, scaling at 64 and 256 MiB only
#   BENCH_SCALE=0    skip the scaling figure (the slow one)
#   FAULTLINE=PATH   the binary to measure (default build/faultline)
#   TMPDIR           where the swap files go (the 4 GiB point writes 4 GiB)
#
# Every timed run goes through build/bench/timeit, which forks, execs and
# waits with wait4: wall time from fork to reap and the child's peak RSS.
# The table goes to stdout and to bench/results-latest.txt.  Exits 0 even when
# targets are missed (the table says so); 2 when the benchmarks cannot be built.
set -u

cd "$(dirname "$0")/.." || exit 2
QUICK=${BENCH_QUICK:-0}
[ "$QUICK" = 1 ] && RUNS=${BENCH_RUNS:-1} || RUNS=${BENCH_RUNS:-5}
[ "$QUICK" = 1 ] && WARMUP=0 || WARMUP=1
SCALE=${BENCH_SCALE:-1}
FL=${FAULTLINE:-build/faultline}
QEMU=qemu-x86_64
B=build/bench
RESULTS=bench/results-latest.txt
case "$RUNS" in '' | *[!0-9]* | 0) echo "run.sh: BENCH_RUNS must be a positive integer" >&2; exit 2 ;; esac

# Working sets: about 6 MiB for SIEVE, 0.7 MiB for SIEVE_SMALL (see README).
if [ "$QUICK" = 1 ]; then
    SIEVE="2000000 3"
    SIEVE_SMALL="200000 30"
    SCALE_PAGES="16384 65536"
else
    SIEVE="2000000 10"
    SIEVE_SMALL="200000 100"
    SCALE_PAGES="16384 262144 1048576"
fi
FAULT_PAGES="16384 65536 262144"
RSS_FRAMES="16384 65536 262144"
FORKS=1000
STARTUP_RUNS=$((RUNS * 4)) # start-ups are short and noisy; they are cheap to repeat

ME=run.sh
. bench/lib.sh # T, timeit, the check for $FL

# --- build ------------------------------------------------------------------------

for p in sieve touch forkloop hello; do build "$p" -static; done

size() { # size PAGES: "64 MiB", "4 GiB"
    if [ $(($1 % 262144)) = 0 ] && [ "$1" -gt 0 ]; then echo "$(($1 / 262144)) GiB"; else echo "$(($1 / 256)) MiB"; fi
}

# --- 1. CPU-bound -----------------------------------------------------------------

progress "1/6 cpu-bound: sieve $SIEVE, sieve $SIEVE_SMALL"
for r in $(runs "$RUNS"); do
    once "$r" cpu_fl "$FL" run $B/sieve $SIEVE
    once "$r" cpu_qemu $QEMU $B/sieve $SIEVE
    once "$r" cpu_nat $B/sieve $SIEVE
    once "$r" cpus_fl "$FL" run $B/sieve $SIEVE_SMALL
    once "$r" cpus_qemu $QEMU $B/sieve $SIEVE_SMALL
    once "$r" cpus_nat $B/sieve $SIEVE_SMALL
done
section "1. CPU-bound (whole process)"
for c in cpu cpus; do
    fl=$(median ${c}_fl wall) qe=$(median ${c}_qemu wall) na=$(median ${c}_nat wall)
    [ $c = cpu ] && what="sieve+hash $SIEVE" note="6 MiB working set" ||
        what="sieve+hash $SIEVE_SMALL" note="0.7 MiB working set"
    row "$what" "ms" "$(cell ${c}_fl wall)" "$(cell ${c}_qemu wall)" "$(cell ${c}_nat wall)" \
        "$(ratio "$fl" "$qe")" "$(ratio "$fl" "$na")" "$note"
    target "1 CPU-bound wall, faultline/qemu, $note" "$(ratio "$fl" "$qe")" 1.5
done

# --- 2. fault path ----------------------------------------------------------------

progress "2/6 fault path: $FAULT_PAGES pages"
FAULT_OPTS="--real-time --frames 300000 --swap-pages 0"
for r in $(runs "$RUNS"); do # sizes interleaved, so drift in the host hits them alike
    for n in $FAULT_PAGES; do
        once "$r" "fault${n}_fl" "$FL" run $FAULT_OPTS $B/touch "$n"
        once "$r" "fault${n}_qemu" $QEMU $B/touch "$n"
        once "$r" "fault${n}_nat" $B/touch "$n"
        # the cost of the log's names: a log without them, then with them
        once "$r" "fault${n}_log" "$FL" run $FAULT_OPTS -o /dev/null --no-symbols $B/touch "$n"
        once "$r" "fault${n}_sym" "$FL" run $FAULT_OPTS -o /dev/null $B/touch "$n"
    done
done
section "2. Fault path: write 1 byte to each of N fresh mmap pages ($FAULT_OPTS)"
worst=""
for n in $FAULT_PAGES; do
    fl=$(median "fault${n}_fl" page) qe=$(median "fault${n}_qemu" page) na=$(median "fault${n}_nat" page)
    rn=$(ratio "$fl" "$na")
    row "N=$n ($(size "$n"))" "ns/page" "$(cell "fault${n}_fl" page)" "$(cell "fault${n}_qemu" page)" \
        "$(cell "fault${n}_nat" page)" "$(ratio "$fl" "$qe")" "$rn" "timed in the guest"
    if [ "$rn" = - ]; then worst=-
    elif [ "$worst" != - ]; then
        worst=$(awk -v a="${rn%x}" -v w="${worst%x}" 'BEGIN { printf "%.2fx", (w == "" || a > w) ? a : w }')
    fi
done
for n in $FAULT_PAGES; do
    fl=$(median "fault${n}_fl" page) lg=$(median "fault${n}_log" page) sy=$(median "fault${n}_sym" page)
    row "N=$n, -o, --no-symbols" "ns/page" "$(cell "fault${n}_log" page)" "-" "-" "-" "-" \
        "log/none $(ratio "$lg" "$fl")"
    row "N=$n, -o, named" "ns/page" "$(cell "fault${n}_sym" page)" "-" "-" "-" "-" \
        "named/unnamed $(ratio "$sy" "$lg")"
done
target "2 fault path per page, faultline/native (worst N)" "$worst" 2

# --- 3. scaling -------------------------------------------------------------------

section "3. Scaling: same program, --frames 65536 (256 MiB DRAM), swap file in TMPDIR"
if [ "$SCALE" = 0 ]; then
    row "skipped (BENCH_SCALE=0)" "" "" "" "" "" "" ""
    target "3 per-fault cost 4 GiB / 64 MiB" "" 1.2
else
    progress "3/6 scaling: $SCALE_PAGES pages (the 4 GiB point takes about half a minute per run)"
    SCALE_OPTS="--real-time --frames 65536 --swap-pages 1200000 --swap-file $T/swap"
    free_kb=$(df -Pk "$T" | awk 'NR == 2 { print $4 }')
    sizes=""
    for n in $SCALE_PAGES; do
        if [ "${free_kb:-0}" -lt $((n * 4 + 262144)) ]; then
            echo "not enough space in ${TMPDIR:-/tmp} for a swap file of $(size "$n")" >"$T/scale${n}_fl.err"
            echo "0 0 1" >"$T/scale${n}_fl.time"
        else
            sizes="$sizes $n"
        fi
    done
    i=1 # no warm-up: each run starts from a new, empty swap file anyway
    while [ "$i" -le "$RUNS" ]; do
        for n in $sizes; do
            rm -f "$T/swap"
            once "$i" "scale${n}_fl" "$FL" run $SCALE_OPTS $B/touch "$n"
        done
        i=$((i + 1))
    done
    rm -f "$T/swap"
    base=$(median "scale${SCALE_PAGES%% *}_fl" page)
    last=""
    for n in $SCALE_PAGES; do
        fl=$(median "scale${n}_fl" page)
        last=$(ratio "$fl" "$base")
        secs=$(median "scale${n}_fl" wall)
        [ -n "$secs" ] && secs="; $(num "$(awk -v m="$secs" 'BEGIN { print m / 1000 }')") s per run"
        row "$(size "$n") touched" "ns/fault" "$(cell "scale${n}_fl" page)" "-" "-" "-" "-" \
            "cost/cost($(size "${SCALE_PAGES%% *}")) $last$secs"
    done
    if [ "$QUICK" = 1 ]; then
        target "3 per-fault cost 256 MiB / 64 MiB (quick; target is at 4 GiB)" "$last" 1.2
    else
        target "3 per-fault cost 4 GiB / 64 MiB" "$last" 1.2
    fi
fi

# --- 4. fork loop -----------------------------------------------------------------

progress "4/6 fork+exit+wait x$FORKS"
for r in $(runs "$RUNS"); do
    once "$r" fork_fl "$FL" run $B/forkloop $FORKS
    once "$r" fork_qemu $QEMU $B/forkloop $FORKS
    once "$r" fork_nat $B/forkloop $FORKS
done
fl=$(median fork_fl wall) qe=$(median fork_qemu wall) na=$(median fork_nat wall)
per=""
[ -n "$fl" ] && per="faultline $(num "$(awk -v m="$fl" -v n=$FORKS 'BEGIN { print m * 1000 / n }')") us/fork"
section "4. Processes"
row "fork+exit+wait x$FORKS" "ms" "$(cell fork_fl wall)" "$(cell fork_qemu wall)" "$(cell fork_nat wall)" \
    "$(ratio "$fl" "$qe")" "$(ratio "$fl" "$na")" "whole process; $per"
target "4 fork loop, faultline/qemu" "$(ratio "$fl" "$qe")" 1

# --- 5. start-up ------------------------------------------------------------------

progress "5/6 start-up: static hello, /bin/true ($STARTUP_RUNS runs each)"
for r in $(runs "$STARTUP_RUNS"); do
    once "$r" hello_fl "$FL" run $B/hello
    once "$r" hello_qemu $QEMU $B/hello
    once "$r" hello_nat $B/hello
    once "$r" true_fl "$FL" run /bin/true
    once "$r" true_qemu $QEMU /bin/true
    once "$r" true_nat /bin/true
done
section "5. Start-up (whole process, $STARTUP_RUNS runs)"
for p in hello true; do
    fl=$(median ${p}_fl wall) qe=$(median ${p}_qemu wall) na=$(median ${p}_nat wall)
    [ $p = hello ] && what="static hello (glibc)" || what="/bin/true (dynamic)"
    row "$what" "ms" "$(cell ${p}_fl wall)" "$(cell ${p}_qemu wall)" "$(cell ${p}_nat wall)" \
        "$(ratio "$fl" "$qe")" "$(ratio "$fl" "$na")" ""
    target "5 start-up $what, faultline/qemu" "$(ratio "$fl" "$qe")" 1
done

# --- 6. peak RSS ------------------------------------------------------------------

progress "6/6 peak RSS: --frames $RSS_FRAMES"
for r in $(runs "$RUNS"); do
    for f in $RSS_FRAMES; do
        once "$r" "rss${f}_fl" "$FL" run --frames "$f" --swap-pages "$f" $B/touch "$f"
        once "$r" "rss${f}_nat" $B/touch "$f"
    done
done
section "6. Peak RSS (wait4 ru_maxrss; DRAM pages count twice, see README) touching F pages, --frames F --swap-pages F"
for f in $RSS_FRAMES; do
    fl=$(median "rss${f}_fl" rss) na=$(median "rss${f}_nat" rss)
    dram=$((f / 256))
    row "F=$f (DRAM $(size "$f"))" "MiB" "$(cell "rss${f}_fl" rss)" "-" "$(cell "rss${f}_nat" rss)" \
        "-" "$(ratio "$fl" "$na")" "faultline RSS/DRAM $(ratio "$fl" "$dram")"
done

# --- the table --------------------------------------------------------------------

table "faultline bench" >"$T/table"
cat "$T/table"
cp "$T/table" "$RESULTS" && echo "(written to $RESULTS)" >&2
exit 0
