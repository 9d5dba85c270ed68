"""Subscription suggestions: keep them in step with what detection finds, let the user confirm or dismiss them,
and move a known subscription's bill to its new price when it goes up (the alert is mlcore's price_rise).

Reads (``subscription_suggestion_list``, ``subscription_suggestion_get``) take ``user=`` and see only that
user's suggestions. Writes are atomic; a decided suggestion (confirmed or dismissed) is never brought back by
detection.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from notifications.models import NotificationKind
from notifications.services import notification_create
from payments.detection import DetectedSubscription, merchant_key, subscriptions_detect
from payments.models import Frequency, RecurringPayment, RecurringSource, SubscriptionSuggestion, SuggestionStatus
from payments.services import recurring_payment_create, recurring_payment_update

SUGGESTIONS_LINK = "/bills/suggestions/"
# A charge this much above the expected amount is a price rise (and at least one cent).
PRICE_RISE_SHARE = Decimal("0.01")
CENT = Decimal("0.01")
OVERRIDABLE = ("name", "account", "category")

FREQUENCY_WORDS = {
    Frequency.WEEKLY: "weekly", Frequency.MONTHLY: "monthly", Frequency.MONTHLY_LAST_DAY: "monthly",
    Frequency.QUARTERLY: "quarterly", Frequency.YEARLY: "yearly",
}


def frequency_words(frequency: str, interval_days: int) -> str:
    """"monthly", "every 4 weeks", "every 10 days"."""
    if frequency in FREQUENCY_WORDS:
        return FREQUENCY_WORDS[frequency]
    if frequency == Frequency.EVERY_N_WEEKS:
        weeks = max(round(interval_days / 7), 1)
        return "weekly" if weeks == 1 else f"every {weeks} weeks"
    return f"every {interval_days} days"


def payments_per_year(payment: RecurringPayment) -> Decimal:
    interval = max(payment.interval or 1, 1)
    match payment.frequency:
        case Frequency.WEEKLY:
            return Decimal(52)
        case Frequency.EVERY_N_WEEKS:
            return Decimal(52) / interval
        case Frequency.EVERY_N_DAYS:
            return Decimal(365) / interval
        case Frequency.QUARTERLY:
            return Decimal(4)
        case Frequency.YEARLY:
            return Decimal(1)
    return Decimal(12)


def subscription_suggestion_list(*, user: User, status: str | None = None) -> QuerySet[SubscriptionSuggestion]:
    suggestions = SubscriptionSuggestion.objects.filter(user=user).select_related("account", "category")
    if status is not None:
        suggestions = suggestions.filter(status=status)
    return suggestions.order_by("-confidence", "merchant", "id")


def subscription_suggestion_get(*, user: User, pk: int) -> SubscriptionSuggestion:
    return get_object_or_404(SubscriptionSuggestion.objects.filter(user=user), pk=pk)


def payee_covers(payee: str, key: str) -> bool:
    """A bill's payee and a detected merchant key name the same merchant: one contains the other, word by word,
    ignoring case, digits and punctuation ("Netflix" and "netflix com")."""
    payee_words = merchant_key(payee)
    if not payee_words or not key:
        return False
    return f" {payee_words} " in f" {key} " or f" {key} " in f" {payee_words} "


def _suggestion_fields(found: DetectedSubscription) -> dict[str, Any]:
    return {
        "merchant": found.merchant[:200], "frequency": found.frequency,
        "interval_days": min(found.interval_days, 32767), "amount": found.amount,
        "previous_amount": found.previous_amount, "account_id": found.account_id, "category_id": found.category_id,
        "first_date": found.first_date, "last_date": found.last_date, "next_date": found.next_date,
        "charge_count": found.charge_count, "confidence": found.confidence,
    }


def _notify_found(*, user: User, suggestion: SubscriptionSuggestion) -> None:
    words = frequency_words(suggestion.frequency, suggestion.interval_days)
    notification_create(
        user=user, kind=NotificationKind.SUBSCRIPTION_FOUND,
        title=f"Subscription found: {suggestion.merchant}",
        body=(f"{suggestion.merchant} charged you {suggestion.amount} {suggestion.currency} {words} "
              f"({suggestion.charge_count} charges since {suggestion.first_date:%-d %b %Y}); the next is expected on "
              f"{suggestion.next_date:%-d %b %Y}. Add it to your bills or dismiss it."),
        link=SUGGESTIONS_LINK, dedupe_key=f"subscription_found:{suggestion.pk}",
        context={"merchant": suggestion.merchant, "amount": str(suggestion.amount), "currency": suggestion.currency,
                 "frequency": words, "next_date": suggestion.next_date.isoformat(),
                 "charge_count": suggestion.charge_count},
    )


def _price_rise(*, payment: RecurringPayment, found: DetectedSubscription, today: dt.date) -> bool:
    """The bill expects the new price when the latest charge is above it; True if it was.

    Telling the person is the anomaly detectors' job (mlcore's price_rise detector scores the charge with the
    rest), so a price rise is one alert among the others rather than a notification of its own.
    """
    old, new = payment.amount, found.amount
    if new - old < CENT or new <= old * (1 + PRICE_RISE_SHARE):
        return False
    recurring_payment_update(payment=payment, data={"amount": new}, today=today)
    return True


@transaction.atomic
def subscription_suggestions_refresh(*, user: User, today: dt.date) -> dict[str, int]:
    """Run detection and bring the user's suggestions up to date.

    New series become pending suggestions (with a "subscription found" notification); pending ones take the
    latest amount, dates and count; dismissed and confirmed ones are left alone. A series the user already
    has a bill for is not suggested; if its latest charge is above a fixed-amount bill's expected amount,
    the bill expects the new price (the anomaly alerts tell the person).
    """
    counts = {"found": 0, "created": 0, "updated": 0, "known": 0, "price_rises": 0}
    detected = subscriptions_detect(user=user, today=today)
    counts["found"] = len(detected)
    if not detected:
        return counts
    payments = list(RecurringPayment.objects.for_user(user).order_by("pk"))
    existing = {(s.merchant_key, s.currency): s for s in SubscriptionSuggestion.objects.filter(user=user)}
    for found in detected:
        known = [p for p in payments if p.currency == found.currency and payee_covers(p.payee, found.merchant_key)]
        if known:
            counts["known"] += 1
            for payment in known:
                if payment.is_active and payment.amount_max is None and _price_rise(
                        payment=payment, found=found, today=today):
                    counts["price_rises"] += 1
            continue
        suggestion = existing.get((found.merchant_key, found.currency))
        if suggestion is None:
            try:
                with transaction.atomic():
                    suggestion = SubscriptionSuggestion.objects.create(
                        user=user, merchant_key=found.merchant_key, currency=found.currency,
                        **_suggestion_fields(found))
            except IntegrityError:  # a concurrent refresh created it first; it will notify
                continue
            _notify_found(user=user, suggestion=suggestion)
            counts["created"] += 1
        elif suggestion.status == SuggestionStatus.PENDING:
            fields = _suggestion_fields(found)
            if any(getattr(suggestion, name) != value for name, value in fields.items()):
                SubscriptionSuggestion.objects.filter(pk=suggestion.pk, status=SuggestionStatus.PENDING).update(
                    **fields, updated_at=timezone.now())
                counts["updated"] += 1
    return counts


def _locked(*, user: User, suggestion: SubscriptionSuggestion, expected: str) -> SubscriptionSuggestion:
    """The suggestion re-read under a row lock, so two clicks cannot both decide it."""
    locked = (SubscriptionSuggestion.objects.select_for_update(of=("self",)).select_related("account", "category")
              .filter(user=user, pk=suggestion.pk).first())
    if locked is None:
        raise ValidationError("This suggestion no longer exists.")
    if locked.status != expected:
        state = {SuggestionStatus.CONFIRMED: "already added to your bills",
                 SuggestionStatus.DISMISSED: "already dismissed",
                 SuggestionStatus.PENDING: "still waiting for you"}[locked.status]
        raise ValidationError(f"{locked.merchant} was {state}." if locked.status != SuggestionStatus.PENDING
                              else f"{locked.merchant} is {state}.")
    return locked


def _schedule(suggestion: SubscriptionSuggestion) -> dict[str, Any]:
    """The bill schedule for a suggestion: starting on the next expected charge."""
    start = suggestion.next_date
    day = start.day
    if (start + dt.timedelta(days=1)).month != start.month:  # a month end may stand for the 29th-31st
        day = max(day, suggestion.last_date.day)
    if suggestion.frequency == Frequency.EVERY_N_WEEKS:
        return {"frequency": Frequency.EVERY_N_WEEKS, "interval": max(round(suggestion.interval_days / 7), 1),
                "start_date": start, "day_of_month": None}
    if suggestion.frequency == Frequency.WEEKLY:
        return {"frequency": Frequency.WEEKLY, "interval": 1, "start_date": start, "day_of_month": None}
    if suggestion.frequency == Frequency.EVERY_N_DAYS:
        return {"frequency": Frequency.EVERY_N_DAYS, "interval": max(suggestion.interval_days, 1),
                "start_date": start, "day_of_month": None}
    return {"frequency": suggestion.frequency, "interval": 1, "start_date": start, "day_of_month": day}


@transaction.atomic
def suggestion_confirm(*, user: User, suggestion: SubscriptionSuggestion, overrides: dict[str, Any] | None = None,
                       today: dt.date | None = None) -> RecurringPayment:
    """Turn a pending suggestion into a bill (name, account and category may be changed first)."""
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(OVERRIDABLE)
    if unknown:
        raise ValidationError(f"Only {', '.join(OVERRIDABLE)} can be changed here, not {', '.join(sorted(unknown))}.")
    locked = _locked(user=user, suggestion=suggestion, expected=SuggestionStatus.PENDING)
    name = overrides.get("name")
    name = (name if isinstance(name, str) else "").strip() or locked.merchant
    if len(name) > 100:
        raise ValidationError({"name": "Keep the name to 100 characters."})
    payment = recurring_payment_create(
        user=user, name=name, payee=locked.merchant, amount=locked.amount, currency=locked.currency,
        account=overrides.get("account", locked.account), category=overrides.get("category", locked.category),
        source=RecurringSource.DETECTED, today=today, **_schedule(locked),
    )
    locked.status = SuggestionStatus.CONFIRMED
    locked.decided_at = timezone.now()
    locked.recurring_payment = payment
    locked.save(update_fields=["status", "decided_at", "recurring_payment", "updated_at"])
    suggestion.status, suggestion.decided_at, suggestion.recurring_payment = (
        locked.status, locked.decided_at, payment)
    return payment


@transaction.atomic
def suggestion_dismiss(*, user: User, suggestion: SubscriptionSuggestion) -> SubscriptionSuggestion:
    """Not a subscription (or not one to track): it stays dismissed whatever detection finds later."""
    locked = _locked(user=user, suggestion=suggestion, expected=SuggestionStatus.PENDING)
    locked.status = SuggestionStatus.DISMISSED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at", "updated_at"])
    suggestion.status, suggestion.decided_at = locked.status, locked.decided_at
    return locked


@transaction.atomic
def suggestion_restore(*, user: User, suggestion: SubscriptionSuggestion) -> SubscriptionSuggestion:
    """Undo a dismissal: the suggestion waits for a decision again."""
    locked = _locked(user=user, suggestion=suggestion, expected=SuggestionStatus.DISMISSED)
    locked.status = SuggestionStatus.PENDING
    locked.decided_at = None
    locked.save(update_fields=["status", "decided_at", "updated_at"])
    suggestion.status, suggestion.decided_at = locked.status, locked.decided_at
    return locked
