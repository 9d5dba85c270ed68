"""Groups of one's own come from the person's plan when billing is on (billing.services is the one gate)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import Plan, Subscription, SubscriptionStatus
from groups.services import group_create

pytestmark = pytest.mark.django_db


def test_groups_beyond_the_plans_limit_are_refused_naming_it(owner, settings, owner_api):
    settings.BILLING_ENABLED = True
    settings.BILLING_FREE_FEATURES = {"advisor_model": False, "receipts_per_month": 2, "groups": 1}
    group_create(user=owner, name="Flat", currency="EUR")
    with pytest.raises(ValidationError, match=r"Your plan \(Free\) includes 1 group of your own, and you have 1"):
        group_create(user=owner, name="Trip", currency="EUR")
    response = owner_api.post("/api/v1/groups/", {"name": "Trip", "currency": "EUR"}, format="json")
    assert response.status_code == 400 and "1 group of your own" in response.json()["message"]

    plan = Plan.objects.create(name="Plus", slug="plus", price=Decimal("4.99"), features={"groups": 5})
    Subscription.objects.create(user=owner, plan=plan, status=SubscriptionStatus.ACTIVE)
    group_create(user=owner, name="Trip", currency="EUR")


def test_with_billing_off_there_is_no_limit(owner, settings):
    settings.BILLING_ENABLED = False
    settings.BILLING_FREE_FEATURES = {"advisor_model": False, "receipts_per_month": 0, "groups": 0}
    group_create(user=owner, name="Flat", currency="EUR")
    group_create(user=owner, name="Trip", currency="EUR")
