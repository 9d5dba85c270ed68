"""Saying a transaction in a real chromium, on a phone (390 px) and a wide screen (1440 px): the microphone (a
stand-in for the browser's speech recognition, which needs a real microphone and Google's servers) writes the
sentence, the draft comes back for one tap, and the transaction is saved; typing does the same; without speech
recognition the button and its privacy note stay hidden. Nothing may be wider than the window.

Screenshots land in artifacts/screenshots/entries-*.png for a human to look at.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from tests.browser.helpers import PASSWORD, WINDOWS, assert_no_horizontal_overflow, log_in, shot
from tests.browser.test_page_sweep import LAYOUT_PROBLEMS
from transactions.models import Transaction
from transactions.tests.factories import AccountFactory

pytestmark = pytest.mark.browser


# The Web Speech API as the page uses it: start() hears one sentence, then the recognition ends.
FAKE_RECOGNITION = """
window.SpeechRecognition = window.webkitSpeechRecognition = class {
  constructor() { this.listeners = {}; }
  addEventListener(name, fn) { (this.listeners[name] = this.listeners[name] || []).push(fn); }
  emit(name, event) { (this.listeners[name] || []).forEach((fn) => fn(event)); }
  start() {
    const said = [{0: {transcript: "Spent 12.50 on lunch at Chipotle yesterday with my credit card"}, isFinal: true}];
    setTimeout(() => { this.emit("result", {results: said}); this.emit("end", {}); }, 300);
  }
  stop() { this.emit("end", {}); }
};
"""
NO_RECOGNITION = "delete window.webkitSpeechRecognition; delete window.SpeechRecognition;"


@pytest.fixture
def person():
    user = UserFactory(email="ada@example.com", display_name="Ada", password=PASSWORD)
    AccountFactory(owner=user, name="Everyday account", currency="EUR")
    AccountFactory(owner=user, name="Visa", kind="credit_card", currency="EUR")
    return user


def context_for(browser, live_server, width: str, script: str):
    phone = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if width == "390" else {}
    context = browser.new_context(viewport=WINDOWS[width], base_url=live_server.url, **phone)
    context.set_default_timeout(10_000)
    context.add_init_script(script)
    return context


@pytest.mark.parametrize("width", ["390", "1440"])
def test_a_spoken_sentence_becomes_a_transaction_with_one_tap(browser, live_server, person, width):
    context = context_for(browser, live_server, width, FAKE_RECOGNITION)
    page = context.new_page()
    log_in(page, person.email, PASSWORD)
    page.goto("/transactions/new/")
    page.get_by_role("link", name="Say it in a sentence").click()
    expect(page.get_by_role("button", name="Speak")).to_be_visible()
    expect(page.get_by_text("send the recording to Google")).to_be_visible()
    assert_no_horizontal_overflow(page)
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    shot(page, f"entries-say-{width}")
    page.get_by_role("button", name="Speak").click()
    expect(page.get_by_role("heading", name="Is this right?")).to_be_visible()
    expect(page.get_by_label("Merchant")).to_have_value("Chipotle")
    expect(page.get_by_label("Amount")).to_have_value("-12.50")
    assert_no_horizontal_overflow(page)
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    shot(page, f"entries-draft-{width}")
    page.get_by_role("button", name="Add transaction").click()
    expect(page.get_by_text("Transaction added.")).to_be_visible()
    txn = Transaction.objects.get(owner=person)
    assert (txn.amount, txn.merchant, txn.account.name) == (Decimal("-12.50"), "Chipotle", "Visa")
    context.close()


def test_without_speech_recognition_the_sentence_is_typed(browser, live_server, person):
    context = context_for(browser, live_server, "390", NO_RECOGNITION)
    page = context.new_page()
    log_in(page, person.email, PASSWORD)
    page.goto("/transactions/say/")
    expect(page.get_by_role("button", name="Speak")).to_be_hidden()
    expect(page.get_by_text("send the recording to Google")).to_be_hidden()
    page.get_by_label("Say or type it").fill("12,50 € bei Rewe gestern")
    page.get_by_role("button", name="Read it").click()
    expect(page.get_by_label("Merchant")).to_have_value("Rewe")
    shot(page, "entries-typed-390")
    page.get_by_role("button", name="Add transaction").click()
    expect(page.get_by_text("Transaction added.")).to_be_visible()
    assert Transaction.objects.get(owner=person).amount == Decimal("-12.50")
    context.close()
