# shellcheck shell=sh
# bench/lib.sh - the measuring and the table that bench/run.sh and
# bench/programs.sh share; sourced, from the top of the tree, after the
# script has set:
#
#   B        build/bench, where timeit and the guests are built
#   FL       the faultline binary to measure
#   RUNS     timed runs per measurement; WARMUP 1 for an untimed first run, else 0
#   QUICK    1 for a smoke run (printed in the table's head)
#   QEMU     the qemu-user binary (its version goes in the table's head)
#   ME       the script's name, for messages
#
# Sourcing it makes T, the run's temporary directory (removed at exit),
# builds timeit and checks that FL is there; it exits 2 when it cannot.
# A run's results live in $T/ID.time (one "WALL_NS MAXRSS_KB STATUS CPU_NS"
# line a run, from timeit), $T/ID.out (its stdout, appended) and $T/ID.err
# (the last run's stderr).  The table is made of $T/rows (row, section) and
# $T/targets (target).

T=$(mktemp -d "${TMPDIR:-/tmp}/faultline-${ME%.sh}.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
TAB=$(printf '\t')
t_start=$(date +%s)
load_start=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null)

# build NAME CC-ARGS...: build/bench/NAME from bench/NAME.c when out of date;
# exits 2 when it cannot.
build() {
    name=$1
    shift
    [ -e "$B/$name" ] && [ -z "$(find "bench/$name.c" -newer "$B/$name")" ] && return 0
    echo "  CC      $B/$name" >&2
    gcc -O2 -Wall -Wextra -Werror "$@" -o "$B/$name" "bench/$name.c" ||
        { echo "$ME: cannot build $B/$name" >&2; exit 2; }
}

# once R ID CMD...: one run of CMD.  Run 0 is a warm-up whose results are
# dropped; otherwise "WALL_NS MAXRSS_KB STATUS CPU_NS" is appended to $T/ID.time
# and CMD's stdout to $T/ID.out; its stderr replaces $T/ID.err.
once() {
    r=$1 id=$2
    shift 2
    [ "$r" = 0 ] && id=warmup
    "$B/timeit" "$T/$id.time" "$@" >>"$T/$id.out" 2>"$T/$id.err" </dev/null
}

# runs N: the run numbers 0..N with the warm-up, 1..N without.
runs() {
    i=$((1 - WARMUP))
    while [ "$i" -le "$1" ]; do echo "$i"; i=$((i + 1)); done
}

# failed ID: true, printing "n/a (failed: ...)", when a run of ID failed.
failed() {
    [ -s "$T/$1.time" ] || { echo "n/a (not run)"; return 0; }
    awk '$3 != 0 { bad = 1 } END { exit !bad }' "$T/$1.time" || return 1
    why=$(grep -v '^[[:space:]]*$' "$T/$1.err" 2>/dev/null | head -n 1 | cut -c 1-60)
    [ -n "$why" ] || why="exit status $(awk '$3 != 0 { print $3; exit }' "$T/$1.time")"
    echo "n/a (failed: $why)"
}

# values ID KIND: one number per run: wall (ms), rss (MiB), page (ns per
# page, from touch's own report of its write loop).
values() {
    case "$2" in
        wall) awk '{ printf "%.6f\n", $1 / 1e6 }' "$T/$1.time" ;;
        rss) awk '{ printf "%.3f\n", $2 / 1024 }' "$T/$1.time" ;;
        page) awk '/^touch [0-9]+ pages: / && $2 > 0 { printf "%.3f\n", $4 / $2 }' "$T/$1.out" ;;
    esac
}

# stats ID KIND: "median min max" of the values, nothing when a run failed.
stats() {
    failed "$1" >/dev/null && return 0
    values "$1" "$2" | sort -n | awk '
        { v[NR] = $1 }
        END {
            if (NR == 0) exit
            m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            print m, v[1], v[NR]
        }'
}

# num X: X with about three significant digits.
num() {
    awk -v x="$1" 'BEGIN {
        a = x < 0 ? -x : x
        if (a >= 100) printf "%.0f", x; else if (a >= 10) printf "%.1f", x; else printf "%.2f", x }'
}

# cell ID KIND: "median [min-max]" or the failure.
cell() {
    why=$(failed "$1") && { echo "$why"; return; }
    # shellcheck disable=SC2046 # three numbers, split on purpose
    set -- $(stats "$1" "$2")
    [ $# = 3 ] || { echo "n/a (no output)"; return; }
    if [ "$2" = "$3" ]; then num "$1"; echo; else echo "$(num "$1") [$(num "$2")-$(num "$3")]"; fi
}

# median ID KIND: the median alone, empty when unavailable.
median() { stats "$1" "$2" | awk '{ print $1 }'; }

# ratio A B: A/B as "1.23x", "-" when either is missing.
ratio() {
    if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
    else echo "-"; fi
}

row() { # row FIGURE UNIT FAULTLINE QEMU NATIVE FL/QEMU FL/NATIVE NOTE
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$T/rows"
}
section() { printf '%s\n' "$1" >>"$T/rows"; }
progress() { echo "bench: $*" >&2; }

# target NAME VALUE LIMIT: one line of the targets block.
target() {
    if [ -z "$2" ] || [ "$2" = - ]; then v="n/a" verdict="not measured"
    else
        v=$2
        verdict=$(awk -v a="${2%x}" -v b="$3" 'BEGIN { print (a <= b ? "met" : "NOT met") }')
    fi
    printf '%s\t%s\t<= %sx\t%s\n' "$1" "$v" "$3" "$verdict" >>"$T/targets"
}

# table TITLE: the head (TITLE, date, revision, host, runs), the rows in
# aligned columns, then the targets block, on stdout.
table() {
    elapsed=$(($(date +%s) - t_start))
    rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && rev="$rev+changes"
    model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    qver=$($QEMU --version 2>/dev/null | head -n 1)
    echo "$1  $(date -u '+%Y-%m-%d %H:%M UTC')  faultline $rev"
    echo "host: $(nproc) x ${model:-unknown CPU}, Linux $(uname -r); ${qver:-qemu-x86_64 missing}"
    echo "runs: $RUNS per measurement (+$WARMUP warm-up), median [min-max]; quick=$QUICK; took ${elapsed} s;" \
        "load average ${load_start:-?} at start, $(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null) at end"
    echo
    awk -F "$TAB" '
        BEGIN { split("figure unit faultline qemu-x86_64 native fl/qemu fl/native note", h, " ") }
        { line[NR] = $0; nf[NR] = NF
          if (NF > 1) for (i = 1; i <= NF; i++) if (length($i) > w[i]) w[i] = length($i) }
        END {
            for (i = 1; i <= 8; i++) if (length(h[i]) > w[i]) w[i] = length(h[i])
            out(h, 8)
            for (n = 1; n <= NR; n++) {
                if (nf[n] <= 1) { print ""; print line[n]; continue }
                split(line[n], f, FS)
                out(f, 8)
            }
        }
        function out(f, k,   i, s) {
            s = ""
            for (i = 1; i <= k; i++) s = s sprintf(i <= 2 || i == k ? "%-*s" : "%*s", w[i], f[i]) (i < k ? "  " : "")
            sub(/ +$/, "", s)
            print s
        }' "$T/rows"
    echo
    echo "targets"
    awk -F "$TAB" '
        { l[NR] = $0; for (i = 1; i <= NF; i++) if (length($i) > w[i]) w[i] = length($i) }
        END { for (n = 1; n <= NR; n++) { split(l[n], f, FS)
              printf "  %-*s  %*s  %-*s  %s\n", w[1], f[1], w[2], f[2], w[3], f[3], f[4] } }' "$T/targets"
}

: >"$T/rows"
: >"$T/targets"

mkdir -p "$B" || exit 2
build timeit
[ -x "$FL" ] || { echo "$ME: $FL is missing: run make first" >&2; exit 2; }
