"""Two workers sweeping at the same moment send each reminder once (PostgreSQL, real concurrent transactions)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, connections

from accounts.models import User
from notifications.models import Delivery, DeliveryStatus, Notification, NotificationKind
from notifications.services import delivery_send
from payments import services
from payments.models import Frequency
from payments.reminders import bill_reminders_send

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (CI runs it)"),
]

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def in_parallel(function, workers: int = 2) -> list:
    """Run ``function`` in several threads (each with its own database connection) released at once."""
    barrier = threading.Barrier(workers)
    results: list = [None] * workers
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = function()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_two_concurrent_sweeps_send_every_reminder_once():
    users = [User.objects.create_user(email=f"user{i}@example.com", password="x" * 12) for i in range(5)]
    for user in users:
        for name, day in (("Rent", 2), ("Phone", 3), ("Gym", 4)):
            services.recurring_payment_create(
                user=user, name=name, payee=name, amount=Decimal("10.00"), currency="EUR",
                frequency=Frequency.MONTHLY, day_of_month=day, start_date=dt.date(2026, 11, day),
                reminder_lead_days=3, today=dt.date(2026, 11, 20))
        # And one bill already missed, for an overdue notice.
        services.recurring_payment_create(
            user=user, name="Insurance", payee="Allianz", amount=Decimal("80.00"), currency="EUR",
            frequency=Frequency.MONTHLY, day_of_month=20, start_date=dt.date(2026, 11, 20),
            today=dt.date(2026, 11, 20), match=False)

    outcomes = in_parallel(lambda: bill_reminders_send(now=NOW), workers=4)

    due = Notification.objects.filter(kind=NotificationKind.BILL_DUE)
    overdue = Notification.objects.filter(kind=NotificationKind.BILL_OVERDUE)
    assert due.count() == 15 and overdue.count() == 5
    assert sum(o.due_sent for o in outcomes) == 15
    assert sum(o.overdue_sent for o in outcomes) == 5
    # One email per notification, whoever won the claim.
    assert len(mail.outbox) == 20
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 20


def test_one_email_delivery_handed_to_two_workers_is_sent_once(owner):
    services.recurring_payment_create(
        user=owner, name="Rent", payee="Landlord", amount=Decimal("950"), currency="EUR",
        frequency=Frequency.MONTHLY, day_of_month=2, start_date=dt.date(2026, 11, 2), reminder_lead_days=3,
        today=dt.date(2026, 11, 20))
    # Freeze the email in its pending state, as if the queue message were delivered twice.
    Delivery.objects.all().delete()
    bill_reminders_send(now=NOW)
    email = Delivery.objects.get(channel="email")
    mail.outbox.clear()
    Delivery.objects.filter(pk=email.pk).update(status=DeliveryStatus.PENDING, attempts=0)

    statuses = in_parallel(lambda: delivery_send(delivery_id=email.pk, now=NOW), workers=2)

    assert sorted(statuses) == ["sending", "sent"] or sorted(statuses) == ["sent", "sent"]
    assert len(mail.outbox) == 1
