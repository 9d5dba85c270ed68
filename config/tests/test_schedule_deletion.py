"""The hourly account deletion job, as the schedule runs it (privacy may not import config)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from accounts.models import User
from config import schedule
from core.models import JobRun
from privacy.deletion import deletion_request
from transactions.models import Transaction
from transactions.tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_the_hourly_job_removes_accounts_past_their_grace_period_and_records_it(owner, password, account,
                                                                                 other_user, other_account):
    TransactionFactory(account=account, amount=Decimal("-9.99"))
    TransactionFactory(account=other_account, amount=Decimal("-1.00"))
    with time_machine.travel(NOW, tick=False):
        deletion_request(user=owner, password=password)
        schedule.account_deletions.call_local()
    assert User.objects.filter(pk=owner.pk).exists()

    with time_machine.travel(NOW + dt.timedelta(days=7, minutes=5), tick=False):
        schedule.account_deletions.call_local()
        schedule.account_deletions.call_local()  # the next hour: nothing left to do

    assert not User.objects.filter(pk=owner.pk).exists()
    assert list(Transaction.objects.values_list("owner_id", flat=True)) == [other_user.pk]
    runs = list(JobRun.objects.filter(name="account_deletions").order_by("started_at", "id"))
    assert [run.outcome["accounts"] for run in runs] == [0, 1, 0]
    assert all(run.status == "ok" for run in runs)
