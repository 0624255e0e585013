#!/usr/bin/env python3
"""A StreamReplay adapter (protocol version 1) for the official openai Python SDK.

Pinned: openai==3.57.0 (see requirements.txt). Run it through the runner:

    stream-replay run --engine 'python3 adapters/python/openai_sdk.py' scenarios

It is a minimal chat engine built on `client.chat.completions.stream(...)`: text and refusal
deltas are yielded as the SDK's `content.delta` / `refusal.delta` events arrive, tool calls are
taken from the SDK's own accumulation (`get_final_completion()`), and the tool loop, history,
hop limit and request-id replay follow docs/engine.md. It keeps everything in memory, so it
reports no persisted events (capabilities: none). stdout carries protocol lines only; logs go
to stderr.

How failures map onto the contract's error codes, as far as the SDK lets us tell them apart:

| what the SDK does                                          | code                          |
| ---------------------------------------------------------- | ----------------------------- |
| RateLimitError (APIStatusError, 429)                       | rate_limited (+retry_after_ms)|
| any other APIStatusError (4xx, 5xx; 3xx: see redirects)    | http_error (+status)          |
| APITimeoutError caused by a connect timeout                | connect_failed                |
| APITimeoutError otherwise (a read stalled)                 | idle_timeout                  |
| APIConnectionError before the stream was opened            | connect_failed                |
| APIConnectionError while reading (cut, incomplete body)    | stream_interrupted            |
| the stream ends and no finish_reason was seen              | stream_interrupted (1)        |
| APIError raised mid-stream (a data object with an `error`) | provider_error                |
| a chunk with finish_reason "error"                         | provider_error                |
| json.JSONDecodeError / RecursionError from a data line     | invalid_chunk (4)             |
| any other exception raised while the SDK reads the stream  | invalid_chunk (2)             |
| 200 whose Content-Type is not text/event-stream            | not_event_stream (3)          |
| an exception outside the SDK (a bug in this file)          | adapter_error, logged         |

(1) The SDK swallows `data: [DONE]`, so a stream that sends [DONE] without any finish_reason
    looks the same as a body that simply ended; both are reported stream_interrupted. It also
    drops a non-standard `error:` field and ignores `event: error` whose data has no `error`
    key, so those streams end the same way (the contract: provider_error).
(2) The SDK's accumulator places tool calls and choices by position (list index = `index`) and
    raises IndexError / TypeError / AttributeError on what it cannot place: a first index of 1
    or 1,000,000, fragments without an index, a choice without `delta`.
(3) The SDK never checks the Content-Type (it parses any 200 body as SSE); a response hook on
    the SDK's own HTTP client records it so that this adapter can.
(4) Including `data: : comment` lines, which the contract skips as keep-alives.
Redirects: the SDK's default HTTP client follows them; this adapter turns that off so that a
3xx is an http_error, as the contract says. docs/engine-adapter.md lists every place where
the SDK differs from the contract.
"""
import json
import sys
import traceback

PROTOCOL_OUT = sys.stdout  # protocol lines only; anything else printed goes to stderr
sys.stdout = sys.stderr

try:
    import openai
except ImportError:
    print("openai_sdk.py: the openai package is missing: pip install openai==3.57.0", file=sys.stderr)
    sys.exit(1)

RESERVED_PREFIXES = ("assistant:", "assistant_delta:", "tool:")
HOP_LIMIT_TEXT = "⚠️ Reached maximum tool call limit ({}). Stopping to prevent infinite recursion."
NO_KEY = "stream-replay-no-key"  # the SDK refuses to start without a key; see docs


def log(*parts):
    print("openai_sdk.py:", *parts, file=sys.stderr, flush=True)


def send(obj):
    PROTOCOL_OUT.write(json.dumps(obj) + "\n")  # ASCII JSON: any string survives, even lone surrogates
    PROTOCOL_OUT.flush()


def receive():
    """The next protocol object from stdin, or None at EOF. Lines that are not objects are logged."""
    for raw in sys.stdin.buffer:
        try:
            obj = json.loads(raw.decode("utf-8"))
        except ValueError as err:
            log("ignoring a line that is not JSON:", err)
            continue
        if isinstance(obj, dict):
            return obj
        log("ignoring a JSON line that is not an object")
    return None


class Stop(Exception):
    """The runner sent `stop` or closed stdin."""


class TurnFailed(Exception):
    def __init__(self, code, content, **metadata):
        super().__init__(content)
        self.code, self.content, self.metadata = code, content, metadata


class Conversation:
    def __init__(self):
        self.events = []   # [(role, content, request_id)]: user and assistant messages, oldest first
        self.answers = {}  # request_id -> {"text", "refusal", "error"}: what a repeat replays


class Engine:
    def __init__(self, start):
        if start.get("protocol") != 1:
            log("this adapter speaks protocol 1; the runner says", start.get("protocol"))
        cfg = start.get("engine") or {}
        self.max_hops = cfg.get("max_tool_hops", 8)
        self.history_limit = cfg.get("history_limit", 50)
        self.idle_ms = cfg.get("idle_timeout_ms", 60000)
        self.system_prompt = cfg.get("system_prompt")
        self.model = start.get("model") or "test-model"
        self.tools = [{"type": "function", "function": {k: v for k, v in tool.items() if v is not None}}
                      for tool in start.get("tools") or []]
        retries = cfg.get("llm_retries", 0)
        problem = validate(self.max_hops, self.history_limit, self.idle_ms, retries)
        if problem:
            raise ValueError(problem)
        self.content_type = None
        http = openai.DefaultHttpxClient(follow_redirects=False,
                                         event_hooks={"response": [self._remember_head]})
        self.client = openai.OpenAI(base_url=start["base_url"], api_key=start.get("api_key") or NO_KEY,
                                    max_retries=retries, timeout=self.idle_ms / 1000, http_client=http)
        self.conversations = {}
        self.next_call = 0

    def _remember_head(self, response):
        self.content_type = response.headers.get("content-type", "")

    # One turn ------------------------------------------------------------------------------

    def run_turn(self, turn):
        number, rid = turn["turn"], turn.get("request_id") or ""
        if rid.startswith(RESERVED_PREFIXES):
            send({"type": "turn_refused", "turn": number, "code": "reserved_request_id",
                  "message": f"request id {rid!r} starts with a reserved prefix"})
            return
        conv = self.conversations.setdefault(turn.get("conversation_id") or "conv-1", Conversation())
        if rid in conv.answers:
            self.replay(number, conv.answers[rid])
        else:
            self.answer(number, conv, rid, turn.get("text") or "")
        send({"type": "turn_done", "turn": number})

    def replay(self, number, answer):
        emit(number, "text", answer["text"], cached=True)
        if answer["refusal"] is not None:
            emit(number, "refusal", answer["refusal"], cached=True)
        if answer["error"] is not None:
            emit(number, "error", answer["error"]["content"], **answer["error"]["metadata"], cached=True)

    def answer(self, number, conv, rid, text):
        earlier = [(r, c) for r, c, q in conv.events if not (r == "user" and q == rid)]
        if self.history_limit < len(earlier):
            earlier = earlier[len(earlier) - self.history_limit:]
        messages = [{"role": "system", "content": self.system_prompt}] if self.system_prompt else []
        messages += [{"role": r, "content": c} for r, c in earlier] + [{"role": "user", "content": text}]
        if not any(r == "user" and q == rid for r, _, q in conv.events):
            conv.events.append(("user", text, rid))  # a retry of an unanswered request writes none
        turn = {"number": number, "rid": rid, "text": [], "refusal": [], "tools_ran": False}
        error = None
        try:
            self.tool_loop(turn, messages)
        except TurnFailed as failure:
            error = {"content": failure.content, "metadata": {"code": failure.code, **failure.metadata}}
        except Stop:
            raise
        except Exception as exc:  # a bug here must not end the scenario: fail the turn, loudly
            log("unexpected error in turn", number, "\n" + traceback.format_exc())
            error = {"content": f"The adapter failed: {type(exc).__name__}: {exc}",
                     "metadata": {"code": "adapter_error", "hop": turn.get("hop", 0)}}
        if error:
            emit(number, "error", error["content"], **error["metadata"])
            if not (turn["text"] or turn["refusal"] or turn["tools_ran"]):
                return  # nothing kept: a repeat of this request id runs the turn again
        answer = "".join(turn["text"])
        conv.events.append(("assistant", answer, rid))
        conv.answers[rid] = {"text": answer, "error": error,
                             "refusal": "".join(turn["refusal"]) if turn["refusal"] else None}

    def tool_loop(self, turn, messages):
        hop = 0
        while True:
            turn["hop"] = hop
            hop_text, calls, reasoning = self.stream_hop(turn, messages, hop)
            if not calls:
                return
            if hop >= self.max_hops:
                warning = HOP_LIMIT_TEXT.format(self.max_hops)
                emit_text(turn, ("\n\n" if turn["text"] else "") + warning, finish_reason="tool_limit_reached")
                return
            emit(turn["number"], "tool_execution", f"Executing {len(calls)} tool(s)...",
                 tool_count=len(calls), hop=hop)
            assistant = {"role": "assistant", "content": hop_text, "tool_calls": [c["wire"] for c in calls]}
            assistant.update(reasoning)
            messages.append(assistant)
            for call in calls:
                result = self.run_tool(turn, call)
                messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
            hop += 1

    # One hop: one streamed request through the SDK's helper -------------------------------

    def stream_hop(self, turn, messages, hop):
        """Streams one request; yields its text and refusal; returns (text, tool calls, reasoning)."""
        request = {"model": self.model, "messages": messages}
        if self.tools:
            request["tools"] = self.tools
        hop_text, finish, opened, stream = [], [], False, None
        try:
            with self.client.chat.completions.stream(**request) as stream:
                opened = True
                if not (self.content_type or "").startswith("text/event-stream"):
                    raise TurnFailed("not_event_stream", "The provider answered 200 with Content-Type "
                                     f"{self.content_type!r}, not an event stream.", hop=hop)
                for event in stream:
                    if event.type == "chunk":
                        reasons = [c.finish_reason for c in event.chunk.choices if c.finish_reason]
                        finish.extend(reasons)
                        if "error" in reasons:
                            raise TurnFailed("provider_error", "The provider ended the stream with "
                                             "finish_reason error.", hop=hop)
                    elif event.type == "content.delta":
                        for fragment in text_fragments(event.delta):
                            hop_text.append(fragment)
                            emit_text(turn, fragment, type="delta", hop=hop)
                    elif event.type == "refusal.delta" and event.delta:
                        turn["refusal"].append(event.delta)
                        emit(turn["number"], "refusal", event.delta, hop=hop)
                completion = final_completion(stream)
        except TurnFailed:
            raise
        except openai.APIStatusError as err:
            raise status_failure(err, hop)
        except openai.APITimeoutError as err:  # before APIConnectionError: it is a subclass
            if not (opened and finish):
                if type(err.__cause__).__name__ == "ConnectTimeout":
                    raise TurnFailed("connect_failed", f"Could not connect to the provider: {err.__cause__}.",
                                     hop=hop)
                raise TurnFailed("idle_timeout", f"No byte arrived for {self.idle_ms} ms.", hop=hop)
            completion = stream.current_completion_snapshot  # it stalled after its finish_reason
        except openai.APIConnectionError as err:
            cause = err.__cause__ or err
            if not opened:
                raise TurnFailed("connect_failed", f"Could not connect to the provider: {cause}.", hop=hop)
            if not finish:
                raise TurnFailed("stream_interrupted", f"The connection was cut mid-stream: {cause}.", hop=hop)
            completion = stream.current_completion_snapshot  # cut after its finish_reason: complete
        except openai.APIError as err:  # raised by the SDK for a data object with an `error` key
            body = err.body if isinstance(err.body, dict) else {}
            message = body.get("message") if isinstance(body.get("message"), str) else json.dumps({"error": err.body})
            raise TurnFailed("provider_error", f"The provider reported an error: {message[:500]}", hop=hop)
        except (json.JSONDecodeError, RecursionError) as err:  # from the SDK's json.loads of a data line
            raise TurnFailed("invalid_chunk", f"A data line is not valid JSON: {err}", hop=hop)
        except Exception as err:
            if not opened:
                raise
            log("the SDK failed on a chunk:\n" + traceback.format_exc())
            raise TurnFailed("invalid_chunk", f"The SDK could not read a chunk: {type(err).__name__}: {err}",
                             hop=hop)
        if completion is None or not finish:
            raise TurnFailed("stream_interrupted", "The stream ended without a finish_reason.", hop=hop)
        return "".join(hop_text), self.tool_calls(turn, completion, hop), reasoning_of(completion)

    def tool_calls(self, turn, completion, hop):
        """The calls the SDK accumulated, with the contract's end-of-hop rules applied."""
        message = completion.choices[0].message if completion.choices else None
        calls, seen = [], set()
        for raw in (message.tool_calls or []) if message else []:
            function = getattr(raw, "function", None)
            name = getattr(function, "name", None)
            if not name:
                continue  # a slot without a name is dropped
            position = len(calls)
            call_id = raw.id or f"call_{turn['rid']}_{hop}_{position}"
            if call_id in seen:
                call_id = f"{call_id}_{position}"
            seen.add(call_id)
            arguments = function.arguments
            if not isinstance(arguments, str):  # some servers send an object: compact JSON
                arguments = json.dumps(arguments, separators=(",", ":"), ensure_ascii=False)
            arguments = arguments or "{}"
            wire = {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
            wire.update({k: v for k, v in (raw.model_extra or {}).items() if k not in wire and k != "index"})
            calls.append({"id": call_id, "name": name, "arguments": arguments, "wire": wire})
        return calls

    def run_tool(self, turn, call):
        """The result text: forwarded to the runner's scripted tools, or refused for bad arguments."""
        try:
            parsed = json.loads(call["arguments"])
            problem = None if isinstance(parsed, dict) else f"not a JSON object: {type(parsed).__name__}"
        except (ValueError, RecursionError) as err:
            problem = str(err)
        turn["tools_ran"] = True
        if problem:
            return f"Tool execution failed: invalid JSON arguments ({problem})"
        self.next_call += 1
        number = self.next_call
        send({"type": "tool_call", "call": number, "turn": turn["number"], "name": call["name"],
              "id": call["id"], "arguments": call["arguments"]})
        while True:
            msg = receive()
            if msg is None or msg.get("type") == "stop":
                raise Stop()
            if msg.get("type") == "tool_result" and msg.get("call") == number:
                if msg.get("error") is not None:
                    return f"Tool execution failed: {msg['error']}"
                return msg.get("content") or ""
            log("ignoring while waiting for tool_result", number, ":", json.dumps(msg)[:200])


def validate(max_hops, history_limit, idle_ms, retries):
    checks = [(max_hops, 1, "max_tool_hops must be an integer >= 1"),
              (history_limit, 0, "history_limit must be an integer >= 0"),
              (idle_ms, 1, "idle_timeout_ms must be an integer >= 1"),
              (retries, 0, "llm_retries must be an integer >= 0")]
    for value, low, message in checks:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            return f"{message} (got {value!r})"
    return None


def final_completion(stream):
    """get_final_completion(), minus its refusal to return a completion that ended on length."""
    try:
        return stream.get_final_completion()
    except (openai.LengthFinishReasonError, openai.ContentFilterFinishReasonError) as err:
        return err.completion
    except AssertionError:  # the SDK asserts when no chunk arrived at all
        return None


def text_fragments(delta):
    """A content delta's text: the string, or (the SDK passes content-part arrays through
    untouched) each non-empty `text` part of a list."""
    if isinstance(delta, str):
        return [delta] if delta else []
    if isinstance(delta, list):
        return [p["text"] for p in delta if isinstance(p, dict) and p.get("type") == "text"
                and isinstance(p.get("text"), str) and p["text"]]
    return []


def reasoning_of(completion):
    """reasoning_content / reasoning the hop streamed (the SDK keeps unknown delta keys, joined)."""
    message = completion.choices[0].message if completion.choices else None
    extra = (message.model_extra or {}) if message else {}
    return {k: extra[k] for k in ("reasoning_content", "reasoning") if isinstance(extra.get(k), str) and extra[k]}


def status_failure(err, hop):
    status, headers = err.status_code, err.response.headers
    body = err.response.text[:500]
    metadata = {"hop": hop, "status": status}
    delay = retry_after_ms(headers)
    if delay is not None:
        metadata["retry_after_ms"] = delay
    if status == 429:
        return TurnFailed("rate_limited", f"Rate limited (HTTP 429): {body}", **metadata)
    return TurnFailed("http_error", f"The provider answered HTTP {status}: {body}", **metadata)


def retry_after_ms(headers):
    for name, factor in (("retry-after-ms", 1), ("retry-after", 1000)):
        try:
            return int(float(headers[name]) * factor)
        except (KeyError, ValueError):
            continue
    return None


def emit(turn_number, kind, content, **metadata):
    send({"type": "message", "turn": turn_number,
          "message": {"type": kind, "content": content, "metadata": metadata}})


def emit_text(turn, content, **metadata):
    turn["text"].append(content)
    emit(turn["number"], "text", content, **metadata)


def main():
    engine = None
    while True:
        msg = receive()
        kind = msg.get("type") if msg else "stop"
        try:
            if kind == "start":
                try:
                    engine = Engine(msg)
                except ValueError as err:
                    send({"type": "refused", "code": "invalid_configuration", "message": str(err)})
                    continue
                send({"type": "ready", "engine": f"openai-python {openai.__version__} (chat.completions.stream)",
                      "capabilities": [], "profile": "openai"})
            elif kind == "turn" and engine is not None:
                engine.run_turn(msg)
            elif kind == "stop":
                return 0
            else:
                log("ignoring message:", json.dumps(msg)[:200])
        except (Stop, BrokenPipeError):
            return 0
        except Exception:  # a malformed start or turn: say so, never die
            log(f"cannot handle this {kind} message:\n" + traceback.format_exc())
            if kind == "start":
                send({"type": "refused", "code": "invalid_configuration",
                      "message": "the adapter could not start; its stderr says why"})


if __name__ == "__main__":
    sys.exit(main())
