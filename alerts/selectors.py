"""Reading a user's alerts: the list with its filters, one alert (another user's is a 404), the dashboard's panel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.models import User
from alerts.models import Alert, AlertLevel, AlertStatus, ProtectionScan

PANEL_SHOWN = 3


def alert_list(*, user: User, level: str = "", status: str = "", transaction_id: int | None = None
               ) -> QuerySet[Alert]:
    """The user's alerts, newest first, with the transaction (and its account) they are about."""
    alerts = Alert.objects.for_user(user).select_related("transaction", "transaction__account")
    if level:
        alerts = alerts.filter(level=level)
    if status:
        alerts = alerts.filter(status=status)
    if transaction_id is not None:
        alerts = alerts.filter(transaction_id=transaction_id)
    return alerts.order_by("-created_at", "-id")


def alert_get(*, user: User, pk: int) -> Alert:
    alert = alert_list(user=user).filter(pk=pk).first()
    if alert is None:
        raise Http404("No such alert.")
    return alert


def unconfirmed_transaction_ids(*, user: User) -> list[int]:
    """Charges alerted Medium or High that the person has not called fine (open, or not theirs): the detectors
    keep them out of the person's normal until they are."""
    return list(Alert.objects.for_user(user).notifying()
                .filter(status__in=[AlertStatus.OPEN, AlertStatus.NOT_MINE], transaction__isnull=False)
                .values_list("transaction_id", flat=True))


def last_scan_at(*, user: User) -> dt.datetime | None:
    return ProtectionScan.objects.filter(user=user).values_list("last_run_at", flat=True).first()


@dataclass(frozen=True)
class AlertPanel:
    open_high: int
    open_medium: int
    latest: list[Alert]
    checked_at: dt.datetime | None

    @property
    def open_count(self) -> int:
        return self.open_high + self.open_medium


def alert_panel(*, user: User) -> AlertPanel:
    """The dashboard's panel: open High and Medium alerts counted, the latest few, when the last scan ran."""
    open_alerts = Alert.objects.for_user(user).open().notifying()
    counts = open_alerts.aggregate(high=Count("pk", filter=Q(level=AlertLevel.HIGH)),
                                   medium=Count("pk", filter=Q(level=AlertLevel.MEDIUM)))
    latest = list(open_alerts.order_by("-created_at", "-id")[:PANEL_SHOWN])
    return AlertPanel(open_high=counts["high"], open_medium=counts["medium"], latest=latest,
                      checked_at=last_scan_at(user=user))


LEVEL_CHOICES = AlertLevel.choices
STATUS_CHOICES = AlertStatus.choices
