"""Bank imports: preview an upload, start and run an import batch, and the shared insert path for rows.

The pages, the API, the management command and the demo seeder all come through here.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction as db_transaction
from django.utils import timezone

from accounts.models import User
from mlcore.learning import import_rows_categorize
from transactions.importers import saving
from transactions.importers.csv_format import read_csv
from transactions.importers.detect import file_format as detect_format
from transactions.importers.excel import read_xls, read_xlsx
from transactions.importers.ofx import OFX_COLUMNS, OfxStatement, read_ofx
from transactions.importers.parsing import cell_text
from transactions.importers.pipeline import (
    LAYOUT_KEYS,
    OPTION_KEYS,
    ROLE_KEYS,
    Layout,
    convert_rows,
    empty_mapping,
    find_layout,
    propose_mapping,
    resolve_mapping,
)
from transactions.importers.rows import ImportRefused, ImportRow, RowError, Table
from transactions.signals import transactions_added
from transactions.models import Account, ImportBatch, ImportStatus, Source, Transaction
from transactions.rules import rules_apply

__all__ = ["ImportPreview", "ImportRow", "import_batch_preview", "import_preview", "import_run", "import_start",
           "transactions_import_rows"]

logger = logging.getLogger(__name__)

SAMPLE_ROWS = 10
SAVED_MAPPINGS = 20
PREVIEW_CHECK_ROWS = 5000
SOURCES = {"csv": Source.CSV, "xlsx": Source.XLSX, "xls": Source.XLSX, "ofx": Source.OFX}


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def sync_max_rows() -> int:
    return _setting("IMPORT_SYNC_MAX_ROWS", 2000)


def sync_max_bytes() -> int:
    return _setting("IMPORT_SYNC_MAX_BYTES", 256 * 1024)


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


@dataclass
class _Parsed:
    file_format: str
    table: Table | None = None
    layout: Layout | None = None
    statement: OfxStatement | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def rows_estimate(self) -> int:
        if self.statement is not None:
            return len(self.statement.rows) + len(self.statement.errors)
        return len(self.table.records) - self.layout.data_start

    def signature(self) -> str:
        return "ofx" if self.statement is not None else self.layout.signature(self.table)


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


def _parse(data: bytes, filename: str, layout_choices: dict[str, Any] | None = None) -> _Parsed:
    choices = layout_choices or {}
    kind = detect_format(data, filename)
    if kind == "ofx":
        statement = read_ofx(data)
        return _Parsed(file_format="ofx", statement=statement, notes=list(statement.notes))
    if kind == "csv":
        table = read_csv(data, delimiter=choices.get("delimiter") or None, encoding=choices.get("encoding") or None)
    elif kind == "xlsx":
        table = read_xlsx(data, sheet=choices.get("sheet") or None)
    else:
        table = read_xls(data, sheet=choices.get("sheet") or None)
    header_row = choices.get("header_row")
    layout = find_layout(table, int(header_row) if header_row not in (None, "") else None)
    return _Parsed(file_format=kind, table=table, layout=layout)


def _layout_choices(mapping: dict[str, Any] | None) -> dict[str, Any]:
    return {k: mapping[k] for k in LAYOUT_KEYS if mapping and mapping.get(k) not in (None, "")}


def _saved_mapping(account: Account, signature: str) -> dict[str, Any] | None:
    saved = (account.import_mapping or {}).get(signature)
    return saved if isinstance(saved, dict) else None


def _mapping_for(parsed: _Parsed, account: Account, *, given: dict[str, Any] | None = None,
                 ) -> tuple[dict[str, Any], bool, list[str]]:
    """(mapping, confident, problems): the account's saved mapping for these columns, else a proposal.

    A file nothing can be proposed for is refused, unless the person (or their saved mapping) says how to
    read it.
    """
    saved = _saved_mapping(account, parsed.signature())
    try:
        proposal = propose_mapping(parsed.table, parsed.layout, account_currency=account.currency,
                                   account_kind=account.kind)
        mapping, confident, problems = proposal.mapping, proposal.confident, list(proposal.problems)
    except ImportRefused:
        if not (saved or given):
            raise
        mapping, confident, problems = empty_mapping(), False, []
    if saved:
        try:
            mapping = resolve_mapping(saved, parsed.layout, mapping)
            confident, problems = True, [p for p in problems if "header row" in p]
        except ImportRefused:
            pass
    return _with_layout(mapping, parsed), confident, problems


def _with_layout(mapping: dict[str, Any], parsed: _Parsed) -> dict[str, Any]:
    table = parsed.table
    return {**mapping, "header_row": parsed.layout.header_row, "delimiter": table.delimiter,
            "encoding": table.encoding, "sheet": table.sheet}


def _check_account(user: User, account: Account) -> None:
    if account.owner_id != user.pk:
        raise ValidationError({"account": "Unknown account."})


def _describe_skips(skipped: dict[str, int], rows: dict[str, list[int]], *, done: bool = False) -> list[str]:
    words = {"pending": ("pending (not yet booked) row", "pending (not yet booked) rows"),
             "balance line": ("balance or total line", "balance or total lines"),
             "footer": ("line after the last transaction", "lines after the last transaction"),
             "title": ("title line before the first transaction", "title lines before the first transaction"),
             "note": ("line with neither a date nor an amount", "lines with neither a date nor an amount")}
    notes = []
    for kind, count in skipped.items():
        if not count or kind not in words:
            continue
        where = ""
        if rows.get(kind):
            shown = ", ".join(str(n) for n in rows[kind][:10])
            where = f" (row{'s' if count > 1 else ''} {shown}{', …' if count > 10 else ''})"
        verb = ("were" if count > 1 else "was") + " not imported" if done else "will be skipped"
        notes.append(f"{count} {words[kind][count > 1]}{where} {verb}.")
    return notes


def _sample(parsed: _Parsed) -> tuple[list[str], list[list[str]]]:
    if parsed.statement is not None:
        rows = [[r.date.isoformat(), format(r.amount, "f"), r.description, r.merchant, r.external_id]
                for r in parsed.statement.rows[:SAMPLE_ROWS]]
        return list(OFX_COLUMNS), rows
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
        return _preview(_parse(data, filename, _layout_choices(mapping)), account, mapping)
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


def _preview(parsed: _Parsed, account: Account, given: dict[str, Any] | None) -> ImportPreview:
    columns, sample = _sample(parsed)
    preview = ImportPreview(file_format=parsed.file_format, columns=columns, sample_rows=sample, mapping={},
                            confident=True, problems=list(parsed.notes), rows_estimate=parsed.rows_estimate,
                            signature=parsed.signature())
    if parsed.statement is not None:
        preview.problems += [_error_text(e) for e in parsed.statement.errors[:5]]
        return preview
    mapping, confident, problems = _mapping_for(parsed, account, given=given)
    if given:
        try:
            mapping = _with_layout(resolve_mapping(given, parsed.layout, mapping, parsed.table), parsed)
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
            preview.problems += _describe_skips(conversion.skipped, conversion.skipped_rows)
            preview.problems += _currency_warnings(conversion.rows, account)
        except ImportRefused as problem:
            preview.problems.append(str(problem))
    return preview


def _error_text(error: RowError) -> str:
    where = f"Row {error.row}" if error.row else ""
    if error.column:
        where += f", column {error.column!r}" if where else f"Column {error.column!r}"
    return f"{where}: {error.message}" if where else error.message


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


def _forget_file(batch: ImportBatch) -> None:
    if batch.stored_file:
        try:
            batch.stored_file.delete(save=False)
        except OSError:
            logger.warning("could not delete stored import file", extra={"batch": batch.pk})
        batch.stored_file = ""


def _refuse(batch: ImportBatch, message: str, *, keep_file: bool = False) -> ImportBatch:
    if not keep_file:
        _forget_file(batch)
    batch.status = ImportStatus.FAILED
    batch.errors = [RowError(None, None, message).as_dict()]
    batch.finished_at = timezone.now()
    batch.save()
    return batch


def _remember_mapping(account: Account, signature: str, mapping: dict[str, Any]) -> None:
    saved = dict(account.import_mapping or {})
    saved.pop(signature, None)
    saved[signature] = {k: mapping.get(k) for k in ROLE_KEYS + OPTION_KEYS}
    while len(saved) > SAVED_MAPPINGS:
        saved.pop(next(iter(saved)))
    account.import_mapping = saved
    account.save(update_fields=["import_mapping"])


def _is_big(parsed: _Parsed, size: int) -> bool:
    return parsed.rows_estimate > sync_max_rows() or size > sync_max_bytes()


def _enqueue(batch: ImportBatch) -> None:
    from transactions.tasks import import_run_task

    batch_id = batch.pk
    db_transaction.on_commit(lambda: import_run_task(batch_id))


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
        return _refuse(batch, str(refusal))
    batch.filename = batch.filename[:255]
    _store(batch, data, batch.filename)
    batch.save()
    try:
        parsed = _parse(data, batch.filename, _layout_choices(mapping))
    except ImportRefused as refusal:
        return _refuse(batch, str(refusal))
    except Exception:
        logger.exception("import parse failed", extra={"batch": batch.pk})
        return _refuse(batch, "The file could not be read.")
    batch.file_format = parsed.file_format
    batch.rows_total = parsed.rows_estimate
    if parsed.statement is None:
        try:
            proposal, confident, _ = _mapping_for(parsed, account, given=mapping)
            if mapping:
                batch.mapping = _with_layout(resolve_mapping(mapping, parsed.layout, proposal, parsed.table),
                                             parsed)
                _remember_mapping(account, parsed.signature(), batch.mapping)
            elif confident:
                batch.mapping = proposal
            else:
                batch.mapping = proposal
                batch.status = ImportStatus.NEEDS_MAPPING
                batch.save()
                return batch
        except ImportRefused as refusal:
            batch.mapping = {}
            return _refuse(batch, str(refusal), keep_file=bool(mapping))
    batch.save()
    if run_async is None:
        run_async = _is_big(parsed, len(data))
    if run_async:
        _enqueue(batch)
        return batch
    return _run(batch, parsed)


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
            return _refuse(batch, "The uploaded file is no longer stored; upload it again.")
        try:
            with batch.stored_file.open("rb") as stored:
                data = stored.read()
            parsed = _parse(data, batch.filename, _layout_choices(mapping or batch.mapping))
            if mapping is not None and parsed.statement is None:
                proposal, _, _ = _mapping_for(parsed, batch.account, given=mapping)
                batch.mapping = _with_layout(
                    resolve_mapping(mapping, parsed.layout, batch.mapping or proposal, parsed.table), parsed)
                _remember_mapping(batch.account, parsed.signature(), batch.mapping)
                ImportBatch.objects.filter(pk=batch.pk, status__in=_RUNNABLE).update(mapping=batch.mapping)
        except ImportRefused as refusal:
            return _refuse(batch, str(refusal), keep_file=mapping is not None)
        except Exception:
            logger.exception("import parse failed", extra={"batch": batch.pk})
            return _refuse(batch, "The file could not be read.", keep_file=True)
        if run_async or (run_async is None and _is_big(parsed, len(data))):
            ImportBatch.objects.filter(pk=batch.pk, status__in=_RUNNABLE).update(status=ImportStatus.PENDING)
            batch.refresh_from_db()
            _enqueue(batch)
            return batch
        return _run(batch, parsed)
    return _run(batch, None)


_RUNNABLE = [ImportStatus.PENDING, ImportStatus.NEEDS_MAPPING, ImportStatus.FAILED]


def _run(batch: ImportBatch, parsed: _Parsed | None) -> ImportBatch:
    # Claimed with a conditional update, so that a retried task or a second click never imports twice.
    claimed = ImportBatch.objects.filter(pk=batch.pk, status__in=_RUNNABLE).update(
        status=ImportStatus.RUNNING, rows_processed=0, errors=[], finished_at=None)
    if claimed != 1:
        batch.refresh_from_db()
        return batch
    batch.status, batch.rows_processed, batch.errors = ImportStatus.RUNNING, 0, []
    try:
        return _import(batch, parsed)
    except Exception:
        logger.exception("import failed", extra={"batch": batch.pk})
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(),
            errors=[RowError(None, None, "Something went wrong while importing; nothing was imported.").as_dict()])
        batch.refresh_from_db()
        return batch


def _import(batch: ImportBatch, parsed: _Parsed | None) -> ImportBatch:
    account, user = batch.account, batch.owner
    if parsed is None:
        if not batch.stored_file:
            return _refuse(batch, "The uploaded file is no longer stored; upload it again.")
        try:
            with batch.stored_file.open("rb") as stored:
                data = stored.read()
            parsed = _parse(data, batch.filename, _layout_choices(batch.mapping))
        except (ImportRefused, OSError) as refusal:
            return _refuse(batch, str(refusal))
    batch.file_format = parsed.file_format

    if parsed.statement is not None:
        rows, errors = parsed.statement.rows, parsed.statement.errors
        batch.notes = list(parsed.notes)
    else:
        total = parsed.rows_estimate
        written = [0.0]

        def progress(done: int, _total: int) -> None:
            # Reading and checking is the first half of the bar; saving is the second. Twice a second at most.
            if time.monotonic() - written[0] >= 0.5:
                written[0] = time.monotonic()
                ImportBatch.objects.filter(pk=batch.pk).update(rows_total=total, rows_processed=done // 2)

        try:
            if not batch.mapping:
                batch.mapping, _, _ = _mapping_for(parsed, account)
            mapping = resolve_mapping(batch.mapping, parsed.layout, batch.mapping)
            conversion = convert_rows(parsed.table, parsed.layout, mapping, account_currency=account.currency,
                                      today=timezone.localdate(), progress=progress)
        except ImportRefused as refusal:
            return _refuse(batch, str(refusal), keep_file=True)
        rows, errors = conversion.rows, conversion.errors
        batch.notes = _describe_skips(conversion.skipped, conversion.skipped_rows, done=True)
        if conversion.skipped:
            logger.info("import skipped lines", extra={"batch": batch.pk, "skipped": dict(conversion.skipped)})
    if errors:
        batch.status = ImportStatus.FAILED
        batch.errors = [e.as_dict() for e in errors]
        batch.rows_total = len(rows) + len({e.row for e in errors})
        batch.finished_at = timezone.now()
        batch.save()
        return batch

    batch.rows_total = len(rows)
    ImportBatch.objects.filter(pk=batch.pk).update(rows_total=len(rows), rows_processed=len(rows) // 2)
    # The categorizer decides before the insert, so its decisions are written with the rows in bulk.
    import_rows_categorize(user=user, account_kind=account.kind, rows=rows)
    with db_transaction.atomic():
        created, duplicates = transactions_import_rows(user=user, account=account, rows=rows, batch=batch,
                                                       source=SOURCES[parsed.file_format])
        batch.created_count, batch.duplicate_count = created, duplicates
        # The user's rules come before any model: they re-file the new rows they match, in bulk.
        rules_apply(user=user, transactions=Transaction.objects.filter(import_batch=batch))
        batch.rows_processed = len(rows)
        batch.status = ImportStatus.DONE
        batch.finished_at = timezone.now()
        batch.save()
    # Only once the rows are committed: a failed commit leaves the upload there to try again.
    _forget_file(batch)
    batch.save(update_fields=["stored_file"])
    if created:
        db_transaction.on_commit(lambda: transactions_added.send(sender=Transaction, user=user, count=created))
    return batch


# --- the shared insert path -----------------------------------------------------------------------

def transactions_import_rows(*, user: User, account: Account, rows: Iterable[ImportRow],
                             batch: ImportBatch | None = None, source: str = Source.CSV) -> tuple[int, int]:
    """Insert normalised rows into an account, skipping those already there: (created, duplicates).

    Fingerprints are the bank's id when there is one, else the row's content and its rank among identical
    rows of this call, so a re-import or an overlapping export adds only what is new, and two identical
    rows of one file are both kept. Safe against concurrent imports through the unique constraint. Rows
    without a category need review; a category given with the row is recorded as set by the import.
    """
    _check_account(user, account)
    rows = list(rows)
    if not rows:
        return 0, 0
    for row in rows:
        if row.category is not None and row.category.owner_id not in (None, user.pk):
            raise ValidationError({"category": "Unknown category."})
    created = saving.rows_insert(user=user, account=account, rows=rows, batch=batch, source=source)
    return created, len(rows) - created


def import_cancel(*, batch: ImportBatch, reason: str) -> ImportBatch:
    """Give up on a batch that has not run (e.g. no mapping will come): FAILED with the reason, file deleted."""
    if batch.status in (ImportStatus.DONE, ImportStatus.RUNNING):
        return batch
    return _refuse(batch, reason)
