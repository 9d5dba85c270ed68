"""The review queue in a real chromium: accept with the keyboard, correct with the type-ahead, bulk-accept the rest.

Screenshots land in artifacts/screenshots/review-*.png for a human to look at.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from mlcore.models import FeedbackEvent
from tests.browser.helpers import PASSWORD, assert_no_horizontal_overflow, log_in, shot
from transactions import services
from transactions.models import Transaction
from transactions.tests.factories import TransactionFactory, category

pytestmark = pytest.mark.browser

WAITING = [
    # merchant, description, amount, suggestion, confidence, explanation
    ("Shell", "SHELL 0042 HAMBURG", "-64.30", "transportation.gas_fuel", "0.48", "Word 'shell' suggests Gas & Fuel"),
    ("Blue Bottle", "SQ *BLUE BOTTLE 118", "-4.50", "food_drink.coffee_shops", "0.41",
     "Words 'bottle', 'sq' suggest Coffee Shops"),
    ("", "POS PURCHASE DM DROGERIE 2231", "-23.85", "shopping", "0.33", "Word 'purchase' suggests Shopping"),
    ("Netflix", "NETFLIX.COM 866-579", "-15.99", "entertainment.streaming_services", "0.46",
     "You filed 2 earlier 'NETFLIX' payments under Streaming Services"),
    ("Rewe", "REWE SAGT DANKE 1234", "-42.10", "food_drink.restaurants", "0.29", "Words 'rewe' suggest Restaurants"),
]


def review_user(email: str = "rita@example.com"):
    user = UserFactory(email=email, display_name="Rita", password=PASSWORD)
    account = services.account_create(user=user, name="Main checking", kind="checking", currency="EUR",
                                      opening_balance=Decimal("1200.00"), opening_date=date(2026, 1, 1))
    for day, (merchant, description, amount, key, confidence, why) in enumerate(WAITING, start=1):
        TransactionFactory(account=account, date=date(2026, 3, day), merchant=merchant, description=description,
                           amount=Decimal(amount), amount_converted=Decimal(amount), converted_currency="EUR",
                           suggested_category=category(key), category_confidence=Decimal(confidence),
                           category_explanation=why, needs_review=True)
    return user


def rows(page: Page):
    return page.locator("tr[data-review-row]")


def test_accept_with_the_keyboard_correct_with_the_type_ahead_and_bulk_accept(page: Page):
    user = review_user()
    log_in(page, user.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Review")).to_contain_text("5")
    nav.get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name="Review", exact=True)).to_be_visible()
    expect(rows(page)).to_have_count(5)
    expect(rows(page).first).to_contain_text("Shell")  # biggest amount first
    expect(rows(page).first).to_contain_text("48%")
    expect(rows(page).first).to_contain_text("Word 'shell' suggests Gas & Fuel")
    expect(page.get_by_text("Keyboard:")).to_be_visible()
    expect(rows(page).first).to_be_focused()
    shot(page, "review-01-queue")

    # j moves down to Rewe (second biggest); k back up; "a" accepts Shell.
    page.keyboard.press("j")
    expect(rows(page).nth(1)).to_be_focused()
    expect(rows(page).nth(1)).to_contain_text("Rewe")
    page.keyboard.press("k")
    expect(rows(page).first).to_be_focused()
    page.keyboard.press("a")
    expect(rows(page)).to_have_count(4)
    expect(page.locator("#review-remaining")).to_have_text("4")
    expect(nav.get_by_role("link", name="Review")).to_contain_text("4")
    expect(rows(page).first).to_be_focused()  # focus stays in place, on the next row
    shell = Transaction.objects.get(owner=user, merchant="Shell")
    assert (shell.category, shell.category_source, shell.needs_review) == (
        category("transportation.gas_fuel"), "user", False)

    # Rewe is now first: "c" opens the type-ahead, Escape cancels, then a real correction with Enter.
    rewe = rows(page).first
    expect(rewe).to_contain_text("Rewe")
    page.keyboard.press("c")
    typeahead = rewe.get_by_role("combobox")
    expect(typeahead).to_be_focused()
    typeahead.press_sequentially("Groc")
    page.keyboard.press("Escape")
    expect(rewe).to_be_focused()
    expect(typeahead).to_have_value("")
    page.keyboard.press("c")
    typeahead.fill("Nonsense")
    page.keyboard.press("Enter")
    expect(rows(page).first.get_by_role("alert")).to_contain_text("No category called")
    shot(page, "review-02-correct-error")
    rows(page).first.get_by_role("combobox").fill("Food & Drink > Groceries")
    shot(page, "review-03-correcting")
    page.keyboard.press("Enter")
    expect(rows(page)).to_have_count(3)
    expect(page.locator("#review-remaining")).to_have_text("3")
    rewe_txn = Transaction.objects.get(owner=user, merchant="Rewe")
    assert (rewe_txn.category, rewe_txn.category_source) == (category("food_drink.groceries"), "user")

    # Bulk: tick one, accept it; then accept all the page's suggestions.
    page.get_by_label("Select Netflix on 4 Mar 2026").check()
    expect(page.get_by_text("1 selected")).to_be_visible()
    shot(page, "review-04-bulk-selected")
    page.get_by_role("button", name="Accept selected").click()
    expect(page.get_by_text("Accepted 1 suggestion.")).to_be_visible()
    expect(rows(page)).to_have_count(2)
    page.get_by_role("button", name="Accept all with a suggestion on this page").click()
    expect(page.get_by_text("Accepted 2 suggestions.")).to_be_visible()
    expect(page.get_by_role("heading", name="Nothing to review")).to_be_visible()
    expect(nav.get_by_role("link", name="Review")).to_have_text("Review")
    shot(page, "review-05-empty")

    assert not Transaction.objects.filter(owner=user, needs_review=True).exists()
    assert FeedbackEvent.objects.filter(user=user, kind="accept").count() == 4
    assert FeedbackEvent.objects.filter(user=user, kind="correct").count() == 1


def test_review_on_a_phone(mobile_page: Page):
    user = review_user("pia@example.com")
    log_in(mobile_page, user.email, PASSWORD)
    mobile_page.goto("/review/")
    expect(rows(mobile_page)).to_have_count(5)
    assert_no_horizontal_overflow(mobile_page)
    shot(mobile_page, "review-06-phone")
    rows(mobile_page).first.get_by_role("button", name="Accept").click()
    expect(rows(mobile_page)).to_have_count(4)


def test_select_all_and_the_x_key_keep_the_count_and_the_button_in_step(page: Page):
    user = review_user("sam@example.com")
    log_in(page, user.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review").click()
    expect(rows(page)).to_have_count(5)
    accept_selected = page.get_by_role("button", name="Accept selected")
    expect(page.get_by_text("None selected")).to_be_visible()
    expect(accept_selected).to_be_disabled()
    select_all = page.get_by_label("Select all transactions on this page")
    select_all.check()
    expect(page.get_by_text("5 selected")).to_be_visible()
    expect(accept_selected).to_be_enabled()
    rows(page).first.focus()
    page.keyboard.press("x")  # unticks the focused row from script: no change event, the count still follows
    expect(page.get_by_text("4 selected")).to_be_visible()
    assert page.evaluate("document.querySelector('input[data-bulk-all]').indeterminate")
    select_all.click()  # from part-ticked, a click ticks every row
    expect(page.get_by_text("5 selected")).to_be_visible()
    select_all.uncheck()
    expect(page.get_by_text("None selected")).to_be_visible()
    expect(accept_selected).to_be_disabled()
