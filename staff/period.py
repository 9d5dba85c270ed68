"""The date range every staff page is filtered by, and turning what the database answers into dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils import timezone

DEFAULT_DAYS = 90
MAX_DAYS = 731


@dataclass(frozen=True)
class Period:
    """Whole days in UTC, ``start`` to ``end`` inclusive."""

    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=dt.UTC)

    @property
    def until(self) -> dt.datetime:
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def weeks(self) -> list[dt.date]:
        """The Mondays of the weeks the range touches."""
        first = self.start - dt.timedelta(days=self.start.weekday())
        return [first + dt.timedelta(weeks=n) for n in range((self.end - first).days // 7 + 1)]

    @property
    def months(self) -> list[dt.date]:
        """The first days of the months the range touches."""
        return months_between(self.start.replace(day=1), self.end.replace(day=1))


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def month_add(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def as_date(value: object) -> dt.date:
    """A truncated date as the database answers a raw query: a date, a datetime, or text on SQLite."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def utc_today() -> dt.date:
    return timezone.now().astimezone(dt.UTC).date()


class PeriodForm(forms.Form):
    start = forms.DateField(required=False, label="From")
    end = forms.DateField(required=False, label="To")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The first day comes after the last.")
        if start and end and (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(f"Choose at most {MAX_DAYS} days.")
        return cleaned


def period_from(data: dict[str, str] | object) -> tuple[Period, PeriodForm]:
    """The range the query string asks for; the last 90 days to today (UTC) when it asks for none or for
    something invalid (the form then carries the error)."""
    form = PeriodForm(data)  # type: ignore[arg-type]
    today = utc_today()
    end, start = today, today - dt.timedelta(days=DEFAULT_DAYS - 1)
    if form.is_valid():
        end = form.cleaned_data.get("end") or today
        start = form.cleaned_data.get("start") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        if start > end or (end - start).days >= MAX_DAYS:
            start = end - dt.timedelta(days=DEFAULT_DAYS - 1)
    return Period(start=start, end=end), form
