#!/bin/sh
# The loader against the malformed-ELF corpus of tests/elfcorpus: every bad
# file is refused by both "faultline run" and "faultline inspect" with the
# status and the one stderr line that tests/elfcorpus/expected gives, and
# with no sanitizer report; the valid ones load and exit 0.
# Usage, from the repository root: FL=build/faultline sh tests/e2e/loader_corpus.sh
set -u
: "${FL:?set FL to the faultline binary}"
table=tests/elfcorpus/expected
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM
dir=$tmp/corpus
if ! python3 tests/elfcorpus/gen.py "$dir"; then
    echo "loader_corpus: cannot generate the corpus"
    exit 2
fi
# A loader that waits forever is a failure too, not a stuck test run;
# the valid programs here finish in well under a second.
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 10"
failed=""
nfail=0
npass=0

fail() { # case, command, reason
    nfail=$((nfail + 1))
    failed="$failed
  $1 ($2): $3"
}

# The table's substring with %F (the case's path) and %D (the corpus)
# filled in; mktemp's names hold no '|' or '&'.
expand() { # substring, path
    printf '%s\n' "$1" | sed -e "s|%F|$2|g" -e "s|%D|$dir|g"
}

# Run one command on one case; leaves $tmp/out, $tmp/err; prints status.
invoke() { # command, path
    if [ "$1" = run ]; then
        $limit "$FL" run --env-clear "$2" </dev/null >"$tmp/out" 2>"$tmp/err"
    else
        $limit "$FL" inspect "$2" </dev/null >"$tmp/out" 2>"$tmp/err"
    fi
    echo $?
}

# Why the last invocation differs from what the table says, or nothing.
verdict() { # expected status, wanted substring, status got
    if grep -Eq 'ERROR: [A-Za-z]*Sanitizer|runtime error' "$tmp/err"; then
        echo "sanitizer report: $(grep -Em1 'Sanitizer|runtime error' "$tmp/err")"
        return
    fi
    [ "$3" = 124 ] && [ -n "$limit" ] && { echo "no answer in 10 s (hangs)"; return; }
    [ "$3" = "$1" ] || { echo "status $3, expected $1: $(head -c 300 "$tmp/err")"; return; }
    lines=$(wc -l <"$tmp/err")
    if [ "$1" = 0 ]; then
        [ -s "$tmp/err" ] && echo "stderr not empty: $(head -c 300 "$tmp/err")"
        return
    fi
    [ -s "$tmp/out" ] && { echo "stdout not empty"; return; }
    [ "$lines" -eq 1 ] ||
        { echo "$lines lines on stderr, expected 1: $(head -c 300 "$tmp/err" | tr '\n' '~')"; return; }
    grep -q '^faultline: ' "$tmp/err" || { echo "not a faultline message: $(cat "$tmp/err")"; return; }
    grep -qF -e "$2" "$tmp/err" || echo "message lacks '$2': $(cat "$tmp/err")"
}

# Every generated case has a line in the table, and the reverse.
for p in "$dir"/*; do
    n=${p##*/}
    [ "$n" = aux ] && continue
    awk -v n="$n" '$1 == n { f = 1 } END { exit !f }' "$table" ||
        fail "$n" table "generated but not in $table"
done

grep -v '^#' "$table" | grep -v '^[[:space:]]*$' >"$tmp/cases"
while read -r name status msg; do
    path=$dir/$name
    if [ "$name" != missing ] && [ ! -e "$path" ] && [ ! -L "$path" ]; then
        fail "$name" table "in $table but not generated"
        continue
    fi
    want=$(expand "$msg" "$path")
    for cmd in run inspect; do
        got=$(invoke "$cmd" "$path")
        why=$(verdict "$status" "$want" "$got")
        if [ -n "$why" ]; then
            fail "$name" "$cmd" "$why"
        else
            npass=$((npass + 1))
        fi
    done
done <"$tmp/cases"

echo "loader_corpus: $npass passed, $nfail failed$failed"
[ "$nfail" = 0 ]
