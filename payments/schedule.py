"""Due dates of a recurring payment. Each occurrence is counted from the start date (never from the previous
occurrence), so a bill on the 31st is due on Feb 28/29 and back on Mar 31, and a Feb 29 yearly bill falls
on Feb 28 in common years."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Protocol

from dateutil.relativedelta import relativedelta

from payments.models import Frequency

# Far enough for any reminder window or calendar page; bounds the loops below.
MAX_OCCURRENCES = 5000


class Schedule(Protocol):
    frequency: str
    interval: int
    day_of_month: int | None
    start_date: dt.date
    end_date: dt.date | None


def _nth(schedule: Schedule, n: int) -> dt.date:
    start, step = schedule.start_date, max(int(schedule.interval or 1), 1)
    frequency = schedule.frequency
    if frequency == Frequency.WEEKLY:
        return start + dt.timedelta(weeks=n)
    if frequency == Frequency.EVERY_N_WEEKS:
        return start + dt.timedelta(weeks=n * step)
    if frequency == Frequency.EVERY_N_DAYS:
        return start + dt.timedelta(days=n * step)
    if frequency == Frequency.MONTHLY_LAST_DAY:
        return start + relativedelta(months=n, day=31)
    day = schedule.day_of_month or start.day
    if frequency == Frequency.MONTHLY:
        return start + relativedelta(months=n, day=day)
    if frequency == Frequency.QUARTERLY:
        return start + relativedelta(months=3 * n, day=day)
    if frequency == Frequency.YEARLY:
        return start + relativedelta(years=n, day=day)
    raise ValueError(f"Unknown frequency {frequency!r}")


def due_dates(schedule: Schedule, *, after: dt.date | None = None, until: dt.date | None = None,
              limit: int | None = None) -> Iterator[dt.date]:
    """Due dates in order, those on or after ``after`` (if given) and on or before ``until`` and the end date."""
    last = schedule.end_date
    if until is not None:
        last = until if last is None else min(last, until)
    produced = 0
    for n in range(MAX_OCCURRENCES * 20):
        due = _nth(schedule, n)
        if n == 0 and due < schedule.start_date:  # a monthly day before the start day: first due next month
            continue
        if last is not None and due > last:
            return
        if after is not None and due < after:
            continue
        yield due
        produced += 1
        if produced >= MAX_OCCURRENCES or (limit is not None and produced >= limit):
            return


def first_due_on_or_after(schedule: Schedule, day: dt.date) -> dt.date | None:
    return next(due_dates(schedule, after=day, limit=1), None)


def due_after(schedule: Schedule, day: dt.date) -> dt.date | None:
    """The first due date strictly after ``day``: where next_due_date moves once ``day``'s occurrence is settled."""
    return first_due_on_or_after(schedule, day + dt.timedelta(days=1))
