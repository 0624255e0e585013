#!/usr/bin/env python3
"""A small stand-in for `stream-replay run --engine`, to test the Python adapters without it.

It starts the fake LLM (`stream-replay serve FILE --port 0`), starts an adapter as a child
process with STREAM_REPLAY_PROTOCOL=1, speaks the adapter protocol (version 1) with it, answers
its tool calls from a script given here, and checks what came back for a few bundled scenarios.
The turns and tools of each scenario are restated here (this file uses the stdlib only, so it
does not read YAML); the fake plays the scenario's own `llm` script.

    PYTHONPATH=/tmp/openai-pkgs python3 -m unittest discover -s adapters/python -p 'test_*.py' -v

STREAM_REPLAY_BIN names the CLI (default /tmp/sr-bin/stream-replay). Tests that need what is
missing (the CLI, the openai package) are skipped with the reason.

Where the openai SDK behaves otherwise than the engine contract (docs/engine.md), the test
asserts what the SDK really does and says so: those are findings, listed in
docs/engine-adapter.md, not bugs to hide.
"""
import collections
import importlib.util
import json
import os
import queue
import re
import subprocess
import sys
import threading
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("STREAM_REPLAY_BIN", "/tmp/sr-bin/stream-replay")
OPENAI_ADAPTER = os.path.join(HERE, "openai_sdk.py")
SKELETON = os.path.join(HERE, "skeleton.py")
TIMEOUT = 20  # seconds for any one answer
ENGINE_DEFAULTS = {"max_tool_hops": 8, "system_prompt": None, "history_limit": 50,
                   "persistence": {"persist_deltas": False, "interval_ms": 200, "min_chars": 1024},
                   "idle_timeout_ms": 60000, "llm_retries": 0}

HAVE_CLI = os.access(BIN, os.X_OK)
HAVE_OPENAI = importlib.util.find_spec("openai") is not None
try:
    import importlib.metadata
    OPENAI_VERSION = importlib.metadata.version("openai") if HAVE_OPENAI else None
except importlib.metadata.PackageNotFoundError:
    OPENAI_VERSION = None
needs_cli = unittest.skipUnless(HAVE_CLI, f"no stream-replay CLI at {BIN} (set STREAM_REPLAY_BIN)")
needs_openai = unittest.skipUnless(HAVE_OPENAI, "the openai package cannot be imported "
                                   "(pip install --target DIR openai==3.57.0, then PYTHONPATH=DIR)")


class FakeLLM:
    """`stream-replay serve FILE --port 0`, with the URL it prints read back."""

    def __init__(self, scenario):
        self.path = os.path.join(ROOT, "scenarios", scenario)

    def __enter__(self):
        self.process = subprocess.Popen([BIN, "serve", self.path, "--port", "0"], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()  # Serving '…' (N llm entries) at http://127.0.0.1:PORT/v1
        match = re.search(r"(http://\S+/v1)", line)
        if not match:
            self.process.kill()
            raise RuntimeError(f"serve printed no URL: {line!r}")
        self.base_url = match.group(1)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()

    def requests(self):
        url = self.base_url[: -len("/v1")] + "/_stream-replay/requests"
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return json.load(response)["requests"]


class Adapter:
    """The adapter as a child process; stdout lines are checked to be JSON objects as they come."""

    def __init__(self, script):
        env = dict(os.environ, STREAM_REPLAY_PROTOCOL="1")
        self.process = subprocess.Popen([sys.executable, script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=env, cwd=ROOT)
        self.lines, self.stderr = queue.Queue(), collections.deque(maxlen=50)
        self.pumps = [threading.Thread(target=self._pump, args=(self.process.stdout, self.lines.put, True)),
                      threading.Thread(target=self._pump, args=(self.process.stderr, self.stderr.append, False))]
        for thread in self.pumps:
            thread.daemon = True
            thread.start()

    @staticmethod
    def _pump(stream, put, mark_end):
        for raw in stream:
            put(raw.decode("utf-8", "replace"))
        if mark_end:
            put(None)

    def send(self, obj):
        self.process.stdin.write((json.dumps(obj) + "\n").encode())
        self.process.stdin.flush()

    def send_raw(self, text):
        self.process.stdin.write(text.encode())
        self.process.stdin.flush()

    def receive(self):
        try:
            line = self.lines.get(timeout=TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"no answer within {TIMEOUT} s; stderr:\n" + "".join(self.stderr))
        if line is None:
            raise AssertionError(f"the adapter closed stdout (exit {self.process.poll()}); stderr:\n"
                                 + "".join(self.stderr))
        obj = json.loads(line)  # a line that is not JSON is a protocol error: let it fail the test
        if not isinstance(obj, dict) or "type" not in obj:
            raise AssertionError(f"protocol error: {line!r}")
        return obj

    def stop(self):
        """Sends stop, closes stdin and returns the exit status."""
        self.send({"type": "stop"})
        self.process.stdin.close()
        return self.process.wait(timeout=5)

    def close(self):
        """Ends the child if it still runs and waits for its output to be read."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        for thread in self.pumps:
            thread.join(timeout=5)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if not stream.closed:
                stream.close()


class Run:
    """What one scenario produced: the ready line, messages per turn, tool calls, requests."""

    def __init__(self):
        self.ready, self.messages, self.ends, self.tool_calls, self.events = None, {}, {}, [], None
        self.requests, self.exit_status, self.stderr = [], None, ""

    def all_messages(self):
        return [m for turn in sorted(self.messages) for m in self.messages[turn]]

    def errors(self):
        return [m for m in self.all_messages() if m["type"] == "error"]


def play(scenario, turns, tools=None, engine=None, adapter=OPENAI_ADAPTER, before_turns=None, name=None,
         parameters=None):
    """Plays `turns` ([(conversation, request_id, text)]) with scripted `tools`
    ({name: ("content", text) | ("error", reason)}, the two forms of a tool_result) against
    `scenario`'s llm script. `name` and `parameters` ({tool: JSON Schema}) fill `start`."""
    tools = tools or {}
    run = Run()
    start = {"type": "start", "protocol": 1, "scenario": name or scenario, "base_url": None, "api_key": None,
             "model": "test-model", "engine": dict(ENGINE_DEFAULTS, **(engine or {})),
             "tools": [{"name": tool, "description": None,
                        "parameters": (parameters or {}).get(tool, {"type": "object"})} for tool in tools]}
    with FakeLLM(scenario) as fake:
        child = Adapter(adapter)
        try:
            _converse(child, run, dict(start, base_url=fake.base_url), turns, tools, before_turns)
            run.exit_status = child.stop()
        finally:
            child.close()
        run.stderr = "".join(child.stderr)
        run.requests = fake.requests()
    return run


def _converse(child, run, start, turns, tools, before_turns):
    """Speaks the protocol: start, the turns (answering tool calls), events if offered."""
    child.send(start)
    run.ready = child.receive()
    if run.ready["type"] == "ready":
        if before_turns:
            before_turns(child)
        for number, (conversation, request_id, text) in enumerate(turns, start=1):
            child.send({"type": "turn", "turn": number, "conversation_id": conversation,
                        "request_id": request_id, "text": text})
            run.messages[number] = []
            while number not in run.ends:
                line = child.receive()
                if line["type"] == "message":
                    run.messages[line["turn"]].append(line["message"])
                elif line["type"] == "tool_call":
                    run.tool_calls.append(line)
                    kind, value = tools.get(line["name"], ("error", f"unknown tool '{line['name']}'"))
                    child.send({"type": "tool_result", "call": line["call"], kind: value})
                elif line["type"] in ("turn_done", "turn_refused"):
                    run.ends[line["turn"]] = line
        if "events" in run.ready.get("capabilities", []):
            child.send({"type": "events"})
            run.events = child.receive()


def text(kind, content, **metadata):
    return {"type": kind, "content": content, "metadata": metadata}


@needs_cli
@needs_openai
class OpenAIAdapterScenarios(unittest.TestCase):
    """Bundled scenarios played through adapters/python/openai_sdk.py."""

    def check_clean(self, run):
        self.assertEqual(run.exit_status, 0, run.stderr)
        self.assertEqual(run.ready["type"], "ready")
        self.assertRegex(run.ready["engine"], r"^openai-python \S+ \(chat\.completions\.stream\)$")
        self.assertEqual(run.ready["capabilities"], [])

    def test_plain_text(self):
        run = play("basic/plain-text.yaml", [("c1", "r1", "Say hello")])
        self.check_clean(run)
        self.assertEqual(run.messages[1], [text("text", "Hel", type="delta", hop=0),
                                           text("text", "lo, ", type="delta", hop=0),
                                           text("text", "world!", type="delta", hop=0)])
        self.assertEqual(run.ends[1], {"type": "turn_done", "turn": 1})
        self.assertEqual(len(run.requests), 1)
        self.assertEqual(run.requests[0]["body"]["messages"], [{"role": "user", "content": "Say hello"}])
        self.assertIs(run.requests[0]["body"]["stream"], True)

    def test_tool_call_with_split_arguments(self):
        weather = {"type": "object", "properties": {"city": {"type": "string"}}}
        persistence = {"persist_deltas": True, "interval_ms": 200, "min_chars": 1024}
        run = play("split-args/weather-split-args.yaml", [("c1", "r1", "What's the weather in Paris?")],
                   tools={"get_weather": ("content", '{"temp_c": 21}')},
                   name="tool-call arguments split into 3-byte fragments", parameters={"get_weather": weather},
                   engine={"max_tool_hops": 5, "persistence": persistence})
        self.check_clean(run)
        self.assertEqual(run.messages[1], [
            text("tool_execution", "Executing 1 tool(s)...", tool_count=1, hop=0),
            text("text", "It is 21°C in Paris.", type="delta", hop=1)])
        [call] = run.tool_calls
        self.assertEqual((call["call"], call["turn"], call["name"], call["id"]), (1, 1, "get_weather", "call_1"))
        self.assertEqual(json.loads(call["arguments"]), {"city": "Paris"})
        self.assertEqual(len(run.requests), 2)
        self.assertEqual(run.requests[0]["body"]["tools"], [{"type": "function", "function": {
            "name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}])
        follow_up = run.requests[1]["body"]["messages"]
        self.assertEqual(follow_up[-2]["tool_calls"][0]["id"], "call_1")
        self.assertEqual(follow_up[-1], {"role": "tool", "tool_call_id": "call_1", "content": '{"temp_c": 21}'})

    def test_rate_limited(self):
        run = play("faults/rate-limited.yaml", [("conv-1", "req-1", "hi")])
        self.check_clean(run)
        [error] = run.messages[1]
        self.assertEqual(error["type"], "error")
        self.assertIn("Rate limit reached for requests", error["content"])
        self.assertEqual(error["metadata"], {"code": "rate_limited", "hop": 0, "status": 429, "retry_after_ms": 7000})
        self.assertEqual(len(run.requests), 1)  # max_retries=0: the SDK's own retries are off

    def test_disconnect_mid_stream(self):
        run = play("faults/disconnect-mid-stream.yaml", [("conv-1", "r1", "tell me a story")])
        self.check_clean(run)
        first, second, error = run.messages[1]
        self.assertEqual((first["content"], second["content"]), ("Once upon ", "a time"))
        self.assertEqual(error["type"], "error")
        self.assertEqual(error["metadata"], {"code": "stream_interrupted", "hop": 0})
        self.assertIn("connection", error["content"])

    def test_hop_limit(self):
        run = play("hop-limit/hop-limit.yaml", [("conv-1", "r1", "find it")],
                   tools={"search": ("content", "nothing found")}, engine={"max_tool_hops": 1})
        self.check_clean(run)
        self.assertEqual(run.messages[1], [
            text("tool_execution", "Executing 1 tool(s)...", tool_count=1, hop=0),
            text("text", "Still looking.", type="delta", hop=1),
            text("text", "\n\n⚠️ Reached maximum tool call limit (1). Stopping to prevent infinite recursion.",
                 finish_reason="tool_limit_reached")])
        self.assertEqual([c["id"] for c in run.tool_calls], ["call_1"])  # call_2 is neither announced nor run
        self.assertEqual(len(run.requests), 2)

    def test_duplicate_replays_cached(self):
        run = play("duplicates/duplicate-replays-cached.yaml", [("conv-1", "r1", "hi"), ("conv-1", "r1", "hi")])
        self.check_clean(run)
        self.assertEqual(run.messages[2], [text("text", "Hello!", cached=True)])
        self.assertEqual(len(run.requests), 1)

    def test_retry_of_partial_answer_replays_text_and_error(self):
        run = play("duplicates/retry-after-partial-replays.yaml", [("conv-1", "r1", "hi"), ("conv-1", "r1", "hi")])
        self.check_clean(run)
        self.assertEqual([m["type"] for m in run.messages[2]], ["text", "error"])
        self.assertEqual(run.messages[2][0], text("text", "Half an ans", cached=True))
        self.assertEqual(run.messages[2][1]["metadata"], {"code": "stream_interrupted", "hop": 0, "cached": True})

    def test_tool_error_becomes_failed_result(self):
        run = play("tools/tool-error.yaml", [("conv-1", "r1", "fetch it")],
                   tools={"fetch": ("error", "upstream timed out")})
        self.check_clean(run)
        self.assertEqual([(c["name"], c["id"]) for c in run.tool_calls], [("fetch", "c")])
        self.assertEqual(run.requests[1]["body"]["messages"][-1]["content"],
                         "Tool execution failed: upstream timed out")
        self.assertEqual(run.all_messages()[-1], text("text", "The fetch failed.", type="delta", hop=1))

    def test_history_and_system_prompt(self):
        run = play("history/history-newest-and-current-once.yaml",
                   [("conv-1", "r1", "one"), ("conv-1", "r2", "two"), ("conv-1", "r3", "three")],
                   engine={"history_limit": 2, "system_prompt": "Be brief."})
        self.check_clean(run)
        self.assertEqual(run.requests[2]["body"]["messages"], [
            {"role": "system", "content": "Be brief."}, {"role": "user", "content": "two"},
            {"role": "assistant", "content": "2"}, {"role": "user", "content": "three"}])

    def test_invalid_configuration_is_refused(self):
        run = play("basic/plain-text.yaml", [], engine={"max_tool_hops": 0})
        self.assertEqual(run.ready["type"], "refused")
        self.assertEqual(run.ready["code"], "invalid_configuration")
        self.assertEqual(run.exit_status, 0)
        self.assertEqual(run.requests, [])

    def test_reserved_request_id_is_refused(self):
        run = play("duplicates/reserved-request-id.yaml", [("conv-1", "tool:r1:0:0", "hi")])
        self.check_clean(run)
        self.assertEqual(run.messages[1], [])
        self.assertEqual(run.ends[1]["type"], "turn_refused")
        self.assertEqual(run.ends[1]["code"], "reserved_request_id")
        self.assertIn("tool:", run.ends[1]["message"])
        self.assertEqual(run.requests, [])

    def test_unknown_and_broken_lines_are_ignored(self):
        def noise(child):
            child.send({"type": "something_new", "field": 1})
            child.send_raw("this is not json\n")
        run = play("basic/plain-text.yaml", [("c1", "r1", "Say hello")], before_turns=noise)
        self.check_clean(run)
        self.assertEqual(len(run.messages[1]), 3)

    def test_not_event_stream(self):
        run = play("faults/not-event-stream.yaml", [("conv-1", "req-1", "hi")])
        self.check_clean(run)
        self.assertEqual([m["metadata"] for m in run.messages[1]], [{"code": "not_event_stream", "hop": 0}])

    def test_in_stream_error_and_invalid_chunk(self):
        run = play("faults/in-stream-error-object.yaml", [("conv-1", "req-1", "hi")])
        self.assertEqual(run.errors()[-1]["metadata"]["code"], "provider_error")
        run = play("faults/invalid-chunk.yaml", [("conv-1", "req-1", "hi")])
        self.assertEqual([(m["type"], m["metadata"].get("code")) for m in run.messages[1]],
                         [("text", None), ("error", "invalid_chunk")])

    def test_redirect_is_http_error(self):
        run = play("faults/redirect-is-http-error.yaml", [("conv-1", "req-1", "hi")])
        self.assertEqual(run.errors()[-1]["metadata"], {"code": "http_error", "hop": 0, "status": 307})

    def test_connect_failed(self):
        child = Adapter(OPENAI_ADAPTER)
        try:
            child.send({"type": "start", "protocol": 1, "scenario": "nothing listens",
                        "base_url": "http://127.0.0.1:9/v1", "api_key": None, "model": "m",
                        "engine": ENGINE_DEFAULTS, "tools": []})
            self.assertEqual(child.receive()["type"], "ready")
            child.send({"type": "turn", "turn": 1, "conversation_id": "c", "request_id": "r", "text": "hi"})
            message = child.receive()
            self.assertEqual(message["message"]["metadata"], {"code": "connect_failed", "hop": 0})
            self.assertEqual(child.receive(), {"type": "turn_done", "turn": 1})
            self.assertEqual(child.stop(), 0)
        finally:
            child.close()

    def test_stdin_eof_exits_zero(self):
        child = Adapter(OPENAI_ADAPTER)
        try:
            child.process.stdin.close()
            self.assertEqual(child.process.wait(timeout=10), 0)
        finally:
            child.close()


@needs_cli
@needs_openai
@unittest.skipUnless(OPENAI_VERSION == "3.57.0", f"the findings are those of openai 3.57.0, not {OPENAI_VERSION}")
class OpenAISDKFindings(unittest.TestCase):
    """Where the SDK does not do what the contract says: what it really does, asserted.

    Each row: scenario, its turn text, scripted tools, and what the turn yields through the
    SDK, as (type, code or content). docs/engine-adapter.md lists the same rows."""

    FINDINGS = [
        # [DONE] completes a stream without a finish_reason; the SDK hides [DONE], and never
        # dispatches a last event that has no blank line after it.
        ("faults/done-without-blank-line.yaml", "hi", {}, [("text", "Hi there."), ("error", "stream_interrupted")]),
        ("sse/done-without-blank-line-then-cut.yaml", "hi", {}, [("text", "Hello"), ("error", "stream_interrupted")]),
        # provider_error: the SDK drops a non-standard `error:` field and ignores `event: error`
        # unless the data object has an `error` key.
        ("faults/error-field-llama-cpp.yaml", "hi", {}, [("error", "stream_interrupted")]),
        ("faults/event-error-quotes-data-line.yaml", "hi", {}, [("error", "stream_interrupted")]),
        # `data: : comment` (a keep-alive re-wrapped by a proxy) is skipped by the contract; the
        # SDK JSON-parses it.
        ("sse/keep-alive-comments.yaml", "hi", {}, [("text", "Hi"), ("error", "invalid_chunk")]),
        # The SDK places tool-call fragments by position (list index = `index`): parallel calls
        # that all say index 0 merge into one call, ids and names are appended, not kept.
        ("missing-ids/all-parallel-calls-index-zero.yaml", "two at once", {"f": ("content", "ok")},
         [("tool_execution", "Executing 1 tool(s)..."), ("text", "done")]),
        ("missing-ids/id-repeated-on-every-fragment.yaml", "go", {"f": ("content", "ok")},
         [("tool_execution", "Executing 1 tool(s)..."), ("text", "ok")]),
        ("providers/repeated-full-name.yaml", "read it", {"read_file": ("content", "contents")},
         [("tool_execution", "Executing 1 tool(s)..."), ("text", "read")]),
        # ... and it fails on an index it cannot place, or on fragments without an index.
        ("missing-ids/first-index-one.yaml", "go", {"f": ("content", "ok")}, [("error", "invalid_chunk")]),
        ("missing-ids/index-one-million.yaml", "go", {"f": ("content", "ok")}, [("error", "invalid_chunk")]),
        ("missing-ids/index-one-billion.yaml", "go", {"f": ("content", "ok")}, [("error", "invalid_chunk")]),
        ("missing-ids/no-index-whole-calls.yaml", "go", {"f": ("content", "ok")}, [("error", "invalid_chunk")]),
        ("providers/gemini-flash-tool-empty-id-finish-stop.yaml", "Return [1, 2, 3, 4, 5]",
         {"return_list_of_int": ("content", "[1, 2, 3, 4, 5]")}, [("error", "invalid_chunk")]),
        ("providers/ollama-llama31-no-index-finish-stop.yaml", "Return [1, 2, 3, 4, 5]",
         {"return_list_of_int": ("content", "[1, 2, 3, 4, 5]")}, [("error", "invalid_chunk")]),
        ("providers/mistral-parallel-no-index-one-chunk.yaml", "Use both tools.",
         {"plus": ("content", "3"), "minus": ("content", "1")}, [("error", "invalid_chunk")]),
        # Choices are placed by position too: a first choice with index 1 fails the stream.
        ("providers/only-first-choice-followed.yaml", "hi", {}, [("error", "invalid_chunk")]),
        # Azure's late annotation chunk has a choice without `delta`: the SDK fails on it.
        ("providers/azure-filter-chunks.yaml", "hi", {}, [("text", "Filtered hello"), ("error", "invalid_chunk")]),
    ]

    def test_findings(self):
        for scenario, user, tools, expected in self.FINDINGS:
            with self.subTest(scenario=scenario):
                run = play(scenario, [("conv-1", "r1", user)], tools=tools)
                self.assertEqual(run.exit_status, 0, run.stderr)
                actual = [(m["type"], m["metadata"]["code"] if m["type"] == "error" else m["content"])
                          for m in run.messages[1]]
                self.assertEqual(actual, expected)

    def test_merged_and_appended_tool_calls(self):
        # index 0 twice: one call, id "a" + "b", arguments '{"x": 1}{"x": 2}' (invalid: never run)
        run = play("missing-ids/all-parallel-calls-index-zero.yaml", [("conv-1", "r1", "two at once")],
                   tools={"f": ("content", "ok")})
        self.assertEqual(run.tool_calls, [])
        [call] = run.requests[1]["body"]["messages"][1]["tool_calls"]
        self.assertEqual((call["id"], call["function"]["arguments"]), ("ab", '{"x": 1}{"x": 2}'))
        self.assertTrue(run.requests[1]["body"]["messages"][2]["content"].startswith(
            "Tool execution failed: invalid JSON arguments"))
        run = play("missing-ids/id-repeated-on-every-fragment.yaml", [("conv-1", "r1", "go")],
                   tools={"f": ("content", "ok")})
        self.assertEqual([c["id"] for c in run.tool_calls], ["call_samecall_samecall_same"])
        run = play("providers/repeated-full-name.yaml", [("conv-1", "r1", "read it")],
                   tools={"read_file": ("content", "contents")})
        self.assertEqual([c["name"] for c in run.tool_calls], ["read_fileread_file"])

    def test_request_headers(self):
        # The contract sends Accept: text/event-stream and no Authorization without a key; the
        # SDK sends Accept: application/json and needs a key (the adapter's placeholder).
        run = play("basic/plain-text.yaml", [("c1", "r1", "Say hello")])
        headers = {k.lower(): v for k, v in run.requests[0]["headers"].items()}
        self.assertEqual(headers["accept"], "application/json")
        self.assertIn("authorization", headers)


@needs_cli
class SkeletonAdapter(unittest.TestCase):
    """adapters/python/skeleton.py runs as it is: an echo engine that reports its events."""

    def test_echo_and_events(self):
        run = play("basic/plain-text.yaml", [("c1", "r1", "Say hello")], adapter=SKELETON)
        self.assertEqual(run.exit_status, 0, run.stderr)
        self.assertEqual(run.ready["capabilities"], ["events"])
        self.assertEqual(run.messages[1], [text("text", "You said: Say hello", type="delta", hop=0)])
        self.assertEqual(run.ends[1], {"type": "turn_done", "turn": 1})
        events = run.events["events"]
        self.assertEqual([(e["seq"], e["type"], e["content"]) for e in events],
                         [(1, "user_message", "Say hello"), (2, "assistant_message", "You said: Say hello")])
        self.assertEqual(events[1]["extra"], {"user_request_id": "r1", "request_id": "assistant:r1"})
        self.assertEqual(run.requests, [])  # the echo engine calls no LLM

    def test_tool_round_trip(self):
        run = play("basic/plain-text.yaml", [("c1", "r1", "/tool ping {}")], adapter=SKELETON,
                   tools={"ping": ("content", "pong")})
        self.assertEqual(run.exit_status, 0, run.stderr)
        [call] = run.tool_calls
        self.assertEqual((call["name"], call["arguments"]), ("ping", "{}"))
        self.assertEqual(run.messages[1][-1]["content"], "ping said: pong")


if __name__ == "__main__":
    unittest.main()
