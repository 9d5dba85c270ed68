"""A small world for the staff pages' tests: people who joined in different months and came back or not,
their transactions, imports, alerts, feedback and notifications; with text and amounts nobody but the person
may see (``SECRETS``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounts.tests.factories import UserFactory
from alerts.models import Alert, AlertLevel, AlertStatus
from audit.models import AuditAction
from audit.services import audit_record
from core.models import JobRun, JobStatus
from mlcore.models import FeedbackEvent, FeedbackKind
from notifications.models import Delivery, DeliveryStatus, Notification
from transactions.models import ImportBatch, ImportStatus, Transaction
from transactions.tests.factories import AccountFactory, TransactionFactory, category

TODAY = dt.date(2026, 11, 20)
SECRET_AMOUNT = Decimal("98765.43")
SECRETS = ["ZEBRAQUARTZ", "98765.43", "98765,43", "98,765.43", "98765", "Xylophone Bakery", "bonus-statement-QX7",
           "Quokka SMTP refusal", "Narwhal rent", "owner-secret@example.com"]


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def person(email: str, joined: dt.date, *, active_on: tuple[dt.date, ...] = ()):
    user = UserFactory(email=email)
    type(user).objects.filter(pk=user.pk).update(date_joined=at(joined, 9))
    for day in active_on:
        audit_record(action=AuditAction.SIGN_IN, actor=user, target=user, now=at(day))
    return user


def world() -> dict[str, object]:
    """Three people: Ada joined in September and came back in October and November; Ben joined in October and
    created a transaction in October; Cy joined in November and did nothing."""
    ada = person("owner-secret@example.com", dt.date(2026, 9, 3),
                 active_on=(dt.date(2026, 9, 3), dt.date(2026, 10, 8), dt.date(2026, 11, 19)))
    ben = person("ben@example.com", dt.date(2026, 10, 2))
    cy = person("cy@example.com", dt.date(2026, 11, 19))
    account = AccountFactory(owner=ben, name="Narwhal rent")
    txn = TransactionFactory(account=account, amount=-SECRET_AMOUNT, description="ZEBRAQUARTZ PAYMENT",
                             merchant="Xylophone Bakery")
    Transaction.objects.filter(pk=txn.pk).update(created_at=at(dt.date(2026, 10, 5)))
    batch = ImportBatch.objects.create(owner=ben, account=account, filename="bonus-statement-QX7.csv",
                                       status=ImportStatus.FAILED, created_count=0)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=at(dt.date(2026, 11, 18)))
    done = ImportBatch.objects.create(owner=ben, account=account, filename="bonus-statement-QX7.ofx",
                                      status=ImportStatus.DONE, created_count=12)
    ImportBatch.objects.filter(pk=done.pk).update(created_at=at(dt.date(2026, 11, 18)))
    alert = Alert.objects.create(user=ben, transaction=txn, date=txn.date, amount=-SECRET_AMOUNT, currency="EUR",
                                 description="ZEBRAQUARTZ PAYMENT", level=AlertLevel.HIGH, score=Decimal("0.9"),
                                 kind="amount", status=AlertStatus.NOT_MINE)
    Alert.objects.filter(pk=alert.pk).update(created_at=at(dt.date(2026, 11, 18)))
    groceries = category("food_drink.groceries")
    for kind in (FeedbackKind.ACCEPT, FeedbackKind.ACCEPT, FeedbackKind.ACCEPT, FeedbackKind.CORRECT):
        event = FeedbackEvent.objects.create(user=ben, transaction=txn, kind=kind, chosen_category=groceries,
                                             description="ZEBRAQUARTZ PAYMENT", merchant="Xylophone Bakery")
        FeedbackEvent.objects.filter(pk=event.pk).update(created_at=at(dt.date(2026, 11, 17)))
    Transaction.objects.filter(pk=txn.pk).update(needs_review=True)
    note = Notification.objects.create(user=ben, kind="anomaly_high", title="ZEBRAQUARTZ 98765.43 EUR",
                                       body="Narwhal rent")
    Notification.objects.filter(pk=note.pk).update(created_at=at(dt.date(2026, 11, 18)))
    for channel, status in (("in_app", DeliveryStatus.SENT), ("email", DeliveryStatus.FAILED)):
        delivery = Delivery.objects.create(notification=note, channel=channel, status=status,
                                           last_error="Quokka SMTP refusal for owner-secret@example.com")
        Delivery.objects.filter(pk=delivery.pk).update(created_at=at(dt.date(2026, 11, 18)))
    JobRun.objects.create(name="=account_deletions", status=JobStatus.FAILED, started_at=at(dt.date(2026, 11, 18)),
                          duration_ms=40, user_id=ben.pk, error="ZEBRAQUARTZ 98765.43",
                          outcome={"description": "ZEBRAQUARTZ"})
    JobRun.objects.create(name="bill_reminders", status=JobStatus.OK, started_at=at(dt.date(2026, 11, 19)),
                          duration_ms=20)
    return {"ada": ada, "ben": ben, "cy": cy, "transaction": txn}
