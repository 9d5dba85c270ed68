"""Every periodic background job, in one place. Times are UTC; per-user work uses each user's timezone.

Huey skips periodic runs that fall while no consumer is up, so nothing here is "do what is due today":
the reminder and digest jobs sweep everything due and not yet sent, and the daily jobs run every hour
but only do their work when no run has succeeded since their slot (a missed night is caught up when a
consumer comes back). Claims in the database make a second consumer or a rerun harmless.
"""

from __future__ import annotations

import datetime as dt
import threading

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, lock_task
from huey.exceptions import TaskLockedException

from accounts.models import User
from insights.jobs import job_due, job_run, job_runs_purge
from insights.services import user_insights_refresh
from notifications.digest import weekly_digests_send
from notifications.services import deliveries_retry, notifications_purge_read
from payments.reminders import bill_reminders_send, reminder_candidates

NIGHTLY_HOUR = 2  # UTC: user jobs enqueued for the night
CLEANUP_HOUR = 3
RETRAIN_HOUR = 4


# A sweep with more users than this is split into jobs of this many users, shared by every consumer.
REMINDER_BATCH = 500


@db_periodic_task(crontab(minute="*/15"))
def bill_reminders() -> None:
    """Bill reminders and overdue notices due by now (each user's reminder hour) and not yet sent."""
    try:
        with lock_task("bill-reminders"), job_run("bill_reminders") as outcome:
            now = timezone.now()
            users = reminder_candidates(now=now)
            if len(users) <= REMINDER_BATCH:
                outcome.update(bill_reminders_send(now=now, user_ids=users).as_dict())
                return
            batches = [users[i:i + REMINDER_BATCH] for i in range(0, len(users), REMINDER_BATCH)]
            for batch in batches:
                bill_reminders_batch(batch)
            outcome.update(users=len(users), batches=len(batches))
    except TaskLockedException:
        pass  # another consumer is sweeping right now


@db_task()
def bill_reminders_batch(user_ids: list[int]) -> None:
    with job_run("bill_reminders_batch") as outcome:
        outcome.update(bill_reminders_send(user_ids=user_ids).as_dict())


@db_periodic_task(crontab(minute="*/5"))
def email_retries() -> None:
    """Emails whose SMTP attempt failed (backoff elapsed) or whose worker died mid-send."""
    try:
        with lock_task("email-retries"), job_run("email_retries") as outcome:
            outcome.update(deliveries_retry())
    except TaskLockedException:
        pass


@db_periodic_task(crontab(minute="20"))
def weekly_digests() -> None:
    """Monday-morning digests in each user's timezone, caught up until Wednesday if missed."""
    try:
        with lock_task("weekly-digests"), job_run("weekly_digests") as outcome:
            outcome.update(weekly_digests_send())
    except TaskLockedException:
        pass


@db_periodic_task(crontab(minute="10"))
def nightly_insights() -> None:
    """Fan out one insight job per active user, once per night (insights.services.user_insights_refresh)."""
    try:
        with lock_task("nightly-insights"):
            if not job_due("nightly_insights", now=timezone.now(), hour=NIGHTLY_HOUR):
                return
            with job_run("nightly_insights") as outcome:
                outcome["users"] = nightly_insights_enqueue()
    except TaskLockedException:
        pass


def nightly_insights_enqueue() -> int:
    count = 0
    for user_id in User.objects.filter(is_active=True).values_list("pk", flat=True).iterator(chunk_size=2000):
        user_insights_nightly(user_id)
        count += 1
    return count


@db_task()
def user_insights_nightly(user_id: int) -> None:
    """One user's nightly work: subscriptions, bill matching, budgets and their alerts, the forecast."""
    try:
        with lock_task(f"user-insights-{user_id}"):
            user = User.objects.select_related("financial_profile").filter(pk=user_id, is_active=True).first()
            if user is None:
                return
            with job_run("user_insights", user_id=user_id) as outcome:
                outcome.update(user_insights_refresh(user=user))
    except TaskLockedException:
        pass  # the same user's job is running in another worker


@db_periodic_task(crontab(minute="40"))
def cleanup() -> None:
    """Daily: expired JWT blacklist entries, read notifications past retention, old job runs."""
    try:
        with lock_task("cleanup"):
            now = timezone.now()
            if not job_due("cleanup", now=now, hour=CLEANUP_HOUR):
                return
            with job_run("cleanup") as outcome:
                outcome.update(cleanup_run(now=now))
    except TaskLockedException:
        pass


def cleanup_run(*, now: dt.datetime) -> dict[str, int]:
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    # Deleting an outstanding token deletes its blacklist entry too (what flushexpiredtokens does).
    _, deleted = OutstandingToken.objects.filter(expires_at__lte=now).delete()
    return {
        "expired_tokens": deleted.get(OutstandingToken._meta.label, 0),
        "read_notifications": notifications_purge_read(
            older_than=dt.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS), now=now),
        "job_runs": job_runs_purge(older_than=dt.timedelta(days=settings.JOB_RUN_RETENTION_DAYS), now=now),
    }


@db_periodic_task(crontab(minute="50"))
def user_models_retrain_nightly() -> None:
    """Nightly: retrain the per-user categorizers that are stale (mlcore.tasks does the work)."""
    from mlcore.tasks import user_model_retrain

    try:
        with lock_task("user-models-retrain"):
            if not job_due("user_models_retrain", now=timezone.now(), hour=RETRAIN_HOUR):
                return
            with job_run("user_models_retrain") as outcome:
                users = User.objects.filter(is_active=True).values_list("pk", flat=True)
                stale = 0
                for user_id in users.iterator():
                    user_model_retrain(user_id)
                    stale += 1
                outcome["users"] = stale
    except TaskLockedException:
        pass


_caught_up = threading.Event()


@HUEY.on_startup()
def catch_up_on_start() -> None:
    """When a consumer starts, sweep at once instead of waiting for the next quarter hour.

    Huey runs start-up hooks in every worker; one catch-up per consumer process is enough.
    """
    if not _caught_up.is_set():
        _caught_up.set()
        catch_up()


@db_task()
def catch_up() -> None:
    for job in (bill_reminders, email_retries, weekly_digests, nightly_insights, cleanup, budget_model_train):
        job.call_local()


BUDGET_MODEL_HOUR = 5  # UTC: after the per-user retrains; trains on the complete months of all users


@db_periodic_task(crontab(minute="55"))
def budget_model_train() -> None:
    """Nightly: retrain the budget suggestion model across all users (mlcore.budgeting does the work)."""
    from mlcore.budgeting import budget_model_train as train

    try:
        with lock_task("budget-model-train"):
            now = timezone.now()
            if not job_due("budget_model_train", now=now, hour=BUDGET_MODEL_HOUR):
                return
            with job_run("budget_model_train") as outcome:
                try:
                    metadata = train(today=now.date())
                except ValueError as error:  # too little data yet: suggestions use the 3-month median
                    outcome["skipped"] = str(error)
                    return
                outcome.update({"rows": metadata["training_rows"], "users": metadata["training_users"],
                                "seconds": metadata["metrics"].get("training_seconds")})
    except TaskLockedException:
        pass
