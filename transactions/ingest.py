"""Putting normalised rows into the ledger (imports, the demo seeder): fingerprints, conversion, and an
insert that skips duplicates.

PostgreSQL: the rows are COPYed into a temporary table in chunks and moved with INSERT ... ON CONFLICT DO
NOTHING, while a second thread prepares the next chunk (the GIL is released while the server works).
Other databases: bulk_create(ignore_conflicts=True), counting what was created.
"""

from __future__ import annotations

import queue
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, Iterator

from django.core.exceptions import ValidationError
from django.db import connection
from django.db import transaction as db_transaction
from django.utils import timezone

from accounts.models import User
from transactions.currency import minor_unit_exponent
from transactions.merchants import merchant_clean
from transactions.models import Account, Category, CategorySource, ImportBatch, Source, Transaction
from transactions.services import conversion_fields, transaction_fingerprint
from transactions.signals import ledger_changed

CENT = Decimal("0.01")
CHUNK_ROWS = 20_000
LOOKUP_ROWS = 20_000  # fingerprints per query of import_rows_new (SQLite allows 32,766 parameters)


@dataclass(slots=True)
class ImportRow:
    """One transaction as a bank file (or the demo seeder) states it, ready for the ledger."""

    date: date
    amount: Decimal  # signed: negative is money out
    description: str
    merchant: str = ""
    currency: str = ""  # empty: the account's currency
    external_id: str = ""  # the bank's own id (OFX FITID), used for de-duplication when present
    category: Category | None = None
    row_number: int = 0  # where the user finds it in the file
    # The categorizer's decision, made before the insert so that it is written with the row.
    decided: bool = False  # False: the category (if any) comes from the file or the seeder ("import")
    category_source: str = ""
    category_confidence: Decimal | None = None
    category_explanation: str = ""
    suggested_category: Category | None = None


def transactions_import_rows(*, user: User, account: Account, rows: Iterable[ImportRow],
                             batch: ImportBatch | None = None, source: str = Source.CSV) -> tuple[int, int]:
    """Insert normalised rows into an account, skipping those already there: (created, duplicates).

    Fingerprints are the bank's id when there is one, else the row's content and its rank among identical
    rows of this call, so a re-import or an overlapping export adds only what is new, and two identical
    rows of one file are both kept. Safe against concurrent imports through the unique constraint. Rows
    without a category need review; a category given with the row is recorded as set by the import.
    """
    if account.owner_id != user.pk:
        raise ValidationError({"account": "Unknown account."})
    rows = list(rows)
    if not rows:
        return 0, 0
    for row in rows:
        if row.category is not None and row.category.owner_id not in (None, user.pk):
            raise ValidationError({"category": "Unknown category."})
    created = rows_insert(user=user, account=account, rows=rows, batch=batch, source=source)
    if created:
        db_transaction.on_commit(lambda: ledger_changed.send(sender=Transaction, user=user))
    return created, len(rows) - created


class _Converter:
    """conversion_fields once per (currency, date); the other rows of that day reuse its rate."""

    def __init__(self, user: User):
        self.user = user
        self.preferred = user.financial_profile.preferred_currency
        self.places = Decimal(1).scaleb(-minor_unit_exponent(self.preferred))
        self.rates: dict[tuple[str, date], dict[str, Any]] = {}

    def fields(self, amount: Decimal, currency: str, on: date) -> dict[str, Any]:
        known = self.rates.get((currency, on))
        if known is None:
            known = self.rates[(currency, on)] = conversion_fields(user=self.user, amount=amount, currency=currency,
                                                                   on=on)
            return known
        if known["fx_rate"] is None:
            return known
        if currency == self.preferred:
            return {**known, "amount_converted": amount}
        return {**known, "amount_converted": (amount * known["fx_rate"]).quantize(self.places,
                                                                                   rounding=ROUND_HALF_UP)}


@dataclass(slots=True)
class Prepared:
    row: ImportRow
    amount: Decimal
    currency: str
    fingerprint: str
    conversion: dict[str, Any]


def _fingerprinted(*, account: Account, rows: list[ImportRow]) -> Iterator[tuple[ImportRow, Decimal, str]]:
    """(row, amount to the cent, fingerprint) in order: the occurrence rank among identical rows depends on the
    order and on the whole list (as does trusting the bank's ids), so the insert and import_rows_new both
    fingerprint the whole list through here."""
    ids = [r.external_id.strip() for r in rows if r.external_id and r.external_id.strip()]
    # A bank that repeats its own ids within one file cannot be trusted with them.
    trust_ids = len(ids) == len(set(ids))
    seen: dict[tuple, int] = {}
    for row in rows:
        amount = row.amount if row.amount.as_tuple().exponent == -2 else \
            Decimal(row.amount).quantize(CENT, rounding=ROUND_HALF_UP)
        # The same text as services.description_normalise, without a regular expression (hot loop).
        normalised = " ".join(row.description.split()).lower()
        external_id = row.external_id.strip() if trust_ids and row.external_id else ""
        occurrence = 0
        if not external_id:
            key = (row.date, amount, normalised)
            occurrence = seen.get(key, 0)
            seen[key] = occurrence + 1
        yield row, amount, transaction_fingerprint(account_id=account.pk, on=row.date, amount=amount,
                                                   description=normalised, occurrence=occurrence,
                                                   external_id=external_id or None)


def prepared_rows(*, user: User, account: Account, rows: list[ImportRow]) -> Iterator[Prepared]:
    """Rows with their fingerprint and converted amount, in order (the occurrence rank depends on it)."""
    converter = _Converter(user)
    account_currency = account.currency.upper()
    for row, amount, fingerprint in _fingerprinted(account=account, rows=rows):
        currency = row.currency.upper() if row.currency else account_currency
        yield Prepared(row=row, amount=amount, currency=currency, fingerprint=fingerprint,
                       conversion=converter.fields(amount, currency, row.date))


def _known_fingerprints(*, account: Account, fingerprints: list[str]) -> set[str]:
    if connection.vendor == "postgresql":
        # One array parameter: Django's IN binds one parameter per value, three times slower at this size.
        meta = Transaction._meta
        fingerprint, account_id = meta.get_field("fingerprint").column, meta.get_field("account").column
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {fingerprint} FROM {meta.db_table} WHERE {account_id} = %s AND "
                           f"{fingerprint} = ANY(%s)", [account.pk, fingerprints])
            return {found for (found,) in cursor.fetchall()}
    return set(Transaction.objects.filter(account=account, fingerprint__in=fingerprints)
               .values_list("fingerprint", flat=True))


def import_rows_new(*, account: Account, rows: list[ImportRow]) -> list[ImportRow]:
    """The rows whose fingerprint is not in the account yet, in order: what an insert of all of ``rows`` would
    create (so an import categorizes only those). One query per LOOKUP_ROWS rows; the insert's ON CONFLICT
    stays the guard against a concurrent import, and it must still be given all the rows, whose order and
    number make the fingerprints."""
    if not Transaction.objects.filter(account=account).exists():
        return list(rows)  # an account's first import: nothing to look up (the fingerprints of one call differ)
    new: list[ImportRow] = []
    chunk: list[tuple[str, ImportRow]] = []

    def flush() -> None:
        known = _known_fingerprints(account=account, fingerprints=[f for f, _ in chunk])
        new.extend(row for fingerprint, row in chunk if fingerprint not in known)
        chunk.clear()

    for row, _amount, fingerprint in _fingerprinted(account=account, rows=rows):
        chunk.append((fingerprint, row))
        if len(chunk) == LOOKUP_ROWS:
            flush()
    if chunk:
        flush()
    return new


def _category_fields(row: ImportRow) -> tuple[int | None, str, Decimal | None, bool]:
    if row.decided:  # by the categorizer (mlcore.learning.import_rows_categorize)
        return (row.category.pk if row.category else None, row.category_source, row.category_confidence,
                row.category is None)
    if row.category is None:
        return None, CategorySource.NONE, None, True
    return row.category.pk, CategorySource.IMPORT, Decimal("1.000"), False


def rows_insert(*, user: User, account: Account, rows: list[ImportRow], batch: ImportBatch | None,
                source: str) -> int:
    """Insert the rows that are not in the account yet, in one transaction; returns how many were created."""
    user.financial_profile  # noqa: B018 -- loaded here, not in the preparing thread (one connection per thread)
    with db_transaction.atomic():
        if connection.vendor == "postgresql":
            return _insert_copy(user=user, account=account, rows=rows, batch=batch, source=source)
        return _insert_bulk(user=user, account=account, rows=rows, batch=batch, source=source)


@lru_cache(maxsize=65536)
def _merchant_from_description(description: str) -> str:
    return merchant_clean(description)[:200]


def _merchant(row: ImportRow) -> str:
    """The file's payee when it has one, else a name cleaned from the description (statements repeat them)."""
    return row.merchant[:200] if row.merchant else _merchant_from_description(row.description)


def _insert_bulk(*, user: User, account: Account, rows: list[ImportRow], batch: ImportBatch | None,
                 source: str) -> int:
    before = Transaction.objects.filter(account=account).count()
    objects = []
    for item in prepared_rows(user=user, account=account, rows=rows):
        row = item.row
        category_id, category_source, confidence, needs_review = _category_fields(row)
        objects.append(Transaction(
            owner=user, account=account, date=row.date, amount=item.amount, currency=item.currency,
            description=row.description[:500], merchant=_merchant(row), category_id=category_id,
            category_source=category_source, category_confidence=confidence, needs_review=needs_review,
            category_explanation=row.category_explanation[:200], suggested_category=row.suggested_category,
            source=source, import_batch=batch, fingerprint=item.fingerprint, **item.conversion,
        ))
    Transaction.objects.bulk_create(objects, batch_size=500, ignore_conflicts=True)
    return Transaction.objects.filter(account=account).count() - before


_COPY_SPECIAL = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": None})
_STAGED = ["date", "amount", "currency", "amount_converted", "converted_currency", "fx_rate", "fx_date",
           "description", "merchant", "category", "category_source", "category_confidence", "needs_review",
           "fingerprint", "category_explanation", "suggested_category"]


def _copy_text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value or "\x00" in value:
        return value.translate(_COPY_SPECIAL)
    return value


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _copy_chunks(prepared: Iterator[Prepared]) -> Iterator[str]:
    """The staged rows in COPY's text format, CHUNK_ROWS at a time."""
    lines: list[str] = []
    for position, item in enumerate(prepared):
        row, conversion = item.row, item.conversion
        category_id, category_source, confidence, needs_review = _category_fields(row)
        lines.append("\t".join((
            str(position), row.date.isoformat(), format(item.amount, "f"), item.currency,
            _copy_value(conversion["amount_converted"]), conversion["converted_currency"] or "",
            _copy_value(conversion["fx_rate"]), _copy_value(conversion["fx_date"]),
            _copy_text(row.description[:500]), _copy_text(_merchant(row)), _copy_value(category_id),
            category_source, _copy_value(confidence), "t" if needs_review else "f", item.fingerprint,
            _copy_text(row.category_explanation[:200]),
            _copy_value(row.suggested_category.pk if row.suggested_category else None),
        )))
        if len(lines) == CHUNK_ROWS:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"


class _Prefetch:
    """Runs a generator in a thread, a couple of items ahead of the consumer."""

    _DONE = object()

    def __init__(self, items: Iterator[Any]):
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, args=(items,), daemon=True, name="import-prepare")
        self._thread.start()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self, items: Iterator[Any]) -> None:
        try:
            for item in items:
                if not self._put(item):
                    return
            self._put(self._DONE)
        except BaseException as error:  # handed to the consumer, which raises it
            self._put(error)

    def __iter__(self) -> Iterator[Any]:
        try:
            while True:
                item = self._queue.get()
                if item is self._DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self._stop.set()
            self._thread.join(timeout=5)


def _insert_copy(*, user: User, account: Account, rows: list[ImportRow], batch: ImportBatch | None,
                 source: str) -> int:
    """COPY each chunk into a temporary table, then INSERT ... ON CONFLICT DO NOTHING into the ledger."""
    meta = Transaction._meta
    column = {name: meta.get_field(name).column for name in _STAGED + [
        "owner", "account", "notes", "source", "import_batch", "created_at", "updated_at"]}
    stage = f"import_stage_{uuid.uuid4().hex[:16]}"
    now = timezone.now()
    insert = (
        f"WITH inserted AS ("
        f"INSERT INTO {meta.db_table} ({column['owner']}, {column['account']}, "
        f"{', '.join(column[name] for name in _STAGED)}, {column['notes']}, {column['source']}, "
        f"{column['import_batch']}, {column['created_at']}, {column['updated_at']}) "
        f"SELECT %s, %s, date, amount, currency, amount_converted, converted_currency, fx_rate, fx_date, "
        f"description, merchant, category, category_source, category_confidence, needs_review, fingerprint, "
        f"category_explanation, suggested_category, '', %s, %s, %s, %s FROM {stage} ORDER BY position "
        f"ON CONFLICT ({column['account']}, {column['fingerprint']}) DO NOTHING RETURNING 1"
        f") SELECT count(*) FROM inserted"
    )
    parameters = [user.pk, account.pk, source, batch.pk if batch else None, now, now]
    created = 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} (position integer, date date, amount numeric(14, 2), "
            "currency varchar(3), amount_converted numeric(14, 2), converted_currency varchar(3), "
            "fx_rate numeric(20, 10), fx_date date, description varchar(500), merchant varchar(200), "
            "category bigint, category_source varchar(10), category_confidence numeric(4, 3), "
            "needs_review boolean, fingerprint varchar(80), category_explanation varchar(200), "
            "suggested_category bigint) ON COMMIT DROP"
        )
        chunks = _copy_chunks(prepared_rows(user=user, account=account, rows=rows))
        if len(rows) > CHUNK_ROWS:
            chunks = iter(_Prefetch(chunks))
        for chunk in chunks:
            with cursor.cursor.copy(f"COPY {stage} FROM STDIN") as copy:
                copy.write(chunk)
            cursor.execute(insert, parameters)
            created += cursor.fetchone()[0]
            cursor.execute(f"TRUNCATE {stage}")
        cursor.execute(f"DROP TABLE {stage}")
    return created
