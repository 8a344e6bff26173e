#!/bin/sh
# Nothing lost: MAP_SHARED and write() data reach the file across
# eviction (a tiny DRAM), munmap, exit, death by a signal, and a run
# ended by --timeout.  Every byte is checked; the fault log of a run that
# ends with processes still alive records their last writebacks too.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for how in exit munmap kill hang; do
    for frames in 16384 96; do
        f=$tmp/$how.$frames.bin
        opt=
        [ $how = hang ] && opt="--timeout 1"
        "$FL" run $opt -o "$tmp/log" --frames $frames --swap-pages 512 \
            build/testprogs/nothing_lost.glibc "$f" $how >/dev/null 2>"$tmp/err" </dev/null
        st=$?
        want=0
        [ $how = kill ] && want=137
        [ $how = hang ] && want=124
        [ $st = $want ] || { echo "FAIL $how/$frames: status $st"; cat "$tmp/err"; fail=1; }
        wb=$(grep -c ' writeback ' "$tmp/log")
        [ "$wb" -ge 64 ] || { echo "FAIL $how/$frames: $wb writeback events, want >= 64"; fail=1; }
        if [ $how = hang ]; then # those last writebacks are compared too
            "$FL" run $opt --expect "$tmp/log" --frames $frames --swap-pages 512 \
                build/testprogs/nothing_lost.glibc "$f" $how >/dev/null 2>"$tmp/err" </dev/null
            st=$?
            [ $st = 124 ] || { echo "FAIL $how/$frames --expect: status $st"; head -5 "$tmp/err"; fail=1; }
        fi
        python3 - "$f" <<'PY' || { echo "FAIL $how/$frames: file contents"; fail=1; }
import sys
data = open(sys.argv[1], "rb").read()
assert len(data) == 2 * 64 * 4096, len(data)
bad = [i for i in range(len(data)) if data[i] != (((i * 131 + 7) ^ (i >> 12)) & 0xff)]
assert not bad, "%d bytes wrong, first at %d" % (len(bad), bad[0])
PY
    done
done
[ $fail = 0 ] && echo "nothing_lost: ok"
exit $fail
