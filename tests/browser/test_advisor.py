"""The advisor in a real chromium, on a phone (390 px) and a wide screen (1440 px): asking by a suggestion and by
typing (the plain form, written answers), a conversation with its figures, the list, deleting and the retention
setting; then, with a local model (the fake OpenAI-compatible server), an answer that streams in: the model's step,
its text, and the checked answer, the page's address becoming the conversation's. Nothing may be wider than the
window and layout_problems.js must find nothing.

Screenshots land in artifacts/screenshots/advisor-*.png for a human to look at.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from advisor.models import Conversation
from core.months import month_add, month_start
from goals import refresh, services
from goals.services import GoalFields
from goals.tests.history import year_of_money
from mlcore import services as mlcore
from mlcore.tests.fake_llm import FakeLlm, Reply
from tests.browser.helpers import PASSWORD, WINDOWS, assert_no_horizontal_overflow, log_in, shot
from tests.browser.test_page_sweep import LAYOUT_PROBLEMS
from transactions.tests.factories import AccountFactory

pytestmark = pytest.mark.browser



@pytest.fixture
def household():
    user = UserFactory(email="ada@example.com", display_name="Ada", password=PASSWORD)
    today = user.financial_profile.local_today()
    year_of_money(AccountFactory(owner=user, name="Everyday account"), today=today)
    savings = AccountFactory(owner=user, name="Rainy day savings", kind="savings", known_balance=Decimal("4000.00"))
    services.goal_create(user=user, fields=GoalFields(name="Emergency fund", kind="emergency", emergency_months=3,
                                                      priority=1, accounts=((savings.pk, 100),)))
    services.goal_create(user=user, fields=GoalFields(
        name="Summer in Portugal with the whole family and the grandparents", kind="short_term",
        target_amount=Decimal("12345678.90"), target_date=month_add(month_start(today), 8)))
    refresh.goals_refresh(user=user, reason="goal added")
    mlcore.patterns_refresh(user=user, today=today)
    return user


def context_for(browser, live_server, width: str):
    phone = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if width == "390" else {}
    context = browser.new_context(viewport=WINDOWS[width], base_url=live_server.url, **phone)
    context.set_default_timeout(10_000)
    return context


def check(page: Page, name: str) -> None:
    assert_no_horizontal_overflow(page)
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    shot(page, name)


@pytest.mark.parametrize("width", ["390", "1440"])
def test_asking_without_a_model_and_the_conversation_pages_fit_the_window(browser, live_server, transactional_db,
                                                                          household, width):
    context = context_for(browser, live_server, width)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, household.email, PASSWORD)
        page.wait_for_url(re.compile(r"/$"))
        if width == "390":
            page.get_by_text("Menu").click()
            page.locator("#mobile-menu").get_by_role("link", name="Ask").click()
        else:
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Ask").click()
        expect(page.get_by_role("heading", name="Ask about your money")).to_be_visible()
        expect(page.locator("[data-suggestion]").first).to_be_visible()
        check(page, f"advisor-coach-{width}")

        page.locator("[data-suggestion]", has_text="Where does my money go?").click()
        page.wait_for_url(re.compile(r"/advisor/conversations/\d+/"))
        answer = page.locator('[data-message="answer"]')
        expect(answer).to_have_count(1)
        expect(answer.locator("[data-fact]").first).to_be_visible()
        expect(answer.locator("[data-method-label]")).to_have_text(re.compile("Written from your figures"))
        check(page, f"advisor-conversation-{width}")

        page.get_by_label("Your question").fill("Am I ready to invest?")
        page.get_by_label("Your question").press("Enter")
        expect(page.locator('[data-message="answer"]')).to_have_count(2)
        expect(page.locator('[data-message="answer"]').last.locator("[data-disclaimer]")).to_be_visible()
        page.get_by_label("Your question").fill("Can I afford 500 on the 20th?")
        page.get_by_role("button", name="Ask a follow-up").click()
        expect(page.locator('[data-message="answer"]')).to_have_count(3)
        check(page, f"advisor-follow-ups-{width}")

        page.get_by_role("navigation", name="Advisor").get_by_role("link", name="Your conversations").click()
        expect(page.locator("[data-conversation]")).to_have_count(1)
        check(page, f"advisor-conversations-{width}")
        page.get_by_role("link", name="Delete all my conversations").click()
        expect(page.locator("[data-count]")).to_contain_text("Your one conversation, with every question and answer in it, is deleted.")
        check(page, f"advisor-delete-all-{width}")
        page.get_by_role("link", name="Cancel").click()
        page.locator("[data-conversation] a", has_text="Delete").click()
        check(page, f"advisor-delete-{width}")
        page.get_by_role("button", name="Delete conversation").click()
        expect(page.locator("[data-empty]")).to_be_visible()
        assert not Conversation.objects.filter(user=household).exists()

        page.get_by_role("navigation", name="Advisor").get_by_role("link", name="Keeping conversations").click()
        page.get_by_label("Don't keep my conversations").check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Your conversations are no longer kept")).to_be_visible()
        check(page, f"advisor-settings-{width}")

        page.goto("/advisor/")
        page.get_by_label("Your question").fill("What is due before payday?")
        page.get_by_role("button", name="Ask", exact=True).click()
        expect(page.locator('[data-message="answer"]')).to_have_count(1)
        expect(page.locator("[data-not-kept]")).to_be_visible()
        check(page, f"advisor-not-kept-{width}")
        assert not Conversation.objects.filter(user=household).exists()
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("width", ["390", "1440"])
def test_with_a_local_model_the_answer_streams_in(browser, live_server, transactional_db, household, settings,
                                                   width):
    last_month = f"{month_add(month_start(household.financial_profile.local_today()), -1):%B %Y}"
    text = (f"In {last_month} you spent EUR 1,600.00: EUR 1,000.00 on Housing (62.5%) and EUR 600.00 on Food & "
            "Drink (37.5%).")
    with FakeLlm() as model:
        model.configure(settings)
        model.script(Reply.tool("spending_breakdown", {"period": "last_month"}, delay=0.6),
                     Reply.text(text, chunk_delay=0.08),
                     Reply.text(f"You spent EUR 1,750.00 in {last_month}."))
        context = context_for(browser, live_server, width)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            log_in(page, household.email, PASSWORD)
            page.wait_for_url(re.compile(r"/$"))
            page.goto("/advisor/")
            page.get_by_label("Your question").fill("Where did my money go last month?")
            page.get_by_role("button", name="Ask", exact=True).click()
            pending = page.locator('[data-message="pending"]')
            expect(pending.locator("[data-progress-text]")).to_have_text("Reading your spending…")
            expect(pending.locator("[data-draft]")).to_contain_text("you spent")
            shot(page, f"advisor-streaming-{width}")

            answer = page.locator('[data-message="answer"]')
            expect(answer).to_have_count(1)
            expect(answer.locator("[data-method-label]")).to_have_text(
                re.compile("Written by your local model, numbers checked"))
            expect(page.locator('[data-message="pending"]')).to_have_count(0)
            conversation = Conversation.objects.get(user=household)
            expect(page).to_have_url(re.compile(rf"/advisor/conversations/{conversation.pk}/$"))
            expect(page.locator('[data-message="question"]')).to_have_count(1)
            check(page, f"advisor-streamed-{width}")

            # A draft whose figure is not the person's gives way to the written answer, in the same conversation.
            page.get_by_label("Your question").fill("And how much was that?")
            page.get_by_label("Your question").press("Enter")
            expect(page.locator('[data-message="answer"]')).to_have_count(2)
            expect(page.locator('[data-message="answer"]').last).not_to_contain_text("1,750")
            assert conversation.messages.count() == 4
            page.reload()
            expect(page.locator('[data-message="answer"]')).to_have_count(2)
            check(page, f"advisor-streamed-reloaded-{width}")
            assert errors == []
        finally:
            context.close()
