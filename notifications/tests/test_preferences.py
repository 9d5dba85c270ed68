"""preferences_update: what a user chooses decides where the next notifications go."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from notifications.models import Channel, Delivery, NotificationKind, NotificationPreferences
from notifications.preferences import preferences_update
from notifications.services import notification_create, preferences_get

pytestmark = pytest.mark.django_db


def test_saves_choices_in_a_stable_order_without_duplicates(owner):
    prefs = preferences_update(user=owner, in_app_kinds=["subscription_found", "bill_due", "subscription_found"],
                               email_kinds=["bill_overdue"], reminder_lead_days=14, weekly_digest=False)

    stored = NotificationPreferences.objects.get(user=owner)
    assert stored.in_app_kinds == ["bill_due", "subscription_found"] == prefs.in_app_kinds
    assert stored.email_kinds == ["bill_overdue"]
    assert stored.reminder_lead_days == 14
    assert stored.weekly_digest is False
    assert preferences_get(user=owner) is prefs  # the cached copy follows the change


def test_unknown_kinds_are_named_and_nothing_changes(owner):
    with pytest.raises(ValidationError) as refused:
        preferences_update(user=owner, in_app_kinds=["bill_due", "lottery_win"], email_kinds=["weekly_digest"],
                           reminder_lead_days=99, weekly_digest=True)

    errors = refused.value.message_dict
    assert "lottery_win" in errors["in_app_kinds"][0]
    assert "weekly_digest" in errors["email_kinds"][0]
    assert errors["reminder_lead_days"] == ["Choose a number of days from 0 to 60."]
    assert not NotificationPreferences.objects.filter(user=owner, reminder_lead_days=99).exists()


@pytest.mark.parametrize("days", [-1, 61, True, "3", None])
def test_lead_days_must_be_a_whole_number_from_0_to_60(owner, days):
    with pytest.raises(ValidationError):
        preferences_update(user=owner, in_app_kinds=[], email_kinds=[], reminder_lead_days=days, weekly_digest=True)


@pytest.mark.parametrize("days", [0, 60])
def test_lead_days_bounds_are_allowed(owner, days):
    assert preferences_update(user=owner, in_app_kinds=[], email_kinds=[], reminder_lead_days=days,
                              weekly_digest=True).reminder_lead_days == days


def test_new_notifications_follow_the_saved_choices(owner, django_capture_on_commit_callbacks):
    preferences_update(user=owner, in_app_kinds=["bill_paid"], email_kinds=["bill_paid"], reminder_lead_days=3,
                       weekly_digest=False)

    with django_capture_on_commit_callbacks(execute=True):
        due = notification_create(user=owner, kind=NotificationKind.BILL_DUE, title="Netflix due tomorrow")
        paid = notification_create(user=owner, kind=NotificationKind.BILL_PAID, title="Rent paid")
        digest = notification_create(user=owner, kind=NotificationKind.WEEKLY_DIGEST, title="Your week")

    assert due.in_app is False and not Delivery.objects.filter(notification=due).exists()
    assert paid.in_app is True
    assert set(Delivery.objects.filter(notification=paid).values_list("channel", flat=True)) == {
        Channel.IN_APP, Channel.EMAIL}
    assert not Delivery.objects.filter(notification=digest).exists()
    assert [message.subject for message in mail.outbox] == ["Rent paid"]
