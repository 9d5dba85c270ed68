"""Every periodic background job, in one place. Times are UTC; per-user work uses each user's timezone.

Huey skips periodic runs that fall while no consumer is up, so nothing here is "do what is due today":
the reminder and digest jobs sweep everything due and not yet sent, and the daily jobs run every hour
but only do their work when no run has succeeded since their slot (a missed night is caught up when a
consumer comes back). Claims in the database make a second consumer or a rerun harmless. Each job is a
``@locked_job`` (core.jobs): one worker at a time, and a JobRun row for the staff page.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import User
from advisor.letter import letter_due_user_ids
from advisor.services import conversations_purge
from advisor.tasks import monthly_letter_task
from alerts.tasks import protection_refresh
from audit.head import audit_head_publish
from billing.services import past_due_downgrade
from core.jobs import job_runs_purge, locked_job, users_fan_out
from core.months import month_add, month_start
from imports.services import import_batches_recover
from core.outbox import outbox_purge, outbox_send
from goals.refresh import goals_refresh
from insights.digest import weekly_digests_send
from insights.services import user_insights_refresh
from insights.tasks import stale_forecasts_refresh
from mlcore import services as mlcore
from notifications.services import deliveries_retry, notifications_purge_read
from payments.reminders import bill_reminders_send, reminder_candidates
from privacy.deletion import deletions_run
from privacy.services import data_exports_purge, data_imports_recover
from transactions.services import transaction_exports_purge

AUDIT_HEAD_HOUR = 0  # UTC: the audit log's end of the day before, written and mailed elsewhere
NIGHTLY_HOUR = 2  # UTC: user jobs enqueued for the night
CLEANUP_HOUR = 3
RETRAIN_HOUR = 4
BUDGET_MODEL_HOUR = 5  # after the per-user retrains; trains on the complete months of all users
LETTER_HOUR = 6  # UTC, the first days of a month: after the night's forecasts and goal plans, which letters read

# A sweep with more users than this is split into jobs of this many users, shared by every consumer.
REMINDER_BATCH = 500


@db_periodic_task(crontab(minute="*/15"))
@locked_job("bill_reminders", lock="bill-reminders")
def bill_reminders() -> dict[str, Any]:
    """Bill reminders and overdue notices due by now (each user's reminder hour) and not yet sent."""
    now = timezone.now()
    users = reminder_candidates(now=now)
    if len(users) <= REMINDER_BATCH:
        return bill_reminders_send(now=now, user_ids=users).as_dict()
    batches = [users[i:i + REMINDER_BATCH] for i in range(0, len(users), REMINDER_BATCH)]
    for batch in batches:
        bill_reminders_batch(batch)
    return {"users": len(users), "batches": len(batches)}


@db_task()
@locked_job("bill_reminders_batch", lock="bill-reminders-batch-{user_ids[0]}")
def bill_reminders_batch(user_ids: list[int]) -> dict[str, Any]:
    return bill_reminders_send(user_ids=user_ids).as_dict()


@db_periodic_task(crontab(minute="*/5"))
@locked_job("email_retries", lock="email-retries")
def email_retries() -> dict[str, Any]:
    """Emails whose SMTP attempt failed (backoff elapsed) or whose worker died mid-send."""
    return deliveries_retry()


@db_periodic_task(crontab(minute="20"))
@locked_job("weekly_digests", lock="weekly-digests")
def weekly_digests() -> dict[str, Any]:
    """Monday-morning digests in each user's timezone, caught up until Wednesday if missed."""
    return weekly_digests_send()


@db_periodic_task(crontab(minute="10"))
@locked_job("nightly_insights", lock="nightly-insights", due_hour=NIGHTLY_HOUR)
def nightly_insights() -> dict[str, Any]:
    """Fan out one insight job per active user, once per night (insights.services.user_insights_refresh)."""
    return {"users": users_fan_out(user_insights_nightly)}


@db_task()
@locked_job("user_insights", lock="user-insights-{user_id}")
def user_insights_nightly(user_id: int) -> dict[str, Any] | None:
    """One user's nightly work: subscriptions, bill matching, budgets and their alerts, the forecast; then the
    goal plan and readiness, which read the fresh forecast (recomputed at a month's start and when their
    inputs moved)."""
    user = User.objects.select_related("financial_profile").filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    outcome = user_insights_refresh(user=user)
    outcome.update({f"goals_{key}": value for key, value in goals_refresh(user=user, reason="nightly").items()})
    return outcome


@db_periodic_task(crontab(minute="35", day="1-7"))
@locked_job("monthly_letters", lock="monthly-letters", due_hour=LETTER_HOUR)
def monthly_letters() -> dict[str, Any]:
    """The first week of each month, once a day: a letter job (advisor.tasks) for each active user still without
    the letter of the month before (UTC). A job waits for that month to end in the user's timezone, so someone
    west of UTC gets theirs the next day; a week covers a consumer that was down."""
    month = month_add(month_start(timezone.now().date()), -1)
    count = 0
    for user_id in letter_due_user_ids(month=month):
        monthly_letter_task(user_id, f"{month:%Y-%m}")
        count += 1
    return {"users": count, "month": f"{month:%Y-%m}"}


@db_periodic_task(crontab(minute="15"))
@locked_job("nightly_protection", lock="nightly-protection", due_hour=NIGHTLY_HOUR)
def nightly_protection() -> dict[str, Any]:
    """Fan out one protection scan per active user, once per night: their patterns refreshed, any transaction
    not scored yet (a scan lost with the queue) scored (alerts.tasks.protection_refresh). Apart from the insights
    job so that neither waits for, nor fails with, the other."""
    return {"users": users_fan_out(protection_refresh)}


@db_periodic_task(crontab(minute="*"))
@locked_job("outbox_sweep", lock="outbox-sweep")
def outbox_sweep() -> dict[str, int]:
    """Tasks that waited in the database because the queue (Redis) was down when their write committed."""
    return outbox_send()


@db_periodic_task(crontab(minute="*/5"))
@locked_job("insights_refresh_sweep", lock="insights-refresh-sweep")
def insights_refresh_sweep() -> dict[str, int]:
    """Forecasts older than their ledger whose refresh was never queued (the queue was down) or got lost."""
    return stale_forecasts_refresh()


@db_periodic_task(crontab(minute="*/5"))
@locked_job("import_recovery", lock="import-recovery")
def import_recovery() -> dict[str, Any]:
    """Imports (bank files, and archives from another Finsight) a killed worker or a lost task left queued or
    running: run again, or failed with a message."""
    return {**import_batches_recover(), "data_imports": data_imports_recover()}


@db_periodic_task(crontab(minute="40"))
@locked_job("cleanup", due_hour=CLEANUP_HOUR)
def cleanup() -> dict[str, int]:
    """Daily: expired JWT blacklist entries, read notifications past retention, old job runs, expired exports and
    data archives, sent outbox rows."""
    return cleanup_run(now=timezone.now())


def cleanup_run(*, now: dt.datetime) -> dict[str, int]:
    # Deleting an outstanding token deletes its blacklist entry too (what flushexpiredtokens does).
    _, deleted = OutstandingToken.objects.filter(expires_at__lte=now).delete()
    return {
        "expired_tokens": deleted.get(OutstandingToken._meta.label, 0),
        "read_notifications": notifications_purge_read(
            older_than=dt.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS), now=now),
        "job_runs": job_runs_purge(older_than=dt.timedelta(days=settings.JOB_RUN_RETENTION_DAYS), now=now),
        "transaction_exports": transaction_exports_purge(now=now),
        "data_exports": data_exports_purge(now=now),
        # Handed-over tasks: a day for the staff to look at (a password reset's email is among them).
        "sent_outbox_tasks": outbox_purge(older_than=dt.timedelta(days=1), now=now),
    }


@db_periodic_task(crontab(minute="30"))
@locked_job("audit_head", lock="audit-head", due_hour=AUDIT_HEAD_HOUR)
def audit_head() -> dict[str, Any]:
    """Daily: the audit log's last entry id and hash to the finsight.audit log and to AUDIT_HEAD_EMAIL, so that
    a copy lives outside the database (check it with verify_audit_log --head ID:HASH)."""
    return audit_head_publish(now=timezone.now())


@db_periodic_task(crontab(minute="45"))
@locked_job("advisor_retention", lock="advisor-retention", due_hour=CLEANUP_HOUR)
def advisor_retention() -> dict[str, int]:
    """Nightly: the advisor's conversations older than their owner's retention setting (90 days by default)."""
    return {"conversations": conversations_purge(now=timezone.now())}


@db_periodic_task(crontab(minute="5"))
@locked_job("account_deletions", lock="account-deletions")
def account_deletions() -> dict[str, int]:
    """Hourly: every account whose deletion grace period (ACCOUNT_DELETION_GRACE_DAYS) is over goes with all it owns,
    one account per transaction; files a killed run left are removed first (privacy.deletion does the work)."""
    return deletions_run(now=timezone.now())


@db_periodic_task(crontab(minute="8"))
@locked_job("billing_downgrades", lock="billing-downgrades")
def billing_downgrades() -> dict[str, int]:
    """Hourly: a paid plan whose payment has been due longer than BILLING_GRACE_DAYS moves to the free plan, with
    an email and an audit entry; its Stripe subscription is cancelled (billing.services does the work)."""
    return {"downgraded": past_due_downgrade(now=timezone.now())}


@db_periodic_task(crontab(minute="50"))
@locked_job("user_models_retrain", lock="user-models-retrain", due_hour=RETRAIN_HOUR)
def user_models_retrain_nightly() -> dict[str, int]:
    """Nightly: one retraining job per active user; each retrains only a stale model (mlcore does the work)."""
    return {"users": mlcore.user_models_retrain_enqueue()}


@db_periodic_task(crontab(minute="55"))
@locked_job("budget_model_train", lock="budget-model-train", due_hour=BUDGET_MODEL_HOUR)
def budget_model_train() -> dict[str, Any]:
    """Nightly: retrain the budget suggestion model across all users (mlcore does the work)."""
    try:
        metadata = mlcore.budget_model_train(today=timezone.now().date())
    except ValueError as error:  # too little data yet: suggestions use the 3-month median
        return {"skipped": str(error)}
    return {"rows": metadata["training_rows"], "users": metadata["training_users"],
            "seconds": metadata["metrics"].get("training_seconds")}


@db_periodic_task(crontab(minute="25"))
@locked_job("global_categorizer", lock=mlcore.CATEGORIZER_LOCK)
def global_categorizer() -> dict[str, Any]:
    """Hourly and when a consumer starts: train the global categorizer if it is missing (no release step ran, or
    an upgrade cannot read it), then decide the transactions left waiting for it (mlcore does the work)."""
    return mlcore.categorizer_prepare()


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
    # The global categorizer last: training it (a minute or more when missing) delays nothing else here.
    for job in (outbox_sweep, import_recovery, bill_reminders, email_retries, weekly_digests, nightly_insights,
                cleanup, audit_head, account_deletions, budget_model_train, global_categorizer):
        job.call_local()
