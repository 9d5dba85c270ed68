"""The demo has bills, found subscriptions and notifications to look at."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from notifications.models import Notification, NotificationKind
from payments.models import BillOccurrence, OccurrenceStatus, RecurringPayment, SubscriptionSuggestion
from transactions.management.commands.seed_demo import DEMO_EMAIL

pytestmark = pytest.mark.django_db


def test_demo_bills_suggestions_and_notifications():
    call_command("seed_demo", months=24, stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo_bills", stdout=out)
    call_command("seed_demo_bills", stdout=io.StringIO())   # again: the same demo, nothing doubled
    user = User.objects.get(email=DEMO_EMAIL)

    bills = set(RecurringPayment.objects.filter(user=user).values_list("name", flat=True))
    assert {"Rent", "Phone and internet", "Electricity", "Music school", "Car sharing plan"} <= bills
    assert len(bills) == 7
    merchants = {s.merchant.casefold(): s for s in SubscriptionSuggestion.objects.filter(user=user)}
    assert any("netflix" in name for name in merchants) and any("spotify" in name for name in merchants)
    assert not any("telekom" in name for name in merchants)      # already a bill
    netflix = next(s for name, s in merchants.items() if "netflix" in name)
    assert str(netflix.amount) == "17.99"
    rent = RecurringPayment.objects.get(user=user, name="Rent")
    assert BillOccurrence.objects.filter(recurring_payment=rent, status=OccurrenceStatus.PAID).exists()
    assert BillOccurrence.objects.filter(recurring_payment__name="Music school",
                                         status=OccurrenceStatus.OVERDUE).exists()
    kinds = set(Notification.objects.filter(user=user).values_list("kind", flat=True))
    assert {NotificationKind.SUBSCRIPTION_FOUND, NotificationKind.BILL_DUE} <= kinds
    assert "Demo bills ready: 7 bills (1 overdue, " in out.getvalue()
    assert "subscriptions found to add or dismiss" in out.getvalue() and "{" not in out.getvalue()
