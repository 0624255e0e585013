#!/usr/bin/env python3
"""Skeleton StreamReplay adapter (protocol version 1) for your own Python backend.

Runs as it is, with an echo engine: each turn is answered with one text message, and a turn
whose text is `/tool NAME JSON` calls that tool through the runner first. Replace the parts
marked TODO with calls into your engine. Try it:

    stream-replay run --engine 'python3 adapters/python/skeleton.py' scenarios/basic
"""
import json
import sys
import traceback

OUT = sys.stdout
sys.stdout = sys.stderr  # a stray print() must never reach the protocol stream


def send(obj):
    OUT.write(json.dumps(obj) + "\n")
    OUT.flush()  # after every line, or the runner waits forever


def receive():
    """The next object from the runner; None when stdin is closed."""
    for line in sys.stdin:
        try:
            obj = json.loads(line)
        except ValueError:
            print("skeleton: not JSON, ignored:", line[:200], file=sys.stderr)
            continue
        if isinstance(obj, dict):
            return obj
    return None


class Stop(Exception):
    pass


class EchoEngine:
    """TODO: replace with your engine. Build it from start["engine"] (max_tool_hops,
    system_prompt, history_limit, ...), start["base_url"], start["model"], start["tools"]."""

    def __init__(self, start):
        self.events = []  # what the engine persisted; your engine would read these from its store
        self.model = start.get("model")
        self.calls = 0    # tool_call numbers must be unique in the scenario

    def persist(self, conversation, kind, role, content, extra, tool_call_id=None, model=None):
        seq = 1 + sum(1 for e in self.events if e["conversation_id"] == conversation)
        self.events.append({"conversation_id": conversation, "seq": seq, "type": kind, "role": role,
                            "content": content, "tool_call_id": tool_call_id, "model": model, "extra": extra})

    def call_tool(self, turn, name, call_id, arguments):
        """Forward one tool call to the runner's scripted tools and wait for its result."""
        self.calls += 1
        send({"type": "tool_call", "call": self.calls, "turn": turn, "name": name, "id": call_id,
              "arguments": arguments})
        while True:
            msg = receive()
            if msg is None or msg.get("type") == "stop":
                raise Stop()
            if msg.get("type") == "tool_result" and msg.get("call") == self.calls:
                if "error" in msg:
                    return f"Tool execution failed: {msg['error']}"
                return msg.get("content", "")

    def turn(self, msg):
        """TODO: run your engine's turn here and send each message it yields, as it yields it."""
        number, conversation, rid, text = msg["turn"], msg["conversation_id"], msg["request_id"], msg["text"]
        self.persist(conversation, "user_message", "user", text, {"request_id": rid})
        answer = f"You said: {text}"
        if text.startswith("/tool "):
            _, name, arguments = (text.split(" ", 2) + ["{}"])[:3]
            send({"type": "message", "turn": number, "message": {"type": "tool_execution",
                  "content": "Executing 1 tool(s)...", "metadata": {"tool_count": 1, "hop": 0}}})
            call_id = f"call_{rid}_0_0"
            result = self.call_tool(number, name, call_id, arguments)
            extra = {"tool_call_id": call_id, "request_id": f"tool:{rid}:0:0"}
            self.persist(conversation, "tool_result", "tool", result, extra, tool_call_id=call_id)
            answer = f"{name} said: {result}"
        send({"type": "message", "turn": number,
              "message": {"type": "text", "content": answer, "metadata": {"type": "delta", "hop": 0}}})
        self.persist(conversation, "assistant_message", "assistant", answer,
                     {"user_request_id": rid, "request_id": f"assistant:{rid}"}, model=self.model)
        send({"type": "turn_done", "turn": number})


def main():
    engine = None
    while True:
        msg = receive()
        kind = msg.get("type") if msg else "stop"
        try:
            if kind == "start":
                engine = EchoEngine(msg)  # TODO: on a configuration your engine rejects, send instead
                # {"type": "refused", "code": "invalid_configuration", "message": "..."}
                send({"type": "ready", "engine": "echo-skeleton 1.0", "capabilities": ["events"]})
            elif kind == "turn" and engine is not None:
                try:
                    engine.turn(msg)
                except Stop:
                    raise
                except Exception as exc:  # never crash: end the turn with an error instead
                    traceback.print_exc()
                    send({"type": "message", "turn": msg["turn"], "message": {"type": "error",
                          "content": f"adapter failed: {exc}", "metadata": {"code": "adapter_error", "hop": 0}}})
                    send({"type": "turn_done", "turn": msg["turn"]})
            elif kind == "events":  # only asked because "events" is in the capabilities
                send({"type": "events", "events": engine.events})
            elif kind == "stop":
                return 0
            else:
                print("skeleton: ignoring", kind, file=sys.stderr)  # newer runners may send more
        except Stop:
            return 0


if __name__ == "__main__":
    sys.exit(main())
