# check.sh - what the end-to-end scripts share, sourced by them: $FL made
# absolute (scripts may cd), a temporary folder removed at exit, and bad,
# which reports a failed check and marks the script failed.
set -u
case $FL in /*) ;; *) FL=$(pwd)/$FL ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL $*"; fail=1; }
