#!/bin/sh
# Run every Criterion suite; print each synthesis line; fail if any test
# fails or a sanitizer reports anything (a report from a test's worker
# process does not change Criterion's exit status).
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
    echo "== $(basename "$t")"
    "$t" --jobs 2 >"$log" 2>&1 || status=1
    # An assertion in a fixture's teardown is reported but not counted.
    grep -q "Assertion Failed" "$log" && status=1
    grep -v "^faultline: internal error: " "$log" | grep -E "Synthesis|Failing|Assertion|\[FAIL\]|\[----\]" || true
    if grep -qE "LeakSanitizer|AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:" "$log"; then
        echo "  sanitizer report in $(basename "$t"):"
        grep -E -A 20 "LeakSanitizer|AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:" "$log" | head -40
        status=1
    fi
done
exit $status
