#!/bin/sh
# shellcheck disable=SC2086,SC2046 # $FL_OPTS and $(under ...) are word lists, split on purpose
# shellcheck disable=SC2016 # the perl, awk and make text in single quotes is theirs to expand
# bench/programs.sh - the real-program suite: Debian's own programs under
# faultline, qemu-user and the host, on inputs made here from fixed seeds,
# every output checked against the native one.  See bench/README.md, "The
# real-program suite".
#
#   BENCH_RUNS=N     timed runs per measurement (default 5; 1 with BENCH_QUICK)
#   BENCH_QUICK=1    smoke run: small inputs, 1 run, no warm-up
#   FAULTLINE=PATH   the binary to measure (default build/faultline)
#   TMPDIR           where the inputs and outputs go (about 80 MB)
#
# Every timed run goes through build/bench/timeit (bench/lib.sh).  The table
# goes to stdout and to bench/results-programs.txt.  Exits 0 even when
# targets are missed (the table says so); 2 when it cannot build timeit,
# find faultline or make the inputs.
set -u

cd "$(dirname "$0")/.." || exit 2
QUICK=${BENCH_QUICK:-0}
[ "$QUICK" = 1 ] && RUNS=${BENCH_RUNS:-1} || RUNS=${BENCH_RUNS:-5}
[ "$QUICK" = 1 ] && WARMUP=0 || WARMUP=1
FL=${FAULTLINE:-build/faultline}
FL_OPTS="--frames 262144" # 1 GiB of DRAM: nothing here is evicted or swapped
QEMU=qemu-x86_64
B=build/bench
RESULTS=bench/results-programs.txt
case "$RUNS" in '' | *[!0-9]* | 0) echo "programs.sh: BENCH_RUNS must be a positive integer" >&2; exit 2 ;; esac

# Sizes: each native run takes 0.1-0.3 s on the machine of bench/README.md.
if [ "$QUICK" = 1 ]; then
    TEXT=500000 GZ=131072 XZ=32768 RAND=4194304 PYN=1500 ROWS=8000 APPLETS=30 UNITS=3
else
    TEXT=4000000 GZ=1000000 XZ=262144 RAND=33554432 PYN=10000 ROWS=50000 APPLETS=300 UNITS=6
fi
PROGS="perl python3 gawk gzip xz sha256sum sort sqlite3"
export LC_ALL=C # the same collation, messages and number format for every peer

ME=programs.sh
. bench/lib.sh # T, timeit, the check for $FL

# --- inputs -----------------------------------------------------------------------

progress "inputs: $TEXT bytes of text, $RAND random bytes (fixed seeds)"
if ! { python3 bench/inputs.py "$T" "$TEXT" "$RAND" &&
    head -c "$GZ" "$T/text.txt" >"$T/text-gz.txt" &&
    head -c "$XZ" "$T/text.txt" >"$T/text-xz.txt" &&
    printf 'alpha beta\ngamma delta\nepsilon zeta\n' >"$T/small.txt"; }; then
    echo "programs.sh: cannot make the inputs in $T" >&2
    exit 2
fi
cat >"$T/work.sql" <<EOF
CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT);
BEGIN;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $ROWS)
INSERT INTO t(k, v) SELECT (i * 7919) % 1000, printf('row %d of $ROWS', i) FROM c;
COMMIT;
SELECT k, count(*), sum(length(v)), min(id), max(id) FROM t GROUP BY k ORDER BY k;
EOF

# project DIR N: a C project of N files (main.c and N-1 units of one
# function each) with a Makefile that builds DIR/prog from them.
project() {
    mkdir -p "$1" || return 1
    objs="main.o"
    { echo "#include <stdio.h>"; echo; } >"$1/main.c"
    i=1
    while [ "$i" -lt "$2" ]; do
        printf '%s\n' "/* f$i: one unit of the generated project */" \
            "unsigned long f$i(unsigned long x)" "{" "    unsigned long h = $i;" \
            "    for (int k = 0; k < 1000; k++)" "        h = h * 31 + (x ^ (unsigned long)k) % ($i + 7);" \
            "    return h;" "}" >"$1/f$i.c"
        echo "unsigned long f$i(unsigned long);" >>"$1/main.c"
        objs="$objs f$i.o"
        i=$((i + 1))
    done
    { echo; echo "int main(void)"; echo "{"
      i=1
      while [ "$i" -lt "$2" ]; do printf '    printf("f%d %%lu\\n", f%d(%d));\n' "$i" "$i" "$i"; i=$((i + 1)); done
      echo "    return 0;"; echo "}"; } >>"$1/main.c"
    printf 'CFLAGS = -O2\nOBJS = %s\n\nprog: $(OBJS)\n\t$(CC) -o $@ $(OBJS)\n' "$objs" >"$1/Makefile"
}
project "$T/proj" "$UNITS" || { echo "programs.sh: cannot write the project in $T" >&2; exit 2; }

# --- checking ---------------------------------------------------------------------

# digest R ID CMD...: after a timed run of ID (not the warm-up), the md5 of
# what CMD prints goes on a line of $T/ID.sum.
digest() {
    [ "$1" = 0 ] && return 0
    sum=$T/$2.sum
    shift 2
    "$@" </dev/null 2>/dev/null | md5sum >>"$sum"
}

# checked R ID CMD...: once, and the md5 of this run's stdout in $T/ID.sum.
checked() {
    : >"$T/$2.out"
    once "$@"
    digest "$1" "$2" cat "$T/$2.out"
}

# wrong ID REF: true when a run of ID gave another digest than REF's first run.
wrong() {
    [ -s "$T/$1.sum" ] && [ -s "$T/$2.sum" ] || return 1
    grep -qvxF "$(head -n 1 "$T/$2.sum")" "$T/$1.sum"
}

# pcell ID REF: cell of wall times, or the failure, or WRONG.
pcell() {
    why=$(failed "$1") && { echo "$why"; return; }
    wrong "$1" "$2" && { echo "WRONG (output differs from native)"; return; }
    cell "$1" wall
}

# pmedian ID REF: the median wall time, empty when failed or WRONG.
pmedian() { wrong "$1" "$2" || median "$1" wall; }

# under PEER: the words that run a command under PEER (fl, qemu or nat),
# for "set -- $(under PEER) CMD": none of them contain blanks.
under() {
    case $1 in
        fl) echo "$FL run $FL_OPTS" ;;
        qemu) echo "$QEMU" ;;
    esac
}

# --- 1. single process ------------------------------------------------------------

# single R PEER NAME: one run of program NAME under PEER.
single() {
    r=$1 key=$3_$2 name=$3
    set -- $(under "$2")
    case $name in
        perl) set -- "$@" /usr/bin/perl -ne \
            '$n{$_}++ for split; END { print "$_ $n{$_}\n" for sort keys %n }' "$T/text.txt" ;;
        python3) set -- "$@" /usr/bin/python3 bench/pywork.py "$PYN" ;;
        gawk) set -- "$@" /usr/bin/gawk '{ for (i = 1; i <= NF; i++) n[$i]++ }
            END { PROCINFO["sorted_in"] = "@ind_str_asc"; for (w in n) print w, n[w] }' "$T/text.txt" ;;
        gzip) set -- "$@" /usr/bin/gzip -9 -c "$T/text-gz.txt" ;;
        xz) set -- "$@" /usr/bin/xz -T1 -c "$T/text-xz.txt" ;;
        sha256sum) set -- "$@" /usr/bin/sha256sum "$T/random.bin" ;;
        sort) set -- "$@" /usr/bin/sort -S 200K -T "$T" "$T/text.txt" ;;
        sqlite3) rm -f "$T/db.sqlite"
            set -- "$@" /usr/bin/sqlite3 -batch "$T/db.sqlite" ".read $T/work.sql" ;;
    esac
    checked "$r" "$key" "$@"
}

# what NAME: the row's label and note for program NAME.
what() {
    kb=$(((TEXT + 500) / 1000))
    case $1 in
        perl) echo "perl word count${TAB}hash of words, $kb kB text" ;;
        python3) echo "python3 json+zlib+re${TAB}$PYN records (bench/pywork.py)" ;;
        gawk) echo "gawk word count${TAB}array of words, $kb kB text" ;;
        gzip) echo "gzip -9 -c${TAB}$((GZ / 1000)) kB text" ;;
        xz) echo "xz -T1 -c${TAB}$((XZ / 1000)) kB text (preset 6)" ;;
        sha256sum) echo "sha256sum${TAB}$((RAND / 1048576)) MiB random bytes" ;;
        sort) echo "sort -S 200K${TAB}$kb kB text, merged through files" ;;
        sqlite3) echo "sqlite3 insert+group by${TAB}$ROWS rows in a transaction, 1000 groups" ;;
    esac
}

progress "1/3 single process: $PROGS"
for r in $(runs "$RUNS"); do
    for p in $PROGS; do
        for peer in fl qemu nat; do single "$r" "$peer" "$p"; done
    done
done
section "1. Single process: Debian's binaries, whole run (faultline $FL_OPTS: 1 GiB DRAM, no swapping)"
for p in $PROGS; do
    fl=$(pmedian "${p}_fl" "${p}_nat") qe=$(pmedian "${p}_qemu" "${p}_nat") na=$(pmedian "${p}_nat" "${p}_nat")
    label=$(what "$p")
    row "${label%%"$TAB"*}" ms "$(pcell "${p}_fl" "${p}_nat")" "$(pcell "${p}_qemu" "${p}_nat")" \
        "$(pcell "${p}_nat" "${p}_nat")" "$(ratio "$fl" "$qe")" "$(ratio "$fl" "$na")" "${label#*"$TAB"}"
    target "1 ${label%%"$TAB"*}, faultline/qemu" "$(ratio "$fl" "$qe")" 1.0
done

# --- 2. applet loop ---------------------------------------------------------------

# applets R PEER: one run of the applet loop, each applet under PEER.
applets() {
    case $2 in
        fl) set -- "$1" "$2" "$FL" run /bin/busybox ;;
        qemu) set -- "$1" "$2" "$QEMU" /bin/busybox ;;
        nat) set -- "$1" "$2" /bin/busybox ;;
    esac
    r=$1 key=app_$2
    shift 2
    checked "$r" "$key" /bin/sh bench/applets.sh "$APPLETS" "$T/small.txt" "$@"
}

# per ID NEW N: $T/NEW, a copy of ID's results with its wall times divided by N.
per() {
    awk -v n="$3" '{ $1 = $1 / n; print }' "$T/$1.time" >"$T/$2.time"
    for f in err sum; do [ -e "$T/$1.$f" ] && cp "$T/$1.$f" "$T/$2.$f"; done
}

progress "2/3 applet loop: $APPLETS busybox applets a run"
for r in $(runs "$RUNS"); do
    for peer in fl qemu nat; do applets "$r" "$peer"; done
done
section "2. Applet loop: bench/applets.sh runs $APPLETS busybox applets, each a new emulator (faultline's default DRAM)"
for peer in fl qemu nat; do per "app_$peer" "one_$peer" "$APPLETS"; done
for k in app one; do
    fl=$(pmedian "${k}_fl" app_nat) qe=$(pmedian "${k}_qemu" app_nat) na=$(pmedian "${k}_nat" app_nat)
    [ $k = app ] && label="total, $APPLETS applets" || label="per applet"
    row "$label" ms "$(pcell "${k}_fl" app_nat)" "$(pcell "${k}_qemu" app_nat)" "$(pcell "${k}_nat" app_nat)" \
        "$(ratio "$fl" "$qe")" "$(ratio "$fl" "$na")" "static busybox (busybox-static)"
    [ $k = app ] && target "2 applet loop, faultline/qemu" "$(ratio "$fl" "$qe")" 0.5
done

# --- 3. many processes ------------------------------------------------------------

# many R PEER NAME: one run of the many-process job NAME under PEER (fl or
# nat), from a clean start, and the digest of what it made.
many() {
    r=$1 key=$3_$2 name=$3
    set -- $(under "$2")
    case $name in
        gcc) rm -f "$T/hello"
            once "$r" "$key" "$@" /usr/bin/gcc -O2 -o "$T/hello" bench/hello.c
            digest "$r" "$key" "$T/hello" ;;
        make) rm -rf "$T/mk" && cp -R "$T/proj" "$T/mk"
            once "$r" "$key" "$@" /usr/bin/make -j2 -C "$T/mk"
            digest "$r" "$key" "$T/mk/prog" ;;
        venv) rm -rf "$T/venv"
            once "$r" "$key" "$@" /usr/bin/python3 -m venv --without-pip "$T/venv"
            digest "$r" "$key" "$T/venv/bin/python" -c 'import sys; print(sys.prefix != sys.base_prefix)' ;;
    esac
}

progress "3/3 many processes: gcc hello, make -j2 of $UNITS files, python3 -m venv"
for r in $(runs "$RUNS"); do
    for job in gcc make venv; do
        for peer in fl nat; do many "$r" "$peer" "$job"; done
    done
done
section "3. Many processes, whole run (faultline $FL_OPTS; qemu-user runs the children natively: no peer)"
for job in gcc make venv; do
    fl=$(pmedian "${job}_fl" "${job}_nat") na=$(pmedian "${job}_nat" "${job}_nat")
    case $job in
        gcc) label="gcc -O2 hello.c" note="cc1, as, collect2, ld; the program's output checked" limit=8 ;;
        make) label="make -j2, $UNITS files" note="fresh copy each run; prog's output checked" limit="" ;;
        venv) label="python3 -m venv" note="--without-pip; DIR/bin/python checked" limit=4 ;;
    esac
    row "$label" ms "$(pcell "${job}_fl" "${job}_nat")" "-" "$(pcell "${job}_nat" "${job}_nat")" \
        "-" "$(ratio "$fl" "$na")" "$note"
    [ -n "$limit" ] && target "3 $label, faultline/native" "$(ratio "$fl" "$na")" "$limit"
done

# --- the table --------------------------------------------------------------------

table "faultline real-program bench" >"$T/table"
cat "$T/table"
cp "$T/table" "$RESULTS" && echo "(written to $RESULTS)" >&2
exit 0
