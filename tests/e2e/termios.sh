#!/bin/sh
# Terminal ioctls on a real tty (script(1) gives the guest a pty as
# stdin): TCGETS and TCSETS move the kernel's 36-byte struct termios,
# never the C library's larger one, natively and under faultline.
set -u
if ! command -v script >/dev/null 2>&1; then
    echo "termios: script(1) not found, skipped"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
top=$(pwd)
case $FL in /*) ;; *) FL=$top/$FL ;; esac
fail=0
for libc in glibc musl; do
    prog=$top/build/testprogs/termios.$libc
    for how in native faultline; do
        if [ $how = native ]; then cmd="$prog"; else cmd="$FL run $prog"; fi
        script -qec "$cmd" /dev/null >"$tmp/out" 2>&1 </dev/null
        st=$?
        if [ $st = 77 ]; then
            echo "termios: no tty from script(1), skipped"
            exit 0
        fi
        if [ $st != 0 ] || ! grep -q "termios ok" "$tmp/out"; then
            echo "FAIL termios.$libc ($how): status $st"
            sed 's/^/    /' "$tmp/out" | head -10
            fail=1
        fi
    done
done
exit $fail
