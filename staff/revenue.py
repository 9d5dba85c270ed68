"""The billing figures of the staff pages, read from billing's tables with GROUP BY; never one person's payment.

Money is never added across currencies: every sum is grouped by the plan's (or the invoice's) currency.

- A *paying* subscription is one Stripe charges (staff grants, without a Stripe subscription, are left out),
  from the end of its trial (or its start, without one) until it was cancelled. A subscription whose payment is
  due still counts until it is cancelled. Its *monthly* value is the plan's price, a yearly plan's divided by 12.
- MRR of a month: the monthly value of the subscriptions paying at the month's end (now, for this month).
  *New*: of those that started paying in the month; *churned*: of those cancelled in it after paying; *net* is
  new less churned. Plan changes are not kept over time, so a subscription counts at the plan it has now.
- ARPU: MRR divided by the people paying at the month's end, in each currency.
- Payments: Stripe's invoices by the month they were made, paid, failed and still open.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value, When

from billing.models import LIVE_STATUSES, Invoice, PlanInterval, Subscription, SubscriptionStatus
from core.day_sql import UTCMonth
from staff.period import as_date, month_add
from staff.selectors import day_start, people

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=4)


def _valued() -> QuerySet[Subscription]:
    monthly = Case(When(plan__interval=PlanInterval.YEAR,
                        then=ExpressionWrapper(F("plan__price") / Value(Decimal(12)), output_field=MONEY)),
                   default=F("plan__price"), output_field=MONEY)
    paying_from = Case(When(trial_end__isnull=False, trial_end__gt=F("created_at"), then=F("trial_end")),
                       default=F("created_at"))
    return Subscription.objects.annotate(monthly=monthly, paying_from=paying_from)


def _paying() -> QuerySet[Subscription]:
    return _valued().filter(stripe_subscription_id__isnull=False)


def mrr_by_month(*, months: list[dt.date], now: dt.datetime) -> dict[str, list[dict[str, Any]]]:
    """{currency: one dict a month: mrr, paying, new, churned, net, arpu}, in one query."""
    figures: dict[str, Any] = {}
    for index, month in enumerate(months):
        start, end = day_start(month), min(now, day_start(month_add(month, 1)))
        live = Q(paying_from__lt=end) & (Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=end))
        new = (Q(paying_from__gte=start, paying_from__lt=end)
               & (Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=F("paying_from"))))
        churned = Q(cancelled_at__gte=start, cancelled_at__lt=end, cancelled_at__gt=F("paying_from"))
        figures[f"mrr{index}"] = Sum("monthly", filter=live)
        figures[f"paying{index}"] = Count("user_id", filter=live, distinct=True)
        figures[f"new{index}"] = Sum("monthly", filter=new)
        figures[f"churned{index}"] = Sum("monthly", filter=churned)
    result: dict[str, list[dict[str, Any]]] = {}
    rows: Any = _paying().values("plan__currency").annotate(**figures).order_by("plan__currency")
    for row in rows:
        result[row["plan__currency"]] = []
        for index, month in enumerate(months):
            mrr_now, new_now, churned_now = (_cents(row[f"{name}{index}"]) for name in ("mrr", "new", "churned"))
            paying = row[f"paying{index}"]
            result[row["plan__currency"]].append({
                "month": month, "mrr": mrr_now, "paying": paying, "new": new_now, "churned": churned_now,
                "net": new_now - churned_now, "arpu": _cents(mrr_now / paying) if paying else None})
    return result


def invoices_by_month(*, since: dt.datetime, until: dt.datetime) -> dict[tuple[dt.date, str], dict[str, Any]]:
    """(month, currency) -> {paid, paid_amount, failed, failed_amount, open}."""
    rows = (Invoice.objects.filter(created_at__gte=since, created_at__lt=until)
            .annotate(month=UTCMonth("created_at")).values("month", "currency")
            .annotate(paid=Count("id", filter=Q(status="paid")), paid_amount=Sum("amount", filter=Q(status="paid")),
                      failed=Count("id", filter=Q(status="failed")),
                      failed_amount=Sum("amount", filter=Q(status="failed")),
                      open=Count("id", filter=Q(status="open")))
            .order_by())
    return {(as_date(row["month"]), row["currency"]): {
        "paid": row["paid"], "paid_amount": _cents(row["paid_amount"]), "failed": row["failed"],
        "failed_amount": _cents(row["failed_amount"]), "open": row["open"]} for row in rows}


def plans_now() -> list[dict[str, Any]]:
    """Each plan with its subscribers now by status (granted: given by staff, not charged), and the monthly value
    of its paying ones (not in a trial, not granted)."""
    paying = Q(stripe_subscription_id__isnull=False) & ~Q(status=SubscriptionStatus.TRIALING)
    rows = (_valued().filter(status__in=LIVE_STATUSES)
            .values("plan__name", "plan__currency", "plan__interval", "plan__price", "plan__position", "plan_id")
            .annotate(trialing=Count("user_id", filter=Q(status=SubscriptionStatus.TRIALING), distinct=True),
                      active=Count("user_id", filter=Q(status=SubscriptionStatus.ACTIVE), distinct=True),
                      past_due=Count("user_id", filter=Q(status=SubscriptionStatus.PAST_DUE), distinct=True),
                      granted=Count("user_id", filter=Q(stripe_subscription_id__isnull=True), distinct=True),
                      mrr=Sum("monthly", filter=paying))
            .order_by("plan__position", "plan__price", "plan_id"))
    return list(rows)


def people_by_plan() -> tuple[list[dict[str, Any]], int]:
    """People on each plan now (trial, active or payment due; a staff grant counts), and those on none."""
    plans = (Subscription.objects.filter(status__in=LIVE_STATUSES).values("plan__name", "plan_id", "plan__position")
             .annotate(people=Count("user_id", distinct=True)).order_by("plan__position", "plan_id"))
    on_a_plan = Subscription.objects.filter(status__in=LIVE_STATUSES).values("user_id")
    free = people().filter(is_active=True).exclude(pk__in=on_a_plan).count()
    return list(plans), free


def _cents(value: Decimal | float | None) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))
