"""Receipts per month come from the person's plan when billing is on (billing.services is the one gate)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import Plan, Subscription, SubscriptionStatus
from receipts.services import receipt_upload
from receipts.tests.conftest import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def billing_on(settings):
    settings.BILLING_ENABLED = True
    settings.BILLING_FREE_FEATURES = {"advisor_model": False, "receipts_per_month": 2, "groups": 1}


def test_uploads_beyond_the_plans_monthly_limit_are_refused_naming_it(owner, billing_on, owner_api):
    for _ in range(2):
        receipt_upload(user=owner, upload=upload(image_bytes()))
    with pytest.raises(ValidationError) as refused:
        receipt_upload(user=owner, upload=upload(image_bytes()))
    assert refused.value.code == "plan_limit"
    assert refused.value.messages == ["Your plan (Free) includes 2 receipts a month, and you have 2. Choose a plan "
                                      "with more on the Plans page."]
    response = owner_api.post("/api/v1/receipts/", {"file": upload(image_bytes())}, format="multipart")
    assert response.status_code == 400 and "includes 2 receipts a month" in response.json()["message"]

    plan = Plan.objects.create(name="Plus", slug="plus", price=Decimal("4.99"),
                               features={"receipts_per_month": 50})
    Subscription.objects.create(user=owner, plan=plan, status=SubscriptionStatus.ACTIVE)
    receipt_upload(user=owner, upload=upload(image_bytes()))


def test_with_billing_off_there_is_no_limit(owner, settings):
    settings.BILLING_ENABLED = False
    settings.BILLING_FREE_FEATURES = {"advisor_model": False, "receipts_per_month": 0, "groups": 0}
    receipt_upload(user=owner, upload=upload(image_bytes()))
