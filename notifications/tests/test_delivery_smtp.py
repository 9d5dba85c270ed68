"""Emails through a real SMTP server on loopback that fails: retried with backoff, the in-app copy kept."""

from __future__ import annotations

import datetime as dt
import email
import socket

import pytest
from aiosmtpd.controller import Controller

from notifications.models import Delivery, DeliveryStatus, Notification, NotificationKind
from notifications.services import MAX_EMAIL_ATTEMPTS, deliveries_retry, notification_create

pytestmark = pytest.mark.django_db


class FlakyServer:
    """Answers 451 (try again later) to the first ``failures`` messages, then accepts."""

    def __init__(self, failures: int):
        self.failures = failures
        self.received: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        if self.failures > 0:
            self.failures -= 1
            return "451 4.3.0 Mailbox temporarily unavailable"
        self.received.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    def start(failures: int) -> FlakyServer:
        handler = FlakyServer(failures)
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        return handler

    started: list[Controller] = []
    yield start
    for controller in started:
        controller.stop()


def overdue_rent(user) -> Notification:
    return notification_create(
        user=user, kind=NotificationKind.BILL_OVERDUE, title="Overdue: Rent EUR 950.00 was due Sun 1 Nov",
        body="No payment found.", link="/bills/upcoming/", severity="critical", dedupe_key="test:rent",
        context={"bill": "Rent", "payee": "Landlord", "amount": "950.00", "amount_max": None, "currency": "EUR",
                 "due_date": "2026-11-01", "days_overdue": 6})


def test_a_failing_smtp_server_is_retried_with_backoff_until_it_accepts(owner, smtp, django_capture_on_commit_callbacks):
    server = smtp(failures=2)
    with django_capture_on_commit_callbacks(execute=True):
        notification = overdue_rent(owner)

    email_row = Delivery.objects.get(notification=notification, channel="email")
    assert (email_row.status, email_row.attempts) == (DeliveryStatus.PENDING, 1)
    assert "451" in email_row.last_error
    first_retry = email_row.next_attempt_at
    # The in-app copy is there and readable whatever happens to the email.
    assert Notification.objects.for_user(owner).in_inbox().get() == notification

    # Before the backoff has elapsed nothing is tried; after it, once more (fails again, waits longer).
    assert deliveries_retry(now=first_retry - dt.timedelta(seconds=1))["pending"] == 0
    assert deliveries_retry(now=first_retry) == {"sent": 0, "pending": 1, "failed": 0}
    email_row.refresh_from_db()
    assert email_row.attempts == 2
    assert email_row.next_attempt_at - first_retry == dt.timedelta(minutes=2)

    assert deliveries_retry(now=email_row.next_attempt_at) == {"sent": 1, "pending": 0, "failed": 0}
    email_row.refresh_from_db()
    assert (email_row.status, email_row.attempts, email_row.last_error) == (DeliveryStatus.SENT, 3, "")
    [message] = server.received
    assert message["To"] == owner.email
    assert "EUR 950.00" in message["Subject"]
    # Nothing more goes out on later sweeps.
    assert deliveries_retry(now=email_row.next_attempt_at + dt.timedelta(hours=1))["sent"] == 0
    assert len(server.received) == 1


def test_after_the_last_attempt_the_email_is_failed_and_the_notification_stays(owner, smtp,
                                                                                django_capture_on_commit_callbacks):
    smtp(failures=100)
    with django_capture_on_commit_callbacks(execute=True):
        notification = overdue_rent(owner)
    row = Delivery.objects.get(notification=notification, channel="email")
    now = row.next_attempt_at
    for _ in range(MAX_EMAIL_ATTEMPTS - 1):
        deliveries_retry(now=now)
        row.refresh_from_db()
        now = row.next_attempt_at or now
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, MAX_EMAIL_ATTEMPTS)
    assert Notification.objects.filter(pk=notification.pk, in_app=True).exists()


def test_an_unreachable_server_is_a_retry_not_a_crash(owner, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()   # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        notification = overdue_rent(owner)
    row = Delivery.objects.get(notification=notification, channel="email")
    assert row.status == DeliveryStatus.PENDING and "Connection refused" in row.last_error


def test_a_send_whose_worker_died_is_sent_again_after_the_stale_period(owner, django_capture_on_commit_callbacks):
    from django.core import mail

    notification = overdue_rent(owner)      # on_commit not run: the task never happened
    row = Delivery.objects.get(notification=notification, channel="email")
    Delivery.objects.filter(pk=row.pk).update(status=DeliveryStatus.SENDING,
                                              claimed_at=row.created_at)   # claimed, then the worker died
    assert deliveries_retry(now=row.created_at + dt.timedelta(minutes=5))["sent"] == 0
    assert deliveries_retry(now=row.created_at + dt.timedelta(minutes=16))["sent"] == 1
    assert len(mail.outbox) == 1
