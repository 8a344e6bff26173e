#!/bin/sh
# The fault log names the code behind each fault: testprogs/sym/symbols.c,
# built with -g (dynamic glibc and static musl), faults in touch_pages and,
# after fork, in store_after_fork, at the source lines marked "fault:";
# libc's memset faults too (named from libc6-dbg's debug file).  Kernel
# faults name their system call; reclaim names its fault; --no-symbols
# leaves the names out; no host path reaches the log.  stat --by's tables
# add up to the log's events.
. tests/check.sh
src=testprogs/sym/symbols.c
l_touch=$(grep -n 'fault: touch' $src | cut -d: -f1)
l_cow=$(grep -n 'fault: cow' $src | cut -d: -f1)

# count LOG AWK-CONDITION: events (format 2 columns: $14 object, $15
# symbol, $16 line) for which the condition holds.
count() { awk "!/^#/ && NF == 18 && ($2) { n++ } END { print n + 0 }" "$1"; }

for v in dyn musl; do
    prog=build/testprogs/symbols.$v
    "$prog"
    native=$?
    "$FL" run --env-clear -o "$tmp/$v.log" "$prog" </dev/null
    st=$?
    [ $st = $native ] && [ $st = 0 ] || bad "$v: status $st, native $native"
    n=$(count "$tmp/$v.log" "\$3 == \"demand-zero\" && \$7 == \"[anon]\" && \$15 ~ /^touch_pages\\+0x/ && \$16 == \"symbols.c:$l_touch\"")
    [ "$n" = 8 ] || bad "$v: $n demand-zero faults named touch_pages at symbols.c:$l_touch, want 8"
    n=$(count "$tmp/$v.log" "\$2 == 3 && \$3 == \"cow\" && \$6 == \"user\" && \$15 ~ /^store_after_fork\\+0x/ && \$16 == \"symbols.c:$l_cow\"")
    [ "$n" = 1 ] || bad "$v: $n cow faults of the child named store_after_fork at symbols.c:$l_cow, want 1"
    n=$(count "$tmp/$v.log" "\$6 == \"user\" && \$11 != \"-\" && \$14 == \"symbols.$v\"")
    [ "$n" -ge 9 ] || bad "$v: only $n user faults in the program itself"
    # A kernel fault inside a call names the call and its syscall instruction.
    # (glibc's syscall is in read itself, musl's in __syscall_cp_c)
    [ $v = dyn ] && fn=read || fn=syscall
    n=$(count "$tmp/$v.log" "\$3 == \"demand-zero\" && \$6 == \"kernel\" && \$7 == \"[anon]\" && \$12 == \"read\" && \$11 ~ /^0x/ && \$15 ~ /$fn/")
    [ "$n" = 1 ] || bad "$v: $n kernel faults in read naming its syscall's function, want 1"
    grep -q "$(pwd)" "$tmp/$v.log" && bad "$v: a host path is in the log"
done

# The shared library: memset in libc.so.6 clears the fresh mapping.
n=$(count "$tmp/dyn.log" '$3 == "demand-zero" && $7 == "[anon]" && $14 == "libc.so.6" && $15 ~ /memset/ && $16 ~ /^memset.*:[0-9]+$/')
[ "$n" = 4 ] || bad "dyn: $n demand-zero faults named libc's memset, want 4"

# JSON Lines: the same names as fields.
"$FL" run --env-clear --trace-format jsonl -o "$tmp/dyn.jsonl" build/testprogs/symbols.dyn </dev/null
n=$(jq -r "select(.symbol != null and (.symbol | startswith(\"touch_pages+\")) and .line == \"symbols.c:$l_touch\") | .seq" "$tmp/dyn.jsonl" | wc -l)
[ "$n" = 8 ] || bad "jsonl: $n events named touch_pages, want 8"

# --no-symbols: ip and call stay, the names go.
"$FL" run --env-clear --no-symbols -o "$tmp/nosym.log" build/testprogs/symbols.dyn </dev/null
n=$(count "$tmp/nosym.log" '$14 != "-" || $15 != "-" || $16 != "-"')
[ "$n" = 0 ] || bad "--no-symbols: $n events still named"
n=$(count "$tmp/nosym.log" '$11 ~ /^0x/')
[ "$n" -gt 10 ] || bad "--no-symbols: the instruction addresses went too"
cut -c1-110 "$tmp/dyn.log" >"$tmp/a"
cut -c1-110 "$tmp/nosym.log" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || bad "--no-symbols changed the events"

# Reclaim names the fault whose allocation made it, and that fault follows.
"$FL" run --env-clear --frames 300 -o "$tmp/press.log" build/testprogs/touch_pages.glibc mmap 400 >/dev/null </dev/null
awk '!/^#/ { ev[$1] = $3; c[$1] = $13 }
     END { for (s in c) if (c[s] != "-") { n++; if (c[s] + 0 <= s + 0 || ev[c[s]] ~ /swap-out|evict-clean|writeback/) bad++ }
           print n + 0, bad + 0 }' "$tmp/press.log" >"$tmp/causes"
read -r n nbad <"$tmp/causes"
[ "$n" -gt 100 ] && [ "$nbad" = 0 ] || bad "reclaim causes: $n events with a cause, $nbad wrong"
n=$(count "$tmp/press.log" '($3 == "swap-out" || $3 == "evict-clean") && $13 == "-"')
[ "$n" = 0 ] || bad "$n reclaim events of a fault without its cause"

# stat --by: the rows add up to the events of the log, kind by kind, for
# every key, with and without --top; the JSON log gives the same table.
events=$(grep -vc '^#' "$tmp/dyn.log")
for key in function line object syscall area; do
    for top in 0 3; do
        "$FL" stat --by $key --top $top "$tmp/dyn.log" >"$tmp/by" || bad "stat --by $key failed"
        sum=$(awk 'NR > 3 { n += $1 } END { print n + 0 }' "$tmp/by")
        [ "$sum" = "$events" ] || bad "stat --by $key --top $top: rows add up to $sum, the log has $events"
    done
    # each kind's column against the log
    awk 'NR == 3 { for (i = 3; i <= NF && $i != "'$key'"; i++) kind[i] = $i }
         NR > 3 { for (i in kind) n[kind[i]] += $i }
         END { for (k in n) print k, n[k] }' "$tmp/by" | sort >"$tmp/kinds"
    awk '!/^#/ { n[$3]++ } END { for (k in n) print k, n[k] }' "$tmp/dyn.log" | sort >"$tmp/want"
    cmp -s "$tmp/kinds" "$tmp/want" || { bad "stat --by $key: kinds do not add up"; diff "$tmp/want" "$tmp/kinds"; }
    "$FL" stat --by $key "$tmp/dyn.jsonl" | tail -n +2 >"$tmp/j"
    "$FL" stat --by $key "$tmp/dyn.log" | tail -n +2 >"$tmp/t"
    cmp -s "$tmp/j" "$tmp/t" || bad "stat --by $key: the JSON log gives another table"
done
"$FL" stat --by function "$tmp/dyn.log" | awk 'NF > 2 && $(NF-1) == "touch_pages" && $NF == "symbols.dyn" { print $1 }' >"$tmp/n"
[ "$(cat "$tmp/n")" = 8 ] || bad "stat --by function: touch_pages has $(cat "$tmp/n") events, want 8"
# with a filter: only the cow events of pid 3 (the child), which add up too
"$FL" stat --by function --trace-filter event=cow --trace-filter pid=3 "$tmp/dyn.log" >"$tmp/by"
want=$(awk '!/^#/ && $2 == 3 && $3 == "cow"' "$tmp/dyn.log" | wc -l)
sum=$(awk 'NR > 3 { n += $1 } END { print n + 0 }' "$tmp/by")
[ "$sum" = "$want" ] && [ "$want" -gt 0 ] || bad "stat --by function with a filter: $sum events, want $want"
grep -q ' store_after_fork  *symbols.dyn$' "$tmp/by" || bad "stat --by function with a filter: no store_after_fork row"
# reclaim counts for the fault that made it: touch_pages's row has swap-outs
"$FL" stat --by function "$tmp/press.log" >"$tmp/by"
awk 'NR == 3 { for (i = 1; i <= NF; i++) if ($i == "swap-out") c = i } NF > 2 && $(NF-1) == "main" { print $c }' "$tmp/by" >"$tmp/n"
[ "$(cat "$tmp/n")" -gt 0 ] 2>/dev/null || bad "stat --by function: main's row has no swap-outs: $(cat "$tmp/by")"
# a log of format 1 (no names) reads, and every event falls in one row
awk '/^#/ { print; next } { s = $1; for (i = 2; i <= 10; i++) s = s " " $i; print s }' "$tmp/dyn.log" >"$tmp/old.log"
"$FL" stat --by function "$tmp/old.log" >"$tmp/by" || bad "stat --by of an old log failed"
grep -q "$events events by function, 1 row" "$tmp/by" || bad "stat --by of an old log: $(head -1 "$tmp/by")"
"$FL" stat --by nothing "$tmp/dyn.log" 2>/dev/null
[ $? = 125 ] || bad "stat --by nothing is no usage error"

[ $fail = 0 ] && echo "symbols: functions, lines, calls and causes named"
exit $fail
