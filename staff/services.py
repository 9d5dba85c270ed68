"""Writes of the staff app: rolling activity up into ``ActivePeriod``."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from staff.models import ActivePeriod, ActivityRollup, Unit
from staff.period import utc_today
from staff.selectors import bucket, day_start, live_activity_sql

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _insert(*, since: dt.datetime, until: dt.datetime | None = None) -> None:
    """The people active from ``since``: their days from the audit log and transactions, then the weeks and
    months of those days. WHERE true: SQLite would read "ON CONFLICT" after a bare FROM as a join's ON."""
    live, params = live_activity_sql(since=since, until=until)
    table = ActivePeriod._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (unit, start, user_id) SELECT DISTINCT %s, d, u FROM ({live}) live "
                       f"WHERE true ON CONFLICT (unit, start, user_id) DO NOTHING", [Unit.DAY.value, *params])
        for unit in (Unit.WEEK, Unit.MONTH):
            cursor.execute(f"INSERT INTO {table} (unit, start, user_id) SELECT DISTINCT %s, {bucket('start', unit)}, "
                           f"user_id FROM {table} WHERE unit = %s AND start >= %s "
                           f"ON CONFLICT (unit, start, user_id) DO NOTHING",
                           [unit.value, Unit.DAY.value, since.date()])


@transaction.atomic
def activity_rollup(*, today: dt.date | None = None) -> int:
    """Bring ActivePeriod up to date, one row per person and day (and week, and month): every whole day not rolled up yet (all of history
    the first time; yesterday on a normal day), then today so far. Returns the whole days rolled up.

    Past days never change (audit entries and transactions are stamped when made), so a whole day is read once;
    today is read again on each call and gains the people active since (a row is never inserted twice: the
    day and user are unique, and a concurrent call inserts nothing twice either)."""
    today = today or utc_today()
    yesterday = today - dt.timedelta(days=1)
    marker, _ = ActivityRollup.objects.select_for_update().get_or_create(pk=1)
    first = marker.complete_through + dt.timedelta(days=1) if marker.complete_through else None
    days = 0
    if first is None or first <= yesterday:
        _insert(since=day_start(first) if first else EPOCH, until=day_start(today))
        marker.complete_through = yesterday
        marker.save(update_fields=["complete_through"])
        days = (yesterday - first).days + 1 if first else 1
    _insert(since=day_start(today))
    return days
