"""Subscription and payday detection time per user.

    .venv/bin/python bench/detection.py [--users 5] [--months 24] [--runs 20] [--per-month 100]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finsight_dev .venv/bin/python bench/detection.py
    .venv/bin/python bench/detection.py --email demo@finsight.local     # an existing user's history, read only

Creates USERS throwaway users, each with the demo ledger's MONTHS months of history (salary, rent, bills,
subscriptions with a price rise, groceries several times a week, coffee, fuel, trips, refunds; padded with
one-off card purchases to PER_MONTH, 100 by default), then times ``subscriptions_detect`` and ``salary_detect`` RUNS times per user and
prints the median and p95 in milliseconds, with what was found. The users are deleted afterwards. With
--email it times that user's own history instead and creates nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
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
from payments.detection import salary_detect, subscriptions_detect  # noqa: E402
from transactions.management.commands.seed_demo import ACCOUNTS, demo_rows  # noqa: E402
from transactions.models import Account, Category, Transaction  # noqa: E402


# Extra one-off card purchases, so a month has about --per-month transactions (the demo ledger has ~57).
PADDING = ["CARD PAYMENT {shop} {n} BERLIN".replace("{shop}", shop) for shop in (
    "MEDIAMARKT", "DM DROGERIE", "ROSSMANN", "IKEA", "DECATHLON", "H&M", "ZARA", "LIDL", "NETTO", "PENNY",
    "BURGER KING", "DUNKIN", "KAISERS", "TEDI", "APOTHEKE AM MARKT", "KIOSK 24", "BIOCOMPANY", "THALIA",
    "SATURN", "OBI BAUMARKT")]


def user_with_history(*, months: int, today: date, seed: int, per_month: int) -> User:
    user = User.objects.create_user(email=f"bench-detect-{uuid.uuid4().hex[:10]}@example.com", password=None)
    accounts = {a.key: Account.objects.create(owner=user, name=a.name, kind=a.kind, currency="EUR",
                                              opening_balance=a.opening_balance, opening_date=date(2000, 1, 1))
                for a in ACCOUNTS}
    categories = dict(Category.objects.filter(owner__isnull=True).values_list("key", "pk"))
    rows = [
        Transaction(owner=user, account=accounts[row.account], date=row.date, amount=row.amount, currency="EUR",
                    description=row.description, merchant=row.merchant, category_id=categories.get(row.category),
                    fingerprint=f"bench:{uuid.uuid4().hex}")
        for row in demo_rows(seed=seed, months=months, today=today)
    ]
    rng = random.Random(seed)
    days = months * 30
    for _ in range(max(per_month * months - len(rows), 0)):
        rows.append(Transaction(
            owner=user, account=accounts["card"], date=today - timedelta(days=rng.randrange(days)),
            amount=-Decimal(rng.randint(150, 15000)) / 100, currency="EUR",
            description=rng.choice(PADDING).replace("{n}", str(rng.randint(1000, 9999))),
            fingerprint=f"bench:{uuid.uuid4().hex}"))
    Transaction.objects.bulk_create(rows, batch_size=2000)
    return user


def timed(function, runs: int, **kwargs) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function(**kwargs)
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--per-month", type=int, default=100, help="Transactions a month (one-offs pad the demo).")
    parser.add_argument("--email", help="Time this existing user's history instead of generated ones.")
    args = parser.parse_args()
    today = timezone.localdate()
    created: list[User] = []
    if args.email:
        users = [User.objects.get(email=args.email)]
    else:
        created = users = [user_with_history(months=args.months, today=today, seed=n,
                                                      per_month=args.per_month) for n in range(args.users)]
    try:
        detect_all, salary_all = [], []
        for user in users:
            rows = Transaction.objects.filter(owner=user, date__gte=date(today.year - 2, today.month, 1)).count()
            detect, found = timed(subscriptions_detect, args.runs, user=user, today=today)
            salary, pay = timed(salary_detect, args.runs, user=user, today=today)
            detect_all += detect
            salary_all += salary
            print(f"{user.email}: {rows} transactions in two years; {len(found)} subscriptions "
                  f"({', '.join(f'{s.merchant} {s.amount} {s.frequency}' for s in found)}); "
                  f"payday {pay.next_date if pay else None} from {pay.payer if pay else '-'}")
        for name, times in (("subscriptions_detect", detect_all), ("salary_detect", salary_all)):
            p95 = sorted(times)[max(int(len(times) * 0.95) - 1, 0)]
            print(f"{name}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms per user "
                  f"({len(times)} runs, {connection_vendor()})")
    finally:
        for user in created:
            user.delete()


def connection_vendor() -> str:
    return connection.vendor


if __name__ == "__main__":
    main()
