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
    """The real detectors, watched: which ids each run asks them to score, and which charges it keeps out of
    the person's normal. mlcore's own tests cover what the detectors find."""
    asked: list[list[int]] = []
    refreshed: list[tuple[int, list[int]]] = []
    detect, refresh = services.mlcore.anomalies_detect, services.mlcore.patterns_refresh

    def watched_detect(*, user, transaction_ids, today=None, unconfirmed_ids=()):
        asked.append(list(transaction_ids))
        return detect(user=user, transaction_ids=asked[-1], today=today, unconfirmed_ids=unconfirmed_ids)

    def watched_refresh(*, user, today=None, unconfirmed_ids=()):
        refreshed.append((user.pk, sorted(unconfirmed_ids)))
        return refresh(user=user, today=today, unconfirmed_ids=unconfirmed_ids)

    monkeypatch.setattr(services.mlcore, "patterns_refresh", watched_refresh)
    monkeypatch.setattr(services.mlcore, "anomalies_detect", watched_detect)
    return asked, refreshed


def test_each_run_scores_only_rows_not_checked_yet(owner, account, engine):
    asked, refreshed = engine
    charge(account, on=TODAY - dt.timedelta(days=200))  # before the first scan's window
    recent = [charge(account, on=TODAY - dt.timedelta(days=days)) for days in (30, 2)]
    outcome = services.protection_refresh(user=owner, today=TODAY)
    assert sorted(asked[0]) == sorted(txn.pk for txn in recent)
    assert outcome["scored"] == 2 and refreshed == [(owner.pk, [])]
    assert not Transaction.objects.filter(owner=owner, checked_at__isnull=True).exists()  # the old one too

    assert services.protection_refresh(user=owner, today=TODAY)["scored"] == 0
    assert len(asked) == 1  # nothing new: the detectors are not asked

    newer = charge(account, on=TODAY)
    services.protection_refresh(user=owner, today=TODAY)
    assert asked[-1] == [newer.pk]
    scan = ProtectionScan.objects.get(user=owner)
    assert scan.last_run_at is not None and scan.last_scored == 1


def test_a_row_committed_late_with_a_lower_id_is_still_scored(owner, account, engine):
    """On PostgreSQL an import's rows can commit after a later row with a higher id: each row is checked
    for itself, not by an id watermark."""
    asked, _ = engine
    early, late = charge(account, on=TODAY), charge(account, on=TODAY)
    Transaction.objects.filter(pk=early.pk).update(checked_at=None)
    Transaction.objects.filter(pk=late.pk).update(checked_at=timezone.now())  # scanned before early committed
    services.protection_refresh(user=owner, today=TODAY)
    assert asked == [[early.pk]]
    assert Transaction.objects.get(pk=early.pk).checked_at is not None


def test_the_task_runs_the_scan_for_the_user_and_records_the_run(owner, account, engine):
    from core.models import JobRun

    charge(account, on=owner.financial_profile.local_today())
    tasks.protection_refresh.call_local(owner.pk)
    run = JobRun.objects.get(name="protection_refresh")
    assert run.user_id == owner.pk and run.status == "ok" and run.outcome["scored"] == 1



def test_charges_alerted_and_not_called_fine_stay_out_of_the_normal(owner, account, engine):
    """An open or disowned Medium/High alert's charge is not compared against; one called fine is again."""
    _, refreshed = engine
    flagged = [charge(account, on=TODAY - dt.timedelta(days=days)) for days in (3, 2, 1)]
    finding = [Finding(transaction_id=txn.pk, level=level, score=0.7,
                       factors=(Factor("amount", 0.7, "More than you usually spend here"),))
               for txn, level in zip(flagged, [RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.LOW], strict=True)]
    services.alerts_record(user=owner, findings=finding)
    services.protection_refresh(user=owner, today=TODAY)
    assert refreshed[-1] == (owner.pk, sorted(txn.pk for txn in flagged[:2]))  # Low alerts change nothing
    services.alert_decide(user=owner, alert=Alert.objects.get(transaction=flagged[0]), verdict="fine")
    services.alert_decide(user=owner, alert=Alert.objects.get(transaction=flagged[1]), verdict="not_mine")
    services.protection_refresh(user=owner, today=TODAY)
    assert refreshed[-1] == (owner.pk, [flagged[1].pk])
