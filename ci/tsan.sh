#!/usr/bin/env bash
# The test suite under ThreadSanitizer (a separate build folder; takes several minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
swift test --sanitize=thread --scratch-path .build-tsan "$@"
