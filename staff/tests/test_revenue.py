from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from billing.models import Invoice, Plan, Subscription, SubscriptionStatus
from staff.tests.seed import at

NOW = timezone.now()
THIS_MONTH = NOW.date().replace(day=1)
LAST_MONTH = (THIS_MONTH - dt.timedelta(days=1)).replace(day=1)
RANGE = f"start={LAST_MONTH}&end={NOW.date()}"


@pytest.fixture
def billing_on(settings):
    settings.BILLING_ENABLED = True


def subscribe(email: str, plan: Plan, *, since: dt.datetime, status=SubscriptionStatus.ACTIVE, stripe=True,
              cancelled: dt.datetime | None = None, trial_end: dt.datetime | None = None):
    user = UserFactory(email=email)
    sub = Subscription.objects.create(user=user, plan=plan, status=status, cancelled_at=cancelled, trial_end=trial_end,
                                      stripe_subscription_id=f"sub_{email}" if stripe else None)
    Subscription.objects.filter(pk=sub.pk).update(created_at=since)
    return user, sub


def world():
    monthly = Plan.objects.create(name="Plus", slug="plus", price=Decimal("8.00"), currency="EUR")
    yearly = Plan.objects.create(name="Plus yearly", slug="plus-yearly", price=Decimal("120.00"), currency="EUR",
                                 interval="year")
    dollars = Plan.objects.create(name="Plus US", slug="plus-us", price=Decimal("9.00"), currency="USD")
    old = at(LAST_MONTH)
    subscribe("a@example.com", monthly, since=old)  # paying since last month
    subscribe("b@example.com", yearly, since=old)  # 10.00 a month
    subscribe("c@example.com", monthly, since=old, status=SubscriptionStatus.CANCELLED,
              cancelled=at(THIS_MONTH))  # churned this month
    subscribe("d@example.com", dollars, since=at(THIS_MONTH))  # new this month, in dollars
    subscribe("e@example.com", monthly, since=at(THIS_MONTH), status=SubscriptionStatus.TRIALING,
              trial_end=NOW + dt.timedelta(days=10))  # in a trial: not paying yet
    user, _ = subscribe("f@example.com", monthly, since=old, stripe=False)  # given by staff: not charged
    UserFactory(email="nobody@example.com")
    for n, (status, amount, currency) in enumerate((("paid", "8.00", "EUR"), ("failed", "8.00", "EUR"),
                                                    ("paid", "9.00", "USD"))):
        Invoice.objects.create(user=user, stripe_invoice_id=f"in_{n}", amount=Decimal(amount), currency=currency,
                               status=status, created_at=at(THIS_MONTH))


def test_revenue_counts_each_currency_apart(client, staff_user, billing_on):
    world()
    client.force_login(staff_user)
    response = client.get(f"/staff/revenue/?{RANGE}")
    assert response.status_code == 200
    tables = {table.key: table for table in response.context["tables"]}
    mrr = {(row[0], row[1]): row[2:] for row in tables["mrr"].csv()[1]}
    month, last = THIS_MONTH.strftime("%Y-%m"), LAST_MONTH.strftime("%Y-%m")
    # EUR now: a (8) + b (120/12); c churned (8); e in a trial and f given by staff are not revenue.
    assert mrr[(month, "EUR")][:5] == [Decimal("18.00"), Decimal("0.00"), Decimal("8.00"), Decimal("-8.00"), 2]
    assert mrr[(month, "EUR")][5] == Decimal("9.00")
    assert mrr[(last, "EUR")][:5] == [Decimal("26.00"), Decimal("26.00"), Decimal("0.00"), Decimal("26.00"), 3]
    assert mrr[(month, "USD")][:2] == [Decimal("9.00"), Decimal("9.00")]  # never added to the euros
    payments = {(row[0], row[1]): row[2:] for row in tables["payments"].csv()[1]}
    assert payments[(month, "EUR")] == [1, Decimal("8.00"), 1, Decimal("8.00"), 0]
    assert payments[(month, "USD")] == [1, Decimal("9.00"), 0, Decimal("0.00"), 0]
    by_plan = {row[0]: row[3:] for row in tables["byplan"].csv()[1]}
    assert by_plan["Plus"] == [1, 2, 0, 1, Decimal("8.00")]  # e in a trial; a and f active, f given by staff
    cards = {card["label"]: card["value"] for card in response.context["cards"]}
    assert cards["Failed payments"] == 1
    assert "EUR 18.00" in cards[f"MRR at {NOW.date():%-d %b}"] and "USD 9.00" in cards[f"MRR at {NOW.date():%-d %b}"]
    body = b"".join(client.get(f"/staff/revenue/?{RANGE}&csv=mrr").streaming_content).decode()
    assert list(csv.reader(io.StringIO(body)))[0][:3] == ["month", "currency", "mrr"]


def test_users_page_counts_people_by_plan_with_billing_on(client, staff_user, billing_on):
    world()
    client.force_login(staff_user)
    tables = {table.key: table for table in client.get(f"/staff/users/?{RANGE}").context["tables"]}
    assert dict(tables["plans"].rows) == {"Plus": 3, "Plus yearly": 1, "Plus US": 1, "No plan (free)": 3}


def test_with_billing_off_nothing_of_it_shows(client, staff_user, settings):
    settings.BILLING_ENABLED = False
    client.force_login(staff_user)
    assert client.get("/staff/revenue/").status_code == 404
    page = client.get("/staff/users/")
    assert "plans" not in {table.key for table in page.context["tables"]}
    assert "/staff/revenue/" not in page.content.decode()
    assert client.get("/staff/users/?csv=plans").status_code == 404


def test_only_staff_see_revenue(client, owner, billing_on):
    client.force_login(owner)
    assert client.get("/staff/revenue/").status_code == 302
