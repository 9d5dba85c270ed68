"""The admin: plans editable by staff with their features checked; subscriptions, payments and webhook events
read-only; the payments list links the CSV export."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from billing.models import Plan
from billing.tests.conftest import plan_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(db, django_user_model) -> Client:
    admin = django_user_model.objects.create_superuser(email="boss@example.com", password="x-Long-Password-1")
    client = Client()
    client.force_login(admin)
    return client


def test_the_lists_open_and_only_plans_can_be_added(admin_client_):
    plan_make()
    for model in ("plan", "subscription", "invoice", "webhookevent"):
        assert admin_client_.get(f"/admin/billing/{model}/").status_code == 200, model
    assert "Export payments as CSV" in admin_client_.get("/admin/billing/invoice/").content.decode()
    assert admin_client_.get("/admin/billing/plan/add/").status_code == 200
    for model in ("subscription", "invoice", "webhookevent"):
        assert admin_client_.get(f"/admin/billing/{model}/add/").status_code == 403, model


def test_a_plans_features_are_checked_against_the_known_keys(admin_client_):
    form = {"name": "Max", "slug": "max", "description": "", "price": "9.99", "currency": "EUR", "interval": "month",
            "trial_days": "0", "stripe_price_id": "price_max", "active": "on", "position": "1"}
    refused = admin_client_.post("/admin/billing/plan/add/", {**form, "features": '{"teleport": true}'})
    assert refused.status_code == 200 and "Unknown feature teleport" in refused.content.decode()
    refused = admin_client_.post("/admin/billing/plan/add/", {**form, "features": '{"groups": -1}'})
    assert "groups is a whole number of at least 0" in refused.content.decode()
    saved = admin_client_.post("/admin/billing/plan/add/",
                               {**form, "features": '{"advisor_model": true, "groups": null}'})
    assert saved.status_code == 302
    assert Plan.objects.get(slug="max").features == {"advisor_model": True, "groups": None}


def test_staff_edit_plans_and_only_look_at_the_rest(django_user_model):
    staff = django_user_model.objects.create_user(email="stella@example.com", password="x-Long-Password-1",
                                                  is_staff=True)
    staff.groups.add(Group.objects.get(name="Staff"))
    client = Client()
    client.force_login(staff)
    plan = plan_make()
    assert client.get(f"/admin/billing/plan/{plan.pk}/change/").status_code == 200
    assert client.get("/admin/billing/plan/add/").status_code == 200
    for model in ("subscription", "invoice", "webhookevent"):
        assert client.get(f"/admin/billing/{model}/").status_code == 200, model
        assert client.get(f"/admin/billing/{model}/add/").status_code == 403, model
