"""Dashboard server time: median and p95 of GET / for a user with two years of history (~5,000 transactions).

    .venv/bin/python bench/dashboard.py [--requests 40] [--per-month 210]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finsight_bench .venv/bin/python bench/dashboard.py

Creates a throwaway user with the demo ledger padded to PER_MONTH transactions a month, accepts the
suggested budgets, adds bills, computes the stored forecast (as the nightly job does), then times the
whole request through Django's test client (middleware, session, queries, template) and counts queries.
The user is deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.detection import user_with_history  # noqa: E402
from budgets.services import suggestions_accept_all  # noqa: E402
from insights.forecasts import forecasts_refresh  # noqa: E402
from payments import services as bills  # noqa: E402
from payments.models import Frequency  # noqa: E402
from transactions.models import Transaction  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--per-month", type=int, default=210, help="Transactions a month (one-offs pad the demo).")
    args = parser.parse_args()

    started = time.perf_counter()
    today = timezone.localdate()
    user = user_with_history(months=args.months, today=today, seed=7, per_month=args.per_month)
    try:
        suggestions_accept_all(user=user, month=today.replace(day=1))
        for name, payee, amount, day in (("Rent", "Hausverwaltung", "1150", 1), ("Phone", "Telekom", "44.95", 5),
                                         ("Gym", "Urban Sports", "39", 2)):
            bills.recurring_payment_create(user=user, name=name, payee=payee, amount=Decimal(amount), currency="EUR",
                                           frequency=Frequency.MONTHLY, day_of_month=day,
                                           start_date=today - timedelta(days=60), today=today)
        forecast = forecasts_refresh(user=user, today=today)
        rows = Transaction.objects.filter(owner=user).count()
        print(f"set-up: {rows:,} transactions over {args.months} months, forecast {forecast['forecasts']} series "
              f"({forecast['fit_ms']} ms fit), {time.perf_counter() - started:.1f} s; database {connection.vendor}")

        client = Client()
        client.force_login(user)
        first = time.perf_counter()
        response = client.get("/", HTTP_HOST="localhost")
        assert response.status_code == 200, response.status_code
        print(f"first request (cold templates and imports): {(time.perf_counter() - first) * 1000:.0f} ms")
        times, queries = [], set()
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                client.get("/", HTTP_HOST="localhost")
                times.append((time.perf_counter() - start) * 1000)
            queries.add(len(captured.captured_queries))
        times.sort()
        p95 = times[max(int(len(times) * 0.95) - 1, 0)]
        print(f"GET / over {args.requests} requests: median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, "
              f"queries per request {sorted(queries)} (target: under 150 ms, constant queries)")
    finally:
        user.delete()


if __name__ == "__main__":
    main()
