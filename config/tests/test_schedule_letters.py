"""The schedule's monthly letters: at a month's start each active user gets the letter of the month before once,
when that month has ended on their clock."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from advisor.models import MonthlyLetter
from advisor.tests.test_letter import OCTOBER, household, two_months  # noqa: F401 - a fixture
from config import schedule
from core.models import JobRun
from notifications.models import Notification, NotificationKind
from transactions.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_the_month_start_job_writes_each_letter_once_when_the_month_has_ended_there(
        owner, other_user, household, django_capture_on_commit_callbacks):  # noqa: F811
    profile = other_user.financial_profile
    profile.timezone = "Pacific/Honolulu"  # UTC-10: still 31 October at 06:35 UTC on 1 November
    profile.save()
    two_months(AccountFactory(owner=other_user))

    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(dt.datetime(2026, 11, 1, 6, 35, tzinfo=dt.UTC), tick=False):
            schedule.monthly_letters.call_local()
            schedule.monthly_letters.call_local()  # the hourly re-check: done for the day
        assert list(MonthlyLetter.objects.values_list("user_id", "month")) == [(owner.pk, OCTOBER)]
        with time_machine.travel(dt.datetime(2026, 11, 2, 6, 35, tzinfo=dt.UTC), tick=False):
            schedule.monthly_letters.call_local()

    assert sorted(MonthlyLetter.objects.values_list("user_id", "month")) == [(owner.pk, OCTOBER),
                                                                              (other_user.pk, OCTOBER)]
    assert [run.outcome for run in JobRun.objects.filter(name="monthly_letters").order_by("pk")] == [
        {"users": 2, "month": "2026-10"}, {"users": 1, "month": "2026-10"}]
    assert Notification.objects.filter(kind=NotificationKind.MONTHLY_LETTER).count() == 2
