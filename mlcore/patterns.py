"""A person's normal: the per-user baseline every detector, the patterns page and later features read.

Computed from the ledger by a worker (nightly and after an import), stored in SpendingPattern, never computed
in a request. ``patterns_compute`` is pure (rows in, SpendingPatterns out) so that ``evaluate_anomalies``
replays the same code over a file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from mlcore.models import SpendingPattern
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


FORMAT_VERSION = 1


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _to_json(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    return value


def _from_json(kind: Any, value: Any) -> Any:
    """``value`` read back as the annotated type ``kind`` (dataclasses, Decimal, date, tuples, optionals)."""
    if value is None:
        return None
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        return _from_json(next(arg for arg in args if arg is not type(None)), value)
    if origin is tuple:
        return tuple(_from_json(args[0], item) for item in value)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = typing.get_type_hints(kind)
        return kind(**{field.name: _from_json(hints[field.name], value[field.name])
                       for field in dataclasses.fields(kind) if field.name in value})
    if kind is Decimal:
        return Decimal(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    if kind is float:
        return float(value)
    return value


def patterns_to_json(patterns: SpendingPatterns) -> dict[str, Any]:
    return _to_json(patterns)


def patterns_from_json(data: dict[str, Any]) -> SpendingPatterns:
    return _from_json(SpendingPatterns, data)


def patterns_store(*, user: User, patterns: SpendingPatterns, computed_at: dt.datetime | None = None) -> None:
    SpendingPattern.objects.update_or_create(user=user, defaults={
        "format_version": FORMAT_VERSION, "computed_at": computed_at or timezone.now(),
        "transactions_count": patterns.transactions, "data": patterns_to_json(patterns)})


def patterns_get(*, user: User) -> tuple[SpendingPatterns, dt.datetime] | None:
    """The stored patterns and when they were computed; None before the first computation (or when a stored
    copy is of an older format: the next refresh replaces it)."""
    stored = SpendingPattern.objects.filter(user=user, format_version=FORMAT_VERSION).first()
    if stored is None:
        return None
    return patterns_from_json(stored.data), stored.computed_at


def patterns_refresh(*, user: User, today: dt.date | None = None) -> SpendingPatterns:
    """Workers only: compute the user's patterns from their ledger and store them."""
    raise NotImplementedError  # engine helper
