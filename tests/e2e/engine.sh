#!/bin/sh
# The engine's own costs stay bounded.  libunicorn 2.0.1 zeroed its whole
# 1 GiB code buffer at every flush of translated code, so the first
# thread (whose quantum needs blocks translated with a counting hook) or
# the first change to executable memory made faultline itself 1 GiB
# bigger and a second slower.  Here each such program runs as natively,
# --summary says how often translated code was dropped, and faultline's
# peak resident size (wait4's ru_maxrss) stays far below 1 GiB.
. tests/check.sh
tp=build/testprogs

# peak KIND PROG [ARGS...]: run under faultline --summary; stdout to
# $tmp/out, stderr to $tmp/err; print faultline's peak RSS in MiB.
peak() {
    python3 - "$FL" "$tmp" "$@" <<'PY'
import resource, subprocess, sys
fl, tmp, args = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(tmp + "/out", "wb") as o, open(tmp + "/err", "wb") as e:
    st = subprocess.call([fl, "run", "--summary"] + args, stdout=o, stderr=e,
                         stdin=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, st)
PY
}

dropped() { sed -n 's/^  translated code dropped: *\([0-9]*\) times$/\1/p' "$tmp/err"; }

for prog in thread_basic.glibc thread_basic.musl jit.glibc jit.musl hello.glibc; do
    p=$tp/$prog
    [ -x "$p" ] || { bad "$prog is not built (make testprogs)"; continue; }
    "$p" >"$tmp/native" 2>/dev/null </dev/null
    nst=$?
    set -- $(peak "$p")
    mib=$1 st=$2
    cmp -s "$tmp/native" "$tmp/out" && [ "$st" = "$nst" ] ||
        bad "$prog: status $st (native $nst) or output differs"
    n=$(dropped)
    case $prog in
        hello.*) [ "$n" = 0 ] || bad "$prog: translated code dropped ${n:-?} times, want 0 (no quantum, no code change)" ;;
        *) [ "${n:-0}" -ge 1 ] || bad "$prog: translated code dropped ${n:-?} times, want at least 1" ;;
    esac
    [ "$mib" -lt 512 ] || bad "$prog: faultline's peak RSS $mib MiB (the 1 GiB code buffer was zeroed)"
done
[ $fail = 0 ] && echo "engine: threads and code changes drop translated code without growing by 1 GiB"
exit $fail
