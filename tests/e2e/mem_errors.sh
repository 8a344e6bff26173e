#!/bin/sh
# mincore, mprotect, madvise and msync reject bad arguments with Linux's
# errors (testprogs/mem_errors.c), glibc and musl, against native.
. tests/lib/native.sh
vs_native_libcs mem_errors
[ $fail = 0 ] && echo "mem_errors: equal to native"
exit $fail
