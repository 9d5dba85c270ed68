"""The scan: queued (never run) when transactions arrive, and scoring only rows not scored yet."""

from __future__ import annotations

import datetime as dt

import pytest

from alerts import services, tasks
from alerts.models import Alert, ProtectionScan
from alerts.tests.conftest import charge
from core.models import OutboxTask
from core.outbox import task_name
from mlcore.services import Factor, Finding, RiskLevel
from django.utils import timezone

from transactions import services as ledger
from transactions.models import Transaction

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


def scans_queued(user) -> int:
    return OutboxTask.objects.filter(task=task_name(tasks.protection_refresh), args=[user.pk]).count()


def test_a_typed_in_transaction_queues_one_delayed_scan_and_a_burst_shares_it(owner, account,
                                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ledger.transaction_create(user=owner, account=account, on=TODAY, amount="-12.00", description="Bakery")
    assert scans_queued(owner) == 1
    row = OutboxTask.objects.get(task=task_name(tasks.protection_refresh))
    assert row.not_before > row.created_at + dt.timedelta(seconds=tasks.SCAN_DELAY_SECONDS - 5)
    with django_capture_on_commit_callbacks(execute=True):
        ledger.transaction_create(user=owner, account=account, on=TODAY, amount="-3.00", description="Coffee")
    assert scans_queued(owner) == 1
    assert not Alert.objects.exists() and not ProtectionScan.objects.exists()  # nothing scored in the request


@pytest.fixture
def engine(monkeypatch):
    """The detectors' side, as alerts sees it: patterns refreshed, then the ids it is asked to score (each
    flagged Medium). mlcore's own tests cover what the detectors find."""
    asked: list[list[int]] = []
    refreshed: list[int] = []

    def detect(*, user, transaction_ids, today=None):
        ids = list(transaction_ids)
        asked.append(ids)
        return [Finding(transaction_id=pk, level=RiskLevel.MEDIUM, score=0.6,
                        factors=(Factor("amount", 0.6, "More than you usually spend here"),)) for pk in ids]

    monkeypatch.setattr(services.mlcore, "patterns_refresh", lambda *, user, today=None: refreshed.append(user.pk))
    monkeypatch.setattr(services.mlcore, "anomalies_detect", detect)
    return asked, refreshed


def test_each_run_scores_only_rows_not_checked_yet(owner, account, engine):
    asked, refreshed = engine
    charge(account, on=TODAY - dt.timedelta(days=200))  # before the first scan's window
    recent = [charge(account, on=TODAY - dt.timedelta(days=days)) for days in (30, 2)]
    outcome = services.protection_refresh(user=owner, today=TODAY)
    assert sorted(asked[0]) == sorted(txn.pk for txn in recent)
    assert outcome["scored"] == 2 and outcome["alerts"] == 2 and refreshed == [owner.pk]
    assert not Transaction.objects.filter(owner=owner, checked_at__isnull=True).exists()  # the old one too

    assert services.protection_refresh(user=owner, today=TODAY)["scored"] == 0
    assert len(asked) == 1  # nothing new: the detectors are not asked

    newer = charge(account, on=TODAY)
    services.protection_refresh(user=owner, today=TODAY)
    assert asked[-1] == [newer.pk]
    assert Alert.objects.filter(user=owner).count() == 3
    scan = ProtectionScan.objects.get(user=owner)
    assert scan.last_run_at is not None and scan.last_scored == 1 and scan.last_flagged == 1


def test_a_row_committed_late_with_a_lower_id_is_still_scored(owner, account, engine):
    """On PostgreSQL an import's rows can commit after a later row with a higher id: each row is checked
    for itself, not by an id watermark."""
    asked, _ = engine
    early, late = charge(account, on=TODAY), charge(account, on=TODAY)
    Transaction.objects.filter(pk=early.pk).update(checked_at=None)
    Transaction.objects.filter(pk=late.pk).update(checked_at=timezone.now())  # scanned before early committed
    services.protection_refresh(user=owner, today=TODAY)
    assert asked == [[early.pk]]
    assert Alert.objects.filter(user=owner, transaction=early).exists()


def test_the_task_runs_the_scan_for_the_user_and_records_the_run(owner, account, engine):
    from core.models import JobRun

    charge(account, on=owner.financial_profile.local_today())
    tasks.protection_refresh.call_local(owner.pk)
    run = JobRun.objects.get(name="protection_refresh")
    assert run.user_id == owner.pk and run.status == "ok" and run.outcome["alerts"] == 1

