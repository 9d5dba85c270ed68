"""Reads for the learning loop; every one takes the user and sees only that user's data."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import Abs, Coalesce

from accounts.models import User
from transactions.models import Transaction


def review_queue(*, user: User) -> QuerySet[Transaction]:
    """The user's transactions waiting for a decision, biggest money first (in the preferred currency when
    converted, else as recorded), then newest; with everything a row shows, in a constant number of queries."""
    return (
        Transaction.objects.filter(owner=user, needs_review=True)
        .select_related("account", "category", "category__parent", "suggested_category",
                        "suggested_category__parent")
        .annotate(impact=Abs(Coalesce("amount_converted", "amount")))
        .order_by("-impact", "-date", "-id")
    )


def review_count(*, user: User) -> int:
    return Transaction.objects.filter(owner=user, needs_review=True).count()
