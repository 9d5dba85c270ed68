"""Stripe's webhooks against the fake gateway, verified by the real library: signatures, replays, order, and the
subscription's life (trial, active, past due and back, cancelled at period end, downgraded after the grace)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from billing import services
from billing.models import Invoice, InvoiceStatus, Subscription, SubscriptionStatus, WebhookEvent
from billing.tests.conftest import plan_make
from notifications.models import Channel, Delivery, Notification, NotificationKind

pytestmark = pytest.mark.django_db

WEBHOOK = "/billing/webhook/"


def post(client, fake, event, **signing):
    payload, header = fake.signed(event, **signing)
    return client.post(WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def send_all(client, fake, events):
    for event in events:
        response = post(client, fake, event)
        assert response.status_code == 200, response.content


def emails(user) -> list[str]:
    return list(Notification.objects.filter(user=user, kind=NotificationKind.SUBSCRIPTION_CHANGED)
                .order_by("id").values_list("title", flat=True))


def subscribed(client, fake, owner, plan, **kwargs):
    sub, events = fake.subscribe(price_id=plan.stripe_price_id, user_id=owner.pk, plan_slug=plan.slug, **kwargs)
    send_all(client, fake, events)
    return sub


# --- verification --------------------------------------------------------------------------------------------

def test_a_bad_signature_is_refused_and_changes_nothing(client, fake_stripe, owner, plan):
    _, events = fake_stripe.subscribe(price_id=plan.stripe_price_id, user_id=owner.pk, plan_slug=plan.slug)
    response = post(client, fake_stripe, events[0], secret="whsec_someone_else")
    assert response.status_code == 400
    assert not Subscription.objects.exists() and not WebhookEvent.objects.exists()
    assert not [r for r in fake_stripe.requests if r[0] == "GET"]  # nothing was even fetched


def test_a_stale_timestamp_is_refused(client, fake_stripe, owner, plan, settings):
    _, events = fake_stripe.subscribe(price_id=plan.stripe_price_id, user_id=owner.pk, plan_slug=plan.slug)
    stale = int(time.time()) - settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS - 5
    assert post(client, fake_stripe, events[0], timestamp=stale).status_code == 400
    assert not Subscription.objects.exists()


def test_a_missing_signature_or_a_body_that_is_not_an_event_is_refused(client, fake_stripe):
    assert client.post(WEBHOOK, data=b"{}", content_type="application/json").status_code == 400
    payload = b"not json"
    ts = int(time.time())
    sig = hmac.new(fake_stripe.webhook_secret.encode(), f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()
    response = client.post(WEBHOOK, data=payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=f"t={ts},v1={sig}")
    assert response.status_code == 400


def test_the_webhook_is_a_404_while_billing_is_off(client, fake_stripe, owner, plan, settings):
    settings.BILLING_ENABLED = False
    _, events = fake_stripe.subscribe(price_id=plan.stripe_price_id, user_id=owner.pk, plan_slug=plan.slug)
    assert post(client, fake_stripe, events[0]).status_code == 404


# --- the life of a subscription ------------------------------------------------------------------------------

def test_a_paid_checkout_activates_the_plan_with_an_email_an_audit_entry_and_a_payment(client, fake_stripe, owner,
                                                                                      plan):
    assert not services.feature_allowed(user=owner, feature="advisor_model")
    sub_data = subscribed(client, fake_stripe, owner, plan)

    sub = Subscription.objects.get()
    assert (sub.user, sub.plan, sub.status) == (owner, plan, SubscriptionStatus.ACTIVE)
    assert sub.stripe_subscription_id == sub_data["id"] and sub.stripe_customer_id == sub_data["customer"]
    assert sub.current_period_end > timezone.now() + dt.timedelta(days=29)
    assert services.feature_allowed(user=owner, feature="advisor_model")
    assert services.feature_limit(user=owner, feature="receipts_per_month") == 50
    [invoice] = Invoice.objects.all()
    assert (invoice.user, invoice.amount, invoice.currency, invoice.status) == (owner, plan.price, "EUR",
                                                                                InvoiceStatus.PAID)
    assert invoice.paid_at and invoice.hosted_invoice_url.startswith(fake_stripe.url)
    assert emails(owner) == ["Your Plus plan is active"]
    assert Delivery.objects.filter(notification__user=owner, channel=Channel.EMAIL).exists()
    entry = AuditEntry.objects.get(action="plan_change")
    assert entry.changes["to"]["status"] == "active" and entry.changes["why"] == "stripe"
    assert WebhookEvent.objects.filter(processed_at__isnull=False).count() == 3


def test_a_replayed_event_is_handled_once(client, fake_stripe, owner, plan):
    _, events = fake_stripe.subscribe(price_id=plan.stripe_price_id, user_id=owner.pk, plan_slug=plan.slug)
    first = post(client, fake_stripe, events[2])
    again = post(client, fake_stripe, events[2])  # the same event id, freshly signed: Stripe's retry or a replay
    assert (first.content, again.content) == (b"processed", b"duplicate")
    assert WebhookEvent.objects.count() == 1
    assert len(emails(owner)) == 1 and AuditEntry.objects.filter(action="plan_change").count() == 1


def test_events_in_any_order_end_in_stripes_current_state(client, fake_stripe, owner, plan):
    sub, created = fake_stripe.subscribe(price_id=plan.stripe_price_id, user_id=owner.pk, plan_slug=plan.slug)
    failed = fake_stripe.fail_payment(sub["id"])
    recovered = fake_stripe.recover(sub["id"])
    # Everything arrives backwards: the newest first, the checkout's completion last.
    send_all(client, fake_stripe, list(reversed(created + failed + recovered)))

    current = Subscription.objects.get()
    assert current.status == SubscriptionStatus.ACTIVE and current.past_due_since is None
    # Each event fetched the subscription as it is now, so the old "past due" never showed.
    assert emails(owner) == ["Your Plus plan is active"]
    assert sorted(Invoice.objects.values_list("status", flat=True)) == ["paid", "paid"]


def test_a_failed_payment_then_its_recovery(client, fake_stripe, owner, plan):
    sub = subscribed(client, fake_stripe, owner, plan)

    send_all(client, fake_stripe, fake_stripe.fail_payment(sub["id"]))
    current = Subscription.objects.get()
    assert current.status == SubscriptionStatus.PAST_DUE and current.past_due_since is not None
    assert services.feature_allowed(user=owner, feature="advisor_model")  # kept through the grace period
    assert Invoice.objects.filter(status=InvoiceStatus.FAILED).count() == 1
    assert emails(owner)[-1] == "The payment for your Plus plan failed"

    send_all(client, fake_stripe, fake_stripe.recover(sub["id"]))
    current.refresh_from_db()
    assert current.status == SubscriptionStatus.ACTIVE and current.past_due_since is None
    assert not Invoice.objects.filter(status=InvoiceStatus.FAILED).exists()  # the same invoice, now paid
    assert emails(owner)[-1] == "Your payment went through: Plus continues"
    assert AuditEntry.objects.filter(action="plan_change").count() == 3


def test_cancel_at_period_end_resume_and_the_end(client, fake_stripe, owner, plan):
    sub = subscribed(client, fake_stripe, owner, plan)

    cancelled = services.subscription_cancel(user=owner)
    assert cancelled.cancel_at_period_end and cancelled.status == SubscriptionStatus.ACTIVE
    assert fake_stripe.subscriptions[sub["id"]]["cancel_at_period_end"] is True
    assert emails(owner)[-1].startswith("Your Plus plan will end on ")
    # Stripe's own webhook about it arrives after: nothing new to say.
    send_all(client, fake_stripe, [fake_stripe.event("customer.subscription.updated", {"id": sub["id"]})])
    assert len(emails(owner)) == 2

    services.subscription_resume(user=owner)
    assert fake_stripe.subscriptions[sub["id"]]["cancel_at_period_end"] is False
    assert emails(owner)[-1] == "Your Plus plan continues"

    services.subscription_cancel(user=owner)
    send_all(client, fake_stripe, fake_stripe.end_period(sub["id"]))
    ended = Subscription.objects.get()
    assert ended.status == SubscriptionStatus.CANCELLED and ended.cancelled_at is not None
    assert emails(owner)[-1] == "Your Plus plan has ended"
    assert not services.feature_allowed(user=owner, feature="advisor_model")
    actors = list(AuditEntry.objects.filter(action="plan_change").order_by("id").values_list("actor", flat=True))
    assert actors == [None, owner.pk, owner.pk, owner.pk, None]


def test_past_due_beyond_the_grace_period_is_downgraded(client, fake_stripe, owner, plan, settings):
    sub = subscribed(client, fake_stripe, owner, plan)
    send_all(client, fake_stripe, fake_stripe.fail_payment(sub["id"]))

    assert services.past_due_downgrade(now=timezone.now() + dt.timedelta(days=6)) == 0
    Subscription.objects.update(past_due_since=timezone.now() - dt.timedelta(days=settings.BILLING_GRACE_DAYS, hours=1))
    assert services.past_due_downgrade() == 1  # the hourly billing_downgrades job in config/schedule.py

    current = Subscription.objects.get()
    assert current.status == SubscriptionStatus.CANCELLED
    assert fake_stripe.subscriptions[sub["id"]]["status"] == "canceled"  # no later retry charges them
    assert not services.feature_allowed(user=owner, feature="advisor_model")
    assert emails(owner)[-1] == "Your Plus plan has ended: the payment is still due"
    assert AuditEntry.objects.filter(action="plan_change").order_by("id").last().changes["why"] == "grace"
    # A second run, and Stripe's webhook about the cancellation: nothing more.
    assert services.past_due_downgrade() == 0
    send_all(client, fake_stripe, [fake_stripe.event("customer.subscription.deleted", {"id": sub["id"]})])
    assert len(emails(owner)) == 3


def test_a_trial_starts_trialing_with_its_end(client, fake_stripe, owner):
    plan = plan_make(slug="trial", trial_days=14)
    subscribed(client, fake_stripe, owner, plan, trial_days=14)
    sub = Subscription.objects.get()
    assert sub.status == SubscriptionStatus.TRIALING and sub.trial_end > timezone.now() + dt.timedelta(days=13)
    assert emails(owner) == ["Your Plus trial has started"]
    assert services.feature_allowed(user=owner, feature="advisor_model")


def test_an_error_while_handling_is_recorded_and_stripes_retry_handles_it(client, fake_stripe, owner, plan):
    _, events = fake_stripe.subscribe(price_id=plan.stripe_price_id, user_id=owner.pk, plan_slug=plan.slug)
    fake_stripe.fail_next_api_call = True
    client.raise_request_exception = False
    assert post(client, fake_stripe, events[2]).status_code == 500  # Stripe sends it again later
    record = WebhookEvent.objects.get()
    assert record.processed_at is None and "fake is down" in record.error
    assert not Subscription.objects.exists()

    assert post(client, fake_stripe, events[2]).content == b"processed"
    record.refresh_from_db()
    assert record.processed_at is not None and record.error == ""
    assert Subscription.objects.get().status == SubscriptionStatus.ACTIVE


def test_an_ended_subscription_we_never_had_is_ignored(client, fake_stripe, owner, plan):
    sub, _ = fake_stripe.subscribe(price_id=plan.stripe_price_id, user_id=owner.pk, plan_slug=plan.slug)
    fake_stripe.subscriptions[sub["id"]]["cancel_at_period_end"] = True
    send_all(client, fake_stripe, fake_stripe.end_period(sub["id"]))
    assert not Subscription.objects.exists() and emails(owner) == []
