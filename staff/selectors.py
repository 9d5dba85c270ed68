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
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek

from accounts.models import User
from alerts.models import Alert
from audit.models import AuditAction, AuditEntry
from core.models import JobRun, JobStatus
from notifications.models import Delivery
from staff.period import Period, as_date
from transactions.models import ImportBatch, ImportStatus, Transaction

TRUNCS = {"day": TruncDate, "week": TruncWeek, "month": TruncMonth}


# --- people -------------------------------------------------------------------------------------------------


def people() -> QuerySet[User]:
    """Accounts of people: not the Former member stand-ins a deleted person leaves in their groups."""
    return User.objects.filter(former_member__isnull=True)


def signups_by_day(*, period: Period) -> dict[dt.date, int]:
    rows = (people().filter(date_joined__gte=period.since, date_joined__lt=period.until)
            .annotate(day=TruncDate("date_joined")).values("day").annotate(n=Count("id")).order_by())
    return {as_date(row["day"]): row["n"] for row in rows}


def _activity_sql(*, since: dt.datetime, until: dt.datetime, unit: str | None) -> tuple[str, list[Any]]:
    """SELECT u[, d]: who was active (and in which day, week or month), from the audit log and transactions
    created; a UNION, so a person counts once per period whatever they did."""
    audit = (AuditEntry.objects.filter(created_at__gte=since, created_at__lt=until, actor__isnull=False)
             .exclude(action=AuditAction.SIGN_IN_FAILED).annotate(u=F("actor_id")).order_by())
    created = (Transaction.objects.filter(created_at__gte=since, created_at__lt=until)
               .annotate(u=F("owner_id")).order_by())
    parts = []
    for queryset in (audit, created):
        selected: QuerySet[Any, Any] = (queryset.values_list("u") if unit is None else
                                        queryset.annotate(d=TRUNCS[unit]("created_at")).values_list("u", "d"))
        parts.append(selected.query.sql_with_params())
    return " UNION ".join(sql for sql, _ in parts), [param for _, params in parts for param in params]


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def active_by(*, unit: str, since: dt.datetime, until: dt.datetime) -> dict[dt.date, int]:
    """Active people per day, week (starting Monday) or month: {first day: count}."""
    activity, params = _activity_sql(since=since, until=until, unit=unit)
    rows = _rows(f"SELECT d, COUNT(DISTINCT u) FROM ({activity}) activity GROUP BY d", params)
    return {as_date(day): count for day, count in rows}


def active_between(*, since: dt.datetime, until: dt.datetime) -> int:
    activity, params = _activity_sql(since=since, until=until, unit=None)
    return int(_rows(f"SELECT COUNT(DISTINCT u) FROM ({activity}) activity", params)[0][0])


def retention(*, cohorts: list[dt.date], until: dt.datetime) -> tuple[dict[dt.date, int], dict[tuple[dt.date, dt.date], int]]:
    """Monthly cohorts by the month people joined: each cohort's size, and how many of it were active in each
    month since (cohort month, activity month) -> people. Two queries."""
    first = dt.datetime.combine(cohorts[0], dt.time.min, tzinfo=dt.UTC)
    joined = people().filter(date_joined__gte=first, date_joined__lt=until)
    sizes = {as_date(row["month"]): row["n"] for row in
             joined.annotate(month=TruncMonth("date_joined")).values("month").annotate(n=Count("id")).order_by()}
    members, member_params = (joined.annotate(uid=F("id"), cohort=TruncMonth("date_joined"))
                              .values_list("uid", "cohort").order_by().query.sql_with_params())
    activity, params = _activity_sql(since=first, until=until, unit="month")
    rows = _rows(f"SELECT members.cohort, activity.d, COUNT(DISTINCT activity.u) FROM ({activity}) activity "
                 f"JOIN ({members}) members ON members.uid = activity.u GROUP BY members.cohort, activity.d",
                 [*params, *member_params])
    return sizes, {(as_date(cohort), as_date(month)): count for cohort, month, count in rows}


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
            .annotate(day=TruncDate("created_at")).values("day")
            .annotate(files=Count("id"), failed=Count("id", filter=Q(status=ImportStatus.FAILED)),
                      created=Sum("created_count"))
            .order_by())
    return {as_date(row["day"]): {"files": row["files"], "failed": row["failed"], "created": row["created"] or 0}
            for row in rows}


def alerts_by_day(*, period: Period) -> dict[dt.date, dict[str, int]]:
    rows = (Alert.objects.filter(created_at__gte=period.since, created_at__lt=period.until)
            .annotate(day=TruncDate("created_at")).values("day", "level").annotate(n=Count("id")).order_by())
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
            .annotate(day=TruncDate("created_at")).values("day", "channel", "status").annotate(n=Count("id"))
            .order_by())
    found: dict[dt.date, dict[tuple[str, str], int]] = defaultdict(dict)
    for row in rows:
        found[as_date(row["day"])][(row["channel"], row["status"])] = row["n"]
    return found
