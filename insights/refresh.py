"""Keeping the stored figures true: a change to the ledger queues one forecast refresh a short while later.

Changes in a burst (an import, a bulk edit, typing several transactions) share one refresh: the first marks
the state queued, later ones see it queued. The refresh clears the mark before it computes, so a change made
while it runs queues the next one. Should the queue be unreachable when a change happens, or the queued task
be lost, the periodic sweep finds the stale user and queues it again: no change is left uncounted.
"""

from __future__ import annotations

import datetime as dt

import structlog
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from insights.models import RefreshState

log = structlog.get_logger(__name__)

# Changes within this many seconds share one refresh; the figures are at most about a minute behind.
REFRESH_DELAY_SECONDS = 30
# A refresh queued longer ago than this and not started is taken as lost (the queue was down, a worker died).
LOST_AFTER = dt.timedelta(minutes=10)


def refresh_state_get(*, user: User) -> RefreshState:
    state, _ = RefreshState.objects.get_or_create(user=user)
    return state


def figures_are_stale(*, user: User) -> bool:
    """The ledger changed after the stored figures were computed (one query; a read never writes)."""
    state = RefreshState.objects.filter(user=user).first()
    return state is not None and state.is_stale


def ledger_change_record(*, user: User, now: dt.datetime | None = None) -> bool:
    """Note that the user's ledger changed; True when this change must queue the refresh (none is queued)."""
    now = now or timezone.now()
    refresh_state_get(user=user)
    RefreshState.objects.filter(user=user).update(ledger_changed_at=now)
    claimed = (RefreshState.objects.filter(user=user)
               .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - LOST_AFTER)).update(queued_at=now))
    return claimed == 1


def refresh_queue_failed(*, user_id: int) -> None:
    """The queue could not take the refresh: unmark it, so the sweep queues it once the queue is back."""
    RefreshState.objects.filter(user_id=user_id).update(queued_at=None)


def refresh_started(*, user_id: int) -> dt.datetime:
    """A refresh begins: changes from now on queue the next one. Returns the moment its figures are as of."""
    RefreshState.objects.filter(user_id=user_id).update(queued_at=None)
    return timezone.now()


def refresh_finished(*, user: User, as_of: dt.datetime) -> None:
    """The stored figures now count the ledger as it was at ``as_of``."""
    refresh_state_get(user=user)
    RefreshState.objects.filter(user=user).filter(Q(refreshed_at__isnull=True) | Q(refreshed_at__lt=as_of)).update(
        refreshed_at=as_of)


def stale_users_claim(*, now: dt.datetime | None = None, limit: int = 1000) -> list[int]:
    """Users whose figures are older than their ledger and whose refresh is not queued (or was lost): they are
    marked queued and returned, for the sweep to queue."""
    now = now or timezone.now()
    stale = (RefreshState.objects.filter(ledger_changed_at__isnull=False)
             .filter(Q(refreshed_at__isnull=True) | Q(refreshed_at__lt=F("ledger_changed_at")))
             .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - LOST_AFTER)))
    user_ids = list(stale.values_list("user_id", flat=True)[:limit])
    if user_ids:
        RefreshState.objects.filter(user_id__in=user_ids).update(queued_at=now)
        log.info("insights_refresh_swept", users=len(user_ids))
    return user_ids
