#!/usr/bin/env bash
# Determinism soak: every bundled scenario 100 times while the other core is saturated; every
# scenario must give 100 identical verdicts. Usage: ci/soak.sh [REPEAT]
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT="${1:-100}"
swift build --product stream-replay
BIN="$(swift build --show-bin-path)/stream-replay"
# Saturate one core for the whole run.
( while :; do :; done ) &
BURNER=$!
trap 'kill $BURNER 2>/dev/null || true' EXIT
"$BIN" run scenarios --repeat "$REPEAT" --jobs 1
