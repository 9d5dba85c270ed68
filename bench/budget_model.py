"""Budget model: training time across users, and suggestion time per user.

    .venv/bin/python bench/budget_model.py [--users 1000] [--months 36] [--predict-users 3] [--runs 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finsight_dev .venv/bin/python bench/budget_model.py

Training: a synthetic population of USERS households over MONTHS months (mlcore.budget_data), timed as the
nightly job spends it: building the features, fitting the two LightGBM models (point and quantile, one
thread each), saving and loading the artifact (in a temporary directory). Suggestions: PREDICT_USERS
throwaway users with the demo ledger's 24 months (seed_demo), and ``budget_suggestions`` timed RUNS times
each with the model loaded (median, p95, queries). The users are deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from core.rls import row_security_operator_process  # noqa: E402

row_security_operator_process()  # an operator's script (core.rls): every row, as the connecting role

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from mlcore import budgeting  # noqa: E402
from mlcore.budget_data import month_start, synthetic_population  # noqa: E402
from transactions.management.commands.seed_demo import ACCOUNTS, demo_rows  # noqa: E402
from transactions.models import Account, Category, Transaction  # noqa: E402


def user_with_history(*, months: int, today: date, seed: int) -> User:
    user = User.objects.create_user(email=f"bench-budget-{uuid.uuid4().hex[:10]}@example.com", password=None)
    accounts = {a.key: Account.objects.create(owner=user, name=a.name, kind=a.kind, currency="EUR",
                                              opening_balance=a.opening_balance, opening_date=date(2000, 1, 1))
                for a in ACCOUNTS}
    categories = dict(Category.objects.filter(owner__isnull=True).values_list("key", "pk"))
    Transaction.objects.bulk_create([
        Transaction(owner=user, account=accounts[row.account], date=row.date, amount=row.amount, currency="EUR",
                    description=row.description, merchant=row.merchant, category_id=categories.get(row.category),
                    fingerprint=f"bench:{uuid.uuid4().hex}")
        for row in demo_rows(seed=seed, months=months, today=today)
    ], batch_size=2000)
    return user


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    return f"median {statistics.median(ordered):.1f} ms, p95 {ordered[int(0.95 * (len(ordered) - 1))]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--predict-users", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    today = timezone.localdate()
    target = month_start(today)

    started = time.perf_counter()
    panel = synthetic_population(users=args.users, months=args.months, seed=0, end=target)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    features, y, _ = budgeting.training_rows(panel, range(panel.months))
    feature_seconds = time.perf_counter() - started
    started = time.perf_counter()
    model = budgeting.BudgetModel().train(panel)
    train_seconds = time.perf_counter() - started
    print(f"training: {args.users} households x {args.months} months, {panel.rows()} category series, "
          f"{len(y)} category-months with enough history (generated in {generated:.1f} s)")
    print(f"  features for all of them {feature_seconds:.2f} s; train() on the last "
          f"{budgeting.TRAINING_MONTHS} target months ({model.metadata['training_rows']} rows, at most "
          f"{budgeting.MAX_TRAINING_ROWS}): features + two LightGBM fits {train_seconds:.2f} s")

    with tempfile.TemporaryDirectory() as directory:
        settings.MLCORE_ARTIFACT_DIR = Path(directory)
        started = time.perf_counter()
        version = model.save(budgeting.budget_artifact_dir())
        saved = time.perf_counter() - started
        size = sum(p.stat().st_size for p in version.iterdir())
        budgeting.budget_model_reset()
        started = time.perf_counter()
        budgeting.budget_model_get()
        loaded = time.perf_counter() - started
        print(f"  artifact {size / 1024:.0f} KiB, save {saved * 1000:.0f} ms, load {loaded * 1000:.0f} ms")

        column = panel.months - 1
        started = time.perf_counter()
        model.predict(panel, column)
        batch = time.perf_counter() - started
        print(f"  batch prediction of one month for all {panel.rows()} series: {batch * 1000:.0f} ms")

        users = [user_with_history(months=24, today=today, seed=n) for n in range(args.predict_users)]
        try:
            times, queries, suggestions = [], 0, []
            for user in users:
                user = User.objects.select_related("financial_profile").get(pk=user.pk)
                for _ in range(args.runs):
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        suggestions = budgeting.budget_suggestions(user=user, month=target)
                        times.append((time.perf_counter() - started) * 1000)
                    queries = len(captured.captured_queries)
            print(f"suggestions per user ({args.predict_users} users x {args.runs} runs, 24 months of history, "
                  f"{connection.vendor}): {ms(times)}, {queries} queries")
            for suggestion in suggestions:
                name = suggestion.category.name if suggestion.category else "Overall"
                print(f"  {name:<20} {suggestion.currency} {suggestion.amount:>7} {suggestion.method:<9} "
                      f"{suggestion.explanation}")
        finally:
            for user in users:
                user.delete()


if __name__ == "__main__":
    main()
