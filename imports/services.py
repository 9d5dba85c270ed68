"""Bank imports: preview an upload, start and run an import batch (in the request when small, else in the
worker), remember a column mapping per account, refuse a bad file with the row and column.

The pages, the API and the management command all come through here. Reading a file is imports.readers,
parsing, layout (the header), mapping (which column is which) and conversion; the rows go into the ledger
through transactions.ingest (its insert path), after mlcore has decided their categories.
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from core.outbox import outbox_enqueue
from imports import batches, tasks
from imports.conversion import convert_rows
from imports.mapping import resolve_mapping
from imports.parsing import cell_text
from imports.readers.ofx import OFX_COLUMNS
from imports.table import ImportRefused, RowError
from transactions.ingest import ImportRow
from transactions.models import Account, ImportBatch, ImportStatus

__all__ = ["ImportPreview", "import_batch_preview", "import_batches_recover", "import_cancel", "import_preview",
           "import_run", "import_start"]

logger = logging.getLogger(__name__)

SAMPLE_ROWS = 10
PREVIEW_CHECK_ROWS = 5000


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def sync_max_rows() -> int:
    return _setting("IMPORT_SYNC_MAX_ROWS", 2000)


def sync_max_bytes() -> int:
    return _setting("IMPORT_SYNC_MAX_BYTES", 256 * 1024)


def stale_minutes() -> int:
    return _setting("IMPORT_STALE_MINUTES", 15)


def max_attempts() -> int:
    return _setting("IMPORT_MAX_ATTEMPTS", 3)


def max_bytes() -> int:
    return _setting("IMPORT_MAX_BYTES", 50 * 1024 * 1024)


@dataclass
class ImportPreview:
    file_format: str  # "csv" | "xlsx" | "xls" | "ofx"; empty when the file was refused
    columns: list[str]
    sample_rows: list[list[str]]
    mapping: dict[str, Any]
    confident: bool
    problems: list[str]
    refused: bool = False  # not a bank export at all: problems[0] says why
    encoding: str = ""
    delimiter: str = ""
    header_row: int = 0  # the header's row number in the file; 0 when there is none
    sheet: str = ""
    rows_estimate: int = 0
    signature: str = ""  # the key of the saved mapping for this layout of columns


# --- reading uploads ------------------------------------------------------------------------------

def _upload_bytes(upload: BinaryIO) -> tuple[bytes, str]:
    name = os.path.basename(getattr(upload, "name", "") or "upload")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes():
        raise ImportRefused(f"The file is larger than {max_bytes() // (1024 * 1024)} MB.")
    if hasattr(upload, "seek"):
        try:
            upload.seek(0)
        except (OSError, ValueError):
            pass
    data = upload.read(max_bytes() + 1)
    if isinstance(data, str):
        data = data.encode()
    if len(data) > max_bytes():
        raise ImportRefused(f"The file is larger than {max_bytes() // (1024 * 1024)} MB.")
    return data, name


def _check_account(user: User, account: Account) -> None:
    if account.owner_id != user.pk:
        raise ValidationError({"account": "Unknown account."})


def _sample(parsed: batches.Parsed) -> tuple[list[str], list[list[str]]]:
    if parsed.statement is not None:
        rows = [[r.date.isoformat(), format(r.amount, "f"), r.description, r.merchant, r.external_id]
                for r in parsed.statement.rows[:SAMPLE_ROWS]]
        return list(OFX_COLUMNS), rows
    assert parsed.table is not None and parsed.layout is not None  # every other format is a table
    columns = parsed.layout.columns
    rows = []
    for _, cells in parsed.table.records[parsed.layout.data_start:]:
        if not any(c != "" for c in cells):
            continue
        texts = [cell_text(c) for c in cells[:len(columns)]]
        rows.append(texts + [""] * (len(columns) - len(texts)))
        if len(rows) == SAMPLE_ROWS:
            break
    return list(columns), rows


def import_preview(*, user: User, account: Account, upload: BinaryIO,
                   mapping: dict[str, Any] | None = None) -> ImportPreview:
    """What the importer makes of an upload: format, columns, a sample, a proposed mapping and its problems."""
    _check_account(user, account)
    try:
        data, filename = _upload_bytes(upload)
        # A big file is previewed from its first rows: reading all of it is the worker's job, not a page's.
        parsed = batches.parse_file(data, filename, batches.layout_choices(mapping), head=len(data) > sync_max_bytes())
        return _preview(parsed, account, mapping)
    except ImportRefused as refusal:
        return ImportPreview(file_format="", columns=[], sample_rows=[], mapping={}, confident=False,
                             problems=[str(refusal)], refused=True)
    except Exception:
        logger.exception("import preview failed")
        return ImportPreview(file_format="", columns=[], sample_rows=[], mapping={}, confident=False,
                             problems=["The file could not be read."], refused=True)


def import_batch_preview(*, batch: ImportBatch) -> ImportPreview:
    """The preview of a stored upload, for the mapping form of a batch that needs one."""
    if not batch.stored_file:
        return ImportPreview(file_format=batch.file_format, columns=[], sample_rows=[], mapping=batch.mapping,
                             confident=False, problems=["The uploaded file is no longer stored."], refused=True)
    with batch.stored_file.open("rb") as stored:
        return import_preview(user=batch.owner, account=batch.account, upload=stored,
                              mapping=batch.mapping or None)


def _preview(parsed: batches.Parsed, account: Account, given: dict[str, Any] | None) -> ImportPreview:
    columns, sample = _sample(parsed)
    preview = ImportPreview(file_format=parsed.file_format, columns=columns, sample_rows=sample, mapping={},
                            confident=True, problems=list(parsed.notes), rows_estimate=parsed.rows_estimate,
                            signature=parsed.signature())
    if parsed.statement is not None:
        preview.problems += [_error_text(e) for e in parsed.statement.errors[:5]]
        return preview
    assert parsed.table is not None and parsed.layout is not None  # every other format is a table
    mapping, confident, problems = batches.mapping_for(parsed, account, given=given)
    if given:
        try:
            mapping = batches.with_layout(resolve_mapping(given, parsed.layout, mapping, parsed.table), parsed)
        except ImportRefused as problem:
            problems.append(str(problem))
    preview.mapping, preview.confident = mapping, confident
    preview.problems += problems
    preview.encoding, preview.delimiter = parsed.table.encoding, parsed.table.delimiter
    preview.header_row, preview.sheet = parsed.layout.header_row, parsed.table.sheet
    if preview.rows_estimate <= PREVIEW_CHECK_ROWS:
        try:
            conversion = convert_rows(parsed.table, parsed.layout, mapping, account_currency=account.currency,
                                      today=timezone.localdate())
            preview.problems += [_error_text(e) for e in conversion.errors[:5]]
            preview.problems += batches.describe_skips(conversion.skipped, conversion.skipped_rows)
            preview.problems += conversion.balance_notes
            preview.problems += _currency_warnings(conversion.rows, account)
        except ImportRefused as problem:
            preview.problems.append(str(problem))
    return preview


def _error_text(error: RowError) -> str:
    where = f"Row {error.row}" if error.row else ""
    if error.column:
        where += f", column {error.column!r}" if where else f"Column {error.column!r}"
    return f"{where}: {error.message}" if where else error.message


def refusal_message(batch: ImportBatch) -> str:
    """Why a refused batch imported nothing, in one sentence: its first problem, and how many there are."""
    errors = [RowError(e.get("row"), e.get("column"), e.get("message", "")) for e in batch.errors or []]
    if not errors:
        return "Nothing was imported."
    first = _error_text(errors[0])
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return f"Nothing was imported. {first}{more}"


def _currency_warnings(rows: Iterable[ImportRow], account: Account) -> list[str]:
    others = sorted({r.currency for r in rows if r.currency and r.currency != account.currency})
    if not others:
        return []
    return [f"Some amounts are in {', '.join(others)}, but this account is in {account.currency}; they are "
            f"stored in their own currency with a conversion."]


# --- import batches -------------------------------------------------------------------------------

def _store(batch: ImportBatch, data: bytes, filename: str) -> None:
    extension = os.path.splitext(filename)[1].lower()
    extension = extension if extension.isascii() and len(extension) <= 6 and extension[1:].isalnum() else ""
    batch.stored_file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(data), save=False)


def _is_big(parsed: batches.Parsed, size: int) -> bool:
    return parsed.rows_estimate > sync_max_rows() or size > sync_max_bytes()


def _enqueue(batch: ImportBatch) -> None:
    batch.heartbeat_at = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=batch.heartbeat_at)
    outbox_enqueue(tasks.import_run_task, batch.pk)


def _start_in_worker(batch: ImportBatch, data: bytes, mapping: dict[str, Any] | None) -> ImportBatch:
    """A big file: refused now if a check that needs no reading says so, else queued; the worker reads it,
    decides its mapping (or asks for one) and imports it."""
    try:
        batch.file_format = batches.check_file(data, batch.filename)
    except ImportRefused as refusal:
        return batches.refuse(batch, str(refusal))
    batch.mapping = {**mapping, batches.UNRESOLVED: True} if mapping else {}
    batch.status = ImportStatus.PENDING
    batch.save()
    _enqueue(batch)
    return batch


def import_start(*, user: User, account: Account, upload: BinaryIO, mapping: dict[str, Any] | None = None,
                 run_async: bool | None = None) -> ImportBatch:
    """Store an upload as an import batch and run it (now, or as a background task for a big file).

    A file whose columns cannot be mapped with confidence, and no mapping given, waits in NEEDS_MAPPING
    for ``import_run(batch=..., mapping=...)``. A file that is not a bank export ends FAILED with the reason.
    """
    _check_account(user, account)
    batch = ImportBatch(owner=user, account=account, filename=os.path.basename(getattr(upload, "name", "") or
                                                                               "upload")[:255])
    try:
        data, batch.filename = _upload_bytes(upload)
    except ImportRefused as refusal:
        batch.save()
        return batches.refuse(batch, str(refusal))
    batch.filename = batch.filename[:255]
    _store(batch, data, batch.filename)
    batch.save()
    if run_async is not False and len(data) > sync_max_bytes():
        return _start_in_worker(batch, data, mapping)
    try:
        parsed = batches.parse_file(data, batch.filename, batches.layout_choices(mapping))
    except ImportRefused as refusal:
        return batches.refuse(batch, str(refusal))
    except Exception:
        logger.exception("import parse failed", extra={"batch": batch.pk})
        return batches.refuse(batch, "The file could not be read.")
    batch.file_format = parsed.file_format
    batch.rows_total = parsed.rows_estimate
    if parsed.statement is None:
        assert parsed.layout is not None  # every other format is a table
        try:
            proposal, confident, _ = batches.mapping_for(parsed, account, given=mapping)
            if mapping:
                batch.mapping = batches.with_layout(resolve_mapping(mapping, parsed.layout, proposal, parsed.table),
                                             parsed)
                batches.remember_mapping(account, parsed.signature(), batch.mapping)
            elif confident:
                batch.mapping = proposal
            else:
                batch.mapping = proposal
                batch.status = ImportStatus.NEEDS_MAPPING
                batch.save()
                return batch
        except ImportRefused as refusal:
            batch.mapping = {}
            return batches.refuse(batch, str(refusal), keep_file=bool(mapping))
    batch.save()
    if run_async is None:
        run_async = _is_big(parsed, len(data))
    if run_async:
        _enqueue(batch)
        return batch
    return batches.batch_run_parsed(batch, parsed)


def import_run(*, batch: ImportBatch, mapping: dict[str, Any] | None = None,
               run_async: bool | None = False) -> ImportBatch:
    """Run a stored import batch: all rows or none. Never raises for bad input; the batch says what happened.

    With a mapping (the user's answer to NEEDS_MAPPING, or a correction after a failure) the mapping is
    checked, kept on the batch and remembered on the account for files with the same columns.
    ``run_async=None`` decides by size, True always queues, False (the default) runs now.
    """
    if batch.status in (ImportStatus.DONE, ImportStatus.RUNNING):
        return batch
    if mapping is not None or run_async is not False:
        if not batch.stored_file:
            return batches.refuse(batch, "The uploaded file is no longer stored; upload it again.")
        try:
            with batch.stored_file.open("rb") as stored:
                data = stored.read()
            if run_async is not False and len(data) > sync_max_bytes():
                return _start_in_worker(batch, data, mapping if mapping is not None else batch.mapping)
            parsed = batches.parse_file(data, batch.filename, batches.layout_choices(mapping or batch.mapping))
            if mapping is not None and parsed.statement is None:
                assert parsed.layout is not None  # every other format is a table
                proposal, _, _ = batches.mapping_for(parsed, batch.account, given=mapping)
                batch.mapping = batches.with_layout(
                    resolve_mapping(mapping, parsed.layout, batch.mapping or proposal, parsed.table), parsed)
                batches.remember_mapping(batch.account, parsed.signature(), batch.mapping)
                ImportBatch.objects.filter(pk=batch.pk, status__in=batches.RUNNABLE).update(mapping=batch.mapping)
        except ImportRefused as refusal:
            return batches.refuse(batch, str(refusal), keep_file=mapping is not None)
        except Exception:
            logger.exception("import parse failed", extra={"batch": batch.pk})
            return batches.refuse(batch, "The file could not be read.", keep_file=True)
        if run_async or (run_async is None and _is_big(parsed, len(data))):
            ImportBatch.objects.filter(pk=batch.pk, status__in=batches.RUNNABLE).update(status=ImportStatus.PENDING)
            batch.refresh_from_db()
            _enqueue(batch)
            return batch
        return batches.batch_run_parsed(batch, parsed)
    return batches.batch_run_parsed(batch, None)


def import_cancel(*, batch: ImportBatch, reason: str) -> ImportBatch:
    """Give up on a batch that has not run (e.g. no mapping will come): FAILED with the reason, file deleted."""
    if batch.status in (ImportStatus.DONE, ImportStatus.RUNNING):
        return batch
    return batches.refuse(batch, reason)


def import_batches_recover(*, now: datetime | None = None) -> dict[str, int]:
    """Imports that stopped without an outcome (a worker killed mid-import, a task lost with the queue, a
    command killed): their heartbeat is older than IMPORT_STALE_MINUTES. An import is one transaction, so
    nothing of such a batch is in the ledger: it is queued again from the start, or, after
    IMPORT_MAX_ATTEMPTS tries, failed with a message the person sees on the import page and in the API."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=stale_minutes())
    lost = ImportBatch.objects.filter(status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]).filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, created_at__lt=stale))
    requeued = failed = 0
    for batch in lost.select_related("account", "owner"):
        # Conditional on what was read: a batch that moved on meanwhile is left alone.
        same = ImportBatch.objects.filter(pk=batch.pk, status=batch.status, heartbeat_at=batch.heartbeat_at)
        if batch.attempts >= max_attempts() or not batch.stored_file:
            tries = f"{batch.attempts} time{'s' if batch.attempts != 1 else ''}"
            message = (f"The import stopped before it finished ({tries}; the server may have run out of memory or "
                       f"been restarted). Nothing was imported: import the file again, or a shorter period.")
            if same.update(status=ImportStatus.FAILED, finished_at=now, heartbeat_at=now,
                           errors=[RowError(None, None, message).as_dict()]):
                batches.forget_file(batch)
                batch.save(update_fields=["stored_file"])
                failed += 1
        elif same.update(status=ImportStatus.PENDING, heartbeat_at=now):
            outbox_enqueue(tasks.import_run_task, batch.pk)
            requeued += 1
    if requeued or failed:
        logger.warning("lost imports recovered", extra={"requeued": requeued, "failed": failed})
    return {"requeued": requeued, "failed": failed}
