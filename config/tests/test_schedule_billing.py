"""The hourly billing_downgrades job: past due beyond BILLING_GRACE_DAYS moves to the free plan (billing does the
work; billing/tests/test_webhooks.py covers it against the fake Stripe)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Plan, Subscription, SubscriptionStatus
from config import schedule
from core.models import JobRun

pytestmark = pytest.mark.django_db


def test_the_job_downgrades_a_plan_past_due_beyond_the_grace(owner, settings):
    settings.BILLING_GRACE_DAYS = 7
    plan = Plan.objects.create(name="Plus", slug="plus", price=Decimal("4.99"))
    late = Subscription.objects.create(user=owner, plan=plan, status=SubscriptionStatus.PAST_DUE,
                                       past_due_since=timezone.now() - dt.timedelta(days=7, hours=1))
    schedule.billing_downgrades.call_local()
    late.refresh_from_db()
    assert late.status == SubscriptionStatus.CANCELLED
    run = JobRun.objects.filter(name="billing_downgrades").latest("id")
    assert run.outcome == {"downgraded": 1}
