# Sourced by tests/e2e scripts (from the repository's top): run a command
# natively and under faultline ($FL) in fresh empty directories and compare
# output and exit status byte for byte.  Makes $tmp (removed at exit; one
# tests/check.sh made is kept) and $top, and sets $fail.
#   vs_native LABEL CMD [ARGS...]   CMD runs in an empty directory: give it absolute paths
#   vs_native_libcs NAME            build/testprogs/NAME.glibc and .musl
set -u
fail=${fail:-0}
top=$(pwd)
if [ -z "${tmp:-}" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
fi
vs_native() {
    label=$1
    shift
    case $FL in /*) fl=$FL ;; *) fl=$(pwd)/$FL ;; esac
    rm -rf "$tmp/n" "$tmp/f"
    mkdir -p "$tmp/n" "$tmp/f"
    (cd "$tmp/n" && env -i PATH=/usr/bin:/bin "$@" >"$tmp/native" 2>&1 </dev/null; echo "exit $?" >>"$tmp/native")
    (cd "$tmp/f" && "$fl" run --env-clear -E PATH=/usr/bin:/bin --timeout 60 "$@" >"$tmp/fl" 2>&1 </dev/null
     echo "exit $?" >>"$tmp/fl")
    if ! cmp -s "$tmp/native" "$tmp/fl"; then
        echo "FAIL $label differs from native (< native, > faultline):"
        diff "$tmp/native" "$tmp/fl" | head -20 | sed 's/^/    /'
        fail=1
    fi
}

vs_native_libcs() {
    for libc in glibc musl; do
        vs_native "$1.$libc" "$top/build/testprogs/$1.$libc"
    done
}
