"""Bill reminders as users receive them: on their morning, in their timezone, once, by the channels they chose."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from notifications.models import Delivery, Notification, NotificationKind, NotificationPreferences
from payments import services
from payments.models import BillOccurrence, Frequency, OccurrenceStatus
from payments.reminders import bill_reminders_send

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def set_timezone(user, name: str) -> None:
    user.financial_profile.timezone = name
    user.financial_profile.save()


def netflix(user, *, due: dt.date, lead: int | None = None, **extra):
    return services.recurring_payment_create(
        user=user, name="Netflix", payee="Netflix", amount=Decimal("15.99"), currency="EUR",
        frequency=Frequency.MONTHLY, day_of_month=due.day, start_date=due, reminder_lead_days=lead,
        today=due - dt.timedelta(days=20), **extra)


def sweep(now: dt.datetime, capture) -> object:
    with capture(execute=True):
        return bill_reminders_send(now=now)


def reminders(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=NotificationKind.BILL_DUE).order_by("pk"))


def test_reminder_goes_out_on_the_morning_of_the_lead_day_in_the_users_timezone(
        owner, django_capture_on_commit_callbacks):
    set_timezone(owner, "Asia/Tokyo")
    netflix(owner, due=dt.date(2026, 12, 4), lead=3)      # remind on Tue 1 Dec, 08:00 Tokyo = Mon 23:00 UTC

    sweep(at(2026, 11, 30, 22, 30), django_capture_on_commit_callbacks)   # 07:30 in Tokyo: not yet
    assert reminders(owner) == []

    outcome = sweep(at(2026, 11, 30, 23, 5), django_capture_on_commit_callbacks)
    [reminder] = reminders(owner)
    assert outcome.due_sent == 1
    assert reminder.title == "Netflix: EUR 15.99 due in 3 days (Fri 4 Dec)"
    assert reminder.link == "/bills/upcoming/"
    [email] = mail.outbox
    assert email.to == [owner.email]
    assert "EUR 15.99" in email.subject and "Netflix" in email.subject
    assert "EUR 15.99" in email.body and "Fri 4 Dec 2026" in email.body
    html = email.alternatives[0][0]
    assert "EUR 15.99" in html and "/bills/upcoming/" in html
    occurrence = BillOccurrence.objects.get(recurring_payment__user=owner)
    assert (occurrence.due_date, occurrence.status) == (dt.date(2026, 12, 4), OccurrenceStatus.UPCOMING)


def test_same_instant_different_timezones(owner, other_user, django_capture_on_commit_callbacks):
    set_timezone(owner, "America/Los_Angeles")   # 2026-12-01 07:00 UTC is Nov 30 23:00 there
    set_timezone(other_user, "Europe/Berlin")    # and Dec 1 08:00 here
    netflix(owner, due=dt.date(2026, 12, 4), lead=3)
    netflix(other_user, due=dt.date(2026, 12, 4), lead=3)
    sweep(at(2026, 12, 1, 7, 0), django_capture_on_commit_callbacks)
    assert reminders(owner) == []
    assert len(reminders(other_user)) == 1


def test_rerunning_the_sweep_sends_nothing_new(owner, django_capture_on_commit_callbacks):
    netflix(owner, due=dt.date(2026, 12, 4), lead=3)
    first = sweep(at(2026, 12, 1, 9), django_capture_on_commit_callbacks)
    second = sweep(at(2026, 12, 1, 9, 15), django_capture_on_commit_callbacks)
    third = sweep(at(2026, 12, 2, 9), django_capture_on_commit_callbacks)
    assert (first.due_sent, second.due_sent, third.due_sent) == (1, 0, 0)
    assert second.already_sent == 1
    assert len(reminders(owner)) == 1 and len(mail.outbox) == 1


def test_a_consumer_down_for_days_catches_up_with_one_reminder(owner, django_capture_on_commit_callbacks):
    netflix(owner, due=dt.date(2026, 12, 4), lead=3)
    # Nobody swept on Dec 1, 2 or 3; the first sweep on the due day still reminds, once, as "today".
    sweep(at(2026, 12, 4, 6, 30), django_capture_on_commit_callbacks)
    [reminder] = reminders(owner)
    assert reminder.title == "Netflix: EUR 15.99 due today"


def test_preferences_pick_the_channels_and_the_lead_time(owner, django_capture_on_commit_callbacks):
    NotificationPreferences.objects.create(user=owner, email_kinds=[], in_app_kinds=["bill_due"],
                                           reminder_lead_days=7)
    netflix(owner, due=dt.date(2026, 12, 10))            # no lead on the bill: 7 days from preferences
    sweep(at(2026, 12, 2, 12), django_capture_on_commit_callbacks)
    assert reminders(owner) == []
    sweep(at(2026, 12, 3, 12), django_capture_on_commit_callbacks)
    [reminder] = reminders(owner)
    assert reminder.in_app and mail.outbox == []
    assert list(Delivery.objects.filter(notification=reminder).values_list("channel", flat=True)) == ["in_app"]


def test_email_only_keeps_the_inbox_clean(owner, django_capture_on_commit_callbacks):
    NotificationPreferences.objects.create(user=owner, email_kinds=["bill_due"], in_app_kinds=[])
    netflix(owner, due=dt.date(2026, 12, 4), lead=1)
    sweep(at(2026, 12, 3, 12), django_capture_on_commit_callbacks)
    [reminder] = reminders(owner)
    assert not reminder.in_app
    assert Notification.objects.for_user(owner).in_inbox().count() == 0
    assert len(mail.outbox) == 1 and "tomorrow" in mail.outbox[0].subject


def test_month_end_bill_is_reminded_before_february_28(owner, django_capture_on_commit_callbacks):
    services.recurring_payment_create(
        user=owner, name="Rent", payee="Landlord", amount=Decimal("950"), currency="EUR",
        frequency=Frequency.MONTHLY, day_of_month=31, start_date=dt.date(2027, 1, 31), reminder_lead_days=2,
        today=dt.date(2027, 2, 5))
    sweep(at(2027, 2, 26, 9), django_capture_on_commit_callbacks)
    [reminder] = reminders(owner)
    assert reminder.context["due_date"] == "2027-02-28"


def test_overdue_notice_once_after_the_window_closes(owner, django_capture_on_commit_callbacks):
    netflix(owner, due=dt.date(2026, 11, 10), lead=0)
    sweep(at(2026, 11, 15, 9), django_capture_on_commit_callbacks)      # due + 5 days window: not yet
    assert not Notification.objects.filter(kind=NotificationKind.BILL_OVERDUE).exists()
    outcome = sweep(at(2026, 11, 16, 9), django_capture_on_commit_callbacks)
    sweep(at(2026, 11, 16, 10), django_capture_on_commit_callbacks)
    [notice] = Notification.objects.filter(user=owner, kind=NotificationKind.BILL_OVERDUE)
    assert outcome.marked_overdue == 1 and outcome.overdue_sent == 1
    assert notice.title == "Overdue: Netflix EUR 15.99 was due Tue 10 Nov"
    assert notice.severity == "critical"
    overdue_mail = [m for m in mail.outbox if "Overdue" in m.subject]
    assert len(overdue_mail) == 1 and "EUR 15.99" in overdue_mail[0].body


def test_paused_and_inactive_users_get_nothing(owner, other_user, django_capture_on_commit_callbacks):
    bill = netflix(owner, due=dt.date(2026, 12, 4), lead=3)
    services.recurring_payment_pause(payment=bill, paused=True, today=dt.date(2026, 11, 20))
    netflix(other_user, due=dt.date(2026, 12, 4), lead=3)
    other_user.is_active = False
    other_user.save()
    sweep(at(2026, 12, 1, 12), django_capture_on_commit_callbacks)
    assert not Notification.objects.exists() and mail.outbox == []


def test_a_sweep_killed_half_way_is_finished_by_the_next_one_without_repeats(
        owner, monkeypatch, django_capture_on_commit_callbacks):
    from payments import reminders as module

    for name, day in (("Rent", 3), ("Phone", 4), ("Gym", 4)):
        services.recurring_payment_create(
            user=owner, name=name, payee=name, amount=Decimal("10"), currency="EUR", frequency=Frequency.MONTHLY,
            day_of_month=day, start_date=dt.date(2026, 12, day), reminder_lead_days=3, today=dt.date(2026, 11, 20))
    real_send, calls = module._send_due, []

    def dies_on_the_second(*args):
        calls.append(args)
        if len(calls) == 2:
            raise SystemExit("SIGTERM")     # the consumer is stopped mid-sweep
        return real_send(*args)

    monkeypatch.setattr(module, "_send_due", dies_on_the_second)
    with pytest.raises(SystemExit):
        sweep(at(2026, 12, 1, 9), django_capture_on_commit_callbacks)
    monkeypatch.setattr(module, "_send_due", real_send)
    assert len(reminders(owner)) == 1

    outcome = sweep(at(2026, 12, 1, 9, 15), django_capture_on_commit_callbacks)
    assert (outcome.due_sent, outcome.already_sent) == (2, 1)
    assert sorted(n.context["bill"] for n in reminders(owner)) == ["Gym", "Phone", "Rent"]
    assert len(mail.outbox) == 3


def test_deleting_a_reminder_does_not_bring_it_back(owner, client, django_capture_on_commit_callbacks):
    netflix(owner, due=dt.date(2026, 12, 4), lead=3)
    sweep(at(2026, 12, 1, 9), django_capture_on_commit_callbacks)
    [reminder] = reminders(owner)
    client.force_login(owner)
    assert client.post(f"/notifications/{reminder.pk}/delete/").status_code == 302
    assert Notification.objects.for_user(owner).in_inbox().count() == 0
    sweep(at(2026, 12, 1, 9, 15), django_capture_on_commit_callbacks)
    assert Notification.objects.for_user(owner).in_inbox().count() == 0
    assert len(mail.outbox) == 1
