from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Role, User
from accounts.services import role_grant
from accounts.tests.factories import UserFactory
from audit.models import AuditAction, AuditEntry
from billing.models import Plan, Subscription, SubscriptionStatus
from billing.tests.fake_stripe import FakeStripe
from conftest import role_groups_ensure

CHANGELIST = "/admin/accounts/user/"


@pytest.fixture
def admin_user(db):
    role_groups_ensure()
    return role_grant(user=UserFactory(email="admin@example.com"), role=Role.ADMIN)


def act(client, action: str, users, **extra):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [u.pk for u in users], **extra})


def test_the_user_admin_is_staffs_with_its_bulk_actions_and_without_djangos_delete(client, admin_user, staff_user):
    client.force_login(admin_user)
    page = client.get(CHANGELIST).content.decode()
    for action in ("change_role", "delete_accounts", "deactivate_users", "export_users_csv"):
        assert f'value="{action}"' in page
    assert 'value="delete_selected"' not in page
    client.force_login(staff_user)  # staff may not change roles (admins may)
    assert 'value="change_role"' not in client.get(CHANGELIST).content.decode()


def test_change_role_asks_then_changes_each_and_audits(client, admin_user):
    ann, bob = UserFactory(email="ann@example.com"), UserFactory(email="bob@example.com")
    client.force_login(admin_user)
    confirm = act(client, "change_role", [ann, bob, admin_user])
    assert confirm.status_code == 200 and "Change the role" in confirm.content.decode()
    assert User.objects.get(pk=ann.pk).role == Role.USER
    act(client, "change_role", [ann, bob, admin_user], confirm="yes", role="staff")
    assert {User.objects.get(pk=u.pk).role for u in (ann, bob)} == {Role.STAFF}
    assert User.objects.get(pk=admin_user.pk).role == Role.ADMIN  # never yourself
    assert AuditEntry.objects.filter(action=AuditAction.ROLE_CHANGE, actor=admin_user).count() == 2
    bulk = AuditEntry.objects.get(action=AuditAction.ADMIN_BULK_ACTION, actor=admin_user)
    assert bulk.changes["action"] == "change role" and bulk.changes["users"] == 2


def test_delete_accounts_asks_then_purges_through_privacy_and_audits(client, admin_user):
    ann = UserFactory(email="ann@example.com")
    client.force_login(admin_user)
    confirm = act(client, "delete_accounts", [ann, admin_user])
    body = confirm.content.decode()
    assert "ann@example.com" in body and "admin@example.com" not in body.split("<ul>")[1].split("</ul>")[0]
    assert User.objects.filter(pk=ann.pk).exists()
    act(client, "delete_accounts", [ann, admin_user], confirm="yes")
    assert not User.objects.filter(pk=ann.pk).exists()
    assert User.objects.filter(pk=admin_user.pk).exists()
    purge = AuditEntry.objects.get(action=AuditAction.ACCOUNT_PURGE)
    assert purge.actor == admin_user and purge.target_id == str(ann.pk) and purge.changes["by"] == "staff"
    bulk = AuditEntry.objects.get(action=AuditAction.ADMIN_BULK_ACTION, actor=admin_user)
    assert bulk.changes["action"] == "delete accounts" and bulk.changes["user_ids"] == [ann.pk]


def test_deactivate_and_export_write_audit_entries(client, admin_user):
    ann = UserFactory(email="ann@example.com")
    client.force_login(admin_user)
    act(client, "deactivate_users", [ann])
    assert not User.objects.get(pk=ann.pk).is_active
    response = act(client, "export_users_csv", [ann])
    body = b"".join(response.streaming_content).decode()
    assert "ann@example.com" in body and "amount" not in body
    actions = set(AuditEntry.objects.filter(action=AuditAction.ADMIN_BULK_ACTION)
                  .values_list("changes__action", flat=True))
    assert {"deactivate", "export users as CSV"} <= actions


def test_the_record_page_links_the_persons_activity(client, admin_user):
    ann = UserFactory(email="ann@example.com")
    client.force_login(admin_user)
    page = client.get(f"{CHANGELIST}{ann.pk}/change/").content.decode()
    assert f"/staff/users/{ann.pk}/activity/" in page


def test_change_plan_goes_through_billing_and_audits(client, admin_user, settings):

    settings.BILLING_ENABLED = True
    plus = Plan.objects.create(name="Plus", slug="plus", price=Decimal("8.00"), currency="EUR")
    ann, bob = UserFactory(email="ann@example.com"), UserFactory(email="bob@example.com")
    client.force_login(admin_user)
    confirm = act(client, "change_plan", [ann, bob])
    assert confirm.status_code == 200 and "Plus" in confirm.content.decode()
    act(client, "change_plan", [ann, bob], confirm="yes", plan=plus.pk)
    assert set(Subscription.objects.filter(plan=plus).values_list("user__email", flat=True)) == {
        "ann@example.com", "bob@example.com"}
    assert AuditEntry.objects.filter(action=AuditAction.PLAN_CHANGE, actor=admin_user).count() == 2
    bulk = AuditEntry.objects.get(action=AuditAction.ADMIN_BULK_ACTION, actor=admin_user)
    assert bulk.changes == {"action": "change plan", "users": 2, "user_ids": [ann.pk, bob.pk], "plan": "plus"}


def test_without_billing_there_is_no_plan_to_change(client, admin_user, settings):
    settings.BILLING_ENABLED = False
    client.force_login(admin_user)
    assert 'value="change_plan"' not in client.get(CHANGELIST).content.decode()


def test_delete_accounts_leaves_one_whose_paid_plan_stripe_cannot_end_and_says_so(client, admin_user, settings):

    server = FakeStripe(webhook_secret="whsec_x").start()
    try:
        settings.BILLING_ENABLED = True
        settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = server.api_key, "whsec_x"
        settings.STRIPE_API_BASE = server.url
        server.price("price_plus", 499)
        ann, bob = UserFactory(email="ann@example.com"), UserFactory(email="bob@example.com")
        plan = Plan.objects.create(name="Plus", slug="plus", price=Decimal("4.99"), stripe_price_id="price_plus")
        sub, _ = server.subscribe(price_id="price_plus", user_id=ann.pk, plan_slug="plus")
        Subscription.objects.create(user=ann, plan=plan, status=SubscriptionStatus.ACTIVE,
                                    stripe_subscription_id=sub["id"])
        client.force_login(admin_user)
        server.fail_next_api_call = True
        done = client.post(CHANGELIST, {"action": "delete_accounts", "_selected_action": [ann.pk, bob.pk],
                                        "confirm": "yes"}, follow=True)
        page = " ".join(str(m) for m in done.context["messages"])
        assert "ann@example.com: not deleted. Stripe could not be reached" in page
        assert User.objects.filter(pk=ann.pk).exists() and not User.objects.filter(pk=bob.pk).exists()
        bulk = AuditEntry.objects.get(action=AuditAction.ADMIN_BULK_ACTION, actor=admin_user)
        assert bulk.changes["user_ids"] == [bob.pk]
    finally:
        server.stop()
