"""The client of the optional local model: any OpenAI-compatible server (llama.cpp's server, Ollama, vLLM) at
``settings.ADVISOR_LLM_URL``, spoken to through the official ``openai`` library: chat completions with tools
(function calling), whole or streamed.

Where the data may go: by default only to this machine or a private network (every address the URL's host
resolves to is loopback or private, checked at start-up and again before each call); any other host needs
``ADVISOR_LLM_SEND_DATA_OFF_SERVER``, whose name says what it allows. The HTTP client ignores proxy variables
and does not follow redirects, so a request cannot be sent on somewhere else. (A name that resolves to another
address between the check and the connection is not caught: point the URL at an address, or at a name you
control.)

Whatever goes wrong (no answer in time, no server, an HTTP error, a reply that is not a chat completion) raises
``LlmError`` with a sentence saying what; nothing is retried, so a question waits at most one timeout per call.

Other apps reach this module through ``mlcore.services`` (``llm_configured``, ``llm_chat``, ``LlmError``).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings

if TYPE_CHECKING:
    import openai

OFF_SERVER_SETTING = "ADVISOR_LLM_SEND_DATA_OFF_SERVER"
MAX_TOKENS = 800  # an answer is a few sentences; this bounds how long a runaway one can keep a request busy
TEMPERATURE = 0.2  # the same question should get much the same answer


class LlmError(Exception):
    """The model gave no usable reply; ``reason`` says why, in a short sentence for the log and the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # the JSON the model wrote; parsed by the caller, which can tell the model when it is broken

    def message(self) -> dict[str, Any]:
        return {"id": self.id, "type": "function", "function": {"name": self.name, "arguments": self.arguments}}

    def arguments_read(self) -> dict[str, Any]:
        """The arguments as a dict; ValueError with a sentence the model can read when they are not one."""
        try:
            arguments = json.loads(self.arguments or "{}")
        except ValueError:
            raise ValueError(f"The arguments of {self.name} were not valid JSON: {self.arguments[:200]}") from None
        if arguments is None:
            return {}
        if not isinstance(arguments, dict):
            raise ValueError(f"The arguments of {self.name} must be a JSON object.")
        return arguments


@dataclass
class LlmReply:
    content: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str = ""  # "stop", "tool_calls", "length" (cut off at MAX_TOKENS), ...

    def message(self) -> dict[str, Any]:
        """The assistant message to send back with the tool results."""
        message: dict[str, Any] = {"role": "assistant", "content": self.content or None}
        if self.tool_calls:
            message["tool_calls"] = [call.message() for call in self.tool_calls]
        return message


# ---- where the model may be ----------------------------------------------------------------------------------

def llm_configured() -> bool:
    return bool(settings.ADVISOR_LLM_URL)


def _off_server(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") is not part of it
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # Python 3.11 takes every ::ffff:a.b.c.d for private
    # 100.64.0.0/10 (carrier-grade NAT, and private overlays such as Tailscale) is not routed on the internet either
    return not (ip.is_loopback or ip.is_private or ip in _SHARED_SPACE)


_SHARED_SPACE = ipaddress.ip_network("100.64.0.0/10")


def endpoint_refusal(url: str, *, off_server: bool, unresolved_ok: bool = False) -> str | None:
    """Why the model may not be reached at ``url`` (a sentence naming the setting to change), or None.

    Unless ``off_server``, every address the host resolves to must be loopback or private. A host that does not
    resolve is refused too, unless ``unresolved_ok`` (start-up: the model's server may start after Finsight, and
    is checked again before each call)."""
    parts = urlsplit(url)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        return (f"ADVISOR_LLM_URL={url!r} is malformed: expected the server's OpenAI-compatible base URL, such as "
                "http://127.0.0.1:11434/v1.")
    if off_server:
        return None
    host = parts.hostname
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, parts.port or 80, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        return None if unresolved_ok else f"the local model's host {host} could not be resolved"
    outside = sorted(address for address in addresses if _off_server(address))
    if outside:
        named = host if outside == [host] else f"{host} ({', '.join(outside)})"
        return (f"ADVISOR_LLM_URL points at {named}, which is neither this machine nor a "
                f"private network, so questions and figures would leave the server; set {OFF_SERVER_SETTING}=true "
                "to allow that.")
    return None


# ---- the client ----------------------------------------------------------------------------------------------

_clients: dict[tuple[str, str], openai.OpenAI] = {}
_clients_lock = threading.Lock()


def _client(url: str, api_key: str) -> openai.OpenAI:
    """One client per server and key for the process (it keeps connections to the server open)."""
    import openai  # noqa: PLC0415 - 0.8 s and 30 MB at import: only a process that asks a model pays for it

    with _clients_lock:
        client = _clients.get((url, api_key))
        if client is None:
            client = openai.OpenAI(
                base_url=url, api_key=api_key or "none", max_retries=0,
                http_client=openai.DefaultHttpxClient(trust_env=False, follow_redirects=False))
            _clients[(url, api_key)] = client
        return client


@contextlib.contextmanager
def _reasons(timeout: int, host: str) -> Iterator[None]:
    """The library's errors as LlmError with a sentence; the caller's own errors (an on_delta) pass through."""
    import openai  # noqa: PLC0415 - see _client

    try:
        yield
    except openai.APITimeoutError as error:
        raise LlmError(f"the local model did not answer within {timeout} second{'s' if timeout != 1 else ''}") from error
    except openai.APIConnectionError as error:
        raise LlmError(f"the local model could not be reached at {host}") from error
    except openai.APIStatusError as error:
        raise LlmError(f"the local model answered with HTTP status {error.status_code}") from error
    except (openai.OpenAIError, ValueError) as error:  # ValueError: a body or a streamed event that is not JSON
        raise LlmError("the local model's reply was not a chat completion") from error


def _text(value: Any, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LlmError(f"the local model's reply was malformed ({what})")
    return value


def _reply(completion: Any) -> LlmReply:
    """A whole completion read defensively: a server's malformed JSON is built into the library's objects
    unvalidated, so every field is checked here."""
    choices = getattr(completion, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise LlmError("the local model's reply had no choices")
    message = getattr(choices[0], "message", None)
    if message is None:
        raise LlmError("the local model's reply had no message")
    calls: list[ToolCall] = []
    for call in getattr(message, "tool_calls", None) or []:
        function = getattr(call, "function", None)
        name = _text(getattr(function, "name", None), "tool call")
        if not name:
            raise LlmError("the local model's reply had a tool call without a name")
        calls.append(ToolCall(id=_text(getattr(call, "id", None), "tool call") or f"call_{len(calls)}", name=name,
                              arguments=_text(getattr(function, "arguments", None), "tool call") or "{}"))
    return LlmReply(content=_text(getattr(message, "content", None), "content"), tool_calls=calls,
                    finish_reason=_text(getattr(choices[0], "finish_reason", None), "finish reason"))


@dataclass
class _Assembly:
    """A streamed reply put together: the text, and each tool call from its pieces (by index)."""

    content: list[str] = field(default_factory=list)
    calls: dict[int, dict[str, Any]] = field(default_factory=dict)
    finish_reason: str = ""

    def add(self, chunk: Any) -> str:
        """Take one chunk in; returns its text."""
        choices = getattr(chunk, "choices", None)
        if not isinstance(choices, list):
            raise LlmError("the local model's stream sent a chunk without choices")
        if not choices:  # the last chunk of a stream with usage has none
            return ""
        delta = getattr(choices[0], "delta", None)
        self.finish_reason = _text(getattr(choices[0], "finish_reason", None), "finish reason") or self.finish_reason
        if delta is None:
            return ""
        for piece in getattr(delta, "tool_calls", None) or []:
            index = getattr(piece, "index", None)
            if not isinstance(index, int):
                raise LlmError("the local model's stream sent a tool call without an index")
            call = self.calls.setdefault(index, {"id": "", "name": "", "arguments": []})
            call["id"] = call["id"] or _text(getattr(piece, "id", None), "tool call")
            function = getattr(piece, "function", None)
            call["name"] += _text(getattr(function, "name", None), "tool call")
            call["arguments"].append(_text(getattr(function, "arguments", None), "tool call"))
        text = _text(getattr(delta, "content", None), "content")
        if text:
            self.content.append(text)
        return text

    def reply(self) -> LlmReply:
        calls = []
        for index in sorted(self.calls):
            call = self.calls[index]
            if not call["name"]:
                raise LlmError("the local model's stream sent a tool call without a name")
            calls.append(ToolCall(id=call["id"] or f"call_{index}", name=call["name"],
                                  arguments="".join(call["arguments"]) or "{}"))
        return LlmReply(content="".join(self.content), tool_calls=calls, finish_reason=self.finish_reason)


def chat(*, messages: Sequence[Mapping[str, Any]], tools: Sequence[Mapping[str, Any]] = (),
         on_delta: Callable[[str], None] | None = None) -> LlmReply:
    """One chat completion: ``messages`` and the ``tools`` the model may call. With ``on_delta`` the reply is
    streamed and each piece of its text is passed to it as it arrives. Raises LlmError."""
    url = settings.ADVISOR_LLM_URL
    if not url:
        raise LlmError("no local model is configured")
    refusal = endpoint_refusal(url, off_server=settings.ADVISOR_LLM_SEND_DATA_OFF_SERVER)
    if refusal:
        raise LlmError(refusal)
    timeout = settings.ADVISOR_LLM_TIMEOUT_SECONDS
    client = _client(url, settings.ADVISOR_LLM_API_KEY)
    request: dict[str, Any] = {"model": settings.ADVISOR_LLM_MODEL, "messages": list(messages),
                               "temperature": TEMPERATURE, "max_tokens": MAX_TOKENS, "timeout": timeout}
    if tools:
        request["tools"] = list(tools)
    host = urlsplit(url).netloc
    if on_delta is None:
        with _reasons(timeout, host):
            completion = client.chat.completions.create(**request)
        return _reply(completion)
    assembly = _Assembly()
    with _reasons(timeout, host):
        stream = client.chat.completions.create(**request, stream=True)
    with stream:
        chunks = iter(stream)
        while True:
            with _reasons(timeout, host):
                chunk = next(chunks, None)
            if chunk is None:
                break
            text = assembly.add(chunk)
            if text:
                on_delta(text)
    return assembly.reply()

