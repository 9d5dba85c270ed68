"""The archive of everything a person owns: what goes in, in which form, and the writer.

The archive (a zip) holds:

- ``README.txt``: what each file is.
- ``schema.json``: for every data file, its model, description and fields (name, type, whether it may be empty,
  what it means).
- ``profile.json``: the person (email, name, when they joined; never the password).
- ``data/<app>.<model>.json``: the rows, in Django's serialization format (``[{"model", "pk", "fields"}]``;
  a reference to another row is that row's ``pk``), so the archive can be read back into another Finsight.
- ``transactions.csv``: the transactions as the transactions page exports them, for a spreadsheet.
- ``receipts/<id>.<ext>``: the receipts' photos and PDFs.
- ``shared/categories.json``: the standard categories (shared by everyone on the server) with their stable key and
  path, so a restore on another server finds them by name rather than by this server's pk (``privacy.restore``).

``FORMAT_VERSION`` is in the README's first line and in ``schema.json``; the restore refuses any other.

Rows are read in chunks and written straight into the zip: memory stays flat whatever the history's size.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.db.models import Model, Q

from accounts.models import User
from groups.models import Membership
from receipts.models import Receipt
from transactions.exports import EXPORT_HEADER, export_rows
from transactions.models import Category, Transaction

CHUNK = 1000
# The archive's layout; privacy.restore reads exactly this version. Raise it when a restore could misread a file.
FORMAT_VERSION = 1
STANDARD_CATEGORIES = "shared/categories.json"

Scope = Callable[[User, list[int]], Q]  # (the person, their groups' ids) -> the rows of one model that are theirs


@dataclass(frozen=True)
class Part:
    label: str  # "app.Model"
    scope: Scope


def _own(field: str) -> Scope:
    return lambda user, groups: Q(**{field: user})


def _groups(field: str) -> Scope:
    return lambda user, groups: Q(**{f"{field}__in": groups})


# Everything that is the person's: their own rows, and the groups they belong to with everything in them
# (the other members see the same in the app).
EXPORTED: tuple[Part, ...] = (
    Part("accounts.FinancialProfile", _own("user")),
    Part("transactions.Account", _own("owner")),
    Part("transactions.Category", _own("owner")),
    Part("transactions.Tag", _own("owner")),
    Part("transactions.Rule", _own("owner")),
    Part("transactions.ImportBatch", _own("owner")),
    Part("transactions.Transaction", _own("owner")),
    Part("transactions.TransactionSplit", _own("transaction__owner")),
    Part("budgets.Budget", _own("user")),
    Part("payments.RecurringPayment", _own("user")),
    Part("payments.BillOccurrence", _own("user")),
    Part("goals.Goal", _own("user")),
    Part("goals.GoalAccount", _own("goal__user")),
    Part("goals.Contribution", _own("goal__user")),
    Part("goals.RiskProfile", _own("user")),
    Part("groups.Group", _groups("pk")),
    Part("groups.Membership", _groups("group")),
    Part("groups.GroupExpense", _groups("group")),
    Part("groups.ExpensePayer", _groups("expense__group")),
    Part("groups.ExpenseShare", _groups("expense__group")),
    Part("groups.Settlement", _groups("group")),
    Part("groups.GroupActivity", _groups("group")),
    Part("receipts.Receipt", _own("user")),
    Part("advisor.AdvisorSettings", _own("user")),
    Part("advisor.Conversation", _own("user")),
    Part("advisor.Message", _own("conversation__user")),
    Part("advisor.MonthlyLetter", _own("user")),
    Part("notifications.NotificationPreferences", _own("user")),
    Part("notifications.Notification", _own("user")),
    Part("alerts.Alert", _own("user")),
    Part("mlcore.FeedbackEvent", _own("user")),
    Part("billing.Invoice", _own("user")),
)

# Models that refer to a person but are not taken away, and why. A test keeps this list and EXPORTED covering
# every model with a link to a user, so a new model is never forgotten.
NOT_EXPORTED: dict[str, str] = {
    "accounts.User": "the person is profile.json (without the password hash or staff flags)",
    "accounts.RevokedTokenFamily": "sign-in bookkeeping, not the person's data",
    "accounts.RecoveryCode": "two-factor recovery codes: hashes that are of no use outside this server",
    "accounts.AuthenticatorApp": "the authenticator app's secret: a sign-in key, not the person's data",
    "accounts.KnownDevice": "sign-in bookkeeping (which browsers and apps were seen), not the person's data",
    "audit.AuditEntry": "the security log is read on its own page",
    "transactions.TransactionExport": "earlier CSV exports: the same transactions",
    "groups.Invite": "invitation secrets",
    "insights.Forecast": "computed from the transactions every night",
    "insights.RefreshState": "worker bookkeeping",
    "notifications.Delivery": "delivery attempts of the notifications",
    "payments.SubscriptionSuggestion": "computed from the transactions",
    "billing.Subscription": "the plan on this server; what you paid is billing.Invoice",
    "mlcore.UserCategorizerModel": "a learned model, rebuilt from the categories you chose",
    "mlcore.SpendingPattern": "computed from the transactions",
    "mlcore.AnomalyVerdict": "computed from the transactions",
    "alerts.ProtectionScan": "worker bookkeeping",
    "goals.GoalPlan": "computed from the goals every night",
    "goals.ReadinessReport": "computed from the ledger every night",
    "privacy.DataExport": "these archives themselves",
    "privacy.DataImport": "the record of archives brought in, not the person's data",
    "privacy.DeletionRequest": "a pending deletion of the account, not the person's data",
    "privacy.FormerMember": "the stand-in a deleted person leaves in groups; never a living person",
}

README = f"Your Finsight data (export format {FORMAT_VERSION})\n\n" + """profile.json                 you: email, name, when you joined
data/<app>.<model>.json      every row that is yours, one file per kind (schema.json says what each field means);
                             Django's serialization format: [{"model": ..., "pk": ..., "fields": {...}}], a
                             reference to another row is that row's pk
transactions.csv             your transactions, as the transactions page exports them (open it in a spreadsheet)
receipts/                    the photos and PDFs of your receipts, named by the receipt's pk
schema.json                  the fields of every data file: type, whether it may be empty, what it means
shared/categories.json       the standard categories your rows refer to by pk: their key, path, and whether you
                             hid them (another server has the same categories under other pks)

To move to another Finsight, import this zip there as a new, empty account: the rows are created with new pks,
references between them kept; groups are not imported (they are shared with their other members).
"""


def model_schema(model: type[Model]) -> dict[str, Any]:
    doc = (model.__doc__ or "").strip().splitlines()
    fields = {}
    for field in model._meta.concrete_fields:
        entry: dict[str, Any] = {"type": field.get_internal_type(), "null": field.null}
        related = field.related_model
        if related is not None and not isinstance(related, str):
            entry["refers_to"] = related._meta.label
        if getattr(field, "help_text", ""):
            entry["help"] = str(field.help_text)
        if field.choices:
            entry["choices"] = [str(value) for value, _ in field.flatchoices]
        fields[field.name] = entry
    return {"model": model._meta.label, "description": doc[0] if doc else "", "fields": fields}


def takeout_write(*, user: User, path: Path) -> dict[str, int]:
    """Write the archive to ``path``; what it holds, per model and files."""
    groups = list(Membership.objects.filter(user=user).values_list("group_id", flat=True))
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        archive.writestr("profile.json", json.dumps(_profile(user), indent=2))
        schema = {}
        for part in EXPORTED:
            model = apps.get_model(part.label)
            queryset = model._default_manager.filter(part.scope(user, groups)).distinct().order_by("pk")
            name = f"data/{part.label}.json"
            schema[name] = model_schema(model)
            with archive.open(name, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as out:
                counter = _Counting(queryset.iterator(chunk_size=CHUNK))
                serializers.serialize("json", counter, stream=out, indent=1)
            counts[part.label] = counter.count
        archive.writestr("schema.json", json.dumps({"format_version": FORMAT_VERSION, **schema}, indent=2))
        archive.writestr(STANDARD_CATEGORIES, json.dumps(_standard_categories(user), indent=1))
        with archive.open("transactions.csv", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(EXPORT_HEADER)
            writer.writerows(export_rows(user=user, transactions=Transaction.objects.filter(owner=user)
                                         .order_by("date", "pk")))
        counts["files"] = _receipt_files(archive, user=user)
    return counts


def _profile(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


def _standard_categories(user: User) -> list[dict[str, Any]]:
    hidden = set(user.hidden_categories.values_list("pk", flat=True))
    return [{"pk": category.pk, "key": category.key, "path": str(category), "hidden": category.pk in hidden}
            for category in Category.objects.filter(owner__isnull=True).select_related("parent").order_by("pk")]


def _receipt_files(archive: zipfile.ZipFile, *, user: User) -> int:
    written = 0
    for receipt in Receipt.objects.filter(user=user).exclude(file="").order_by("pk").iterator(chunk_size=CHUNK):
        suffix = Path(receipt.file.name).suffix.lower()
        try:
            with receipt.file.open("rb") as source, archive.open(f"receipts/{receipt.pk}{suffix}", "w") as target:
                shutil.copyfileobj(source, target)
        except FileNotFoundError:
            continue  # a file gone from disk: its row (in data/) still says what it was
        written += 1
    return written


class _Counting:
    """An iterator that counts what passes through it."""

    def __init__(self, rows: Any) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> _Counting:
        return self

    def __next__(self) -> Any:
        row = next(self.rows)
        self.count += 1
        return row
