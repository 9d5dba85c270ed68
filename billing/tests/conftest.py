"""The fake Stripe on loopback (billing/tests/fake_stripe.py), billing switched on against it, and a plan."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from billing.models import Plan
from billing.tests.fake_stripe import FakeStripe

WEBHOOK_SECRET = "whsec_test_0123456789abcdef"


@pytest.fixture(scope="session")
def _stripe_server() -> Iterator[FakeStripe]:
    fake = FakeStripe(webhook_secret=WEBHOOK_SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_stripe(_stripe_server, settings) -> FakeStripe:
    """Billing on, Stripe's API at the fake; the fake's records emptied for each test."""
    fake = _stripe_server
    for store in (fake.customers, fake.subscriptions, fake.invoices, fake.sessions, fake.prices):
        store.clear()
    fake.requests.clear()
    fake.webhook_url, fake.fail_next_api_call = "", False
    settings.BILLING_ENABLED = True
    settings.STRIPE_SECRET_KEY = fake.api_key
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    settings.BILLING_GRACE_DAYS = 7
    settings.BILLING_FREE_FEATURES = {"advisor_model": False, "receipts_per_month": 2, "groups": 1}
    fake.price("price_plus_monthly", 499, "eur")
    return fake


def plan_make(**fields) -> Plan:
    values = {"name": "Plus", "slug": "plus", "price": Decimal("4.99"), "currency": "EUR", "interval": "month",
              "trial_days": 0, "stripe_price_id": "price_plus_monthly",
              "features": {"advisor_model": True, "receipts_per_month": 50, "groups": 5}, **fields}
    return Plan.objects.create(**values)


@pytest.fixture
def plan(db) -> Plan:
    return plan_make()
