#!/bin/sh
# faultline sweep: one row per DRAM size and policy, each equal to a run of
# its own; LRU's curve never rises with more frames on a scan (the stack
# property); FIFO's rises somewhere on the Belady testprog (the anomaly);
# text and JSON agree, parallel and serial runs agree, the SVG renders.
. tests/check.sh

# LRU on a sequential workload over 10 sizes: non-increasing.
"$FL" sweep --frames 150..600/10 --policy lru build/testprogs/touch_pages.musl mmap 400 \
    >"$tmp/lru" 2>"$tmp/err" </dev/null || bad "sweep lru: status $?"
[ -s "$tmp/err" ] && bad "sweep wrote to stderr off a terminal: $(head -2 "$tmp/err")"
head -1 "$tmp/lru" | grep -q '^# *frames policy *major *swap-out *minor' || bad "sweep header: $(head -1 "$tmp/lru")"
[ "$(grep -vc '^#' "$tmp/lru")" = 10 ] || bad "sweep lru: $(grep -vc '^#' "$tmp/lru") rows, want 10"
awk '!/^#/ { if (n++ && $3 > last) { print "rises at " $1 ": " last " -> " $3; exit 1 } last = $3 }' "$tmp/lru" ||
    bad "LRU's curve rises: $(cat "$tmp/lru")"
first=$(awk '!/^#/ { print $3; exit }' "$tmp/lru")
lastv=$(awk '!/^#/ { v = $3 } END { print v }' "$tmp/lru")
[ "$first" -gt "$lastv" ] || bad "LRU: more DRAM took no fewer faults ($first, $lastv)"

# Belady's anomaly under FIFO: somewhere more frames take more major faults.
"$FL" sweep --frames 200..420/12 --policy fifo,lru -o "$tmp/curve.svg" build/testprogs/belady.nolibc \
    >"$tmp/belady" </dev/null || bad "sweep belady: status $?"
awk '!/^#/ && $2 == "fifo" { if (n++ && $3 > last) up = 1; last = $3 } END { exit !up }' "$tmp/belady" ||
    bad "FIFO shows no anomaly on belady: $(cat "$tmp/belady")"

# Each row is exactly a run of its own: major and swap-out from its log.
row=$(awk '!/^#/ && $2 == "fifo" && $1 == 300' "$tmp/belady")
"$FL" run --frames 300 --policy fifo -o "$tmp/run.log" build/testprogs/belady.nolibc </dev/null
major=$(awk '!/^#/ && ($3 == "file-read" || $3 == "swap-in")' "$tmp/run.log" | wc -l)
out=$(awk '!/^#/ && $3 == "swap-out"' "$tmp/run.log" | wc -l)
minor=$(awk '!/^#/ && ($3 == "demand-zero" || $3 == "cache-hit" || $3 ~ /^cow/)' "$tmp/run.log" | wc -l)
echo "$row" | awk -v m="$major" -v o="$out" -v n="$minor" '{ exit !($3 == m && $4 == o && $5 == n) }' ||
    bad "sweep's row '$row' is not the run's: major $major, swap-out $out, minor $minor"

# The SVG renders and has a curve per policy and a mark per run.
command -v rsvg-convert >/dev/null && { rsvg-convert "$tmp/curve.svg" -o "$tmp/curve.png" || bad "the SVG does not render"; }
[ "$(grep -c '<polyline' "$tmp/curve.svg")" = 2 ] || bad "SVG: not one curve per policy"
[ "$(grep -c 'class="point"' "$tmp/curve.svg")" = 24 ] || bad "SVG: not one mark per run"

# JSON Lines: the same numbers; one job at a time: the same rows.
"$FL" sweep --format jsonl --jobs 1 --frames 200..420/12 --policy fifo,lru build/testprogs/belady.nolibc \
    >"$tmp/j" </dev/null || bad "sweep jsonl: status $?"
jq -r '"\(.frames) \(.policy) \(.major) \(.swap_out) \(.minor) \(.status)"' "$tmp/j" >"$tmp/jt"
awk '!/^#/ { print $1, $2, $3, $4, $5, $NF }' "$tmp/belady" >"$tmp/tt"
cmp -s "$tmp/jt" "$tmp/tt" || { bad "jsonl and text (or --jobs 1 and parallel) differ"; diff "$tmp/tt" "$tmp/jt" | head; }

# A list of sizes, run options passed on, the program's status kept.
"$FL" sweep --frames 300,600 --env-clear build/testprogs/munmap_touch.musl >"$tmp/st" </dev/null
awk '!/^#/ { print $NF }' "$tmp/st" | sort -u >"$tmp/sts"
[ "$(cat "$tmp/sts")" = 139 ] || bad "sweep: the program's status is not in the rows: $(cat "$tmp/st")"
# usage errors
for args in "--frames 10 /bin/true" "--frames 9..4/3 /bin/true" "--policy lfu /bin/true" "--bogus /bin/true" ""; do
    # shellcheck disable=SC2086
    "$FL" sweep $args >/dev/null 2>&1 </dev/null
    [ $? = 125 ] || bad "sweep $args: not a usage error"
done

[ $fail = 0 ] && echo "sweep: rows exact, LRU non-increasing, FIFO's anomaly shown, SVG renders"
exit $fail
