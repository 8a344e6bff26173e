#!/bin/sh
# Memory pressure: a program touching three times the DRAM, twice, checks
# every word under each policy; pages go to swap and come back; too little
# swap is ENOMEM (strict) or the OOM killer (overcommit); MAP_SHARED writes
# reach the file through a tiny DRAM; truncation gives SIGBUS; and 1 GiB
# goes through 64 MiB of DRAM.
. tests/check.sh

# A page that went out to swap and came back in, in one process.
swapped_and_back() {
    awk '$3 == "swap-out" { out[$2 " " $4] = 1 }
         $3 == "swap-in" && out[$2 " " $4] { found = 1 }
         END { exit !found }' "$1"
}

for policy in clock fifo lru random; do
    for libc in glibc musl; do
        log=$tmp/$policy.$libc.log
        "$FL" run --env-clear --frames 1024 --swap-pages 4096 --policy $policy --summary -o "$log" \
            build/testprogs/swap_verify.$libc 3072 >"$tmp/out" 2>"$tmp/err" </dev/null
        st=$?
        [ $st = 0 ] && grep -q "3072 pages verified twice" "$tmp/out" ||
            bad "$policy/$libc: status $st, $(cat "$tmp/out")"
        swapped_and_back "$log" || bad "$policy/$libc: no page went to swap and came back"
        peak=$(sed -n 's/.*peak in use \([0-9]*\), page tables.*/\1/p' "$tmp/err")
        [ "${peak:-99999}" -le 1024 ] || bad "$policy/$libc: peak frames $peak over --frames 1024"
    done
done

# The random policy is random by its seed only.
for run in 1 2; do
    "$FL" run --env-clear --frames 1024 --swap-pages 4096 --policy random --seed 7 -o "$tmp/r$run.log" \
        build/testprogs/swap_verify.musl 2048 >/dev/null 2>&1 </dev/null
done
cmp -s "$tmp/r1.log" "$tmp/r2.log" || bad "random policy with one seed gave two logs"

# Swap too small: strict commit refuses the allocation, the program says so.
"$FL" run --frames 1024 --swap-pages 512 build/testprogs/swap_verify.glibc 3072 >"$tmp/out" 2>&1 </dev/null
st=$?
[ $st = 2 ] && grep -q "failed: Cannot allocate memory" "$tmp/out" || bad "strict ENOMEM: status $st, $(cat "$tmp/out")"

# ... while overcommit lets it run until the OOM killer takes it.
"$FL" run --frames 1024 --swap-pages 512 --commit overcommit build/testprogs/swap_verify.glibc 3072 \
    >"$tmp/out" 2>"$tmp/err" </dev/null
st=$?
[ $st = 137 ] && grep -q "^faultline: out of memory: killed pid 2 (swap_verify.gli), the largest: .* resident, 2.0 MiB in swap; DRAM (--frames 1024) and swap (--swap-pages 512) were full" "$tmp/err" ||
    bad "overcommit OOM: status $st, $(cat "$tmp/err")"

# MAP_SHARED from parent and child reaches the file with 256 frames; the
# private mapping's writes do not.  The program checks, and so do we.
"$FL" run --frames 256 --swap-pages 1024 -o "$tmp/shared.log" build/testprogs/mmap_shared.glibc \
    "$tmp/shared.bin" 200 >"$tmp/out" 2>&1 </dev/null || bad "mmap_shared: $(cat "$tmp/out")"
grep -q writeback "$tmp/shared.log" || bad "mmap_shared: no writeback under pressure"
python3 - "$tmp/shared.bin" <<'PY' || bad "mmap_shared: file contents"
import sys
data = open(sys.argv[1], "rb").read()
assert len(data) == 200 * 4096, len(data)
for p in range(200):
    for k in range(0, 4096, 512):
        want = ord('A') + (p + k // 512) % 26
        assert data[p * 4096 + k] == want, (p, k, data[p * 4096 + k])
PY

# SIGBUS past the end of a file, gone once it grows, back when it shrinks.
"$FL" run build/testprogs/sigbus.glibc "$tmp/bus.bin" >"$tmp/out" 2>"$tmp/err" </dev/null
st=$?
[ $st = 135 ] && grep -q "killed by SIGBUS (BUS_ADRERR at 0x" "$tmp/err" || bad "sigbus: status $st"

# 1 GiB through 64 MiB of DRAM: exactly one demand-zero per page touched.
start=$(date +%s)
"$FL" run --frames 16384 --swap-pages 300000 --trace-filter event=demand-zero -o "$tmp/big.log" \
    build/testprogs/touch_pages.glibc mmap 262144 >"$tmp/out" 2>&1 </dev/null || bad "1 GiB: $(cat "$tmp/out")"
n=$(awk '$3 == "demand-zero" && $7 == "[anon]"' "$tmp/big.log" | wc -l)
[ "$n" = 262144 ] || bad "1 GiB: $n demand-zero events in [anon], expected 262144"
echo "1 GiB through 64 MiB: $(($(date +%s) - start)) s"

[ $fail = 0 ] && echo "pressure: ok"
exit $fail
