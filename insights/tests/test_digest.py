"""The weekly digest: Monday morning in the user's timezone, last week's spending, this week's bills, once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from insights.digest import weekly_digests_send
from notifications.models import NotificationPreferences
from payments import services
from payments.models import Frequency
from transactions.tests.factories import TransactionFactory, category

pytestmark = pytest.mark.django_db


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def week_of_spending(owner, account):
    groceries, dining = category("food_drink.groceries"), category("food_drink.restaurants")
    for day, amount, cat in ((16, "-82.40", groceries), (18, "-45.10", dining), (20, "-120.00", groceries),
                             (22, "-9.90", dining)):
        TransactionFactory(owner=owner, account=account, date=dt.date(2026, 11, day), amount=Decimal(amount),
                           currency="EUR", category=cat, description="shop")
    TransactionFactory(owner=owner, account=account, date=dt.date(2026, 11, 19), amount=Decimal("2500.00"),
                       currency="EUR", description="ACME SALARY")
    TransactionFactory(owner=owner, account=account, date=dt.date(2026, 11, 23), amount=Decimal("-999.00"),
                       currency="EUR", description="this week, not last")
    services.recurring_payment_create(
        user=owner, name="Rent", payee="Landlord", amount=Decimal("950"), currency="EUR",
        frequency=Frequency.MONTHLY, day_of_month=27, start_date=dt.date(2026, 11, 27), today=dt.date(2026, 11, 20))


def send(now, capture):
    with capture(execute=True):
        return weekly_digests_send(now=now)


def test_monday_morning_digest_with_last_weeks_spending_and_this_weeks_bills(
        owner, week_of_spending, django_capture_on_commit_callbacks):
    owner.financial_profile.timezone = "Europe/Berlin"
    owner.financial_profile.save()
    assert send(at(2026, 11, 23, 6, 30), django_capture_on_commit_callbacks)["sent"] == 0   # 07:30 in Berlin
    assert send(at(2026, 11, 23, 7, 5), django_capture_on_commit_callbacks)["sent"] == 1
    [email] = mail.outbox
    assert email.subject == "Your week: EUR 257.40 spent, 1 bill coming up"
    assert "EUR 257.40" in email.body and "EUR 2,500.00" in email.body
    assert "Rent" in email.body and "EUR 950.00" in email.body and "Fri 27 Nov 2026" in email.body
    html = email.alternatives[0][0]
    assert "Groceries" in html and "EUR 202.40" in html
    # Later sweeps that week send nothing more.
    assert send(at(2026, 11, 23, 8), django_capture_on_commit_callbacks) == {"sent": 0, "already_sent": 1}
    assert send(at(2026, 11, 25, 8), django_capture_on_commit_callbacks)["sent"] == 0
    assert len(mail.outbox) == 1


def test_a_missed_monday_is_caught_up_until_wednesday_only(owner, other_user, week_of_spending,
                                                           django_capture_on_commit_callbacks):
    assert send(at(2026, 11, 26, 9), django_capture_on_commit_callbacks)["sent"] == 0    # Thursday: too late
    assert send(at(2026, 11, 25, 9), django_capture_on_commit_callbacks)["sent"] == 2    # Wednesday: both users


def test_turning_the_digest_off_is_honoured(owner, other_user, week_of_spending, django_capture_on_commit_callbacks):
    NotificationPreferences.objects.create(user=owner, weekly_digest=False)
    send(at(2026, 11, 23, 9), django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[other_user.email]]
