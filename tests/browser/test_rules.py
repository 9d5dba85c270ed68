"""Rules in a real chromium: create one while the live preview shows what it would change, apply it, and
accept the "always file it like this" offer after correcting a row.

Screenshots land in artifacts/screenshots/rules-*.png for a human to look at.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import PASSWORD, log_in, shot
from tests.browser.test_transactions import ledger_user, row
from transactions import services
from transactions.models import Rule, Transaction
from transactions.tests.factories import category

pytestmark = pytest.mark.browser


def spend(user, account, description: str, amount: str, merchant: str = "", on=date(2026, 3, 2)) -> Transaction:
    return services.transaction_create(user=user, account=account, on=on, amount=Decimal(amount),
                                       description=description, merchant=merchant)


def test_create_a_rule_with_its_preview_and_apply_it(page: Page):
    user, account = ledger_user("rita@example.com")
    spend(user, account, "REWE SAGT DANKE 1234 MUENCHEN", "-42.10")
    spend(user, account, "REWE MARKT GMBH 0815", "-18.35", on=date(2026, 3, 5))
    spend(user, account, "STARBUCKS 0042 BERLIN", "-4.20")
    log_in(page, user.email, PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rules").click()
    expect(page.get_by_role("heading", name="No rules yet")).to_be_visible()
    shot(page, "rules-01-empty")
    page.get_by_role("link", name="Create your first rule").click()

    page.get_by_label("Name").fill("Supermarkets")
    page.get_by_label("Text").fill("rewe")
    page.get_by_label("Direction").select_option(label="Money out")
    page.get_by_label("File under").select_option(label="Groceries")
    page.get_by_label("Add tags").fill("food")
    preview = page.locator("#rule-preview")
    expect(preview.get_by_text("2 transactions")).to_be_visible()
    expect(preview.locator("[data-preview-row]")).to_have_count(2)
    expect(preview).not_to_contain_text("STARBUCKS")
    page.evaluate("window.scrollTo(0, 0)")  # the preview card is sticky: capture it where it starts
    shot(page, "rules-02-form-preview")

    page.get_by_role("button", name="Create rule").click()
    expect(page.get_by_text("Rule “Supermarkets” created.")).to_be_visible()
    expect(page.get_by_role("list", name="Your rules, in the order they run")).to_contain_text("File under Food")
    shot(page, "rules-03-list")

    page.get_by_role("link", name="Apply “Supermarkets” to existing transactions").click()
    expect(page.get_by_role("heading", name="Apply “Supermarkets” to your existing transactions")).to_be_visible()
    shot(page, "rules-04-apply-confirm")
    page.get_by_role("button", name="Change 2 transactions").click()
    expect(page.get_by_text("2 transactions changed")).to_be_visible()
    groceries = category("food_drink.groceries")
    assert Transaction.objects.filter(owner=user, category=groceries, category_source="rule").count() == 2


def test_correcting_a_row_offers_a_rule_for_the_merchant(page: Page):
    user, account = ledger_user("carl@example.com")
    spend(user, account, "NETFLIX.COM 123", "-15.99", merchant="Netflix")
    spend(user, account, "NETFLIX.COM 456", "-15.99", merchant="Netflix", on=date(2026, 2, 2))
    log_in(page, user.email, PASSWORD)
    page.goto("/transactions/")
    # The model files Netflix under Streaming Services; this household keeps it with its subscriptions.
    page.get_by_role("button", name="Edit Netflix").first.click()
    form = page.get_by_role("form", name="Edit transaction")
    form.get_by_label("Category").select_option(label="Subscriptions")
    form.get_by_role("button", name="Save").click()
    offer = page.locator("[data-rule-offer]")
    expect(offer).to_contain_text("Always file ‘Netflix’ under Subscriptions?")
    shot(page, "rules-05-offer")
    offer.get_by_role("button", name="Create rule").click()
    expect(page.get_by_role("status")).to_contain_text("1 other transaction changed")
    # The other Netflix row on the page is filed at once, without a reload.
    expect(row(page, "NETFLIX.COM 456")).to_contain_text("Subscriptions")
    expect(row(page, "NETFLIX.COM 456")).to_contain_text("By rule")
    shot(page, "rules-06-offer-done")
    assert Rule.objects.filter(owner=user).count() == 1
