#!/bin/sh
# embed.sh - turn text files into C strings, for files the binary carries
# (the report page of emu/trace/report/).
#
#   sh scripts/embed.sh OUT.c NAME FILE [NAME FILE ...]
#
# Writes OUT.c (which includes emu/trace/report.h, where the names are
# declared) defining `const char NAME[]` with FILE's bytes, line by
# line; backslashes, quotes and question marks (no trigraphs) escaped.
set -eu
out=$1
shift
{
    echo "/* Made by scripts/embed.sh from: $(echo "$@" | awk '{for (i = 2; i <= NF; i += 2) printf " %s", $i}'). */"
    echo '#include "emu/trace/report.h"'
    while [ $# -ge 2 ]; do
        echo "const char $1[] ="
        sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/	/\\t/g' -e 's/^/    "/' -e 's/$/\\n"/' "$2"
        echo "    \"\";"
        shift 2
    done
} >"$out.tmp"
mv "$out.tmp" "$out"
