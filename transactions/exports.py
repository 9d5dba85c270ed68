"""The ledger as CSV: the rows (shared by the API's direct download and the export the worker writes) and the
worker's run, which writes the file in bounded memory, records its progress and never leaves a cut-short file."""

from __future__ import annotations

import csv
import logging
import os
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from itertools import islice
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import User
from core.csv_safe import csv_cell
from transactions import selectors
from transactions.filters import TransactionFilter
from transactions.models import ExportStatus, Transaction, TransactionExport, TransactionSplit

logger = logging.getLogger(__name__)

EXPORT_HEADER = [
    "id", "date", "account", "amount", "currency", "amount_converted", "converted_currency", "fx_rate", "fx_date",
    "description", "merchant", "category", "category_source", "needs_review", "notes", "tags", "splits", "source",
    "import_batch", "created_at",
]
# Rows read per database round trip; memory holds one chunk (and its tags and split parts) at a time.
CHUNK = 2000
# The filters an export takes: the list's query parameters (paging aside).
FILTER_NAMES = tuple(name for name in TransactionFilter.base_filters)
MAX_FILTER_LENGTH = 200
# Finished exports kept per user: older ones are deleted when a new one is written.
KEEP_PER_USER = 5
PROGRESS_EVERY_SECONDS = 0.5

_FIELDS = (
    "pk", "date", "account__name", "amount", "currency", "amount_converted", "converted_currency", "fx_rate",
    "fx_date", "description", "merchant", "category_id", "category_source", "needs_review", "notes", "source",
    "import_batch_id", "created_at",
)
_Tags = Transaction.tags.through


def _plain(value: object) -> str:
    return "" if value is None else str(value)


def export_filters_clean(filters: Mapping[str, Any]) -> dict[str, str]:
    """The known filters among ``filters`` as text (unknown names are ignored, as the list ignores them)."""
    cleaned: dict[str, str] = {}
    for name in FILTER_NAMES:
        value = filters.get(name)
        if value is None or value == "":
            continue
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if len(text) > MAX_FILTER_LENGTH:
            raise ValidationError({name: f"At most {MAX_FILTER_LENGTH} characters."})
        cleaned[name] = text
    return cleaned


def export_queryset(*, user: User, filters: Mapping[str, str]) -> QuerySet[Transaction]:
    """The user's transactions that the list shows with these filters, in its order; bad filters raise."""
    filterset = TransactionFilter(data=dict(filters), queryset=Transaction.objects.filter(owner=user),
                                  request=SimpleNamespace(user=user))
    if not filterset.is_valid():
        raise ValidationError({name: [str(message) for message in messages]
                               for name, messages in filterset.errors.items()})
    chosen: QuerySet[Transaction] = filterset.qs
    return chosen


def export_filters_described(*, user: User, filters: Mapping[str, str]) -> list[str]:
    """The filters in words for the pages ("From: 1 Jan 2026", "Account: Main checking")."""
    filterset = TransactionFilter(data=dict(filters), queryset=Transaction.objects.none(),
                                  request=SimpleNamespace(user=user))
    if not filterset.is_valid():  # an account or tag deleted since: say what was asked
        return [f"{name}: {value}" for name, value in filters.items()]
    described = []
    for name, value in filterset.form.cleaned_data.items():
        if value is None or value in ("", []):
            continue
        label = str(filterset.filters[name].label or name)
        if name == "ordering":
            value = ", ".join(f"{key.lstrip('-')} ({'descending' if key.startswith('-') else 'ascending'})"
                              for key in value)
            label = "Sorted by"
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif hasattr(value, "strftime"):
            value = f"{value.day} {value:%b %Y}"
        described.append(f"{label}: {value}")
    return described


def _of_transactions(ids: list[int]) -> Q:
    """Rows (tags, split parts) of these transactions. On PostgreSQL the ids go as one array parameter: thousands
    of ``IN`` placeholders per chunk were a sixth of an export's time in Django's lookups, psycopg's query
    parsing and the planner."""
    if connection.vendor == "postgresql":
        return Q(transaction_id__in=RawSQL("SELECT unnest(%s::bigint[])", (ids,)))
    return Q(transaction_id__in=ids)


def export_rows(*, user: User, transactions: QuerySet[Transaction]) -> Iterator[list[object]]:
    """One CSV row per transaction, read in chunks of plain values (no model instances) with the tags and
    split parts of each chunk in one query each: memory stays flat whatever the number of rows."""
    names = {category.pk: str(category) for category in selectors.category_list(user=user)}
    rows = transactions.values_list(*_FIELDS).iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        of_chunk = _of_transactions([row[0] for row in chunk])
        tags: dict[int, list[str]] = defaultdict(list)
        for txn_id, tag in (_Tags.objects.filter(of_chunk).order_by("tag__name", "tag_id")
                            .values_list("transaction_id", "tag__name")):
            tags[txn_id].append(tag)
        splits: dict[int, list[str]] = defaultdict(list)
        for txn_id, category_id, amount in (TransactionSplit.objects.filter(of_chunk).order_by("id")
                                            .values_list("transaction_id", "category_id", "amount")):
            splits[txn_id].append(f"{names.get(category_id, '')}: {amount}")
        for (pk, day, account, amount, currency, converted, converted_currency, fx_rate, fx_date, description,
             merchant, category_id, category_source, needs_review, notes, source, batch_id, created_at) in chunk:
            # Numbers and dates are written as they are, so a refund "-12.50" stays a number a spreadsheet can
            # sum; only free text (which the bank or a person wrote) can smuggle a formula, so only text cells
            # go through csv_cell.
            yield [
                pk, day.isoformat(), csv_cell(account), _plain(amount), currency, _plain(converted),
                converted_currency, _plain(fx_rate), fx_date.isoformat() if fx_date else "",
                csv_cell(description), csv_cell(merchant), csv_cell(names.get(category_id, "")),
                category_source, "true" if needs_review else "false", csv_cell(notes),
                csv_cell("; ".join(tags.get(pk, ()))), csv_cell("; ".join(splits.get(pk, ()))), source,
                _plain(batch_id), created_at.isoformat(),
            ]


def export_path(export: TransactionExport) -> Path:
    return Path(settings.EXPORT_DIR) / export.file_name


def export_file_write(*, user: User, transactions: QuerySet[Transaction], path: Path,
                      progress: Callable[[int], None] | None = None) -> int:
    """Write the CSV to ``path`` (a partial file beside it, renamed into place once complete); the rows written."""
    partial = path.with_name(path.name + ".part")
    written = 0
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(EXPORT_HEADER)
            rows = export_rows(user=user, transactions=transactions)
            while block := list(islice(rows, CHUNK)):  # one writerows per chunk: the loop stays in C
                writer.writerows(block)
                written += len(block)
                if progress is not None and len(block) == CHUNK:
                    progress(written)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def export_run(*, export_id: int) -> TransactionExport | None:
    """The worker's job: write a requested export. A rerun or a second worker finds it claimed and does nothing;
    whatever goes wrong ends it FAILED with a message and no file, never DONE with part of the rows."""
    claimed = TransactionExport.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.RUNNING, heartbeat_at=timezone.now())
    export = TransactionExport.objects.select_related("owner").filter(pk=export_id).first()
    if claimed != 1 or export is None:
        return export
    try:
        _write(export)
    except Exception:
        logger.exception("transaction export failed", extra={"export": export_id})
        if export.file_name:
            export_path(export).unlink(missing_ok=True)
        TransactionExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, file_name="", finished_at=timezone.now(),
            error="The export failed before it was complete, so there is no file to download. Try again.")
    export.refresh_from_db()
    return export


def _write(export: TransactionExport) -> None:
    user = export.owner
    transactions = export_queryset(user=user, filters=export.filters)
    total = transactions.count()
    TransactionExport.objects.filter(pk=export.pk).update(rows_total=total, heartbeat_at=timezone.now())
    directory = Path(settings.EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    export.file_name = f"{export.pk}-{secrets.token_hex(12)}.csv"
    path = export_path(export)
    last = [time.monotonic()]

    def progress(done: int) -> None:
        if time.monotonic() - last[0] >= PROGRESS_EVERY_SECONDS:
            last[0] = time.monotonic()
            TransactionExport.objects.filter(pk=export.pk).update(rows_written=done, heartbeat_at=timezone.now())

    written = export_file_write(user=user, transactions=transactions, path=path, progress=progress)
    now = timezone.now()
    finished = TransactionExport.objects.filter(pk=export.pk, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE, rows_written=written, rows_total=written, file_name=export.file_name,
        size_bytes=path.stat().st_size, heartbeat_at=now, finished_at=now,
        expires_at=now + timedelta(hours=settings.EXPORT_RETENTION_HOURS))
    if finished != 1:  # deleted (or its owner) while it ran
        path.unlink(missing_ok=True)
        return
    for old in TransactionExport.objects.filter(owner=user, status=ExportStatus.DONE)[KEEP_PER_USER:]:
        export_delete(export=old)


def export_delete(*, export: TransactionExport) -> None:
    """The export and its file."""
    if export.file_name:
        export_path(export).unlink(missing_ok=True)
    export.delete()
