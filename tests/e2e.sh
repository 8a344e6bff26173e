#!/bin/sh
# End-to-end tests: every case in tests/cases against its golden files,
# then every script in tests/e2e/.  Usage: e2e.sh [--regenerate] FAULTLINE
set -u
regen=0
if [ "${1:-}" = "--regenerate" ]; then
    regen=1
    shift
fi
FL=${1:?usage: e2e.sh [--regenerate] FAULTLINE}
export FL
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
failed=""

check() { # name, kind, golden, actual
    if [ $regen = 1 ]; then
        cp "$4" "$3"
        return 0
    fi
    if [ ! -f "$3" ]; then
        echo "  $1: missing golden file $3 (make golden)"
        return 1
    fi
    if ! diff -u "$3" "$4" >"$tmp/diff"; then
        echo "  $1: $2 differs from $3:"
        head -40 "$tmp/diff" | sed 's/^/    /'
        return 1
    fi
}

cut_log() { # golden, actual: a golden of an older format is compared on its own
    # columns: the actual log gets the golden's header and loses the columns
    # after the golden's last (each line cut after that many fields).
    [ -f "$1" ] || return 0
    n=$(grep -v '^#' "$1" | head -1 | awk '{print NF}')
    [ -n "$n" ] || return 0
    { grep '^#' "$1"; grep -v '^#' "$2" | awk -v n="$n" '{
        s = $0; out = ""
        for (i = 1; i <= n && match(s, /^[ \t]*[^ \t]+/); i++) {
            out = out substr(s, 1, RLENGTH); s = substr(s, RLENGTH + 1)
        }
        print out }'; } >"$2.cut" && mv "$2.cut" "$2"
}

grep -v '^#' tests/cases | grep -v '^[[:space:]]*$' >"$tmp/cases"
while IFS='|' read -r name status checks opts cmd; do
    name=$(echo $name)
    status=$(echo $status)
    checks=$(echo $checks)
    g=tests/golden/$name
    eval "set -- $opts"
    fopts="$*"
    eval "\"\$FL\" run --env-clear -o \"\$tmp/\$name.log\" $fopts $cmd" \
        >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null
    got=$?
    ok=1
    if [ "$got" != "$status" ]; then
        echo "  $name: exit status $got, expected $status"
        sed 's/^/    stderr: /' "$tmp/$name.err" | head -20
        ok=0
    fi
    check "$name" stdout "$g.out" "$tmp/$name.out" || ok=0
    check "$name" stderr "$g.err" "$tmp/$name.err" || ok=0
    if [ "$checks" = log ]; then
        [ $regen = 1 ] || cut_log "$g.log" "$tmp/$name.log"
        check "$name" "fault log" "$g.log" "$tmp/$name.log" || ok=0
    fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        failed="$failed $name"
    fi
done <"$tmp/cases"

if [ $regen = 1 ]; then
    echo "golden files regenerated in tests/golden: review 'git diff tests/golden' before committing"
    exit 0
fi

for t in tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    if sh "$t" >"$tmp/script.out" 2>&1; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        failed="$failed $name"
        echo "  $name failed:"
        sed 's/^/    /' "$tmp/script.out" | tail -30
    fi
done

echo "e2e: $pass passed, $fail failed${failed:+ (failed:$failed)}"
[ $fail = 0 ]
