#!/bin/sh
# faultline stat and plot on real fault logs.  stat's numbers are checked
# against counts taken from the same log with awk; every JSON Lines line is
# checked with jq and with python3; the SVG must render with rsvg-convert
# and hold a legend entry per event kind, the area bands and one mark per
# event (or merged marks that add up to the events).  Error paths too.
#
# Run from the repository root with FL set to the faultline binary; builds
# nothing (needs build/testprogs).  Needs jq, python3 and rsvg-convert
# (apt-get install -y librsvg2-bin jq).
set -u
FL=${FL:?set FL to the faultline binary}
for tool in awk jq python3 rsvg-convert; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "stat_plot: $tool is missing (apt-get install -y librsvg2-bin jq)"
        exit 1
    }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# expect_eq WHAT GOT WANT
expect_eq() {
    [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# --- reading stat's output --------------------------------------------------

# total STATFILE LABEL: the number on the totals line LABEL.
total() {
    awk -v k="$2" '/^totals/ { s = 1; next } /^$/ { s = 0 }
                   s && index($0, "  " k " ") == 1 { sub("^  " k " +", ""); print $1; exit }' "$1"
}

# row STATFILE SECTION KEY COLUMN: column COLUMN of the row whose first
# field is KEY in the section whose title starts with SECTION.
row() {
    awk -v sec="$2" -v k="$3" -v c="$4" 'index($0, sec) == 1 { s = 1; next } /^$/ { s = 0 }
                                         s && $1 == k { print $c; exit }' "$1"
}

# --- counts from the text log itself ------------------------------------------

events_of() { grep -vc '^#' "$1"; }
kind_count() { awk -v e="$2" '!/^#/ && $3 == e { n++ } END { print n + 0 }' "$1"; }
pid_count() { awk -v p="$2" '!/^#/ && $2 == p { n++ } END { print n + 0 }' "$1"; }
kinds_count() { # LOG KIND...
    log=$1
    shift
    n=0
    for k in "$@"; do
        n=$((n + $(kind_count "$log" "$k")))
    done
    echo $n
}

# --- the checks ----------------------------------------------------------------

run_both() { # NAME PROG ARGS...: NAME.log (text) and NAME.jsonl
    name=$1
    shift
    "$FL" run --env-clear -o "$tmp/$name.log" "$@" >/dev/null 2>"$tmp/$name.err" </dev/null ||
        fail "$name: run exited $?: $(head -3 "$tmp/$name.err")"
    "$FL" run --env-clear --trace-format jsonl -o "$tmp/$name.jsonl" "$@" >/dev/null \
        2>>"$tmp/$name.err" </dev/null || fail "$name: jsonl run exited $?"
}

check_stat() { # NAME: stat of the text log against awk, and the same for jsonl
    name=$1
    log=$tmp/$name.log
    st=$tmp/$name.stat
    "$FL" stat "$log" >"$st" 2>"$tmp/$name.stat.err" || fail "$name: stat exited $?"
    [ -s "$tmp/$name.stat.err" ] && fail "$name: stat wrote to stderr"
    expect_eq "$name events" "$(total "$st" events)" "$(events_of "$log")"
    expect_eq "$name processes" "$(total "$st" processes)" \
        "$(awk '!/^#/ && $2 != 0 { print $2 }' "$log" | sort -u | wc -l | tr -d ' ')"
    expect_eq "$name distinct pages" "$(total "$st" 'distinct pages')" \
        "$(awk '!/^#/ && $2 != 0 { print $4 }' "$log" | sort -u | wc -l | tr -d ' ')"
    expect_eq "$name major" "$(total "$st" 'major faults')" \
        "$(kinds_count "$log" file-read swap-in)"
    expect_eq "$name minor" "$(total "$st" 'minor faults')" \
        "$(kinds_count "$log" demand-zero cache-hit cow cow-reuse)"
    for k in demand-zero file-read cow cow-reuse swap-in swap-out segv; do
        expect_eq "$name $k" "$(row "$st" 'by event' "$k" 2)" "$(kind_count "$log" "$k")"
    done
    for p in $(awk '!/^#/ { print $2 }' "$log" | sort -un); do
        expect_eq "$name events of pid $p" "$(row "$st" 'by pid' "$p" 2)" "$(pid_count "$log" "$p")"
    done
    for a in '[heap]' '[stack]'; do
        expect_eq "$name events in $a" "$(row "$st" 'by area' "$a" 2)" \
            "$(awk -v a="$a" '!/^#/ && $7 == a { n++ } END { print n + 0 }' "$log")"
    done
    # The hottest pages: most events first, ties by address.
    awk '!/^#/ && $2 != 0 { n[$4]++ } END { for (p in n) print p, n[p] }' "$log" |
        sort -k2,2nr -k1,1 | head -10 >"$tmp/$name.hot.want"
    awk '/^hottest pages/ { s = 1; getline; next } s && NF { print $1, $2 }' "$st" \
        >"$tmp/$name.hot.got"
    cmp -s "$tmp/$name.hot.want" "$tmp/$name.hot.got" || fail "$name: hottest pages differ:
$(diff "$tmp/$name.hot.want" "$tmp/$name.hot.got")"
    # The JSON Lines log of the same run says the same, also through stdin.
    "$FL" stat - <"$tmp/$name.jsonl" >"$tmp/$name.jstat" || fail "$name: stat of jsonl exited $?"
    tail -n +2 "$st" >"$tmp/$name.a"
    tail -n +2 "$tmp/$name.jstat" >"$tmp/$name.b"
    cmp -s "$tmp/$name.a" "$tmp/$name.b" || fail "$name: stat of text and jsonl differ"
}

check_jsonl() { # NAME: one object a line with every field, as jq and python see it
    name=$1
    j=$tmp/$name.jsonl
    expect_eq "$name jsonl lines" "$(wc -l <"$j" | tr -d ' ')" "$(events_of "$tmp/$name.log")"
    jq -e . "$j" >/dev/null || fail "$name: jq -e . rejects $name.jsonl"
    # Each line on its own: exactly one object, with every field.
    jq -R -c 'fromjson | type == "object" and has("seq") and has("pid") and has("event")
              and has("vpage") and has("access") and has("mode") and has("area")
              and has("frame") and has("detail")' "$j" >"$tmp/$name.jcheck" ||
        fail "$name: jq rejects a line of $name.jsonl"
    expect_eq "$name jsonl lines that are whole events" "$(grep -c '^true$' "$tmp/$name.jcheck")" \
        "$(events_of "$tmp/$name.log")"
    python3 -m json.tool --json-lines "$j" >/dev/null || fail "$name: python3 json.tool rejects it"
    # Field for field, the same events as the text log.
    jq -r '[.seq, .pid, .event, .vpage, .access, .mode, .area, (.frame // "-"), .detail]
           | map(tostring) | join(" ")' "$j" >"$tmp/$name.jfields"
    awk '!/^#/ { print $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$tmp/$name.log" >"$tmp/$name.tfields"
    cmp -s "$tmp/$name.jfields" "$tmp/$name.tfields" || fail "$name: jsonl and text logs differ"
}

# mark_sum SVG: events the marks stand for (a title "#seq ..." is one event,
# "N kind events ..." is N).
mark_sum() {
    sed -n 's/.*class="mark".*<title>\([^<]*\)<\/title>.*/\1/p' "$1" |
        awk '/^#/ { n++; next } { n += $1 } END { print n + 0 }'
}

check_svg() { # NAME SVG LOG: renders, legend per kind, bands, marks per kind
    name=$1
    svg=$2
    log=$3
    rsvg-convert -o "$tmp/$name.png" "$svg" || fail "$name: rsvg-convert exited $?"
    size=$(wc -c <"$tmp/$name.png" | tr -d ' ')
    [ "$size" -gt 8000 ] || fail "$name: PNG of only $size bytes"
    head -c 8 "$tmp/$name.png" | od -An -c | grep -q 'P   N   G' || fail "$name: not a PNG"
    for k in $(awk '!/^#/ { print $3 }' "$log" | sort -u); do
        c=$(kind_count "$log" "$k")
        grep -q "class=\"legend\"[^>]*>$k ($c)</text>" "$svg" || fail "$name: no legend '$k ($c)'"
        got=$(awk -v g="class=\"marks ev-$k\"" 'index($0, g) { s = 1; next } /^<\/g>/ { s = 0 }
                                                s && /class="mark"/ { print }' "$svg" >"$tmp/m"
              mark_sum "$tmp/m")
        expect_eq "$name: events drawn as $k marks" "$got" "$c"
    done
    grep -q 'class="band-label"[^>]*>\[heap\]</text>' "$svg" || fail "$name: no [heap] band"
    grep -q 'class="band-label"[^>]*>\[stack\]</text>' "$svg" || fail "$name: no [stack] band"
    grep -q 'class="addr"[^>]*>0x7ffffff[0-9a-f]*</text>' "$svg" || fail "$name: no stack address"
    grep -q 'class="addr"[^>]*>0x4[0-9a-f]\{5\}</text>' "$svg" || fail "$name: no image address"
    expect_eq "$name: events behind the marks" "$(mark_sum "$svg")" "$(events_of "$log")"
}

check_plot() { # NAME: the default plot of the text and of the jsonl log
    name=$1
    "$FL" plot "$tmp/$name.log" -o "$tmp/$name.svg" || fail "$name: plot exited $?"
    check_svg "$name" "$tmp/$name.svg" "$tmp/$name.log"
    # Fewer events than pixel columns: one mark per event.
    expect_eq "$name: marks" "$(grep -c 'class="mark"' "$tmp/$name.svg")" \
        "$(events_of "$tmp/$name.log")"
    "$FL" plot "$tmp/$name.log" -o "$tmp/$name.2.svg" || fail "$name: second plot exited $?"
    cmp -s "$tmp/$name.svg" "$tmp/$name.2.svg" || fail "$name: plot is not deterministic"
    "$FL" plot --title "$name" -o "$tmp/$name.j.svg" "$tmp/$name.jsonl" || fail "$name: jsonl plot"
    "$FL" plot --title "$name" -o "$tmp/$name.t.svg" "$tmp/$name.log" || fail "$name: titled plot"
    cmp -s "$tmp/$name.j.svg" "$tmp/$name.t.svg" || fail "$name: plots of text and jsonl differ"
}

for prog in build/testprogs/fork_cow.glibc build/testprogs/touch_pages.glibc; do
    [ -x "$prog" ] || { echo "stat_plot: $prog is missing (make testprogs)"; exit 1; }
done

run_both fork_cow build/testprogs/fork_cow.glibc
run_both touch build/testprogs/touch_pages.glibc mmap 64
for name in fork_cow touch; do
    check_stat "$name"
    check_jsonl "$name"
    check_plot "$name"
done
expect_eq "fork_cow processes" "$(total "$tmp/fork_cow.stat" processes)" 2
expect_eq "touch demand-zero in [anon]" "$(row "$tmp/touch.stat" 'by area' '[anon]' 3)" 64

# More events than pixel columns: marks merge but still add up, and it renders.
"$FL" run --env-clear -o "$tmp/many.log" build/testprogs/touch_pages.glibc mmap 3000 \
    >/dev/null 2>&1 || fail "many: run exited $?"
"$FL" plot --width 400 --height 200 --title 'a <&> "title"' "$tmp/many.log" -o "$tmp/many.svg" ||
    fail "many: plot exited $?"
check_svg many "$tmp/many.svg" "$tmp/many.log"
marks=$(grep -c 'class="mark"' "$tmp/many.svg")
[ "$marks" -lt "$(events_of "$tmp/many.log")" ] || fail "many: $marks marks were not merged"
grep -q '<title>a &lt;&amp;&gt; &quot;title&quot;</title>' "$tmp/many.svg" ||
    fail "many: title not escaped"

# --- errors ----------------------------------------------------------------------
# expect_error STATUS PATTERN CMD...: exit STATUS and nothing on stdout; a bad
# trace (1) gives one line on stderr, a usage error (125) the line and a hint.
expect_error() {
    want=$1
    pat=$2
    shift 2
    "$@" >"$tmp/err.out" 2>"$tmp/err.err"
    got=$?
    expect_eq "status of $*" "$got" "$want"
    [ -s "$tmp/err.out" ] && fail "$*: wrote to stdout"
    lines=1
    [ "$want" = 125 ] && lines=2
    expect_eq "stderr lines of $*" "$(wc -l <"$tmp/err.err" | tr -d ' ')" $lines
    head -1 "$tmp/err.err" | grep -q -- "$pat" ||
        fail "$*: stderr '$(cat "$tmp/err.err")' lacks '$pat'"
}

head -5 "$tmp/fork_cow.log" >"$tmp/bad.log"
echo '       5    1 cow         0x0000004a5000 W   user' >>"$tmp/bad.log"
expect_error 1 "bad.log:6: truncated line: no area field" "$FL" stat "$tmp/bad.log"
expect_error 1 "bad.log:6: truncated line" "$FL" plot "$tmp/bad.log" -o "$tmp/bad.svg"
[ -e "$tmp/bad.svg" ] && fail "plot of a bad log left $tmp/bad.svg"
head -3 "$tmp/fork_cow.jsonl" >"$tmp/bad.jsonl"
echo '{"seq":4,"pid":1,"event":"teleport"}' >>"$tmp/bad.jsonl"
expect_error 1 "bad.jsonl:4: unknown event 'teleport'" "$FL" stat "$tmp/bad.jsonl"
printf '\177ELF\002\001\001\000\000\000\003\000>\000\n' >"$tmp/binary.log"
expect_error 1 "binary.log:1: binary data" "$FL" stat "$tmp/binary.log"
expect_error 1 "cannot read $tmp/none.log" "$FL" stat "$tmp/none.log"
expect_error 125 "plot needs -o FILE.svg" "$FL" plot "$tmp/fork_cow.log"
expect_error 125 "stat needs exactly one TRACE" "$FL" stat
expect_error 125 "--top must be a number" "$FL" stat --top many "$tmp/fork_cow.log"
expect_error 125 "--width must be" "$FL" plot --width 5 -o "$tmp/x.svg" "$tmp/fork_cow.log"
"$FL" stat --help | grep -q '^usage: faultline stat' || fail "stat --help"
"$FL" plot --help | grep -q '^usage: faultline plot' || fail "plot --help"

# --memory: a second panel with each process's resident pages and the swap
# slots, from the log's rss and swap columns; its scale is their maximum.
"$FL" run --env-clear --frames 300 -o "$tmp/mem.log" build/testprogs/touch_pages.glibc mmap 400 >/dev/null 2>&1 </dev/null
"$FL" plot --memory "$tmp/mem.log" -o "$tmp/mem.svg" || fail "plot --memory: status $?"
rsvg-convert "$tmp/mem.svg" -o "$tmp/mem.png" || fail "plot --memory: the SVG does not render"
pids=$(awk '!/^#/ && $2 != 0 { print $2 }' "$tmp/mem.log" | sort -u | wc -l)
[ "$(grep -c '<polyline class="rss"' "$tmp/mem.svg")" = "$pids" ] || fail "plot --memory: not one line per process ($pids)"
[ "$(grep -c '<polyline class="swap"' "$tmp/mem.svg")" = 1 ] || fail "plot --memory: no swap line"
top=$(awk '!/^#/ { if ($2 != 0 && $17 > m) m = $17; if ($18 > m) m = $18 } END { print m }' "$tmp/mem.log")
grep -q "text-anchor=\"end\">$top</text>" "$tmp/mem.svg" || fail "plot --memory: the scale does not reach $top"
swaps=$(awk '!/^#/ && $18 > 0' "$tmp/mem.log" | wc -l)
[ "$swaps" -gt 0 ] || fail "plot --memory: the run used no swap (pick a smaller --frames)"
awk '/^#/ { next } { s = $1; for (i = 2; i <= 10; i++) s = s " " $i; print s }' "$tmp/mem.log" >"$tmp/old.log"
expect_error 1 "has no rss and swap columns" "$FL" plot --memory "$tmp/old.log" -o "$tmp/old.svg"

if [ "$failures" -ne 0 ]; then
    echo "stat_plot: $failures failures"
    exit 1
fi
echo "stat_plot: ok"
