"""Nightly fan-out on PostgreSQL + Redis: per-user insight time and the projected wall time for all users.

    .venv/bin/python bench/nightly.py [--users 10000] [--sample 300] [--consumers 1:process,4:process,4:thread]

Runs against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/finsight_bench, created and migrated
if missing; it must be PostgreSQL) and REDIS_URL (default redis://127.0.0.1:6379/0) on its own Huey queue
(HUEY_QUEUE_NAME, default finsight-bench-nightly), never the app's.

1. Data: USERS users with two years of transactions each (~60 a month: groceries, coffee, shops, salary,
   rent, utilities, a card settlement, 3-6 subscriptions with some price rises, a cancelled one) and 2-4
   bills (rent and subscriptions that get paid, a cancelled one that is overdue), loaded with COPY in
   batches of users. Kept between runs: only the missing users are generated (--regenerate starts over).
2. In-process, on SAMPLE users spread over the table: the time of subscription detection
   (payments.suggestions.subscription_suggestions_refresh, with the pandas part subscriptions_detect shown
   on its own), of bill matching (payments.services.bills_match) and of the whole
   insights.services.user_insights_refresh, on the first night (bills to settle, suggestions and price
   rises to find) and on a repeat night (nothing new). The sample's state is reset before every phase.
3. The real fan-out: core.jobs.users_fan_out(user_insights_nightly) for every user into Redis (Huey not in
   immediate mode), the queue length and its Redis memory; then the queue is flushed.
4. Real consumers (`manage.py run_huey --no-periodic`, each CONSUMERS entry is workers:worker_type) drain a
   queue holding the sample's user_insights_nightly jobs; the drain time gives users/s and the projected
   wall time for USERS users. Consumers are stopped (SIGINT, then SIGKILL after a timeout) and the queue
   flushed at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/finsight_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("HUEY_QUEUE_NAME", "finsight-bench-nightly")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import psycopg  # noqa: E402


def database_ensure(url: str) -> bool:
    """Create the database named in the URL if it does not exist; True if it was created."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit(f"bench/nightly.py needs PostgreSQL; DATABASE_URL is {url}")
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


CREATED_DATABASE = database_ensure(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from core.rls import row_security_operator_process  # noqa: E402

row_security_operator_process()  # an operator's script (core.rls): every row, as the connecting role

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from huey.contrib.djhuey import HUEY  # noqa: E402

import insights.services  # noqa: E402
import payments.suggestions  # noqa: E402
from accounts.models import User  # noqa: E402
from config.schedule import user_insights_nightly  # noqa: E402
from core.jobs import users_fan_out  # noqa: E402
from core.models import JobRun, JobStatus  # noqa: E402
from transactions.models import Category  # noqa: E402

EMAIL = "nightly-bench-{:05d}@bench.invalid"
EMAIL_LIKE = "nightly-bench-%@bench.invalid"
BATCH_USERS = 250
SEED = 20261121

# (merchant as cleaned by the import, description template, category key, low, high); {n} a random number.
GROCERIES = [
    ("REWE", "KARTENZAHLUNG REWE MARKT GMBH {n} BERLIN", 4, 120), ("LIDL", "LIDL DIENSTL GMBH {n}", 3, 90),
    ("ALDI SUED", "ALDI SUED {n} MUENCHEN", 3, 80), ("EDEKA", "EDEKA CENTER {n}", 5, 110),
    ("PENNY", "PENNY MARKT {n}", 3, 60), ("NETTO", "NETTO MARKEN-DISCOUNT {n}", 3, 70),
    ("KAUFLAND", "KAUFLAND {n} HAMBURG", 6, 140),
]
COFFEE = [("Starbucks", "STARBUCKS COFFEE {n}"), ("Cafe Kompass", "SUMUP *CAFE KOMPASS {n}"),
          ("BackWerk", "BACKWERK {n}"), ("Balzac Coffee", "BALZAC COFFEE {n}")]
SHOPS = [
    ("Amazon", "AMZN MKTP DE*{n}", "shopping.online_shopping", 5, 120),
    ("Zalando", "ZALANDO SE {n}", "shopping.clothing", 20, 150),
    ("dm", "DM DROGERIE MARKT {n}", "health_wellness.pharmacy", 3, 45),
    ("Rossmann", "ROSSMANN {n}", "health_wellness.pharmacy", 3, 40),
    ("Aral", "ARAL STATION {n}", "transportation.gas_fuel", 30, 90),
    ("Shell", "SHELL {n} TANKSTELLE", "transportation.gas_fuel", 30, 95),
    ("Uber", "UBER *TRIP {n}", "transportation.rideshare", 8, 40),
    ("Deutsche Bahn", "DB VERTRIEB GMBH {n}", "transportation.public_transit", 9, 140),
    ("BVG", "BVG TICKET {n}", "transportation.public_transit", 3, 10),
    ("Pizzeria Da Mario", "SUMUP *PIZZERIA DA MARIO {n}", "food_drink.restaurants", 15, 70),
    ("McDonald's", "MCDONALDS {n}", "food_drink.fast_food", 5, 18),
    ("Burger King", "BURGER KING {n}", "food_drink.fast_food", 5, 16),
    ("Apotheke am Markt", "APOTHEKE AM MARKT {n}", "health_wellness.pharmacy", 4, 60),
    ("IKEA", "IKEA DEUTSCHLAND {n}", "shopping.home_goods", 10, 300),
    ("MediaMarkt", "MEDIAMARKT {n}", "shopping.electronics", 15, 500),
    ("Thalia", "THALIA BUCHHANDLUNG {n}", "education.books_courses", 8, 40),
    ("CinemaxX", "CINEMAXX {n}", "entertainment.movies_events", 9, 30),
    ("Bar Tier", "SUMUP *BAR TIER {n}", "food_drink.bars", 6, 45),
    ("Friseur Anna", "FRISEUR SALON ANNA {n}", "personal_care.hair_beauty", 20, 60),
    ("", "PAYPAL EUROPE S.A.R.L. ET CIE {n} PP.{m}", None, 5, 150),  # no merchant: detection cleans it
    ("", "SEPA ONLINE-UEBERWEISUNG {n} VERWENDUNGSZWECK {m}", None, 10, 200),
]
# (merchant, description, category, price in cents, price after a rise, share of users with a rise)
MONTHLY_SUBSCRIPTIONS = [
    ("Netflix", "SEPA-LASTSCHRIFT NETFLIX.COM {n}", "entertainment.streaming_services", 1399, 1599, 0.5),
    ("Spotify", "SPOTIFY AB P{n} STOCKHOLM", "entertainment.streaming_services", 1099, 1199, 0.3),
    ("FitX", "SEPA-LASTSCHRIFT FITX DEUTSCHLAND GMBH MITGL {n}", "health_wellness.gym_fitness", 2499, 2699, 0.2),
    ("Vodafone", "SEPA-LASTSCHRIFT VODAFONE GMBH KD {n}", "housing.internet_phone", 3999, 4499, 0.2),
    ("Disney Plus", "DISNEY PLUS {n}", "entertainment.streaming_services", 899, 999, 0.3),
    ("Apple iCloud", "APPLE.COM/BILL ICLOUD {n}", "entertainment.streaming_services", 299, 299, 0.0),
]
YEARLY_SUBSCRIPTIONS = [
    ("Amazon Prime", "AMAZON PRIME*{n} MITGLIEDSCHAFT", "shopping.online_shopping", 8990),
    ("ADAC", "SEPA-LASTSCHRIFT ADAC E.V. MITGLIEDSBEITRAG {n}", "transportation.car_maintenance", 9400),
]
CANCELLED = ("McFit", "SEPA-LASTSCHRIFT MCFIT GMBH MITGLIED {n}", "health_wellness.gym_fitness", 2490)
CATEGORY_KEYS = {"food_drink.groceries", "food_drink.coffee_shops", "income.salary", "housing.rent",
                 "housing.utilities", "transfers.credit_card_payment"}

TXN_COLUMNS = ("owner_id, account_id, date, amount, currency, amount_converted, converted_currency, description, "
               "merchant, category_id, category_source, needs_review, notes, source, fingerprint, created_at, "
               "updated_at, category_explanation")


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def month_day(year: int, month: int, day: int) -> date:
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


def months_between(start: date, end: date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def workday(day: date) -> date:
    """A debit due on a weekend is booked on the Monday after."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def last_due_before(today: date, day_of_month: int) -> date:
    due = month_day(today.year, today.month, day_of_month)
    if due >= today:
        previous = (today.replace(day=1) - timedelta(days=1))
        due = month_day(previous.year, previous.month, day_of_month)
    return due


def months_back(day: date, count: int, day_of_month: int) -> date:
    year, month = day.year, day.month - count
    while month < 1:
        year, month = year - 1, month + 12
    return month_day(year, month, day_of_month)


def user_data(index: int, *, user_id: int, checking: int, card: int, today: date, categories: dict[str, int],
              stamp: str) -> tuple[list[str], list[tuple], list[tuple]]:
    """One user's transactions (COPY text lines), bills and stored overdue occurrences, from a per-user seed."""
    rng = random.Random(SEED + index)
    start, end = today - timedelta(days=730), today - timedelta(days=1)
    lines: list[str] = []
    seq = 0

    def add(day: date, cents: int, description: str, merchant: str, key: str | None, account: int) -> None:
        nonlocal seq
        if not start <= day <= end:
            return
        seq += 1
        category = categories.get(key) if key else None
        amount = money(cents)
        lines.append(
            f"{user_id}\t{account}\t{day.isoformat()}\t{amount}\tEUR\t{amount}\tEUR\t{description}\t{merchant}\t"
            f"{category if category else chr(92) + 'N'}\t{'import' if category else ''}\t{'f' if category else 't'}"
            f"\t\tcsv\tnb:{index}:{seq}\t{stamp}\t{stamp}\t\n")

    salary = rng.randrange(260000, 520000, 500)
    salary_day = rng.randint(25, 28)
    employer = rng.choice(["ACME GMBH", "MUSTERMANN AG", "STADT MUENCHEN", "SIEMENS AG", "TECHNIKA GMBH"])
    rent = rng.randrange(65000, 180000, 1000)
    rent_day = rng.randint(1, 3)
    monthly = rng.sample(MONTHLY_SUBSCRIPTIONS, rng.randint(2, 5))
    yearly = rng.choice(YEARLY_SUBSCRIPTIONS)
    subs = []  # (merchant, description, key, cents before, cents after, rise month index or None, day, account)
    for merchant, description, key, before, after, share in monthly:
        rise_at = rng.randint(6, 21) if rng.random() < share else None
        subs.append((merchant, description, key, before, after, rise_at, rng.randint(1, 28),
                     card if rng.random() < 0.5 else checking))
    cancelled = rng.random() < 0.6
    cancelled_day = rng.randint(1, 28)
    yearly_day = start + timedelta(days=rng.randint(5, 360))
    stores = rng.sample(GROCERIES, 3)
    shops = rng.sample(SHOPS, 12)
    for month_index, (year, month) in enumerate(months_between(start, end)):
        days_in_month = (month_day(year, month, 31) - date(year, month, 1)).days + 1
        payday = month_day(year, month, salary_day)
        add(payday - timedelta(days=max(payday.weekday() - 4, 0)),
            salary if month_index < 12 else salary * 103 // 100,
            f"LOHN/GEHALT {employer} {month:02d}/{year} PERSONALNR {index:05d}", employer.title(),
            "income.salary", checking)
        add(month_day(year, month, rent_day), -rent,
            f"DAUERAUFTRAG MIETE {month:02d}/{year} WOHNUNG {index % 40 + 1} OG HAUSVERWALTUNG MUELLER",
            "Hausverwaltung Mueller", "housing.rent", checking)
        add(workday(month_day(year, month, 15)), -rng.randint(5500, 14000),
            f"SEPA-LASTSCHRIFT STADTWERKE STROM GAS KD-NR {index:07d} {month:02d}/{year}", "Stadtwerke",
            "housing.utilities", checking)
        add(workday(month_day(year, month, 5)), -rng.randint(30000, 90000),
            f"KREDITKARTENABRECHNUNG {month:02d}/{year}", "", "transfers.credit_card_payment", checking)
        for merchant, description, key, before, after, rise_at, day, account in subs:
            cents = after if rise_at is not None and month_index >= rise_at else before
            if merchant == "Vodafone" and rng.random() < 0.1:
                cents += rng.randint(100, 350)  # roaming now and then
            booked = workday(month_day(year, month, day)) if account == checking else month_day(year, month, day)
            add(booked, -cents, description.format(n=rng.randint(10**6, 10**7 - 1)), merchant, key, account)
        if cancelled and date(year, month, 1) < today - timedelta(days=125):
            add(workday(month_day(year, month, cancelled_day)), -CANCELLED[3],
                CANCELLED[1].format(n=rng.randint(10**6, 10**7 - 1)), CANCELLED[0], CANCELLED[2], checking)
        for _ in range(rng.randint(19, 25)):
            merchant, description, low, high = rng.choice(stores)
            cents = int(rng.triangular(low * 100, high * 100, (low + (high - low) / 4) * 100))
            add(date(year, month, rng.randint(1, days_in_month)), -cents, description.format(n=rng.randint(1000, 9999)),
                merchant, "food_drink.groceries", card if rng.random() < 0.5 else checking)
        for _ in range(rng.randint(8, 14)):
            merchant, description = rng.choice(COFFEE)
            add(date(year, month, rng.randint(1, days_in_month)), -rng.randint(250, 650),
                description.format(n=rng.randint(1000, 9999)), merchant, "food_drink.coffee_shops", card)
        for _ in range(rng.randint(14, 20)):
            merchant, description, key, low, high = rng.choice(shops)
            cents = -rng.randint(low * 100, high * 100)
            if rng.random() < 0.01:
                cents = -cents  # a refund
            add(date(year, month, rng.randint(1, days_in_month)), cents,
                description.format(n=rng.randint(1000, 9999), m=rng.randint(10**9, 10**10 - 1)), merchant, key,
                card if rng.random() < 0.7 else checking)
    for offset in (0, 365):
        add(yearly_day + timedelta(days=offset), -yearly[3], yearly[1].format(n=rng.randint(10**5, 10**6 - 1)),
            yearly[0], yearly[2], card)

    # Bills, added a month ago: rent and a subscription (at its old price when it went up since) are paid on
    # time; half the users also track another subscription; a cancelled gym is missed and overdue.
    bills = [("Rent", "Hausverwaltung Mueller", rent, rent_day, checking, "housing.rent", 0)]
    for merchant, _description, key, before, _after, _rise, day, account in subs[:1 + (rng.random() < 0.5)]:
        bills.append((merchant, merchant, before, day, account, key, 0))
    if cancelled:
        bills.append(("Gym", CANCELLED[0], CANCELLED[3], cancelled_day, checking, CANCELLED[2], 2))
    rows, overdue = [], []
    for name, payee, cents, day, account, key, missed in bills:
        current = last_due_before(today, day)
        start_date = months_back(current, missed, day)
        rows.append((name, payee, money(cents), account, categories.get(key), day, start_date, current))
        overdue.append([months_back(current, back, day) for back in range(missed, 0, -1)])
    return lines, rows, overdue


def ids_reserve(cursor, table: str, count: int) -> list[int]:
    cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
                   (count,))
    return [row[0] for row in cursor.fetchall()]


def users_generate(*, first: int, last: int, today: date, categories: dict[str, int]) -> None:
    """Users first..last-1 in one transaction: users, profiles, accounts, transactions, bills, occurrences."""
    count = last - first
    stamp = timezone.now().isoformat()
    raw = connection.connection
    with raw.transaction(), raw.cursor() as cursor:
        # The rows reference each other correctly by construction: skip the per-row foreign-key triggers
        # (a bulk-load setting for this transaction only; needs a superuser, as the default bench URL is).
        cursor.execute("SET LOCAL session_replication_role = replica")
        user_ids = ids_reserve(cursor, "accounts_user", count)
        account_ids = ids_reserve(cursor, "transactions_account", 2 * count)
        with cursor.copy("COPY accounts_user (id, password, is_superuser, email, display_name, avatar, is_staff, "
                         "is_active, date_joined, session_stamp) FROM STDIN") as copy:
            for offset, user_id in enumerate(user_ids):
                copy.write(f"{user_id}\t!bench\tf\t{EMAIL.format(first + offset)}\tBench {first + offset}\t\tf\tt"
                           f"\t{stamp}\t\n")
        with cursor.copy("COPY accounts_financialprofile (user_id, savings_rate_target, preferred_currency, "
                         "timezone, updated_at) FROM STDIN") as copy:
            for user_id in user_ids:
                copy.write(f"{user_id}\t20\tEUR\tUTC\t{stamp}\n")
        with cursor.copy("COPY transactions_account (id, owner_id, name, kind, currency, known_balance, "
                         "known_balance_date, import_mapping, created_at) FROM STDIN") as copy:
            for offset, user_id in enumerate(user_ids):
                checking, card = account_ids[2 * offset], account_ids[2 * offset + 1]
                copy.write(f"{checking}\t{user_id}\tChecking\tchecking\tEUR\t0\t2020-01-01\t{{}}\t{stamp}\n"
                           f"{card}\t{user_id}\tCard\tcredit_card\tEUR\t0\t2020-01-01\t{{}}\t{stamp}\n")
        bills = []
        with cursor.copy(f"COPY transactions_transaction ({TXN_COLUMNS}) FROM STDIN") as copy:
            for offset, user_id in enumerate(user_ids):
                lines, rows, overdue = user_data(
                    first + offset, user_id=user_id, checking=account_ids[2 * offset],
                    card=account_ids[2 * offset + 1], today=today, categories=categories, stamp=stamp)
                copy.write("".join(lines))
                bills += [(user_id, row, dues) for row, dues in zip(rows, overdue, strict=True)]
        bill_ids = ids_reserve(cursor, "payments_recurringpayment", len(bills))
        with cursor.copy("COPY payments_recurringpayment (id, user_id, name, payee, amount, currency, account_id, "
                         "category_id, frequency, interval, day_of_month, start_date, next_due_date, is_active, "
                         "source, notes, created_at, updated_at) FROM STDIN") as copy:
            for bill_id, (user_id, (name, payee, amount, account, category, day, start_date, current), _) in zip(
                    bill_ids, bills, strict=True):
                copy.write(f"{bill_id}\t{user_id}\t{name}\t{payee}\t{amount}\tEUR\t{account}\t"
                           f"{category or chr(92) + 'N'}\tmonthly\t1\t{day}\t{start_date}\t{current}\tt\tmanual\t\t"
                           f"{stamp}\t{stamp}\n")
        with cursor.copy("COPY payments_billoccurrence (recurring_payment_id, user_id, due_date, amount_due, "
                         "currency, status, created_at, updated_at) FROM STDIN") as copy:
            for bill_id, (user_id, row, dues) in zip(bill_ids, bills, strict=True):
                for due in dues:
                    copy.write(f"{bill_id}\t{user_id}\t{due}\t{row[2]}\tEUR\toverdue\t{stamp}\t{stamp}\n")


def meta_get(key: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_nightly_meta WHERE key = %s", [key])
        row = cursor.fetchone()
    return row[0] if row else None


def meta_set(key: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_nightly_meta (key, value) VALUES (%s, %s) "
                       "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [key, value])


def bench_users(limit: int | None = None) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_user WHERE email LIKE %s ORDER BY id" +
                       (" LIMIT %s" if limit else ""), [EMAIL_LIKE, limit] if limit else [EMAIL_LIKE])
        return [row[0] for row in cursor.fetchall()]


def dataset_ensure(*, users: int, regenerate: bool, today: date) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_nightly_meta (key text PRIMARY KEY, value text)")
    if regenerate:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_nightly_bills, bench_nightly_occurrences")
            for table in ("notifications_delivery", "notifications_notification", "notifications_notificationpreferences",
                          "payments_subscriptionsuggestion", "payments_billoccurrence", "payments_recurringpayment",
                          "transactions_transaction", "transactions_account", "accounts_financialprofile",
                          "insights_jobrun"):
                cursor.execute(f"TRUNCATE {table} CASCADE")
            cursor.execute("DELETE FROM accounts_user WHERE email LIKE %s", [EMAIL_LIKE])
            cursor.execute("DELETE FROM bench_nightly_meta")
        print(f"--regenerate: emptied the bench tables in {time.perf_counter() - started:.1f} s")
    have = len(bench_users())
    generated_on = meta_get("generated_on")
    if have and generated_on and generated_on != today.isoformat():
        print(f"note: the data set ends on {generated_on} (today is {today}); rerun with --regenerate when the "
              "gap grows past a few days (subscriptions would look stopped).")
    if have >= users:
        print(f"data set: {have:,} bench users already there (generated on {generated_on}; "
              f"took {meta_get('generate_seconds')} s); skipping generation")
        return
    base = date.fromisoformat(generated_on) if have and generated_on else today
    categories = dict(Category.objects.filter(owner__isnull=True, key__isnull=False)
                      .values_list("key", "pk"))
    print(f"generating users {have:,}..{users - 1:,} in batches of {BATCH_USERS} (COPY; resumable)...", flush=True)
    started = time.perf_counter()
    for first in range(have, users, BATCH_USERS):
        last = min(first + BATCH_USERS, users)
        users_generate(first=first, last=last, today=base, categories=categories)
        elapsed = time.perf_counter() - started
        done = last - have
        print(f"  {last:,}/{users:,} users, {elapsed:.0f} s, {done / elapsed:.1f} users/s, "
              f"eta {(users - last) * elapsed / done:.0f} s", flush=True)
    load_seconds = time.perf_counter() - started
    vacuum_started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ("transactions_transaction", "transactions_account", "accounts_user",
                      "accounts_financialprofile", "payments_recurringpayment", "payments_billoccurrence"):
            cursor.execute(f"VACUUM ANALYZE {table}")  # what autovacuum would have done by the night
        # The state every measured phase starts from: bills as generated, their stored overdue occurrences.
        cursor.execute("DROP TABLE IF EXISTS bench_nightly_bills, bench_nightly_occurrences")
        cursor.execute("CREATE TABLE bench_nightly_bills AS SELECT id, user_id, amount, next_due_date "
                       "FROM payments_recurringpayment")
        cursor.execute("CREATE INDEX ON bench_nightly_bills (user_id)")
        cursor.execute("CREATE TABLE bench_nightly_occurrences AS SELECT * FROM payments_billoccurrence")
        cursor.execute("CREATE INDEX ON bench_nightly_occurrences (user_id)")
    vacuum_seconds = time.perf_counter() - vacuum_started
    total = float(meta_get("generate_seconds") or 0) + load_seconds + vacuum_seconds
    meta_set("generated_on", base.isoformat())
    meta_set("generate_seconds", f"{total:.0f}")
    print(f"generated {users - have:,} users in {load_seconds:.0f} s (COPY) + {vacuum_seconds:.0f} s "
          f"(VACUUM ANALYZE, snapshot of the bills)")


def sample_reset(user_ids: list[int]) -> None:
    """Put the sample back to the generated state: no suggestions or notifications, bills as generated."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM notifications_delivery WHERE notification_id IN "
                       "(SELECT id FROM notifications_notification WHERE user_id = ANY(%s))", [user_ids])
        cursor.execute("DELETE FROM notifications_notification WHERE user_id = ANY(%s)", [user_ids])
        cursor.execute("DELETE FROM payments_subscriptionsuggestion WHERE user_id = ANY(%s)", [user_ids])
        cursor.execute("DELETE FROM payments_billoccurrence WHERE user_id = ANY(%s)", [user_ids])
        cursor.execute("INSERT INTO payments_billoccurrence SELECT * FROM bench_nightly_occurrences "
                       "WHERE user_id = ANY(%s)", [user_ids])
        cursor.execute("UPDATE payments_recurringpayment r SET amount = b.amount, next_due_date = b.next_due_date, "
                       "is_active = true FROM bench_nightly_bills b WHERE r.id = b.id AND b.user_id = ANY(%s)",
                       [user_ids])
        cursor.execute("DELETE FROM insights_jobrun WHERE name = 'user_insights' AND user_id = ANY(%s)", [user_ids])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


class Timed:
    """Wraps a module attribute so every call adds its duration (ms) to a list."""

    def __init__(self, module, name: str):
        self.module, self.name, self.original = module, name, getattr(module, name)
        self.times: list[float] = []

    def __enter__(self):
        original, times = self.original, self.times

        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                times.append((time.perf_counter() - began) * 1000)

        setattr(self.module, self.name, wrapper)
        return self

    def __exit__(self, *exc):
        setattr(self.module, self.name, self.original)


def in_process(user_ids: list[int]) -> dict:
    """Time user_insights_refresh and its two parts for each user, as the nightly task calls it."""
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    totals, query_counts, outcome = [], [], {}
    with (Timed(payments.suggestions, "subscriptions_detect") as detect,
          Timed(payments.suggestions, "subscription_suggestions_refresh") as refresh,
          Timed(insights.services, "bills_match") as match,
          connection.execute_wrapper(count)):
        for user_id in user_ids:
            queries[0] = 0
            began = time.perf_counter()
            user = User.objects.select_related("financial_profile").get(pk=user_id)
            result = insights.services.user_insights_refresh(user=user)
            totals.append((time.perf_counter() - began) * 1000)
            query_counts.append(queries[0])
            for key, value in result.items():
                outcome[key] = outcome.get(key, 0) + value
    return {"detect": detect.times, "refresh": refresh.times, "match": match.times, "total": totals,
            "queries": query_counts, "outcome": outcome}


def queue_flush() -> None:
    HUEY.flush()


def queue_memory() -> int | None:
    try:
        client = HUEY.storage.conn
        return client.memory_usage(HUEY.storage.queue_key)
    except Exception:  # noqa: BLE001 - MEMORY USAGE is optional in some Redis builds
        return None


def jobs_finished(user_ids: list[int], since) -> int:
    return JobRun.objects.filter(name="user_insights", user_id__in=user_ids, started_at__gte=since,
                                 status__in=[JobStatus.OK, JobStatus.FAILED]).count()


# The real `manage.py run_huey`, with one change: config.schedule's start-up hook (catch_up_on_start, which
# sweeps every user's bill reminders and queues their emails) is unregistered first, so that it neither runs
# into the timing nor sends 10,000 users' reminders. The workers fork from this process and inherit that.
CONSUMER = ("import sys, django; django.setup(); from huey.contrib.djhuey import HUEY; import config.schedule; "
            "HUEY.unregister_on_startup('catch_up_on_start'); "
            "from django.core.management import execute_from_command_line; "
            "execute_from_command_line(['manage.py', 'run_huey'] + sys.argv[1:])")


def consumer_start(workers: int, worker_type: str, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CONSUMER, "--no-periodic", "--workers", str(workers), "--worker-type", worker_type,
         "--quiet"],
        cwd=ROOT, env={**os.environ, "LOG_LEVEL": "WARNING"}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)


def consumer_stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)  # graceful: running tasks finish
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def consumer_run(*, workers: int, worker_type: str, sample: list[int], warmup: list[int], log) -> dict:
    """Drain time of a queue holding the sample's nightly jobs, with warm consumers."""
    sample_reset(sample)
    sample_reset(warmup)
    queue_flush()
    process = consumer_start(workers, worker_type, log)
    try:
        began = time.perf_counter()
        since = timezone.now()
        for user_id in warmup[:workers]:  # every worker imports pandas and opens its connection first
            user_insights_nightly(user_id)
        while jobs_finished(warmup[:workers], since) < min(workers, len(warmup)):
            if process.poll() is not None:
                raise RuntimeError(f"consumer exited with {process.returncode}")
            time.sleep(0.05)
        startup = time.perf_counter() - began
        since = timezone.now()
        began = time.perf_counter()
        for user_id in sample:
            user_insights_nightly(user_id)
        enqueued = time.perf_counter() - began
        while (done := jobs_finished(sample, since)) < len(sample):
            if process.poll() is not None:
                raise RuntimeError(f"consumer exited with {process.returncode}")
            if time.perf_counter() - began > 3600:
                raise RuntimeError(f"only {done} of {len(sample)} jobs finished in an hour")
            time.sleep(0.05)
        drain = time.perf_counter() - began
    finally:
        consumer_stop(process)
        queue_flush()
    failed = JobRun.objects.filter(name="user_insights", user_id__in=sample, started_at__gte=since,
                                   status=JobStatus.FAILED).count()
    durations = list(JobRun.objects.filter(name="user_insights", user_id__in=sample, started_at__gte=since)
                     .values_list("duration_ms", flat=True))
    return {"workers": workers, "type": worker_type, "startup": startup, "enqueue": enqueued, "drain": drain,
            "failed": failed, "job_p50": statistics.median(durations), "job_mean": statistics.fmean(durations)}


def dataset_figures() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_user WHERE email LIKE %s", [EMAIL_LIKE])
        users = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'transactions_transaction'")
        transactions = cursor.fetchone()[0]
        cursor.execute("SELECT min(date), max(date) FROM transactions_transaction")
        first, last = cursor.fetchone()
        cursor.execute("SELECT pg_table_size('transactions_transaction'), pg_indexes_size('transactions_transaction')")
        table, indexes = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM payments_recurringpayment")
        bills = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        database = cursor.fetchone()[0]
    return {"users": users, "transactions": transactions, "first": first, "last": last, "table": table,
            "indexes": indexes, "bills": bills, "database": database}


def row(label: str, values: list[float]) -> str:
    return (f"  {label:<44} {statistics.median(values):8.1f} {percentile(values, 0.95):8.1f} "
            f"{statistics.fmean(values):8.1f} {max(values):8.1f}")


def duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up (consumers, queue) on kill
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000, help="users in the data set (and in the projection)")
    parser.add_argument("--sample", type=int, default=300, help="users timed in-process and drained by consumers")
    parser.add_argument("--consumers", default="1:process,4:process,4:thread",
                        help="consumer runs, workers:worker_type, comma-separated (empty to skip)")
    parser.add_argument("--regenerate", action="store_true", help="delete the bench data set and generate it again")
    parser.add_argument("--generate-only", action="store_true")
    options = parser.parse_args()
    if options.sample + 8 > options.users:
        parser.error("--sample must be at least 8 smaller than --users")

    today = timezone.localdate()
    print(f"database: {connection.settings_dict['NAME']} on {connection.settings_dict['HOST']} "
          f"(PostgreSQL {connection.cursor().connection.info.server_version // 10000}); "
          f"Redis {os.environ['REDIS_URL']} queue '{HUEY.name}'; {os.cpu_count()} CPU cores")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if CREATED_DATABASE:
        print(f"created the database and migrated it in {time.perf_counter() - started:.1f} s")
    dataset_ensure(users=options.users, regenerate=options.regenerate, today=today)
    data = dataset_figures()
    print(f"data set: {data['users']:,} users, {data['transactions']:,} transactions "
          f"({data['transactions'] / max(data['users'], 1):,.0f} a user, {data['first']} to {data['last']}), "
          f"{data['bills']:,} bills; transactions table {data['table'] / 1e9:.1f} GB + indexes "
          f"{data['indexes'] / 1e9:.1f} GB; database {data['database'] / 1e9:.1f} GB")
    if options.generate_only:
        return 0

    all_users = bench_users(options.users)
    step = len(all_users) / options.sample
    sample = [all_users[int(i * step)] for i in range(options.sample)]
    chosen = set(sample)
    warmup = [user_id for user_id in all_users[1:] if user_id not in chosen][:8]
    queue_flush()
    try:
        # --- 1. In-process, per user -------------------------------------------------------------
        sample_reset(warmup)
        in_process(warmup[:3])  # imports, pandas first use, connection
        sample_reset(warmup)
        sample_reset(sample)
        began = time.perf_counter()
        first = in_process(sample)
        first_seconds = time.perf_counter() - began
        began = time.perf_counter()
        repeat = in_process(sample)
        repeat_seconds = time.perf_counter() - began
        queue_flush()  # price-rise emails enqueued by the runs above

        print(f"\nPer user, in this process (one core), over a sample of {len(sample)} of the {data['users']:,} "
              f"users (every {step:.0f}th):")
        print(f"  {'ms':<44} {'p50':>8} {'p95':>8} {'mean':>8} {'max':>8}")
        for label, result in (("first night", first), ("repeat night (nothing new)", repeat)):
            print(f" {label}:")
            print(row("subscription detection (refresh, total)", result["refresh"]))
            print(row("  of which subscriptions_detect (pandas)", result["detect"]))
            print(row("bill matching (bills_match)", result["match"]))
            print(row("user_insights_refresh (both + user load)", result["total"]))
            print(row("queries per user", [float(q) for q in result["queries"]]))
        outcome = first["outcome"]
        print(f"  first night did: {outcome.get('suggestions_found', 0):,} subscriptions found, "
              f"{outcome.get('suggestions_created', 0):,} suggestions created, "
              f"{outcome.get('suggestions_known', 0):,} already bills, "
              f"{outcome.get('suggestions_price_rises', 0):,} price rises, {outcome.get('bills_paid', 0):,} bills paid, "
              f"{outcome.get('bills_overdue', 0):,} marked overdue; sample wall time {first_seconds:.1f} s "
              f"(repeat night {repeat_seconds:.1f} s)")

        # --- 2. Fan-out into Redis -----------------------------------------------------------------
        queue_flush()
        began = time.perf_counter()
        enqueued = users_fan_out(user_insights_nightly)
        enqueue_seconds = time.perf_counter() - began
        length = HUEY.pending_count()
        memory = queue_memory()
        queue_flush()
        all_active = User.objects.filter(is_active=True).count()
        print(f"\nFan-out: users_fan_out(user_insights_nightly) put {enqueued:,} jobs (every active user; {all_active:,} in "
              f"this database) on the Redis queue in {enqueue_seconds:.2f} s = {enqueued / enqueue_seconds:,.0f} "
              f"jobs/s; queue length {length:,}"
              + (f", {memory / 1e6:.1f} MB in Redis ({memory / max(length, 1):.0f} bytes a job)" if memory else "")
              + "; flushed")

        # --- 3. Real consumers -----------------------------------------------------------------------
        runs = []
        specs = [spec.split(":") for spec in options.consumers.split(",") if spec.strip()]
        if specs:
            log_path = Path(tempfile.gettempdir()) / "finsight-bench-nightly-consumers.log"
            with log_path.open("w") as log:
                for workers, worker_type in specs:
                    print(f"  consumer run: run_huey --workers {workers} --worker-type {worker_type} on "
                          f"{len(sample)} queued jobs...", flush=True)
                    runs.append(consumer_run(workers=int(workers), worker_type=worker_type, sample=sample,
                                             warmup=warmup, log=log))
            print(f"  (consumer output: {log_path})")
        sample_reset(sample)
        sample_reset(warmup)

        cores = os.cpu_count()
        per_user_one_core = statistics.fmean(first["total"]) / 1000
        print(f"\nProjected wall time of the nightly fan-out for {options.users:,} users (first-night state; "
              f"measured on {len(sample)} users, projected linearly; enqueue {enqueue_seconds:.1f} s overlaps):")
        print(f"  {'consumer':<34} {'drain':>8} {'users/s':>8} {'job p50':>8} {'speed-up':>9} {'projected':>10}")
        print(f"  {'in-process, 1 core (sum of means)':<34} {first_seconds:7.1f}s {1 / per_user_one_core:8.1f} "
              f"{statistics.median(first['total']):6.0f}ms {'':>9} {duration(options.users * per_user_one_core):>10}")
        base = None
        for run in runs:
            rate = len(sample) / run["drain"]
            base = base or rate
            label = f"run_huey -w {run['workers']} -k {run['type']}"
            print(f"  {label:<34} {run['drain']:7.1f}s {rate:8.1f} {run['job_p50']:6.0f}ms {rate / base:8.2f}x "
                  f"{duration(options.users / rate):>10}" + (f"  ({run['failed']} failed)" if run["failed"] else ""))
        if runs:
            startups = ", ".join(f"{run['startup']:.0f} s" for run in runs)
            print(f"  (drain = enqueue of the {len(sample)} jobs to the last one finished, consumers warm; "
                  f"start-up and one warm-up job a worker took {startups} and are not counted; "
                  "job p50 = JobRun.duration_ms)")
        print(f"\nThis machine has {cores} CPU cores. Each job is CPU-bound Python (pandas, Decimal, the ORM) with "
              "short waits on PostgreSQL, which runs on the same cores. Thread workers share one GIL, so 4 threads "
              "run Python on one core at a time; process workers escape the GIL but 4 of them still share "
              f"{cores} cores with PostgreSQL and Redis, so 4 workers cannot be 4x faster than 1 here: the "
              f"ceiling is about {cores}x, less the database's share. On a host with 4 or more free cores the "
              "4-process figure scales further until PostgreSQL is the bottleneck.")
        return 0
    finally:
        queue_flush()


if __name__ == "__main__":
    sys.exit(main())
