"""The notifications pages: inbox, unread tab, mark read, delete, open, the nav badge and preferences."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, NotificationKind, NotificationPreferences, Severity

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def note(user, title="Netflix due tomorrow", *, read=False, minutes_ago=0, **fields) -> Notification:
    notification = Notification.objects.create(
        user=user, kind=fields.pop("kind", NotificationKind.BILL_DUE), title=title,
        body=fields.pop("body", "EUR 15.99 from Main checking."), link=fields.pop("link", "/bills/"),
        read_at=timezone.now() if read else None, **fields)
    if minutes_ago:
        Notification.objects.filter(pk=notification.pk).update(
            created_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return notification


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def test_pages_need_a_login(client, owner):
    mine = note(owner)
    for url in [reverse("notifications:list"), reverse("notifications:badge"), reverse("notifications:preferences"),
                reverse("notifications:open", args=[mine.pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert client.post(reverse("notifications:mark_all_read")).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is None


def test_list_shows_my_notifications_newest_first_with_their_actions(signed_in, owner, other_user):
    note(owner, "Rent is overdue", severity=Severity.CRITICAL, kind=NotificationKind.BILL_OVERDUE, minutes_ago=90)
    note(owner, "Netflix due tomorrow", body="EUR 15.99 from Main checking.")
    note(owner, "Spotify went up", read=True, minutes_ago=3000, kind=NotificationKind.PRICE_RISE, link="")
    note(other_user, "Oscar's secret bill")
    note(owner, "Email-only digest", in_app=False)

    response = signed_in.get(reverse("notifications:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Oscar's secret bill" not in html and "Oscar&#x27;s secret bill" not in html
    assert "Email-only digest" not in html
    assert html.index("Netflix due tomorrow") < html.index("Rent is overdue") < html.index("Spotify went up")
    assert "EUR 15.99 from Main checking." in html
    assert "1\xa0hour, 30\xa0minutes ago" in html
    assert "just now" in html
    assert 'text-rose-600" title="Critical"' in html  # the critical one is red
    assert html.count(">Mark read</button>") == 2  # not on the read one
    assert html.count(">Open</a>") == 2  # the price rise has no link
    assert html.count(">Delete</button>") == 3
    assert "Mark all as read" in html
    assert reverse("notifications:preferences") in html


def test_unread_tab_shows_only_unread(signed_in, owner):
    note(owner, "Unread one")
    note(owner, "Already read", read=True)

    html = signed_in.get(reverse("notifications:list") + "?show=unread").content.decode()

    assert "Unread one" in html
    assert "Already read" not in html
    assert 'aria-current="page">Unread' in html


def test_unread_tab_when_all_read_says_so(signed_in, owner):
    note(owner, "Already read", read=True)

    html = signed_in.get(reverse("notifications:list") + "?show=unread").content.decode()

    assert "You're all caught up" in html
    assert "Mark all as read" not in html


def test_list_is_paginated_and_runs_constant_queries(signed_in, owner, django_assert_max_num_queries):
    for n in range(3):
        note(owner, f"Bill {n}")
    with django_assert_max_num_queries(7):  # 7 with the pending-deletion banner's read (privacy)
        assert signed_in.get(reverse("notifications:list")).status_code == 200
    for n in range(3, 45):
        note(owner, f"Bill {n}")
    with django_assert_max_num_queries(7):
        first = signed_in.get(reverse("notifications:list"))
    assert "1–20 of 45" in first.content.decode()
    last = signed_in.get(reverse("notifications:list") + "?page=3").content.decode()
    assert "41–45 of 45" in last
    assert signed_in.get(reverse("notifications:list") + "?page=banana").status_code == 200


def test_mark_read_without_htmx_redirects_back_with_a_message(signed_in, owner):
    mine = note(owner, "Netflix due tomorrow")

    response = signed_in.post(reverse("notifications:mark_read", args=[mine.pk]),
                              {"next": reverse("notifications:list") + "?show=unread"}, follow=True)

    mine.refresh_from_db()
    assert mine.read_at is not None
    assert response.redirect_chain[-1][0] == reverse("notifications:list") + "?show=unread"
    assert "Marked “Netflix due tomorrow” as read." in response.content.decode()


def test_mark_read_with_htmx_swaps_the_list_and_the_badge(signed_in, owner):
    mine = note(owner, "Netflix due tomorrow")
    note(owner, "Rent due soon")

    response = signed_in.post(reverse("notifications:mark_read", args=[mine.pk]), {"show": "all", "page": "1"},
                              **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="notification-list"')
    assert html.count(">Mark read</button>") == 1  # only Rent is still unread
    assert 'aria-label="Mark “Netflix due tomorrow” as read"' not in html
    assert 'id="nav-notifications" href="/notifications/" hx-swap-oob="true"' in html
    assert 'aria-label="Notifications: 1 unread"' in html


def test_mark_read_with_htmx_on_the_unread_tab_keeps_the_tab(signed_in, owner):
    for n in range(25):
        note(owner, f"Bill {n}")
    mine = note(owner, "Netflix due tomorrow")

    html = signed_in.post(reverse("notifications:mark_read", args=[mine.pk]), {"show": "unread", "page": "1"},
                          **HTMX).content.decode()

    assert "Netflix due tomorrow" not in html
    assert "1–20 of 25" in html
    assert 'href="?show=unread&amp;page=2"' in html


def test_mark_all_read_marks_only_mine(signed_in, owner, other_user):
    note(owner, "One")
    note(owner, "Two")
    theirs = note(other_user, "Theirs")

    response = signed_in.post(reverse("notifications:mark_all_read"), follow=True)

    assert "Marked 2 notifications as read." in response.content.decode()
    assert not Notification.objects.filter(user=owner, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_with_htmx_returns_the_list(signed_in, owner):
    note(owner, "One")

    html = signed_in.post(reverse("notifications:mark_all_read"), {"show": "unread", "page": "1"}, **HTMX).content.decode()

    assert 'id="notification-list"' in html
    assert "You're all caught up" in html
    assert "Marked 1 notification as read." in html
    assert 'aria-label="Notifications"' in html  # the badge, now without a count


def test_mark_all_read_with_nothing_unread_says_so(signed_in, owner):
    response = signed_in.post(reverse("notifications:mark_all_read"), follow=True)
    assert "Nothing to mark" in response.content.decode()


def test_delete_removes_the_notification(signed_in, owner):
    mine = note(owner, "Netflix due tomorrow")

    response = signed_in.post(reverse("notifications:delete", args=[mine.pk]), follow=True)

    assert "Deleted “Netflix due tomorrow”." in response.content.decode()
    assert not Notification.objects.filter(pk=mine.pk).exists()


def test_delete_with_htmx_returns_the_list_without_it(signed_in, owner):
    mine = note(owner, "Netflix due tomorrow")
    note(owner, "Rent due soon")

    html = signed_in.post(reverse("notifications:delete", args=[mine.pk]), **HTMX).content.decode()

    assert "Netflix due tomorrow" not in html
    assert "Rent due soon" in html
    assert 'aria-label="Notifications: 1 unread"' in html
    assert not Notification.objects.filter(pk=mine.pk).exists()


def test_another_users_notification_is_a_404_everywhere(signed_in, other_user):
    theirs = note(other_user, "Oscar's bill")
    assert signed_in.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    assert signed_in.post(reverse("notifications:mark_read", args=[theirs.pk]), **HTMX).status_code == 404
    assert signed_in.post(reverse("notifications:delete", args=[theirs.pk])).status_code == 404
    assert signed_in.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert signed_in.post(reverse("notifications:mark_read", args=[10**17])).status_code == 404
    assert signed_in.get("/notifications/99999999999999999999999/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_open_marks_read_and_follows_an_internal_link(signed_in, owner):
    mine = note(owner, link="/bills/7/")

    response = signed_in.get(reverse("notifications:open", args=[mine.pk]))

    assert response.status_code == 302
    assert response.url == "/bills/7/"
    mine.refresh_from_db()
    assert mine.read_at is not None


@pytest.mark.parametrize("link", ["", "https://evil.example/", "//evil.example/", "/\\evil.example", "bills/"])
def test_open_never_leaves_finsight(signed_in, owner, link):
    mine = note(owner, link=link)

    response = signed_in.get(reverse("notifications:open", args=[mine.pk]))

    assert response.status_code == 302
    assert response.url == reverse("notifications:list")


def test_badge_shows_my_unread_in_app_count(signed_in, owner, other_user, django_assert_max_num_queries):
    for n in range(3):
        note(owner, f"Bill {n}")
    note(owner, "Read", read=True)
    note(owner, "Email only", in_app=False)
    note(other_user, "Theirs")

    with django_assert_max_num_queries(4):  # session, user, financial profile (time zone), the count
        response = signed_in.get(reverse("notifications:badge"))

    html = response.content.decode()
    assert 'id="nav-notifications"' in html
    assert 'hx-trigger="every 60s"' in html and 'hx-swap="outerHTML"' in html
    assert f'href="{reverse("notifications:list")}"' in html
    assert 'aria-label="Notifications: 3 unread"' in html
    assert ">3</span>" in html


def test_badge_hides_the_count_at_zero_and_caps_it(signed_in, owner):
    html = signed_in.get(reverse("notifications:badge")).content.decode()
    assert 'class="hidden"' in html
    assert 'aria-label="Notifications"' in html

    Notification.objects.bulk_create([Notification(user=owner, kind=NotificationKind.BILL_DUE, title=f"B{n}")
                                      for n in range(120)])
    assert ">99+</span>" in signed_in.get(reverse("notifications:badge")).content.decode()


def test_preferences_page_shows_the_grid_with_my_choices(signed_in, owner):
    html = signed_in.get(reverse("notifications:preferences")).content.decode()

    assert "Bill due soon" in html and "High-risk charge" in html and "Unusual charge" in html
    assert 'value="price_rise"' not in html  # price rises arrive as alerts now
    assert 'name="in_app_kinds" value="weekly_digest"' not in html  # the digest has its own switch
    assert 'name="email_kinds" value="bill_due" id="email_bill_due" checked' in html
    assert re.search(r'id="email_bill_paid"\s+class', html)  # off by default
    assert 'value="3"' in html
    assert "Weekly digest email" in html


def test_preferences_save(signed_in, owner):
    response = signed_in.post(reverse("notifications:preferences"), {
        "in_app_kinds": ["bill_due", "subscription_found"], "email_kinds": ["bill_paid"],
        "reminder_lead_days": "7",
    }, follow=True)

    assert "Notification preferences saved." in response.content.decode()
    prefs = NotificationPreferences.objects.get(user=owner)
    assert prefs.in_app_kinds == ["bill_due", "subscription_found"]
    assert prefs.email_kinds == ["bill_paid"]
    assert prefs.reminder_lead_days == 7
    assert prefs.weekly_digest is False


@pytest.mark.parametrize(("data", "message"), [
    ({"reminder_lead_days": "61"}, "Choose a number of days from 0 to 60."),
    ({"reminder_lead_days": "-1"}, "Choose a number of days from 0 to 60."),
    ({"reminder_lead_days": "soon"}, "Enter a whole number of days from 0 to 60."),
    ({"reminder_lead_days": ""}, "Say how many days before a bill is due to remind you"),
    ({"reminder_lead_days": "3", "email_kinds": ["bill_due", "lottery_win"]}, "lottery_win is not one of the available"),
])
def test_preferences_refuse_bad_input_and_change_nothing(signed_in, owner, data, message):
    response = signed_in.post(reverse("notifications:preferences"), {"in_app_kinds": ["bill_due"], **data})

    assert response.status_code == 200
    assert message in response.content.decode()
    prefs = NotificationPreferences.objects.filter(user=owner).first()
    assert prefs is None or (prefs.reminder_lead_days == 3 and "bill_overdue" in prefs.in_app_kinds)
    assert 'name="in_app_kinds" value="bill_due" id="in_app_bill_due" checked' in response.content.decode()


@pytest.fixture
def admin_client(client, db):
    from accounts.models import Role
    from accounts.services import role_grant
    from accounts.tests.factories import UserFactory

    client.force_login(role_grant(user=UserFactory(email="ada@example.com"), role=Role.ADMIN))
    return client


def test_admin_lists_notifications_with_their_deliveries(admin_client, owner):
    from notifications.models import Delivery

    mine = note(owner, "Rent is overdue")
    Delivery.objects.create(notification=mine, channel="email", status="failed", attempts=6, last_error="SMTP down")

    listing = admin_client.get("/admin/notifications/notification/", {"q": "owner@example"}).content.decode()
    assert "Rent is overdue" in listing
    assert "Rent is overdue" in admin_client.get("/admin/notifications/notification/", {"read": "no"}).content.decode()
    assert "Rent is overdue" not in admin_client.get("/admin/notifications/notification/",
                                                     {"read": "yes"}).content.decode()
    detail = admin_client.get(f"/admin/notifications/notification/{mine.pk}/change/").content.decode()
    assert "SMTP down" in detail
    assert admin_client.get("/admin/notifications/notificationpreferences/").status_code == 200


def test_admin_retry_now_puts_failed_deliveries_back_in_the_queue(admin_client, owner, django_capture_on_commit_callbacks):
    from django.core import mail

    from notifications.models import Delivery, DeliveryStatus

    failed = Delivery.objects.create(notification=note(owner, "Rent is overdue"), channel="email",
                                     status=DeliveryStatus.FAILED, attempts=6, last_error="SMTP down",
                                     next_attempt_at=timezone.now() + dt.timedelta(hours=1))
    sent = Delivery.objects.create(notification=note(owner, "Paid"), channel="email", status=DeliveryStatus.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/notifications/delivery/", {
            "action": "retry_now", "_selected_action": [failed.pk, sent.pk]}, follow=True)

    assert "1 delivery queued to send again. 1 already sent or sending, left alone." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.SENT and failed.last_error == ""
    assert [message.subject for message in mail.outbox] == ["Rent is overdue"]
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.SENT
