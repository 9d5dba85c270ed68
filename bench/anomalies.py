"""Spending patterns and anomaly detection time per user.

    .venv/bin/python bench/anomalies.py [--users 3] [--months 12] [--runs 10] [--sizes 100,1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finsight_dev .venv/bin/python bench/anomalies.py

For each size (transactions a month), creates USERS throwaway users with MONTHS months of the demo ledger
(salary, rent, bills, subscriptions, groceries, coffee, fuel, trips) padded with one-off card purchases to
that size, then times, RUNS times per user, with the medians printed in milliseconds:
- history: loading the ledger as HistoryRows (the one query), the baseline;
- patterns_compute alone on those rows, and patterns_refresh (load, compute, store);
- anomalies_detect of the last month's transactions (about one month's import) against the stored patterns.
Then a 1,000-row import: 1,000 more card purchases over the last year, a refresh and their detection.
The users are deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from core.rls import row_security_operator_process  # noqa: E402

row_security_operator_process()  # an operator's script (core.rls): every row, as the connecting role

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from mlcore import services  # noqa: E402
from mlcore.patterns import history_rows, patterns_compute  # noqa: E402
from transactions.management.commands.seed_demo import ACCOUNTS, demo_rows  # noqa: E402
from transactions.models import Account, Category, Transaction  # noqa: E402

SHOPS = ["MEDIAMARKT", "DM DROGERIE", "ROSSMANN", "IKEA", "DECATHLON", "H&M", "ZARA", "LIDL", "NETTO", "PENNY",
         "BURGER KING", "DUNKIN", "KAISERS", "TEDI", "APOTHEKE AM MARKT", "KIOSK 24", "BIOCOMPANY", "THALIA",
         "SATURN", "OBI BAUMARKT"]


def card_purchases(*, user: User, account: Account, count: int, days: int, today: date,
                   rng: random.Random) -> list[Transaction]:
    return [Transaction(owner=user, account=account, date=today - timedelta(days=rng.randrange(days)),
                        amount=-Decimal(rng.randint(150, 15000)) / 100, currency="EUR",
                        description=f"CARD PAYMENT {rng.choice(SHOPS)} {rng.randint(1000, 9999)} BERLIN",
                        fingerprint=f"bench:{uuid.uuid4().hex}") for _ in range(count)]


def user_with_history(*, months: int, per_month: int, today: date, seed: int) -> User:
    user = User.objects.create_user(email=f"bench-anomalies-{uuid.uuid4().hex[:10]}@example.com", password=None)
    accounts = {a.key: Account.objects.create(owner=user, name=a.name, kind=a.kind, currency="EUR",
                                              opening_balance=a.opening_balance, opening_date=date(2000, 1, 1))
                for a in ACCOUNTS}
    categories = dict(Category.objects.filter(owner__isnull=True).values_list("key", "pk"))
    rows = [Transaction(owner=user, account=accounts[row.account], date=row.date, amount=row.amount,
                        currency="EUR", description=row.description, merchant=row.merchant,
                        category_id=categories.get(row.category), fingerprint=f"bench:{uuid.uuid4().hex}")
            for row in demo_rows(seed=seed, months=months, today=today)]
    rows += card_purchases(user=user, account=accounts["card"], count=max(per_month * months - len(rows), 0),
                           days=months * 30, today=today, rng=random.Random(seed))
    Transaction.objects.bulk_create(rows, batch_size=2000)
    return user


def timed(function, runs: int, **kwargs) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function(**kwargs)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def one_size(*, per_month: int, args, today: date) -> None:
    users = [user_with_history(months=args.months, per_month=per_month, today=today, seed=n)
             for n in range(args.users)]
    try:
        figures: dict[str, list[float]] = {"history": [], "compute": [], "refresh": [], "detect": []}
        flagged = scored = 0
        kinds: Counter[str] = Counter()
        for user in users:
            load, rows = timed(history_rows, args.runs, user=user)
            compute, _ = timed(patterns_compute, args.runs, rows=rows, currency="EUR", today=today)
            refresh, _ = timed(services.patterns_refresh, args.runs, user=user, today=today)
            ids = list(Transaction.objects.filter(owner=user, date__gt=today - timedelta(days=30))
                       .values_list("pk", flat=True))
            detect, findings = timed(services.anomalies_detect, args.runs, user=user, transaction_ids=ids,
                                     today=today)
            for name, value in zip(figures, (load, compute, refresh, detect), strict=True):
                figures[name].append(value)
            scored += len(ids)
            flagged += sum(1 for f in findings if f.level != "low")
            kinds.update(f.kind for f in findings if f.level != "low")
        median = {name: statistics.median(values) for name, values in figures.items()}
        print(f"{per_month}/month, {args.months} months ({len(rows):,} rows a user, {connection.vendor}): "
              f"history {median['history']:.1f} ms, patterns_compute {median['compute']:.1f} ms, "
              f"patterns_refresh {median['refresh']:.1f} ms, anomalies_detect of a month "
              f"({scored // len(users)} rows) {median['detect']:.1f} ms "
              f"({median['detect'] / median['history']:.1f}x the history load); "
              f"{flagged} Medium/High of {scored} scored {dict(kinds)}")
        import_of_1000(user=users[0], today=today)
    finally:
        for user in users:
            user.delete()


def import_of_1000(*, user: User, today: date) -> None:
    account = Account.objects.filter(owner=user).first()
    # A year of older statements imported at once (its rows spread over the year, as a bank export is).
    rows = card_purchases(user=user, account=account, count=1000, days=365, today=today, rng=random.Random(99))
    Transaction.objects.bulk_create(rows, batch_size=2000)
    ids = [row.pk for row in rows] if rows[0].pk else list(
        Transaction.objects.filter(fingerprint__in=[row.fingerprint for row in rows]).values_list("pk", flat=True))
    start = time.perf_counter()
    services.patterns_refresh(user=user, today=today)
    refreshed = time.perf_counter()
    findings = services.anomalies_detect(user=user, transaction_ids=ids, today=today)
    done = time.perf_counter()
    print(f"  after a 1,000-row import: patterns_refresh {(refreshed - start) * 1000:.0f} ms, anomalies_detect "
          f"of the 1,000 {(done - refreshed) * 1000:.0f} ms ({len(findings)} findings)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=3)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sizes", default="100,1000", help="Transactions a month, comma-separated.")
    args = parser.parse_args()
    today = timezone.localdate()
    for per_month in (int(size) for size in args.sizes.split(",")):
        one_size(per_month=per_month, args=args, today=today)


if __name__ == "__main__":
    main()
