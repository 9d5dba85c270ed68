"""Stripe, through its official library: the only module that talks to the payment gateway.

Every call goes to ``settings.STRIPE_API_BASE`` (Stripe's API; tests point it at a fake gateway on loopback) with
``settings.STRIPE_SECRET_KEY``. What comes back is turned into plain dicts at once, so the rest of the app reads
Stripe's JSON and never the library's objects. The webhook's signature is checked here with the library's own
verifier (``stripe.Webhook.construct_event``) and ``STRIPE_WEBHOOK_TOLERANCE_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import stripe
from django.conf import settings

# Currencies Stripe counts in whole units (no cents): amounts from Stripe are integers in the smallest unit.
ZERO_DECIMAL = frozenset({"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
                          "xaf", "xof", "xpf"})

GatewayError = stripe.StripeError
SignatureError = stripe.SignatureVerificationError


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses={"api": settings.STRIPE_API_BASE},
                               max_network_retries=2)


def _plain(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def checkout_origin() -> str:
    """Where Stripe's payment page lives, for the plans page's Content-Security-Policy (form-action): Stripe's
    checkout host, or the API base's own origin when it is not Stripe's (the tests' fake serves both)."""
    parsed = urlsplit(str(settings.STRIPE_API_BASE))
    if parsed.hostname == "api.stripe.com":
        return "https://checkout.stripe.com"
    return f"{parsed.scheme}://{parsed.netloc}"


def amount_from_minor(amount: int, currency: str) -> Decimal:
    """Stripe's integer amount in the currency's smallest unit as a Decimal in the currency (1999 EUR → 19.99)."""
    if currency.lower() in ZERO_DECIMAL:
        return Decimal(amount)
    return (Decimal(amount) / 100).quantize(Decimal("0.01"))


def amount_to_minor(amount: Decimal, currency: str) -> int:
    return int(amount if currency.lower() in ZERO_DECIMAL else amount * 100)


def when(timestamp: int | None) -> dt.datetime | None:
    """Stripe's Unix timestamp as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC) if timestamp else None


def checkout_session_create(*, price_id: str, user_id: int, plan_slug: str, email: str, customer_id: str,
                            trial_days: int, success_url: str, cancel_url: str) -> dict[str, Any]:
    """A Checkout Session in subscription mode for one price; the person pays on Stripe's page at its ``url``.

    The subscription carries the Finsight user and plan in its metadata, so a webhook that comes before
    checkout.session.completed (they come in any order) still finds whose it is."""
    metadata = {"finsight_user_id": str(user_id), "finsight_plan": plan_slug}
    params: dict[str, Any] = {
        "mode": "subscription",
        "line_items": [{"price": price_id, "quantity": 1}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": str(user_id),
        "metadata": metadata,
        "subscription_data": {"metadata": metadata},
    }
    if trial_days:
        params["subscription_data"]["trial_period_days"] = trial_days
    if customer_id:
        params["customer"] = customer_id
    else:
        params["customer_email"] = email
    return _plain(_client().v1.checkout.sessions.create(params=params))  # type: ignore[arg-type]


def subscription_retrieve(subscription_id: str) -> dict[str, Any]:
    return _plain(_client().v1.subscriptions.retrieve(subscription_id))


def subscription_cancel_at_period_end(subscription_id: str, *, cancel: bool) -> dict[str, Any]:
    """Cancel at the end of the paid period (``cancel=True``) or take that back (``False``)."""
    return _plain(_client().v1.subscriptions.update(subscription_id, params={"cancel_at_period_end": cancel}))


def subscription_cancel_now(subscription_id: str) -> dict[str, Any]:
    return _plain(_client().v1.subscriptions.cancel(subscription_id))


def subscription_price_set(subscription_id: str, *, item_id: str, price_id: str) -> dict[str, Any]:
    """Move the subscription to another price from now on, without a prorated charge (a staff change)."""
    return _plain(_client().v1.subscriptions.update(subscription_id, params={
        "items": [{"id": item_id, "price": price_id}], "proration_behavior": "none"}))


def invoice_retrieve(invoice_id: str) -> dict[str, Any]:
    return _plain(_client().v1.invoices.retrieve(invoice_id))


def event_verify(payload: bytes, signature: str) -> dict[str, Any]:
    """The event, once its ``Stripe-Signature`` is checked against STRIPE_WEBHOOK_SECRET within the tolerance.

    Raises ``SignatureError`` for a bad or stale signature and ``ValueError`` for a body that is not JSON."""
    event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET,
                                           tolerance=settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS)
    return _plain(event)


# --- reading Stripe's objects (their shape changed across API versions: both are read) -----------------------

def subscription_period(subscription: dict[str, Any]) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The current period: on the subscription's item since Stripe's 2025-03-31 API, on the subscription before."""
    items = (subscription.get("items") or {}).get("data") or [{}]
    start = items[0].get("current_period_start") or subscription.get("current_period_start")
    end = items[0].get("current_period_end") or subscription.get("current_period_end")
    return when(start), when(end)


def subscription_item(subscription: dict[str, Any]) -> tuple[str, str]:
    """The (item id, price id) of the subscription's one item."""
    items = (subscription.get("items") or {}).get("data") or [{}]
    price = items[0].get("price") or {}
    return items[0].get("id", ""), price.get("id", "") if isinstance(price, dict) else str(price)


def invoice_subscription_id(invoice: dict[str, Any]) -> str:
    """Which subscription an invoice bills: under ``parent`` since the 2025-03-31 API, at the top before."""
    details = ((invoice.get("parent") or {}).get("subscription_details") or {})
    found = details.get("subscription") or invoice.get("subscription") or ""
    return found if isinstance(found, str) else found.get("id", "")
