"""Run every real bank export in a folder through the importer and print what happened to each.

    .venv/bin/python scripts/check_shared_exports.py [../shared/data/bank-exports] [--rows 3]

Runs on a throwaway SQLite database in a temporary directory (never the dev data), as a fresh user with
EUR, USD and GBP accounts. A file whose columns need a mapping is imported a second time with the mapping a
person would choose on the mapping form (the column layouts documented in bank2ynab.conf for those banks).
Not part of the test suite: the project's tests use their own fixtures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TEMP = tempfile.mkdtemp(prefix="finsight-check-")
os.environ["DATA_DIR"] = TEMP
os.environ["DATABASE_URL"] = f"sqlite:///{TEMP}/check.sqlite3"
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from accounts.models import User  # noqa: E402
from imports import services as import_services  # noqa: E402
from transactions.models import Account, ImportStatus, Transaction  # noqa: E402

# What a person picks on the mapping form for files that have no header row (0-based columns), following
# the layouts bank2ynab.conf documents for these banks.
HEADERLESS = {
    "test_raiffeisen_01.csv": {"date": 0, "description": [1], "amount": 3, "currency": 4, "date_order": "dmy"},
    "test_raiffeisen_02.csv": {"date": 0, "description": [1], "amount": 3, "currency": 4, "date_order": "dmy"},
    "test_regex_123456_87654321_1234_21_12.csv": {"date": 0, "description": [1], "amount": 3, "currency": 4,
                                                  "date_order": "dmy"},
    "test_row_format_default.csv": {"date": 0, "description": [1], "credit": 3, "debit": 4, "date_order": "dmy"},
    "test_delimiter_tab.csv": {"date": 0, "description": [1], "credit": 3, "debit": 4, "date_order": "dmy"},
    "test_row_format_neg_inflow.csv": {"date": 0, "description": [1], "amount": 3, "date_order": "dmy"},
    "test_row_format_CD_flag.csv": {"date": 0, "description": [1], "amount": 3, "flag": 4, "date_order": "dmy"},
    "kta_ei.dat": {"date": 2, "description": [1, 5], "merchant": 3, "amount": 4},
    "dba33fceecd62c3c727893361e0ba4d3.P000000027355791.csv": {"date": 0, "debit": 2, "credit": 3,
                                                              "description": [4, 5]},
    "statement_1.csv": {"date": 0, "description": [1], "credit": 5, "debit": 6},
    # A UK bank (first direct): its one date, 10/02/2018, reads either way.
    "20180226_12345678.csv": {"date_order": "dmy"},
}
CURRENCY = {"MonzoDataExport_February2018_2018-02-26_174335.csv": "GBP",
            "MS_JANE_SMITH_01-12-2019_14-12-2019.csv": "GBP", "20180226_12345678.csv": "GBP",
            "test_BOI_TransactionExport.csv": "EUR", "statement_1.csv": "GBP"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "data" / "bank-exports"))
    parser.add_argument("--rows", type=int, default=2, help="transactions to show per imported file")
    options = parser.parse_args()
    folder = Path(options.folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in
                   {".csv", ".xls", ".xlsx", ".ofx", ".qfx", ".dat", ".txt"})
    if not files:
        print(f"No bank exports under {folder}")
        return 1
    settings.MEDIA_ROOT = Path(TEMP) / "media"
    call_command("migrate", verbosity=0)
    user = User.objects.create_user(email="check@example.invalid", password=None, display_name="Check")
    print(f"{'file':58} {'result':10} {'rows':>5}  detail")
    for path in files:
        name = path.name
        currency = CURRENCY.get(name, "EUR")
        # One account per file, as a person keeps one per bank: no saved mapping carries over.
        account = Account.objects.create(owner=user, name=name[:100], currency=currency)
        with path.open("rb") as upload:
            preview = import_services.import_preview(user=user, account=account, upload=upload)
        if preview.refused:
            print(f"{str(path.relative_to(folder)):58} {'refused':10} {'':>5}  {preview.problems[0]}")
            continue
        mapping = HEADERLESS.get(name) if not preview.confident else None
        if not preview.confident and mapping is None:
            print(f"{str(path.relative_to(folder)):58} {'mapping?':10} {'':>5}  {'; '.join(preview.problems)}")
            continue
        with path.open("rb") as upload:
            batch = import_services.import_start(user=user, account=account, upload=upload, mapping=mapping,
                                                 run_async=False)
        how = " (with the mapping form)" if mapping else ""
        if batch.status != ImportStatus.DONE:
            first = batch.errors[0] if batch.errors else {}
            where = f"row {first.get('row')}, {first.get('column')}: " if first.get("row") else ""
            print(f"{str(path.relative_to(folder)):58} {'refused':10} {'':>5}  {where}{first.get('message')}{how}"
                  + (f" (+{len(batch.errors) - 1} more)" if len(batch.errors) > 1 else ""))
            continue
        with path.open("rb") as upload:
            again = import_services.import_start(user=user, account=account, upload=upload, mapping=mapping,
                                                 run_async=False)
        notes = [p for p in preview.problems if "will be skipped" in p or "investment" in p]
        print(f"{str(path.relative_to(folder)):58} {'imported':10} {batch.created_count:>5}  {account.currency}"
              f"{how}; re-import: {again.created_count} new, {again.duplicate_count} duplicates"
              + (f"; {' '.join(notes)}" if notes else ""))
        for txn in Transaction.objects.filter(import_batch=batch).order_by("id")[:options.rows]:
            print(f"{'':58} {'':10} {'':>5}    {txn.date} {txn.amount:>10} {txn.currency} "
                  f"{txn.description[:60]!r}" + (f" / {txn.merchant[:30]!r}" if txn.merchant else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
