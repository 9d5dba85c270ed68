"""The alerts page, the dashboard's alerts panel and the row marker in a real chromium, on a phone (390 px) and a
wide screen (1440 px). Screenshots land in artifacts/screenshots/alerts-*.png for a human to look at."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from alerts import services
from alerts.models import Alert, ProtectionScan
from mlcore.services import Factor, Finding, RiskLevel
from tests.browser.helpers import PASSWORD, assert_no_horizontal_overflow, log_in, shot
from transactions.tests.factories import AccountFactory, TransactionFactory

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}


@pytest.fixture
def flagged():
    """A household whose scan flagged a large charge, a charge at night, a duplicate pair and a small oddity."""
    user = UserFactory(email="alma@example.com", display_name="Alma", password=PASSWORD)
    account = AccountFactory(owner=user, name="Everyday account", currency="EUR")
    today = user.financial_profile.local_today()
    for week in range(1, 12):
        TransactionFactory(account=account, date=today - dt.timedelta(weeks=week), merchant="REWE",
                           description="REWE SAGT DANKE 4711", amount=Decimal("-35.40"))
    big = TransactionFactory(account=account, date=today, merchant="REWE", description="REWE SAGT DANKE 4711",
                             amount=Decimal("-412.80"))
    night = TransactionFactory(account=account, date=today, description="ONLINE MARKETPLACE LTD LONDON GB 0042117",
                               amount=Decimal("-189.00"), currency="GBP")
    first, second = (TransactionFactory(account=account, date=today - dt.timedelta(days=1), merchant="Netflix",
                                        description="NETFLIX.COM AMSTERDAM", amount=Decimal("-13.99"))
                     for _ in range(2))
    small = TransactionFactory(account=account, date=today - dt.timedelta(days=2), description="KIOSK 24",
                               amount=Decimal("-6.50"))
    services.alerts_record(user=user, findings=[
        Finding(big.pk, RiskLevel.HIGH, 0.93, (
            Factor("amount", 0.92, "EUR 412.80 at REWE, 11.7× your usual EUR 35.40"),
            Factor("timing", 0.41, "On a Sunday; you usually shop at REWE on Saturdays"))),
        Finding(night.pk, RiskLevel.MEDIUM, 0.62, (
            Factor("new_merchant", 0.6, "First charge at ONLINE MARKETPLACE LTD, and a large one"),
            Factor("currency", 0.5, "Charged in GBP; 98% of your charges are in EUR"))),
        Finding(second.pk, RiskLevel.MEDIUM, 0.55, (
            Factor("duplicate", 0.55, "Same amount at Netflix twice on the same day"),), (first.pk,)),
        Finding(small.pk, RiskLevel.LOW, 0.21, (Factor("category", 0.21, "You rarely buy at kiosks"),)),
    ])
    ProtectionScan.objects.create(user=user, last_run_at=timezone.now() - dt.timedelta(hours=2))
    return user, first


def visit(browser, live_server, viewport, **options):
    context = browser.new_context(viewport=viewport, base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.mark.parametrize("width", [390, 1440])
def test_alerts_page_and_dashboard_fit_and_answer(browser, live_server, transactional_db, flagged, width):
    user, first = flagged
    phone = width == 390
    context, page = visit(browser, live_server, {"width": 390, "height": 844} if phone else WIDE,
                          **({"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if phone else {}))
    try:
        log_in(page, user.email, PASSWORD)
        expect(page.locator("[data-card=alerts]")).to_contain_text("1 high-risk")
        assert_no_horizontal_overflow(page)
        shot(page, f"alerts-dashboard-{width}")

        page.goto("/alerts/")
        expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()
        expect(page.get_by_text("11.7× your usual EUR 35.40")).to_be_visible()
        expect(page.locator("[data-checked]")).to_contain_text("Checked 2")
        assert_no_horizontal_overflow(page)
        shot(page, f"alerts-list-{width}")

        card = page.locator("[data-alert]").filter(has_text="Netflix twice")
        card.get_by_role("button", name="Duplicate").click()
        expect(card.get_by_text("Which charge should go?")).to_be_visible()
        assert_no_horizontal_overflow(page)
        shot(page, f"alerts-duplicate-{width}")
        page.locator("[data-alert]").filter(has_text="Netflix twice").get_by_role(
            "button", name="Delete this one").first.click()
        expect(page.get_by_text("Deleted the duplicate charge")).to_be_visible()

        page.locator("[data-alert]").filter(has_text="ONLINE MARKETPLACE").get_by_role(
            "button", name="Not mine").click()
        expect(page.get_by_text("call your bank now to block the card")).to_be_visible()
        assert set(Alert.objects.filter(user=user).values_list("status", flat=True)) == {"open", "duplicate",
                                                                                       "not_mine"}

        page.goto("/transactions/")
        marker = page.locator("[data-alert-marker=high]").first
        expect(marker).to_be_visible()
        assert_no_horizontal_overflow(page)
        shot(page, f"alerts-transactions-{width}")
        marker.click()
        expect(page.get_by_text("11.7× your usual EUR 35.40")).to_be_visible()
        expect(page.locator("[data-alert]")).to_have_count(1)
    finally:
        context.close()
