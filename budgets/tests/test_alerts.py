from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from budgets.alerts import budget_alerts_check
from budgets.services import budget_set
from budgets.tests.conftest import NOVEMBER, TODAY, spend
from notifications.models import Notification, NotificationKind
from transactions.services import transaction_create
from transactions.tests.factories import category


@pytest.fixture
def groceries_budget(owner):
    return budget_set(user=owner, category=category("food_drink"), month=NOVEMBER, amount="200")


@pytest.mark.django_db
def test_warning_at_80_percent_once(owner, account, groceries_budget, django_capture_on_commit_callbacks):
    spend(account, "food_drink.groceries", "-150")
    assert budget_alerts_check(user=owner, today=TODAY) == {"warning": 0, "exceeded": 0}

    spend(account, "food_drink.groceries", "-12")
    with django_capture_on_commit_callbacks(execute=True):
        assert budget_alerts_check(user=owner, today=TODAY) == {"warning": 1, "exceeded": 0}
    assert budget_alerts_check(user=owner, today=TODAY) == {"warning": 0, "exceeded": 0}

    notification = Notification.objects.get(user=owner)
    assert notification.kind == NotificationKind.BUDGET_WARNING
    assert notification.severity == "warning"
    assert notification.link == "/budgets/"
    assert notification.dedupe_key == f"budget_warning:{groceries_budget.pk}:2026-11"
    assert notification.context == {"category": "Food & Drink", "month_date": "2026-11-01", "spent": "162.00",
                                     "available": "200.00", "remaining": "38.00", "percent": 81, "currency": "EUR"}
    assert mail.outbox == []  # by default the warning is in-app only


@pytest.mark.django_db
def test_exceeded_at_100_percent_after_the_warning(owner, account, groceries_budget,
                                                   django_capture_on_commit_callbacks):
    spend(account, "food_drink.groceries", "-170")
    budget_alerts_check(user=owner, today=TODAY)
    spend(account, "food_drink.groceries", "-40")

    with django_capture_on_commit_callbacks(execute=True):
        assert budget_alerts_check(user=owner, today=TODAY) == {"warning": 0, "exceeded": 1}
    assert budget_alerts_check(user=owner, today=TODAY) == {"warning": 0, "exceeded": 0}
    exceeded = Notification.objects.get(user=owner, kind=NotificationKind.BUDGET_EXCEEDED)
    assert exceeded.severity == "critical"
    assert exceeded.context["remaining"] == "-10.00"
    assert exceeded.title == "Food & Drink is over budget: EUR 210.00 of 200.00"
    (email,) = mail.outbox
    assert email.subject == "Food & Drink is over budget: EUR 210.00 of EUR 200.00 in November"
    assert "You have spent EUR 210.00 of your EUR 200.00 Food & Drink budget for November 2026 (105%)." in email.body


@pytest.mark.django_db
def test_straight_past_100_percent_sends_only_exceeded(owner, account, groceries_budget):
    spend(account, "food_drink.groceries", "-250")

    assert budget_alerts_check(user=owner, today=TODAY) == {"warning": 0, "exceeded": 1}
    assert list(Notification.objects.values_list("kind", flat=True)) == [NotificationKind.BUDGET_EXCEEDED]


@pytest.mark.django_db
def test_a_new_month_alerts_again(owner, account, groceries_budget):
    spend(account, "food_drink.groceries", "-170")
    budget_alerts_check(user=owner, today=TODAY)
    spend(account, "food_drink.groceries", "-165", on=dt.date(2026, 12, 3))

    # December opens from November's budgets, and its 80% is a new alert.
    assert budget_alerts_check(user=owner, today=dt.date(2026, 12, 4)) == {"warning": 1, "exceeded": 0}
    assert sorted(Notification.objects.values_list("dedupe_key", flat=True))[-1].endswith(":2026-12")
    assert Notification.objects.filter(kind=NotificationKind.BUDGET_WARNING).count() == 2


@pytest.mark.django_db
def test_overall_budget_alert_says_overall(owner, account):
    budget_set(user=owner, category=None, month=NOVEMBER, amount="100")
    spend(account, None, "-90")

    budget_alerts_check(user=owner, today=TODAY)

    assert Notification.objects.get().context["category"] == "Overall"


@pytest.mark.django_db
def test_a_new_transaction_triggers_the_check(owner, account, groceries_budget, now,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        transaction_create(user=owner, account=account, on=TODAY, amount="-185.00", description="REWE",
                           category=category("food_drink.groceries"))

    assert Notification.objects.filter(user=owner, kind=NotificationKind.BUDGET_WARNING).count() == 1


@pytest.mark.django_db
def test_no_budgets_no_task(owner, account, now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        transaction_create(user=owner, account=account, on=TODAY, amount="-185.00", description="REWE")

    assert not Notification.objects.exists()
    from core.models import JobRun
    assert not JobRun.objects.filter(name="budget_alerts").exists()
