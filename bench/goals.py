"""Goal plan and investment readiness time per user, with two years of history.

    .venv/bin/python bench/goals.py [--users 3] [--months 24] [--runs 10] [--sizes 100,1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finsight_dev .venv/bin/python bench/goals.py

For each size (transactions a month), creates USERS throwaway users with MONTHS months of the demo ledger padded
with card purchases (bench/anomalies.py's users, with a savings account), an emergency fund, a holiday, a car and an
undated house goal, computes their patterns once (as the nightly job has), then times, RUNS times per user, with
the medians printed in milliseconds:
- savings history: the monthly income and spending the plan reads (insights' query), the baseline;
- gathering the plan's inputs (the months' flows and balances, goals, forecast, essentials), the plan alone,
  readiness (its own inputs, sharing the flows and balances, and its score), the what-if a page asks for
  (from the stored inputs);
- the nightly cost added per user: a refresh that recomputes and stores (the first night, or after a change)
  and one that finds nothing moved.
The users are deleted afterwards.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from anomalies import timed, user_with_history  # noqa: E402 - sets Django up

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from goals import planning, readiness, refresh, selectors, services  # noqa: E402
from insights.analytics import savings_history  # noqa: E402
from mlcore.services import patterns_refresh  # noqa: E402
from transactions.models import Account, Transaction  # noqa: E402


def top_up(user, *, today: date, months: int) -> None:
    """A second income each month that leaves 300-900 over: the padding purchases would otherwise spend more
    than comes in, and a plan with nothing to share out is not what people with goals have."""
    rng = random.Random(user.pk)
    history = savings_history(user=user, months=months + 1, today=today)
    account = Account.objects.filter(owner=user, kind="checking").first()
    Transaction.objects.bulk_create(
        Transaction(owner=user, account=account, date=row.month + timedelta(days=14), currency="EUR",
                    amount=max(row.spending - row.income, Decimal(0)) + rng.randint(300, 900),
                    description="SIDE INCOME", fingerprint=f"bench:{uuid.uuid4().hex}")
        for row in history if not row.is_partial and row.month < today.replace(day=1))


def goals_for(user, *, today: date) -> None:
    savings = Account.objects.filter(owner=user, kind="savings").first() or Account.objects.create(
        owner=user, name="Savings", kind="savings", currency="EUR", known_balance=Decimal("6000.00"),
        known_balance_date=today)
    services.goal_create(user=user, today=today, fields=services.GoalFields(
        name="Emergency fund", kind="emergency", emergency_months=4, accounts=((savings.pk, 60),)))
    for name, amount, months, kind in (("Holiday", "2400", 9, "short_term"), ("Car", "12000", 30, "long_term"),
                                       ("House", "60000", None, "long_term")):
        services.goal_create(user=user, today=today, fields=services.GoalFields(
            name=name, kind=kind, target_amount=Decimal(amount),
            target_date=today + timedelta(days=30 * months) if months else None))


def one_user(user, *, args, today: date) -> tuple[float, ...]:
    """The medians for one user, in the order of NAMES."""
    top_up(user, today=today, months=args.months)
    goals_for(user, today=today)
    patterns_refresh(user=user, today=today)
    history, _ = timed(savings_history, args.runs, user=user, months=25, today=today)
    ledger = refresh.ledger_read(user=user, today=today)

    def gather() -> planning.PlanInputs:
        return refresh.plan_inputs(user=user, today=today, ledger=refresh.ledger_read(user=user, today=today))

    gathered, inputs = timed(gather, args.runs)
    plan_ms, plan = timed(planning.plan_compute, args.runs, inputs=inputs)

    def ready() -> readiness.Readiness:
        return readiness.readiness_compute(
            refresh.readiness_inputs(user=user, today=today, inputs=inputs, ledger=ledger), plan)

    ready_ms, _ = timed(ready, args.runs)
    refreshed, _ = timed(refresh.goals_refresh, args.runs, user=user, reason="bench", today=today)
    skipped, outcome = timed(refresh.goals_refresh, args.runs, user=user, reason="nightly", today=today)
    assert outcome == {"skipped": 1}, outcome
    what_if, _ = timed(selectors.what_if, args.runs, user=user, extra=Decimal("150"))
    return history, gathered, plan_ms, ready_ms, what_if, refreshed, skipped


NAMES = ("history", "inputs", "plan", "readiness", "what_if", "refresh", "skip")


def one_size(*, per_month: int, args, today: date) -> None:
    users = [user_with_history(months=args.months, per_month=per_month, today=today, seed=n)
             for n in range(args.users)]
    try:
        figures: dict[str, list[float]] = {name: [] for name in NAMES}
        for user in users:
            for name, value in zip(NAMES, one_user(user, args=args, today=today), strict=True):
                figures[name].append(value)
        median = {name: statistics.median(values) for name, values in figures.items()}
        base = median["history"]
        together = median["inputs"] + median["plan"] + median["readiness"]
        print(f"{per_month}/month, {args.months} months, 4 goals ({connection.vendor}): savings history "
              f"{base:.1f} ms; plan inputs {median['inputs']:.1f} ms, plan {median['plan']:.1f} ms, readiness "
              f"{median['readiness']:.1f} ms, plan and readiness together {together:.1f} ms "
              f"({together / base:.1f}x the history read); what-if {median['what_if']:.1f} ms; nightly: a refresh "
              f"that stores {median['refresh']:.1f} ms, one with nothing moved {median['skip']:.1f} ms")
    finally:
        for user in users:
            user.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=3)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sizes", default="100,1000", help="Transactions a month, comma-separated.")
    args = parser.parse_args()
    today = timezone.localdate()
    for per_month in (int(size) for size in args.sizes.split(",")):
        one_size(per_month=per_month, args=args, today=today)


if __name__ == "__main__":
    main()
