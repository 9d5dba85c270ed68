"""Reading a Finsight export (``privacy.takeout``) back in, as a new, empty account.

Every row is created again with a new pk, and every reference inside the archive (an account, one of the
person's own categories and its parent, tags, transactions, splits, rules, budgets, bills, goals, receipts,
advisor conversations) is pointed at the new row. The standard categories, shared by everyone on a server, are
found by their key (or their path) from ``shared/categories.json``, never by the other server's pk. Groups are
shared with their other members and are not restored.

The zip is read member by member and each data file row by row (a streaming JSON reader with a size cap per row),
with caps on the number of members, each member's size and its compression ratio, so a hostile archive can
neither fill the memory nor the disk. Everything happens in one database transaction: a bad row stops the
restore with a message naming the file in the zip, the row and the field, and nothing is written.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, models, transaction

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from privacy.models import counts_in_words
from privacy.takeout import EXPORTED, FORMAT_VERSION, STANDARD_CATEGORIES
from receipts.models import Receipt
from transactions.models import Category

MAX_MEMBERS = 50_000
MAX_MEMBER_BYTES = 512 * 1024 * 1024  # one data file, uncompressed
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024  # the whole archive, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, for members above RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
MAX_SMALL_FILE = 16 * 1024 * 1024  # README, schema.json, shared/categories.json
MAX_ROW_CHARS = 1024 * 1024  # one row of a data file
READ_CHARS = 64 * 1024
BATCH = 500

# What is created again, in an order where everything a row refers to comes before it.
RESTORED: tuple[str, ...] = (
    "accounts.FinancialProfile",
    "transactions.Account",
    "transactions.Category",
    "transactions.Tag",
    "transactions.Rule",
    "transactions.ImportBatch",
    "transactions.Transaction",
    "transactions.TransactionSplit",
    "budgets.Budget",
    "payments.RecurringPayment",
    "payments.BillOccurrence",
    "goals.Goal",
    "goals.GoalAccount",
    "goals.Contribution",
    "goals.RiskProfile",
    "receipts.Receipt",
    "advisor.AdvisorSettings",
    "advisor.Conversation",
    "advisor.Message",
    "advisor.MonthlyLetter",
    "notifications.NotificationPreferences",
)

# In the archive but not created again, and why (said in the result and docs/data-export.md).
NOT_RESTORED: dict[str, str] = {
    "groups.Group": "groups are shared with their other members; ask them for a new invitation",
    "groups.Membership": "groups are shared with their other members",
    "groups.GroupExpense": "groups are shared with their other members",
    "groups.ExpensePayer": "groups are shared with their other members",
    "groups.ExpenseShare": "groups are shared with their other members",
    "groups.Settlement": "groups are shared with their other members",
    "groups.GroupActivity": "groups are shared with their other members",
    "notifications.Notification": "messages about what happened on the other server",
    "alerts.Alert": "findings about charges on the other server; the scan looks at new charges here",
    "mlcore.FeedbackEvent": "the categorizer's learning history; it learns again from your transactions' categories",
    "billing.Invoice": "payments made on the other server",
}

# Fields whose content is not in the archive or belongs to the other server.
CLEARED: dict[str, dict[str, Any]] = {
    "transactions.ImportBatch": {"stored_file": ""},  # the bank file itself is not in the archive
    "transactions.Transaction": {"alert_level": ""},  # the alerts are not restored
}


EMPTY_ONLY = ("This account already has data (accounts, categories, transactions, ...). An export is imported into "
              "a new, empty account only, so nothing is mixed or doubled.")


class RestoreRefused(ValidationError):
    """The archive cannot be restored; the message says where and why."""


@dataclass
class RestoreResult:
    counts: dict[str, int] = field(default_factory=dict)  # rows created per "app.Model", and "files"
    skipped: dict[str, int] = field(default_factory=dict)  # rows in the archive not restored, per "app.Model"
    notes: list[str] = field(default_factory=list)  # what the person should know (groups not restored, ...)
    profile: dict[str, Any] = field(default_factory=dict)  # profile.json: email, display name


def _refuse(message: str) -> RestoreRefused:
    return RestoreRefused(message, code="restore_refused")


def archive_check(archive: zipfile.ZipFile) -> None:
    """Refuse an archive that is not safe to read: too many members, a path leaving the archive, a member too
    large in itself or against its compressed size (a zip bomb)."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _refuse(f"The archive has {len(members)} files; a Finsight export has at most {MAX_MEMBERS}.")
    total = 0
    for member in members:
        name = member.filename
        path = PurePosixPath(name)
        if ("\\" in name or name.startswith("/") or path.is_absolute() or ".." in path.parts
                or (path.parts and ":" in path.parts[0])):
            raise _refuse(f"The archive holds a file with an unsafe path ({name[:120]!r}); it is not a Finsight "
                          f"export.")
        if member.file_size > MAX_MEMBER_BYTES:
            raise _refuse(f"{name} is {member.file_size:,} bytes unpacked; the largest file accepted is "
                          f"{MAX_MEMBER_BYTES:,} bytes.")
        if member.file_size > RATIO_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise _refuse(f"{name} unpacks to more than {MAX_RATIO} times its packed size; such an archive is "
                          f"refused (a zip bomb).")
        total += member.file_size
    if total > MAX_TOTAL_BYTES:
        raise _refuse(f"The archive unpacks to {total:,} bytes; at most {MAX_TOTAL_BYTES:,} are accepted.")


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        member = archive.getinfo(name)
    except KeyError:
        raise _refuse(f"The archive has no {name}; it is not a Finsight export.") from None
    if member.file_size > MAX_SMALL_FILE:
        raise _refuse(f"{name} is {member.file_size:,} bytes; at most {MAX_SMALL_FILE:,} are accepted.")
    with archive.open(member) as stream:
        return stream.read(MAX_SMALL_FILE + 1)[:MAX_SMALL_FILE]


def _read_json(archive: zipfile.ZipFile, name: str) -> Any:
    try:
        return json.loads(_read_small(archive, name).decode("utf-8"))
    except UnicodeDecodeError as error:
        raise _refuse(f"{name} is not UTF-8 text (byte {error.start}).") from None
    except json.JSONDecodeError as error:
        raise _refuse(f"{name} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.") from None


def archive_format_check(archive: zipfile.ZipFile) -> None:
    readme = _read_small(archive, "README.txt").decode("utf-8", "replace").splitlines()
    schema = _read_json(archive, "schema.json")
    if not readme or not readme[0].startswith("Your Finsight data"):
        raise _refuse("README.txt does not start as a Finsight export's does; this is not a Finsight export.")
    version = schema.get("format_version") if isinstance(schema, dict) else None
    if version is None:
        raise _refuse("schema.json has no format_version: the export was made before Finsight could import them. "
                      "Ask the other server for a new export.")
    if version != FORMAT_VERSION or f"(export format {version})" not in readme[0]:
        raise _refuse(f"The export is in format {version!r}; this Finsight reads format {FORMAT_VERSION}.")


def json_rows(stream: IO[bytes], *, name: str) -> Iterator[tuple[int, Any]]:
    """The items of the JSON list in ``stream``, one at a time with their index, holding at most one row and a
    read's worth of text: a broken file is named with the character where it breaks."""
    text = io.TextIOWrapper(stream, encoding="utf-8")
    decoder = json.JSONDecoder()
    buffer, base, pos, ended = "", 0, 0, False  # base: characters dropped before the buffer
    index, state = 0, "start"

    def more() -> None:
        nonlocal buffer, base, pos, ended
        buffer, base, pos = buffer[pos:], base + pos, 0
        try:
            chunk = text.read(READ_CHARS)
        except UnicodeDecodeError:
            raise _refuse(f"{name} is not UTF-8 text (after character {base + len(buffer)}).") from None
        ended = not chunk
        buffer += chunk

    def broken(where: int, what: str) -> RestoreRefused:
        return _refuse(f"{name} is not valid JSON at character {where} (row {index + 1}): {what}.")

    while True:
        while True:
            while pos < len(buffer) and buffer[pos] in " \t\r\n":
                pos += 1
            if pos < len(buffer) or ended:
                break
            more()
        if pos >= len(buffer):
            if state == "done":
                return
            raise broken(base + pos, "the file ends before its list does")
        char = buffer[pos]
        if state == "done":
            raise broken(base + pos, "more text after the list")
        if state == "start":
            if char != "[":
                raise broken(base + pos, "a data file is a list of rows ([...])")
            pos, state = pos + 1, "first"
            continue
        if state in ("first", "after") and char == "]":
            pos, state = pos + 1, "done"
            continue
        if state == "after":
            if char != ",":
                raise broken(base + pos, "expected ',' or ']' after a row")
            pos, state = pos + 1, "row"
            continue
        if char != "{":
            raise broken(base + pos, "a row is an object ({...})")
        try:
            row, end = decoder.raw_decode(buffer, pos)
        except json.JSONDecodeError as error:
            if ended:
                raise broken(base + error.pos, error.msg) from None
            if len(buffer) - pos > MAX_ROW_CHARS:
                raise _refuse(f"{name}, row {index + 1}: longer than {MAX_ROW_CHARS:,} characters.") from None
            more()
            continue
        yield index, row
        index, pos, state = index + 1, end, "after"


@dataclass
class _Restore:
    user: User
    archive: zipfile.ZipFile
    new_pks: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    standard: dict[int, Category | None] = field(default_factory=dict)
    standard_paths: dict[int, str] = field(default_factory=dict)
    receipt_files: dict[str, str] = field(default_factory=dict)  # old receipt pk -> member name
    files_written: list[str] = field(default_factory=list)

    def refers(self, name: str, index: int, field_name: str, related: type[models.Model], old: Any) -> int:
        label = related._meta.label
        if not isinstance(old, int) or isinstance(old, bool):
            raise _refuse(f"{name}, row {index + 1}, field “{field_name}”: {old!r} is not a row's pk.")
        if old in self.new_pks[label]:
            return self.new_pks[label][old]
        if related is Category and old in self.standard_paths:
            category = self.standard[old]
            if category is None:
                raise _refuse(f"{name}, row {index + 1}, field “{field_name}”: the standard category "
                              f"“{self.standard_paths[old]}” does not exist on this server.")
            return category.pk
        raise _refuse(f"{name}, row {index + 1}, field “{field_name}”: refers to {label} {old}, which is not in "
                      f"the archive.")


def _standard_categories(restore: _Restore) -> None:
    entries = _read_json(restore.archive, STANDARD_CATEGORIES)
    if not isinstance(entries, list):
        raise _refuse(f"{STANDARD_CATEGORIES} is not a list.")
    by_key = {c.key: c for c in Category.objects.filter(owner__isnull=True).exclude(key=None).select_related("parent")}
    by_path = {str(c): c for c in Category.objects.filter(owner__isnull=True).select_related("parent")}
    hidden = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("pk"), int) or not isinstance(entry.get("path"), str):
            raise _refuse(f"{STANDARD_CATEGORIES}, row {index + 1}: needs a pk and a path.")
        category = by_key.get(entry.get("key")) or by_path.get(entry["path"])
        restore.standard[entry["pk"]] = category
        restore.standard_paths[entry["pk"]] = entry["path"]
        if category is not None and entry.get("hidden") is True:
            hidden.append(category)
    if hidden:
        restore.user.hidden_categories.add(*hidden)


def _user_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is User]


def account_is_empty(*, user: User) -> bool:
    """Nothing of the person's own in any model the restore fills, settings (one row per person) aside."""
    scopes = {part.label: part.scope for part in EXPORTED}
    for label in RESTORED:
        model = apps.get_model(label)
        if any(f.unique for f in _user_fields(model)):
            continue  # settings every account has
        if model._default_manager.filter(scopes[label](user, [])).exists():
            return False
    return True


Later = list[tuple[str, int]]  # (attname, old pk) of a reference to a row of the same file, set after it


def _row_instance(restore: _Restore, model: type[models.Model], name: str, index: int,
                  row: Any) -> tuple[models.Model, dict[str, list[int]], Later]:
    label = model._meta.label
    if (not isinstance(row, dict) or not isinstance(row.get("model"), str) or row["model"].lower() != label.lower()
            or not isinstance(row.get("fields"), dict)):
        raise _refuse(f'{name}, row {index + 1}: not a {label} row ({{"model", "pk", "fields"}}).')
    given: dict[str, Any] = row["fields"]
    known = {f.name for f in model._meta.concrete_fields} | {f.name for f in model._meta.many_to_many}
    unknown = sorted(set(given) - known)
    if unknown:
        raise _refuse(f"{name}, row {index + 1}: field “{unknown[0]}” is not a field of {label}.")
    values: dict[str, Any] = {}
    later: Later = []
    cleared = CLEARED.get(label, {})
    for f in model._meta.concrete_fields:
        if f.primary_key and not f.is_relation:
            continue
        if f.primary_key or (f.is_relation and f.related_model is User):
            values[f.attname] = restore.user.pk
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue  # the time of the restore
        if f.name in cleared:
            values[f.attname] = cleared[f.name]
            continue
        if isinstance(f, models.FileField):
            continue  # receipts' files are read from receipts/, others are not in the archive
        if f.name not in given:
            if f.has_default() or f.null or f.blank:
                continue
            raise _refuse(f"{name}, row {index + 1}: field “{f.name}” is missing.")
        raw = given[f.name]
        if f.is_relation:
            related = f.related_model
            if raw is None:
                if not f.null:
                    raise _refuse(f"{name}, row {index + 1}, field “{f.name}”: may not be empty.")
                values[f.attname] = None
            elif related is model and not (related is Category and raw in restore.standard_paths):
                later.append((f.attname, raw))  # e.g. a category's own parent: its row may come later in the file
            elif related._meta.label not in RESTORED and related is not Category:
                if not f.null:
                    raise _refuse(f"{name}, row {index + 1}, field “{f.name}”: refers to {related._meta.label}, "
                                  f"which is not imported.")
                values[f.attname] = None  # a notification, a group: not imported
            else:
                values[f.attname] = restore.refers(name, index, f.name, related, raw)
            continue
        try:
            values[f.attname] = f.clean(raw, None)
        except ValidationError as error:
            raise _refuse(f"{name}, row {index + 1}, field “{f.name}”: {' '.join(error.messages)}") from None
        except (TypeError, ValueError, AttributeError):
            raise _refuse(f"{name}, row {index + 1}, field “{f.name}”: {raw!r} is not a valid value.") from None
    many: dict[str, list[int]] = {}
    for m2m in model._meta.many_to_many:
        raw = given.get(m2m.name, [])
        if not isinstance(raw, list):
            raise _refuse(f"{name}, row {index + 1}, field “{m2m.name}”: not a list of pks.")
        if m2m.related_model is User:
            many[m2m.name] = [restore.user.pk] if raw else []
        else:
            many[m2m.name] = [restore.refers(name, index, m2m.name, m2m.related_model, old) for old in raw]
    if model is Receipt and isinstance(values.get("items"), list):
        values["items"] = [_receipt_item(restore, item) for item in values["items"]]
    return model(**values), many, later


def _receipt_item(restore: _Restore, item: Any) -> Any:
    """A receipt's item names its category by pk inside the JSON: the new one, or none if it is unknown here."""
    if not isinstance(item, dict) or item.get("category_id") is None:
        return item
    old = item["category_id"]
    new = restore.new_pks["transactions.Category"].get(old) if isinstance(old, int) else None
    if new is None and isinstance(old, int) and restore.standard.get(old) is not None:
        new = restore.standard[old].pk  # type: ignore[union-attr]
    return {**item, "category_id": new}


def _restore_model(restore: _Restore, label: str, result: RestoreResult) -> None:
    model = apps.get_model(label)
    name = f"data/{label}.json"
    try:
        member = restore.archive.getinfo(name)
    except KeyError:
        result.counts[label] = 0
        return
    owner_fields = _user_fields(model)
    singleton = any(f.unique for f in owner_fields)
    created = 0
    seen: set[int] = set()
    batch: list[tuple[int, int, models.Model, dict[str, list[int]]]] = []
    later: list[tuple[models.Model, str, int, int]] = []

    def flush() -> None:
        nonlocal created
        if not batch:
            return
        try:
            with transaction.atomic():
                model._default_manager.bulk_create([instance for _, _, instance, _ in batch])
        except DatabaseError as error:
            first = batch[0][0] + 1
            raise _refuse(f"{name}, rows {first} to {first + len(batch) - 1}: the database refused them "
                          f"({str(error).splitlines()[0][:200]}).") from None
        for _, old_pk, instance, many in batch:
            restore.new_pks[label][old_pk] = instance.pk
            for m2m_name, targets in many.items():
                if targets:
                    getattr(instance, m2m_name).add(*targets)
        created += len(batch)
        batch.clear()

    with restore.archive.open(member) as stream:
        for index, row in json_rows(stream, name=name):
            instance, many, own_refs = _row_instance(restore, model, name, index, row)
            old_pk = row.get("pk")
            if singleton:
                if created or batch:
                    raise _refuse(f"{name}, row {index + 1}: there is one {label} per person, this is a second.")
                model._default_manager.filter(**{owner_fields[0].name: restore.user}).delete()  # the new default
            elif not isinstance(old_pk, int) or isinstance(old_pk, bool) or old_pk in seen:
                raise _refuse(f"{name}, row {index + 1}: its pk {old_pk!r} is missing, not a number, or repeated.")
            seen.add(old_pk)
            later.extend((instance, attname, old, index) for attname, old in own_refs)
            if model is Receipt:
                _receipt_file(restore, instance, row)
            batch.append((index, old_pk, instance, many))
            if len(batch) >= BATCH:
                flush()
        flush()
    for instance, attname, old, index in later:
        new = restore.refers(name, index, attname.removesuffix("_id"), model, old)
        model._default_manager.filter(pk=instance.pk).update(**{attname: new})
    result.counts[label] = created


def _receipt_file(restore: _Restore, receipt: models.Model, row: dict[str, Any]) -> None:
    member_name = restore.receipt_files.get(str(row.get("pk")))
    if member_name is None:
        return  # the file was gone when the archive was made; the row still says what it was
    member = restore.archive.getinfo(member_name)
    if member.file_size > settings.RECEIPT_MAX_BYTES:
        raise _refuse(f"{member_name} is {member.file_size:,} bytes; a receipt is at most "
                      f"{settings.RECEIPT_MAX_BYTES:,}.")
    with restore.archive.open(member) as stream:
        data = stream.read(settings.RECEIPT_MAX_BYTES + 1)
    stored = Receipt._meta.get_field("file")
    stored_name = stored.generate_filename(receipt, PurePosixPath(member_name).name)
    saved = stored.storage.save(stored_name, ContentFile(data))
    restore.files_written.append(saved)
    receipt.file.name = saved  # type: ignore[attr-defined]


def _open_zip(path: Path | IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse("This file is not a zip archive; import the .zip Finsight's “Your data” page gave you.") \
            from None


def archive_preflight(path: Path | IO[bytes]) -> None:
    """The checks that need no database and read only the zip's directory and small files (safety, format), so
    an upload that cannot be imported is refused at once rather than by the worker later."""
    with _open_zip(path) as archive:
        archive_check(archive)
        archive_format_check(archive)


@transaction.atomic
def archive_restore(*, user: User, path: Path | IO[bytes]) -> RestoreResult:
    """Create everything in the archive at ``path`` for ``user``, whose account must be empty. Raises
    RestoreRefused (a ValidationError) naming the file, row and field of the first problem; then nothing is
    written, receipt files included."""
    with _open_zip(path) as archive:
        archive_check(archive)
        archive_format_check(archive)
        profile = _read_json(archive, "profile.json")
        User.objects.select_for_update().filter(pk=user.pk).first()  # a second restore at once waits, then is refused
        if not account_is_empty(user=user):
            raise _refuse(EMPTY_ONLY)
        restore = _Restore(user=user, archive=archive)
        for member in archive.infolist():
            path_parts = PurePosixPath(member.filename).parts
            if len(path_parts) == 2 and path_parts[0] == "receipts":
                restore.receipt_files[PurePosixPath(path_parts[1]).stem] = member.filename
        result = RestoreResult(profile=profile if isinstance(profile, dict) else {})
        try:
            _standard_categories(restore)
            for label in RESTORED:
                _restore_model(restore, label, result)
            for label in NOT_RESTORED:
                skipped = _count_rows(archive, f"data/{label}.json")
                if skipped:
                    result.skipped[label] = skipped
        except BaseException:
            for saved in restore.files_written:
                Receipt._meta.get_field("file").storage.delete(saved)
            raise
        result.counts["files"] = len(restore.files_written)
        if any(label.startswith("groups.") for label in result.skipped):
            result.notes.append("Groups are not imported: they are shared with their other members. Ask a member "
                                "for a new invitation.")
        for label in result.skipped:
            if not label.startswith("groups."):
                result.notes.append(f"{apps.get_model(label)._meta.verbose_name_plural.capitalize()} are not "
                                    f"imported: {NOT_RESTORED[label]}.")
        return result


def _count_rows(archive: zipfile.ZipFile, name: str) -> int:
    try:
        member = archive.getinfo(name)
    except KeyError:
        return 0
    with archive.open(member) as stream:
        return sum(1 for _ in json_rows(stream, name=name))


@transaction.atomic
def archive_import(*, user: User, path: Path | IO[bytes], actor: User | None = None,
                   request: Any = None) -> RestoreResult:
    """Restore the archive into ``user``'s empty account and record it in their security log, in the same
    transaction: a refused archive leaves neither rows nor an entry."""
    result = archive_restore(user=user, path=path)
    audit_record(action=AuditAction.DATA_EXPORT, actor=actor or user, target=user, request=request,
                 changes={"step": "imported", "rows": sum(n for label, n in result.counts.items() if label != "files"),
                          "files": result.counts.get("files", 0), "not_imported": result.skipped})
    return result


def result_lines(result: RestoreResult) -> list[str]:
    """The result in plain words: what was created."""
    return counts_in_words(result.counts)
