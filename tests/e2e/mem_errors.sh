#!/bin/sh
# mincore, mprotect, madvise and msync reject bad arguments with Linux's
# errors, in Linux's order, and a call that fails part-way leaves what it
# did before as Linux does (testprogs/mem_errors.c: mprotect and madvise
# change the areas before a hole, MADV_REMOVE punches a hole in a file,
# MADV_POPULATE_* fault pages in, a fork child gets no MADV_DONTFORK area
# and an empty MADV_WIPEONFORK one), glibc and musl, against native.
. tests/lib/native.sh
vs_native_libcs mem_errors
[ $fail = 0 ] && echo "mem_errors: equal to native"
exit $fail
