"""What a person tells the learners: accepting or correcting a category (applied, locked and recorded for the
learner), and their verdict on a flagged charge (recorded for the anomaly detectors)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction as db_transaction

from accounts.models import User
from mlcore import selectors
from mlcore.models import AnomalyVerdict, FeedbackEvent, FeedbackKind, Verdict
from mlcore.patterns import merchant_identity
from mlcore.tasks import user_model_retrain_soon
from transactions import services as ledger
from transactions.models import Category, CategorySource, Transaction


def suggestion_of(txn: Transaction) -> Category | None:
    """What automation proposed: the category it set, or the suggestion it left for review."""
    if txn.category_id and txn.category_source != CategorySource.USER:
        return txn.category
    return txn.suggested_category


@db_transaction.atomic
def category_accept(*, user: User, txn: Transaction) -> Transaction:
    """Take the proposed category as the person's own choice."""
    suggestion = suggestion_of(txn)
    if suggestion is None:
        raise ValidationError("There is no suggestion to accept; choose a category.")
    return _decide(user=user, txn=txn, category=suggestion, suggestion=suggestion)


@db_transaction.atomic
def categories_accept_bulk(*, user: User, transaction_ids: list[int]) -> tuple[int, int]:
    """Accept the suggestion of each of the user's waiting transactions among the ids (others are ignored);
    returns (accepted, skipped for lack of a suggestion)."""
    accepted = skipped = 0
    for txn in selectors.review_queue(user=user).filter(pk__in=transaction_ids):
        if suggestion_of(txn) is None:
            skipped += 1
            continue
        category_accept(user=user, txn=txn)
        accepted += 1
    return accepted, skipped


@db_transaction.atomic
def category_correct(*, user: User, txn: Transaction, category: Category) -> Transaction:
    return _decide(user=user, txn=txn, category=category, suggestion=suggestion_of(txn))


def _decide(*, user: User, txn: Transaction, category: Category, suggestion: Category | None) -> Transaction:
    if txn.owner_id != user.pk:
        raise ValidationError("Unknown transaction.")
    txn = ledger.transaction_update(user=user, txn=txn, data={"category": category})
    Transaction.objects.filter(pk=txn.pk).update(suggested_category=None, category_explanation="")
    txn.suggested_category, txn.category_explanation = None, ""
    kind = FeedbackKind.ACCEPT if suggestion is not None and suggestion.pk == category.pk else FeedbackKind.CORRECT
    FeedbackEvent.objects.create(user=user, transaction=txn, kind=kind, suggested_category=suggestion,
                                 chosen_category=category, description=txn.description, merchant=txn.merchant)
    user_model_retrain_soon(user_id=user.pk)
    return txn


def anomaly_verdict_record(*, user: User, transaction: Transaction, verdict: str, detectors: Iterable[str]) -> None:
    """Record what the person said of a flagged charge; the detectors read it at their next run (and the
    patterns fold it in at their next refresh). Keeps its own copy of the charge."""
    if transaction.owner_id != user.pk:
        raise ValidationError("Unknown transaction.")
    if verdict not in Verdict.values:
        raise ValidationError(f"Unknown verdict {verdict!r}.")
    amount = transaction.amount_converted if transaction.amount_converted is not None else transaction.amount
    key, _name = merchant_identity(transaction.description, transaction.merchant)
    AnomalyVerdict.objects.create(
        user=user, transaction=transaction, verdict=verdict, detectors=sorted(set(detectors)), merchant_key=key,
        category_id=transaction.category_id, amount=abs(amount),
        currency=transaction.converted_currency if transaction.amount_converted is not None else transaction.currency,
        date=transaction.date)
