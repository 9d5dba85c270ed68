"""Reads for bills: the user's recurring payments, what is due soon, when the next payday is, and a month grid.

Every function takes ``user=`` and sees only that user's bills; another user's bill is a 404.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from dateutil.relativedelta import relativedelta
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from payments import schedule
from payments.detection import salary_detect
from payments.models import BillOccurrence, Frequency, OccurrenceStatus, RecurringPayment
from payments.services import match_window

ORDINAL_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def ordinal(day: int) -> str:
    """1 -> "1st", 22 -> "22nd", 13 -> "13th"."""
    suffix = "th" if 10 <= day % 100 <= 20 else ORDINAL_SUFFIXES.get(day % 10, "th")
    return f"{day}{suffix}"


def frequency_text(payment: RecurringPayment) -> str:
    """The schedule in words: "Monthly on the 31st", "Every 2 weeks", "Monthly on the last day"."""
    interval = payment.interval or 1
    day = payment.day_of_month or payment.start_date.day
    match payment.frequency:
        case Frequency.WEEKLY:
            return f"Weekly on {payment.start_date:%A}s"
        case Frequency.EVERY_N_WEEKS:
            return "Weekly" if interval == 1 else f"Every {interval} weeks"
        case Frequency.EVERY_N_DAYS:
            return "Daily" if interval == 1 else f"Every {interval} days"
        case Frequency.MONTHLY_LAST_DAY:
            return "Monthly on the last day"
        case Frequency.MONTHLY:
            return f"Monthly on the {ordinal(day)}"
        case Frequency.QUARTERLY:
            return f"Quarterly on the {ordinal(day)}"
        case Frequency.YEARLY:
            month = payment.start_date.month
            shown = min(day, calendar.monthrange(2000, month)[1])  # Feb 29 is possible in a leap year
            return f"Yearly on {shown} {calendar.month_name[month]}"
    return payment.get_frequency_display()


def recurring_payment_list(*, user: User, active: bool | None = None) -> QuerySet[RecurringPayment]:
    payments = RecurringPayment.objects.for_user(user).select_related("account", "category", "category__parent")
    if active is not None:
        payments = payments.filter(is_active=active)
    # Bills whose schedule ended (no next due date) go last.
    return payments.order_by(F("next_due_date").asc(nulls_last=True), "name", "id")


def recurring_payment_get(*, user: User, pk: int) -> RecurringPayment:
    return get_object_or_404(RecurringPayment.objects.for_user(user).select_related("account", "category"), pk=pk)


@dataclass(frozen=True)
class UpcomingBill:
    """One occurrence of a bill as the user sees it: projected from the schedule or stored (paid, overdue)."""

    payment: RecurringPayment
    due_date: dt.date
    amount: Decimal
    amount_max: Decimal | None
    currency: str
    status: str  # an OccurrenceStatus value: upcoming, overdue or paid (skipped ones are left out)
    days_left: int

    @property
    def amount_upper(self) -> Decimal:
        """The one amount a bill counts for wherever a sum or a forecast needs a number: the top of its range
        (planning for the most it can cost). Wherever the bill itself is shown, its range is shown."""
        return self.amount_max if self.amount_max is not None else self.amount

    @property
    def is_open(self) -> bool:
        """Still to pay: upcoming or overdue."""
        return self.status in (OccurrenceStatus.UPCOMING, OccurrenceStatus.OVERDUE)


def _amount_max(payment: RecurringPayment, amount: Decimal) -> Decimal | None:
    return payment.amount_max if payment.amount_max is not None and payment.amount_max > amount else None


def _from_occurrence(occurrence: BillOccurrence, payment: RecurringPayment, today: dt.date) -> UpcomingBill:
    paid = occurrence.status == OccurrenceStatus.PAID
    amount = occurrence.amount_paid if paid and occurrence.amount_paid is not None else occurrence.amount_due
    return UpcomingBill(payment=payment, due_date=occurrence.due_date, amount=amount,
                        amount_max=None if paid else _amount_max(payment, amount), currency=occurrence.currency,
                        status=occurrence.status, days_left=(occurrence.due_date - today).days)


def _projected(payment: RecurringPayment, due: dt.date, today: dt.date) -> UpcomingBill:
    return UpcomingBill(payment=payment, due_date=due, amount=payment.amount, amount_max=_amount_max(
        payment, payment.amount), currency=payment.currency, status=OccurrenceStatus.UPCOMING,
        days_left=(due - today).days)


def _bills_between(*, user: User, today: dt.date, start: dt.date, until: dt.date,
                   upcoming_view: bool) -> list[UpcomingBill]:
    """Occurrences due from ``start`` to ``until``: stored ones as stored, the rest projected from each active
    bill's next due date. Two queries, whatever the number of bills.

    ``upcoming_view``: also every overdue occurrence, and the still-open one due a few days before ``start``
    (inside its payment window); paused bills are left out entirely. Otherwise (the calendar) a paused bill's
    paid occurrences still show as history.
    """
    payments = {p.pk: p for p in recurring_payment_list(user=user)}
    in_range = Q(due_date__gte=start, due_date__lte=until)
    if upcoming_view:
        in_range |= Q(status=OccurrenceStatus.OVERDUE)
    stored = {(o.recurring_payment_id, o.due_date): o
              for o in BillOccurrence.objects.filter(in_range, user=user, recurring_payment_id__in=list(payments))}
    items: list[UpcomingBill] = []
    for occurrence in stored.values():
        payment = payments[occurrence.recurring_payment_id]
        if occurrence.status == OccurrenceStatus.SKIPPED:
            continue
        if not payment.is_active and (upcoming_view or occurrence.status != OccurrenceStatus.PAID):
            continue  # a paused bill is neither chased nor expected
        if occurrence.status == OccurrenceStatus.UPCOMING and (
                payment.next_due_date is None or occurrence.due_date < payment.next_due_date):
            continue  # a stale reminder row for a date the bill has moved past
        items.append(_from_occurrence(occurrence, payment, today))
    for payment in payments.values():
        if not payment.is_active or payment.next_due_date is None:
            continue
        after = payment.next_due_date
        if after < start:
            # Due a few days ago and still inside its payment window: not overdue yet, but not paid either.
            after = max(after, start - dt.timedelta(days=match_window(payment))) if upcoming_view else start
        for due in schedule.due_dates(payment, after=after, until=until):
            if (payment.pk, due) not in stored:
                items.append(_projected(payment, due, today))
    items.sort(key=lambda item: (item.status != OccurrenceStatus.OVERDUE, item.due_date, item.payment.name.lower(),
                                 item.payment.pk))
    return items


def upcoming_bills(*, user: User, today: dt.date, days: int) -> list[UpcomingBill]:
    """Bills due from today to today + ``days``, plus every overdue one, overdue first, then by due date.

    A bill whose due date passed a few days ago and is still inside its payment window shows too (with
    negative days_left): it is not overdue yet, but not paid either.
    """
    until = today + dt.timedelta(days=days)
    return _bills_between(user=user, today=today, start=today, until=until, upcoming_view=True)


@dataclass(frozen=True)
class Payday:
    date: dt.date
    source: str  # "salary" (detected in the history) or "profile" (assumed the 1st, from the monthly income)
    label: str
    payer: str = ""


def next_payday(*, user: User, today: dt.date) -> Payday | None:
    """When money next comes in: the detected salary's next date, else the 1st of next month if the financial
    profile has a monthly income, else None."""
    income = salary_detect(user=user, today=today)
    if income is not None and income.next_date is not None:
        day = income.next_date
        return Payday(date=day, source="salary", payer=income.payer,
                      label=f"{day:%a} {day.day} {day:%b}, from {income.payer}")
    profile = getattr(user, "financial_profile", None)
    if profile is not None and profile.monthly_net_income:
        day = today.replace(day=1) + relativedelta(months=1)
        return Payday(date=day, source="profile",
                      label=f"{day:%a} {day.day} {day:%b}, assuming you are paid on the 1st")
    return None


def currency_totals(amounts: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in amounts:
        totals[currency] += amount
    return sorted(totals.items())


class PaydayDue(TypedDict):
    payday: Payday | None
    totals: list[tuple[str, Decimal]]
    bills: list[UpcomingBill]


def due_before_payday(*, user: User, today: dt.date) -> PaydayDue:
    """{"payday": Payday | None, "totals": [(currency, total)], "bills": [UpcomingBill]}: what is still to pay
    (upcoming or overdue, the upper bound of a range) before the next payday. Empty when the payday is unknown."""
    payday = next_payday(user=user, today=today)
    if payday is None:
        return {"payday": None, "totals": [], "bills": []}
    last = payday.date - dt.timedelta(days=1)
    bills = [item for item in _bills_between(user=user, today=today, start=today, until=max(last, today),
                                             upcoming_view=True)
             if item.is_open and item.due_date <= last]
    return {"payday": payday, "totals": currency_totals([(b.currency, b.amount_upper) for b in bills]),
            "bills": bills}


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    is_today: bool
    bills: list[UpcomingBill] = field(default_factory=list)


def month_calendar(*, user: User, year: int, month: int, today: dt.date) -> list[list[CalendarDay]]:
    """The month as weeks from Monday to Sunday (with the neighbouring months' days to fill them), each day
    with the bills due on it: paid and overdue as stored, the rest projected from the schedule."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    start, end = weeks[0][0], weeks[-1][-1]
    by_day: dict[dt.date, list[UpcomingBill]] = defaultdict(list)
    for item in _bills_between(user=user, today=today, start=start, until=end, upcoming_view=False):
        if start <= item.due_date <= end:
            by_day[item.due_date].append(item)
    return [[CalendarDay(date=day, in_month=day.month == month, is_today=day == today,
                         bills=sorted(by_day.get(day, []), key=lambda b: (b.payment.name.lower(), b.payment.pk)))
             for day in week] for week in weeks]


def month_totals(*, weeks: list[list[CalendarDay]]) -> list[tuple[str, Decimal]]:
    """Per currency, what the month's bills come to (paid as paid, the rest at the upper bound of a range)."""
    return currency_totals([(bill.currency, bill.amount_upper) for week in weeks for day in week if day.in_month
                            for bill in day.bills])
