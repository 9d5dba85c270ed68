"""Anomalies: each detector (one module each, one interface in base.py) scores a charge against the person's
patterns in [0, 1] with a sentence; combine.py turns the factors into one risk (High, Medium, Low).

``findings_for`` is pure so that ``evaluate_anomalies`` replays the same code over a file; ``anomalies_detect``
loads a user's rows and stored patterns for it. Workers only: no request scores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from accounts.models import User
from mlcore.results import Finding


def anomalies_detect(*, user: User, transaction_ids: Iterable[int], today: dt.date | None = None) -> list[Finding]:
    """Score the given transactions of the user against their stored patterns (refreshed first when missing);
    one Finding per transaction that any detector flagged, Low included."""
    raise NotImplementedError  # engine helper
