"""Sending one delivery: claim it, hand it to its channel's transport, record how it went.

Only this; scheduling the next attempt after a failure is the caller's (notifications.tasks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import structlog
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus
from notifications.transports import TransportError, transport_for

log = structlog.get_logger(__name__)

MAX_EMAIL_ATTEMPTS = 6
# A send claimed this long ago and never finished died with its worker; it is tried again.
STALE_CLAIM = dt.timedelta(minutes=15)


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff after the n-th failed attempt: 1, 2, 4, 8, 16 minutes."""
    return dt.timedelta(minutes=2 ** max(attempts - 1, 0))


def delivery_send(*, delivery_id: int, now: dt.datetime | None = None,
                  on_retry: Callable[[dt.datetime], None] | None = None) -> str:
    """Send one pending delivery if it is due; returns its status afterwards.

    The pending -> sending update must change exactly one row, so two workers handed the same delivery
    send it once. An SMTP error puts it back to pending with a later attempt time, which ``on_retry`` is
    told (to queue that attempt); the in-app copy is a separate row and is never touched.
    """
    now = now or timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(status=DeliveryStatus.PENDING)
        .exclude(next_attempt_at__gt=now)
        .update(status=DeliveryStatus.SENDING, claimed_at=now)
    )
    if claimed != 1:
        return Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first() or "missing"
    delivery = Delivery.objects.select_related("notification__user").get(pk=delivery_id)
    attempts = delivery.attempts + 1
    try:
        transport_for(delivery.channel).send(delivery.notification)
    except TransportError as error:
        final = attempts >= MAX_EMAIL_ATTEMPTS
        next_at = None if final else now + retry_delay(attempts)
        Delivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
            attempts=attempts, last_error=str(error)[:2000], next_attempt_at=next_at, claimed_at=None,
        )
        log.warning("delivery_failed", delivery_id=delivery_id, channel=delivery.channel, attempts=attempts,
                    error=str(error), retry_at=next_at.isoformat() if next_at else None)
        if next_at is not None and on_retry is not None:
            on_retry(next_at)
        return DeliveryStatus.FAILED if final else DeliveryStatus.PENDING
    Delivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENT, attempts=attempts, sent_at=timezone.now(), last_error="", claimed_at=None)
    log.info("delivery_sent", delivery_id=delivery_id, channel=delivery.channel, attempts=attempts)
    return DeliveryStatus.SENT


def deliveries_due(*, now: dt.datetime | None = None) -> list[int]:
    """Deliveries that should be (re)tried now: pending ones past their retry time, and sends whose
    worker died mid-way (claimed long ago). The schedule sweeps these, so a lost queue message or a
    consumer killed during a send still ends with the email out."""
    now = now or timezone.now()
    stale = list(
        Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
        .values_list("pk", flat=True)
    )
    if stale:
        Delivery.objects.filter(pk__in=stale, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING, claimed_at=None)
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING)
        .exclude(next_attempt_at__gt=now)
        .exclude(created_at__gt=now - dt.timedelta(minutes=1))  # just created: its own task is on the way
        .order_by("pk").values_list("pk", flat=True)
    )
