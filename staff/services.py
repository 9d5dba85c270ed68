"""Writes of the staff app: rolling activity up into ``ActivePeriod``."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from staff.models import ActivePeriod, ActivityRollup, Unit
from staff.selectors import bucket, day_start, live_activity_sql

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
# Today is read again at most this often: a visit soon after another shows today as it was then. Reading it scans
# the transactions' creation times (they have no index of their own), the larger part of the page's time.
TODAY_REFRESH = dt.timedelta(seconds=60)


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
def activity_rollup(*, today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Bring ActivePeriod up to date, one row per person and day (and week, and month): every whole day not
    rolled up yet (all of history the first time; yesterday on a normal day), then today so far, read again at
    most once a TODAY_REFRESH. Returns the whole days rolled up.

    Past days never change (audit entries and transactions are stamped when made), so a whole day is read once;
    today gains the people active since its last reading (a row is never inserted twice: the day and user are
    unique, and a concurrent call inserts nothing twice either)."""
    now = now or timezone.now()
    today = today or now.astimezone(dt.UTC).date()
    yesterday = today - dt.timedelta(days=1)
    marker, _ = ActivityRollup.objects.select_for_update().get_or_create(pk=1)
    first = marker.complete_through + dt.timedelta(days=1) if marker.complete_through else None
    days = 0
    if first is None or first <= yesterday:
        _insert(since=day_start(first) if first else EPOCH, until=day_start(today))
        marker.complete_through = yesterday
        marker.save(update_fields=["complete_through"])
        days = (yesterday - first).days + 1 if first else 1
    if days or marker.today_read_at is None or not (dt.timedelta(0) <= now - marker.today_read_at < TODAY_REFRESH):
        _insert(since=day_start(today))
        marker.today_read_at = now
        marker.save(update_fields=["today_read_at"])
    return days
