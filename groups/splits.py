"""Splitting an amount in minor units: the parts always sum exactly to the total.

Rounding leftovers (the cents that do not divide evenly) go to the largest fractional remainders first and,
between equal remainders, in the order the members are given (the caller passes them sorted by user id),
so the same split always gives the same parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from groups.models import SplitMode

HUNDRED = Decimal(100)


def to_cents(amount: Decimal | str | int) -> int:
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise ValidationError(f"{amount!r} is not an amount.") from None
    if not value.is_finite():
        raise ValidationError(f"{amount!r} is not an amount.")
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _largest_remainder(total: int, weights: Sequence[Decimal]) -> list[int]:
    """Parts of ``total`` proportional to ``weights`` (not all zero), summing exactly to ``total``."""
    weight_sum = sum(weights)
    exact = [Decimal(total) * w / weight_sum for w in weights]
    parts = [int(x.to_integral_value(rounding=ROUND_FLOOR)) for x in exact]
    leftover = total - sum(parts)
    # Largest fractional remainder first; equal remainders keep the given order (sorted() is stable).
    order = sorted(range(len(weights)), key=lambda i: -(exact[i] - parts[i]))
    for i in order[:leftover]:
        parts[i] += 1
    return parts


def split(total_cents: int, mode: str, weights: Sequence[Decimal | str | int | None]) -> list[int]:
    """Each member's part in cents, in the order of ``weights``.

    equal: weights are ignored (every listed member shares); exact: weights are the parts themselves in the
    currency's units and must sum to the total; percent: weights must sum to 100; shares: any non-negative
    numbers, not all zero.
    """
    if total_cents <= 0:
        raise ValidationError("The total must be more than zero.")
    if not weights:
        raise ValidationError("Choose at least one member to share the expense.")
    if mode == SplitMode.EQUAL:
        return _largest_remainder(total_cents, [Decimal(1)] * len(weights))
    values: list[Decimal] = []
    for weight in weights:
        try:
            value = Decimal(str(weight if weight is not None else "0"))
        except InvalidOperation:
            raise ValidationError(f"{weight!r} is not a number.") from None
        if not value.is_finite():
            raise ValidationError(f"{weight!r} is not a number.")
        if value < 0:
            raise ValidationError(f"A part cannot be negative ({value}).")
        values.append(value)
    if mode == SplitMode.EXACT:
        parts = [to_cents(v) for v in values]
        if sum(parts) != total_cents:
            raise ValidationError(
                f"The parts add up to {Decimal(sum(parts)) / 100:.2f}, not the total of {Decimal(total_cents) / 100:.2f}.")
        return parts
    if mode == SplitMode.PERCENT:
        if sum(values) != HUNDRED:
            raise ValidationError(f"The percentages add up to {sum(values).normalize():f}%, not 100%.")
        return _largest_remainder(total_cents, values)
    if mode == SplitMode.SHARES:
        if not any(values):
            raise ValidationError("At least one member needs a share above zero.")
        return _largest_remainder(total_cents, values)
    raise ValidationError(f"Unknown split mode {mode!r}.")


def prorate(total_cents: int, amounts: Sequence[Decimal]) -> list[int]:
    """Amounts typed in another currency, scaled to sum exactly to ``total_cents`` (converted payers/parts)."""
    if sum(amounts) <= 0:
        raise ValidationError("The amounts must add up to more than zero.")
    return _largest_remainder(total_cents, amounts)
