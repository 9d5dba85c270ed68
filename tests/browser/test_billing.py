"""Subscribing, in a real chromium on a phone (390 px) and at 1440 px, against the fake Stripe on loopback: the
plans page, Stripe's (fake) payment page pays and posts its signed webhooks, the plan is active, and the gated
feature (a second group of one's own) unlocks; a failed renewal puts the plan past due, and its retry brings it back. Nothing is wider than the window. Screenshots in
artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from billing.models import Invoice, Plan, Subscription, SubscriptionStatus
from billing.tests.fake_stripe import FakeStripe
from groups.services import group_create
from tests.browser.helpers import PASSWORD, WINDOWS, assert_no_horizontal_overflow, log_in, shot
from tests.browser.test_page_sweep import LAYOUT_PROBLEMS

pytestmark = pytest.mark.browser

SECRET = "whsec_browser_test"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeStripe]:
    server = FakeStripe(webhook_secret=SECRET).start()
    yield server
    server.stop()


def looks_right(page, name: str) -> None:
    shot(page, name)
    assert_no_horizontal_overflow(page)
    assert page.evaluate(LAYOUT_PROBLEMS) == []


@pytest.mark.parametrize("width", ["390", "1440"])
def test_subscribing_from_the_plans_page_unlocks_a_second_group(browser, live_server, transactional_db, settings,
                                                                fake, width):
    settings.BILLING_ENABLED = True
    settings.STRIPE_SECRET_KEY = fake.api_key
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.STRIPE_API_BASE = fake.url
    settings.BILLING_FREE_FEATURES = {"advisor_model": False, "receipts_per_month": 5, "groups": 1}
    fake.price("price_plus_monthly", 499, "eur")
    fake.webhook_url = f"{live_server.url}/billing/webhook/"
    Plan.objects.create(name="Plus", slug="plus", price=Decimal("4.99"), currency="EUR", interval="month",
                        description="For a household that shares its costs.", stripe_price_id="price_plus_monthly",
                        features={"advisor_model": True, "receipts_per_month": 50, "groups": 5})
    user = UserFactory(email=f"petra{width}@example.com", display_name="Petra", password=PASSWORD)
    group_create(user=user, name="Flat share", currency="EUR")

    context = browser.new_context(viewport=WINDOWS[width], base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, user.email, PASSWORD)
        page.goto("/groups/")
        page.get_by_label("Name").fill("Summer trip")
        page.get_by_role("button", name="Create group").click()
        expect(page.get_by_text("Your plan (Free) includes 1 group of your own, and you have 1.")).to_be_visible()
        looks_right(page, f"billing-group-refused-{width}")

        page.goto("/billing/plans/")
        expect(page.get_by_role("heading", name="Plus")).to_be_visible()
        expect(page.get_by_text("5 shared-expense groups of your own")).to_be_visible()
        looks_right(page, f"billing-plans-{width}")

        page.get_by_role("button", name="Choose Plus").click()
        expect(page.get_by_role("heading", name="Fake Stripe Checkout")).to_be_visible()
        page.get_by_role("button", name="Pay").click()  # pays, posts the signed webhooks, sends the browser back

        expect(page.get_by_role("heading", name="Welcome to Plus")).to_be_visible()
        looks_right(page, f"billing-welcome-{width}")
        sub = Subscription.objects.get(user=user)
        assert sub.status == SubscriptionStatus.ACTIVE and sub.stripe_subscription_id in fake.subscriptions

        page.goto("/billing/subscription/")
        expect(page.get_by_text("Renews on")).to_be_visible()
        looks_right(page, f"billing-subscription-{width}")
        page.goto("/billing/payments/")
        expect(page.get_by_text("4.99 EUR · Paid")).to_be_visible()
        assert Invoice.objects.filter(user=user).count() == 1
        looks_right(page, f"billing-payments-{width}")

        page.goto("/groups/")
        page.get_by_label("Name").fill("Summer trip")
        page.get_by_role("button", name="Create group").click()
        expect(page.get_by_text("Group “Summer trip” created.")).to_be_visible()

        # The renewal fails: past due, the plan kept through the grace period; then the retry goes through.
        assert fake.deliver(fake.fail_payment(sub.stripe_subscription_id)) == [200, 200]
        page.goto("/billing/subscription/")
        expect(page.get_by_text("Your last payment did not go through.")).to_be_visible()
        looks_right(page, f"billing-past-due-{width}")
        assert fake.deliver(fake.recover(sub.stripe_subscription_id)) == [200, 200]
        page.reload()
        expect(page.get_by_text("Renews on")).to_be_visible()
        page.goto("/billing/payments/")
        expect(page.get_by_text("4.99 EUR · Paid")).to_have_count(2)
    finally:
        context.close()
