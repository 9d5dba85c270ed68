"""A fake OpenAI-compatible server on loopback that speaks the real protocol, for the tests and the bench.

``POST /v1/chat/completions`` answers from a script of ``Reply``s, in order: a whole ``chat.completion`` (with
``choices[0].message.tool_calls`` or content), or, when the request asks for ``stream``, server-sent events of
``chat.completion.chunk``s ending in ``data: [DONE]``, tool calls arriving as OpenAI sends them (the first piece
of each with its id and name, then its arguments in fragments). A reply may wait first (``delay``, for
timeouts) or between chunks (``chunk_delay``), fail with an HTTP status, or be any raw body (malformed JSON).
Every request is recorded: its path, headers and body, and the raw bytes that arrived (``received``).

It lives with mlcore's tests, as the client does; the advisor's tests import it (apps import downhill only).
"""

from __future__ import annotations

import itertools
import json
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

@dataclass
class Reply:
    content: str = ""
    tool_calls: list[tuple[str, dict[str, Any] | str]] = field(default_factory=list)  # (name, arguments or raw JSON)
    delay: float = 0.0  # seconds before answering
    chunk_delay: float = 0.0  # streaming: seconds between chunks
    status: int = 200  # another status answers an OpenAI-style error body
    body: str | None = None  # sent as is instead of a completion (malformed replies)
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)  # more response headers (a redirect's Location)
    finish_reason: str = ""  # default: "tool_calls" with tool calls, else "stop"

    @classmethod
    def text(cls, content: str, **options: Any) -> Reply:
        return cls(content=content, **options)

    @classmethod
    def tool(cls, name: str, arguments: dict[str, Any] | str | None = None, **options: Any) -> Reply:
        return cls(tool_calls=[(name, {} if arguments is None else arguments)], **options)

    @classmethod
    def tools(cls, *calls: tuple[str, dict[str, Any] | str], **options: Any) -> Reply:
        return cls(tool_calls=list(calls), **options)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None
    raw: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers.items() if key.lower() == name.lower()), None)


class FakeLlm:
    """``with FakeLlm() as server: server.script(Reply.tool(...), Reply.text(...)); ...; server.requests``"""

    def __init__(self, *, model: str = "fake-model") -> None:
        self.model = model
        self.replies: deque[Reply] = deque()
        self.requests: list[Received] = []
        self.stopping = threading.Event()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-llm", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def script(self, *replies: Reply) -> FakeLlm:
        with self._lock:
            self.replies.extend(replies)
        return self

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if r.body is not None]

    @property
    def received(self) -> str:
        """Every byte that reached the server, as text: what left Finsight."""
        return b"".join(r.raw for r in self.requests).decode("utf-8", "replace")

    def configure(self, settings: Any) -> FakeLlm:
        """Make this server the advisor's model in pytest-django's ``settings`` (a 5-second timeout; tests of
        timeouts lower it)."""
        settings.ADVISOR_LLM_URL = self.url
        settings.ADVISOR_LLM_MODEL = self.model
        settings.ADVISOR_LLM_TIMEOUT_SECONDS = 5
        settings.ADVISOR_LLM_API_KEY = "none"
        settings.ADVISOR_LLM_SEND_DATA_OFF_SERVER = False
        return self

    def start(self) -> FakeLlm:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # wakes replies still waiting out their delay
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeLlm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next(self, received: Received) -> Reply | None:
        with self._lock:
            self.requests.append(received)
            return self.replies.popleft() if self.replies else None

    def _completion_id(self) -> str:
        return f"chatcmpl-fake{next(self._ids)}"


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client closing its kept-alive connection (or giving up on a slow reply) is not an error here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _tool_calls(reply: Reply) -> list[dict[str, Any]]:
    return [{"id": f"call_{index}_{name}", "type": "function",
             "function": {"name": name, "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments)}}
            for index, (name, arguments) in enumerate(reply.tool_calls)]


def completion(reply: Reply, *, completion_id: str, model: str) -> dict[str, Any]:
    """A whole chat.completion, as OpenAI's API answers one."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.content or None, "refusal": None,
                               "annotations": []}
    if reply.tool_calls:
        message["tool_calls"] = _tool_calls(reply)
    finish = reply.finish_reason or ("tool_calls" if reply.tool_calls else "stop")
    words = len(reply.content.split()) + 10 * len(reply.tool_calls)
    return {"id": completion_id, "object": "chat.completion", "created": int(time.time()), "model": model,
            "system_fingerprint": "fp_fake", "service_tier": "default",
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
            "usage": {"prompt_tokens": 100, "completion_tokens": words, "total_tokens": 100 + words}}


def chunks(reply: Reply, *, completion_id: str, model: str) -> Iterator[dict[str, Any]]:
    """The chat.completion.chunk events of a streamed reply, as OpenAI's API sends them."""
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                "system_fingerprint": "fp_fake", "service_tier": "default",
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}

    calls = _tool_calls(reply)
    for index, call in enumerate(calls):
        opening = {"index": index, "id": call["id"], "type": "function",
                   "function": {"name": call["function"]["name"], "arguments": ""}}
        yield chunk({"role": "assistant", "content": None, "refusal": None, "tool_calls": [opening]} if index == 0
                    else {"tool_calls": [opening]})
        arguments = call["function"]["arguments"]
        for start in range(0, len(arguments), 7):
            yield chunk({"tool_calls": [{"index": index, "function": {"arguments": arguments[start:start + 7]}}]})
    if not calls:
        yield chunk({"role": "assistant", "content": "", "refusal": None})
    words = reply.content.split(" ") if reply.content else []
    for index, word in enumerate(words):
        yield chunk({"content": word if index == 0 else " " + word})
    yield chunk({}, reply.finish_reason or ("tool_calls" if calls else "stop"))


def _handler_for(fake: FakeLlm) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the servers the client talks to

        def setup(self) -> None:
            super().setup()
            # As real servers do: a reply's headers and body are not held back waiting for an ACK (40 ms).
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            received = Received(path=self.path, headers=dict(self.headers.items()), body=body, raw=raw)
            if self.path.rstrip("/") != "/v1/chat/completions":
                fake._next(received)  # recorded, not answered from the script
                return self._json(404, {"error": {"message": f"Unknown path {self.path}", "type": "invalid_request_error"}})
            reply = fake._next(received)
            try:
                if reply is None:
                    return self._json(500, {"error": {"message": "The fake server has no reply scripted.",
                                                      "type": "server_error"}})
                if reply.delay and fake.stopping.wait(reply.delay):
                    return None
                if reply.body is not None:
                    return self._send(reply.status, reply.body.encode(), reply.content_type, reply.headers)
                if reply.status != 200:
                    return self._json(reply.status, {"error": {"message": "The fake server failed on purpose.",
                                                               "type": "server_error", "code": None}})
                if isinstance(body, dict) and body.get("stream"):
                    return self._stream(reply)
                return self._json(200, completion(reply, completion_id=fake._completion_id(), model=fake.model))
            except (BrokenPipeError, ConnectionResetError):
                # The client gave up (its timeout) while the reply waited.
                self.close_connection = True
                return None

        def _json(self, status: int, data: dict[str, Any]) -> None:
            self._send(status, json.dumps(data).encode(), "application/json")

        def _send(self, status: int, payload: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _stream(self, reply: Reply) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            events = [f"data: {json.dumps(c)}\n\n" for c in
                      chunks(reply, completion_id=fake._completion_id(), model=fake.model)]
            for index, event in enumerate([*events, "data: [DONE]\n\n"]):
                if index and reply.chunk_delay and fake.stopping.wait(reply.chunk_delay):
                    break
                data = event.encode()
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

    return Handler

