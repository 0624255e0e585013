"""The official SDKs read the fake's other wire profiles as the frames say.

Every bundled scenario whose every `llm` entry is a clean stream (no raw, chunk or error frame,
no disconnect, no `done: false`, an id on every tool call; `stream-replay list --json` says which)
is served with `stream-replay serve FILE --profile P` for P in anthropic and openai-responses, and
each entry is read, in order, with that API's own stream helper:

- anthropic: `client.messages.stream(...)`, then `get_final_message()`; the text blocks' text, the
  `tool_use` blocks (id, name, parsed input) and `stop_reason` are compared with the frames;
- openai-responses: `client.responses.stream(...)`, then the final response (`response.completed`,
  or `response.incomplete` for `finish: length`); `output_text`, the `function_call` items
  (call_id, name, parsed arguments) and, from the stream's own events, the last text and
  arguments snapshots are compared with the frames.

Then the recorded streams of the SDKs' own test suites (Tests/Fixtures/sdk-streams, SOURCES.md
there) go through `stream-replay import`, are served, and are read with the same helpers; what
those tests assert of them (expected.json) must hold.

Prints one line per scenario or recorded stream that the SDK did not read exactly, and a count per
profile; exits 1 when any did not, 2 on a harness error.

Usage: python ci/sdk-profiles.py path/to/stream-replay [scenarios]
"""

import json
import os
import subprocess
import sys
import tempfile

import anthropic
import openai

STOP_REASONS = {"stop": "end_turn", "tool_calls": "tool_use", "length": "max_tokens", "content_filter": "refusal"}


def clean_scenarios(binary, folder):
    listed = subprocess.run([binary, "list", "--json", folder], capture_output=True, text=True, check=True)
    scenarios = json.loads(listed.stdout)["scenarios"]
    clean = [
        s for s in scenarios if s["llm"] and all(e["kind"] == "stream" and not e["anomalies"] for e in s["llm"])
    ]
    return scenarios, clean


def parsed(arguments):
    """The arguments as JSON when they are JSON, else the text itself."""
    if arguments == "":
        return {}
    try:
        return json.loads(arguments)
    except ValueError:
        return arguments


def is_json(text):
    try:
        json.loads(text)
        return True
    except ValueError:
        return text == ""


def expected(entry):
    calls = [(c["id"], c["name"], parsed(c["arguments"])) for c in entry["tool_calls"]]
    return entry["text"], calls


def read_anthropic(port, entry):
    client = anthropic.Anthropic(base_url=f"http://127.0.0.1:{port}", api_key="test-key", max_retries=0)
    joined = {}
    with client.messages.stream(
        model="test-model", max_tokens=1024, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        for event in stream:
            # The helper passes each `input_json_delta` on: its `partial_json` fragments, by block.
            if event.type == "content_block_delta" and event.delta.type == "input_json_delta":
                joined[event.index] = joined.get(event.index, "") + event.delta.partial_json
        message = stream.get_final_message()
    text = "".join(block.text for block in message.content if block.type == "text")
    problems = []
    calls = []
    for index, block in enumerate(message.content):
        if block.type != "tool_use":
            continue
        # Arguments that are not JSON on purpose are compared as the text the helper joined
        # (its parsed `input` is only a lenient reading of them).
        arguments = joined.get(index, "")
        calls.append((block.id, block.name, block.input if is_json(arguments) else arguments))
    finish = entry["finish"]
    if finish is not None and message.stop_reason != STOP_REASONS.get(finish, finish):
        problems.append(f"stop_reason {message.stop_reason!r} for finish {finish!r}")
    return text, calls, problems


def read_responses(port, entry):
    client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="test-key", max_retries=0)
    snapshots = {}
    last = None
    with client.responses.stream(model="test-model", input="hi") as stream:
        for event in stream:
            last = event
            if event.type in ("response.output_text.delta", "response.function_call_arguments.delta"):
                snapshots[event.output_index] = event.snapshot
        if last is not None and last.type == "response.incomplete":
            response = last.response
        else:
            response = stream.get_final_response()
    text = response.output_text
    calls = [(i.call_id, i.name, parsed(i.arguments)) for i in response.output if i.type == "function_call"]
    problems = []
    streamed_text = "".join(
        snapshots.get(index, "") for index, item in enumerate(response.output) if item.type == "message"
    )
    if streamed_text != text:
        problems.append(f"the stream's text snapshots say {streamed_text!r}, the final response {text!r}")
    for index, item in enumerate(response.output):
        if item.type == "function_call" and parsed(snapshots.get(index, "")) != parsed(item.arguments):
            problems.append(f"the stream's arguments snapshot for {item.call_id} differs from the final response")
    if entry["finish"] == "length" and response.status != "incomplete":
        problems.append(f"status {response.status!r} for finish 'length'")
    elif entry["finish"] != "length" and response.status != "completed":
        problems.append(f"status {response.status!r}")
    return text, calls, problems


READERS = {"anthropic": read_anthropic, "openai-responses": read_responses}


def serve(binary, file, profile=None):
    profile_flag = ["--profile", profile] if profile else []
    server = subprocess.Popen(
        [binary, "serve", file, "--port", "0", "--time-scale", "0"] + profile_flag,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = server.stdout.readline()
    if " at http://127.0.0.1:" not in line:
        server.kill()
        raise RuntimeError(f"serve {file} did not start: {line!r} {server.stderr.read()!r}")
    port = int(line.rsplit(":", 1)[1].split("/")[0])
    return server, port


def check(binary, scenario, profile):
    """The problems found reading every entry of `scenario` in `profile` (none: read exactly)."""
    server, port = serve(binary, scenario["file"], profile)
    problems = []
    try:
        for number, entry in enumerate(scenario["llm"]):
            want_text, want_calls = expected(entry)
            try:
                text, calls, found = READERS[profile](port, entry)
            except Exception as error:  # the SDK refusing the stream is the finding
                problems.append(f"llm[{number}]: the SDK raised {type(error).__name__}: {error}")
                continue
            if text != want_text:
                problems.append(f"llm[{number}]: text {text!r}, the frames say {want_text!r}")
            if calls != want_calls:
                problems.append(f"llm[{number}]: tool calls {calls!r}, the frames say {want_calls!r}")
            problems += [f"llm[{number}]: {p}" for p in found]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return problems


RECORDED = "Tests/Fixtures/sdk-streams"


def read_recorded(port, stream):
    """The problems of one recorded stream, read with its SDK's helper, against what its test asserts."""
    problems = []

    def same(what, found, want):
        if found != want:
            problems.append(f"{what} {found!r}, the SDK's test asserts {want!r}")

    if stream["profile"] == "anthropic":
        client = anthropic.Anthropic(base_url=f"http://127.0.0.1:{port}", api_key="test-key", max_retries=0)
        with client.messages.stream(
            model="test-model", max_tokens=1024, messages=[{"role": "user", "content": "Say hello there!"}]
        ) as helper:
            events = [event.type for event in helper]
            message = helper.get_final_message()
        for key, want in stream.get("message", {}).items():
            same(key, getattr(message, key), want)
        if "content" in stream:
            same("content blocks", len(message.content), len(stream["content"]))
            for number, (block, want) in enumerate(zip(message.content, stream["content"])):
                for key, value in want.items():
                    same(f"content[{number}].{key}", getattr(block, key, None), value)
        for key, want in stream.get("usage", {}).items():
            same(f"usage.{key}", getattr(message.usage, key), want)
        if "stop_details" in stream:
            details = message.stop_details
            same("stop_details", details and details.model_dump(), stream["stop_details"])
        if "event_types" in stream:
            same("event types", events, stream["event_types"])
    elif stream["profile"] == "openai-responses":
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="test-key", max_retries=0)
        events = [event.type for event in client.responses.create(model="gpt-4o", input="hello", stream=True)]
        same("event types", events, stream["event_types"])
    else:
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="test-key", max_retries=0)
        with client.chat.completions.stream(
            model="gpt-4o-2024-08-06", messages=[{"role": "user", "content": "What's the weather like in SF?"}]
        ) as helper:
            for _ in helper:
                pass
            completion = helper.get_final_completion()
        found = [
            {
                "finish_reason": choice.finish_reason,
                "content": choice.message.content,
                "refusal": choice.message.refusal,
                "tool_calls": choice.message.tool_calls,
            }
            for choice in completion.choices
        ]
        same("choices", found, stream["choices"])
    return problems


def check_recorded(binary):
    """Imports, serves and reads each recorded stream; returns (read exactly, total) by profile."""
    with open(os.path.join(RECORDED, "expected.json")) as file:
        streams = json.load(file)["streams"]
    counts = {}
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        for stream in streams:
            out = os.path.join(folder, stream["file"] + ".yaml")
            imported = subprocess.run(
                [binary, "import", os.path.join(RECORDED, stream["file"]), "--out", out],
                capture_output=True, text=True,
            )
            if imported.returncode != 0:
                raise RuntimeError(f"import {stream['file']} failed: {imported.stderr}")
            with open(out) as file:
                written = file.read()
            named = f"profile: {stream['profile']}" in written
            problems = [] if named or stream["profile"] == "openai" else ["import did not name the profile"]
            server, port = serve(binary, out)
            try:
                problems += read_recorded(port, stream)
            except Exception as error:
                problems.append(f"the SDK raised {type(error).__name__}: {error}")
            finally:
                server.terminate()
                server.wait(timeout=30)
            exact, total = counts.get(stream["profile"], (0, 0))
            counts[stream["profile"]] = (exact + (0 if problems else 1), total + 1)
            if problems:
                failed = True
                print(f"✗ recorded {stream['file']} ({stream['asserted_in']}): " + "; ".join(problems))
    return counts, failed


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    binary = sys.argv[1]
    folder = sys.argv[2] if len(sys.argv) > 2 else "scenarios"
    scenarios, clean = clean_scenarios(binary, folder)
    print(
        f"{len(clean)} of {len(scenarios)} bundled scenarios are clean streams "
        f"(anthropic {anthropic.__version__}, openai {openai.__version__})"
    )
    failed = False
    for profile in READERS:
        exact = 0
        for scenario in clean:
            problems = check(binary, scenario, profile)
            if problems:
                failed = True
                print(f"✗ {profile}: {scenario['file']}: " + "; ".join(problems))
            else:
                exact += 1
        print(f"{profile}: the SDK read {exact} of {len(clean)} exactly")
    counts, recorded_failed = check_recorded(binary)
    for profile, (exact, total) in counts.items():
        print(f"recorded streams of the SDKs' tests, {profile}: {exact} of {total} as their tests assert")
    return 1 if failed or recorded_failed else 0


if __name__ == "__main__":
    sys.exit(main())
