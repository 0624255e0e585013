#!/usr/bin/env bash
# Runs every StreamReplay benchmark and ends with one summary: the package-benchmark targets
# (Benchmarks/Benchmarks/*), then stream-replay-load (serve under wrk beside the C and NIO
# ceilings, the memory of a turn in fresh processes, the fake's write_size plans).
#
# Usage, from anywhere:  Benchmarks/run.sh [--quick]     (--quick shortens the load section)
# Needs curl, python3 and taskset; wrk and cc for the serve section (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== building the release CLI and stream-replay-load (Benchmarks/.build)"
swift build -c release --package-path Benchmarks --product stream-replay
swift build -c release --package-path Benchmarks --product stream-replay-load
BIN="$(swift build -c release --package-path Benchmarks --show-bin-path)"

OUTPUT="$(mktemp)"
trap 'rm -f "$OUTPUT"' EXIT
echo "StreamReplay benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)" | tee "$OUTPUT"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on the machine skew every rate)" | tee -a "$OUTPUT"

echo "== package-benchmark: swift package --package-path Benchmarks benchmark" | tee -a "$OUTPUT"
STREAM_REPLAY_CLI="$BIN/stream-replay" swift package --package-path Benchmarks benchmark --no-progress \
    2>&1 | tee -a "$OUTPUT"

echo "== stream-replay-load $*" | tee -a "$OUTPUT"
"$BIN/stream-replay-load" --cli "$BIN/stream-replay" "$@" 2>&1 | tee -a "$OUTPUT"

echo
echo "== summary (the derived lines above: rates, ratios, allocations per chunk, targets)"
grep -E '^(» |## )' "$OUTPUT"
echo
echo "$(grep -c -E '^» .* PASS$' "$OUTPUT") PASS, $(grep -c -E '^» .* MISS$' "$OUTPUT") MISS; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
