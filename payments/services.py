"""Writes for bills: create and change recurring payments, settle occurrences, match transactions, mark missed ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import User
from core.dates import date_problem
from payments import schedule
from payments.models import BillOccurrence, Frequency, OccurrenceStatus, RecurringPayment, RecurringSource
from transactions.merchants import merchant_clean
from transactions.models import Account, Category, Transaction

# A payment counts for a bill when it is within this share of the expected amount (or range)...
AMOUNT_TOLERANCE = Decimal("0.10")
# ...or within this many currency units, for small bills where 10% is a few cents.
AMOUNT_TOLERANCE_MIN = Decimal("1.00")
# Days before and after the due date in which a payment matches; a bill is overdue after the window.
MATCH_WINDOW_DAYS = 5
# How far back a newly created or resumed bill looks for a payment already made.
LOOKBACK_DAYS = 7

FIELDS = ("name", "payee", "amount", "amount_max", "currency", "account", "category", "frequency", "interval",
          "day_of_month", "start_date", "end_date", "reminder_lead_days", "is_active", "notes")


def match_window(payment: RecurringPayment) -> int:
    """Days either side of the due date; narrower for weekly bills so two occurrences never share a payment."""
    if payment.frequency == Frequency.WEEKLY:
        return 2
    if payment.frequency in (Frequency.EVERY_N_WEEKS, Frequency.EVERY_N_DAYS):
        period = payment.interval * (7 if payment.frequency == Frequency.EVERY_N_WEEKS else 1)
        return max(0, min(MATCH_WINDOW_DAYS, (period - 1) // 3))
    return MATCH_WINDOW_DAYS


def _check(payment: RecurringPayment) -> None:
    errors: dict[str, str] = {}
    if payment.amount is None or payment.amount < 0:
        errors["amount"] = "Enter the expected amount as a positive number."
    if payment.amount_max is not None and payment.amount is not None and payment.amount_max < payment.amount:
        errors["amount_max"] = "The upper bound must be at least the expected amount."
    if payment.interval is None or payment.interval < 1:
        errors["interval"] = "The interval must be at least 1."
    if payment.day_of_month is not None and not 1 <= payment.day_of_month <= 31:
        errors["day_of_month"] = "The day of the month must be between 1 and 31."
    if payment.end_date and payment.start_date and payment.end_date < payment.start_date:
        errors["end_date"] = "The end date must not be before the start date."
    today = payment.user.financial_profile.local_today()
    for name in ("start_date", "end_date"):
        value = getattr(payment, name)
        if value and (problem := date_problem(value, today=today)):
            errors[name] = problem
    if payment.account is not None and payment.account.owner_id != payment.user_id:
        errors["account"] = "Choose one of your accounts."
    if payment.category_id and not Category.objects.visible_to(payment.user).filter(pk=payment.category_id).exists():
        errors["category"] = "Choose one of your categories."
    if not (payment.payee or "").strip():
        errors["payee"] = "Enter who is paid, as it appears on your statement."
    if errors:
        raise ValidationError(errors)


def _first_open_due(payment: RecurringPayment, *, today: dt.date) -> dt.date | None:
    """The first due date a new or resumed bill tracks: from a week back, so a payment just made still matches."""
    since = max(payment.start_date, today - dt.timedelta(days=LOOKBACK_DAYS))
    settled = set(payment.occurrences.exclude(status=OccurrenceStatus.UPCOMING).values_list("due_date", flat=True)) \
        if payment.pk else set()
    for due in schedule.due_dates(payment, after=since, limit=len(settled) + 1):
        if due not in settled:
            return due
    return None


@transaction.atomic
def recurring_payment_create(*, user: User, name: str, payee: str, amount: Decimal, currency: str,
                             frequency: str = Frequency.MONTHLY, start_date: dt.date, interval: int = 1,
                             day_of_month: int | None = None, end_date: dt.date | None = None,
                             amount_max: Decimal | None = None, account: Account | None = None,
                             category: Category | None = None, reminder_lead_days: int | None = None,
                             is_active: bool = True, notes: str = "", source: str = RecurringSource.MANUAL,
                             today: dt.date | None = None, match: bool = True) -> RecurringPayment:
    """Add a bill. Its next due date is the first from a week ago on, and recent payments are matched at once."""
    today = today or user.financial_profile.local_today()
    payment = RecurringPayment(
        user=user, name=name.strip(), payee=payee.strip(), amount=amount, amount_max=amount_max,
        currency=currency, account=account, category=category, frequency=frequency, interval=interval or 1,
        day_of_month=day_of_month, start_date=start_date, end_date=end_date, reminder_lead_days=reminder_lead_days,
        is_active=is_active, notes=notes, source=source,
    )
    _check(payment)
    payment.next_due_date = _first_open_due(payment, today=today)
    payment.save()
    if match and payment.is_active:
        bills_match(user=user, today=today, payments=[payment])
    return payment


@transaction.atomic
def recurring_payment_update(*, payment: RecurringPayment, data: dict[str, Any],
                             today: dt.date | None = None) -> RecurringPayment:
    """Change a bill. A new schedule (or resuming a paused bill) recomputes the next due date."""
    today = today or payment.user.financial_profile.local_today()
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    schedule_fields = {"frequency", "interval", "day_of_month", "start_date", "end_date"}
    before = {field: getattr(payment, field) for field in schedule_fields | {"is_active"}}
    for field, value in data.items():
        setattr(payment, field, value.strip() if isinstance(value, str) and field in ("name", "payee") else value)
    payment.interval = payment.interval or 1
    _check(payment)
    rescheduled = any(before[field] != getattr(payment, field) for field in schedule_fields)
    resumed = payment.is_active and not before["is_active"]
    if rescheduled or resumed:
        payment.occurrences.filter(status=OccurrenceStatus.UPCOMING).delete()
        payment.next_due_date = _first_open_due(payment, today=today)
    payment.save()
    if (rescheduled or resumed) and payment.is_active:
        bills_match(user=payment.user, today=today, payments=[payment])
    return payment


def recurring_payment_delete(*, payment: RecurringPayment) -> None:
    payment.delete()


def recurring_payment_pause(*, payment: RecurringPayment, paused: bool,
                            today: dt.date | None = None) -> RecurringPayment:
    return recurring_payment_update(payment=payment, data={"is_active": not paused}, today=today)


def _occurrence_for(payment: RecurringPayment, due: dt.date) -> BillOccurrence:
    """The stored occurrence for a due date, created if needed; safe when two workers get here at once."""
    defaults = {"user_id": payment.user_id, "amount_due": payment.amount, "currency": payment.currency}
    try:
        with transaction.atomic():
            occurrence, _ = BillOccurrence.objects.get_or_create(recurring_payment=payment, due_date=due,
                                                                 defaults=defaults)
    except IntegrityError:
        occurrence = BillOccurrence.objects.get(recurring_payment=payment, due_date=due)
    return occurrence


def occurrence_ensure(*, payment: RecurringPayment, due_date: dt.date) -> BillOccurrence:
    return _occurrence_for(payment, due_date)


def _advance(payment: RecurringPayment, settled_due: dt.date) -> None:
    if payment.next_due_date is not None and payment.next_due_date <= settled_due:
        payment.next_due_date = schedule.due_after(payment, settled_due)
        RecurringPayment.objects.filter(pk=payment.pk).update(next_due_date=payment.next_due_date)


@transaction.atomic
def occurrence_pay(*, payment: RecurringPayment, due_date: dt.date, paid_on: dt.date,
                   amount_paid: Decimal | None = None, transaction_obj: Transaction | None = None) -> BillOccurrence:
    """Settle one occurrence (by a matching transaction or by hand) and move the bill to its next due date."""
    if due_date not in set(schedule.due_dates(payment, after=due_date, until=due_date)):
        raise ValidationError({"due_date": f"{payment.name} is not due on {due_date:%-d %b %Y}."})
    occurrence = _occurrence_for(payment, due_date)
    if occurrence.status == OccurrenceStatus.PAID:
        raise ValidationError({"due_date": f"{payment.name} due {due_date:%-d %b %Y} is already paid."})
    occurrence.status = OccurrenceStatus.PAID
    occurrence.paid_on = paid_on
    occurrence.amount_paid = amount_paid if amount_paid is not None else payment.amount
    occurrence.transaction = transaction_obj
    occurrence.save(update_fields=["status", "paid_on", "amount_paid", "transaction", "updated_at"])
    _advance(payment, due_date)
    return occurrence


@transaction.atomic
def occurrence_skip(*, payment: RecurringPayment, due_date: dt.date) -> BillOccurrence:
    """Skip one occurrence (not paid this time, nothing to remind or chase)."""
    if due_date not in set(schedule.due_dates(payment, after=due_date, until=due_date)):
        raise ValidationError({"due_date": f"{payment.name} is not due on {due_date:%-d %b %Y}."})
    occurrence = _occurrence_for(payment, due_date)
    if occurrence.status == OccurrenceStatus.PAID:
        raise ValidationError({"due_date": "A paid bill cannot be skipped."})
    occurrence.status = OccurrenceStatus.SKIPPED
    occurrence.save(update_fields=["status", "updated_at"])
    _advance(payment, due_date)
    return occurrence


def payee_key(text: str) -> str:
    return " ".join((text or "").casefold().split())


def payee_matches(payment: RecurringPayment, txn: Transaction) -> bool:
    """The bill's payee appears in the transaction's merchant or description (case and spacing ignored)."""
    key = payee_key(payment.payee)
    if not key:
        return False
    haystacks = (txn.merchant, txn.description, merchant_clean(txn.description))
    return any(key in payee_key(text) for text in haystacks if text)


def amount_matches(payment: RecurringPayment, amount: Decimal) -> bool:
    paid = abs(amount)
    low, high = payment.amount, payment.amount_display_max
    slack_low = max(low * AMOUNT_TOLERANCE, AMOUNT_TOLERANCE_MIN)
    slack_high = max(high * AMOUNT_TOLERANCE, AMOUNT_TOLERANCE_MIN)
    return low - slack_low <= paid <= high + slack_high


@dataclass(frozen=True)
class MatchOutcome:
    paid: list[BillOccurrence]
    overdue: list[BillOccurrence]


def _open_dues(payment: RecurringPayment, overdue: list[BillOccurrence], *, until: dt.date) -> list[dt.date]:
    """Due dates a payment may still settle: the overdue ones, then the schedule from next_due_date on."""
    dues = [occ.due_date for occ in overdue]
    if payment.next_due_date is not None:
        dues += list(schedule.due_dates(payment, after=payment.next_due_date, until=until, limit=60))
    return sorted(set(dues))


@transaction.atomic
def bills_match(*, user: User, today: dt.date | None = None,
                payments: list[RecurringPayment] | None = None) -> MatchOutcome:
    """Settle the user's bills with the transactions that pay them, then mark missed ones overdue.

    A transaction pays an occurrence when it is money out in the bill's currency (and account, if set),
    the payee appears in it, the amount is within tolerance, and the date is within the window around
    the due date (any time after, for an overdue one). Each transaction pays at most one occurrence.
    Runs after every import and nightly; rerunning it changes nothing.
    """
    today = today or user.financial_profile.local_today()
    if payments is None:
        payments = list(RecurringPayment.objects.for_user(user).active().filter(
            Q(next_due_date__isnull=False) | Q(occurrences__status=OccurrenceStatus.OVERDUE)).distinct())
    payments = [p for p in payments if p.is_active]
    if not payments:
        return MatchOutcome(paid=[], overdue=[])
    overdue_by_payment: dict[int, list[BillOccurrence]] = {}
    for occ in BillOccurrence.objects.filter(recurring_payment__in=payments, status=OccurrenceStatus.OVERDUE):
        overdue_by_payment.setdefault(occ.recurring_payment_id, []).append(occ)

    dues_by_payment = {p.pk: _open_dues(p, overdue_by_payment.get(p.pk, []), until=today + dt.timedelta(
        days=match_window(p))) for p in payments}
    earliest = min((dues[0] - dt.timedelta(days=match_window(p)) for p in payments
                    if (dues := dues_by_payment[p.pk])), default=None)
    candidates: list[Transaction] = []
    if earliest is not None:
        used = BillOccurrence.objects.filter(user=user, transaction__isnull=False).values("transaction_id")
        candidates = list(
            Transaction.objects.for_user(user).filter(amount__lt=0, date__gte=earliest, date__lte=today)
            .exclude(pk__in=used).order_by("date", "id")
            .only("id", "date", "amount", "currency", "account_id", "merchant", "description")
        )
    taken: set[int] = set()
    paid: list[BillOccurrence] = []
    for payment in sorted(payments, key=lambda p: (p.next_due_date or dt.date.max, p.pk)):
        window = dt.timedelta(days=match_window(payment))
        overdue_dues = {occ.due_date for occ in overdue_by_payment.get(payment.pk, [])}
        for due in dues_by_payment[payment.pk]:
            latest = today if due in overdue_dues else due + window
            match = next((
                txn for txn in candidates
                if txn.pk not in taken and due - window <= txn.date <= latest
                and txn.currency == payment.currency
                and (payment.account_id is None or txn.account_id == payment.account_id)
                and amount_matches(payment, txn.amount) and payee_matches(payment, txn)
            ), None)
            if match is None:
                continue
            taken.add(match.pk)
            paid.append(occurrence_pay(payment=payment, due_date=due, paid_on=match.date,
                                       amount_paid=abs(match.amount), transaction_obj=match))
    overdue = bills_mark_overdue(user=user, today=today, payments=payments)
    return MatchOutcome(paid=paid, overdue=overdue)


def bills_mark_overdue(*, user: User, today: dt.date, payments: list[RecurringPayment]) -> list[BillOccurrence]:
    """Occurrences whose window closed without a payment become overdue, and the bill moves on."""
    marked: list[BillOccurrence] = []
    for payment in payments:
        window = dt.timedelta(days=match_window(payment))
        while (payment.is_active and payment.next_due_date is not None
               and payment.next_due_date + window < today and len(marked) < 1000):
            due = payment.next_due_date
            occurrence = _occurrence_for(payment, due)
            if occurrence.status == OccurrenceStatus.UPCOMING:
                occurrence.status = OccurrenceStatus.OVERDUE
                occurrence.save(update_fields=["status", "updated_at"])
                marked.append(occurrence)
            _advance(payment, due)
    return marked
