"""The cost of row-level security on PostgreSQL: the transaction list API's first page and the dashboard.

    DATABASE_URL=postgres://... .venv/bin/python bench/rls.py [--rows 20000] [--others 4] [--requests 40]

Creates a throwaway user with ROWS transactions among OTHERS throwaway users holding ROWS / 4 each, installs the
policies (core.rls), then times GET /api/v1/transactions/ page 1 (bearer token) and the dashboard (/, signed in)
REQUESTS times with row security (the connection as the app role, one person's rows) and REQUESTS times without
(the connecting role, the setting off), one of each in turn so that both see the same machine. Prints median
and mean ms, requests/s and the ratio. The users are deleted afterwards and the policies put back as the
DATABASE_ROW_SECURITY setting says. PostgreSQL only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")  # no query log in the timings
os.environ.setdefault("LOG_LEVEL", "WARNING")  # one log line per request would dominate the small timings

import django  # noqa: E402

django.setup()

from core.rls import row_security_operator_process  # noqa: E402

row_security_operator_process()  # an operator's script (core.rls): every row, as the connecting role

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from accounts.models import User  # noqa: E402
from core import rls  # noqa: E402
from transactions.models import Account, Category, Transaction  # noqa: E402

API = "/api/v1/transactions/"
DASHBOARD = "/"


def ledger_create(*, user: User, rows: int, tag: str) -> None:
    account = Account.objects.create(owner=user, name="Checking", kind="checking", currency="EUR",
                                     opening_date=date(2015, 1, 1))
    categories = list(Category.objects.filter(owner=None, parent__isnull=False)[:20])
    today = timezone.localdate()
    Transaction.objects.bulk_create([
        Transaction(owner=user, account=account, date=today - timedelta(days=n % 1500),
                    amount=Decimal("-12.34") - n % 50, currency="EUR", description=f"CARD PAYMENT REWE {n}",
                    merchant="REWE", source="csv", category=categories[n % len(categories)] if categories else None,
                    fingerprint=f"bench-rls:{tag}:{n}")
        for n in range(rows)], batch_size=2000)


@contextmanager
def row_security(on: bool) -> Iterator[None]:
    """Each request as the web server's with the setting on (the app role, its person's rows: this script is an
    operator's process, core.rls), or as the connecting role with it off."""
    with override_settings(DATABASE_ROW_SECURITY=on):
        yield


def time_request(client: Client, url: str, **headers: str) -> float:
    started = time.perf_counter()
    response = client.get(url, **headers)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--others", type=int, default=4)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/rls.py needs PostgreSQL: set DATABASE_URL=postgres://...")

    call_command("migrate", verbosity=0)
    rls.row_security_sync(connection, enabled=True)
    run = uuid.uuid4().hex[:8]
    users = [User.objects.create_user(email=f"bench-rls-{run}-{n}@finsight.local", password=None)
             for n in range(args.others + 1)]
    user = users[0]
    try:
        ledger_create(user=user, rows=args.rows, tag=f"{run}-0")
        for n, other in enumerate(users[1:], start=1):
            ledger_create(user=other, rows=args.rows // 4, tag=f"{run}-{n}")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE transactions_transaction")
        api = Client(HTTP_HOST="localhost")
        token = {"HTTP_AUTHORIZATION": f"Bearer {RefreshToken.for_user(user).access_token}"}
        pages = Client(HTTP_HOST="localhost")
        pages.force_login(user)
        targets = (("transaction list API", api, API, token), ("dashboard page", pages, DASHBOARD, {}))

        with row_security(True):
            page = api.get(API, **token).json()
            assert page["count"] == args.rows, ("row security should show only the user's rows", page["count"])
        for on in (True, False):  # warm-up: connection, caches, first-use imports
            with row_security(on):
                for _, client, url, headers in targets:
                    for _ in range(3):
                        time_request(client, url, **headers)

        times: dict[tuple[str, bool], list[float]] = {(label, on): [] for label, *_ in targets for on in (True, False)}
        for number in range(args.requests):  # one of each in turn, the first alternating, so noise hits both
            for on in ((True, False) if number % 2 else (False, True)):
                with row_security(on):
                    for label, client, url, headers in targets:
                        times[label, on].append(time_request(client, url, **headers))

        print(f"database: {connection.vendor}; {args.rows:,} transactions of the user among {args.others} others "
              f"holding {args.rows // 4:,} each; {args.requests} requests each way")
        print(f"{'':44}{'median ms':>10}{'mean ms':>9}{'req/s':>8}")
        for label, *_ in targets:
            for on in (True, False):
                series = times[label, on]
                mean = statistics.mean(series)
                name = f"{label}, row security {'on' if on else 'off'}"
                print(f"{name:44}{statistics.median(series):10.2f}{mean:9.2f}{1000 / mean:8.1f}")
            ratio = statistics.median(times[label, True]) / statistics.median(times[label, False])
            print(f"{label}: ratio (on / off, medians) {ratio:.3f} ({(ratio - 1) * 100:+.1f}%)")
    finally:
        for each in users:
            Transaction.objects.filter(owner=each).delete()
            each.delete()
        rls.row_security_sync(connection)


if __name__ == "__main__":
    main()
