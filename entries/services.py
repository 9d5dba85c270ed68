"""A sentence to a draft with the user's own accounts, groups and categories; a confirmed draft to the ledger.

Nothing is saved by reading a sentence: ``draft_from_text`` only reads. ``entry_confirm`` writes the transaction
through transactions.services and, when the person kept the split, the group expense through groups.services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction as db_transaction
from django.db.models import Count

from accounts.models import User
from entries.audio import wav_samples
from entries.parsing import (
    EXPENSE,
    INCOME,
    REFUND,
    TRANSFER,
    AccountChoice,
    Draft,
    GroupChoice,
    MerchantKnown,
    sentence_parse,
)
from groups.models import Group
from groups.selectors import group_list, member_list
from groups.services import Part, expense_create
from mlcore import services as mlcore
from transactions.ingest import ImportRow
from transactions.models import Account, Category, Transaction
from transactions.services import transaction_create

MAX_TEXT = 500
KNOWN_MERCHANTS = 300  # the person's most frequent merchants, recognised in a sentence without "at"
CATEGORY_AGREES = 0.95  # the words and the categorizer name the same category


@dataclass
class EntryDraft:
    """A draft in the user's own terms: their account, a category they can choose, a group they belong to."""

    text: str
    kind: str
    amount: Decimal | None  # signed as the ledger stores it: negative is money out
    currency: str
    date: dt.date
    merchant: str
    description: str
    category: Category | None
    account: Account | None
    group: Group | None
    split_with: list[str]
    notes: str
    confidence: dict[str, float] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        """The fields as POST /api/v1/transactions/ and the page's confirm form take them."""
        return {"account": self.account.pk if self.account else None, "date": self.date, "amount": self.amount,
                "currency": self.currency, "description": self.description, "merchant": self.merchant,
                "category": self.category.pk if self.category else None, "notes": self.notes}


def _choices(user: User) -> tuple[list[AccountChoice], list[GroupChoice], dict[int, Account], dict[int, Group]]:
    accounts = {a.pk: a for a in Account.objects.filter(owner=user).order_by("name")}
    groups = {g.pk: g for g in group_list(user=user).order_by("name")}
    group_choices: list[GroupChoice] = []
    for group in groups.values():
        names = [m.user.get_short_name() for m in member_list(group=group) if m.user_id != user.pk]
        group_choices.append((group.pk, group.name, names))
    return [(a.pk, a.name, a.kind) for a in accounts.values()], group_choices, accounts, groups


def _known_merchants(user: User) -> list[str]:
    rows = (Transaction.objects.filter(owner=user).exclude(merchant="").values("merchant")
            .annotate(n=Count("id")).order_by("-n", "merchant")[:KNOWN_MERCHANTS])
    return [row["merchant"] for row in rows]


def merchant_recognizer(*, user: User | None, today: dt.date) -> MerchantKnown:
    """Whether a name said without "at" ("tanken 61,30 esso") is a business: the categorizer files it, on its
    own, as surely as it files anything (the person's history and model first when there is a user)."""
    def known(name: str) -> bool:
        if user is None:
            prediction = mlcore.category_predict(row={"description": name, "merchant": name,
                                                      "amount": Decimal("-10"), "account_kind": ""})
            return prediction.confidence >= mlcore.review_threshold()
        row = ImportRow(date=today, amount=Decimal("-10"), description=name, merchant=name)
        mlcore.import_rows_categorize(user=user, account_kind="", rows=[row])
        return row.category is not None
    return known


def draft_category(*, user: User | None, draft: Draft, account_kind: str) -> tuple[Category | None, float]:
    """The words' hint, checked with the categorizer on the merchant and the words ("lunch Chipotle"); without a
    hint, the categorizer's decision (the user's history and model first when there is a user)."""
    hinted = Category.objects.filter(key=draft.category_key, owner__isnull=True).first() if draft.category_key else None
    words = " ".join(w for w in (draft.category_words, draft.merchant) if w)
    if not words or draft.kind == REFUND or (hinted and not draft.merchant):
        return hinted, draft.confidence.get("category", 0.0)
    assert draft.date is not None and draft.signed_amount is not None  # draft_read refuses a sentence without
    row = ImportRow(date=draft.date, amount=draft.signed_amount, description=words, merchant=draft.merchant)
    if user is not None:
        mlcore.import_rows_categorize(user=user, account_kind=account_kind, rows=[row])
        guess = row.category  # filed only when sure enough; a weaker guess is left for the person to choose
        confidence = float(row.category_confidence or 0)
    else:
        prediction = mlcore.category_predict(row={"description": words, "merchant": draft.merchant,
                                                  "amount": draft.signed_amount, "account_kind": account_kind})
        confidence = prediction.confidence
        guess = Category.objects.filter(key=prediction.category_key, owner__isnull=True).first() \
            if confidence >= mlcore.review_threshold() else None
    if hinted is not None:
        agrees = guess is not None and (guess.pk == hinted.pk or guess.parent_id == hinted.parent_id)
        return hinted, CATEGORY_AGREES if agrees else draft.confidence.get("category", 0.0)
    if guess is not None and draft.kind == INCOME and guess.kind != "income":
        return None, 0.0
    return guess, round(confidence, 3)


def _description(draft: Draft, category: Category | None) -> str:
    if draft.category_words and draft.merchant:
        return f"{draft.category_words.capitalize()} at {draft.merchant}"
    if draft.merchant:
        return draft.merchant
    if draft.category_words:
        return draft.category_words.capitalize()
    if category is not None:
        return category.name
    return draft.text[:200]


def draft_read(*, text: str, today: dt.date, accounts: list[AccountChoice], groups: list[GroupChoice],
               currency: str, merchants: Sequence[str] = (), merchant_known: MerchantKnown | None = None) -> Draft:
    """The sentence as a draft; a blank sentence or one without an amount is a ValidationError."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Say or type what you spent or received, such as “12.50 lunch at Chipotle”."})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": f"Keep it under {MAX_TEXT} characters: one transaction at a time."})
    draft = sentence_parse(text, today=today, accounts=accounts, currency=currency, groups=groups,
                           merchants=merchants, merchant_known=merchant_known)
    if draft.amount is None:
        raise ValidationError({"text": "No amount found: say how much, such as “12.50” or “twelve fifty euros”."})
    return draft


def speech_on_server() -> bool:
    """Whether recordings are transcribed here (a speech engine and its model installed by the operator)."""
    return mlcore.speech_unavailable_reason() is None


def draft_from_audio(*, user: User, upload: IO[bytes], size: int, today: dt.date | None = None) -> EntryDraft:
    """A recorded sentence (mono 16 kHz 16-bit WAV) transcribed on this server, then read like a typed one; the
    recording is not kept. Raises ValidationError naming what was wrong: no engine here, the file, or silence."""
    reason = mlcore.speech_unavailable_reason()
    if reason:
        raise ValidationError(f"{reason} Type the sentence instead.")
    samples = wav_samples(upload, size=size)
    try:
        text = mlcore.speech_transcribe(pcm16=samples)
    except mlcore.SpeechError as error:
        raise ValidationError(str(error)) from None
    if not text:
        raise ValidationError("Nothing was heard in the recording. Try again nearer the microphone, or type it.")
    return draft_from_text(user=user, text=text[:MAX_TEXT], today=today)


def draft_from_text(*, user: User, text: str, today: dt.date | None = None) -> EntryDraft:
    """Read a sentence with the user's accounts and groups; dates count from ``today`` (default: the user's today)."""
    profile = user.financial_profile
    today = today or profile.local_today()
    account_choices, group_choices, accounts, groups = _choices(user)
    draft = draft_read(text=text, today=today, accounts=account_choices, groups=group_choices,
                       currency=profile.preferred_currency, merchants=_known_merchants(user),
                       merchant_known=merchant_recognizer(user=user, today=today))
    confidence = dict(draft.confidence)
    account = accounts.get(draft.account_id) if draft.account_id else None
    if account is None and accounts:
        last = Transaction.objects.filter(owner=user).order_by("-created_at").values_list("account_id", flat=True).first()
        account = accounts.get(last) if last else next(iter(accounts.values()))
        confidence["account"] = 0.4  # not said: the account last used
    if account is not None and confidence["currency"] < 0.9:
        draft.currency = account.currency  # not said: the account's own currency
    category, confidence["category"] = draft_category(user=user, draft=draft,
                                                        account_kind=account.kind if account else "")
    group = groups.get(draft.group_id) if draft.group_id else None
    assert draft.date is not None
    return EntryDraft(text=draft.text, kind=draft.kind, amount=draft.signed_amount, currency=draft.currency,
                      date=draft.date, merchant=draft.merchant, description=_description(draft, category),
                      category=category, account=account, group=group, split_with=draft.split_with,
                      notes=draft.note, confidence=confidence)


@db_transaction.atomic
def entry_confirm(*, user: User, account: Account, on: dt.date, amount: Decimal, currency: str | None,
                  description: str, merchant: str = "", category: Category | None = None, notes: str = "",
                  tags: Sequence[str] = (), group: Group | None = None) -> Transaction:
    """Save a confirmed draft: the transaction, and with ``group`` an expense the user paid, split equally among
    the group's members and linked to the transaction."""
    txn = transaction_create(user=user, account=account, on=on, amount=amount, description=description,
                             merchant=merchant, category=category, notes=notes, tags=tags, currency=currency)
    if group is not None:
        if amount >= 0:
            raise ValidationError({"group": "Only money you spent can be split with a group."})
        if not group_list(user=user).filter(pk=group.pk).exists():
            raise ValidationError({"group": "Unknown group."})
        members = [m.user_id for m in member_list(group=group)]
        expense_create(group=group, user=user, description=description, amount=-amount, currency=txn.currency,
                       on=on, payers=[Part(user_id=user.pk)], shares=[Part(user_id=m) for m in members],
                       category=category, notes=notes, transaction_id=txn.pk)
    return txn


__all__ = ["EXPENSE", "INCOME", "REFUND", "TRANSFER", "EntryDraft", "draft_category", "draft_from_text", "draft_read",
           "entry_confirm", "merchant_recognizer"]
