"""Goals, a goal, its form, the what-if and investment readiness in a real chromium, on a phone (390 px) and a wide
screen (1440 px): a household whose plan has a long goal name, an eight-figure goal, an off-track goal and a
readiness that passes every check (so the projection chart shows). Nothing may be wider than the window and
layout_problems.js must find nothing.

Screenshots land in artifacts/screenshots/goals-*.png for a human to look at.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from core.months import month_add, month_start
from goals import refresh, services
from goals.models import Goal, ReadinessReport
from goals.services import GoalFields
from goals.tests.conftest import year_of_money
from tests.browser.helpers import PASSWORD, WINDOWS, assert_no_horizontal_overflow, log_in, shot
from tests.browser.test_page_sweep import LAYOUT_PROBLEMS
from transactions.tests.factories import AccountFactory

pytestmark = pytest.mark.browser

TRIP = "Summer in Portugal with the whole family and the grandparents"


@pytest.fixture
def household():
    user = UserFactory(email="gwen@example.com", display_name="Gwen", password=PASSWORD)
    today = user.financial_profile.local_today()
    month = month_start(today)
    year_of_money(AccountFactory(owner=user, name="Everyday account"), today=today)
    savings = AccountFactory(owner=user, name="Rainy day savings", kind="savings", known_balance=Decimal("40000.00"))
    for fields in (
        GoalFields(name="Emergency fund", kind="emergency", emergency_months=4, priority=1,
                   accounts=((savings.pk, 20),)),
        GoalFields(name=TRIP, kind="short_term", target_amount=Decimal("2400"), priority=1,
                   target_date=month_add(month, 8) + dt.timedelta(days=14), starting_amount=Decimal("350")),
        GoalFields(name="House deposit", kind="long_term", target_amount=Decimal("200000"), priority=2,
                   target_date=month_add(month, 60)),
        GoalFields(name="Sailing yacht", kind="long_term", target_amount=Decimal("12345678.90"), priority=3),
    ):
        services.goal_create(user=user, fields=fields)
    refresh.goals_refresh(user=user, reason="goal added")
    return user


def check(page: Page, name: str) -> None:
    page.evaluate("document.querySelectorAll('main details:not([data-menu])').forEach(d => d.open = true)")
    assert_no_horizontal_overflow(page)
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    shot(page, name)


@pytest.mark.parametrize("width", ["390", "1440"])
def test_goals_pages_fit_the_window(browser, live_server, transactional_db, household, width):
    phone = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if width == "390" else {}
    context = browser.new_context(viewport=WINDOWS[width], base_url=live_server.url, **phone)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, household.email, PASSWORD)
        expect(page.locator("[data-card=goals]")).to_contain_text("House deposit")
        expect(page.locator("[data-card=readiness]")).to_contain_text("of 100")
        check(page, f"goals-dashboard-{width}")

        if width == "390":
            page.get_by_text("Menu").click()
            page.locator("#mobile-menu").get_by_role("link", name="Goals").click()
        else:
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Goals").click()
        expect(page.get_by_role("heading", name="Your goals")).to_be_visible()
        expect(page.locator("[data-surplus]")).to_contain_text("You can safely save EUR 1,400.00 next month")
        expect(page.locator("[data-goal]")).to_have_count(4)
        house = Goal.objects.get(user=household, name="House deposit")
        expect(page.locator(f'[data-goal="{house.pk}"] [data-off-track]')).to_contain_text("Needs EUR")
        check(page, f"goals-list-{width}")

        page.get_by_role("link", name=TRIP).click()
        expect(page.get_by_role("heading", name=TRIP)).to_be_visible()
        page.get_by_label("Amount").fill("120.50")
        page.get_by_label("Note").fill("Birthday money from my aunt, put straight aside")
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.locator("[data-contribution]")).to_have_count(1)
        expect(page.locator("[data-saved]")).to_have_text("EUR 470.50")
        check(page, f"goals-detail-{width}")

        page.get_by_role("link", name="Edit").click()
        expect(page.get_by_label("Target amount")).to_be_visible()
        page.get_by_label("Kind of goal").select_option("emergency")
        expect(page.get_by_label("Target amount")).to_be_hidden()
        expect(page.get_by_label("Months of essential spending")).to_be_visible()
        page.get_by_label("Kind of goal").select_option("short_term")
        page.get_by_label("Target date").fill("2020-01-01")
        page.get_by_role("button", name="Save goal").click()
        expect(page.get_by_text("The date must be in the future.")).to_be_visible()
        check(page, f"goals-form-{width}")

        page.goto("/goals/what-if/")
        page.get_by_label("Save this much more a month").fill("600")
        page.get_by_role("button", name="Show me").click()
        expect(page.locator("[data-what-if-result]")).to_contain_text("sooner")
        check(page, f"goals-what-if-{width}")

        page.goto("/readiness/")
        report = ReadinessReport.objects.get(user=household)
        assert report.ready, report.result["gates"]
        expect(page.locator("[data-score-value]")).to_have_text(str(report.score))
        expect(page.locator("[data-disclaimer]")).to_contain_text("Educational, not financial advice")
        expect(page.locator("[data-gate]")).to_have_count(6)
        expect(page.locator("[data-projection-chart]")).to_be_visible()
        check(page, f"goals-readiness-{width}")
        assert errors == []
    finally:
        context.close()
