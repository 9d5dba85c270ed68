"""The rollup the staff pages count active people from: one row per person per day, week (from Monday) and
month (UTC) they were active, so each figure is a COUNT(*) over an index rather than a COUNT(DISTINCT) over the
audit log and every transaction.

Filled from the audit log and transactions by ``services.activity_rollup``: whole days once, today again on each
visit. ``user_id`` has no foreign key, as ``core.JobRun``'s: a deleted person's past days still count in the
days they were active (a number and a date, nothing about them), and no longer in any cohort (cohorts are read
from the accounts that exist).
"""

from __future__ import annotations

from django.db import models


class Unit(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week from Monday"
    MONTH = "month", "Month"


class ActivePeriod(models.Model):
    unit = models.CharField(max_length=5, choices=Unit.choices)
    start = models.DateField(help_text="The day, the week's Monday or the month's first day.")
    user_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "start", "user_id"], name="staff_activeperiod_unique")]

    def __str__(self) -> str:
        return f"user {self.user_id} active in the {self.unit} of {self.start}"


class ActivityRollup(models.Model):
    """One row: the last whole day (UTC) rolled up into ActivePeriod, and when today was last read."""

    complete_through = models.DateField(null=True, blank=True)
    today_read_at = models.DateTimeField(null=True, blank=True, help_text="When today so far was last read.")

    def __str__(self) -> str:
        return f"rolled up through {self.complete_through}"
