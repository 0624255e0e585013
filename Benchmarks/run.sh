#!/usr/bin/env bash
# Runs every StreamReplay benchmark and ends with one summary: the package-benchmark targets
# (Benchmarks/Benchmarks/*, through `swift package --package-path Benchmarks benchmark`), then
# stream-replay-load (serve under wrk beside the C and NIO ceilings, the memory of a turn in
# fresh processes, the fake's write_size plans).
#
# Usage, from anywhere:  Benchmarks/run.sh [--quick]     (--quick shortens stream-replay-load only)
# Needs curl, python3 and taskset; wrk and cc for the serve section (apt-get install wrk).
# Everything builds into Benchmarks/.build (release). Exit status: 1 when a part failed.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== building the release CLI and stream-replay-load (Benchmarks/.build)"
swift build -c release --package-path Benchmarks --product stream-replay
swift build -c release --package-path Benchmarks --product stream-replay-load
BIN="$(swift build -c release --package-path Benchmarks --show-bin-path)"

OUTPUT="$(mktemp)"
trap 'rm -f "$OUTPUT"' EXIT
{
    echo "StreamReplay benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores," \
        "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on the machine skew every rate)"
} | tee "$OUTPUT"

failed=0
echo "== swift package --package-path Benchmarks benchmark --no-progress" | tee -a "$OUTPUT"
STREAM_REPLAY_CLI="$BIN/stream-replay" swift package --package-path Benchmarks benchmark --no-progress 2>&1 \
    | tee -a "$OUTPUT" || failed=1

echo "== stream-replay-load $*" | tee -a "$OUTPUT"
"$BIN/stream-replay-load" --cli "$BIN/stream-replay" "$@" 2>&1 | tee -a "$OUTPUT" || failed=1

echo
echo "== summary: the derived lines above (rates, ratios, allocations per chunk, targets)"
grep -E '^(» |## )' "$OUTPUT" || true
echo
echo "$(grep -c -E '^» .* PASS$' "$OUTPUT" || true) PASS, $(grep -c -E '^» .* MISS$' "$OUTPUT" || true) MISS;" \
    "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$failed" -ne 0 ]; then
    echo "run.sh: a part of the run failed (see its output above)" >&2
    exit 1
fi
