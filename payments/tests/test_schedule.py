"""Due dates as a user reads them on their bills: month ends, February, leap days, every N weeks/days."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from payments import schedule
from payments.models import Frequency


def bill(frequency: str, start: dt.date, *, interval: int = 1, day: int | None = None, end: dt.date | None = None):
    return SimpleNamespace(frequency=frequency, interval=interval, day_of_month=day, start_date=start, end_date=end)


def dates(plan, n: int, **kwargs) -> list[dt.date]:
    return list(schedule.due_dates(plan, limit=n, **kwargs))


def test_monthly_on_the_31st_falls_on_the_last_day_of_short_months_and_comes_back():
    plan = bill(Frequency.MONTHLY, dt.date(2027, 1, 31), day=31)
    assert dates(plan, 5) == [dt.date(2027, 1, 31), dt.date(2027, 2, 28), dt.date(2027, 3, 31),
                              dt.date(2027, 4, 30), dt.date(2027, 5, 31)]


def test_monthly_on_the_30th_in_a_leap_february():
    plan = bill(Frequency.MONTHLY, dt.date(2028, 1, 30), day=30)
    assert dates(plan, 3) == [dt.date(2028, 1, 30), dt.date(2028, 2, 29), dt.date(2028, 3, 30)]


def test_monthly_day_before_the_start_day_begins_next_month():
    plan = bill(Frequency.MONTHLY, dt.date(2026, 11, 20), day=5)
    assert dates(plan, 2) == [dt.date(2026, 12, 5), dt.date(2027, 1, 5)]


def test_last_day_of_month():
    plan = bill(Frequency.MONTHLY_LAST_DAY, dt.date(2027, 12, 15))
    assert dates(plan, 4) == [dt.date(2027, 12, 31), dt.date(2028, 1, 31), dt.date(2028, 2, 29),
                              dt.date(2028, 3, 31)]


def test_yearly_on_leap_day_is_paid_on_feb_28_in_common_years():
    plan = bill(Frequency.YEARLY, dt.date(2028, 2, 29))
    assert dates(plan, 5) == [dt.date(2028, 2, 29), dt.date(2029, 2, 28), dt.date(2030, 2, 28),
                              dt.date(2031, 2, 28), dt.date(2032, 2, 29)]


def test_quarterly_from_the_end_of_november():
    plan = bill(Frequency.QUARTERLY, dt.date(2026, 11, 30), day=30)
    assert dates(plan, 4) == [dt.date(2026, 11, 30), dt.date(2027, 2, 28), dt.date(2027, 5, 30),
                              dt.date(2027, 8, 30)]


@pytest.mark.parametrize(("frequency", "interval", "expected_gap"), [
    (Frequency.WEEKLY, 1, 7), (Frequency.EVERY_N_WEEKS, 2, 14), (Frequency.EVERY_N_DAYS, 10, 10),
])
def test_fixed_intervals(frequency, interval, expected_gap):
    plan = bill(frequency, dt.date(2026, 12, 28), interval=interval)
    got = dates(plan, 4)
    assert [(b - a).days for a, b in zip(got, got[1:], strict=False)] == [expected_gap] * 3


def test_end_date_stops_the_schedule_and_after_skips_the_past():
    plan = bill(Frequency.MONTHLY, dt.date(2026, 1, 15), day=15, end=dt.date(2026, 4, 15))
    assert list(schedule.due_dates(plan, after=dt.date(2026, 2, 16))) == [dt.date(2026, 3, 15), dt.date(2026, 4, 15)]
    assert schedule.due_after(plan, dt.date(2026, 4, 15)) is None
    assert schedule.due_after(plan, dt.date(2026, 1, 15)) == dt.date(2026, 2, 15)
