#!/bin/sh
# System V IPC and POSIX shared memory between processes
# (testprogs/sysv_ipc.c: shm stores seen both ways and shm_nattch, IPC_RMID
# while attached, semaphores that block and wake, SEM_UNDO, timeouts,
# EIDRM, message types, the errors; shm_open in /dev/shm), glibc and musl,
# against native.  The fault log must show the segment as one frame: the
# child's second attach meets the parent's page as a cache-hit (a minor
# fault) on the very frame the parent's demand-zero fault filled.
. tests/lib/native.sh
for libc in glibc musl; do
    vs_native sysv_ipc.$libc "$top/build/testprogs/sysv_ipc.$libc"
    "$FL" run --env-clear -o "$tmp/log" "$top/build/testprogs/sysv_ipc.$libc" >/dev/null 2>&1
    if ! awk '$7 ~ /^\/SYSV/ && $3 == "demand-zero" && !f { f = $8; p = $2 }
              $7 ~ /^\/SYSV/ && $3 == "cache-hit" && $2 != p && $8 == f && $9 == "off=0x0" { ok = 1 }
              END { exit !ok }' "$tmp/log"; then
        echo "FAIL sysv_ipc.$libc: no second mapping of the segment's first frame as a cache-hit:"
        grep SYSV "$tmp/log" | head -5 | sed 's/^/    /'
        fail=1
    fi
done
[ $fail = 0 ] && echo "sysv_ipc: equal to native; one frame in every attach"
exit $fail
