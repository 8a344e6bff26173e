#!/bin/sh
# FIFOs (testprogs/fifo.c: opens that meet, O_NONBLOCK, ENXIO, EOF, EPIPE,
# O_RDWR, poll, fstat, mknod), glibc and musl; shells joining a writer and
# a reader, busybox diff of two FIFOs; all against native.  Then a host
# process at the other end of a FIFO a guest opens, both ways round.
. tests/lib/native.sh
vs_native_libcs fifo
script='mkfifo p; echo x > p & cat p; wait
cat p & echo y > p; wait
rm -f a b; mkfifo a b
printf "1\n2\n3\n" > a & printf "1\nX\n3\n" > b & busybox diff a b; echo diff $?
exec 3<>p; echo rw >&3; read l <&3; echo "both ends: $l"; exec 3>&-
ls -l p | cut -c1-10'
# bash --norc: until getpeername answers ENOTSOCK, bash takes /dev/null for a
# network connection and reads ~/.bashrc.
for sh in "busybox sh" dash "bash --norc"; do
    vs_native "$sh" $sh -c "$script"
done
# A host process at the other end.
case $FL in /*) fl=$FL ;; *) fl=$top/$FL ;; esac
mkfifo "$tmp/h"
(sleep 0.3; echo from-host >"$tmp/h") &
out=$(timeout 20 "$fl" run /bin/cat "$tmp/h")
wait
[ "$out" = from-host ] || { echo "FAIL guest reader, host writer: '$out'"; fail=1; }
(timeout 20 "$fl" run /bin/sh -c "echo from-guest > $tmp/h") &
sleep 0.3
out=$(timeout 20 cat "$tmp/h")
wait
[ "$out" = from-guest ] || { echo "FAIL guest writer, host reader: '$out'"; fail=1; }
(sleep 0.3; exec 5>"$tmp/h"; sleep 0.3; echo late >&5) &
out=$(timeout 20 "$fl" run /bin/cat "$tmp/h")
wait
[ "$out" = late ] || { echo "FAIL host writer that writes late: '$out'"; fail=1; }
[ $fail = 0 ] && echo "fifo: equal to native; host ends met"
exit $fail
