"""Reads of receipts, always for one user: another user's receipt is a 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

from django.conf import settings
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from receipts.models import Receipt
from transactions.merchants import merchant_clean
from transactions.models import Transaction

# Below this likeness (0-1) of the cleaned names a transaction is someone else's payment.
MERCHANT_LIKENESS = 0.6
KNOWN_MERCHANTS = 300


def receipt_list(*, user: User) -> QuerySet[Receipt]:
    return Receipt.objects.for_user(user).select_related("transaction", "account", "meant_for")


def receipt_get(*, user: User, pk: int) -> Receipt:
    return get_object_or_404(receipt_list(user=user), pk=pk)


def known_merchants(*, user: User) -> list[str]:
    """The merchants the user pays most often, for the parser to recognise on a receipt."""
    rows = (Transaction.objects.filter(owner=user).exclude(merchant="").values("merchant")
            .annotate(n=Count("id")).order_by("-n", "merchant")[:KNOWN_MERCHANTS])
    return [row["merchant"] for row in rows]


def _name_key(text: str) -> str:
    return " ".join(merchant_clean(text).lower().split())


def merchant_likeness(a: str, b: str) -> float:
    """How alike two merchant names are (0-1): one inside the other counts as alike."""
    left, right = _name_key(a), _name_key(b)
    if not left or not right:
        return 0.0
    if left in right or right in left:
        return 1.0
    return SequenceMatcher(None, left, right).ratio()


@dataclass(frozen=True)
class MatchCandidate:
    transaction: Transaction
    days_apart: int
    likeness: float


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def match_candidates(*, user: User, receipt: Receipt) -> list[MatchCandidate]:
    """The user's payments that may be this receipt's: the same amount out (its total), within
    RECEIPT_MATCH_DAYS of its date, at a merchant like its own, with no receipt attached yet; best first."""
    total = _decimal(receipt.field_value("total"))
    date_text = receipt.field_value("date")
    if total is None or total <= 0 or not date_text:
        return []
    try:
        on = dt.date.fromisoformat(str(date_text))
    except ValueError:
        return []
    days = dt.timedelta(days=settings.RECEIPT_MATCH_DAYS)
    merchant = str(receipt.field_value("merchant") or "")
    rows = (Transaction.objects.filter(owner=user, amount=-total, date__gte=on - days, date__lte=on + days)
            .exclude(receipts__isnull=False).select_related("account").order_by("date", "id")[:50])
    found = []
    for txn in rows:
        likeness = (max(merchant_likeness(merchant, txn.merchant), merchant_likeness(merchant, txn.description))
                    if merchant else 0.0)
        if merchant and likeness < MERCHANT_LIKENESS:
            continue
        found.append(MatchCandidate(transaction=txn, days_apart=abs((txn.date - on).days), likeness=likeness))
    found.sort(key=lambda c: (-c.likeness, c.days_apart, c.transaction.pk))
    meant_for = receipt.meant_for
    if meant_for is not None and meant_for.owner_id == user.pk and all(c.transaction.pk != meant_for.pk
                                                                      for c in found):
        # Uploaded from this payment's page: offered first, whatever was read.
        found.insert(0, MatchCandidate(transaction=meant_for, days_apart=abs((meant_for.date - on).days),
                                       likeness=merchant_likeness(merchant, meant_for.merchant or
                                                                  meant_for.description)))
    return found
