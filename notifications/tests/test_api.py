"""The notifications API: list with the unread filter, retrieve, delete, mark read, unread count, preferences."""

from __future__ import annotations

import pytest
from django.utils import timezone

from notifications.models import Notification, NotificationKind, NotificationPreferences, Severity

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def note(user, title="Netflix due tomorrow", *, read=False, **fields) -> Notification:
    return Notification.objects.create(user=user, kind=fields.pop("kind", NotificationKind.BILL_DUE), title=title,
                                       body=fields.pop("body", "EUR 15.99"), link=fields.pop("link", "/bills/"),
                                       read_at=timezone.now() if read else None, **fields)


def test_anonymous_gets_401(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.get(f"{URL}unread-count/").status_code == 401
    assert api_client.get(f"{URL}preferences/").status_code == 401


def test_list_is_mine_newest_first_with_the_documented_fields(owner_api, owner, other_user):
    older = note(owner, "Rent overdue", severity=Severity.CRITICAL, kind=NotificationKind.BILL_OVERDUE)
    newer = note(owner, "Netflix due tomorrow", read=True)
    note(other_user, "Oscar's bill")
    note(owner, "Email only", in_app=False)

    response = owner_api.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    row = body["results"][1]
    assert set(row) == {"id", "kind", "title", "body", "link", "severity", "created_at", "read_at", "is_read"}
    assert row["kind"] == "bill_overdue" and row["severity"] == "critical" and row["is_read"] is False
    assert body["results"][0]["is_read"] is True and body["results"][0]["read_at"]


@pytest.mark.parametrize(("value", "titles"), [("true", ["Unread"]), ("false", ["Read"]), ("", ["Read", "Unread"])])
def test_unread_filter(owner_api, owner, value, titles):
    note(owner, "Unread")
    note(owner, "Read", read=True)

    response = owner_api.get(URL, {"unread": value})

    assert sorted(row["title"] for row in response.json()["results"]) == titles


def test_bad_unread_value_is_a_clear_400(owner_api, owner):
    response = owner_api.get(URL, {"unread": "maybe"})

    assert response.status_code == 400
    assert response.json() == {"message": "unread: Use unread=true or unread=false, not 'maybe'.", "code": "invalid",
                               "fields": {"unread": ["Use unread=true or unread=false, not 'maybe'."]}, "extra": {}}


def test_list_pages_and_runs_constant_queries(owner_api, owner, django_assert_max_num_queries):
    note(owner, "First")
    with django_assert_max_num_queries(4):
        owner_api.get(URL)
    Notification.objects.bulk_create([Notification(user=owner, kind="bill_due", title=f"B{n}") for n in range(80)])
    with django_assert_max_num_queries(4):
        response = owner_api.get(URL, {"page_size": 30, "page": 2})
    body = response.json()
    assert body["count"] == 81 and len(body["results"]) == 30 and body["next"] and body["previous"]


def test_retrieve_and_delete(owner_api, owner):
    mine = note(owner, "Netflix due tomorrow")

    assert owner_api.get(f"{URL}{mine.pk}/").json()["title"] == "Netflix due tomorrow"
    assert owner_api.delete(f"{URL}{mine.pk}/").status_code == 204
    assert not Notification.objects.filter(pk=mine.pk).exists()
    assert owner_api.get(f"{URL}{mine.pk}/").status_code == 404


def test_mark_one_read(owner_api, owner):
    mine = note(owner)

    response = owner_api.post(f"{URL}{mine.pk}/read/")

    assert response.status_code == 200
    assert response.json()["is_read"] is True
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert owner_api.post(f"{URL}{mine.pk}/read/").json()["read_at"] == response.json()["read_at"]  # stays as it was


def test_read_all_and_unread_count_count_only_mine(owner_api, owner, other_user):
    note(owner, "One")
    note(owner, "Two")
    note(owner, "Read", read=True)
    note(owner, "Email only", in_app=False, read=True)
    theirs = note(other_user, "Theirs")

    assert owner_api.get(f"{URL}unread-count/").json() == {"unread": 2}
    assert owner_api.post(f"{URL}read-all/").json() == {"marked": 2}
    assert owner_api.get(f"{URL}unread-count/").json() == {"unread": 0}
    assert owner_api.post(f"{URL}read-all/").json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_another_users_notification_is_a_404_on_every_endpoint(owner_api, other_api, owner, other_user):
    theirs = note(other_user, "Oscar's bill")
    note(owner, "Mine")

    assert owner_api.get(f"{URL}{theirs.pk}/").status_code == 404
    assert owner_api.post(f"{URL}{theirs.pk}/read/").status_code == 404
    assert owner_api.delete(f"{URL}{theirs.pk}/").status_code == 404
    assert owner_api.get(f"{URL}99999999999999999999/").status_code == 404
    assert [row["title"] for row in owner_api.get(URL).json()["results"]] == ["Mine"]
    assert owner_api.get(f"{URL}unread-count/").json() == {"unread": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert other_api.get(f"{URL}unread-count/").json() == {"unread": 1}


def test_session_auth_works_too(client, owner):
    note(owner)
    client.force_login(owner)
    assert client.get(f"{URL}unread-count/").json() == {"unread": 1}


def test_preferences_get_returns_the_defaults(owner_api):
    assert owner_api.get(f"{URL}preferences/").json() | {"updated_at": None} == {
        "in_app_kinds": ["bill_due", "bill_overdue", "bill_paid", "subscription_found",
                         "budget_warning", "budget_exceeded", "low_balance", "group_invite", "anomaly_high",
                         "anomaly_medium", "goal_milestone", "goal_off_track", "goal_plan_changed",
                         "monthly_letter"],
        "email_kinds": ["bill_due", "bill_overdue", "budget_exceeded", "low_balance", "group_invite",
                        "anomaly_high"],
        "reminder_lead_days": 3, "weekly_digest": True, "updated_at": None,
    }


def test_preferences_put_replaces_and_patch_changes_only_what_it_names(owner_api, owner):
    response = owner_api.put(f"{URL}preferences/", {
        "in_app_kinds": ["subscription_found", "bill_due", "bill_due"], "email_kinds": [],
        "reminder_lead_days": 0, "weekly_digest": False}, format="json")

    assert response.status_code == 200
    assert response.json()["in_app_kinds"] == ["bill_due", "subscription_found"]
    response = owner_api.patch(f"{URL}preferences/", {"reminder_lead_days": 10}, format="json")
    assert response.status_code == 200
    prefs = NotificationPreferences.objects.get(user=owner)
    assert (prefs.in_app_kinds, prefs.email_kinds, prefs.reminder_lead_days, prefs.weekly_digest) == (
        ["bill_due", "subscription_found"], [], 10, False)


def test_preferences_put_needs_every_field(owner_api):
    response = owner_api.put(f"{URL}preferences/", {"reminder_lead_days": 5}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"in_app_kinds", "email_kinds", "weekly_digest"}


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"email_kinds": ["bill_due", "lottery_win", "alien_contact"]}, "email_kinds",
     "Unknown notification kinds: alien_contact, lottery_win."),
    ({"in_app_kinds": ["weekly_digest"]}, "in_app_kinds", "Unknown notification kinds: weekly_digest."),
    ({"in_app_kinds": "bill_due"}, "in_app_kinds", "Expected a list of items"),
    ({"reminder_lead_days": 61}, "reminder_lead_days", "Enter 60 or less."),
    ({"reminder_lead_days": -1}, "reminder_lead_days", "Enter 0 or more."),
    ({"reminder_lead_days": "soon"}, "reminder_lead_days", "A valid integer is required."),
])
def test_preferences_refuse_bad_input_and_change_nothing(owner_api, owner, data, field, message):
    before = owner_api.get(f"{URL}preferences/").json()

    response = owner_api.patch(f"{URL}preferences/", data, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and list(response.json()["fields"]) == [field]
    assert message in " ".join(response.json()["fields"][field])
    assert owner_api.get(f"{URL}preferences/").json() == before


def test_preferences_refuse_a_body_that_is_not_an_object(owner_api):
    response = owner_api.put(f"{URL}preferences/", ["bill_due"], format="json")
    assert response.status_code == 400
