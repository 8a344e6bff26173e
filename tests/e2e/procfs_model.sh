#!/bin/sh
# /proc and /sys as the model describes the machine: every synthesised file
# opens through stdio's flags (testprogs/proc_files.c, against native); one
# CPU everywhere (testprogs/cpus.c, nproc, getconf, python3, git); status
# and statm memory equal to --maps at the same moment (testprogs/proc_mem.c
# under pressure); meminfo and sysinfo of --frames and --swap-pages, live;
# uptime, process start times and the load average on the guest clock;
# mounts; and ps, pidof, start-stop-daemon, top, free, findmnt, df over
# the guest's processes.
. tests/check.sh
. tests/lib/native.sh
run() { "$FL" run --env-clear -E PATH=/usr/bin:/bin --timeout 60 "$@" 2>&1 </dev/null; }
expect() { # label, expected, actual
    [ "$2" = "$3" ] || { bad "$1:"; printf '  expected: %s\n  got:      %s\n' "$2" "$3"; }
}

# The files open with fopen's flags ("r", "re"; musl passes a mode) and
# start as natively.
vs_native_libcs proc_files

# One CPU: every count a program can take.
for libc in glibc musl; do
    out=$(run build/testprogs/cpus.$libc)
    echo "$out" | grep -qv ': 1$' && bad "cpus.$libc: not all 1:" && echo "$out"
    [ "$(echo "$out" | wc -l)" = 10 ] || bad "cpus.$libc: $out"
done
expect nproc 1 "$(run /usr/bin/nproc)"
expect "getconf _NPROCESSORS_ONLN" 1 "$(run /usr/bin/getconf _NPROCESSORS_ONLN)"
expect "getconf _NPROCESSORS_CONF" 1 "$(run /usr/bin/getconf _NPROCESSORS_CONF)"
expect "python3 cpu counts" "1 1 1" "$(run /usr/bin/python3 -c 'import os, multiprocessing
print(os.cpu_count(), len(os.sched_getaffinity(0)), multiprocessing.cpu_count())')"
# git sizes its delta search by the online CPUs: one thread says nothing
# of threads, two (asked for) say so.
(cd "$tmp" && git init -q g && cd g && for i in 1 2 3 4 5 6; do seq 1 $((i * 500)) >f$i; done &&
    git add . && git -c user.name=t -c user.email=t@t commit -qm t && git rev-list --objects --all >../list)
for threads in "" "-c pack.threads=2"; do
    rm -f "$tmp"/g/pk-*
    # shellcheck disable=SC2086
    out=$(cd "$tmp/g" && "$FL" run --env-clear -E PATH=/usr/bin:/bin /usr/bin/git $threads \
        pack-objects --progress pk <../list 2>&1 >/dev/null | tr '\r' '\n')
    echo "$out" | grep -q '^Compressing objects: 100%' || bad "git pack-objects $threads: $out"
    got=$(echo "$out" | grep -o 'using up to [0-9]* threads')
    expect "git pack-objects $threads" "${threads:+using up to 2 threads}" "$got"
done

# status and statm against --maps at exit: the resident pages by kind, the
# swapped ones, the size.  Pressure (160 frames) swaps some anonymous pages.
for libc in glibc musl; do
    "$FL" run --maps --frames 160 --swap-pages 1000 build/testprogs/proc_mem.$libc 200 16 \
        >"$tmp/mem" 2>"$tmp/maps" </dev/null || bad "proc_mem.$libc: exit $?"
    kb() { awk -v k="$1:" '$1 == k { print $2 }' "$tmp/mem"; }
    total=$(grep '^# .* areas, ' "$tmp/maps")
    set -- $(echo "$total" | tr -c '0-9\n' ' ')
    areas=$1 res=$2 anon=$3 file=$4 shmem=$5 swapped=$6
    size=0
    for r in $(awk '/^[0-9a-f]+-[0-9a-f]+ / { print $1 }' "$tmp/maps"); do
        size=$((size + (0x${r#*-} - 0x${r%-*}) / 4096))
    done
    [ "$areas" -gt 0 ] && [ "$swapped" -gt 0 ] && [ "$shmem" -gt 0 ] && [ "$anon" -gt 0 ] ||
        bad "proc_mem.$libc: no pressure seen in --maps: $total"
    expect "proc_mem.$libc VmRSS" $((res * 4)) "$(kb VmRSS)"
    expect "proc_mem.$libc RssAnon" $((anon * 4)) "$(kb RssAnon)"
    expect "proc_mem.$libc RssFile" $((file * 4)) "$(kb RssFile)"
    expect "proc_mem.$libc RssShmem" $((shmem * 4)) "$(kb RssShmem)"
    expect "proc_mem.$libc VmSwap" $((swapped * 4)) "$(kb VmSwap)"
    expect "proc_mem.$libc VmSize" $((size * 4)) "$(kb VmSize)"
    expect "proc_mem.$libc statm" "$size $res $((file + shmem))" \
        "$(awk '$1 == "statm" { print $2, $3, $4 }' "$tmp/mem")"
done

# meminfo: MemTotal and SwapTotal are the options, MemFree and SwapFree
# fall as memory is used; sysconf's page counts (sysinfo) say the same.
out=$(run --frames 3000 --swap-pages 8000 /usr/bin/python3 -c '
import os
def mi():
    return {l.split(":")[0]: int(l.split()[1]) for l in open("/proc/meminfo")}
a = mi()
phys, avail = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_AVPHYS_PAGES")
b = mi()
x = b"x" * (4 << 20)
c = mi()
y = b"y" * (16 << 20)
d = mi()
print(a["MemTotal"], a["SwapTotal"], phys * 4 == a["MemTotal"],
      b["MemFree"] <= avail * 4 <= a["MemFree"], a["MemFree"] - c["MemFree"] >= 4096,
      a["SwapFree"] == a["SwapTotal"], d["SwapFree"] < a["SwapFree"] - 8000,
      a["MemAvailable"] >= a["MemFree"])')
expect "meminfo and sysinfo" "12000 32000 True True True True True True" "$out"

# The clock: a process started after a 3 s sleep started at 300 ticks, and
# uptime is 3 s; nobody ran meanwhile, so the load is nil.  The shell the
# last process was vforked from is able to run (R) while it reads: two of
# three tasks (init, sh, cat), the last pid 6.
expect "starttime, uptime, loadavg" "300|3.00 3.00|0.00 0.00 0.00 2/3 6" \
    "$(run /bin/sh -c 'sleep 3; cut -d" " -f22 /proc/self/stat; cat /proc/uptime; cat /proc/loadavg' | paste -sd'|')"
expect "ps etimes" "3|3|0" "$(run /bin/sh -c 'sleep 3; ps -e -o etimes=' | awk '{ print $1 }' | paste -sd'|')"
# With real time a spinning child is the one task able to run through the
# first sample (5 s): Linux's arithmetic gives 0.08 0.02 0.01.  When cat
# reads, the spinner, the shell and cat can run (init, sh, the spinner, cat).
got=$(run --real-time /bin/sh -c 'while :; do :; done & sleep 5.5; cat /proc/loadavg; kill $!')
expect "loadavg of one spinner" "0.08 0.02 0.01 3/4 5" "$got"

# CPU time is the guest time that passed while a task ran: with a quantum,
# 1 ns an instruction.  The shell's own in stat, in times(), and all of
# the CPU's user time in /proc/stat; uptime is that and the idle time.
set -- $(run --quantum 1000000 /bin/sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done
    cut -d" " -f14 /proc/$$/stat; times; head -1 /proc/stat; cat /proc/uptime' | tr -c '0-9.\n' ' ')
utime=$1 times=$3 user=${10} idle=${13} up=${20} upidle=${21}
[ "$utime" -gt 10 ] && [ "$(echo "$times" | tr -d .)" = "$((utime / 100))$(printf %02d $((utime % 100)))0000" ] &&
    [ "$user" -ge "$utime" ] && [ "$(echo "$up" | tr -d .)" -le $((user + idle + 1)) ] &&
    [ "$(echo "$up" | tr -d .)" -ge $((user + idle)) ] && [ "$(echo "$upidle" | tr -d .)" -le $((idle + 1)) ] ||
    bad "CPU time: utime $utime, times $times, /proc/stat user $user idle $idle, uptime $up $upidle"

# Mounts: the root, proc and sysfs.
expect "findmnt" "/ /proc proc /sys sysfs" \
    "$(run /usr/bin/findmnt -n -l -o TARGET,FSTYPE | awk 'NR == 1 { print $1 } NR > 1 { print $1, $2 }' | paste -sd' ')"
run /bin/df / | tail -1 | grep -q ' /$' || bad "df /: $(run /bin/df /)"
run /bin/df >/dev/null || bad "df: $(run /bin/df)"

# The guest's processes: /proc lists them, ps, pidof and top see them.
expect "ls /proc" "1|2|3|4" "$(run /bin/sh -c 'ls /proc | grep -E "^[0-9]+$"' | paste -sd'|')"
expect "ps -e" "1 0 Ss init|2 1 Rs sh|3 2 S sleep|4 2 R ps" \
    "$(run /bin/sh -c 'sleep 1 & ps -e -o pid=,ppid=,stat=,comm=; true' | awk '{ $1 = $1; print }' | paste -sd'|')"
expect "ps args" "init|/bin/sh -c sleep 1 & ps -e -o args=; true|sleep 1|ps -e -o args=" \
    "$(run /bin/sh -c 'sleep 1 & ps -e -o args=; true' | paste -sd'|')"
expect "ps -ef" "root 1 0 init|root 2 1 /bin/sh|root 3 2 sleep|root 4 2 ps" \
    "$(run /bin/sh -c 'sleep 1 & ps -ef; true' | tail -n +2 | awk '{ print $1, $2, $3, $8 }' | paste -sd'|')"
expect "ps -o comm= -p" "sh" "$(run /bin/sh -c 'ps -o comm= -p $$; true')"
expect "pidof" "3|3|2|3" "$(run /bin/sh -c 'sleep 5 & pidof sleep; busybox pidof sleep; pidof -s sh; pidof -s sleep' | paste -sd'|')"
expect "busybox ps" "1 init|2 sh|3 sleep|4 busybox" \
    "$(run /bin/sh -c 'sleep 5 & busybox ps -o pid,comm; true' | tail -n +2 | awk '{ print $1, $2 }' | paste -sd'|')"
# start-stop-daemon (busybox's and dpkg's) finds its daemon through /proc.
expect "busybox start-stop-daemon" "5|stopped /bin/sleep (pid 5)|0|1" \
    "$(run /bin/sh -c 'busybox start-stop-daemon -S -b -x /bin/sleep -- 5; busybox pidof sleep
        busybox start-stop-daemon -K -x /bin/sleep; echo $?; busybox pidof sleep; echo $?' | paste -sd'|')"
expect "start-stop-daemon" "5|0|No /bin/sleep found running; none killed.|1|1" \
    "$(run /bin/sh -c '/sbin/start-stop-daemon -S -b -x /bin/sleep -- 5; pidof sleep
        /sbin/start-stop-daemon -K -x /bin/sleep; echo $?; /sbin/start-stop-daemon -K -x /bin/sleep; echo $?
        pidof sleep; echo $?' | paste -sd'|')"
out=$(run --frames 2560 --swap-pages 1024 /usr/bin/top -bn1)
echo "$out" | grep -q '^Tasks:   2 total,   1 running,   1 sleeping,   0 stopped,   0 zombie$' &&
    echo "$out" | grep -q '^MiB Mem :     10.0 total,' && echo "$out" | grep -q '^MiB Swap:      4.0 total,      4.0 free,' &&
    echo "$out" | grep -q 'load average: 0.00, 0.00, 0.00$' &&
    echo "$out" | grep -q '^ *1 root .* init$' && echo "$out" | grep -q '^ *2 root .* R .* top$' ||
    { bad "top -bn1:"; echo "$out"; }
out=$(run --frames 2560 --swap-pages 1024 /usr/bin/free)
echo "$out" | grep -q '^Mem: *10240 ' && echo "$out" | grep -q '^Swap: *4096 *0 *4096$' || { bad "free:"; echo "$out"; }
[ $fail = 0 ] && echo "procfs_model: the machine as the model has it"
exit $fail
