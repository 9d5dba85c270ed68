"""What staff do to people's accounts is in the log, and in the person's own security log: looking at their
record, bulk actions, role, email and password changes."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from audit.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def entries(action) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_staff_opening_a_users_record(staff_client, staff_user, owner, client):
    assert staff_client.get(f"/admin/accounts/user/{owner.pk}/change/").status_code == 200
    [seen] = entries(AuditAction.STAFF_VIEW)
    assert (seen.actor, seen.target_id) == (staff_user, str(owner.pk))
    staff_client.get(f"/admin/accounts/user/{staff_user.pk}/change/")  # their own record is no one else's
    assert len(entries(AuditAction.STAFF_VIEW)) == 1
    client.force_login(owner)
    assert "A staff member looked at your account" in client.get("/accounts/security-log/").content.decode()


def test_bulk_deactivate_writes_one_entry_per_user(staff_client, staff_user, owner, other_user):
    ids = [owner.pk, other_user.pk, staff_user.pk]
    staff_client.post("/admin/accounts/user/", {"action": "deactivate_users", "_selected_action": ids})
    bulk = entries(AuditAction.ADMIN_BULK_ACTION)
    assert {(e.target_id, e.actor_id) for e in bulk} == {(str(owner.pk), staff_user.pk),
                                                         (str(other_user.pk), staff_user.pk)}  # never yourself
    assert bulk[0].changes == {"action": "deactivate", "is_active": False}


def test_exporting_users_as_csv(staff_client, staff_user, owner, other_user):
    response = staff_client.post("/admin/accounts/user/", {"action": "export_users_csv",
                                                           "_selected_action": [owner.pk, other_user.pk]})
    assert response.status_code == 200
    [export] = entries(AuditAction.ADMIN_BULK_ACTION)
    assert (export.actor, export.changes) == (staff_user, {"action": "export users as CSV", "users": 2})


def test_the_grant_role_command(owner):
    call_command("grant_role", owner.email, "staff")
    [change] = entries(AuditAction.ROLE_CHANGE)
    assert (change.actor, change.target_id, change.changes) == (None, str(owner.pk), {"role": ["user", "staff"]})


def test_an_admin_changing_email_and_role_in_the_admin(client, owner):
    admin = get_user_model().objects.create_superuser("root@example.com", "a-long-admin-pass-123")
    client.force_login(admin)
    data = {"email": "olivia@example.com", "display_name": owner.display_name, "is_staff": "on", "is_active": "on",
            "date_joined_0": owner.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": owner.date_joined.strftime("%H:%M:%S"),
            "financial_profile-TOTAL_FORMS": "1", "financial_profile-INITIAL_FORMS": "1",
            "financial_profile-MIN_NUM_FORMS": "0", "financial_profile-MAX_NUM_FORMS": "1",
            "financial_profile-0-user": owner.pk, "financial_profile-0-savings_rate_target": "20",
            "financial_profile-0-preferred_currency": "EUR", "financial_profile-0-timezone": "UTC"}
    response = client.post(f"/admin/accounts/user/{owner.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    [email] = entries(AuditAction.EMAIL_CHANGE)
    assert (email.actor, email.changes) == (admin, {"email": ["owner@example.com", "olivia@example.com"]})
    [role] = entries(AuditAction.ROLE_CHANGE)
    assert role.changes["role"] == ["user", "staff"] and "is_staff" in role.changes["fields"]


def test_an_admin_setting_a_users_password(client, owner):
    admin = get_user_model().objects.create_superuser("root@example.com", "a-long-admin-pass-123")
    client.force_login(admin)
    response = client.post(f"/admin/accounts/user/{owner.pk}/password/", {
        "password1": "a-new-pass-for-olivia", "password2": "a-new-pass-for-olivia", "usable_password": "true"})
    assert response.status_code == 302
    [change] = entries(AuditAction.PASSWORD_CHANGE)
    assert (change.actor, change.target_id, change.changes) == (admin, str(owner.pk), {"by": "staff"})
    assert "a-new-pass-for-olivia" not in str(AuditEntry.objects.values_list())
