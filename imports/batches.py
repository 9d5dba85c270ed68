"""Running a stored import batch: read the file, convert its rows with the batch's column mapping, let mlcore
decide their categories, and insert them all or none. The parts the upload and the worker share live here
(the worker's task runs a batch without going back through imports.services, which queues it).
"""

from __future__ import annotations

import codecs
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection as db_connection
from django.db import transaction as db_transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from imports.conversion import convert_rows
from imports.layout import LAYOUT_KEYS, OPTION_KEYS, ROLE_KEYS, Layout, find_layout
from imports.mapping import empty_mapping, propose_mapping, resolve_mapping
from imports.readers.csv_format import read_csv
from imports.readers.detect import file_format as detect_format
from imports.readers.excel import read_xls, read_xlsx
from imports.readers.limits import check_ofx, check_xlsx
from imports.readers.ofx import OfxStatement, read_ofx
from imports.table import ImportRefused, RowError, Table
from mlcore import services as mlcore
from transactions.ingest import import_rows_new, transactions_import_rows
from transactions.models import Account, ImportBatch, ImportStatus, Source, Transaction
from transactions.signals import transactions_added

logger = logging.getLogger(__name__)

SAVED_MAPPINGS = 20
HEAD_BYTES = 256 * 1024
HEAD_ROWS = 5000
UNRESOLVED = "unresolved"  # a mapping given with a file the worker reads: resolved against its columns there


SOURCES = {"csv": Source.CSV, "xlsx": Source.XLSX, "xls": Source.XLSX, "ofx": Source.OFX}


@dataclass
class Parsed:
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


def check_file(data: bytes, filename: str) -> str:
    """The file's format, after the checks that need no reading (an archive's sizes, OFX declarations)."""
    kind = detect_format(data, filename)
    if kind == "xlsx":
        check_xlsx(data)
    elif kind == "ofx":
        check_ofx(data)
    return kind


def _csv_head(data: bytes) -> bytes:
    """The first HEAD_BYTES of a text file, cut after a whole line (and a whole UTF-16 character)."""
    if len(data) <= HEAD_BYTES:
        return data
    cut = data.rfind(b"\n", 0, HEAD_BYTES)
    keep = cut + 1 if cut > 0 else HEAD_BYTES
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        keep += keep % 2
    return data[:keep]


def parse_file(data: bytes, filename: str, layout_choices: dict[str, Any] | None = None, *,
               head: bool = False) -> Parsed:
    """Read a whole file; with ``head``, only its first rows (a preview of a file too big to read in a page)."""
    choices = layout_choices or {}
    kind = check_file(data, filename)
    if kind == "ofx":
        statement = read_ofx(data)
        return Parsed(file_format="ofx", statement=statement, notes=list(statement.notes))
    limit = HEAD_ROWS if head else None
    if kind == "csv":
        table = read_csv(_csv_head(data) if head else data, delimiter=choices.get("delimiter") or None,
                         encoding=choices.get("encoding") or None)
    elif kind == "xlsx":
        table = read_xlsx(data, sheet=choices.get("sheet") or None, limit=limit)
    else:
        table = read_xls(data, sheet=choices.get("sheet") or None, limit=limit)
    header_row = choices.get("header_row")
    layout = find_layout(table, int(header_row) if header_row not in (None, "") else None)
    return Parsed(file_format=kind, table=table, layout=layout)


def layout_choices(mapping: dict[str, Any] | None) -> dict[str, Any]:
    return {k: mapping[k] for k in LAYOUT_KEYS if mapping and mapping.get(k) not in (None, "")}


def _saved_mapping(account: Account, signature: str) -> dict[str, Any] | None:
    saved = (account.import_mapping or {}).get(signature)
    return saved if isinstance(saved, dict) else None


def mapping_for(parsed: Parsed, account: Account, *, given: dict[str, Any] | None = None,
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
    return with_layout(mapping, parsed), confident, problems


def with_layout(mapping: dict[str, Any], parsed: Parsed) -> dict[str, Any]:
    table = parsed.table
    return {**mapping, "header_row": parsed.layout.header_row, "delimiter": table.delimiter,
            "encoding": table.encoding, "sheet": table.sheet}


def describe_skips(skipped: dict[str, int], rows: dict[str, list[int]], *, done: bool = False) -> list[str]:
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


def forget_file(batch: ImportBatch) -> None:
    if batch.stored_file:
        try:
            batch.stored_file.delete(save=False)
        except OSError:
            logger.warning("could not delete stored import file", extra={"batch": batch.pk})
        batch.stored_file = ""


def refuse(batch: ImportBatch, message: str, *, keep_file: bool = False) -> ImportBatch:
    if not keep_file:
        forget_file(batch)
    batch.status = ImportStatus.FAILED
    batch.errors = [RowError(None, None, message).as_dict()]
    batch.finished_at = timezone.now()
    batch.save()
    return batch


def remember_mapping(account: Account, signature: str, mapping: dict[str, Any]) -> None:
    saved = dict(account.import_mapping or {})
    saved.pop(signature, None)
    saved[signature] = {k: mapping.get(k) for k in ROLE_KEYS + OPTION_KEYS}
    while len(saved) > SAVED_MAPPINGS:
        saved.pop(next(iter(saved)))
    account.import_mapping = saved
    account.save(update_fields=["import_mapping"])


RUNNABLE = [ImportStatus.PENDING, ImportStatus.NEEDS_MAPPING, ImportStatus.FAILED]


def batch_run_parsed(batch: ImportBatch, parsed: Parsed | None) -> ImportBatch:
    # Claimed with a conditional update, so that a retried task or a second click never imports twice.
    claimed = ImportBatch.objects.filter(pk=batch.pk, status__in=RUNNABLE).update(
        status=ImportStatus.RUNNING, rows_processed=0, errors=[], finished_at=None, heartbeat_at=timezone.now(),
        attempts=F("attempts") + 1)
    if claimed != 1:
        batch.refresh_from_db()
        return batch
    batch.status, batch.rows_processed, batch.errors = ImportStatus.RUNNING, 0, []
    batch.refresh_from_db(fields=["attempts", "heartbeat_at"])
    try:
        return _import(batch, parsed)
    except Exception:
        logger.exception("import failed", extra={"batch": batch.pk})
        if not db_connection.in_atomic_block:
            # A connection the server dropped (a restart, a killed backend) stays broken until closed; Django
            # closes it only between requests and tasks. Closed now, the next query reconnects, so the batch
            # is marked failed (and can be run again) instead of being left 'running'.
            db_connection.close_if_unusable_or_obsolete()
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(),
            errors=[RowError(None, None, "Something went wrong while importing; nothing was imported.").as_dict()])
        batch.refresh_from_db()
        return batch


def _import(batch: ImportBatch, parsed: Parsed | None) -> ImportBatch:
    account, user = batch.account, batch.owner
    if parsed is None:
        if not batch.stored_file:
            return refuse(batch, "The uploaded file is no longer stored; upload it again.")
        try:
            with batch.stored_file.open("rb") as stored:
                data = stored.read()
            parsed = parse_file(data, batch.filename, layout_choices(batch.mapping))
        except OSError:
            return refuse(batch, "The uploaded file could not be read back; upload it again.")
        except ImportRefused as refusal:
            return refuse(batch, str(refusal))
    batch.file_format = parsed.file_format

    if parsed.statement is not None:
        rows, errors = parsed.statement.rows, parsed.statement.errors
        batch.notes = list(parsed.notes)
        stated = parsed.statement.stated_balance
    else:
        total = parsed.rows_estimate
        written = [0.0]

        def progress(done: int, _total: int) -> None:
            # Reading and checking is the first half of the bar; saving is the second. Twice a second at most.
            if time.monotonic() - written[0] >= 0.5:
                written[0] = time.monotonic()
                ImportBatch.objects.filter(pk=batch.pk).update(rows_total=total, rows_processed=done // 2,
                                                               heartbeat_at=timezone.now())

        try:
            if not batch.mapping or batch.mapping.get(UNRESOLVED):
                if not _mapping_decide(batch, parsed):
                    return batch
            mapping = resolve_mapping(batch.mapping, parsed.layout, batch.mapping)
            conversion = convert_rows(parsed.table, parsed.layout, mapping, account_currency=account.currency,
                                      today=timezone.localdate(), progress=progress)
        except ImportRefused as refusal:
            return refuse(batch, str(refusal), keep_file=True)
        rows, errors = conversion.rows, conversion.errors
        batch.notes = describe_skips(conversion.skipped, conversion.skipped_rows, done=True)
        batch.notes += conversion.balance_notes
        stated = conversion.stated_balance
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
    if stated is not None:
        batch.stated_balance, batch.stated_balance_date, batch.stated_balance_source = (
            stated.amount, stated.on, stated.source)
    ImportBatch.objects.filter(pk=batch.pk).update(rows_total=len(rows), rows_processed=len(rows) // 2,
                                                   heartbeat_at=timezone.now())
    # The categorizer decides before the insert, so its decisions are written with the rows in bulk; only for
    # the rows not in the account yet (a re-import decides nothing). The insert is still given every row: their
    # order makes the fingerprints, and its ON CONFLICT skips what a concurrent import added meanwhile.
    mlcore.import_rows_categorize(user=user, account_kind=account.kind,
                                  rows=import_rows_new(account=account, rows=rows))
    with db_transaction.atomic():
        created, duplicates = transactions_import_rows(user=user, account=account, rows=rows, batch=batch,
                                                       source=SOURCES[parsed.file_format])
        batch.created_count, batch.duplicate_count = created, duplicates
        # The user's rules come before any model: they re-file the new rows they match, in bulk.
        mlcore.imported_rules_apply(user=user, transactions=Transaction.objects.filter(import_batch=batch))
        batch.rows_processed = len(rows)
        batch.status = ImportStatus.DONE
        batch.finished_at = timezone.now()
        batch.save()
        audit_record(action=AuditAction.BANK_IMPORT, actor=user, target=batch, target_label=batch.filename,
                     changes={"account": account.name, "created": created, "duplicates": duplicates,
                              "format": batch.file_format})
    # Only once the rows are committed: a failed commit leaves the upload there to try again.
    forget_file(batch)
    batch.save(update_fields=["stored_file"])
    if created:
        db_transaction.on_commit(lambda: transactions_added.send(sender=Transaction, user=user, count=created))
    return batch


def _mapping_decide(batch: ImportBatch, parsed: Parsed) -> bool:
    """For a file read in the worker: the mapping given with it, the account's saved one, or a confident
    proposal. Without any, the batch waits for the person's mapping (NEEDS_MAPPING) and False is returned."""
    given = {k: v for k, v in (batch.mapping or {}).items() if k != UNRESOLVED} or None
    proposal, confident, _ = mapping_for(parsed, batch.account, given=given)
    if given:
        batch.mapping = with_layout(resolve_mapping(given, parsed.layout, proposal, parsed.table), parsed)
        remember_mapping(batch.account, parsed.signature(), batch.mapping)
        return True
    batch.mapping = proposal
    if confident:
        return True
    batch.status, batch.rows_total, batch.rows_processed = ImportStatus.NEEDS_MAPPING, parsed.rows_estimate, 0
    batch.save(update_fields=["mapping", "status", "rows_total", "rows_processed", "file_format"])
    return False


def batch_run(*, batch: ImportBatch) -> ImportBatch:
    """Run a stored batch with the mapping it has (the worker's job); a batch done or running is left alone."""
    if batch.status in (ImportStatus.DONE, ImportStatus.RUNNING):
        return batch
    return batch_run_parsed(batch, None)
