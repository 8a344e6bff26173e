#!/bin/sh
# sizes.sh - no C source file over 700 lines, no function over 80.
#
#   sh scripts/sizes.sh [DIR...]     (default: vm loader emu)
#
# A function is measured from the line that opens its body ("{" alone at
# the start of a line, after a definition) to its closing "}" at the
# start of a line, as the code is formatted here.  Prints every offender
# and exits 1 if there is one.
set -eu
max_file=700
max_fn=80
dirs=${*:-vm loader emu}
bad=0
for f in $(find $dirs -name '*.[ch]' | sort); do
    n=$(wc -l <"$f")
    if [ "$n" -gt "$max_file" ]; then
        echo "sizes: $f: $n lines (at most $max_file)"
        bad=1
    fi
    case $f in *.h) continue ;; esac
    out=$(awk -v max="$max_fn" -v file="$f" '
        /^[A-Za-z_].*\(/ && !/;[ \t]*$/ { sig = $0; sigline = NR }
        /^\{/ { if (sig != "") { start = NR; name = sig } }
        /^\}/ { if (start) { len = NR - start - 1;
                  if (len > max) { sub(/\(.*/, "", name); n = split(name, w, /[ *]+/);
                                   printf "sizes: %s:%d: %s is %d lines (at most %d)\n", file, sigline, w[n], len, max }
                  start = 0; sig = "" } }
    ' "$f")
    if [ -n "$out" ]; then
        echo "$out"
        bad=1
    fi
done
exit $bad
