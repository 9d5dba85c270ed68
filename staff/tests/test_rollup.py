from __future__ import annotations

import datetime as dt

from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from staff.models import ActivePeriod, ActivityRollup
from staff.period import utc_today
from staff.services import activity_rollup
from staff.tests.seed import at, world


def test_whole_days_are_rolled_up_once_and_today_on_every_visit(client, staff_user):
    people = world()
    ada = people["ada"]
    today = utc_today()
    client.force_login(staff_user)  # a sign-in: the staff member is active today too
    audit_record(action=AuditAction.SIGN_IN, actor=ada, target=ada)  # now: today
    audit_record(action=AuditAction.SIGN_IN_FAILED, target=people["cy"], now=at(today - dt.timedelta(days=1)))
    assert activity_rollup(today=today) >= 1
    assert ActivityRollup.objects.get().complete_through == today - dt.timedelta(days=1)
    pairs = set(ActivePeriod.objects.filter(unit="day").values_list("user_id", "start"))
    assert (ada.pk, dt.date(2026, 9, 3)) in pairs and (people["ben"].pk, dt.date(2026, 10, 5)) in pairs
    assert (ada.pk, today) in pairs  # today so far, read again on the next call
    assert not any(user == people["cy"].pk for user, _ in pairs)  # a failed sign-in is nobody's activity
    months = set(ActivePeriod.objects.filter(unit="month", user_id=ada.pk).values_list("start", flat=True))
    assert {dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)} <= months
    weeks = set(ActivePeriod.objects.filter(unit="week", user_id=ada.pk).values_list("start", flat=True))
    assert dt.date(2026, 8, 31) in weeks and all(week.weekday() == 0 for week in weeks)  # 3 Sep 2026 is a Thursday
    assert activity_rollup(today=today) == 0  # nothing twice
    response = client.get("/staff/users/")
    daily = {row[0]: row[2] for row in next(t for t in response.context["tables"] if t.key == "daily").rows}
    assert daily[today.isoformat()] == 2  # live: Ada, and the staff member signing in to look
    cards = {card["label"]: card["value"] for card in response.context["cards"]}
    assert cards["Active in the last 7 days"] == 2


def test_the_next_day_rolls_up_only_that_day(db):
    world()
    today = utc_today()
    activity_rollup(today=today - dt.timedelta(days=1))
    assert activity_rollup(today=today) == 1


def test_today_is_read_again_at_most_once_a_minute(db):
    people = world()
    now = timezone.now()
    activity_rollup(now=now)
    audit_record(action=AuditAction.SIGN_IN, actor=people["cy"], target=people["cy"])
    today_rows = ActivePeriod.objects.filter(unit="day", start=utc_today())
    activity_rollup(now=now + dt.timedelta(seconds=30))
    assert not today_rows.filter(user_id=people["cy"].pk).exists()  # read 30 s ago: as it was then
    activity_rollup(now=now + dt.timedelta(seconds=61))
    assert today_rows.filter(user_id=people["cy"].pk).exists()
