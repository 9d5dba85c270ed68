"""Reading plans, a person's subscription and their payment history, and the staff's payments export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from billing.models import Invoice, Plan, Subscription


def plan_list() -> QuerySet[Plan]:
    """The plans offered on the plans page, in the operator's order."""
    return Plan.objects.filter(active=True).order_by("position", "price", "id")


def plan_get(*, slug: str) -> Plan:
    return get_object_or_404(Plan, slug=slug, active=True)


def subscription_current(*, user: User) -> Subscription | None:
    """The person's plan in force (trial, active, or payment due within the grace period); None: the free plan."""
    return Subscription.objects.live().filter(user=user).select_related("plan").order_by("-created_at", "-id").first()


def subscription_latest(*, user: User) -> Subscription | None:
    """The person's newest subscription in any state (the page shows an ended one too)."""
    return Subscription.objects.filter(user=user).select_related("plan").order_by("-created_at", "-id").first()


def invoice_list(*, user: User) -> QuerySet[Invoice]:
    return Invoice.objects.filter(user=user).select_related("subscription__plan").order_by("-created_at", "-id")


def invoice_get(*, user: User, pk: int) -> Invoice:
    """One of the person's payments; anyone else's is a 404."""
    return get_object_or_404(Invoice.objects.select_related("subscription__plan"), user=user, pk=pk)


@dataclass(frozen=True)
class PaymentFilters:
    """The staff export's filters, each optional: payments created from ``start`` to ``end`` (dates, inclusive)."""

    start: dt.date | None = None
    end: dt.date | None = None
    status: str = ""
    plan: str = ""  # a plan's slug
    currency: str = ""


def payments_for_export(*, filters: PaymentFilters) -> QuerySet[Invoice]:
    """Every payment matching the filters, oldest first (staff only: the view checks)."""
    payments = Invoice.objects.select_related("user", "subscription__plan").order_by("created_at", "id")
    if filters.start:
        payments = payments.filter(created_at__date__gte=filters.start)
    if filters.end:
        payments = payments.filter(created_at__date__lte=filters.end)
    if filters.status:
        payments = payments.filter(status=filters.status)
    if filters.plan:
        payments = payments.filter(subscription__plan__slug=filters.plan)
    if filters.currency:
        payments = payments.filter(currency=filters.currency.upper())
    return payments
