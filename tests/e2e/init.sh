#!/bin/sh
# How a run starts: the program is found in the guest's PATH (inside
# --root too), it runs as pid 2 (or --pid N) under faultline's own init at
# pid 1, which adopts orphans and shows as init in /proc/1.
. tests/check.sh

out=$("$FL" run --env-clear -E PATH=/usr/bin:/bin sh -c 'echo $$ $PPID' 2>&1)
[ "$out" = "2 1" ] || bad "PATH lookup, pid and parent: '$out'"
out=$("$FL" run --env-clear --pid 100 -E PATH=/bin sh -c 'echo $$ $PPID' 2>&1)
[ "$out" = "100 1" ] || bad "--pid 100: '$out'"
out=$("$FL" run --env-clear -E PATH=/bin sh -c 'cat /proc/1/comm' 2>&1)
[ "$out" = "init" ] || bad "/proc/1/comm: '$out'"
# An orphan's parent is init.
out=$("$FL" run --env-clear -E PATH=/bin sh -c '( (sleep 1; grep PPid /proc/self/status) & ); sleep 2' 2>&1)
[ "$out" = "$(printf 'PPid:\t1')" ] || bad "orphan adopted by init: '$out'"
# Inside --root, with the root's own PATH entries.
mkdir -p "$tmp/root/bin"
cp /bin/busybox "$tmp/root/bin/"
out=$("$FL" run --env-clear --root "$tmp/root" -E PATH=/bin busybox echo found 2>&1)
[ "$out" = "found" ] || bad "PATH inside --root: '$out'"
# Not found, not executable, and a name with a slash used as given.
"$FL" run --env-clear -E PATH=/bin no-such-program >/dev/null 2>"$tmp/err"
st=$?
[ $st = 127 ] && grep -q "no-such-program: not found in the guest's PATH (/bin)" "$tmp/err" ||
    bad "not found: status $st: $(cat "$tmp/err")"
chmod -x "$tmp/root/bin/busybox"
"$FL" run --env-clear --root "$tmp/root" -E PATH=/bin busybox >/dev/null 2>"$tmp/err"
st=$?
[ $st = 126 ] && grep -q "busybox: found in the guest's PATH, but not executable" "$tmp/err" ||
    bad "not executable: status $st: $(cat "$tmp/err")"
(cd "$tmp/root/bin" && chmod +x busybox && "$FL" run --env-clear -E PATH=/nowhere ./busybox echo rel) >"$tmp/out" 2>&1
[ "$(cat "$tmp/out")" = "rel" ] || bad "./name used as given: $(cat "$tmp/out")"
"$FL" run --pid 1 true >/dev/null 2>&1 && bad "--pid 1 accepted"
[ $fail = 0 ] && echo "init: ok"
exit $fail
