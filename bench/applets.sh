#!/bin/sh
# bench/applets.sh N FILE RUNNER...: N short busybox applets, ten kinds in
# turn (echo, true, cat, wc, tr, sed, expr, basename, head, cut), each one
# a new process started as "RUNNER... APPLET ARGS", e.g. RUNNER =
# "/bin/busybox" natively or "build/faultline run /bin/busybox".  FILE is a
# small text file for the applets that read one.  Everything they print
# goes to stdout; the first applet that fails ends the loop with its status.
# Run by the host's /bin/sh (bench/programs.sh, figure 2).
set -eu
n=$1 file=$2
shift 2
i=0
while [ "$i" -lt "$n" ]; do
    case $((i % 10)) in
        0) "$@" echo "applet $i" ;;
        1) "$@" true ;;
        2) "$@" cat "$file" ;;
        3) "$@" wc -l "$file" ;;
        4) echo "round $i" | "$@" tr a-z A-Z ;;
        5) "$@" sed -n "s/a/A/gp" "$file" ;;
        6) "$@" expr "$i" \* 7 + 1 ;;
        7) "$@" basename "/tmp/dir$i/file.txt" .txt ;;
        8) "$@" head -n 2 "$file" ;;
        9) "$@" cut -d ' ' -f 2 "$file" ;;
    esac
    i=$((i + 1))
done
