"""End to end with the real detectors (mlcore): new transactions -> the scan -> an alert with its reason, and
"This is fine" teaching the baseline. These need the engine's patterns_refresh, anomalies_detect and
anomaly_verdict_record (they fail with NotImplementedError before it is merged)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from alerts import services, tasks
from alerts.models import Alert
from notifications.models import Notification
from transactions.tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


def groceries_history(account, weeks: int = 35) -> None:
    """Eight months of a weekly ~EUR 35 grocery charge at one merchant."""
    for week in range(weeks, 0, -1):
        TransactionFactory(account=account, date=TODAY - dt.timedelta(weeks=week), merchant="REWE",
                           description="REWE SAGT DANKE 4711", amount=-(Decimal("33.00") + week % 5))


def test_a_large_charge_at_a_usual_merchant_becomes_an_alert_naming_the_merchant(owner, account):
    groceries_history(account)
    services.protection_refresh(user=owner, today=TODAY - dt.timedelta(days=1))  # the first scan: the history
    assert not Alert.objects.filter(level__in=["high", "medium"]).exists()
    big = TransactionFactory(account=account, date=TODAY, merchant="REWE", description="REWE SAGT DANKE 4711",
                             amount=Decimal("-400.00"))
    tasks.protection_refresh.call_local(owner.pk)
    alert = Alert.objects.get(transaction=big)
    assert alert.level in ("high", "medium")
    assert "REWE" in " ".join(alert.sentences)
    assert Notification.objects.filter(user=owner, dedupe_key=f"anomaly:{big.pk}").exists()
    tasks.protection_refresh.call_local(owner.pk)  # a rerun scores nothing new and alerts nothing twice
    assert Alert.objects.filter(transaction=big).count() == 1


def ticket_pair(account, on: dt.date):
    """Two tickets bought a day apart at the same price: a duplicate to the detectors until told otherwise."""
    return [TransactionFactory(account=account, date=on + dt.timedelta(days=day), merchant="Deutsche Bahn",
                               description="DB FERNVERKEHR TICKET", amount=Decimal("-59.90")) for day in (0, 1)]


def test_this_is_fine_stops_the_same_pattern_alerting_again(owner, account):
    groceries_history(account)
    services.protection_refresh(user=owner, today=TODAY - dt.timedelta(days=30))
    first = ticket_pair(account, TODAY - dt.timedelta(days=28))
    services.protection_refresh(user=owner, today=TODAY - dt.timedelta(days=27))
    alert = Alert.objects.get(transaction=first[1], level__in=["high", "medium"])
    assert "Deutsche Bahn" in " ".join(alert.sentences)
    services.alert_decide(user=owner, alert=alert, verdict="fine")

    again = ticket_pair(account, TODAY - dt.timedelta(days=1))
    services.protection_refresh(user=owner, today=TODAY)
    assert not Alert.objects.filter(transaction__in=again, level__in=["high", "medium"]).exists()


def test_without_an_answer_the_same_pattern_alerts_again(owner, account):
    """The control for the test above: it is the answer, not the passing days, that stops the alert."""
    groceries_history(account)
    services.protection_refresh(user=owner, today=TODAY - dt.timedelta(days=30))
    ticket_pair(account, TODAY - dt.timedelta(days=28))
    services.protection_refresh(user=owner, today=TODAY - dt.timedelta(days=27))
    again = ticket_pair(account, TODAY - dt.timedelta(days=1))
    services.protection_refresh(user=owner, today=TODAY)
    assert Alert.objects.filter(transaction__in=again, level__in=["high", "medium"]).exists()
