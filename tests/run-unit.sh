#!/bin/sh
# Run every Criterion suite; print each synthesis line; fail if any fails.
status=0
for t in "$@"; do
    echo "== $(basename "$t")"
    "$t" --jobs 2 || status=1
done
exit $status
