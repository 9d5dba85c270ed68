"""The staff pages in a real chromium at 390 and 1440 px: users, revenue and system with their charts and tables,
a CSV, the date range, and a person's activity. Screenshots land in artifacts/screenshots/staff-*.png."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.services import role_grant
from accounts.tests.factories import UserFactory
from billing.models import Invoice, Plan, Subscription
from conftest import role_groups_ensure
from staff.tests.seed import world
from tests.browser.helpers import PASSWORD, WINDOWS, assert_no_horizontal_overflow, log_in, shot
from tests.browser.test_page_sweep import LAYOUT_PROBLEMS

pytestmark = pytest.mark.browser


def looks_right(page, name: str) -> None:
    shot(page, name)
    assert_no_horizontal_overflow(page)
    assert page.evaluate(LAYOUT_PROBLEMS) == []


@pytest.mark.parametrize("width", ["390", "1440"])
def test_staff_read_the_figures_and_a_persons_activity(browser, live_server, transactional_db, settings, width):
    settings.BILLING_ENABLED = True
    role_groups_ensure()
    people = world()
    plus = Plan.objects.create(name="Plus", slug="plus", price=Decimal("4.99"), currency="EUR")
    subscription = Subscription.objects.create(user=people["ben"], plan=plus, stripe_subscription_id="sub_1")
    Subscription.objects.filter(pk=subscription.pk).update(created_at=dt.datetime(2026, 10, 2, tzinfo=dt.UTC))
    for month in (10, 11):
        Invoice.objects.create(user=people["ben"], stripe_invoice_id=f"in_{month}", amount=Decimal("4.99"),
                               currency="EUR", status="paid" if month == 10 else "failed",
                               created_at=dt.datetime(2026, month, 2, tzinfo=dt.UTC))
    staff = role_grant(user=UserFactory(email=f"stella{width}@example.com", password=PASSWORD), role=Role.STAFF)

    context = browser.new_context(viewport=WINDOWS[width], base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, staff.email, PASSWORD)
        page.goto("/staff/users/?start=2026-09-01&end=2026-11-20")
        expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
        expect(page.get_by_role("heading", name="Monthly retention by the month people joined")).to_be_visible()
        page.wait_for_function("window.Chart && Object.keys(Chart.instances).length >= 5")
        expect(page.locator("[data-table=cohorts]")).to_contain_text("100.0% (1)")
        looks_right(page, f"staff-users-{width}")

        page.get_by_role("navigation", name="Staff pages").get_by_role("link", name="Revenue").click()
        expect(page.get_by_role("heading", name="Monthly recurring revenue")).to_be_visible()
        expect(page.locator("[data-card]").first).to_contain_text("EUR 4.99")  # the range went along: 20 Nov
        expect(page.locator("[data-table=payments]")).to_contain_text("2026-11 EUR")
        looks_right(page, f"staff-revenue-{width}")

        page.get_by_role("navigation", name="Staff pages").get_by_role("link", name="System").click()
        page.get_by_label("From").fill("2026-11-01")
        page.get_by_label("To").fill("2026-11-20")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**start=2026-11-01**")
        expect(page.locator("[data-table=imports]")).to_be_visible()
        page.wait_for_function("window.Chart && Object.keys(Chart.instances).length >= 6")
        looks_right(page, f"staff-system-{width}")
        with page.expect_download() as download:
            page.get_by_role("link", name="CSV of bank file imports per day").click()
        assert download.value.suggested_filename == "finsight-imports-20261101-20261120.csv"

        page.goto("/staff/users/")
        page.get_by_role("textbox", name="A person's activity, by their email address").fill("owner-secret@example.com")
        page.get_by_role("button", name="Show activity").click()
        expect(page.get_by_role("heading", name="Activity of owner-secret@example.com")).to_be_visible()
        assert page.url.endswith(f"/staff/users/{people['ada'].pk}/activity/")
        page.get_by_label("From").fill("2026-09-01")
        page.get_by_label("To").fill("2026-11-20")
        page.get_by_role("button", name="Show", exact=True).click()
        page.wait_for_url("**start=2026-09-01**")
        expect(page.locator("[data-activity] li")).to_have_count(3)  # her three sign-ins
        looks_right(page, f"staff-activity-{width}")
        assert errors == []
    finally:
        context.close()
