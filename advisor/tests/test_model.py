"""The advisor with a local model, driven through a fake OpenAI-compatible server on loopback: the model's tool
calls run on the asking person's own figures; a grounded answer is kept, anything else (a number not in the tool
results, a named security, a timeout, a malformed reply, a refused host) gives the written answer with the reason;
no personal identifier reaches the server; the page can follow tools and text as they come."""

from __future__ import annotations

import datetime as dt
import json
import socket
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from structlog.testing import capture_logs

from advisor import guardrails
from advisor.engine import advisor_answer
from advisor.model import ModelFailed
from advisor.models import Message, Method
from advisor.tools import TOOLS
from core.months import month_add, month_start
from goals.tests.history import year_of_money
from mlcore import services as mlcore
from mlcore.tests.fake_llm import Reply
from transactions.tests.factories import AccountFactory, TransactionFactory, category

QUESTION = "Where did my money go last month?"
IBAN, CARD, EMAIL, PHONE = "DE89 3704 0044 0532 0130 00", "4111 1111 1111 1111", "jane.doe@example.com", "+49 170 1234567"


@pytest.fixture
def today(owner) -> dt.date:
    return owner.financial_profile.local_today()


@pytest.fixture
def last_month(today) -> str:
    return f"{month_add(month_start(today), -1):%B %Y}"


@pytest.fixture
def household(owner, today):
    """A year of the same month: salary 3,000, rent 1,000, groceries 4 × 100 at REWE, restaurants 200."""
    account = AccountFactory(owner=owner, name="Current")
    year_of_money(account, today=today)
    mlcore.patterns_refresh(user=owner, today=today)
    return account


@pytest.fixture
def no_connections(monkeypatch):
    attempts = []

    def refuse(self, address):
        attempts.append(address)
        raise ConnectionRefusedError("connections are refused in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def tool_messages(body: dict) -> list[dict]:
    return [json.loads(m["content"]) for m in body["messages"] if m["role"] == "tool"]


def test_the_model_calls_tools_on_the_persons_figures_and_a_grounded_answer_is_kept(owner, household, fake_llm,
                                                                                      last_month):
    text = (f"In {last_month} you spent EUR 1,600.00: EUR 1,000.00 on Housing (62.5%) and EUR 600.00 on Food & "
            "Drink (37.5%).")
    fake_llm.script(Reply.tool("spending_breakdown", {"period": "last_month"}), Reply.text(text))

    answer = advisor_answer(user=owner, question=QUESTION)

    assert answer.method == Method.MODEL and answer.intent == "model"
    assert answer.text == text
    assert answer.fallback_reason == ""
    assert {fact.text() for fact in answer.facts} >= {"EUR 1,600.00", "EUR 1,000.00", "62.5%", "EUR 600.00", "37.5%"}
    [(label, url)] = answer.links
    assert label == "Spending" and url.startswith("/insights/spending/?period=custom")
    assert answer.disclaimer == ""
    first, second = fake_llm.bodies
    assert [tool["function"]["name"] for tool in first["tools"]] == list(TOOLS)
    assert first["messages"][0]["role"] == "system" and first["messages"][-1] == {"role": "user", "content": QUESTION}
    # The model got the tool's result: labels and values of the person's own figures, no list of transactions.
    [result] = tool_messages(second)
    assert result["tool"] == "spending_breakdown"
    assert {"label": f"All spending, {last_month}", "value": "EUR 1,600.00",
            "period": result["facts"][0]["period"]} == result["facts"][0]
    assert "REWE" not in json.dumps(result) and "transactions" not in result


def test_two_rounds_of_tools_and_the_oldest_worked_out_time(owner, household, fake_llm, last_month):
    fake_llm.script(Reply.tool("spending_breakdown", {"period": "last_month"}),
                    Reply.tool("alerts_and_patterns"),
                    Reply.text(f"You spent EUR 1,600.00 in {last_month}, about what you usually spend."))

    answer = advisor_answer(user=owner, question=QUESTION)

    assert answer.method == Method.MODEL
    assert [label for label, _ in answer.links] == ["Spending", "Alerts"]
    _, computed_at = mlcore.patterns_get(user=owner)
    assert answer.computed_at == computed_at
    assert len(fake_llm.requests) == 3


def test_a_number_not_in_the_tool_results_gives_the_written_answer_and_the_log_says_why(owner, household, fake_llm,
                                                                                         last_month):
    fake_llm.script(Reply.tool("spending_breakdown", {"period": "last_month"}),
                    Reply.text(f"In {last_month} you spent EUR 1,750.00, mostly on rent."))

    with capture_logs() as logs:
        answer = advisor_answer(user=owner, question=QUESTION)

    assert answer.method == Method.TEMPLATE and answer.intent == "where_money_goes"
    assert answer.fallback_reason == "the model wrote 1,750.00, which is not in your figures"
    assert f"In {last_month} you spent EUR 1,600.00" in answer.text
    assert "1,750" not in answer.text
    assert {"event": "advisor_model_fallback", "user_id": owner.pk,
            "reason": "the model wrote 1,750.00, which is not in your figures"}.items() <= next(
        entry for entry in logs if entry["event"] == "advisor_model_fallback").items()


def test_an_answer_with_numbers_but_no_tool_call_fails_grounding(owner, household, fake_llm):
    fake_llm.script(Reply.text("You spent EUR 1,600.00 and 40% of it on rent."))

    answer = advisor_answer(user=owner, question=QUESTION)

    assert answer.method == Method.TEMPLATE
    assert answer.fallback_reason == "the model wrote 1,600.00, 40%, which are not in your figures"


def test_an_answer_without_figures_needs_no_tool(owner, household, fake_llm):
    fake_llm.script(Reply.text("I can only answer from your own figures, and I would need to look them up first."))

    answer = advisor_answer(user=owner, question="Can you help me with my money?")

    assert answer.method == Method.MODEL
    assert answer.facts == [] and answer.links == []


def test_a_named_security_is_caught_by_the_output_guardrails(owner, household, fake_llm):
    fake_llm.script(Reply.tool("readiness"), Reply.text("Your readiness is not worked out yet, but you should buy "
                                                        "Vanguard FTSE All-World anyway."))

    answer = advisor_answer(user=owner, question="Am I ready to invest?")

    assert answer.method == Method.TEMPLATE
    assert answer.fallback_reason == "the model's answer named a specific security"


def test_an_investing_answer_carries_the_investing_disclaimer(owner, household, fake_llm):
    fake_llm.script(Reply.tool("readiness"), Reply.text("Your investment readiness is not worked out yet: it is "
                                                        "computed each night."))

    answer = advisor_answer(user=owner, question="Am I ready to invest?")

    assert answer.method == Method.MODEL
    assert answer.disclaimer == guardrails.INVESTING_DISCLAIMER
    assert answer.links == [("Investment readiness", reverse("goals:readiness"))]


def test_no_personal_identifier_reaches_the_server(owner, household, fake_llm, today):
    last = month_add(month_start(today), -1)
    TransactionFactory(account=household, date=last + dt.timedelta(days=20), amount=Decimal("-250.00"),
                       description=f"TRANSFER {IBAN}", category=category("food_drink.restaurants"),
                       merchant=f"Jane Doe {IBAN} {EMAIL} {PHONE} card {CARD}")
    history = [("user", f"My email is {EMAIL} and my phone {PHONE}"),
               ("advisor", f"I never need your card ({CARD}) or account no. 12345678.")]
    question = f"I paid from {IBAN} with card {CARD}, call me on {PHONE}: who did I pay most last month?"
    fake_llm.script(Reply.tool("spending_breakdown", {"period": "last_month", "by": "merchant"}),
                    Reply.text("Your landlord got the most: EUR 1,000.00."))

    answer = advisor_answer(user=owner, question=question, history=history)

    assert answer.method == Method.MODEL
    sent = fake_llm.received
    for identifier in (IBAN, IBAN.replace(" ", ""), CARD, CARD.replace(" ", ""), EMAIL, PHONE, "1234567",
                       "12345678"):
        assert identifier not in sent
    for placeholder in ("[iban]", "[card]", "[email]", "[phone]", "[account number]"):
        assert placeholder in sent
    # The merchant is still there to talk about, without the identifiers in its name.
    [result] = tool_messages(fake_llm.bodies[1])
    assert any(fact["label"].startswith("Jane Doe [iban] [email] [phone] card [card]") for fact in result["facts"])
    assert {"role": "user", "content": "My email is [email] and my phone [phone]"} in fake_llm.bodies[0]["messages"]


def test_tools_only_ever_read_the_asking_person(owner, other_user, household, fake_llm, today):
    theirs = AccountFactory(owner=other_user, name="Oscar's")
    TransactionFactory(account=theirs, date=month_add(month_start(today), -1), amount=Decimal("-4321.00"),
                       description="SECRET SHOP", merchant="Oscar's Secret Shop")
    fake_llm.script(Reply.tool("spending_breakdown", {"period": "last_month", "user": other_user.pk}),
                    Reply.tool("spending_breakdown", {"period": "last_month", "by": "merchant"}),
                    Reply.text("Your biggest payee was your landlord: EUR 1,000.00."))

    answer = advisor_answer(user=owner, question="Who did I pay most last month?")

    assert answer.method == Method.MODEL
    # The argument naming another person is refused, in words the model can act on.
    assert tool_messages(fake_llm.bodies[1]) == [{"error": "spending_breakdown takes no argument user."}]
    assert "Secret Shop" not in fake_llm.received and "4,321" not in fake_llm.received
    assert all("Secret" not in fact.label for fact in answer.facts)


def test_an_unknown_tool_or_broken_arguments_are_told_to_the_model_which_can_recover(owner, household, fake_llm):
    fake_llm.script(Reply.tools(("transactions_dump", {}), ("spending_breakdown", '{"period": "last_mo')),
                    Reply.tool("spending_breakdown", {"period": "last_month"}),
                    Reply.text("You spent EUR 1,600.00 last month."))

    answer = advisor_answer(user=owner, question=QUESTION)

    assert answer.method == Method.MODEL
    assert tool_messages(fake_llm.bodies[1]) == [
        {"error": "There is no tool called 'transactions_dump'."},
        {"error": 'The arguments of spending_breakdown were not valid JSON: {"period": "last_mo'}]


def test_a_model_that_keeps_calling_tools_is_stopped(owner, household, fake_llm):
    fake_llm.script(*[Reply.tool("budget_status") for _ in range(5)])

    answer = advisor_answer(user=owner, question=QUESTION)

    assert answer.method == Method.TEMPLATE
    assert answer.fallback_reason == "the model was still calling tools after 4 rounds"
    assert len(fake_llm.requests) == 5


def test_a_timeout_gives_the_written_answer(owner, household, fake_llm, settings):
    settings.ADVISOR_LLM_TIMEOUT_SECONDS = 1
    fake_llm.script(Reply.tool("spending_breakdown", {"period": "last_month"}, delay=3))
    started = time.monotonic()

    answer = advisor_answer(user=owner, question=QUESTION)

    assert time.monotonic() - started < 2.5
    assert answer.method == Method.TEMPLATE and answer.intent == "where_money_goes"
    assert answer.fallback_reason == "the local model did not answer within 1 second"
    assert "EUR 1,600.00" in answer.text


@pytest.mark.parametrize(("reply", "reason"), [
    (Reply(body="{'choices': oops"), "the local model's reply was not a chat completion"),
    (Reply(body='{"choices": []}'), "the local model's reply had no choices"),
    (Reply(status=500), "the local model answered with HTTP status 500"),
    (Reply.text("You spent EUR 1,600.00 and then", finish_reason="length"), "the model's answer was cut off"),
    (Reply.text("   "), "the model gave no answer"),
])
def test_a_malformed_or_unusable_reply_gives_the_written_answer(owner, household, fake_llm, reply, reason):
    fake_llm.script(reply)

    answer = advisor_answer(user=owner, question=QUESTION)

    assert answer.method == Method.TEMPLATE
    assert answer.fallback_reason == reason
    assert "EUR 1,600.00" in answer.text


def test_a_remote_model_is_refused_by_default_and_nothing_leaves(owner, household, settings, no_connections):
    settings.ADVISOR_LLM_URL = "http://93.184.216.34/v1"
    settings.ADVISOR_LLM_MODEL = "llama3.1:8b"
    settings.ADVISOR_LLM_SEND_DATA_OFF_SERVER = False

    answer = advisor_answer(user=owner, question=QUESTION)

    assert answer.method == Method.TEMPLATE
    assert "ADVISOR_LLM_SEND_DATA_OFF_SERVER=true" in answer.fallback_reason
    assert no_connections == []


def test_without_a_model_the_written_answer_has_no_fallback_reason(owner, household, settings):
    settings.ADVISOR_LLM_URL = ""

    answer = advisor_answer(user=owner, question=QUESTION)

    assert answer.method == Method.TEMPLATE and answer.fallback_reason == ""


def test_the_page_follows_tools_and_text_in_order(owner, household, fake_llm, last_month):
    fake_llm.script(Reply.tool("spending_breakdown", {"period": "last_month"}),
                    Reply.tools(("budget_status", {}), ("upcoming_bills", {})),
                    Reply.text(f"In {last_month} you spent EUR 1,600.00."))
    events: list[tuple[str, str]] = []

    answer = advisor_answer(user=owner, question=QUESTION, on_event=lambda kind, text: events.append((kind, text)))

    assert answer.method == Method.MODEL
    assert events == [("tool", "spending_breakdown"), ("tool", "budget_status"), ("tool", "upcoming_bills"),
                      ("delta", "In"), *[("delta", f" {word}") for word in last_month.split()],
                      ("delta", " you"), ("delta", " spent"), ("delta", " EUR"), ("delta", " 1,600.00.")]
    assert "".join(text for kind, text in events if kind == "delta") == answer.text
    assert all(body["stream"] is True for body in fake_llm.bodies)


def test_a_streamed_draft_that_fails_the_check_is_replaced(owner, household, fake_llm):
    fake_llm.script(Reply.tool("spending_breakdown", {"period": "last_month"}),
                    Reply.text("You spent EUR 9,999.00."))
    events: list[tuple[str, str]] = []

    answer = advisor_answer(user=owner, question=QUESTION, on_event=lambda kind, text: events.append((kind, text)))

    assert answer.method == Method.TEMPLATE
    assert events[-1] == ("replaced", "the model wrote 9,999.00, which is not in your figures")
    assert [kind for kind, _ in events[:-1]] == ["tool", "delta", "delta", "delta", "delta"]


def test_a_long_reason_is_cut_to_what_a_stored_message_keeps():
    reason = ModelFailed("ADVISOR_LLM_URL points at " + "very-long-host." * 40).reason

    assert len(reason) == Message._meta.get_field("fallback_reason").max_length
    assert reason.endswith("…")
