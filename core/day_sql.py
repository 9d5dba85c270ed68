"""Counting by day in the database: the UTC calendar day of a datetime column, computed by the database itself.

Django's ``TruncDate`` calls a function written in Python for every row on SQLite; over a few hundred thousand
rows that is most of a page's time. ``UTCDay`` is the stored UTC text's first ten characters there and a cast
on PostgreSQL; either way a ``date``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import DateField, Func


class UTCDay(Func):
    output_field = DateField()
    template = "CAST(%(expressions)s AS DATE)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django stores an aware datetime on SQLite as UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]".
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 10)", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(%(expressions)s AT TIME ZONE 'UTC')::date", **extra)


class UTCMonth(Func):
    """The first day of the UTC calendar month of a datetime column, as ``UTCDay`` does the day."""

    output_field = DateField()
    template = "CAST(DATE_TRUNC('month', %(expressions)s) AS DATE)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7) || '-01'", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection,
                           template="date_trunc('month', %(expressions)s AT TIME ZONE 'UTC')::date", **extra)
