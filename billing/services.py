"""Billing's writes and its one answer to "may this person use feature F?".

``feature_allowed`` and ``feature_limit`` are the only gate: the advisor's model path, receipts per month and groups
ask them (``feature_quota_check`` words the refusal). With ``BILLING_ENABLED`` false everyone may use everything.

A subscription changes only in ``subscription_sync``, which copies Stripe's current state of it: a verified
webhook (``webhook_event_process``, once per event id), the person's cancel or resume, a staff change, or the daily
downgrade after the grace period. Every change writes an audit entry and sends the person an email.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from billing import gateway
from billing.models import (
    FEATURES,
    LIVE_STATUSES,
    Invoice,
    InvoiceStatus,
    Plan,
    Subscription,
    SubscriptionStatus,
    WebhookEvent,
)
from billing.selectors import subscription_current
from notifications.models import NotificationKind
from notifications.services import notification_create

log = structlog.get_logger(__name__)

FREE_PLAN = "Free"
UNREACHABLE = "Stripe could not be reached, so nothing changed. Please try again in a minute."

# Stripe's subscription statuses → ours. "incomplete" (the first payment not made yet) is not a plan at all.
STATUS_FROM_STRIPE = {
    "trialing": SubscriptionStatus.TRIALING,
    "active": SubscriptionStatus.ACTIVE,
    "past_due": SubscriptionStatus.PAST_DUE,
    "unpaid": SubscriptionStatus.PAST_DUE,
    "canceled": SubscriptionStatus.CANCELLED,
    "incomplete_expired": SubscriptionStatus.CANCELLED,
    "paused": SubscriptionStatus.CANCELLED,
}


# --- the gate -----------------------------------------------------------------------------------------------

def features_for(*, user: User) -> tuple[str, dict[str, Any]]:
    """The name of the person's plan and its features, the free plan's (settings.BILLING_FREE_FEATURES) filling in
    what a plan leaves out."""
    features = dict(settings.BILLING_FREE_FEATURES)
    current = subscription_current(user=user)
    if current is None:
        return FREE_PLAN, features
    features.update({key: value for key, value in (current.plan.features or {}).items() if key in FEATURES})
    return current.plan.name, features


def feature_allowed(*, user: User, feature: str) -> bool:
    """May this person use ``feature`` at all? A limit of 0 is no; no limit (null) or a positive one is yes."""
    if feature not in FEATURES:
        raise ValueError(f"Unknown billing feature {feature!r}; known: {', '.join(FEATURES)}")
    if not settings.BILLING_ENABLED:
        return True
    _, features = features_for(user=user)
    value = features.get(feature)
    if isinstance(value, bool) or value is None:
        return value is None or value
    return int(value) > 0


def feature_limit(*, user: User, feature: str) -> int | None:
    """How many of ``feature`` the person's plan allows; None: no limit (always so with billing off)."""
    if feature not in FEATURES:
        raise ValueError(f"Unknown billing feature {feature!r}; known: {', '.join(FEATURES)}")
    if not settings.BILLING_ENABLED:
        return None
    _, features = features_for(user=user)
    value = features.get(feature)
    if value is None or isinstance(value, bool):
        return None if value in (None, True) else 0
    return int(value)


def feature_quota_check(*, user: User, feature: str, used: int, noun: tuple[str, str], per: str = "") -> None:
    """Refuse one more of ``feature`` when ``used`` already reaches the plan's limit, naming the plan and the limit
    (``noun``: singular and plural, ("receipt", "receipts"); ``per``: " a month"). Raises ValidationError with
    code "plan_limit"."""
    limit = feature_limit(user=user, feature=feature)
    if limit is None or used < limit:
        return
    name, _ = features_for(user=user)
    words = noun[0] if limit == 1 else noun[1]
    raise ValidationError(f"Your plan ({name}) includes {limit} {words}{per}, and you have {used}. Choose a plan "
                          f"with more on the Plans page.", code="plan_limit")


# --- announcing a change -------------------------------------------------------------------------------------

def _date(value: dt.datetime | None) -> str:
    return f"{value:%-d %B %Y}" if value else "the end of the paid period"


def _state(subscription: Subscription | None) -> dict[str, Any]:
    if subscription is None:
        return {"plan": FREE_PLAN, "status": None, "cancel_at_period_end": False}
    return {"plan": subscription.plan.slug, "status": subscription.status,
            "cancel_at_period_end": subscription.cancel_at_period_end}


def _message(before: dict[str, Any], sub: Subscription, why: str) -> tuple[str, str, str] | None:
    """(title, body, severity) of what changed between ``before`` and ``sub``; None when nothing a person sees."""
    plan = sub.plan.name
    status, was = sub.status, before["status"]
    if status == SubscriptionStatus.CANCELLED and was != SubscriptionStatus.CANCELLED:
        if why == "grace":
            return (f"Your {plan} plan has ended: the payment is still due",
                    f"The payment for your {plan} plan stayed unpaid for {settings.BILLING_GRACE_DAYS} days, so you "
                    f"are now on the free plan. Choose a plan again on the Plans page whenever you like.", "warning")
        return (f"Your {plan} plan has ended",
                "You are now on the free plan. Choose a plan again on the Plans page whenever you like.", "info")
    if status == SubscriptionStatus.PAST_DUE and was != SubscriptionStatus.PAST_DUE:
        until = (sub.past_due_since or timezone.now()) + dt.timedelta(days=settings.BILLING_GRACE_DAYS)
        return (f"The payment for your {plan} plan failed",
                f"Stripe could not take the payment. It will try again; you can also update your card from your "
                f"plan's page. You keep everything in {plan} until {_date(until)}; if the payment is still due "
                f"then, you move to the free plan.", "warning")
    if was is None or was == SubscriptionStatus.CANCELLED:
        if status == SubscriptionStatus.TRIALING:
            return (f"Your {plan} trial has started",
                    f"You can use everything in {plan} until {_date(sub.trial_end)}; the first payment is taken "
                    f"then unless you cancel before.", "success")
        return f"Your {plan} plan is active", f"Thank you. Everything in {plan} is yours from now on.", "success"
    if was == SubscriptionStatus.PAST_DUE and status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING):
        return (f"Your payment went through: {plan} continues",
                f"Thank you. The payment due for {plan} is paid and your plan carries on as before.", "success")
    if before["plan"] != sub.plan.slug:
        return f"Your plan is now {plan}", f"Everything in {plan} is yours from now on.", "info"
    if sub.cancel_at_period_end and not before["cancel_at_period_end"]:
        return (f"Your {plan} plan will end on {_date(sub.current_period_end)}",
                f"No further payments will be taken. You keep everything in {plan} until "
                f"{_date(sub.current_period_end)}, then move to the free plan. You can resume before then.", "info")
    if not sub.cancel_at_period_end and before["cancel_at_period_end"]:
        return (f"Your {plan} plan continues",
                f"Your plan will renew on {_date(sub.current_period_end)} as before.", "success")
    if was == SubscriptionStatus.TRIALING and status == SubscriptionStatus.ACTIVE:
        return (f"Your {plan} trial is over: the plan is active",
                f"The first payment went through. Everything in {plan} stays yours.", "success")
    return None


def _announce(*, before: dict[str, Any], sub: Subscription, actor: User | None, why: str) -> None:
    """The audit entry and the person's email for a change of their subscription (nothing when nothing changed)."""
    after = _state(sub)
    if after == before:
        return
    audit_record(action=AuditAction.PLAN_CHANGE, actor=actor, target=sub.user,
                 changes={"from": before, "to": after, "why": why, "subscription": sub.pk})
    message = _message(before, sub, why)
    if message is None:
        return
    title, body, severity = message
    notification_create(user=sub.user, kind=NotificationKind.SUBSCRIPTION_CHANGED, title=title, body=body,
                        link=reverse("billing:subscription"), severity=severity,
                        context={"plan": sub.plan.name, "status": sub.status})


# --- copying Stripe's state ----------------------------------------------------------------------------------

def _plan_of(data: dict[str, Any]) -> Plan | None:
    _, price_id = gateway.subscription_item(data)
    plan = Plan.objects.filter(stripe_price_id=price_id).first() if price_id else None
    if plan is None:
        plan = Plan.objects.filter(slug=(data.get("metadata") or {}).get("finsight_plan", "")).first()
    return plan


def _user_of(data: dict[str, Any], hint: str | None) -> User | None:
    for candidate in ((data.get("metadata") or {}).get("finsight_user_id"), hint):
        if candidate and str(candidate).isdigit():
            user = User.objects.filter(pk=int(candidate)).first()
            if user is not None:
                return user
    customer = data.get("customer") or ""
    known = Subscription.objects.filter(stripe_customer_id=customer).exclude(stripe_customer_id="").first()
    return known.user if known else None


@transaction.atomic
def subscription_sync(*, data: dict[str, Any], actor: User | None = None, why: str = "stripe",
                      user_hint: str | None = None) -> Subscription | None:
    """Make our copy of a Stripe subscription match ``data`` (fetched from Stripe just now). None when it is not a
    plan (the first payment not made) or names no person or plan of ours (logged)."""
    sid = data["id"]
    status = STATUS_FROM_STRIPE.get(data.get("status", ""))
    sub = Subscription.objects.select_for_update().select_related("plan", "user").filter(
        stripe_subscription_id=sid).first()
    plan = _plan_of(data)
    if sub is None:
        user = _user_of(data, user_hint)
        if status not in LIVE_STATUSES or user is None or plan is None:  # an ended one we never had: nothing
            log.warning("billing_subscription_unmatched", stripe_subscription=sid, status=data.get("status"),
                        user_found=user is not None, plan_found=plan is not None)
            return None
        sub = Subscription(user=user, plan=plan, stripe_subscription_id=sid, status=status)
        before = _state(subscription_current(user=user))
        before["status"] = None
    else:
        before = _state(sub)
        if status is None:
            return sub
    now = timezone.now()
    # Downgraded after the grace period: a payment still due does not bring the plan back; a paid one does.
    if sub.pk and sub.status == SubscriptionStatus.CANCELLED and status == SubscriptionStatus.PAST_DUE:
        status = SubscriptionStatus.CANCELLED
    if plan is not None:
        sub.plan = plan
    sub.status = status
    sub.cancel_at_period_end = bool(data.get("cancel_at_period_end") or data.get("cancel_at"))
    sub.current_period_start, sub.current_period_end = gateway.subscription_period(data)
    sub.trial_end = gateway.when(data.get("trial_end"))
    sub.stripe_customer_id = data.get("customer") or sub.stripe_customer_id
    if status == SubscriptionStatus.PAST_DUE:
        sub.past_due_since = sub.past_due_since or now
    elif status != SubscriptionStatus.CANCELLED:
        sub.past_due_since = None
    if status == SubscriptionStatus.CANCELLED:
        sub.cancelled_at = sub.cancelled_at or gateway.when(data.get("ended_at") or data.get("canceled_at")) or now
    sub.save()
    if status in LIVE_STATUSES:
        # A plan staff gave by hand gives way to the one the person pays for.
        for grant in Subscription.objects.live().filter(user=sub.user, stripe_subscription_id__isnull=True):
            grant_before = _state(grant)
            grant.status, grant.cancelled_at = SubscriptionStatus.CANCELLED, now
            grant.save(update_fields=["status", "cancelled_at", "updated_at"])
            audit_record(action=AuditAction.PLAN_CHANGE, actor=actor, target=sub.user,
                         changes={"from": grant_before, "to": _state(grant), "why": "replaced by a paid plan",
                                  "subscription": grant.pk})
    _announce(before=before, sub=sub, actor=actor, why=why)
    return sub


INVOICE_STATUS = {"paid": InvoiceStatus.PAID, "void": InvoiceStatus.FAILED, "uncollectible": InvoiceStatus.FAILED}


@transaction.atomic
def invoice_record(*, data: dict[str, Any], subscription: Subscription | None) -> Invoice | None:
    """Keep Stripe's invoice ``data`` (fetched just now) in the payment history: one row per invoice id."""
    user = subscription.user if subscription else None
    if user is None:
        known = Invoice.objects.filter(stripe_invoice_id=data["id"]).first()
        if known is None:
            log.warning("billing_invoice_unmatched", stripe_invoice=data["id"])
            return None
        user = known.user
    raw = data.get("status", "open")
    status = INVOICE_STATUS.get(raw) or (InvoiceStatus.FAILED if data.get("attempted") and data.get("attempt_count")
                                         else InvoiceStatus.OPEN)
    currency = (data.get("currency") or "eur").upper()
    paid = status == InvoiceStatus.PAID
    minor = data.get("amount_paid") if paid else data.get("amount_due")
    paid_at = gateway.when((data.get("status_transitions") or {}).get("paid_at")) if paid else None
    invoice, _ = Invoice.objects.update_or_create(stripe_invoice_id=data["id"], defaults={
        "user": user, "subscription": subscription, "currency": currency, "status": status,
        "amount": gateway.amount_from_minor(int(minor or 0), currency),
        "created_at": gateway.when(data.get("created")) or timezone.now(),
        "paid_at": paid_at or (timezone.now() if paid else None),
        "hosted_invoice_url": data.get("hosted_invoice_url") or "",
    })
    return invoice


# --- webhooks ------------------------------------------------------------------------------------------------

SUBSCRIPTION_EVENTS = {"customer.subscription.created", "customer.subscription.updated",
                       "customer.subscription.deleted"}
INVOICE_EVENTS = {"invoice.paid", "invoice.payment_failed", "invoice.payment_succeeded"}


def _event_handle(event: dict[str, Any]) -> str:
    """Act on one event by fetching the current state of what it names (never trusting the event's own copy, which
    may be older than one that came before it)."""
    kind, obj = event["type"], event["data"]["object"]
    if kind == "checkout.session.completed":
        sid = obj.get("subscription")
        if not sid:
            return "ignored"
        sid = sid if isinstance(sid, str) else sid["id"]
        subscription_sync(data=gateway.subscription_retrieve(sid), user_hint=obj.get("client_reference_id"))
        return "processed"
    if kind in SUBSCRIPTION_EVENTS:
        subscription_sync(data=gateway.subscription_retrieve(obj["id"]))
        return "processed"
    if kind in INVOICE_EVENTS:
        invoice = gateway.invoice_retrieve(obj["id"])
        sid = gateway.invoice_subscription_id(invoice)
        sub = subscription_sync(data=gateway.subscription_retrieve(sid)) if sid else None
        invoice_record(data=invoice, subscription=sub)
        return "processed"
    return "ignored"


def webhook_event_process(*, event: dict[str, Any]) -> str:
    """Handle a verified event exactly once: "processed", "ignored" (a type we do not use) or "duplicate" (this
    event id was handled before). An error is recorded on the event and raised: Stripe sends it again later."""
    record, _ = WebhookEvent.objects.get_or_create(stripe_event_id=event["id"],
                                                   defaults={"type": event.get("type", "")[:100]})
    if record.processed_at is not None:
        return "duplicate"
    try:
        with transaction.atomic():
            locked = WebhookEvent.objects.select_for_update().get(pk=record.pk)
            if locked.processed_at is not None:
                return "duplicate"
            outcome = _event_handle(event)
            locked.processed_at, locked.error = timezone.now(), ""
            locked.save(update_fields=["processed_at", "error"])
    except Exception as error:
        WebhookEvent.objects.filter(pk=record.pk).update(error=f"{type(error).__name__}: {error}"[:2000])
        log.exception("billing_webhook_failed", stripe_event=event["id"], type=event.get("type"))
        raise
    log.info("billing_webhook", stripe_event=event["id"], type=event.get("type"), outcome=outcome)
    return outcome


def webhook_receive(*, payload: bytes, signature: str) -> str:
    """Verify a webhook's signature and timestamp, then handle it once. Raises gateway.SignatureError or
    ValueError when it is not from Stripe."""
    return webhook_event_process(event=gateway.event_verify(payload, signature))


# --- what a person does --------------------------------------------------------------------------------------

def checkout_start(*, user: User, plan: Plan, success_url: str, cancel_url: str) -> str:
    """A Stripe Checkout Session for ``plan``; returns its URL, where the person pays. The plan starts when Stripe's
    webhook says so, not here."""
    if not plan.active or not plan.stripe_price_id:
        raise ValidationError({"plan": "This plan cannot be chosen."}, code="invalid")
    current = subscription_current(user=user)
    if current is not None and current.stripe_subscription_id:
        raise ValidationError(f"You already have the {current.plan.name} plan. Cancel it first to choose another.",
                              code="already_subscribed")
    earlier = Subscription.objects.filter(user=user).exclude(stripe_customer_id="").order_by("-created_at").first()
    # One free trial per person: someone who has paid Stripe before starts paying at once.
    trial_days = 0 if earlier is not None else plan.trial_days
    try:
        session = gateway.checkout_session_create(
            price_id=plan.stripe_price_id, user_id=user.pk, plan_slug=plan.slug, email=user.email,
            customer_id=earlier.stripe_customer_id if earlier else "", trial_days=trial_days,
            success_url=success_url, cancel_url=cancel_url)
    except gateway.GatewayError as error:
        log.warning("billing_checkout_failed", user_id=user.pk, error=str(error))
        raise ValidationError(UNREACHABLE, code="gateway_unavailable") from None
    return str(session["url"])


def _current_or_refuse(user: User) -> Subscription:
    current = subscription_current(user=user)
    if current is None:
        raise ValidationError("You are on the free plan: there is nothing to cancel or resume.", code="no_plan")
    return current


@transaction.atomic
def subscription_cancel(*, user: User) -> Subscription:
    """Cancel at the end of the paid period (a plan staff gave ends now)."""
    current = _current_or_refuse(user)
    if current.cancel_at_period_end:
        return current
    if not current.stripe_subscription_id:
        return _grant_end(current, actor=user, why="cancelled by the person")
    try:
        data = gateway.subscription_cancel_at_period_end(current.stripe_subscription_id, cancel=True)
    except gateway.GatewayError:
        raise ValidationError(UNREACHABLE, code="gateway_unavailable") from None
    return subscription_sync(data=data, actor=user, why="cancelled by the person") or current


@transaction.atomic
def subscription_resume(*, user: User) -> Subscription:
    """Take back a cancellation before the period ends."""
    current = _current_or_refuse(user)
    if not current.cancel_at_period_end:
        raise ValidationError("Your plan is not cancelled: it renews as usual.", code="not_cancelled")
    try:
        data = gateway.subscription_cancel_at_period_end(current.stripe_subscription_id or "", cancel=False)
    except gateway.GatewayError:
        raise ValidationError(UNREACHABLE, code="gateway_unavailable") from None
    return subscription_sync(data=data, actor=user, why="resumed by the person") or current


def _grant_end(sub: Subscription, *, actor: User | None, why: str) -> Subscription:
    before = _state(sub)
    sub.status, sub.cancelled_at = SubscriptionStatus.CANCELLED, timezone.now()
    sub.save(update_fields=["status", "cancelled_at", "updated_at"])
    _announce(before=before, sub=sub, actor=actor, why=why)
    return sub


@transaction.atomic
def subscription_plan_set(*, user: User, plan: Plan | None, actor: User) -> Subscription | None:
    """Staff put ``user`` on ``plan`` (None: the free plan), audited with ``actor``. A paid Stripe subscription moves
    to the plan's price from now on (no prorated charge); otherwise the plan is given without payment. Returns the
    subscription in force afterwards (None: the free plan)."""
    current = subscription_current(user=user)
    why = f"set by staff ({actor.email})"
    if current is not None and plan is not None and current.plan_id == plan.pk:
        return current
    try:
        if current is not None and current.stripe_subscription_id:
            if plan is not None and plan.stripe_price_id:
                item_id, _ = gateway.subscription_item(gateway.subscription_retrieve(current.stripe_subscription_id))
                data = gateway.subscription_price_set(current.stripe_subscription_id, item_id=item_id,
                                                      price_id=plan.stripe_price_id)
                return subscription_sync(data=data, actor=actor, why=why)
            subscription_sync(data=gateway.subscription_cancel_now(current.stripe_subscription_id), actor=actor,
                              why=why)
            current = None
    except gateway.GatewayError:
        raise ValidationError(UNREACHABLE, code="gateway_unavailable") from None
    if plan is None:
        if current is not None:
            _grant_end(current, actor=actor, why=why)
        return None
    if current is not None:
        before = _state(current)
        current.plan = plan
        current.save(update_fields=["plan", "updated_at"])
        _announce(before=before, sub=current, actor=actor, why=why)
        return current
    grant = Subscription.objects.create(user=user, plan=plan, status=SubscriptionStatus.ACTIVE,
                                        current_period_start=timezone.now())
    before = _state(None)
    before["status"] = None
    _announce(before=before, sub=grant, actor=actor, why=why)
    return grant


def subscriptions_end_for_deletion(*, user: User) -> int:
    """Before an account is deleted (privacy.deletion): cancel at once each of its Stripe subscriptions still live,
    so nobody is charged for an account that is gone; how many. Stripe unreachable raises ValidationError, and
    the deletion waits for its next run."""
    ended = 0
    for sub in Subscription.objects.live().filter(user=user, stripe_subscription_id__isnull=False):
        try:
            gateway.subscription_cancel_now(sub.stripe_subscription_id or "")
        except gateway.GatewayError as error:
            log.warning("billing_deletion_cancel_failed", subscription=sub.pk, error=str(error))
            raise ValidationError(UNREACHABLE, code="gateway_unavailable") from None
        ended += 1
    return ended


# --- the hourly job -------------------------------------------------------------------------------------------

def past_due_downgrade(*, now: dt.datetime | None = None) -> int:
    """Move everyone whose payment has been due longer than BILLING_GRACE_DAYS to the free plan (their Stripe
    subscription is cancelled, so no later retry charges them); returns how many. Each is claimed by a conditional
    update, so a second worker or a rerun never does one twice."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.BILLING_GRACE_DAYS)
    moved = 0
    for sub in Subscription.objects.filter(status=SubscriptionStatus.PAST_DUE, past_due_since__lte=cutoff
                                           ).select_related("plan", "user"):
        with transaction.atomic():
            before = _state(sub)
            claimed = Subscription.objects.filter(pk=sub.pk, status=SubscriptionStatus.PAST_DUE).update(
                status=SubscriptionStatus.CANCELLED, cancelled_at=now, updated_at=now)
            if claimed != 1:
                continue
            sub.refresh_from_db()
            _announce(before=before, sub=sub, actor=None, why="grace")
        moved += 1
        if sub.stripe_subscription_id:
            try:
                gateway.subscription_cancel_now(sub.stripe_subscription_id)
            except gateway.GatewayError as error:  # downgraded here all the same; Stripe's own retries end later
                log.warning("billing_downgrade_cancel_failed", subscription=sub.pk, error=str(error))
    return moved
