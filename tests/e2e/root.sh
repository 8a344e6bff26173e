#!/bin/sh
# --root: every path the guest names stays inside the root, whatever ".."
# or symlinks (absolute, relative, looping) or /proc it uses.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
R=$tmp/root
mkdir -p "$R/bin" "$R/etc" "$R/sub/deeper"
cp /bin/busybox "$R/bin/busybox"
echo inside-root >"$R/etc/passwd"
echo host-secret >"$tmp/secret"
ln -s /etc "$R/abs"
ln -s ../../../../../../../../.. "$R/up"
ln -s loop "$R/loop"
ln -s ../../secret "$R/sub/rel"
fail=0

# run EXPECTED-STATUS EXPECTED-OUTPUT SHELL-COMMAND
run() {
    "$FL" run --root "$R" /bin/busybox sh -c "$3" >"$tmp/out" 2>"$tmp/err" </dev/null
    st=$?
    out=$(cat "$tmp/out")
    if [ "$st" != "$1" ] || [ "$out" != "$2" ] || grep -q host-secret "$tmp/out" "$tmp/err"; then
        echo "FAIL: $3"
        echo "  status $st (want $1), output '$out' (want '$2')"
        sed 's/^/  stderr: /' "$tmp/err" | head -5
        fail=1
    fi
}

run 0 inside-root '/bin/busybox cat /etc/passwd'
run 0 inside-root '/bin/busybox cat /abs/passwd'
run 0 inside-root '/bin/busybox cat /../../../../etc/passwd'
run 0 inside-root '/bin/busybox cat /up/etc/passwd'
run 0 inside-root 'cd /sub/deeper && /bin/busybox cat ../../../../../etc/passwd'
run 0 "/" 'cd /../../.. && pwd'
run 1 "" '/bin/busybox cat /sub/rel'
run 1 "" '/bin/busybox cat /loop'
run 1 "" "/bin/busybox cat $tmp/secret"
run 1 "" '/bin/busybox cat /proc/self/root/secret'
run 1 "" '/bin/busybox cat /proc/1/cwd/../secret'
run 1 "" '/bin/busybox cat /proc/self/fd/../../../secret'
run 0 /bin/busybox '/bin/busybox readlink /proc/self/exe'
run 0 ok 'exec /bin/busybox echo ok'
# A link the guest makes itself is resolved inside the root too.
run 0 inside-root "/bin/busybox ln -s $R/../secret /made && /bin/busybox cat /etc/passwd && ! /bin/busybox cat /made"

# Races the guest makes itself: one process swaps /d between a directory
# and a symlink pointing out of the root while another reads /d/secret.
# Every open is one walk inside the root, so no interleaving escapes.
mkdir -p "$R/d" "$R/dev"
echo inside-root >"$R/d/secret"
: >"$R/dev/null" # busybox sh gives a background job /dev/null as input
"$FL" run --root "$R" --quantum 3000 /bin/busybox sh -c '
    (i=0; while [ $i -lt 40 ]; do
        /bin/busybox mv /d /d.real; /bin/busybox ln -s .. /d
        /bin/busybox rm /d; /bin/busybox mv /d.real /d; i=$((i+1)); done) &
    j=0; while [ $j -lt 80 ]; do /bin/busybox cat /d/secret; j=$((j+1)); done 2>/errors
    wait' >"$tmp/race" 2>&1 </dev/null
# Both outcomes must occur, or the processes did not race at all.
if grep -q host-secret "$tmp/race" || ! grep -q inside-root "$tmp/race" ||
    ! grep -q "can't open" "$R/errors"; then
    echo "FAIL: the rename race read outside the root, or did not race:"
    sort "$tmp/race" "$R/errors" | uniq -c | head
    fail=1
fi

# ".." as the last component names a directory inside the root too.
run 0 "$(stat -c %i "$R")" '/bin/busybox stat -c %i /..'
run 0 "$(stat -c %i "$R")" '/bin/busybox stat -c %i /sub/deeper/../../..'

# Without --root, procfs is the host's: the guest's /proc/self is made by
# faultline, and no spelling reaches faultline's own /proc/<pid> (its memory
# and descriptors) or writes procfs and sysfs.
ln -s /proc/self "$tmp/selflink"
# host_open PATH...: each must fail to open
for path in /proc/self/mem //proc/self/mem /proc/./self/mem /proc/../proc/self/mem \
    /proc/thread-self/mem /proc/self/fd/../mem "$tmp/selflink/mem" "$tmp/selflink/environ" \
    /proc/1/mem /proc/$$/mem; do
    "$FL" run /bin/busybox head -c 0 "$path" >"$tmp/out" 2>&1 </dev/null
    [ $? = 1 ] || { echo "FAIL: the guest opened $path"; fail=1; }
done
"$FL" run /bin/busybox sh -c 'echo x >/proc/sys/vm/overcommit_memory' >/dev/null 2>&1 </dev/null &&
    { echo "FAIL: the guest wrote /proc/sys"; fail=1; }
"$FL" run /bin/busybox sh -c 'echo x >/proc/self/maps' >/dev/null 2>&1 </dev/null &&
    { echo "FAIL: the guest opened its maps for writing"; fail=1; }
for path in //proc/self/maps /proc/./self/maps; do
    out=$("$FL" run /bin/busybox cat "$path" 2>&1 </dev/null)
    case $out in
    *faultline* | *libunicorn*) echo "FAIL: $path shows the host process"; fail=1 ;;
    *busybox*) ;;
    *) echo "FAIL: $path does not show the guest: $out" | head -3; fail=1 ;;
    esac
done

# The program path is inside the root as well.
"$FL" run --root "$R" "$tmp/secret" >/dev/null 2>"$tmp/err"
st=$?
[ $st = 127 ] || { echo "FAIL: a host path outside the root ran (status $st)"; fail=1; }

[ $fail = 0 ] && echo "root: ok"
exit $fail
