"""The cost of decrypting notes in the transaction list: the API's first page with a note on every row.

    .venv/bin/python bench/decrypt.py [--rows 5000] [--requests 50]

Creates a throwaway user with ROWS transactions, each with a note (encrypted through the field, as the app
stores it), then times GET /api/v1/transactions/ page 1 REQUESTS times with decryption and REQUESTS times
with EncryptedTextField.from_db_value patched to hand back the stored token, one of each in turn so
that both see the same machine. Prints ms per request and requests/s of each and the ratio. The user is
deleted afterwards. Without DATABASE_URL it runs on the embedded SQLite database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from unittest import mock

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
from django.test import Client  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from accounts.models import User  # noqa: E402
from core.fields import EncryptedTextField  # noqa: E402
from transactions.models import Account, Transaction  # noqa: E402

URL = "/api/v1/transactions/"


def ledger_create(*, user: User, rows: int) -> None:
    account = Account.objects.create(owner=user, name="Checking", kind="checking", currency="EUR",
                                     opening_date=date(2015, 1, 1))
    today = date(2026, 12, 1)
    Transaction.objects.bulk_create([
        Transaction(owner=user, account=account, date=today - timedelta(days=n % 1500), amount=Decimal("-12.34"),
                    currency="EUR", description=f"CARD PAYMENT REWE {n}", merchant="REWE", source="csv",
                    notes=f"Groceries for the week, shared with Anna and Ben; receipt {n} in the blue folder",
                    fingerprint=f"bench-decrypt:{n}")
        for n in range(rows)], batch_size=2000)


def time_requests(client: Client, requests: int, token: str) -> list[float]:
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(URL, HTTP_AUTHORIZATION=token)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    user = User.objects.create_user(email=f"bench-{uuid.uuid4().hex[:12]}@finsight.local", password=None)
    try:
        ledger_create(user=user, rows=args.rows)
        client, token = Client(HTTP_HOST="localhost"), f"Bearer {RefreshToken.for_user(user).access_token}"
        page = client.get(URL, HTTP_AUTHORIZATION=token).json()
        assert page["results"][0]["notes"].startswith("Groceries"), "the notes should read as text"
        rows_on_page = len(page["results"])
        time_requests(client, 5, token)  # warm-up: connection, caches, first-use imports

        decrypted: list[float] = []
        bypassed: list[float] = []
        bypass = mock.patch.object(EncryptedTextField, "from_db_value", lambda self, value, *args: value)
        for number in range(args.requests):  # one of each in turn, the first alternating, so noise hits both
            for decrypting in ((True, False) if number % 2 else (False, True)):
                if decrypting:
                    decrypted += time_requests(client, 1, token)
                else:
                    with bypass:
                        bypassed += time_requests(client, 1, token)

        print(f"database: {connection.vendor}; {args.rows:,} transactions, each with a note; "
              f"GET {URL} page 1 ({rows_on_page} rows), {len(decrypted)} requests each")
        print(f"{'':24}{'median ms':>10}{'mean ms':>9}{'req/s':>8}")
        for label, times in (("notes decrypted", decrypted), ("decryption bypassed", bypassed)):
            mean = statistics.mean(times)
            print(f"{label:24}{statistics.median(times):10.2f}{mean:9.2f}{1000 / mean:8.1f}")
        ratio = statistics.median(decrypted) / statistics.median(bypassed)
        print(f"ratio (decrypted / bypassed, medians): {ratio:.3f} ({(ratio - 1) * 100:+.1f}%)")
    finally:
        Transaction.objects.filter(owner=user).delete()
        user.delete()


if __name__ == "__main__":
    main()
