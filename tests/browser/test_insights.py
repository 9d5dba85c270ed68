"""The dashboard, budgets and insights in a real chromium, on the demo household's history.

Screenshots land in artifacts/screenshots/insights-*.png for a human to look at.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from budgets.models import Budget
from tests.browser.helpers import assert_no_horizontal_overflow, log_in, shot
from transactions.management.commands.seed_demo import DEMO_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def demo():
    call_command("seed_demo", months=14, stdout=io.StringIO())
    call_command("seed_demo_bills", stdout=io.StringIO())
    call_command("seed_demo_insights", stdout=io.StringIO())


def charts_drawn(page: Page) -> int:
    return page.evaluate("Object.keys(Chart.instances).length")


def test_dashboard_budgets_and_forecast(page: Page, demo):
    log_in(page, DEMO_EMAIL, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Balance forecast")).to_be_visible()
    expect(page.locator("[data-card=month-end]")).to_contain_text("80% range")
    expect(page.locator("[data-card=spending]")).to_contain_text("EUR")
    expect(page.get_by_role("heading", name="Upcoming bills")).to_be_visible()
    page.wait_for_function("window.Chart && Object.keys(Chart.instances).length >= 3")
    assert charts_drawn(page) == 3            # forecast, trend, categories
    shot(page, "insights-dashboard")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Budgets").click()
    expect(page.get_by_role("heading", name="Budgets", exact=True)).to_be_visible()
    Budget.objects.filter(user__email=DEMO_EMAIL).delete()
    page.reload()
    page.get_by_role("button", name="Accept all suggestions").first.click()
    expect(page.get_by_text("Overall").first).to_be_visible()
    assert Budget.objects.filter(user__email=DEMO_EMAIL, category=None).exists()
    shot(page, "insights-budgets")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", name="Spending", exact=True)).to_be_visible()
    page.get_by_role("navigation", name="Insights").get_by_role("link", name="Forecast").click()
    expect(page.get_by_role("heading", name="Forecast", exact=True)).to_be_visible()
    page.wait_for_function("window.Chart && Object.keys(Chart.instances).length >= 1")
    shot(page, "insights-forecast")


def test_dashboard_on_a_phone(mobile_page: Page, demo):
    log_in(mobile_page, DEMO_EMAIL, DEMO_PASSWORD)
    expect(mobile_page.get_by_role("heading", name="Balance forecast")).to_be_visible()
    assert_no_horizontal_overflow(mobile_page)
    shot(mobile_page, "insights-dashboard-mobile")
