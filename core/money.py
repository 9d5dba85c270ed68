"""One way to write an amount of money, for pages, emails and notifications alike: "EUR 1,150.00".

The ISO 4217 code first, then the amount with two decimals and thousands separators; a range names the
currency once: "EUR 70.00 to 85.00". The template filter `money` (theme) is this function.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")


def as_decimal(value: Any) -> Decimal | None:
    """A Decimal from a Decimal, an int, a string or a float (by its shortest repr); None when it is none."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        # A float already lost precision; its shortest repr is the closest honest Decimal.
        value = repr(value)
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def money_text(amount: Any, currency: str = "") -> str:
    """ "EUR 1,150.00" (or "1,150.00" without a currency); "" for what is not a number."""
    value = as_decimal(amount)
    if value is None or not value.is_finite():
        return ""
    formatted = f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
    return f"{currency} {formatted}" if currency else formatted


def money_range_text(low: Any, high: Any, currency: str = "") -> str:
    """ "EUR 70.00 to 85.00", or one amount when there is no range."""
    if high is None or as_decimal(high) == as_decimal(low):
        return money_text(low, currency)
    return f"{money_text(low, currency)} to {money_text(high)}"
