"""The staff pages' figures: every one a count or a sum grouped in the database, in a fixed number of queries
whatever the number of people. Nothing here returns a person's row, description or amount.

Activity: a person is *active* on a day when they did something Finsight records with them as the one who
acted: any entry of the audit log they made (signing in on a page or in the app, changing a setting, importing
a file, asking for their data, ...; a failed sign-in is not counted, as anyone can type an address) or a
transaction they created (by hand, by sentence, by import or from a receipt). ``last_login`` alone is not
enough: it keeps only the last day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, F, Max, Q, QuerySet, Sum

from accounts.models import User
from alerts.models import Alert
from audit.models import AuditAction, AuditEntry
from core.day_sql import UTCDay, UTCMonth
from core.models import JobRun, JobStatus
from notifications.models import Delivery
from staff.models import ActivePeriod, Unit
from staff.period import Period, as_date
from transactions.models import ImportBatch, ImportStatus, Transaction

# --- people -------------------------------------------------------------------------------------------------


def people() -> QuerySet[User]:
    """Accounts of people: not the Former member stand-ins a deleted person leaves in their groups."""
    return User.objects.filter(former_member__isnull=True)


def signups_by_day(*, period: Period) -> dict[dt.date, int]:
    rows = (people().filter(date_joined__gte=period.since, date_joined__lt=period.until)
            .annotate(day=UTCDay("date_joined")).values("day").annotate(n=Count("id")).order_by())
    return {as_date(row["day"]): row["n"] for row in rows}


def live_activity_sql(*, since: dt.datetime, until: dt.datetime | None = None) -> tuple[str, list[Any]]:
    """SELECT u, d: who was active on which day (UTC) from ``since``, read from the audit log and transactions
    themselves; a UNION, so a person counts once a day whatever they did."""
    audit = (AuditEntry.objects.filter(created_at__gte=since, actor__isnull=False)
             .exclude(action=AuditAction.SIGN_IN_FAILED).annotate(u=F("actor_id")).order_by())
    created = Transaction.objects.filter(created_at__gte=since).annotate(u=F("owner_id")).order_by()
    if until is not None:
        audit, created = audit.filter(created_at__lt=until), created.filter(created_at__lt=until)
    parts = [queryset.annotate(d=UTCDay("created_at")).values_list("u", "d").query.sql_with_params()
             for queryset in (audit, created)]
    return " UNION ".join(sql for sql, _ in parts), [param for _, params in parts for param in params]


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def bucket(column: str, unit: str) -> str:
    """SQL for the first day of the day, week (Monday) or month of a date column, built into each database (no
    function written in Python runs per row on SQLite)."""
    if unit == "day":
        return column
    if connection.vendor == "postgresql":
        return f"date_trunc('{unit}', {column})::date"
    if unit == "month":
        return f"substr({column}, 1, 7) || '-01'"
    return f"date({column}, '-' || ((CAST(strftime('%%w', {column}) AS INTEGER) + 6) %% 7) || ' days')"


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def active_by(*, unit: str, first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """Active people per day, week (from Monday) or month whose first day is from ``first`` to ``last``:
    {first day: count}. Read from the rollup, which ``services.activity_rollup`` brings up to date first."""
    rows = (ActivePeriod.objects.filter(unit=unit, start__gte=first, start__lte=last)
            .values("start").annotate(n=Count("id")).order_by())
    return {as_date(row["start"]): row["n"] for row in rows}


def active_last(*, end: dt.date, windows: tuple[int, ...]) -> dict[int, int]:
    """People active in the last N days to ``end`` (inclusive), for each N of ``windows``; one query."""
    days = ActivePeriod.objects.filter(unit=Unit.DAY, start__gte=end - dt.timedelta(days=max(windows) - 1),
                                       start__lte=end)
    counts = days.aggregate(**{
        str(n): Count("user_id", distinct=True, filter=Q(start__gte=end - dt.timedelta(days=n - 1))) for n in windows})
    return {n: counts[str(n)] for n in windows}


def retention(*, cohorts: list[dt.date], last: dt.date) -> tuple[dict[dt.date, int], dict[tuple[dt.date, dt.date], int]]:
    """Monthly cohorts by the month people joined: each cohort's size, and how many of it were active in each
    month since: (cohort month, activity month) -> people. Two queries."""
    since, until = day_start(cohorts[0]), day_start(last + dt.timedelta(days=1))
    joined = people().filter(date_joined__gte=since, date_joined__lt=until)
    sizes = {as_date(row["month"]): row["n"] for row in
             joined.annotate(month=UTCMonth("date_joined")).values("month").annotate(n=Count("id")).order_by()}
    users = User._meta.db_table
    cohort = month_of("people.date_joined")
    rows = _rows(f"SELECT {cohort} AS cohort, active.start, COUNT(*) FROM {ActivePeriod._meta.db_table} active "
                 f"JOIN {users} people ON people.id = active.user_id WHERE active.unit = %s AND active.start >= %s "
                 f"AND active.start <= %s AND people.date_joined >= %s AND people.date_joined < %s "
                 f"GROUP BY cohort, active.start", [Unit.MONTH.value, cohorts[0], last, since, until])
    return sizes, {(as_date(cohort), as_date(month)): count for cohort, month, count in rows}


def month_of(column: str) -> str:
    """SQL for the first day of the month (UTC) of a datetime column."""
    if connection.vendor == "postgresql":
        return f"date_trunc('month', {column} AT TIME ZONE 'UTC')::date"
    return f"substr({column}, 1, 7) || '-01'"


def people_totals() -> dict[str, int]:
    return people().aggregate(total=Count("id"), active=Count("id", filter=Q(is_active=True)),
                              staff=Count("id", filter=Q(is_staff=True)))


# --- the system ---------------------------------------------------------------------------------------------


def jobs_by_name(*, period: Period) -> list[dict[str, Any]]:
    return list(JobRun.objects.filter(started_at__gte=period.since, started_at__lt=period.until)
                .values("name").annotate(runs=Count("id"), failures=Count("id", filter=Q(status=JobStatus.FAILED)),
                                         avg_ms=Avg("duration_ms"), last_started=Max("started_at"))
                .order_by("name"))


def imports_by_day(*, period: Period) -> dict[dt.date, dict[str, int]]:
    rows = (ImportBatch.objects.filter(created_at__gte=period.since, created_at__lt=period.until)
            .annotate(day=UTCDay("created_at")).values("day")
            .annotate(files=Count("id"), failed=Count("id", filter=Q(status=ImportStatus.FAILED)),
                      created=Sum("created_count"))
            .order_by())
    return {as_date(row["day"]): {"files": row["files"], "failed": row["failed"], "created": row["created"] or 0}
            for row in rows}


def alerts_by_day(*, period: Period) -> dict[dt.date, dict[str, int]]:
    rows = (Alert.objects.filter(created_at__gte=period.since, created_at__lt=period.until)
            .annotate(day=UTCDay("created_at")).values("day", "level").annotate(n=Count("id")).order_by())
    found: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for row in rows:
        found[as_date(row["day"])][row["level"]] = row["n"]
    return found


def alert_answers(*, period: Period) -> dict[tuple[str, str], int]:
    """(level, status) -> alerts raised in the range, by how people answered them."""
    rows = (Alert.objects.filter(created_at__gte=period.since, created_at__lt=period.until)
            .values("level", "status").annotate(n=Count("id")).order_by())
    return {(row["level"], row["status"]): row["n"] for row in rows}


def deliveries_by_day(*, period: Period) -> dict[dt.date, dict[tuple[str, str], int]]:
    rows = (Delivery.objects.filter(created_at__gte=period.since, created_at__lt=period.until)
            .annotate(day=UTCDay("created_at")).values("day", "channel", "status").annotate(n=Count("id"))
            .order_by())
    found: dict[dt.date, dict[tuple[str, str], int]] = defaultdict(dict)
    for row in rows:
        found[as_date(row["day"])][(row["channel"], row["status"])] = row["n"]
    return found
