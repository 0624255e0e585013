#!/usr/bin/env python3
"""A chat-completions server that answers every POST with one pre-rendered response.

The whole HTTP/1.1 response (status line, headers with Content-Length, and the body) is built once
at start-up and written with one sendall per request, the way a buffering proxy or a fast local
model hands a client a finished stream. The body is an OpenAI-style event stream in compact JSON:
a role chunk, one chunk per word (`"delta":{"content":" word"}`), a finish chunk
(`"finish_reason":"stop"`) and `data: [DONE]`; 100,000 words make about 18 MB.

The request body is read to its end (Content-Length or chunked) before the answer is written.
Standard library only. Binds 127.0.0.1 and prints `listening on PORT` once it accepts connections.

    python3 Benchmarks/PreRendered/server.py [--words N] [--port P]     # P 0 (default) picks one
"""

import argparse
import http.server
import json
import sys

CREATED = 1767225600


def event(delta, finish_reason):
    chunk = {
        "id": "chatcmpl-mini",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": "test-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
    return b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n"


def render(words):
    word = event({"content": " word"}, None)
    body = b"".join(
        [event({"role": "assistant"}, None), word * words, event({}, "stop"), b"data: [DONE]\n\n"]
    )
    head = (
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: text/event-stream\r\n"
        "Cache-Control: no-cache\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    ).encode()
    return head + body


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    response = b""

    def read_body(self):
        """Reads the request body to its end; False if the client went away first."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while True:
                size_line = self.rfile.readline()
                if not size_line:
                    return False
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    # Trailers, up to the blank line.
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return True
                if len(self.rfile.read(size + 2)) < size + 2:
                    return False
        remaining = int(self.headers.get("Content-Length", "0"))
        while remaining > 0:
            data = self.rfile.read(min(remaining, 1 << 16))
            if not data:
                return False
            remaining -= len(data)
        return True

    def do_POST(self):
        if not self.read_body():
            self.close_connection = True
            return
        self.wfile.write(self.response)

    def log_message(self, format, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=0)
    options = parser.parse_args()
    Handler.response = render(options.words)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.daemon_threads = True
    print(f"listening on {server.server_address[1]}", flush=True)
    print(f"response {len(Handler.response)} bytes", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
