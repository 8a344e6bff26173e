#!/bin/sh
# Sockets between guest processes: testprogs/sock_unix.c (AF_UNIX:
# socketpair, path and abstract names, SCM_RIGHTS carrying a pipe,
# SCM_CREDENTIALS, SO_PEERCRED, datagrams, seqpackets, EPIPE and SIGPIPE,
# EAGAIN, wake-ups) and testprogs/sock_inet.c (TCP and UDP on the
# loopback, IPv4 and IPv6: EINPROGRESS, ECONNREFUSED, resets, TIME_WAIT,
# EADDRINUSE, sendmmsg...), glibc and musl, under faultline and natively:
# output and exit status must be equal; and sock_unix inside --root.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# A host without an IPv6 loopback (a container with IPv6 off) has nothing
# to compare IPv6 with: both runs then leave it out.
v6=""
python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null || v6=no-v6
for prog in sock_unix sock_inet; do
    for libc in glibc musl; do
        bin=build/testprogs/$prog.$libc
        arg=$([ $prog = sock_inet ] && echo $v6)
        env -i "$bin" $arg >"$tmp/native" 2>&1 </dev/null
        echo "exit $?" >>"$tmp/native"
        "$FL" run --env-clear --timeout 120 "$bin" $arg >"$tmp/fl" 2>&1 </dev/null
        echo "exit $?" >>"$tmp/fl"
        if ! cmp -s "$tmp/native" "$tmp/fl"; then
            echo "FAIL $prog.$libc differs from native (< native, > faultline):"
            diff "$tmp/native" "$tmp/fl" | head -20 | sed 's/^/    /'
            fail=1
        fi
    done
done
# Path names inside --root: the socket files are made in the root's /tmp.
mkdir -p "$tmp/root/tmp"
cp build/testprogs/sock_unix.glibc "$tmp/root/sock_unix"
env -i build/testprogs/sock_unix.glibc >"$tmp/native" 2>&1 </dev/null
"$FL" run --env-clear --root "$tmp/root" --timeout 120 /sock_unix >"$tmp/fl" 2>&1 </dev/null
if ! cmp -s "$tmp/native" "$tmp/fl"; then
    echo "FAIL sock_unix inside --root differs from native:"
    diff "$tmp/native" "$tmp/fl" | head -20 | sed 's/^/    /'
    fail=1
fi
[ $fail = 0 ] && echo "sockets: equal to native"
exit $fail
