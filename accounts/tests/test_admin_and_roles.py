"""Staff in the Django admin, and the grant_role command."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_grant_role_sets_groups_and_flags(owner):
    out = io.StringIO()
    call_command("grant_role", "OWNER@example.com", "admin", stdout=out)
    owner.refresh_from_db()
    assert owner.role == Role.ADMIN
    assert owner.is_staff and owner.is_superuser
    assert list(owner.groups.values_list("name", flat=True)) == ["Admin"]
    assert "owner@example.com is now admin" in out.getvalue()

    call_command("grant_role", owner.email, "staff", stdout=io.StringIO())
    owner.refresh_from_db()
    assert (owner.role, owner.is_staff, owner.is_superuser) == (Role.STAFF, True, False)
    assert list(owner.groups.values_list("name", flat=True)) == ["Staff"]

    call_command("grant_role", owner.email, "user", stdout=io.StringIO())
    owner.refresh_from_db()
    assert (owner.role, owner.is_staff, owner.is_superuser) == (Role.USER, False, False)
    assert not owner.groups.exists()


def test_grant_role_for_unknown_email_says_so():
    with pytest.raises(CommandError, match="No user has the email address 'ghost@example.com'"):
        call_command("grant_role", "ghost@example.com", "staff")


def test_staff_role_can_use_the_user_admin(admin_client, owner):
    response = admin_client.get("/admin/accounts/user/")
    assert response.status_code == 200
    assert "owner@example.com" in response.content.decode()
    assert admin_client.get(f"/admin/accounts/user/{owner.pk}/change/").status_code == 200


def test_ordinary_users_cannot_open_the_admin(client, owner):
    client.force_login(owner)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_search_by_email_and_name(admin_client, owner, other_user):
    page = admin_client.get("/admin/accounts/user/", {"q": "oscar"}).content.decode()
    assert "other@example.com" in page and "owner@example.com" not in page
    page = admin_client.get("/admin/accounts/user/", {"q": "owner@"}).content.decode()
    assert "owner@example.com" in page and "other@example.com" not in page


def test_admin_filters_by_role_and_active(admin_client, owner, other_user, staff_user):
    other_user.is_active = False
    other_user.save()
    page = admin_client.get("/admin/accounts/user/", {"role": "staff"}).content.decode()
    assert "staff@example.com" in page and "owner@example.com" not in page
    page = admin_client.get("/admin/accounts/user/", {"is_active__exact": "0"}).content.decode()
    assert "other@example.com" in page and "owner@example.com" not in page


def test_admin_bulk_deactivate_and_activate(admin_client, owner, other_user, staff_user):
    ids = [owner.pk, other_user.pk, staff_user.pk]
    admin_client.post("/admin/accounts/user/", {"action": "deactivate_users", "_selected_action": ids})
    assert set(User.objects.filter(is_active=False).values_list("email", flat=True)) == {
        "owner@example.com", "other@example.com"}  # never yourself
    admin_client.post("/admin/accounts/user/", {"action": "activate_users", "_selected_action": ids})
    assert not User.objects.filter(is_active=False).exists()


def test_admin_exports_selected_users_as_csv_without_formulas(admin_client, owner):
    sneaky = UserFactory(email="sneaky@example.com", display_name="=HYPERLINK(\"http://evil\")")
    response = admin_client.post(
        "/admin/accounts/user/", {"action": "export_users_csv", "_selected_action": [owner.pk, sneaky.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["email", "display_name", "role"]
    by_email = {row[0]: row for row in rows[1:]}
    assert set(by_email) == {"owner@example.com", "sneaky@example.com"}
    assert by_email["sneaky@example.com"][1].startswith("'=")
    assert by_email["owner@example.com"][6] == "EUR"


def test_admin_can_add_a_user_by_email(client, db):
    admin = UserFactory(email="root@example.com")
    from accounts.services import role_grant

    role_grant(user=admin, role=Role.ADMIN)
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {"email": "Added@Example.com", "password1": "a-long-admin-set-pass", "password2": "a-long-admin-set-pass",
         "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = User.objects.get(email="added@example.com")
    assert added.financial_profile.preferred_currency == "EUR"
