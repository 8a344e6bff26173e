#!/bin/sh
# faultline inspect works on every test program, Debian's dynamic /bin/ls
# and the static busybox, and prints the same picture --maps prints.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for prog in build/testprogs/* /bin/ls /bin/busybox; do
    "$FL" inspect "$prog" >"$tmp/out" 2>"$tmp/err"
    st=$?
    if [ $st != 0 ] || [ -s "$tmp/err" ] || ! grep -q "^entry: *0x" "$tmp/out" ||
        ! grep -q " \[stack\]$" "$tmp/out" || ! grep -qE "^[0-9a-f]{16}-[0-9a-f]{16} r.xp " "$tmp/out"; then
        echo "FAIL inspect $prog: status $st"
        head -5 "$tmp/err" "$tmp/out"
        fail=1
    fi
done
# A dynamic program names its interpreter, placed top-down below the mmap base.
"$FL" inspect /bin/ls >"$tmp/out" 2>&1
grep -q "^interpreter: /lib64/ld-linux-x86-64.so.2 at 0x7ffff7" "$tmp/out" &&
    grep -q "^load bias: *0x555555554000" "$tmp/out" || { echo "FAIL /bin/ls placement"; cat "$tmp/out"; fail=1; }
# The exact picture of the smallest program.
cat >"$tmp/want" <<'OUT'
entry:       0x401000
interpreter: (none: static)
load bias:   0
brk start:   0x408000
stack:       non-executable
# start-end                       perm offset     object name
0000000000400000-0000000000401000 r--p 0000000000 file   tiny.nolibc:.rodata
0000000000401000-0000000000402000 r-xp 0000001000 file   tiny.nolibc:.text
0000000000402000-0000000000403000 r--p 0000002000 file   tiny.nolibc:.rodata
0000000000404000-0000000000408000 rw-p 0000000000 anon   tiny.nolibc:.bss
00007ffffffde000-00007ffffffff000 rw-p 0000000000 anon   [stack]
OUT
"$FL" inspect build/testprogs/tiny.nolibc >"$tmp/got" 2>&1
grep -q "^program: .*/build/testprogs/tiny.nolibc$" "$tmp/got" || { echo "FAIL inspect program line"; fail=1; }
sed 1d "$tmp/got" | diff -u "$tmp/want" - || { echo "FAIL inspect tiny.nolibc"; fail=1; }
# --maps: the same printer, with page counts, at exit and on a fatal signal.
"$FL" run --maps build/testprogs/tiny.nolibc >/dev/null 2>"$tmp/err"
grep -q "^faultline: address space of pid 2 (tiny.nolibc) at exit:" "$tmp/err" &&
    grep -qE "^0000000000404000-0000000000408000 rw-p 0000000000 anon +4 +0 +0 tiny.nolibc:.bss$" "$tmp/err" &&
    grep -q "^# 5 areas, " "$tmp/err" || { echo "FAIL --maps at exit"; cat "$tmp/err"; fail=1; }
"$FL" run --maps build/testprogs/munmap_touch.musl >/dev/null 2>"$tmp/err"
grep -q "^faultline: address space of pid 2 (munmap_touch.mu) at its fatal signal:" "$tmp/err" ||
    { echo "FAIL --maps at a fatal signal"; cat "$tmp/err"; fail=1; }
[ $fail = 0 ] && echo "inspect: ok"
exit $fail
