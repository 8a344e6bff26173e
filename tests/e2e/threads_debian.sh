#!/bin/sh
# Debian's own threaded programs under faultline against the native run:
# python3's threading and multiprocessing (Pool, Process), xz -T2 with
# small blocks (so its threads compress), perl threads, git gc (its
# pack-objects searches deltas in threads).  Output and exit status must
# be equal (xz's output byte for byte).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case $FL in /*) ;; *) FL=$(pwd)/$FL ;; esac
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

# git gc on a small repository made natively, against git gc natively on
# an identical copy: the same status, stdout and stderr; both copies sound
# (git fsck) and packed alike (count-objects, the objects in the pack),
# and pack-objects ran more than one thread.  The pack's bytes are not
# compared: which thread finds which delta varies natively from run to run.
gitgc() {
    repo=$tmp/repo
    mkdir "$repo" && git -C "$repo" init -q || { echo "FAIL git gc: git init"; fail=1; return; }
    for c in 1 2 3 4 5 6; do
        for f in $(seq 1 40); do seq $((f * c)) $((f * c + 200)) >"$repo/file$f.txt"; done
        git -C "$repo" add . &&
            GIT_AUTHOR_DATE="@$((1700000000 + c)) +0000" GIT_COMMITTER_DATE="@$((1700000000 + c)) +0000" \
                git -C "$repo" -c user.name=t -c user.email=t@example.org commit -qm "commit $c" ||
            { echo "FAIL git gc: making the repository"; fail=1; return; }
    done
    cp -r "$repo" "$tmp/native-repo" && cp -r "$repo" "$tmp/fl-repo"
    (cd "$tmp/native-repo" && env -i PATH=/usr/bin:/bin HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 \
        /usr/bin/git -c pack.threads=4 gc) >"$tmp/n" 2>"$tmp/ne" </dev/null
    nst=$?
    (cd "$tmp/fl-repo" && "$FL" run --env-clear -E PATH=/usr/bin:/bin -E HOME="$tmp" -E GIT_CONFIG_NOSYSTEM=1 \
        --timeout 300 --summary /usr/bin/git -c pack.threads=4 gc) >"$tmp/f" 2>"$tmp/fs" </dev/null
    fst=$?
    sed '/^faultline summary$/,$d' "$tmp/fs" >"$tmp/fe"
    if [ $nst != $fst ] || ! cmp -s "$tmp/n" "$tmp/f" || ! cmp -s "$tmp/ne" "$tmp/fe"; then
        echo "FAIL git gc: status $fst (native $nst); output (< native, > faultline):"
        cat "$tmp/n" "$tmp/ne" >"$tmp/nall"
        cat "$tmp/f" "$tmp/fe" >"$tmp/fall"
        diff "$tmp/nall" "$tmp/fall" | head -10 | sed 's/^/    /'
        fail=1
    fi
    threads=$(awk '$2 == "git" && $1 ~ /^[0-9]+$/ { if ($11 > max) max = $11 } END { print max + 0 }' "$tmp/fs")
    [ "$threads" -gt 1 ] || { echo "FAIL git gc: no git process ran threads (--summary says $threads)"; fail=1; }
    for side in native fl; do
        r=$tmp/$side-repo
        git -C "$r" fsck --full --strict >"$tmp/$side.fsck" 2>&1 ||
            { echo "FAIL git gc ($side): git fsck:"; head -5 "$tmp/$side.fsck" | sed 's/^/    /'; fail=1; }
        git -C "$r" count-objects -v | grep -v '^size-pack:' >"$tmp/$side.count"
        git -C "$r" cat-file --batch-all-objects --batch-check | sort >"$tmp/$side.objects"
    done
    grep -qx 'count: 0' "$tmp/fl.count" && grep -qx 'packs: 1' "$tmp/fl.count" ||
        { echo "FAIL git gc: not packed: $(tr '\n' ' ' <"$tmp/fl.count")"; fail=1; }
    cmp -s "$tmp/native.count" "$tmp/fl.count" && cmp -s "$tmp/native.objects" "$tmp/fl.objects" ||
        { echo "FAIL git gc: packed unlike native:"; diff "$tmp/native.count" "$tmp/fl.count" | sed 's/^/    /'; fail=1; }
}
gitgc
[ $fail = 0 ] && echo "threads_debian: python3, xz, perl and git gc equal to native"
exit $fail
