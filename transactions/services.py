"""Writes to the ledger: accounts, categories, transactions and their splits."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction as db_transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from core.dates import date_problem
from core.money import money_text
from core.outbox import outbox_enqueue
from transactions import selectors, tasks
from transactions.currency import NoRateForDate, UnknownCurrency, convert
from transactions.exports import export_delete, export_filters_clean, export_queryset
from transactions.models import (
    Account,
    AccountKind,
    Category,
    CategorySource,
    ExportStatus,
    Source,
    Tag,
    Transaction,
    TransactionExport,
    TransactionSplit,
)
from transactions.signals import category_chosen, ledger_changed, transactions_added

CENT = Decimal("0.01")
_SPACES = re.compile(r"\s+")
# One part of a split: (category, amount) or (category, amount, notes).
SplitPart = tuple[Category, Decimal | str] | tuple[Category, Decimal | str, str]


# --- accounts -------------------------------------------------------------------------------------

def ledger_changed_on_commit(*, user: User) -> None:
    """Once the write commits, tell whoever keeps figures computed from the ledger (transactions.signals)."""
    db_transaction.on_commit(lambda: ledger_changed.send(sender=Transaction, user=user))


def _known_balance(*, user: User, current_balance: Decimal | None, opening_balance: Decimal | None,
                   opening_date: date | None, today: date | None) -> tuple[Decimal, date] | None:
    """(balance, end of which day) from what the person gave: today's balance, or an opening balance at the
    start of a day (the balance at the end of the day before); None when they gave neither."""
    if current_balance is not None and (opening_balance is not None or opening_date is not None):
        raise ValidationError({"current_balance": "Give either today's balance or an opening balance, not both."})
    today = today or user.financial_profile.local_today()
    if current_balance is not None:
        return Decimal(current_balance).quantize(CENT), today
    if opening_balance is None and opening_date is None:
        return None
    return Decimal(opening_balance or 0).quantize(CENT), (opening_date or today) - timedelta(days=1)


@db_transaction.atomic
def account_create(*, user: User, name: str, currency: str, kind: str = AccountKind.CHECKING,
                   current_balance: Decimal | None = None, opening_balance: Decimal | None = None,
                   opening_date: date | None = None, today: date | None = None) -> Account:
    """A new account whose balance is ``current_balance`` today, or ``opening_balance`` at the start of
    ``opening_date`` (today when not given): history imported later fills in the days before, and never
    moves that balance. Neither: an opening balance of zero today."""
    name = name.strip()
    if Account.objects.filter(owner=user, name__iexact=name).exists():
        raise ValidationError({"name": f"You already have an account called {name!r}."})
    if current_balance is None and opening_balance is None:
        opening_balance = Decimal(0)
    known = _known_balance(user=user, current_balance=current_balance, opening_balance=opening_balance,
                           opening_date=opening_date, today=today)
    assert known is not None  # one of the two balances is given
    account = Account(owner=user, name=name, kind=kind, currency=currency.upper(), known_balance=known[0],
                      known_balance_date=known[1])
    account.full_clean(exclude=["owner"])
    account.save()
    ledger_changed_on_commit(user=user)
    return account


@db_transaction.atomic
def account_update(*, account: Account, data: dict[str, Any], today: date | None = None) -> Account:
    """Rename, change the kind, or give the balance again (today's, or an opening balance; an opening balance
    or date alone keeps the other half as it was)."""
    if "name" in data and Account.objects.filter(owner=account.owner, name__iexact=data["name"].strip()).exclude(
            pk=account.pk).exists():
        raise ValidationError({"name": f"You already have an account called {data['name']!r}."})
    fields = [f for f in ("name", "kind") if f in data]
    for field in fields:
        setattr(account, field, data[field].strip() if field == "name" else data[field])
    if {"current_balance", "opening_balance", "opening_date"} & data.keys():
        opening_balance, opening_date = data.get("opening_balance"), data.get("opening_date")
        if data.get("current_balance") is None and (opening_balance is None) != (opening_date is None):
            opening_balance = account.known_balance if opening_balance is None else opening_balance
            opening_date = account.opening_date if opening_date is None else opening_date
        known = _known_balance(user=account.owner, current_balance=data.get("current_balance"),
                               opening_balance=opening_balance, opening_date=opening_date, today=today)
        if known is not None:
            account.known_balance, account.known_balance_date = known
            fields += ["known_balance", "known_balance_date"]
    account.full_clean(exclude=["owner"])
    account.save(update_fields=fields)
    ledger_changed_on_commit(user=account.owner)
    return account


def _day_words(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


@db_transaction.atomic
def account_balance_adjust(*, user: User, account: Account, on: date, bank_balance: Decimal,
                           today: date | None = None) -> Transaction:
    """Make Finsight's balance at the end of ``on`` what the bank says, with an adjustment transaction that day
    (under Transfers, source "adjustment": neither spending nor income). Balances from that day on move by the
    difference and earlier ones stay; when the day is on or before the account's known balance date, the bank's
    balance becomes the known balance, so that the adjustment counts from its day on rather than before it."""
    if account.owner_id != user.pk:
        raise ValidationError({"account": "Unknown account."})
    today = today or user.financial_profile.local_today()
    if on > today:
        raise ValidationError({"date": f"{_day_words(on)} is in the future: a bank states balances for days "
                                       f"that have passed."})
    account = Account.objects.select_for_update().get(pk=account.pk)
    bank_balance = Decimal(bank_balance).quantize(CENT)
    finsight = selectors.account_balance_on(user=user, account=account, on=on)
    difference = bank_balance - finsight
    if difference == 0:
        raise ValidationError(f"Finsight's balance on {_day_words(on)} is already "
                              f"{money_text(finsight, account.currency)}, as the bank says: there is nothing to "
                              f"adjust.")
    txn = Transaction(
        owner=user, account=account, date=on, amount=difference, currency=account.currency,
        description=f"Balance adjustment: the bank says {money_text(bank_balance, account.currency)} "
                    f"on {_day_words(on)}",
        category=Category.objects.filter(key="transfers", owner=None).first(),
        category_source=CategorySource.USER, category_confidence=Decimal(1), needs_review=False,
        source=Source.ADJUSTMENT, fingerprint="adjustment:" + uuid.uuid4().hex,
        **conversion_fields(user=user, amount=difference, currency=account.currency, on=on),
    )
    txn.full_clean(exclude=["owner", "account", "category", "import_batch", "tags"])
    txn.save()
    if on <= account.known_balance_date:
        account.known_balance, account.known_balance_date = bank_balance, on
        account.save(update_fields=["known_balance", "known_balance_date"])
    ledger_changed_on_commit(user=user)
    return txn


@db_transaction.atomic
def account_delete(*, user: User, account: Account) -> int:
    """Delete an account with its transactions and imports; returns how many transactions went with it."""
    if account.owner_id != user.pk:
        raise ValidationError("Unknown account.")
    _, per_model = account.delete()
    ledger_changed_on_commit(user=user)
    return per_model.get(Transaction._meta.label, 0)


# --- categories -----------------------------------------------------------------------------------

def _category_check_parent(*, user: User, parent: Category | None) -> None:
    if parent is None:
        return
    if parent.parent_id is not None:
        raise ValidationError({"parent": "Categories have two levels: choose a top-level category as the parent."})
    if parent.owner_id not in (None, user.pk):
        raise ValidationError({"parent": "Unknown parent category."})


def _category_check_name(*, user: User, name: str, parent: Category | None, exclude_pk: int | None = None) -> str:
    name = _SPACES.sub(" ", name).strip()
    if not name:
        raise ValidationError({"name": "A category needs a name."})
    clash = Category.objects.visible_to(user).filter(parent=parent, name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        where = f"under {parent.name}" if parent else "at the top level"
        raise ValidationError({"name": f"There is already a category {name!r} {where}."})
    return name


@db_transaction.atomic
def category_create(*, user: User, name: str, parent: Category | None = None, kind: str | None = None) -> Category:
    _category_check_parent(user=user, parent=parent)
    name = _category_check_name(user=user, name=name, parent=parent)
    category = Category(owner=user, parent=parent, name=name, kind=parent.kind if parent else (kind or "expense"))
    category.full_clean(exclude=["owner", "parent", "key"])
    category.save()
    return category


def _own(category: Category, user: User) -> None:
    if category.owner_id != user.pk:
        raise ValidationError("Standard categories cannot be changed; create your own instead.")


@db_transaction.atomic
def category_rename(*, user: User, category: Category, name: str) -> Category:
    _own(category, user)
    category.name = _category_check_name(user=user, name=name, parent=category.parent, exclude_pk=category.pk)
    category.save(update_fields=["name"])
    return category


def category_set_hidden(*, user: User, category: Category, hidden: bool) -> Category:
    """Hide a category (standard or own) from this user's pickers; its transactions keep it."""
    if hidden:
        category.hidden_by.add(user)
    else:
        category.hidden_by.remove(user)
    return category


@db_transaction.atomic
def category_delete(*, user: User, category: Category) -> None:
    """Delete an unused category of the user's own; a used one must be merged, so nothing is uncategorized silently."""
    _own(category, user)
    ids = [category.pk, *category.children.values_list("pk", flat=True)]
    used = Transaction.objects.filter(owner=user).in_categories(ids).count()
    if used:
        raise ValidationError(f"{category} is used by {used} transaction(s): merge it into another category instead.")
    audit_record(action=AuditAction.CATEGORY_DELETE, actor=user, target=category, changes={"name": category.name})
    category.delete()


@db_transaction.atomic
def category_merge(*, user: User, source: Category, target: Category) -> int:
    """Move everything filed under ``source`` (and its sub-categories) to ``target``, then delete ``source``."""
    _own(source, user)
    if target.owner_id not in (None, user.pk):
        raise ValidationError({"target": "Unknown category."})
    if target.pk == source.pk or target.parent_id == source.pk:
        raise ValidationError({"target": "A category cannot be merged into itself or one of its sub-categories."})
    moving = [source.pk, *source.children.values_list("pk", flat=True)]
    moved = Transaction.objects.filter(owner=user, category_id__in=moving).update(category=target)
    TransactionSplit.objects.filter(transaction__owner=user, category_id__in=moving).update(category=target)
    source.delete()
    ledger_changed_on_commit(user=user)
    return moved


# --- transactions ---------------------------------------------------------------------------------

def description_normalise(text: str) -> str:
    return " ".join((text or "").split()).lower()


def transaction_fingerprint(*, account_id: int, on: date, amount: Decimal, description: str, occurrence: int = 0,
                            external_id: str | None = None) -> str:
    """The bank's own id when there is one, else the row's content and its rank among identical rows."""
    if external_id:
        return "id:" + hashlib.sha256(f"{account_id}|{external_id.strip()}".encode()).hexdigest()[:60]
    basis = f"{account_id}|{on.isoformat()}|{Decimal(amount).quantize(CENT)}|{description_normalise(description)}|{occurrence}"
    return "row:" + hashlib.sha256(basis.encode()).hexdigest()[:60]


def conversion_fields(*, user: User, amount: Decimal, currency: str, on: date) -> dict[str, Any]:
    """The amount in the user's preferred currency, with the rate and its date."""
    preferred = user.financial_profile.preferred_currency
    try:
        result = convert(amount, currency, preferred, on)
    except (UnknownCurrency, NoRateForDate):
        # No ECB rate for this pair: keep the original amount only; reports fall back to it.
        return {"amount_converted": None, "converted_currency": "", "fx_rate": None, "fx_date": None}
    return {"amount_converted": result.amount, "converted_currency": preferred, "fx_rate": result.rate,
            "fx_date": result.rate_date}


def _category_allowed(user: User, category: Category | None) -> None:
    if category is not None and category.owner_id not in (None, user.pk):
        raise ValidationError({"category": "Unknown category."})


def _date_check(user: User, on: date) -> None:
    """The same plausible dates as an imported file's (core.dates), for a transaction typed in or posted."""
    problem = date_problem(on, today=user.financial_profile.local_today())
    if problem:
        raise ValidationError({"date": problem})


def tags_resolve(*, user: User, names: Iterable[str]) -> list[Tag]:
    cleaned = sorted({_SPACES.sub(" ", n).strip()[:40] for n in names if n and n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(owner=user, name__in=cleaned)}
    missing = [Tag(owner=user, name=n) for n in cleaned if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(owner=user, name__in=cleaned)}
    return [existing[n] for n in cleaned]


@db_transaction.atomic
def transaction_create(*, user: User, account: Account, on: date, amount: Decimal, description: str,
                       merchant: str = "", category: Category | None = None, notes: str = "",
                       tags: Iterable[str] = (), source: str = Source.MANUAL, currency: str | None = None) -> Transaction:
    if account.owner_id != user.pk:
        raise ValidationError({"account": "Unknown account."})
    _date_check(user, on)
    _category_allowed(user, category)
    currency = (currency or account.currency).upper()
    txn = Transaction(
        owner=user, account=account, date=on, amount=Decimal(amount).quantize(CENT), currency=currency,
        description=description.strip(), merchant=merchant.strip(), category=category,
        category_source=CategorySource.USER if category else CategorySource.NONE,
        category_confidence=Decimal(1) if category else None, needs_review=category is None,
        notes=notes, source=source,
        # Typed-in transactions are never duplicates of each other.
        fingerprint="manual:" + uuid.uuid4().hex,
        **conversion_fields(user=user, amount=amount, currency=currency, on=on),
    )
    txn.full_clean(exclude=["owner", "account", "category", "import_batch", "tags"])
    txn.save()
    if tags:
        txn.tags.set(tags_resolve(user=user, names=tags))
    db_transaction.on_commit(lambda: transactions_added.send(sender=Transaction, user=user, count=1, ids=[txn.pk]))
    ledger_changed_on_commit(user=user)
    return txn


@db_transaction.atomic
def transaction_update(*, user: User, txn: Transaction, data: dict[str, Any]) -> Transaction:
    """Apply a person's edit. Choosing a category locks it: no rule or model changes it afterwards."""
    if "account" in data and data["account"].owner_id != user.pk:
        raise ValidationError({"account": "Unknown account."})
    if "category" in data:
        _category_allowed(user, data["category"])
    if "date" in data:
        _date_check(user, data["date"])
    simple = [f for f in ("account", "date", "amount", "description", "merchant", "notes") if f in data]
    for field in simple:
        setattr(txn, field, data[field])
    if "amount" in data:
        txn.amount = Decimal(data["amount"]).quantize(CENT)
    if "category" in data:
        txn.category = data["category"]
        txn.category_source = CategorySource.USER if data["category"] else CategorySource.NONE
        txn.category_confidence = Decimal(1) if data["category"] else None
        txn.needs_review = data["category"] is None
    if {"amount", "date"} & data.keys():
        for field, value in conversion_fields(user=user, amount=txn.amount, currency=txn.currency,
                                              on=txn.date).items():
            setattr(txn, field, value)
    txn.full_clean(exclude=["owner", "account", "category", "import_batch", "tags"])
    txn.save()
    if "tags" in data:
        txn.tags.set(tags_resolve(user=user, names=data["tags"]))
    if "amount" in data and txn.splits.exists():
        txn.splits.all().delete()  # the old parts no longer add up
    if data.get("category") is not None:
        _learn_from(user)
    ledger_changed_on_commit(user=user)
    return txn


@db_transaction.atomic
def transaction_delete(*, user: User, txn: Transaction) -> None:
    if txn.owner_id != user.pk:
        raise ValidationError("Unknown transaction.")
    txn.delete()
    ledger_changed_on_commit(user=user)


ALERT_LEVELS = ("high", "medium", "low", "")


def transactions_alert_mark(*, user: User, levels: Mapping[int, str]) -> int:
    """Set the alert marker of the user's transactions ({id: level}, "" clears it); returns how many changed.

    A marker is not an edit: updated_at stays, so nothing downstream takes the ledger as changed.
    """
    by_level: dict[str, list[int]] = {}
    for txn_id, level in levels.items():
        if level not in ALERT_LEVELS:
            raise ValueError(f"Unknown alert level {level!r}.")
        by_level.setdefault(level, []).append(txn_id)
    return sum(Transaction.objects.for_user(user).filter(pk__in=ids).update(alert_level=level)
               for level, ids in by_level.items())


def transactions_checked_mark(*, user: User, ids: Iterable[int], at: datetime) -> int:
    """Record that the anomaly scan looked at these transactions of the user; returns how many."""
    return Transaction.objects.for_user(user).filter(pk__in=list(ids)).update(checked_at=at)


@db_transaction.atomic
def transaction_split_set(*, user: User, txn: Transaction, parts: Sequence[SplitPart]) -> Transaction:
    """File parts of one transaction under different categories; the parts must add up to its amount."""
    txn.splits.all().delete()
    ledger_changed_on_commit(user=user)
    if not parts:
        return txn
    if len(parts) < 2:
        raise ValidationError({"splits": "A split needs at least two parts."})
    total = Decimal(0)
    rows = []
    for index, (category, amount, *rest) in enumerate(parts, start=1):
        notes = rest[0] if rest else ""
        _category_allowed(user, category)
        amount = Decimal(amount).quantize(CENT)
        if amount == 0 or (amount > 0) != (txn.amount > 0):
            raise ValidationError({"splits": f"Part {index}: each part must be non-zero with the same sign as "
                                             f"the transaction ({txn.amount})."})
        total += amount
        rows.append(TransactionSplit(transaction=txn, category=category, amount=amount, notes=notes))
    if total != txn.amount:
        raise ValidationError({"splits": f"The parts add up to {total}, not to the transaction's {txn.amount}."})
    TransactionSplit.objects.bulk_create(rows)
    txn.category = None
    txn.category_source = CategorySource.USER
    txn.category_confidence = Decimal(1)
    txn.needs_review = False
    txn.save(update_fields=["category", "category_source", "category_confidence", "needs_review", "updated_at"])
    return txn


@db_transaction.atomic
def transactions_recategorize(*, user: User, transactions: QuerySet[Transaction], category: Category | None) -> int:
    """Bulk re-categorize as the user's own edit (locks the category)."""
    _category_allowed(user, category)
    if category is not None:
        _learn_from(user)
    ledger_changed_on_commit(user=user)
    return transactions.filter(owner=user).update(
        category=category,
        category_source=CategorySource.USER if category else CategorySource.NONE,
        category_confidence=Decimal(1) if category else None,
        needs_review=category is None,
    )


def _learn_from(user: User) -> None:
    """A person chose a category: whoever learns from it (mlcore) hears so."""
    category_chosen.send(sender=Transaction, user=user)


@db_transaction.atomic
def transactions_delete(*, user: User, transactions: QuerySet[Transaction]) -> int:
    _, per_model = transactions.filter(owner=user).delete()
    ledger_changed_on_commit(user=user)
    return per_model.get(Transaction._meta.label, 0)


# --- exports --------------------------------------------------------------------------------------

@db_transaction.atomic
def transaction_export_request(*, user: User, filters: Mapping[str, Any]) -> TransactionExport:
    """Ask the worker for a CSV of the transactions the list shows with ``filters``; one at a time per user."""
    cleaned = export_filters_clean(filters)
    export_queryset(user=user, filters=cleaned)  # a bad filter is refused now, not found by the worker
    User.objects.select_for_update().filter(pk=user.pk).first()  # two requests at once: the second sees the first
    unfinished = TransactionExport.objects.filter(
        owner=user, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING])
    if any(not export.is_stalled() for export in unfinished):
        raise ValidationError("An export is already being prepared; wait until it is ready, then ask for another.")
    export = TransactionExport.objects.create(owner=user, filters=cleaned)
    export_id = export.pk
    outbox_enqueue(tasks.transaction_export_task, export_id)
    return export


def transaction_exports_purge(*, now: datetime | None = None) -> int:
    """Delete exports past their download time (and their files), failed ones after a day, stalled ones, and
    partial files no export owns any more (a worker killed while writing). Returns how many exports went."""
    now = now or timezone.now()
    day_ago = now - timedelta(days=1)
    gone = 0
    for export in TransactionExport.objects.filter(status=ExportStatus.DONE, expires_at__lte=now):
        export_delete(export=export)
        gone += 1
    old = TransactionExport.objects.filter(created_at__lte=day_ago).exclude(status=ExportStatus.DONE)
    for export in old:
        export_delete(export=export)
        gone += 1
    directory = settings.EXPORT_DIR
    if directory.is_dir():
        kept = set(TransactionExport.objects.exclude(file_name="").values_list("file_name", flat=True))
        for path in directory.iterdir():
            stale = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.get_current_timezone()) < day_ago
            if path.is_file() and path.name not in kept and stale:
                path.unlink(missing_ok=True)
    return gone
