"""The one gate: feature_allowed and feature_limit (the places that ask it are tested in their apps: receipts,
groups, advisor)."""

from __future__ import annotations

import pytest

from billing import services
from billing.models import Subscription, SubscriptionStatus
from billing.tests.conftest import plan_make

pytestmark = pytest.mark.django_db


def test_with_billing_off_everyone_may_use_everything(owner, settings):
    settings.BILLING_ENABLED = False
    settings.BILLING_FREE_FEATURES = {"advisor_model": False, "receipts_per_month": 0, "groups": 0}
    for feature in ("advisor_model", "receipts_per_month", "groups"):
        assert services.feature_allowed(user=owner, feature=feature)
        assert services.feature_limit(user=owner, feature=feature) is None
    services.feature_quota_check(user=owner, feature="groups", used=99, noun=("group", "groups"))


def test_the_free_plan_then_a_plan_then_a_plan_without_limits(owner, fake_stripe):
    assert not services.feature_allowed(user=owner, feature="advisor_model")
    assert services.feature_limit(user=owner, feature="groups") == 1
    plus = plan_make()
    Subscription.objects.create(user=owner, plan=plus, status=SubscriptionStatus.ACTIVE)
    assert services.feature_allowed(user=owner, feature="advisor_model")
    assert services.feature_limit(user=owner, feature="groups") == 5
    Subscription.objects.update(status=SubscriptionStatus.CANCELLED)
    unlimited = plan_make(slug="max", name="Max", stripe_price_id="price_max",
                          features={"receipts_per_month": None})  # groups and the model: the free plan's
    Subscription.objects.create(user=owner, plan=unlimited, status=SubscriptionStatus.TRIALING)
    assert services.feature_limit(user=owner, feature="receipts_per_month") is None
    assert services.feature_limit(user=owner, feature="groups") == 1
    assert not services.feature_allowed(user=owner, feature="advisor_model")


def test_an_unknown_feature_is_a_programming_error(owner):
    with pytest.raises(ValueError, match="Unknown billing feature"):
        services.feature_allowed(user=owner, feature="teleport")
