#!/bin/sh
# Resource limits (testprogs/limits.c: RLIMIT_NOFILE capping open, dup2
# and F_DUPFD, RLIMIT_AS capping mmap and brk, RLIMIT_DATA counting
# private writable memory, inheritance over fork and execve), glibc and
# musl; then a shell's `ulimit -n 42` and 50 opens; all against native.
. tests/lib/native.sh
vs_native_libcs limits
for sh in "busybox sh" dash; do
    vs_native "$sh ulimit -n 42" $sh -c "ulimit -n 42; $top/build/testprogs/limits.glibc open50"
done
[ $fail = 0 ] && echo "limits: equal to native"
exit $fail
