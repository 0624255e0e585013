#!/usr/bin/env bash
# Allocations per chunk of one engine turn read from memory, against a committed threshold.
#
# Builds and runs only the AllocationBenchmarks target of Benchmarks/ (package-benchmark, with its
# malloc interposer): a ChatEngine whose in-memory transport answers with 10,000 one-word chunks
# in 16 KB pieces, persistence off. No socket and no other process, so the count is the same on
# every run whatever else the machine does. The threshold is the number in
# ci/alloc-threshold.txt; a run may allocate up to 10 % more before this fails.
#
# Usage: ci/alloc-check.sh       (from anywhere; builds into Benchmarks/.build)
# Exit:  0 within the threshold, 1 over it, 2 when the figure could not be measured.
set -euo pipefail
cd "$(dirname "$0")/.."

THRESHOLD_FILE=ci/alloc-threshold.txt
MARGIN_PERCENT=10

threshold="$(grep -v -E '^[[:space:]]*(#|$)' "$THRESHOLD_FILE" | head -n 1 | tr -d '[:space:]')"
if ! [[ "$threshold" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
    echo "alloc-check: error: no threshold (a number) in $THRESHOLD_FILE" >&2
    exit 2
fi

OUTPUT="$(mktemp)"
trap 'rm -f "$OUTPUT"' EXIT
echo "== swift package --package-path Benchmarks benchmark --target AllocationBenchmarks"
status=0
swift package --package-path Benchmarks benchmark --target AllocationBenchmarks --no-progress 2>&1 \
    | tee "$OUTPUT" || status=$?
measured="$(sed -n -E 's/^allocations-per-chunk: ([0-9.,]+)$/\1/p' "$OUTPUT" | tr -d ',' | tail -n 1)"
if [ "$status" -ne 0 ] || [ -z "$measured" ]; then
    echo "alloc-check: error: the benchmark failed (exit $status) or printed no allocations-per-chunk line" >&2
    exit 2
fi

allowed="$(awk -v t="$threshold" -v m="$MARGIN_PERCENT" 'BEGIN { printf "%.2f", t * (1 + m / 100) }')"
echo
if awk -v a="$measured" -v b="$allowed" 'BEGIN { exit !(a > b) }'; then
    echo "alloc-check: FAIL: ${measured} allocations per chunk, allowed at most ${allowed}" \
        "(threshold ${threshold} in ${THRESHOLD_FILE} + ${MARGIN_PERCENT} %)."
    echo "  Run this script on the commit before yours to see which change added them."
    echo "  If they are intended, set the threshold in ${THRESHOLD_FILE} to the measured figure."
    exit 1
fi
echo "alloc-check: ok: ${measured} allocations per chunk, allowed at most ${allowed}" \
    "(threshold ${threshold} in ${THRESHOLD_FILE} + ${MARGIN_PERCENT} %)."
if awk -v a="$measured" -v t="$threshold" -v m="$MARGIN_PERCENT" 'BEGIN { exit !(a < t * (1 - m / 100)) }'; then
    echo "  That is more than ${MARGIN_PERCENT} % below the threshold: lower it in ${THRESHOLD_FILE}" \
        "to ${measured} so that the check stays tight."
fi
