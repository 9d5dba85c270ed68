"""Deleting an account ends its paid Stripe subscription first (against billing's fake Stripe on loopback), and
waits for the next run when Stripe cannot be reached."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import Invoice, Plan, Subscription, SubscriptionStatus
from billing.tests.fake_stripe import FakeStripe
from privacy.deletion import account_purge, deletions_run
from privacy.models import DeletionRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(settings):
    server = FakeStripe(webhook_secret="whsec_x").start()
    settings.BILLING_ENABLED = True
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = server.api_key, "whsec_x"
    settings.STRIPE_API_BASE = server.url
    server.price("price_plus", 499)
    yield server
    server.stop()


def paying(owner, fake) -> dict:
    plan = Plan.objects.create(name="Plus", slug="plus", price=Decimal("4.99"), stripe_price_id="price_plus")
    sub, _ = fake.subscribe(price_id="price_plus", user_id=owner.pk, plan_slug="plus")
    row = Subscription.objects.create(user=owner, plan=plan, status=SubscriptionStatus.ACTIVE,
                                      stripe_subscription_id=sub["id"])
    Invoice.objects.create(user=owner, subscription=row, stripe_invoice_id="in_1", amount=Decimal("4.99"),
                           currency="EUR", status="paid", created_at=timezone.now())
    return sub


def test_the_paid_plan_is_cancelled_at_stripe_and_the_payments_kept_without_the_person(owner, fake):
    sub = paying(owner, fake)
    assert account_purge(user_id=owner.pk, force=True) is not None
    assert fake.subscriptions[sub["id"]]["status"] == "canceled"
    assert not Subscription.objects.exists()
    assert Invoice.objects.get().user is None


def test_stripe_unreachable_the_deletion_waits(owner, fake, settings):
    sub = paying(owner, fake)
    DeletionRequest.objects.create(user=owner, requested_at=timezone.now() - dt.timedelta(days=8),
                                   purge_after=timezone.now() - dt.timedelta(hours=1))
    fake.fail_next_api_call = True
    assert deletions_run()["waiting"] == 1
    assert Subscription.objects.filter(user=owner).exists() and fake.subscriptions[sub["id"]]["status"] == "active"
    assert deletions_run()["accounts"] == 1
    assert fake.subscriptions[sub["id"]]["status"] == "canceled"


def test_staffs_delete_now_says_which_account_waits_for_stripe(client, owner, fake, staff_user):
    sub = paying(owner, fake)
    pending = DeletionRequest.objects.create(user=owner, requested_at=timezone.now(),
                                             purge_after=timezone.now() + dt.timedelta(days=7))
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    fake.fail_next_api_call = True
    done = client.post(reverse("admin:privacy_deletionrequest_changelist"),
                       {"action": "delete_now", "_selected_action": [pending.pk], "confirm": "yes"}, follow=True)
    page = " ".join(str(m) for m in done.context["messages"])
    assert "owner@example.com: not deleted. Stripe could not be reached" in page and "Deleted 0 accounts" in page
    assert Subscription.objects.filter(user=owner).exists() and fake.subscriptions[sub["id"]]["status"] == "active"
