#!/bin/sh
# mincore reports faultline's residency (testprogs/mincore.c), glibc and musl:
# - the cases every Linux answers alike (anonymous pages touched or not,
#   dropped, PROT_NONE, seen from a fork child; a file's pages cached through
#   one mapping and seen through another or after it went; pages past the
#   end of the file) equal native;
# - under a DRAM of 150 frames, 256 pages written and every third read
#   again: each page's answer agrees with the fault log of the same run,
#   0 where the page's last event before the call was swap-out, 1 where it
#   was a fault that brought it in (the call is found by the first fault on
#   the answer's page, the call's copy-out; the reclaim that fault started
#   is logged just before it and came after the answer was made);
# - the program's own file, mapped and not touched: run as root faultline
#   shows its page cache (not every page is in it), as nobody, who may not
#   write the file, every page reads as resident, as natively.
. tests/lib/native.sh

swap_check() {
    prog=$top/build/testprogs/mincore.$1
    "$FL" run --env-clear --frames 150 -o "$tmp/swap.log" "$prog" swap 256 >"$tmp/swap.out" 2>&1 </dev/null
    st=$?
    if [ $st != 0 ]; then
        echo "FAIL mincore.$1 swap: exit $st"
        sed 's/^/    /' "$tmp/swap.out" | head -5
        fail=1
        return
    fi
    awk -v out="$tmp/swap.out" -v name="mincore.$1" '
        function hex(s,   i, v) {
            s = tolower(s); sub(/^0x/, "", s); v = 0
            for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
            return v
        }
        BEGIN {
            while ((getline l < out) > 0) {
                split(l, w, " ")
                if (w[1] == "base") { base = hex(w[2]); n = w[4]; vecpage = hex(w[6]) - hex(w[6]) % 4096 }
                if (w[1] == "vec") v = w[2]
            }
            if (!n || length(v) != n) { print "FAIL " name ": no answer in its output"; exit 1 }
        }
        /^#/ { next }
        { k++; ev[k] = $3; va[k] = hex($4); mode[k] = $6 }
        ev[k] == "demand-zero" && va[k] == vecpage && mode[k] == "kernel" && !call { call = k }
        END {
            if (!call) { print "FAIL " name ": no copy-out fault on the answer page"; exit 1 }
            cut = call
            while (cut > 1 && mode[cut - 1] == "-") cut--
            for (i = 1; i < cut; i++) {
                p = (va[i] - base) / 4096
                if (va[i] < base || p >= n) continue
                if (ev[i] == "swap-out") out_once[p] = 1
                else if (out_once[p]) back[p] = 1
                last[p] = ev[i]
            }
            for (p = 0; p < n; p++) {
                want = (last[p] == "" || last[p] == "swap-out" || last[p] == "evict-clean") ? 0 : 1
                got = substr(v, p + 1, 1) + 0
                if (want != got && bad++ < 5)
                    printf "FAIL %s: page %d answered %d, its last event before the call was %s\n",
                           name, p, got, last[p] == "" ? "none" : last[p]
                zeros += !got; ones += got; returned += back[p] && got
            }
            if (!zeros || !returned) {
                printf "FAIL %s: the run must have pages swapped out (%d) and pages swapped back in (%d)\n",
                       name, zeros, returned
                bad++
            }
            if (!bad) printf "%s: %d pages agree with the fault log (%d swapped out, %d resident, %d of them back from swap)\n",
                             name, n, zeros, ones, returned
            exit bad != 0
        }' "$tmp/swap.log" || fail=1
}

# The own-file case: native and faultline as user nobody must agree.
exe_as_nobody() {
    prog=$top/build/testprogs/mincore.$1
    as="setpriv --reuid=65534 --regid=65534 --clear-groups"
    case $FL in /*) fl=$FL ;; *) fl=$top/$FL ;; esac
    (cd / && $as env -i "$prog" exe >"$tmp/native" 2>&1; echo "exit $?" >>"$tmp/native")
    (cd / && $as "$fl" run --env-clear "$prog" exe >"$tmp/fl" 2>&1; echo "exit $?" >>"$tmp/fl")
    if ! cmp -s "$tmp/native" "$tmp/fl" || ! grep -q "every page resident" "$tmp/fl"; then
        echo "FAIL mincore.$1 exe as nobody differs from native (< native, > faultline):"
        diff "$tmp/native" "$tmp/fl" | head -5 | sed 's/^/    /'
        fail=1
    fi
}

for libc in glibc musl; do
    vs_native mincore.$libc "$top/build/testprogs/mincore.$libc"
    swap_check $libc
    "$FL" run --env-clear "$top/build/testprogs/mincore.$libc" exe >"$tmp/root" 2>&1
    if ! grep -q "^own file: not every page resident" "$tmp/root"; then
        echo "FAIL mincore.$libc exe: as root faultline should show its own page cache:"
        sed 's/^/    /' "$tmp/root" | head -3
        fail=1
    fi
    if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
        exe_as_nobody $libc
    else
        echo "mincore.$libc: not root, the case of a file the process may not write is left out"
    fi
done
[ $fail = 0 ] && echo "mincore: equal to native; residency agrees with the fault log"
exit $fail
