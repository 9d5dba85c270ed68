"""The local model's client, against a fake OpenAI-compatible server on loopback: tool calls and text, whole and
streamed; where the model may be (loopback or private unless the operator says the data may leave); every failure
one LlmError with a reason, never retried."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlcore import services
from mlcore.tests.fake_llm import FakeLlm, Reply

REPO = Path(__file__).resolve().parent.parent.parent
QUESTION = [{"role": "user", "content": "How much did I spend this month?"}]
TOOLS = [{"type": "function", "function": {"name": "spending_breakdown", "description": "Spending in a period.",
                                           "parameters": {"type": "object", "properties": {
                                               "period": {"type": "string"}}}}}]


@pytest.fixture
def fake_llm(settings):
    with FakeLlm() as server:
        yield server.configure(settings)


@pytest.fixture
def no_connections(monkeypatch):
    """Records every outgoing connection and refuses it: what would have left the machine."""
    attempts = []

    def refuse(self, address):
        attempts.append(address)
        raise ConnectionRefusedError("connections are refused in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_not_configured_by_default(settings):
    settings.ADVISOR_LLM_URL = ""

    assert services.llm_configured() is False
    with pytest.raises(services.LlmError, match="no local model is configured"):
        services.llm_chat(messages=QUESTION)


def test_tool_calls_come_back_with_their_names_and_arguments(fake_llm):
    fake_llm.script(Reply.tools(("spending_breakdown", {"period": "last_month"}), ("budget_status", {})))

    reply = services.llm_chat(messages=QUESTION, tools=TOOLS)

    assert services.llm_configured() is True
    assert [(call.name, call.arguments_read()) for call in reply.tool_calls] == [
        ("spending_breakdown", {"period": "last_month"}), ("budget_status", {})]
    assert reply.content == ""
    assert reply.finish_reason == "tool_calls"
    [request] = fake_llm.requests
    assert request.path == "/v1/chat/completions"
    assert request.header("Authorization") == "Bearer none"
    assert request.body["model"] == "fake-model"
    assert request.body["messages"] == QUESTION
    assert request.body["tools"] == TOOLS
    assert "stream" not in request.body


def test_the_assistant_message_and_tool_results_go_back_in_the_openai_shape(fake_llm):
    fake_llm.script(Reply.tool("spending_breakdown", {"period": "this_month"}), Reply.text("You spent EUR 10.00."))
    first = services.llm_chat(messages=QUESTION, tools=TOOLS)
    [call] = first.tool_calls
    conversation = [*QUESTION, first.message(),
                    {"role": "tool", "tool_call_id": call.id, "content": '{"value": "EUR 10.00"}'}]

    second = services.llm_chat(messages=conversation, tools=TOOLS)

    assert second.content == "You spent EUR 10.00."
    sent = fake_llm.bodies[1]["messages"]
    assert sent[1] == {"role": "assistant", "content": None, "tool_calls": [
        {"id": call.id, "type": "function",
         "function": {"name": "spending_breakdown", "arguments": '{"period": "this_month"}'}}]}
    assert sent[2]["tool_call_id"] == call.id


def test_a_streamed_reply_arrives_piece_by_piece_and_is_put_together(fake_llm):
    fake_llm.script(Reply.tools(("spending_breakdown", {"period": "last_3_months", "by": "merchant"}),
                                ("upcoming_bills", {"before_payday": True})),
                    Reply.text("You spent EUR 1,187.40 this month so far."))
    pieces: list[str] = []

    calls = services.llm_chat(messages=QUESTION, tools=TOOLS, on_delta=pieces.append)
    text = services.llm_chat(messages=QUESTION, tools=TOOLS, on_delta=pieces.append)

    assert [(c.name, c.arguments_read()) for c in calls.tool_calls] == [
        ("spending_breakdown", {"period": "last_3_months", "by": "merchant"}),
        ("upcoming_bills", {"before_payday": True})]
    assert calls.finish_reason == "tool_calls"
    assert text.content == "You spent EUR 1,187.40 this month so far."
    assert pieces == ["You", " spent", " EUR", " 1,187.40", " this", " month", " so", " far."]
    assert all(body["stream"] is True for body in fake_llm.bodies)


def test_broken_argument_json_is_a_sentence_the_model_can_read(fake_llm):
    fake_llm.script(Reply.tool("spending_breakdown", '{"period": "this_mon'))

    [call] = services.llm_chat(messages=QUESTION, tools=TOOLS).tool_calls

    with pytest.raises(ValueError, match="The arguments of spending_breakdown were not valid JSON"):
        call.arguments_read()


@pytest.mark.parametrize("url", ["http://93.184.216.34/v1", "http://[2606:2800:220:1::]:8080/v1",
                                 "http://[::ffff:93.184.216.34]/v1"])
def test_a_remote_host_is_refused_by_default_without_a_connection(settings, no_connections, url):
    settings.ADVISOR_LLM_URL = url
    settings.ADVISOR_LLM_SEND_DATA_OFF_SERVER = False

    with pytest.raises(services.LlmError) as refused:
        services.llm_chat(messages=QUESTION)

    assert "neither this machine nor a private network" in refused.value.reason
    assert "ADVISOR_LLM_SEND_DATA_OFF_SERVER=true" in refused.value.reason
    assert no_connections == []


def test_a_remote_host_is_tried_only_when_the_operator_lets_data_leave(settings, no_connections):
    settings.ADVISOR_LLM_URL = "http://93.184.216.34/v1"
    settings.ADVISOR_LLM_SEND_DATA_OFF_SERVER = True

    with pytest.raises(services.LlmError, match="could not be reached at 93.184.216.34"):
        services.llm_chat(messages=QUESTION)

    assert no_connections == [("93.184.216.34", 80)]


@pytest.mark.parametrize("url", ["http://localhost:1/v1", "http://10.1.2.3:1/v1", "http://192.168.1.20:1/v1",
                                 "http://[::1]:1/v1", "http://172.17.0.1:1/v1",
                                 "http://100.100.1.2:1/v1"])  # a private overlay (Tailscale) in shared address space
def test_this_machine_and_private_networks_are_allowed(settings, no_connections, url):
    settings.ADVISOR_LLM_URL = url
    settings.ADVISOR_LLM_SEND_DATA_OFF_SERVER = False

    with pytest.raises(services.LlmError, match="could not be reached"):
        services.llm_chat(messages=QUESTION)

    assert no_connections


def test_a_slow_server_times_out_without_a_retry(fake_llm, settings):
    settings.ADVISOR_LLM_TIMEOUT_SECONDS = 1
    fake_llm.script(Reply.text("Too late.", delay=3))
    started = time.monotonic()

    with pytest.raises(services.LlmError, match="did not answer within 1 second$"):
        services.llm_chat(messages=QUESTION)

    assert time.monotonic() - started < 2.5
    assert len(fake_llm.requests) == 1


def test_a_stream_that_stalls_times_out(fake_llm, settings):
    settings.ADVISOR_LLM_TIMEOUT_SECONDS = 1
    fake_llm.script(Reply.text("one two three", chunk_delay=2))
    pieces: list[str] = []

    with pytest.raises(services.LlmError, match="did not answer within 1 second"):
        services.llm_chat(messages=QUESTION, on_delta=pieces.append)

    assert pieces == []


@pytest.mark.parametrize(("reply", "stream", "reason"), [
    (Reply(status=500), False, "answered with HTTP status 500"),
    (Reply(status=404, body="{}"), False, "answered with HTTP status 404"),
    (Reply(body="not json at all"), False, "was not a chat completion"),
    (Reply(body="<html><body>Bad gateway</body></html>", content_type="text/html"), False, "had no choices"),
    (Reply(body='{"object": "chat.completion"}'), False, "had no choices"),
    (Reply(body='{"choices": []}'), False, "had no choices"),
    (Reply(body='{"choices": [{"index": 0}]}'), False, "had no message"),
    (Reply(body='{"choices": [{"message": {"content": 5}}]}'), False, r"malformed \(content\)"),
    (Reply(body='{"choices": [{"message": {"tool_calls": [{"function": {}}]}}]}'), False, "without a name"),
    (Reply(body="data: {not json}\n\n", content_type="text/event-stream"), True, "was not a chat completion"),
    (Reply(body='data: {"id": "x"}\n\n', content_type="text/event-stream"), True, "chunk without choices"),
])
def test_a_malformed_reply_is_one_error_with_a_reason(fake_llm, reply, stream, reason):
    fake_llm.script(reply)

    with pytest.raises(services.LlmError, match=reason):
        services.llm_chat(messages=QUESTION, on_delta=(lambda text: None) if stream else None)

    assert len(fake_llm.requests) == 1


def test_a_redirect_elsewhere_is_not_followed(fake_llm):
    with FakeLlm() as elsewhere:
        fake_llm.script(Reply(status=307, body="", headers={"Location": f"{elsewhere.url}/chat/completions"}))

        with pytest.raises(services.LlmError, match="HTTP status 307"):
            services.llm_chat(messages=QUESTION)

        assert elsewhere.requests == []


def test_proxy_variables_are_ignored(fake_llm, monkeypatch):
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    fake_llm.script(Reply.text("Straight to the model."))

    assert services.llm_chat(messages=QUESTION).content == "Straight to the model."


def test_the_api_key_setting_is_sent(fake_llm, settings):
    settings.ADVISOR_LLM_API_KEY = "s3cret"
    fake_llm.script(Reply.text("Hello."))

    services.llm_chat(messages=QUESTION)

    assert fake_llm.requests[0].header("Authorization") == "Bearer s3cret"


# ---- start-up ------------------------------------------------------------------------------------------------

def start(tmp_path, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATA_DIR": str(tmp_path), **variables}
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); print('started')"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def test_start_up_refuses_a_remote_model_naming_the_setting_that_would_allow_it(tmp_path):
    refused = start(tmp_path, ADVISOR_LLM_URL="http://93.184.216.34/v1", ADVISOR_LLM_MODEL="llama3.1:8b")
    allowed = start(tmp_path, ADVISOR_LLM_URL="http://93.184.216.34/v1", ADVISOR_LLM_MODEL="llama3.1:8b",
                    ADVISOR_LLM_SEND_DATA_OFF_SERVER="true")

    assert refused.returncode != 0
    last = refused.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last
    assert "ADVISOR_LLM_SEND_DATA_OFF_SERVER=true" in last
    assert allowed.returncode == 0, allowed.stderr


@pytest.mark.parametrize(("variables", "named"), [
    ({"ADVISOR_LLM_URL": "ftp://127.0.0.1/v1", "ADVISOR_LLM_MODEL": "m"}, "ADVISOR_LLM_URL"),
    ({"ADVISOR_LLM_URL": "http:///v1", "ADVISOR_LLM_MODEL": "m"}, "ADVISOR_LLM_URL"),
    ({"ADVISOR_LLM_URL": "http://127.0.0.1:port/v1", "ADVISOR_LLM_MODEL": "m"}, "ADVISOR_LLM_URL"),
    ({"ADVISOR_LLM_URL": "http://127.0.0.1:11434/v1"}, "ADVISOR_LLM_MODEL"),
    ({"ADVISOR_LLM_TIMEOUT_SECONDS": "0"}, "ADVISOR_LLM_TIMEOUT_SECONDS"),
    ({"ADVISOR_LLM_SEND_DATA_OFF_SERVER": "maybe"}, "ADVISOR_LLM_SEND_DATA_OFF_SERVER"),
])
def test_start_up_refuses_a_malformed_model_setting_naming_it(tmp_path, variables, named):
    result = start(tmp_path, **variables)

    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last
    assert named in last


def test_start_up_accepts_a_local_model(tmp_path):
    result = start(tmp_path, ADVISOR_LLM_URL="http://127.0.0.1:11434/v1", ADVISOR_LLM_MODEL="llama3.1:8b")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "started"
