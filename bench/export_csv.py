"""Export 500,000 transactions to CSV as the worker does, beside a 50,000-row baseline in the same run.

    .venv/bin/python bench/export_csv.py                      # a fresh SQLite database in a temp directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finsight_dev .venv/bin/python bench/export_csv.py
    .venv/bin/python bench/export_csv.py --rows 500000 --baseline 50000

Seeds two throwaway users (bulk_create: one with the baseline's rows, one with the large export's; a tag on one
row in ten, a split on one in two hundred), then runs each export in a fresh process through
``transactions.exports.export_run`` (what the worker's task calls) and prints rows, seconds, rows/s, the file's
size and the process's peak memory (VmHWM) above what it held before the export. Linear time and a flat peak
are what bounded-memory streaming looks like. The users (and their exports) are deleted at the end; a
scratch SQLite database with its directory.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
SCRATCH = ""
if "DATABASE_URL" not in os.environ:
    SCRATCH = tempfile.mkdtemp(prefix="finsight-bench-export-")
    os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}/bench.sqlite3"
    os.environ["DATA_DIR"] = SCRATCH

import django  # noqa: E402

django.setup()

from core.rls import row_security_operator_process  # noqa: E402

row_security_operator_process()  # an operator's script (core.rls): every row, as the connecting role

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from transactions import exports  # noqa: E402
from transactions.models import Account, Category, Tag, Transaction, TransactionExport, TransactionSplit  # noqa: E402

MERCHANTS = ["REWE SAGT DANKE", "LIDL", "=HYPERLINK(\"x\")", "SHELL", "DB VERTRIEB", "NETFLIX.COM", "AMAZON EU",
             "\uff1dSUM(A1)", "STADTWERKE", "UBER BV"]


def vm_hwm_kib() -> int:
    """The process's peak resident memory so far (VmHWM), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def seed(user: User, rows: int) -> None:
    accounts = [Account.objects.create(owner=user, name=f"Account {n}", currency="EUR") for n in range(3)]
    tags = [Tag.objects.create(owner=user, name=name) for name in ("work", "trip", "home")]
    groceries, fuel = Category.objects.filter(owner=None, parent__isnull=False)[:2]
    start = date(2021, 1, 1)
    batch = 10_000
    with transaction.atomic():
        for offset in range(0, rows, batch):
            created = Transaction.objects.bulk_create([
                Transaction(owner=user, account=accounts[n % 3], date=start + timedelta(days=n * 1825 // rows),
                            amount=Decimal(-(n % 9000) - 1) / 100, currency="EUR",
                            description=f"KARTENZAHLUNG {MERCHANTS[n % 10]} {n}", merchant=MERCHANTS[n % 10],
                            category=groceries if n % 2 else None, notes="" if n % 7 else "paid back",
                            needs_review=n % 3 == 0, fingerprint=f"bench:{user.pk}:{n}")
                for n in range(offset, min(offset + batch, rows))
            ])
            Transaction.tags.through.objects.bulk_create([
                Transaction.tags.through(transaction_id=txn.pk, tag_id=tags[txn.pk % 3].pk)
                for txn in created[::10]])
            TransactionSplit.objects.bulk_create([
                part for txn in created[::200]
                for part in (TransactionSplit(transaction=txn, category=groceries, amount=txn.amount / 2),
                             TransactionSplit(transaction=txn, category=fuel, amount=txn.amount - txn.amount / 2))])


def export_once(user_id: int) -> dict[str, float]:
    """Run in a fresh process: one export of the user's transactions, as the worker runs it."""
    User.objects.get(pk=user_id)  # connection open, models loaded: the process as a waiting worker holds it
    before = vm_hwm_kib()
    export = TransactionExport.objects.create(owner_id=user_id)
    started = time.perf_counter()
    done = exports.export_run(export_id=export.pk)
    seconds = time.perf_counter() - started
    assert done is not None and done.status == "done", done and done.error
    path = exports.export_path(done)
    with open(path, "rb") as file:
        lines = sum(1 for _ in file)
    assert lines == done.rows_written + 1, (lines, done.rows_written)  # header + every row, nothing cut short
    size = path.stat().st_size
    exports.export_delete(export=done)
    return {"rows": done.rows_written, "seconds": seconds, "bytes": size, "rss_before_mib": before / 1024,
            "peak_mib": vm_hwm_kib() / 1024, "peak_growth_mib": (vm_hwm_kib() - before) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--baseline", type=int, default=50_000)
    parser.add_argument("--export-user", type=int, help=argparse.SUPPRESS)  # the child process's job
    args = parser.parse_args()
    if args.export_user:
        print(json.dumps(export_once(args.export_user)))
        return
    try:
        run(args)
    finally:
        if SCRATCH:
            shutil.rmtree(SCRATCH, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    users = []
    try:
        for rows in (args.baseline, args.rows):
            user = User.objects.create_user(email=f"bench-export-{rows}-{time.time_ns()}@example.com",
                                            password="unused-password-1")
            users.append(user)
            started = time.perf_counter()
            seed(user, rows)
            print(f"seeded {rows:,} rows in {time.perf_counter() - started:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE transactions_transaction")
        connection.close()
        results = []
        for user in users:
            child = subprocess.run([sys.executable, __file__, "--export-user", str(user.pk)], check=True,
                                   capture_output=True, text=True, env=os.environ)
            results.append(json.loads(child.stdout.strip().splitlines()[-1]))
        print(f"{'rows':>9} {'seconds':>8} {'rows/s':>9} {'MB':>7} {'peak MiB':>9} {'growth MiB':>11}")
        for r in results:
            print(f"{r['rows']:>9,} {r['seconds']:>8.2f} {r['rows'] / r['seconds']:>9,.0f} {r['bytes'] / 1e6:>7.1f} "
                  f"{r['peak_mib']:>9.1f} {r['peak_growth_mib']:>11.1f}")
        small, large = results
        print(f"time ratio {large['seconds'] / small['seconds']:.1f}x for {large['rows'] / small['rows']:.0f}x the "
              f"rows; peak growth {small['peak_growth_mib']:.1f} -> {large['peak_growth_mib']:.1f} MiB")
    finally:
        if not SCRATCH:  # the scratch database goes as a whole
            for user in users:
                user.delete()


if __name__ == "__main__":
    main()
