#!/usr/bin/env bash
# The official SDKs' stream helpers read every clean bundled scenario in the fake's other wire
# profiles (anthropic: messages.stream(); openai-responses: responses.stream()) and must rebuild
# the text and tool calls the frames say (ci/sdk-profiles.py). The SDKs come from PyPI, pinned in
# ci/sdk-profiles-requirements.txt, into .build/; without PyPI the check is skipped, saying so.
# Usage: ci/sdk-profiles.sh [path/to/stream-replay]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-$(swift build --show-bin-path)/stream-replay}"
VENV=".build/sdk-profiles-venv"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check -r ci/sdk-profiles-requirements.txt; then
    echo "skipped: could not install the anthropic and openai SDKs from PyPI (no network?); the wire profiles were not checked" >&2
    exit 0
fi
mkdir -p .build/reports
"$VENV/bin/python" -u ci/sdk-profiles.py "$BIN" scenarios | tee .build/reports/sdk-profiles.txt
