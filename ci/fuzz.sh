#!/usr/bin/env bash
# Runs the libFuzzer targets of Fuzz/ (SSE decoder, chunk interpreter + tool-call accumulator,
# scenario loader), each for SECONDS (default 600). Crashes are written to Fuzz/crashes/<target>/.
# Usage: ci/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-600}"
shift || true
TARGETS=("${@:-FuzzSSE FuzzChunks FuzzLoader}")
SCRATCH=".build-fuzz"
swift build --package-path Fuzz --scratch-path "$SCRATCH" -c debug \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
BIN="$(swift build --package-path Fuzz --scratch-path "$SCRATCH" --show-bin-path)"
for target in ${TARGETS[@]}; do
    # libFuzzer grows the first corpus folder: work in the build folder, seeded from Fuzz/seeds.
    mkdir -p "$SCRATCH/corpus/$target" "Fuzz/crashes/$target"
    cp -n Fuzz/seeds/$target/* "$SCRATCH/corpus/$target/" 2>/dev/null || true
    echo "== $target for ${SECONDS_PER_TARGET}s"
    "$BIN/$target" "$SCRATCH/corpus/$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="Fuzz/crashes/$target/" -print_final_stats=1
done
