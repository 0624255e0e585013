#!/usr/bin/env bash
# The project's check: lint, build, test, then the bundled scenarios with the built CLI.
# Usage: ci/test.sh            (from the repository root; CI=true makes it non-interactive)
set -euo pipefail
cd "$(dirname "$0")/.."

# GRDB builds against the system SQLite.
if ! pkg-config --exists sqlite3 2>/dev/null && [ ! -f /usr/include/sqlite3.h ]; then
    echo "== installing libsqlite3-dev"
    if command -v apt-get >/dev/null; then
        SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        $SUDO apt-get update -qq && $SUDO apt-get install -y -qq libsqlite3-dev
    else
        echo "error: SQLite development headers are missing (install libsqlite3-dev or sqlite-devel)" >&2
        exit 2
    fi
fi

echo "== swift format lint"
swift format lint --strict --recursive --parallel Sources Tests Package.swift

echo "== swift build --build-tests"
swift build --build-tests --explicit-target-dependency-import-check error

echo "== swift test"
timeout 1800 swift test --skip-build

echo "== JSON Schema of the format (Python jsonschema)"
python3 ci/schema-check.py .

echo "== bundled scenarios"
BIN="$(swift build --show-bin-path)/stream-replay"
"$BIN" run scenarios --junit .build/reports/scenarios.xml --json .build/reports/scenarios.json --html .build/reports/scenarios.html

echo "== the cookbook's walk-throughs"
ci/cookbook-check.sh "$BIN"

echo "== live mode against a third-party mock"
ci/live-mock.sh "$BIN"

echo "== engines behind the adapter protocol: the openai Python SDK"
ci/openai-sdk-matrix.sh "$BIN"

echo "== wire profiles: the anthropic and openai SDKs' stream helpers read the fake's streams"
ci/sdk-profiles.sh "$BIN"

echo "== allocations per chunk against the committed threshold (package-benchmark, Benchmarks/)"
ci/alloc-check.sh
