"""Telling users things: claim a notification once, then deliver it on each channel they chose."""

from __future__ import annotations

import datetime as dt
from typing import Any

import structlog
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.outbox import outbox_enqueue
from core.rls import row_security_as
from notifications.delivery import MAX_EMAIL_ATTEMPTS, deliveries_due, delivery_send  # noqa: F401 - re-exported
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPreferences,
    Severity,
)
from notifications.tasks import delivery_send_and_reschedule, delivery_send_task

log = structlog.get_logger(__name__)

def preferences_get(*, user: User) -> NotificationPreferences:
    prefs: NotificationPreferences | None = getattr(user, "_notification_preferences", None)
    if prefs is None:
        prefs, _ = NotificationPreferences.objects.get_or_create(user=user)
        user.__dict__["_notification_preferences"] = prefs  # cached on this user object, as a cached_property is
    return prefs


def notification_create(*, user: User, kind: str, title: str, body: str = "", link: str = "",
                        severity: str = Severity.INFO, dedupe_key: str | None = None,
                        context: dict[str, Any] | None = None) -> Notification | None:
    """Record a notification and its deliveries, or return None when ``dedupe_key`` was already claimed.

    The insert of the (user, dedupe_key) row is the claim: of two workers racing on the same reminder,
    exactly one insert succeeds. The in-app copy and the pending email row are written in the same
    transaction, so a crash leaves either both or neither, and emails go out after commit.

    The rows are the recipient's: written as theirs under row security (core.rls) even when someone else's
    request sends it (a group member's expense, an invitation).
    """
    with row_security_as(user_id=user.pk):
        return _notification_create(user=user, kind=kind, title=title, body=body, link=link, severity=severity,
                                    dedupe_key=dedupe_key, context=context)


def _notification_create(*, user: User, kind: str, title: str, body: str, link: str, severity: str,
                         dedupe_key: str | None, context: dict[str, Any] | None) -> Notification | None:
    channels = preferences_get(user=user).channels_for(kind)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, title=title[:200], body=body, link=link, severity=severity,
                in_app=Channel.IN_APP in channels, dedupe_key=dedupe_key, context=context or {},
            )
            deliveries = [
                Delivery(notification=notification, channel=channel,
                         status=DeliveryStatus.SENT if channel == Channel.IN_APP else DeliveryStatus.PENDING,
                         sent_at=timezone.now() if channel == Channel.IN_APP else None)
                for channel in sorted(channels)
            ]
            Delivery.objects.bulk_create(deliveries)
    except IntegrityError:
        if dedupe_key is None or not Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
            raise
        return None
    for delivery in deliveries:
        if delivery.channel == Channel.IN_APP:
            continue
        if delivery.channel == Channel.EMAIL and not user.email:
            Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED,
                                                           last_error="The user has no email.")
        else:
            outbox_enqueue(delivery_send_task, delivery.pk)
    log.info("notification_created", user_id=user.pk, kind=kind, channels=sorted(channels),
             notification_id=notification.pk)
    return notification


def deliveries_retry(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The sweep: send every delivery that is due again, each failure scheduling its next attempt."""
    outcome = {"sent": 0, "pending": 0, "failed": 0}
    for delivery_id in deliveries_due(now=now):
        status = delivery_send_and_reschedule(delivery_id=delivery_id, now=now)
        if status in outcome:
            outcome[status] += 1
    return outcome


def notifications_mark_read(*, user: User, ids: list[int] | None = None, now: dt.datetime | None = None) -> int:
    """Mark the user's unread notifications as read (all of them, or those with the given ids)."""
    queryset = Notification.objects.for_user(user).unread()
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=now or timezone.now())


def notification_delete(*, user: User, notification: Notification, now: dt.datetime | None = None) -> None:
    """Remove a notification from the user's inbox.

    A claimed one (a reminder, a digest) keeps its row, out of the inbox and read, because the row is the
    claim: deleting it would let the next sweep send the same reminder again. The retention cleanup
    deletes it later with the other read notifications.
    """
    if notification.user_id != user.pk:
        raise Notification.DoesNotExist
    if notification.dedupe_key:
        Notification.objects.filter(pk=notification.pk).update(in_app=False, read_at=notification.read_at or now
                                                               or timezone.now())
    else:
        notification.delete()


def notifications_purge_read(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete notifications read longer ago than the retention period (their deliveries go with them)."""
    cutoff = (now or timezone.now()) - older_than
    deleted, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted
