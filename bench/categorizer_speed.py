"""Speed of the import path's categorizer for a person with history and a trained model, on one core.

    .venv/bin/python bench/categorizer_speed.py [--rows 50000] [--labels 2000] [--singles 500]

Generated rows only (no dependency on ../shared/data): a person with --labels labelled transactions over 150
merchants (bank lines with dates, card numbers and references), their model trained, then an import of
--rows new lines: four in five at merchants they know (new dates and references), one in five at new
merchants. Prints rows per CPU-second (time.process_time) of ``categorize_rows`` and of
``import_rows_categorize`` (which also fills the rows' fields), and the single-row CPU p50/p95 of
``categorize_rows`` (database reads included) and of the in-process decision (the categorizer already
loaded), for a known and for a new merchant. Runs inside a transaction that is rolled back; needs the
global model (trained first if missing, as ``manage.py train_categorizer`` would).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal

from _django import django_ready

ROOT = django_ready(one_core=True, operator=True)

from django.db import transaction as db_transaction  # noqa: E402

from accounts.models import User  # noqa: E402

from mlcore import learning, personal  # noqa: E402
from mlcore.global_categorizer import categorizer_ensure  # noqa: E402
from transactions import services  # noqa: E402
from transactions.ingest import ImportRow  # noqa: E402
from transactions.models import CategorySource, Transaction  # noqa: E402

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
FORMS = ["POS Purchase {m}  * {d:02d} {mon}", "CARD PAYMENT {m} {ref} {d:02d}.{n:02d}", "{m} (Card ) {ref}",
         "Magtape Debit {m} {ref}", "SEPA-LASTSCHRIFT {m} REF {ref}"]
WORDS = ("alpha bravo cedar delta ember falcon garden harbor island jasper kettle lumen maple north orbit pepper "
         "quartz river summit timber urban velvet willow xenon yonder zephyr").split()


class _Rollback(Exception):
    pass


def merchant_name(rng: random.Random) -> str:
    return " ".join(w.capitalize() for w in rng.sample(WORDS, 2)) + rng.choice(["", " Store", " Cafe", " Market"])


def bank_line(rng: random.Random, merchant: str) -> str:
    day = rng.randint(1, 28)
    return rng.choice(FORMS).format(m=merchant, d=day, n=rng.randint(1, 12), mon=rng.choice(MONTHS),
                                    ref=f"{rng.randint(10**7, 10**8)}X{rng.randint(10, 99)}")


def amount(rng: random.Random) -> Decimal:
    return Decimal(-rng.randint(100, 50_000)).scaleb(-2)


def person(labels: int, rng: random.Random):
    """A person with ``labels`` labelled transactions over 150 merchants and 12 of their own categories."""
    user = User.objects.create_user(email=f"bench-{uuid.uuid4().hex[:8]}@finsight.invalid", password=None)
    account = services.account_create(user=user, name="Bench", kind="checking", currency="EUR")
    categories = [services.category_create(user=user, name=f"Bench category {i}") for i in range(12)]
    merchants = {merchant_name(rng): rng.choice(categories) for _ in range(150)}
    names = list(merchants)
    start = date(2024, 1, 1)
    Transaction.objects.bulk_create([
        Transaction(owner=user, account=account, date=start + timedelta(days=i % 700), amount=amount(rng),
                    currency="EUR", description=bank_line(rng, name), category=merchants[name],
                    category_source=CategorySource.USER, fingerprint=f"bench:{uuid.uuid4().hex}")
        for i, name in enumerate(rng.choices(names, k=labels))], batch_size=2000)
    return user, names


def per_cpu_second(function, count: int) -> float:
    started = time.process_time()
    function()
    return count / (time.process_time() - started)


def percentiles(function, rows: list[tuple], repeat: int) -> tuple[float, float]:
    timings = []
    for index in range(repeat):
        row = rows[index % len(rows)]
        started = time.process_time()  # CPU time: other processes on the machine do not count
        function(row)
        timings.append((time.process_time() - started) * 1000)
    timings.sort()
    return round(statistics.median(timings), 3), round(timings[int(0.95 * (len(timings) - 1))], 3)


def measure(args) -> dict:
    rng = random.Random(1)
    user, known = person(args.labels, rng)
    learning.user_model_train(user=user)
    unknown = [merchant_name(rng) + " Neu" for _ in range(400)]
    lines = [(bank_line(rng, rng.choice(known) if rng.random() < 0.8 else rng.choice(unknown)), amount(rng))
             for _ in range(args.rows)]
    rows = [(description, "", value, "checking") for description, value in lines]
    learning.categorize_rows(user=user, rows=rows[:1000])  # warm: the stored categorizer is loaded once
    batch = per_cpu_second(lambda: learning.categorize_rows(user=user, rows=rows), len(rows))
    imported = [ImportRow(date=date(2026, 1, 1), amount=value, description=description) for description, value in lines]
    imports = per_cpu_second(lambda: learning.import_rows_categorize(user=user, account_kind="checking",
                                                                     rows=imported), len(imported))
    known_rows = [(bank_line(rng, rng.choice(known)), "", amount(rng), "checking") for _ in range(50)]
    new_rows = [(bank_line(rng, rng.choice(unknown)), "", amount(rng), "checking") for _ in range(50)]
    categorizer = learning.personal_categorizer(user=user)
    return {
        "labels": args.labels, "rows": len(rows),
        "categorize_rows_per_cpu_second": round(batch),
        "import_rows_categorize_per_cpu_second": round(imports),
        "decided_by_history_share": round(sum(d.source == "history" for d in learning.categorize_rows(
            user=user, rows=rows[:5000])) / 5000, 3),
        "single_ms_known_merchant_p50_p95": percentiles(
            lambda row: learning.categorize_rows(user=user, rows=[row]), known_rows, args.singles),
        "single_ms_new_merchant_p50_p95": percentiles(
            lambda row: learning.categorize_rows(user=user, rows=[row]), new_rows, args.singles),
        "in_process_ms_known_merchant_p50_p95": percentiles(
            lambda row: categorizer.remembered(personal.row_facts(row[0], row[1], float(row[2]))),
            known_rows, args.singles),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--labels", type=int, default=2_000)
    parser.add_argument("--singles", type=int, default=500)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    categorizer_ensure()
    figures: dict = {}
    try:
        with db_transaction.atomic():
            figures = measure(args)
            raise _Rollback
    except _Rollback:
        pass
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
