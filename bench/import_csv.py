"""Import a 100,000-row bank CSV and compare with PostgreSQL's own COPY of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finsight_dev .venv/bin/python bench/import_csv.py [--rows N]

Runs against the configured database (config.settings.local unless DJANGO_SETTINGS_MODULE says otherwise)
as a throwaway user that is deleted at the end; nothing else is touched. Prints rows/s for the whole import
(reading, checking, de-duplicating, converting, categorizing, inserting) with the seconds of each stage, for a
re-import of the same file (all duplicates), and the ratio to COPY of the imported rows into a scratch copy of the
transactions table and into the table itself, with and without the categorizer's share (mlcore's, timed apart).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from core.rls import row_security_operator_process  # noqa: E402

row_security_operator_process()  # an operator's script (core.rls): every row, as the connecting role

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from imports import batches  # noqa: E402
from imports import services as import_services  # noqa: E402
from transactions.models import Account, ImportStatus, Transaction  # noqa: E402

SEED = 20260101
# What batches calls for each stage of an import (timed apart; categorizing is mlcore's, timed through its facade).
STAGES = {
    "reading and checking": ("parse_file", "mapping_for", "convert_rows"),
    "finding the new rows": ("import_rows_new",),
    "inserting": ("transactions_import_rows",),
}
CATEGORIZING = ("import_rows_categorize", "imported_rules_apply")
MERCHANTS = [
    ("REWE SAGT DANKE", (-120, -8)), ("LIDL DIENSTLEISTUNG", (-90, -5)), ("ALDI SUED", (-80, -4)),
    ("EDEKA CENTER", (-95, -6)), ("DM DROGERIE MARKT", (-45, -3)), ("SHELL TANKSTELLE", (-95, -30)),
    ("ARAL STATION", (-90, -25)), ("DB VERTRIEB GMBH", (-140, -9)), ("MVG MUENCHEN TICKET", (-60, -3)),
    ("STARBUCKS COFFEE", (-9, -3)), ("MCDONALDS", (-18, -5)), ("PIZZERIA DA MARIO", (-70, -15)),
    ("AMAZON EU SARL", (-250, -6)), ("ZALANDO SE", (-180, -20)), ("MEDIAMARKT", (-900, -15)),
    ("NETFLIX.COM", (-18, -13)), ("SPOTIFY AB", (-11, -10)), ("APOTHEKE AM PLATZ", (-60, -4)),
    ("FITNESSSTUDIO MCFIT", (-30, -25)), ("STADTWERKE STROM", (-140, -60)), ("VODAFONE GMBH", (-60, -30)),
    ("LUFTHANSA", (-900, -120)), ("BOOKING.COM HOTEL", (-600, -80)), ("UBER BV", (-45, -8)),
]


def bank_csv(rows: int, seed: int = SEED) -> bytes:
    """A realistic export: dd/mm/yyyy dates, payee and purpose columns, signed amounts, a few refunds."""
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    lines = ["Date,Payee,Description,Amount,Currency"]
    for index in range(rows):
        day = start + timedelta(days=index * 730 // rows)
        roll = rng.random()
        if roll < 0.015:
            payee, text, amount = "ACME GMBH", f"GEHALT {day:%m/%Y} PERSONALNR 4711", Decimal("3250.00")
        elif roll < 0.03:
            payee, text, amount = "HAUSVERWALTUNG MUELLER", f"MIETE {day:%m/%Y} WOHNUNG 3 OG", Decimal("-1150.00")
        else:
            payee, (low, high) = rng.choice(MERCHANTS)
            amount = Decimal(rng.randint(low * 100, high * 100)) / 100
            if rng.random() < 0.01:
                amount = -amount  # a refund
            text = f"KARTENZAHLUNG {payee} {rng.randint(1000, 9999)}, REF {rng.randint(10**8, 10**9)}"
        lines.append(f'{day:%d/%m/%Y},{payee},"{text}",{amount},EUR')
    return ("\n".join(lines) + "\n").encode()


def copy_baselines(batch_id: int) -> dict[str, float]:
    """Seconds for PostgreSQL's COPY of the imported rows: into a scratch copy of the table without indexes,
    one with its indexes, and back into the transactions table itself (indexes, foreign keys, commit)."""
    table = Transaction._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.cursor
        buffer = io.BytesIO()
        with raw.copy(f"COPY (SELECT * FROM {table} WHERE import_batch_id = %s) TO STDOUT", (batch_id,)) as copy:
            for chunk in copy:
                buffer.write(chunk)
    payload = memoryview(buffer.getvalue())

    def copy_into(target: str) -> float:
        with connection.cursor() as cursor:
            started = time.perf_counter()
            with transaction.atomic():
                with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                    for offset in range(0, len(payload), 1 << 20):
                        copy.write(payload[offset:offset + (1 << 20)])
            return time.perf_counter() - started

    timings = {}
    for label, like in (("scratch table, no indexes", "INCLUDING DEFAULTS"),
                        ("scratch table with the same indexes", "INCLUDING DEFAULTS INCLUDING INDEXES")):
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE bench_copy (LIKE {table} {like})")
        timings[label] = copy_into("bench_copy")
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_copy")
    Transaction.objects.filter(import_batch_id=batch_id).delete()
    timings["the transactions table itself"] = copy_into(table)
    return timings


def import_once(user, account, data: bytes) -> tuple:
    upload = io.BytesIO(data)
    upload.name = "bench.csv"
    began = time.perf_counter()
    batch = import_services.import_start(user=user, account=account, upload=upload, run_async=False)
    return batch, time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    options = parser.parse_args()
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="finsight-bench-"))
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    started = time.perf_counter()
    data = bank_csv(options.rows)
    print(f"generated {options.rows:,} rows, {len(data) / 1e6:.1f} MB in {time.perf_counter() - started:.2f} s")

    user = User.objects.create_user(email=f"bench-{uuid.uuid4().hex[:12]}@example.invalid", password=None,
                                    display_name="Bench")
    # Each stage of the import, timed by wrapping the functions batches calls (restored afterwards).
    stage_seconds: dict[str, float] = defaultdict(float)
    originals = [(batches, name, stage) for stage, names in STAGES.items() for name in names]
    originals = [(module, name, stage, getattr(module, name)) for module, name, stage in originals]

    def timed(function, stage):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                stage_seconds[stage] += time.perf_counter() - began
        return wrapper

    for module, name, stage, function in originals:
        setattr(module, name, timed(function, stage))
    mlcore_originals = {name: getattr(batches.mlcore, name) for name in CATEGORIZING}
    for name, function in mlcore_originals.items():
        setattr(batches.mlcore, name, timed(function, "categorizing"))
    try:
        # Warm up what a running worker has loaded already (the ECB rate table, the models, code paths).
        warm = Account.objects.create(owner=user, name="Bench warm-up", currency="EUR")
        import_once(user, warm, bank_csv(1000, seed=1))
        stage_seconds.clear()
        account = Account.objects.create(owner=user, name="Bench checking", currency="EUR")
        results = []
        for label in ("import", "re-import (all duplicates)"):
            batch, seconds = import_once(user, account, data)
            stages = dict(stage_seconds)
            stage_seconds.clear()
            if batch.status != ImportStatus.DONE:
                print(f"{label}: {batch.status} {batch.errors[:3]}")
                return 1
            results.append((batch, seconds, stages))
            rest = seconds - sum(stages.values())
            print(f"{label}: {batch.created_count:,} created, {batch.duplicate_count:,} duplicates in "
                  f"{seconds:.2f} s = {options.rows / seconds:,.0f} rows/s")
            print("    " + ", ".join(f"{stage} {stages.get(stage, 0.0):.2f} s" for stage in [*STAGES, "categorizing"])
                  + f", the rest (batch rows, audit, commit) {rest:.2f} s")
        if connection.vendor != "postgresql":
            print("COPY baseline: PostgreSQL only (set DATABASE_URL=postgres://...)")
            return 0
        first, seconds, stages = results[0]
        categorizing = stages.get("categorizing", 0.0)
        for label, copy_seconds in copy_baselines(first.pk).items():
            print(f"COPY of the same {options.rows:,} rows into {label}: {copy_seconds:.2f} s = "
                  f"{options.rows / copy_seconds:,.0f} rows/s; import / COPY = {seconds / copy_seconds:.1f}x "
                  f"(without categorizing {(seconds - categorizing) / copy_seconds:.1f}x)")
        return 0
    finally:
        for module, name, _stage, function in originals:
            setattr(module, name, function)
        for name, function in mlcore_originals.items():
            setattr(batches.mlcore, name, function)
        user.delete()


if __name__ == "__main__":
    sys.exit(main())
