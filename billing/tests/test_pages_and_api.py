"""The plans, checkout, your plan and payments, on pages and in the API; billing off; the staff's export; the staff's
plan change."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from billing import services
from billing.models import Invoice, InvoiceStatus, Subscription, SubscriptionStatus
from billing.tests.conftest import plan_make

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_and_api_are_404_and_the_menu_link_gone_while_billing_is_off(owner, owner_api, plan, settings):
    settings.BILLING_ENABLED = False
    client = signed_in(owner)
    for path in ("/billing/plans/", "/billing/subscription/", "/billing/payments/", "/billing/welcome/"):
        assert client.get(path).status_code == 404, path
    assert client.post("/billing/plans/plus/checkout/").status_code == 404
    for path in ("/api/v1/billing/plans/", "/api/v1/me/subscription/", "/api/v1/me/invoices/"):
        response = owner_api.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found", path
    assert "Your plan" not in client.get("/").content.decode()


def test_the_plans_page_says_what_each_plan_gives_and_checkout_goes_to_stripe(owner, fake_stripe, plan):
    client = signed_in(owner)
    page = client.get("/billing/plans/").content.decode()
    assert "Your plan" in client.get("/").content.decode()  # the account menu's link
    for words in ("Plus", "4.99 EUR", "50 receipts read for you each month", "5 shared-expense groups of your own",
                  "Answers from the advisor&#x27;s language model", "2 receipts read for you each month",
                  "Choose Plus"):
        assert words in page, words

    response = client.post("/billing/plans/plus/checkout/")
    assert response.status_code == 302 and response["Location"].startswith(f"{fake_stripe.url}/pay/cs_")
    [(method, path, form)] = fake_stripe.requests
    assert (method, path) == ("POST", "/v1/checkout/sessions")
    assert form["line_items[0][price]"] == "price_plus_monthly" and form["client_reference_id"] == str(owner.pk)
    assert form["subscription_data[metadata][finsight_user_id]"] == str(owner.pk)
    assert form["customer_email"] == owner.email and form["mode"] == "subscription"
    assert form["success_url"].endswith("/billing/welcome/?session_id={CHECKOUT_SESSION_ID}")
    assert not Subscription.objects.exists()  # only the webhook starts it


def test_checkout_when_stripe_is_unreachable_or_already_subscribed(owner, fake_stripe, plan, settings):
    client = signed_in(owner)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = client.post("/billing/plans/plus/checkout/", follow=True)
    assert "Stripe could not be reached" in response.content.decode()
    settings.STRIPE_API_BASE = fake_stripe.url
    Subscription.objects.create(user=owner, plan=plan, status=SubscriptionStatus.ACTIVE, stripe_subscription_id="sub_1")
    with pytest.raises(ValidationError, match="You already have the Plus plan"):
        services.checkout_start(user=owner, plan=plan, success_url="http://x/", cancel_url="http://x/")


def test_the_success_page_waits_for_the_webhook(owner, fake_stripe, plan):
    client = signed_in(owner)
    waiting = client.get("/billing/welcome/?session_id=cs_1").content.decode()
    assert "Waiting for Stripe to confirm" in waiting and 'http-equiv="refresh"' in waiting
    Subscription.objects.create(user=owner, plan=plan, status=SubscriptionStatus.ACTIVE)
    assert "Welcome to Plus" in client.get("/billing/welcome/?session_id=cs_1").content.decode()
    cancelled = client.get("/billing/not-now/", follow=True).content.decode()
    assert "You did not pay, and nothing changed" in cancelled


def test_your_plan_page_cancel_and_resume(owner, fake_stripe, plan):
    sub, _ = fake_stripe.subscribe(price_id=plan.stripe_price_id, user_id=owner.pk, plan_slug=plan.slug)
    services.subscription_sync(data=fake_stripe._subscription_object(sub))
    client = signed_in(owner)
    assert "Renews on" in client.get("/billing/subscription/").content.decode()
    page = client.post("/billing/subscription/cancel/", follow=True).content.decode()
    assert "Cancelled. You keep your plan until" in page and "Keep my plan" in page
    page = client.post("/billing/subscription/resume/", follow=True).content.decode()
    assert "Your plan continues and renews as usual" in page and "Cancel my plan" in page


def test_the_payments_page_and_api_list_only_your_own(owner, other_user, owner_api, fake_stripe, plan):
    sub = Subscription.objects.create(user=owner, plan=plan, status=SubscriptionStatus.ACTIVE)
    Invoice.objects.create(user=owner, subscription=sub, stripe_invoice_id="in_1", amount=Decimal("4.99"),
                           currency="EUR", status=InvoiceStatus.PAID, created_at=timezone.now(),
                           paid_at=timezone.now(), hosted_invoice_url="https://pay.example/in_1")
    theirs = Invoice.objects.create(user=other_user, stripe_invoice_id="in_2", amount=Decimal("9.99"),
                                    currency="EUR", status=InvoiceStatus.FAILED, created_at=timezone.now())
    page = signed_in(owner).get("/billing/payments/").content.decode()
    assert "4.99 EUR · Paid" in page and "https://pay.example/in_1" in page and "9.99" not in page

    body = owner_api.get("/api/v1/me/invoices/").json()
    assert body["count"] == 1 and body["results"][0]["amount"] == "4.99"
    assert body["results"][0]["status"] == "paid" and body["results"][0]["plan"] == "plus"
    assert owner_api.get(f"/api/v1/me/invoices/{theirs.pk}/").status_code == 404


def test_the_api_plans_subscription_checkout_cancel_resume(owner, owner_api, fake_stripe, plan):
    plans = owner_api.get("/api/v1/billing/plans/").json()
    assert plans["count"] == 1 and plans["results"][0]["features"]["groups"] == 5
    mine = owner_api.get("/api/v1/me/subscription/").json()
    assert mine == {"plan": "free", "features": {"advisor_model": False, "receipts_per_month": 2, "groups": 1},
                    "subscription": None}

    response = owner_api.post("/api/v1/me/subscription/checkout/", {"plan": "plus"}, format="json")
    assert response.status_code == 201 and response.json()["url"].startswith(fake_stripe.url)
    assert owner_api.post("/api/v1/me/subscription/checkout/", {"plan": "gold"}, format="json").status_code == 400
    refused = owner_api.post("/api/v1/me/subscription/cancel/")
    assert refused.status_code == 400 and "free plan" in refused.json()["message"]

    sub, _ = fake_stripe.subscribe(price_id=plan.stripe_price_id, user_id=owner.pk, plan_slug=plan.slug)
    services.subscription_sync(data=fake_stripe._subscription_object(sub))
    cancelled = owner_api.post("/api/v1/me/subscription/cancel/").json()
    assert cancelled["plan"] == "plus" and cancelled["subscription"]["cancel_at_period_end"] is True
    resumed = owner_api.post("/api/v1/me/subscription/resume/").json()
    assert resumed["subscription"]["cancel_at_period_end"] is False
    assert resumed["subscription"]["status"] == "active" and resumed["features"]["advisor_model"] is True


def test_staff_export_payments_as_formula_safe_csv_with_filters(owner, staff_user, fake_stripe, plan):
    other_plan = plan_make(slug="max", name="Max", stripe_price_id="price_max")
    sub = Subscription.objects.create(user=owner, plan=plan, status=SubscriptionStatus.ACTIVE)
    max_sub = Subscription.objects.create(user=owner, plan=other_plan, status=SubscriptionStatus.CANCELLED)
    day = timezone.now().replace(year=2026, month=3, day=10)
    for number, (subscription, status, currency, when) in enumerate([
            (sub, InvoiceStatus.PAID, "EUR", day), (sub, InvoiceStatus.FAILED, "EUR", day + dt.timedelta(days=1)),
            (max_sub, InvoiceStatus.PAID, "USD", day), (sub, InvoiceStatus.PAID, "EUR", day - dt.timedelta(days=40))]):
        Invoice.objects.create(user=owner, subscription=subscription, stripe_invoice_id=f"=HYPERLINK(\"x\")-{number}",
                               amount=Decimal("4.99"), currency=currency, status=status, created_at=when)

    assert signed_in(owner).get("/billing/payments/export.csv").status_code == 404
    staff = signed_in(staff_user)
    assert "Download CSV" in staff.get("/billing/payments/export.csv").content.decode()
    response = staff.get("/billing/payments/export.csv", {"download": "1", "start": "2026-03-01",
                                                          "end": "2026-03-31", "status": "paid", "plan": "plus",
                                                          "currency": "eur"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["created", "paid", "invoice", "email"]
    assert len(rows) == 2 and rows[1][2] == "'=HYPERLINK(\"x\")-0" and rows[1][5:8] == ["4.99", "EUR", "paid"]
    bad = staff.get("/billing/payments/export.csv", {"download": "1", "start": "2026-04-01", "end": "2026-03-01"})
    assert bad.status_code == 400 and "start date is after the end date" in bad.content.decode()


def test_staff_set_a_plan_audited_and_a_paid_subscription_moves_price(owner, staff_user, fake_stripe, plan):
    other = plan_make(slug="max", name="Max", stripe_price_id="price_max")
    fake_stripe.price("price_max", 999, "eur")

    grant = services.subscription_plan_set(user=owner, plan=plan, actor=staff_user)
    assert grant.stripe_subscription_id is None and grant.status == SubscriptionStatus.ACTIVE
    assert services.feature_allowed(user=owner, feature="advisor_model")
    entry = AuditEntry.objects.filter(action="plan_change").order_by("id").last()
    assert entry.actor == staff_user and entry.changes["to"]["plan"] == "plus" and "staff" in entry.changes["why"]
    assert services.subscription_plan_set(user=owner, plan=None, actor=staff_user) is None
    assert not services.feature_allowed(user=owner, feature="advisor_model")

    sub, _ = fake_stripe.subscribe(price_id=plan.stripe_price_id, user_id=owner.pk, plan_slug=plan.slug)
    services.subscription_sync(data=fake_stripe._subscription_object(sub))
    moved = services.subscription_plan_set(user=owner, plan=other, actor=staff_user)
    assert moved.plan == other and fake_stripe.subscriptions[sub["id"]]["_price"] == "price_max"
    assert AuditEntry.objects.filter(action="plan_change").order_by("id").last().actor == staff_user


def test_one_free_trial_per_person_and_the_same_stripe_customer_again(owner, fake_stripe):
    plan = plan_make(trial_days=14)
    services.checkout_start(user=owner, plan=plan, success_url="http://x/", cancel_url="http://x/")
    first = fake_stripe.requests[-1][2]
    assert first["subscription_data[trial_period_days]"] == "14" and "customer" not in first
    Subscription.objects.create(user=owner, plan=plan, status=SubscriptionStatus.CANCELLED,
                                stripe_subscription_id="sub_old", stripe_customer_id="cus_old")
    services.checkout_start(user=owner, plan=plan, success_url="http://x/", cancel_url="http://x/")
    again = fake_stripe.requests[-1][2]
    assert "subscription_data[trial_period_days]" not in again and again["customer"] == "cus_old"
