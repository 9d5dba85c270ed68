"""The transaction list of the API, read as plain values: the same rows as ``TransactionSerializer`` gives one
transaction, at a fraction of the cost per row.

Why not the serializer: a page of 50 built four model instances per row (the transaction, its account, category
and parent category), a prefetch machinery of tag and split instances, and 22 DRF fields each looked up and
converted per row; profiled on a ledger of 100,000 rows that was most of the request (issue 21). Here one query
reads the page's columns with the category's name and its parent's name joined in, one query each reads the
page's tags and split parts, and each row is a dict built in one pass. The schema stays
``TransactionSerializer``'s (the list's rows are documented as that), and a test holds every row of the list
equal to what retrieving that transaction answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from accounts.models import User
from transactions.models import Transaction, TransactionSplit

# The columns a list row needs, by the name a values() row has them under.
_COLUMNS = (
    "id", "account_id", "date", "amount", "currency", "amount_converted", "converted_currency", "fx_rate", "fx_date",
    "description", "merchant", "category_id", "category__name", "category__parent__name", "category_source",
    "category_confidence", "needs_review", "notes", "source", "import_batch_id", "created_at",
)
_Tags = Transaction.tags.through


def transaction_list_values(*, user: User) -> QuerySet[Transaction]:
    """The user's transactions as values() rows of the list's columns (filters and ordering apply as usual)."""
    return Transaction.objects.filter(owner=user).values(*_COLUMNS)


def _money(value: Decimal | None) -> str | None:
    """What DRF's DecimalField answers for a value read from its column (already at the column's scale)."""
    return None if value is None else f"{value:f}"


def _tags_of(ids: Sequence[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = defaultdict(list)
    for txn_id, name in (_Tags.objects.filter(transaction_id__in=ids).order_by("tag__name", "tag_id")
                         .values_list("transaction_id", "tag__name")):
        tags[txn_id].append(name)
    return tags


def _splits_of(ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    splits: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for txn_id, category_id, amount, notes in (TransactionSplit.objects.filter(transaction_id__in=ids)
                                               .order_by("id")
                                               .values_list("transaction_id", "category_id", "amount", "notes")):
        splits[txn_id].append({"category": category_id, "amount": _money(amount), "notes": notes})
    return splits


def transaction_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The API's representation of each values() row, in the order given: two queries for the whole page."""
    ids = [row["id"] for row in rows]
    tags, splits = _tags_of(ids), _splits_of(ids)
    moment = serializers.DateTimeField()  # created_at in the request's time zone, as the serializer writes it
    answer = []
    for row in rows:
        name, parent = row["category__name"], row["category__parent__name"]
        fx_date = row["fx_date"]
        answer.append({
            "id": row["id"], "account": row["account_id"], "date": row["date"].isoformat(),
            "amount": _money(row["amount"]), "currency": row["currency"],
            "amount_converted": _money(row["amount_converted"]), "converted_currency": row["converted_currency"],
            "fx_rate": _money(row["fx_rate"]), "fx_date": fx_date.isoformat() if fx_date else None,
            "description": row["description"], "merchant": row["merchant"], "category": row["category_id"],
            "category_name": None if name is None else f"{parent} > {name}" if parent else name,
            "category_source": row["category_source"], "category_confidence": _money(row["category_confidence"]),
            "needs_review": row["needs_review"], "notes": row["notes"], "tags": tags.get(row["id"], []),
            "source": row["source"], "import_batch": row["import_batch_id"], "splits": splits.get(row["id"], []),
            "created_at": moment.to_representation(row["created_at"]),
        })
    return answer
