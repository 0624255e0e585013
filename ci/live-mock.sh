#!/usr/bin/env bash
# Live mode against a server nobody here wrote: mockllm (PyPI, an offline OpenAI-compatible
# mock), started on 127.0.0.1. Usage: ci/live-mock.sh [path/to/stream-replay]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-$(swift build --show-bin-path)/stream-replay}"
VERSION="0.0.8"
VENV=".build/mockllm-venv"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check "mockllm==$VERSION"; then
    echo "skipped: could not install mockllm $VERSION from PyPI (no network?)" >&2
    exit 0
fi
WORK="$(mktemp -d)"
cat > "$WORK/responses.yml" <<'YAML'
responses:
  "Say something short.": "Short."
defaults:
  unknown_response: "I don't know the answer to that."
YAML
PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
MOCKLLM_RESPONSES_FILE="$WORK/responses.yml" "$VENV/bin/python" -m uvicorn mockllm.server:app \
    --host 127.0.0.1 --port "$PORT" --log-level warning > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
# Wait until the server answers (it needs a moment to import).
for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$PORT/docs"; then break; fi
    sleep 0.2
done
echo "== live mode against mockllm $VERSION on 127.0.0.1:$PORT"
"$BIN" run --live --base-url "http://127.0.0.1:$PORT/v1" --model mock-model scenarios/live/any-answer.yaml
echo "== provider probe against mockllm $VERSION"
# mockllm answers every request with text, tool probes included, so the probe must say so: exit 1,
# with the tool probes' purposes reported as failed and every turn itself clean.
set +e
"$BIN" probe --base-url "http://127.0.0.1:$PORT/v1" --model mock-model > "$WORK/probe.txt" 2>&1
STATUS=$?
set -e
cat "$WORK/probe.txt"
expect() {
    if ! grep -qF -- "$1" "$WORK/probe.txt"; then
        echo "FAIL: the probe's report lacks: $1" >&2
        exit 1
    fi
}
if [ "$STATUS" -ne 1 ]; then
    echo "FAIL: probe exited $STATUS; expected 1 (tool probes answered with text)" >&2
    exit 1
fi
expect "one tool call: fail purpose: asked for a tool call, got none (the model answered with text)"
expect "two parallel calls: fail purpose: asked for 2 tool calls, got none"
expect "long argument: fail purpose: asked for a tool call, got none"
if grep -E '^[a-z_ ]+: (connect_failed|timeout|run_failed|http_error|stream_interrupted|invalid_chunk):' "$WORK/probe.txt"; then
    echo "FAIL: a probe's turn failed against mockllm" >&2
    exit 1
fi
echo "probe findings as expected"
