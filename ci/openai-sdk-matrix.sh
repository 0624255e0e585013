#!/usr/bin/env bash
# The openai Python SDK's own stream accumulator against the bundled library, through the adapter
# adapters/python/openai_sdk.py (openai pinned in adapters/python/requirements.txt, installed from
# PyPI into .build/). Fails only on a protocol error (exit 2) or on a cell that changed from the
# committed table adapters/python/matrix.md (exit 1): a failing cell is a finding about the SDK.
# Usage: ci/openai-sdk-matrix.sh [path/to/stream-replay] [--update]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-$(swift build --show-bin-path)/stream-replay}"
VENV=".build/openai-sdk-venv"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check -r adapters/python/requirements.txt; then
    echo "skipped: could not install the openai SDK from PyPI (no network?); the matrix was not checked" >&2
    exit 0
fi
echo "== the adapters' protocol harness (adapters/python/test_protocol.py)"
STREAM_REPLAY_BIN="$BIN" "$VENV/bin/python" -m unittest discover -s adapters/python -p 'test_*.py'
echo "== the skeleton adapter speaks the protocol (its echo engine fails scenarios, never the protocol)"
"$BIN" matrix --engine "skeleton=$VENV/bin/python adapters/python/skeleton.py" scenarios/basic > /dev/null
echo "== matrix: the openai SDK over the bundled library"
mkdir -p .build/reports
ARGS=(matrix --engine "openai-python=$VENV/bin/python adapters/python/openai_sdk.py" scenarios
    --markdown .build/reports/openai-sdk-matrix.md --json .build/reports/openai-sdk-matrix.json)
if [ "${2:-}" = "--update" ]; then
    "$BIN" "${ARGS[@]}" > adapters/python/matrix.md
    echo "wrote adapters/python/matrix.md"
else
    "$BIN" "${ARGS[@]}" --expect adapters/python/matrix.md > /dev/null
    echo "the openai SDK matrix matches adapters/python/matrix.md"
fi
