"""Group balances and settle-up plan: a group of 50 members with 10,000 expenses, timed and counted.

    .venv/bin/python bench/groups.py [--members 50] [--expenses 10000] [--runs 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finsight_bench_groups .venv/bin/python bench/groups.py

Bulk-inserts throwaway users, one group, expenses with one or two random payers and a random split (equal,
shares or percentages, among 2 to 12 members, parts by groups.splits.split) and a few settlements. Then
times, with median and p95 over --runs: group_balances + settle_up_plan at the selector level, GET
/api/v1/groups/<id>/balances/ and /settle-up/, and the group page /groups/<id>/ when the app serves it,
through Django's test client (middleware, auth, serializers, template), with the queries each run. Deletes
what it created afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
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

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from groups.models import (  # noqa: E402
    ExpensePayer,
    ExpenseShare,
    Group,
    GroupActivity,
    GroupExpense,
    Membership,
    MemberRole,
    Settlement,
    SplitMode,
)
from groups.selectors import group_balances, settle_up_plan  # noqa: E402
from groups.splits import split  # noqa: E402

BATCH = 2000


def build(*, members: int, expenses: int, seed: int) -> tuple[Group, list[User]]:
    rng = random.Random(seed)
    tag = uuid.uuid4().hex[:8]
    # create_user, not bulk_create: it gives each user the financial profile the pages read.
    users = [User.objects.create_user(f"bench-groups-{tag}-{i}@example.com", display_name=f"Member {i}")
             for i in range(members)]
    group = Group.objects.create(name=f"Bench {tag}", currency="EUR", created_by=users[0])
    Membership.objects.bulk_create([Membership(group=group, user=u, role=MemberRole.OWNER if i == 0 else
                                               MemberRole.MEMBER) for i, u in enumerate(users)])
    ids = [u.pk for u in users]
    start = dt.date(2024, 1, 1)
    for offset in range(0, expenses, BATCH):
        count = min(BATCH, expenses - offset)
        rows, parts = [], []
        for n in range(count):
            total = rng.randint(100, 50_000)
            mode = rng.choice([SplitMode.EQUAL, SplitMode.EQUAL, SplitMode.SHARES, SplitMode.PERCENT])
            sharers = sorted(rng.sample(ids, rng.randint(2, 12)))
            if mode == SplitMode.EQUAL:
                weights = [Decimal(1)] * len(sharers)
                owed = split(total, mode, [None] * len(sharers))
            elif mode == SplitMode.SHARES:
                weights = [Decimal(rng.randint(1, 4)) for _ in sharers]
                owed = split(total, mode, weights)
            else:
                weights = [Decimal(100) / len(sharers)] * len(sharers)
                weights = [w.quantize(Decimal("0.01")) for w in weights]
                weights[-1] += Decimal(100) - sum(weights)
                owed = split(total, mode, weights)
            payers = sorted(rng.sample(ids, rng.choice([1, 1, 1, 2])))
            first = rng.randint(1, total - 1) if len(payers) == 2 else total
            paid = [first, total - first] if len(payers) == 2 else [total]
            rows.append(GroupExpense(group=group, description=f"Expense {offset + n}", total_cents=total,
                                     date=start + dt.timedelta(days=rng.randint(0, 700)),
                                     original_amount=Decimal(total) / 100, original_currency="EUR",
                                     split_mode=mode, created_by=users[0]))
            parts.append((list(zip(payers, paid, strict=True)), list(zip(sharers, weights, owed, strict=True))))
        with transaction.atomic():
            created = GroupExpense.objects.bulk_create(rows)
            ExpensePayer.objects.bulk_create(
                [ExpensePayer(expense=e, user_id=u, paid_cents=c) for e, (paid, _) in zip(created, parts, strict=True)
                 for u, c in paid], batch_size=BATCH)
            ExpenseShare.objects.bulk_create(
                [ExpenseShare(expense=e, user_id=u, weight=w, owed_cents=c)
                 for e, (_, owed) in zip(created, parts, strict=True) for u, w, c in owed if c > 0],
                batch_size=BATCH)
    Settlement.objects.bulk_create([
        Settlement(group=group, payer_id=a, payee_id=b, amount_cents=rng.randint(100, 20_000),
                   date=start + dt.timedelta(days=rng.randint(0, 700)), created_by=users[0])
        for a, b in (rng.sample(ids, 2) for _ in range(200))])
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would gather soon after a bulk load: the planner needs them.
        with connection.cursor() as cursor:
            for model in (GroupExpense, ExpensePayer, ExpenseShare, Settlement):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return group, users


def remove(group: Group, users: list[User]) -> None:
    ExpenseShare.objects.filter(expense__group=group).delete()
    ExpensePayer.objects.filter(expense__group=group).delete()
    GroupActivity.objects.filter(group=group).delete()
    GroupExpense.objects.filter(group=group).delete()
    Settlement.objects.filter(group=group).delete()
    group.delete()
    User.objects.filter(pk__in=[u.pk for u in users]).delete()


def measure(label: str, runs: int, call) -> None:
    call()  # warm: imports, templates, connection
    times, queries = [], set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        queries.add(len(captured.captured_queries))
    times.sort()
    p95 = times[max(int(len(times) * 0.95) - 1, 0)]
    print(f"{label:<42} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   "
          f"queries {sorted(queries)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--expenses", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    group, users = build(members=args.members, expenses=args.expenses, seed=args.seed)
    try:
        shares = ExpenseShare.objects.filter(expense__group=group).count()
        payers = ExpensePayer.objects.filter(expense__group=group).count()
        print(f"set-up: {args.members} members, {args.expenses:,} expenses, {payers:,} payer rows, {shares:,} "
              f"share rows, 200 settlements in {time.perf_counter() - started:.1f} s; database {connection.vendor}")

        balances = group_balances(group=group)
        plan = settle_up_plan(balances)
        assert sum(balances.values()) == 0
        print(f"balances: {len(balances)} people, sum {sum(balances.values())}; plan: {len(plan)} transfers "
              f"(at most {len(balances) - 1})")

        measure("group_balances + settle_up_plan", args.runs,
                lambda: settle_up_plan(group_balances(group=group)))
        client = Client()
        client.force_login(users[0])
        for path in (f"/api/v1/groups/{group.pk}/balances/", f"/api/v1/groups/{group.pk}/settle-up/",
                     f"/groups/{group.pk}/"):
            response = client.get(path, HTTP_HOST="localhost")
            if response.status_code != 200:
                print(f"GET {path:<38} not measured: status {response.status_code}")
                continue
            measure(f"GET {path}", args.runs, lambda path=path: client.get(path, HTTP_HOST="localhost"))
    finally:
        remove(group, users)


if __name__ == "__main__":
    main()
