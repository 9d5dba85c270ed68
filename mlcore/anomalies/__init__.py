"""Anomalies: each detector (one module each, one interface in base.py, all listed in registry.py) scores a
charge against the person's patterns in [0, 1] with a sentence; combine.py turns the factors into one risk
(High, Medium, Low).

``findings_for`` is pure so that ``evaluate_anomalies`` replays the same code over a file; ``anomalies_detect``
loads a user's rows and stored patterns for it. Workers only: no request scores.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from mlcore.anomalies.base import DetectionContext, Detector
from mlcore.anomalies.combine import level_for, risk
from mlcore.anomalies.registry import DETECTORS
from mlcore.patterns import HistoryRow, history_rows, patterns_get, patterns_refresh, verdict_memory
from mlcore.results import Factor, Finding, SpendingPatterns
from transactions.models import Transaction

HISTORY_DAYS = 400  # what the detectors look back on before the earliest charge scored
SIMILAR_AMOUNT = Decimal("1.10")  # "This is fine" covers the same merchant up to 10% above the accepted amount


def _accepted(charge: HistoryRow, factor: Factor, patterns: SpendingPatterns) -> bool:
    """The person already said this pattern is fine: same merchant, similar or smaller amount, same detector."""
    accepted = patterns.accepted.get(charge.merchant_key)
    if not accepted or factor.detector not in accepted.get("detectors", ()):
        return False
    return abs(charge.amount) <= Decimal(accepted["amount_high"]) * SIMILAR_AMOUNT


def findings_for(charges: Iterable[HistoryRow], *, patterns: SpendingPatterns, history: Sequence[HistoryRow],
                 today: dt.date, unconfirmed: Collection[int] = (),
                 detectors: Sequence[Detector] = DETECTORS) -> list[Finding]:
    """A Finding for each charge any detector flags (Low included), in the charges' order. ``history`` holds
    the person's rows before and around the charges (the charges themselves included); earlier charges in
    ``unconfirmed`` (flagged, and not called fine) are not compared against: they are not the person's normal
    (but they count where charges are counted in a window: a burst or a duplicate goes on after its first alert)."""
    charges = list(charges)
    left_out = frozenset(unconfirmed) - {charge.id for charge in charges}
    context = DetectionContext(patterns=patterns, history=history, today=today, unconfirmed=left_out)
    findings = []
    for charge in charges:
        factors = [found for detector in detectors if (found := detector.score(charge, context)) is not None]
        factors = sorted((f for f in factors if not _accepted(charge, f, patterns)), key=lambda f: -f.score)
        score = risk(factors)
        level = level_for(score)
        if level is not None:
            findings.append(Finding(transaction_id=charge.id, level=level, score=score, factors=tuple(factors),
                                    related_ids=tuple(context.related.get(charge.id, ()))))
    return findings


def anomalies_detect(*, user: User, transaction_ids: Iterable[int], today: dt.date | None = None,
                     unconfirmed_ids: Collection[int] = ()) -> list[Finding]:
    """Score the given transactions of the user against their stored patterns (refreshed first when missing);
    one Finding per transaction that any detector flagged, Low included. ``unconfirmed_ids``: earlier charges
    flagged Medium or High and not called fine, left out of what the others are compared with."""
    today = today or timezone.localdate()
    ids = set(transaction_ids)
    dates = list(Transaction.objects.filter(owner=user, pk__in=ids).values_list("date", flat=True))
    if not dates:
        return []
    stored = patterns_get(user=user)
    patterns = stored[0] if stored is not None else patterns_refresh(user=user, today=today,
                                                                     unconfirmed_ids=unconfirmed_ids)
    # Verdicts given since the last refresh count at once.
    accepted, disowned = verdict_memory(user=user)
    patterns = dataclasses.replace(patterns, accepted=accepted, disowned=disowned)
    history = history_rows(user=user, since=min(dates) - dt.timedelta(days=HISTORY_DAYS))
    charges = [row for row in history if row.id in ids]
    return findings_for(charges, patterns=patterns, history=history, today=today, unconfirmed=unconfirmed_ids)
