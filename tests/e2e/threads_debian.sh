#!/bin/sh
# Debian's own threaded programs under faultline against the native run:
# python3's threading and multiprocessing (Pool, Process), xz -T2 with
# small blocks (so its threads compress), perl threads.  Output and exit
# status must be equal (xz's output byte for byte).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# same NAME CMD...: native and faultline agree on stdout and status.
same() {
    name=$1
    shift
    env -i PATH=/usr/bin:/bin "$@" >"$tmp/n" 2>"$tmp/ne" </dev/null
    nst=$?
    "$FL" run --env-clear -E PATH=/usr/bin:/bin --timeout 120 "$@" >"$tmp/f" 2>"$tmp/fe" </dev/null
    fst=$?
    if [ $nst != $fst ] || ! cmp -s "$tmp/n" "$tmp/f"; then
        echo "FAIL $name: status $fst (native $nst)"
        diff "$tmp/n" "$tmp/f" | head -10 | sed 's/^/    /'
        head -5 "$tmp/fe" | sed 's/^/    stderr: /'
        fail=1
    fi
}
cat >"$tmp/threads.py" <<'PY'
import threading, queue
q = queue.Queue()
def work(i):
    q.put((i, sum(range(i * 1000))))
ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(q.get() for _ in range(8)), threading.active_count())
PY
cat >"$tmp/mp.py" <<'PY'
import multiprocessing as mp
def sq(x): return x * x
if __name__ == "__main__":
    with mp.Pool(2) as p:
        print(p.map(sq, range(10)))
    pr = mp.Process(target=print, args=("child",))
    pr.start(); pr.join(); print("exit", pr.exitcode)
PY
same "python3 threading" /usr/bin/python3 "$tmp/threads.py"
same "python3 multiprocessing" /usr/bin/python3 "$tmp/mp.py"
head -c 20000 /usr/bin/python3 | od -An -tx1 >"$tmp/in"
same "xz -T2" /usr/bin/xz -T2 --block-size=8192 -c "$tmp/in"
same "perl threads" /usr/bin/perl -Mthreads -e \
    'my @t = map { threads->create(sub { $_[0] * 2 }, $_) } 1..4; print join(",", map { $_->join } @t), "\n"'
[ $fail = 0 ] && echo "threads_debian: python3, xz and perl equal to native"
exit $fail
