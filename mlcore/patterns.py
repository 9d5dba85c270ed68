"""A person's normal: the per-user baseline every detector, the patterns page and later features read.

Computed from the ledger by a worker (nightly and after an import), stored in SpendingPattern, never computed
in a request. ``patterns_compute`` is pure (rows in, SpendingPatterns out) so that ``evaluate_anomalies``
replays the same code over a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from accounts.models import User
from mlcore.results import SpendingPatterns


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One ledger row as the patterns and the detectors see it."""

    id: int
    date: dt.date
    amount: Decimal  # signed (negative is money out), in the user's preferred currency
    currency: str  # the row's own currency
    description: str
    merchant_key: str
    merchant_name: str
    category_id: int | None
    category_name: str
    category_kind: str  # "expense", "income", "transfer" or ""
    account_id: int = 0


def history_rows(*, user: User, until: dt.date | None = None) -> list[HistoryRow]:
    """The user's ledger as HistoryRows, oldest first, in one query (splits count under their categories)."""
    raise NotImplementedError  # engine helper


def patterns_compute(rows: Sequence[HistoryRow], *, currency: str, today: dt.date,
                     accepted: dict[str, dict[str, Any]] | None = None) -> SpendingPatterns:
    raise NotImplementedError  # engine helper


def patterns_to_json(patterns: SpendingPatterns) -> dict[str, Any]:
    raise NotImplementedError  # surfaces helper


def patterns_from_json(data: dict[str, Any]) -> SpendingPatterns:
    raise NotImplementedError  # surfaces helper


def patterns_store(*, user: User, patterns: SpendingPatterns) -> None:
    raise NotImplementedError  # surfaces helper


def patterns_get(*, user: User) -> tuple[SpendingPatterns, dt.datetime] | None:
    """The stored patterns and when they were computed; None before the first computation."""
    raise NotImplementedError  # surfaces helper


def patterns_refresh(*, user: User, today: dt.date | None = None) -> SpendingPatterns:
    """Workers only: compute the user's patterns from their ledger and store them."""
    raise NotImplementedError  # engine helper
