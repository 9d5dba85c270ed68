"""Numbers that stay true: a change to the ledger queues one forecast refresh a short while later, pages say
when the figures were computed and that they are updating meanwhile, and a queue that is down loses nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from insights import tasks
from insights.models import Forecast, RefreshState
from transactions.services import transaction_delete
from transactions.tests.factories import AccountFactory, TransactionFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 10, 10, 12, 0, tzinfo=dt.UTC)
PAGE = "/insights/forecast/"


@pytest.fixture(autouse=True)
def _october_10th():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def account(owner):
    account = AccountFactory(owner=owner, name="Main checking", opening_balance=Decimal("2000.00"),
                             opening_date=dt.date(2026, 8, 31))
    day = dt.date(2026, 9, 1)
    while day <= NOW.date():
        TransactionFactory(account=account, date=day, amount=Decimal("-10.00"), description=f"CARD SHOP {day}")
        day += dt.timedelta(days=1)
    tasks.forecast_refresh_task.call_local(owner.pk)  # what the worker computed last night
    HUEY.storage.flush_schedule()
    return account


def month_end(owner) -> Decimal:
    total = Forecast.objects.get(user=owner, kind="balance", account=None)
    return Decimal(total.summary["this_month_end"]["yhat"])


def scheduled_refreshes() -> int:
    return sum(1 for task in HUEY.scheduled() if task.name == "forecast_refresh_task")


def test_a_new_transaction_marks_the_forecast_updating_and_one_refresh_brings_it_up_to_date(
        owner, owner_api, client, account, django_capture_on_commit_callbacks):
    before = month_end(owner)
    client.force_login(owner)
    page = client.get(PAGE).content.decode()
    assert "Computed" in page and "data-forecast-updating" not in page

    for description in ("NEW TV", "NEW SOFA", "NEW BIKE"):  # a burst of changes shares one refresh
        with django_capture_on_commit_callbacks(execute=True):
            response = owner_api.post("/api/v1/transactions/", {
                "account": account.pk, "date": "2026-10-10", "amount": "-500.00", "description": description,
            }, format="json")
        assert response.status_code == 201, response.json()
    assert scheduled_refreshes() == 1
    assert month_end(owner) == before  # not yet: the refresh runs a short while later...
    page = client.get(PAGE).content.decode()
    assert "data-forecast-updating" in page and "Updating with your latest changes" in page
    dashboard = client.get("/").content.decode()
    assert "data-forecast-updating" in dashboard

    tasks.forecast_refresh_task.call_local(owner.pk)  # ...in the worker

    assert month_end(owner) <= before - Decimal("1500.00")  # counted (and the everyday average moved too)
    assert not RefreshState.objects.get(user=owner).is_stale
    assert "data-forecast-updating" not in client.get(PAGE).content.decode()


def test_a_deletion_counts_as_a_change_too(owner, account, django_capture_on_commit_callbacks):
    txn = TransactionFactory(account=account, date=dt.date(2026, 10, 10), amount=Decimal("-300.00"))
    tasks.forecast_refresh_task.call_local(owner.pk)
    with django_capture_on_commit_callbacks(execute=True):
        transaction_delete(user=owner, txn=txn)
    assert RefreshState.objects.get(user=owner).is_stale


def test_when_the_queue_is_down_the_write_succeeds_and_the_sweep_refreshes_later(
        owner, owner_api, account, monkeypatch, django_capture_on_commit_callbacks):
    before = month_end(owner)

    def queue_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.forecast_refresh_task, "schedule", queue_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post("/api/v1/transactions/", {
            "account": account.pk, "date": "2026-10-10", "amount": "-400.00", "description": "NEW LAPTOP",
        }, format="json")
    assert response.status_code == 201  # the transaction is saved whatever the queue does
    state = RefreshState.objects.get(user=owner)
    assert state.is_stale and state.queued_at is None
    monkeypatch.undo()

    tasks.stale_forecasts_refresh()  # the queue is back; the sweep runs every five minutes

    assert month_end(owner) <= before - Decimal("400.00")
    assert not RefreshState.objects.get(user=owner).is_stale


def test_a_refresh_queued_but_lost_is_queued_again_after_ten_minutes(
        owner, owner_api, account, _october_10th, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        owner_api.post("/api/v1/transactions/", {"account": account.pk, "date": "2026-10-10", "amount": "-5.00",
                                                 "description": "COFFEE"}, format="json")
    HUEY.storage.flush_schedule()  # the worker that held it died
    tasks.stale_forecasts_refresh()
    assert RefreshState.objects.get(user=owner).is_stale  # queued a moment ago: not yet taken for lost
    _october_10th.shift(dt.timedelta(minutes=11))
    tasks.stale_forecasts_refresh()
    assert not RefreshState.objects.get(user=owner).is_stale


def test_the_updating_badge_asks_until_the_figures_are_up_to_date_then_reloads_the_page(
        owner, client, account, django_capture_on_commit_callbacks):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        TransactionFactory(account=account, date=dt.date(2026, 10, 10), amount=Decimal("-50.00"))
        transaction_delete(user=owner, txn=account.transactions.latest("pk"))
    still = client.get("/insights/forecast/status/")
    assert still.status_code == 200 and "Updating with your latest changes" in still.content.decode()
    tasks.forecast_refresh_task.call_local(owner.pk)
    done = client.get("/insights/forecast/status/")
    assert (done.status_code, done["HX-Refresh"]) == (204, "true")
