#!/bin/sh
# Debian's own dynamically linked programs give the same output and exit
# status under faultline as natively; a second process finds the shared
# libraries in the page cache; /proc/self is the guest's own.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# same DESCRIPTION FILTER COMMAND...: native and emulated output equal
# after FILTER (a sed script for lines that legitimately change).
same() {
    desc=$1 filter=$2
    shift 2
    "$@" >"$tmp/n.raw" 2>"$tmp/n.err" </dev/null
    ns=$?
    "$FL" run --real-time "$@" >"$tmp/f.raw" 2>"$tmp/f.err" </dev/null
    fs=$?
    sed "$filter" "$tmp/n.raw" >"$tmp/n.out"
    sed "$filter" "$tmp/f.raw" >"$tmp/f.out"
    if [ "$ns" != "$fs" ] || ! cmp -s "$tmp/n.out" "$tmp/f.out" || [ -s "$tmp/f.err" ]; then
        echo "FAIL $desc: status $fs (native $ns)"
        diff "$tmp/n.out" "$tmp/f.out" | head -10
        head -5 "$tmp/f.err"
        fail=1
    fi
}

same "true" "" /bin/true
same "false" "" /bin/false
same "echo" "" /bin/echo hi
same "ls -l /" "/ proc$/d; / tmp$/d" /bin/ls -l /
same "sort" "" /usr/bin/sort tests/data/lines.txt
same "sha256sum" "" /usr/bin/sha256sum tests/data/lines.txt
same "dash pipeline" "" /bin/dash -c 'ls / | wc -l'
same "dash status" "" /bin/dash -c 'exit 42'
same "readlink /proc/self/exe" "" /bin/readlink /proc/self/exe
"$FL" run /bin/ls /proc/self/fd </dev/null >"$tmp/fds" 2>&1
[ "$(cat "$tmp/fds" | tr '\n' ' ')" = "0 1 2 3 " ] || { echo "FAIL ls /proc/self/fd:"; cat "$tmp/fds"; fail=1; }
same "cat /proc/self/cmdline" "" /bin/cat /proc/self/cmdline
same "stat -c of /proc/self/exe (a link)" "" /usr/bin/stat -c %F /proc/self/exe
same "dd of /dev/zero in 1 MiB blocks" "" /bin/dash -c "dd if=/dev/zero bs=1M count=4 2>/dev/null | wc -c"
same "nice, ionice, fallocate, sync" "" /bin/dash -c \
    "cd $tmp && fallocate -l 65536 fa && wc -c <fa && rm fa && sync && nice -n 3 nice && ionice"
# timeout(1) arms a POSIX timer; the signal ends the child and timeout
# says 124 (with --real-time here; on the fixed clock it is immediate).
same "timeout" "" /usr/bin/timeout 0.2 /bin/sleep 5
same "timeout of a busy loop" "" /usr/bin/timeout 0.2 /bin/bash -c 'while :; do :; done'
"$FL" run /usr/bin/timeout 1 /bin/sleep 100000 </dev/null
st=$?
[ $st = 124 ] || { echo "FAIL timeout on the fixed clock: status $st"; fail=1; }
# Floating-point arguments through a lazily bound PLT entry (fxsave in ld.so)
# (perl, from the essential perl-base, is linked for lazy binding).
same "perl atan2 and sqrt" "" /usr/bin/perl -e 'printf "%.6f %.6f %.3f\n", atan2(1, 1) * 4, sqrt(2), 13 / 6'

# Tools that change files: mkdir, mv, rm, touch, ln, chmod (rename, unlink,
# utimensat, symlink, fchmodat, getdents64) leave the same tree natively.
script='mkdir -p a/b && echo x >a/b/f && mv a/b/f a/g && ln -s g a/link && chmod 600 a/g &&
    touch -d @86400 a/g && rm -r a/b && mkdir c && rmdir c && ls -lR --time-style=+%s a'
fl=$FL
case $fl in /*) ;; *) fl=$(pwd)/$fl ;; esac
mkdir "$tmp/native" "$tmp/emulated"
(cd "$tmp/native" && /bin/dash -c "$script") >"$tmp/n.out" 2>&1
(cd "$tmp/emulated" && "$fl" run /bin/dash -c "$script") >"$tmp/f.out" 2>&1
# The link's own time is when it was made: not the same in both runs.
sed 's/ [0-9]\{10\} link/ T link/' "$tmp/n.out" >"$tmp/n2"
sed 's/ [0-9]\{10\} link/ T link/' "$tmp/f.out" >"$tmp/f2"
cmp -s "$tmp/n2" "$tmp/f2" && grep -q "86400 g" "$tmp/f2" || { echo "FAIL file tools"; diff "$tmp/n2" "$tmp/f2"; fail=1; }

# tar extracts directories (fchmodat(AT_SYMLINK_NOFOLLOW) goes through
# /proc/self/fd/N) and files as the host wrote them.
mkdir -p "$tmp/tar/d/e" "$tmp/untar"
echo hello >"$tmp/tar/d/e/f"
chmod 750 "$tmp/tar/d/e"
(cd "$tmp/tar" && tar cf ../a.tar d)
(cd "$tmp/untar" && "$fl" run --real-time /bin/tar xf ../a.tar) >"$tmp/tar.out" 2>&1
st=$?
[ $st = 0 ] && [ ! -s "$tmp/tar.out" ] && cmp -s "$tmp/tar/d/e/f" "$tmp/untar/d/e/f" &&
    [ "$(stat -c %a "$tmp/untar/d/e")" = 750 ] ||
    { echo "FAIL tar xf: status $st"; head -5 "$tmp/tar.out"; fail=1; }

# env: the guest inherits the environment faultline is given.
env -i A=1 B=two /usr/bin/env >"$tmp/n.out"
env -i A=1 B=two "$FL" run /usr/bin/env >"$tmp/f.out" 2>&1
cmp -s "$tmp/n.out" "$tmp/f.out" || { echo "FAIL env"; diff "$tmp/n.out" "$tmp/f.out"; fail=1; }

# Two cat processes at once: the second's libc pages are all cache-hits.
"$FL" run --env-clear --summary -o "$tmp/spawn.log" build/testprogs/spawn2.glibc /bin/cat \
    >"$tmp/spawn.out" 2>"$tmp/spawn.err" </dev/null || { echo "FAIL spawn2 status"; fail=1; }
reads=$(awk '$2 == 4 && $7 == "libc.so.6" && $3 == "file-read"' "$tmp/spawn.log" | wc -l)
hits=$(awk '$2 == 4 && $7 == "libc.so.6" && $3 == "cache-hit"' "$tmp/spawn.log" | wc -l)
first=$(awk '$2 == 3 && $7 == "libc.so.6" && $3 == "file-read"' "$tmp/spawn.log" | wc -l)
shared=$(sed -n 's/.*shared frames (peak): *\([0-9]*\).*/\1/p' "$tmp/spawn.err")
if [ "$reads" -ne 0 ] || [ "$hits" -lt 10 ] || [ "$first" -lt 10 ] || [ "${shared:-0}" -lt 10 ]; then
    echo "FAIL page cache: pid 4 libc file-read $reads cache-hit $hits; pid 3 file-read $first; shared $shared"
    fail=1
fi

# /proc/self/maps is made from the guest's own areas.
"$FL" run /bin/cat /proc/self/maps >"$tmp/maps" 2>&1 </dev/null
grep -q '^555555554000-.* r--p .*cat:' "$tmp/maps" &&
    grep -q ' libc.so.6$' "$tmp/maps" && grep -q ' \[stack\]$' "$tmp/maps" &&
    grep -q '^7ffff7.* ld-linux-x86-64.so.2:' "$tmp/maps" ||
    { echo "FAIL /proc/self/maps:"; head -20 "$tmp/maps"; fail=1; }

[ $fail = 0 ] && echo "dynamic: ok"
exit $fail
