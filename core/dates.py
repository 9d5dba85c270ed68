"""When a date can be a transaction's: one rule for imported files, forms and the API alike.

From 1 January 1950 (no bank export goes further back) to the end of the fifth year after this one
(a bill or a transfer planned ahead); anything else is a typo, such as 2062 for 2026 or 1900 for an empty cell.
"""

from __future__ import annotations

import datetime as dt

EARLIEST_YEAR = 1950
YEARS_AHEAD = 5


def plausible_range(*, today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(EARLIEST_YEAR, 1, 1), dt.date(today.year + YEARS_AHEAD, 12, 31)


def date_problem(value: dt.date, *, today: dt.date) -> str | None:
    """Why ``value`` cannot be a transaction's date, in a sentence for the person; None when it can."""
    first, last = plausible_range(today=today)
    if first <= value <= last:
        return None
    return f"Enter a date between {first:%-d %b %Y} and {last:%-d %b %Y}."
