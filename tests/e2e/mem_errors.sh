#!/bin/sh
# mincore, mprotect, madvise and msync reject bad arguments with Linux's
# errors (testprogs/mem_errors.c), glibc and musl, against native.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/native.sh
top=$(pwd)
for libc in glibc musl; do
    vs_native mem_errors.$libc "$top/build/testprogs/mem_errors.$libc"
done
[ $fail = 0 ] && echo "mem_errors: equal to native"
exit $fail
