#!/bin/sh
# bench/quantum.sh - what the default quantum of a threaded process
# (THREAD_QUANTUM in emu/kernel/sched.c) costs threaded programs.
# faultline is built once for each value of QUANTA into build/quantum/N/
# (-DTHREAD_QUANTUM=N; only sched.c is compiled again), and each workload
# runs under each build, BENCH_RUNS times (default 5), the builds
# interleaved run by run and their order rotated from run to run, so that
# drift in a noisy host hits every column alike.  The figure is CPU time
# (user + system of faultline and what it ran, from wait4), median
# [min-max]; the last row is the geometric mean, over the workloads, of
# each column's median over the best median of its row.  Every run's
# output must equal the native run's.  Prints the table and writes it to
# bench/results-quantum.txt.
#
#     sh bench/quantum.sh                       # about 15 minutes
#     QUANTA="50000 200000" BENCH_RUNS=3 sh bench/quantum.sh
set -u
cd "$(dirname "$0")/.." || exit 2
QUANTA=${QUANTA:-20000 50000 200000 1000000 5000000}
RUNS=${BENCH_RUNS:-5}
B=build/bench
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$B"
gcc -O2 -Wall -Wextra -Werror -o "$B/timeit" bench/timeit.c || exit 2
make -s all testprogs >/dev/null || { echo "quantum.sh: make failed" >&2; exit 2; }

for q in $QUANTA; do
    d=build/quantum/$q
    [ -x "$d/faultline" ] && [ -z "$(find build/faultline -newer "$d/faultline")" ] && continue
    echo "  building faultline with THREAD_QUANTUM=$q" >&2
    rm -rf "$d" && mkdir -p "$d" && cp -Rp build/vm build/loader build/emu "$d/" &&
        rm -f "$d/emu/kernel/sched.o" &&
        make -s BUILD="$d" EXTRA_CFLAGS="-DTHREAD_QUANTUM=$q" "$d/faultline" >/dev/null &&
        [ -f "$d/emu/kernel/sched.o" ] ||
        { echo "quantum.sh: cannot build $d/faultline" >&2; exit 2; }
done

# The workloads: NAME, where it runs (guest: under faultline; host: a
# script that runs faultline itself, $FL, on several programs) and the
# command.  Each runs natively once, for the output to compare with.
cat >"$T/threads.py" <<'PY'
import threading
def work(n, out, i):
    out[i] = sum(j * j for j in range(n))
out = [0] * 4
ts = [threading.Thread(target=work, args=(100000, out, i)) for i in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(out)
PY
head -c 40000 /usr/bin/python3 | od -An -tx1 >"$T/xz.in"
tp=build/testprogs
cat >"$T/progs.sh" <<'SH'
for p in thread_basic thread_sync thread_signal thread_pending thread_race thread_fork; do
    ${FL:+"$FL" run --env-clear} build/testprogs/$p.glibc || exit 1
done
SH
TAB=$(printf '\t')
cat >"$T/workloads" <<WL
spin${TAB}guest${TAB}$tp/thread_spin.glibc 100 20000
go${TAB}guest${TAB}$tp/thread_go
python${TAB}guest${TAB}/usr/bin/python3 $T/threads.py
xz${TAB}guest${TAB}/usr/bin/xz -T2 --block-size=16384 -c $T/xz.in
pthreads${TAB}host${TAB}/bin/sh $T/progs.sh
WL

while IFS="$TAB" read -r name where cmd; do
    # shellcheck disable=SC2086
    env -i PATH=/usr/bin:/bin $cmd >"$T/$name.native" 2>/dev/null </dev/null
done <"$T/workloads"

# one NAME WHERE Q CMD...: one timed run with build Q, its output checked.
one() {
    name=$1 where=$2 q=$3
    fl=build/quantum/$q/faultline
    shift 3
    if [ "$where" = guest ]; then
        "$B/timeit" "$T/$name.$q.time" "$fl" run --env-clear -E PATH=/usr/bin:/bin "$@" \
            >"$T/out" 2>/dev/null </dev/null
    else
        FL=$fl "$B/timeit" "$T/$name.$q.time" "$@" >"$T/out" 2>/dev/null </dev/null
    fi
    cmp -s "$T/out" "$T/$name.native" ||
        echo "quantum.sh: $name with THREAD_QUANTUM=$q: output differs from native" >&2
}

r=1
while [ $r -le "$RUNS" ]; do
    # Rotate the order of the builds by one each run.
    order=$(echo $QUANTA | awk -v r=$r '{ for (i = 0; i < NF; i++) printf "%s ", $((i + r) % NF + 1) }')
    while IFS="$TAB" read -r name where cmd; do
        for q in $order; do
            # shellcheck disable=SC2086
            one "$name" "$where" "$q" $cmd
        done
    done <"$T/workloads"
    echo "  run $r of $RUNS done" >&2
    r=$((r + 1))
done

# stats FILE: "median min max" of the CPU seconds in FILE (field 4, ns).
stats() {
    awk '{ print $4 / 1e9 }' "$1" | sort -n | awk '{ v[NR] = $1 }
        END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              printf "%.2f %.2f %.2f\n", m, v[1], v[NR] }'
}

{
    printf "%-9s" "quantum"
    for q in $QUANTA; do printf "  %-17s" "$q"; done
    printf "\n"
    while IFS="$TAB" read -r name where cmd; do
        printf "%-9s" "$name"
        for q in $QUANTA; do
            # shellcheck disable=SC2046
            set -- $(stats "$T/$name.$q.time")
            printf "  %-17s" "$1 [$2-$3]"
            echo "$name $q $1" >>"$T/medians"
        done
        printf "\n"
    done <"$T/workloads"
    printf "%-9s" "vs best"
    for q in $QUANTA; do
        awk -v q="$q" '{ m[$1, $2] = $3; if (!($1 in best) || $3 < best[$1]) best[$1] = $3; names[$1] = 1 }
            END { s = 0; n = 0; for (w in names) { s += log(m[w, q] / best[w]); n++ }
                  printf "  %-17s", sprintf("%.2fx", exp(s / n)) }' "$T/medians"
    done
    printf "\n"
    echo "CPU seconds (user + system), median [min-max] of $RUNS runs; $(nproc) CPUs," \
        "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
} | tee bench/results-quantum.txt
