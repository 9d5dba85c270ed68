"""The schedule as an operator sees it: what runs, catch-up after downtime, recorded outcomes, cleanup."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from huey.contrib.djhuey import HUEY
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from config import schedule
from core.jobs import job_due, job_run, last_slot
from core.models import JobRun, JobStatus, OutboxTask
from mlcore.budgeting import BudgetModel, budget_artifact_dir, budget_model_reset
from mlcore.tests.fixtures import global_model  # noqa: F401 - a fixture
from mlcore.tests.test_budget_commands import _households
from notifications.models import Notification, NotificationKind
from payments import services
from privacy.models import DataExport, DataExportStatus
from payments.models import Frequency
from transactions.models import ExportStatus, TransactionExport
from transactions.tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_every_periodic_job_is_declared_in_config_schedule():
    periodic = {task.__name__ for task in HUEY._registry._periodic_tasks}
    assert {"bill_reminders", "email_retries", "weekly_digests", "insights_refresh_sweep", "nightly_insights", "cleanup",
            "user_models_retrain_nightly", "budget_model_train"} <= periodic
    assert all(task.__module__ == "config.schedule" for task in HUEY._registry._periodic_tasks)


def test_a_daily_job_missed_overnight_is_due_until_it_succeeds():
    assert last_slot(at(2026, 11, 21, 1, 30), hour=2) == at(2026, 11, 20, 2)
    assert last_slot(at(2026, 11, 21, 2, 0), hour=2) == at(2026, 11, 21, 2)
    assert job_due("nightly_insights", now=at(2026, 11, 21, 9), hour=2)    # no consumer was up at 02:00
    JobRun.objects.create(name="nightly_insights", status=JobStatus.FAILED, started_at=at(2026, 11, 21, 9))
    assert job_due("nightly_insights", now=at(2026, 11, 21, 10), hour=2)   # a failure does not count
    JobRun.objects.create(name="nightly_insights", status=JobStatus.OK, started_at=at(2026, 11, 21, 10))
    assert not job_due("nightly_insights", now=at(2026, 11, 21, 23), hour=2)
    assert job_due("nightly_insights", now=at(2026, 11, 22, 2, 10), hour=2)


def test_a_failing_job_is_recorded_with_its_error_and_reraised():
    with pytest.raises(ZeroDivisionError), job_run("broken") as outcome:
        outcome["done"] = 1
        1 / 0  # noqa: B018
    run = JobRun.objects.get(name="broken")
    assert (run.status, run.outcome, run.error) == (JobStatus.FAILED, {"done": 1}, "ZeroDivisionError: division by zero")
    assert run.duration_ms is not None and run.finished_at is not None


def test_nightly_fan_out_runs_one_job_per_active_user_and_not_twice_a_night(owner, other_user, account):
    other_user.is_active = False
    other_user.save()
    services.recurring_payment_create(
        user=owner, name="Rent", payee="Landlord", amount=Decimal("950"), currency="EUR",
        frequency=Frequency.MONTHLY, day_of_month=1, start_date=dt.date(2026, 1, 1), today=dt.date(2026, 10, 28))
    TransactionFactory(owner=owner, account=account, date=dt.date(2026, 11, 1), amount=Decimal("-950.00"),
                       currency="EUR", description="LANDLORD RENT NOV")
    with time_machine.travel(at(2026, 11, 3, 2, 10), tick=False):
        schedule.nightly_insights.call_local()
        schedule.nightly_insights.call_local()     # a second consumer, or the hourly re-check
    [fan_out] = JobRun.objects.filter(name="nightly_insights")
    assert fan_out.outcome == {"users": 1}
    [user_job] = JobRun.objects.filter(name="user_insights")
    assert (user_job.user_id, user_job.status, user_job.outcome["bills_paid"]) == (owner.pk, JobStatus.OK, 1)


def test_cleanup_removes_expired_tokens_old_read_notifications_and_old_runs(owner, settings, tmp_path):
    now = at(2026, 11, 21, 3, 40)
    expired = OutstandingToken.objects.create(user=owner, jti="old", token="t1", created_at=now - dt.timedelta(days=9),
                                              expires_at=now - dt.timedelta(days=2))
    BlacklistedToken.objects.create(token=expired)
    live = OutstandingToken.objects.create(user=owner, jti="new", token="t2", created_at=now,
                                           expires_at=now + dt.timedelta(days=5))
    old_read = Notification.objects.create(user=owner, kind=NotificationKind.BILL_PAID, title="Paid",
                                           read_at=now - dt.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS + 1))
    unread = Notification.objects.create(user=owner, kind=NotificationKind.BILL_DUE, title="Due")
    recent_read = Notification.objects.create(user=owner, kind=NotificationKind.BILL_PAID, title="Paid",
                                              read_at=now - dt.timedelta(days=1))
    JobRun.objects.create(name="bill_reminders", status=JobStatus.OK, started_at=now - dt.timedelta(days=40))
    settings.EXPORT_DIR = tmp_path
    (tmp_path / "1-expired.csv").write_text("id\n")
    expired_export = TransactionExport.objects.create(owner=owner, status=ExportStatus.DONE, file_name="1-expired.csv",
                                                      expires_at=now - dt.timedelta(hours=1))
    live_export = TransactionExport.objects.create(owner=owner, status=ExportStatus.DONE, file_name="",
                                                   expires_at=now + dt.timedelta(hours=1))
    settings.DATA_EXPORT_DIR = tmp_path
    (tmp_path / "archive-expired.zip").write_bytes(b"PK")
    expired_archive = DataExport.objects.create(owner=owner, status=DataExportStatus.READY,
                                                file_name="archive-expired.zip", expires_at=now - dt.timedelta(hours=1))
    sent = OutboxTask.objects.create(task="accounts.tasks.email_send", not_before=now - dt.timedelta(days=2),
                                     sent_at=now - dt.timedelta(days=2))
    waiting = OutboxTask.objects.create(task="imports.tasks.import_run_task", args=[1],
                                        not_before=now - dt.timedelta(days=2))

    with time_machine.travel(now, tick=False):
        schedule.cleanup.call_local()

    assert list(OutstandingToken.objects.values_list("pk", flat=True)) == [live.pk]
    assert not BlacklistedToken.objects.exists()
    assert set(Notification.objects.values_list("pk", flat=True)) == {unread.pk, recent_read.pk}
    assert not Notification.objects.filter(pk=old_read.pk).exists()
    run = JobRun.objects.get(name="cleanup")
    assert run.outcome == {"expired_tokens": 1, "read_notifications": 1, "job_runs": 1, "transaction_exports": 1,
                           "sent_outbox_tasks": 1, "data_exports": 1}
    assert list(TransactionExport.objects.values_list("pk", flat=True)) == [live_export.pk]
    assert not TransactionExport.objects.filter(pk=expired_export.pk).exists()
    assert not (tmp_path / "1-expired.csv").exists()
    expired_archive.refresh_from_db()
    assert expired_archive.status == DataExportStatus.EXPIRED
    assert not (tmp_path / "archive-expired.zip").exists()
    # A task still waiting for the queue is kept, however old.
    assert list(OutboxTask.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert not OutboxTask.objects.filter(pk=sent.pk).exists()


@pytest.mark.usefixtures("global_model")
def test_starting_a_consumer_catches_up_on_missed_reminders(owner, django_capture_on_commit_callbacks):
    services.recurring_payment_create(
        user=owner, name="Phone", payee="Telekom", amount=Decimal("39.95"), currency="EUR",
        frequency=Frequency.MONTHLY, day_of_month=5, start_date=dt.date(2026, 11, 5), reminder_lead_days=3,
        today=dt.date(2026, 11, 1))
    schedule._caught_up.clear()
    with time_machine.travel(at(2026, 11, 3, 12), tick=False), django_capture_on_commit_callbacks(execute=True):
        schedule.catch_up_on_start()
        schedule.catch_up_on_start()      # the hook runs in every worker: one catch-up is enough
    assert Notification.objects.filter(user=owner, kind=NotificationKind.BILL_DUE).count() == 1
    assert JobRun.objects.filter(name="bill_reminders").count() == 1
    assert {"bill_reminders", "email_retries", "weekly_digests", "nightly_insights", "cleanup",
            "global_categorizer"} <= set(JobRun.objects.values_list("name", flat=True))
    # Tuesday: Monday's digest, missed while no consumer ran, goes out too.
    assert sorted(m.subject.split(":")[0] for m in mail.outbox) == ["Phone", "Your week"]


def test_staff_see_job_runs_and_failures_users_do_not(client, owner, staff_user):
    JobRun.objects.create(name="bill_reminders", status=JobStatus.OK, started_at=at(2026, 11, 21, 9),
                          duration_ms=120, outcome={"due_sent": 3})
    JobRun.objects.create(name="user_insights", status=JobStatus.FAILED, started_at=at(2026, 11, 21, 9, 5),
                          error="OperationalError: connection lost", user_id=owner.pk)
    client.force_login(owner)
    assert client.get("/staff/jobs/").status_code == 302      # to the admin login, nothing shown
    client.force_login(staff_user)
    page = client.get("/staff/jobs/").content.decode()
    assert "due_sent=3" in page and "OperationalError: connection lost" in page
    failed_only = client.get("/staff/jobs/?status=failed").content.decode()
    assert "connection lost" in failed_only and "due_sent=3" not in failed_only
    assert client.get("/staff/jobs/?status=bogus&page=999").status_code == 200


def test_staff_can_look_at_bills_notifications_and_job_runs_in_the_admin(client, django_user_model):
    from django.core.management import call_command

    staff = django_user_model.objects.create_user(email="support@example.com", password="x" * 12)
    call_command("grant_role", staff.email, "staff", stdout=__import__("io").StringIO())
    client.force_login(staff)
    for path in ("/admin/payments/recurringpayment/", "/admin/notifications/delivery/", "/admin/core/jobrun/"):
        assert client.get(path).status_code == 200, path
    assert client.get("/admin/payments/recurringpayment/add/").status_code == 403


def test_a_large_reminder_sweep_is_split_into_batches_of_users(owner, other_user, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    monkeypatch.setattr(schedule, "REMINDER_BATCH", 1)
    for user in (owner, other_user):
        services.recurring_payment_create(
            user=user, name="Phone", payee="Telekom", amount=Decimal("39.95"), currency="EUR",
            frequency=Frequency.MONTHLY, day_of_month=5, start_date=dt.date(2026, 11, 5), reminder_lead_days=3,
            today=dt.date(2026, 11, 1))
    with time_machine.travel(at(2026, 11, 3, 12), tick=False), django_capture_on_commit_callbacks(execute=True):
        schedule.bill_reminders.call_local()
    assert JobRun.objects.get(name="bill_reminders").outcome == {"users": 2, "batches": 2}
    assert JobRun.objects.filter(name="bill_reminders_batch", status=JobStatus.OK).count() == 2
    assert Notification.objects.filter(kind=NotificationKind.BILL_DUE).count() == 2


def test_the_nightly_job_refits_a_forecast_only_when_something_changed(owner, account):
    from insights.models import Forecast
    from insights.services import user_insights_refresh

    for day in range(1, 21):
        TransactionFactory(owner=owner, account=account, date=dt.date(2026, 11, day), amount=Decimal("-12.00"),
                           currency="EUR", description="BAKERY")
    first = user_insights_refresh(user=owner, today=dt.date(2026, 11, 21))
    assert first["forecasts"] >= 1
    made = Forecast.objects.get(user=owner, kind="balance", account=None).created_at
    quiet = user_insights_refresh(user=owner, today=dt.date(2026, 11, 22))
    assert quiet.get("forecast_skipped") == 1
    assert Forecast.objects.get(user=owner, kind="balance", account=None).created_at == made
    TransactionFactory(owner=owner, account=account, date=dt.date(2026, 11, 22), amount=Decimal("-30.00"),
                       currency="EUR", description="BOOKSHOP")
    assert user_insights_refresh(user=owner, today=dt.date(2026, 11, 22))["forecasts"] >= 1
    # However quiet the account, a forecast is refitted when it is three days old.
    assert "forecasts" in user_insights_refresh(user=owner, today=dt.date(2026, 11, 25))


@pytest.fixture
def budget_artifacts(settings, tmp_path):
    settings.MLCORE_ARTIFACT_DIR = tmp_path / "models"
    budget_model_reset()
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        yield
    budget_model_reset()


def test_the_nightly_budget_model_job_trains_once_and_records_a_skip_without_data(budget_artifacts):
    schedule.budget_model_train.call_local()
    run_ = JobRun.objects.get(name="budget_model_train")
    assert "Too little history" in run_.outcome["skipped"] or "No transactions" in run_.outcome["skipped"]

    JobRun.objects.all().delete()
    _households(1)                    # one household is not "all users of the instance"
    schedule.budget_model_train.call_local()
    assert "at least 5 needed" in JobRun.objects.get(name="budget_model_train").outcome["skipped"]

    JobRun.objects.all().delete()
    _households(11)
    schedule.budget_model_train.call_local()
    schedule.budget_model_train.call_local()  # already done tonight: nothing more
    run_ = JobRun.objects.get(name="budget_model_train")
    assert run_.outcome["users"] == 12 and run_.outcome["rows"] == 120
    assert BudgetModel.load(budget_artifact_dir()).metadata["training_users"] == 12
