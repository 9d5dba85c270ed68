"""Staff statistics pages with 10,000 people: median and p95 server time of /staff/users/, /staff/revenue/ and
/staff/system/.

    .venv/bin/python bench/staff_stats.py                     # a scratch SQLite database, deleted afterwards
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finsight_staffbench .venv/bin/python bench/staff_stats.py
    .venv/bin/python bench/staff_stats.py --users 10000 --requests 20

Without DATABASE_URL it migrates a scratch SQLite database in a temporary directory and removes it at the end.
With DATABASE_URL the database must be a new, throwaway one whose name contains "bench" (createdb it first): the
audit log is append-only, so nothing seeded is removed afterwards; drop the database when done.

Seeds, with bulk_create and a fixed random seed: USERS people who joined over the last two years (date_joined
spread evenly), each with one account; per person about 25 transactions created on days they were active, and
about 20 audit entries (sign-ins, API sign-ins, sign-outs; a correct hash chain, in time order); about one bank
import in four people (one in ten refused), one alert in three, categorizer feedback, notifications with an
in-app and an email delivery, and job runs; with billing on, one person in three subscribes to one of three plans
in two currencies, with a monthly invoice (one in twenty failed). Then, as a staff member through Django's test
client with DEBUG off, each page is requested REQUESTS times for the default range (the last 90 days) and for a
whole year, the users page both as most visits find it (today read less than a minute before) and as the first
visit of a minute (today read again), and two CSVs; it prints the median and p95 server time and the number of
queries (the same for every request: it does not grow with the number of people).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Billing on, so that the revenue page and the users page's plans are timed too (nothing talks to Stripe here).
os.environ.setdefault("BILLING_ENABLED", "true")
os.environ.setdefault("STRIPE_SECRET_KEY", "sk_test_bench")
os.environ.setdefault("STRIPE_WEBHOOK_SECRET", "whsec_bench")
SCRATCH = ""
if "DATABASE_URL" not in os.environ:
    SCRATCH = tempfile.mkdtemp(prefix="finsight-bench-staff-")
    os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}/bench.sqlite3"
    os.environ["DATA_DIR"] = SCRATCH

import django  # noqa: E402

django.setup()

from core.rls import row_security_operator_process  # noqa: E402

# Seeding is the operator's, as a management command's (with DATABASE_ROW_SECURITY on PostgreSQL it sees every row).
row_security_operator_process([sys.argv[0], "staff_stats"])

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from accounts.services import role_grant  # noqa: E402
from alerts.models import Alert, AlertLevel, AlertStatus  # noqa: E402
from audit.chain import GENESIS, entry_hash  # noqa: E402
from billing.models import Invoice, Plan, Subscription, SubscriptionStatus  # noqa: E402
from audit.models import AuditAction, AuditEntry  # noqa: E402
from core.models import JobRun, JobStatus  # noqa: E402
from mlcore.models import FeedbackEvent, FeedbackKind  # noqa: E402
from notifications.models import Delivery, DeliveryStatus, Notification  # noqa: E402
from staff.models import ActivityRollup  # noqa: E402
from transactions.models import Account, Category, ImportBatch, ImportStatus, Transaction  # noqa: E402

BATCH = 5_000
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Finsight-iOS/2.1"]


def database_check() -> None:
    if SCRATCH:
        return
    name = urlparse(os.environ["DATABASE_URL"]).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"DATABASE_URL names {name!r}: use a throwaway database whose name contains 'bench' "
                 "(the audit log seeded here cannot be removed).")


def bulk(model, rows) -> list:
    created = []
    for offset in range(0, len(rows), BATCH):
        created += model.objects.bulk_create(rows[offset:offset + BATCH], batch_size=BATCH)
    return created


def seed(users: int, *, now: dt.datetime) -> None:
    rng = random.Random(19)
    start = now - dt.timedelta(days=730)
    joined = [start + dt.timedelta(seconds=rng.randrange(0, 730 * 86400)) for _ in range(users)]
    with transaction.atomic():
        people = bulk(User, [User(email=f"person{n}@staffbench.invalid", password="!", date_joined=joined[n])
                             for n in range(users)])
        accounts = bulk(Account, [Account(owner=person, name="Checking", currency="EUR") for person in people])
        category = Category.objects.filter(owner=None, parent__isnull=False).first()
        # Each person stays active for a while after joining: some leave in the first month, most later.
        active_days: list[list[dt.datetime]] = []
        for person in people:
            stay = rng.choice([3, 20, 60, 200, 800])
            end = min(now, person.date_joined + dt.timedelta(days=stay))
            span = max(1, int((end - person.date_joined).total_seconds()))
            active_days.append(sorted(person.date_joined + dt.timedelta(seconds=rng.randrange(span))
                                      for _ in range(rng.randint(5, 40))))
        created_at = Transaction._meta.get_field("created_at")
        created_at.auto_now_add = False  # the seeded rows keep the days chosen here
        try:
            txns = bulk(Transaction, [
                Transaction(owner=person, account=account, date=moment.date(), amount=Decimal(-rng.randint(100, 99999)) / 100,
                            currency="EUR", description=f"CARD PAYMENT {n}", category=category,
                            needs_review=n % 17 == 0, fingerprint=f"staffbench:{person.pk}:{n}", created_at=moment)
                for person, account, days in zip(people, accounts, active_days, strict=True)
                for n, moment in enumerate(days)])
        finally:
            created_at.auto_now_add = True
        entries = sorted(
            ((moment + dt.timedelta(minutes=1), person, rng.choice([AuditAction.SIGN_IN, AuditAction.TOKEN_ISSUE,
                                                                    AuditAction.SIGN_OUT]))
             for person, days in zip(people, active_days, strict=True) for moment in days[: max(1, len(days) * 3 // 4)]),
            key=lambda item: item[0])
        previous = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
        rows = []
        for moment, person, action in entries:
            entry = AuditEntry(created_at=moment, actor=person, actor_label=person.email, action=action.value,
                               target_type="accounts.user", target_id=str(person.pk), target_label=person.email,
                               ip="203.0.113.7", user_agent=rng.choice(AGENTS), changes={}, previous_hash=previous)
            entry.hash = previous = entry_hash(entry)
            rows.append(entry)
        bulk(AuditEntry, rows)
        recent = [(person, account, days[-1]) for person, account, days in zip(people, accounts, active_days, strict=True)]
        batches = bulk(ImportBatch, [ImportBatch(owner=person, account=account, filename="statement.csv",
                                                 status=ImportStatus.FAILED if n % 10 == 0 else ImportStatus.DONE,
                                                 created_count=0 if n % 10 == 0 else 25)
                                     for n, (person, account, _) in enumerate(recent) if n % 4 == 0])
        for batch, (_, _, moment) in zip(batches, (item for n, item in enumerate(recent) if n % 4 == 0), strict=True):
            batch.created_at = moment
        ImportBatch.objects.bulk_update(batches, ["created_at"], batch_size=BATCH)
        by_owner = {}
        for txn in txns:
            by_owner.setdefault(txn.owner_id, txn)
        alerts = bulk(Alert, [Alert(user=person, transaction=by_owner[person.pk], date=moment.date(), amount=Decimal("-250"),
                                    currency="EUR", description="CARD PAYMENT", score=Decimal("0.8"), kind="amount",
                                    level=[AlertLevel.HIGH, AlertLevel.MEDIUM, AlertLevel.LOW][n % 3],
                                    status=[AlertStatus.OPEN, AlertStatus.FINE, AlertStatus.NOT_MINE][n % 3])
                              for n, (person, _, moment) in enumerate(recent) if n % 3 == 0])
        for alert, (_, _, moment) in zip(alerts, (item for n, item in enumerate(recent) if n % 3 == 0), strict=True):
            alert.created_at = moment
        Alert.objects.bulk_update(alerts, ["created_at"], batch_size=BATCH)
        feedback = bulk(FeedbackEvent, [FeedbackEvent(user=person, transaction=by_owner[person.pk], chosen_category=category,
                                                      kind=FeedbackKind.ACCEPT if n % 4 else FeedbackKind.CORRECT,
                                                      description="CARD PAYMENT")
                                        for n, (person, _, _) in enumerate(recent) for _ in range(3)])
        for event, moment in zip(feedback, (m for _, _, m in recent for _ in range(3)), strict=True):
            event.created_at = moment
        FeedbackEvent.objects.bulk_update(feedback, ["created_at"], batch_size=BATCH)
        notes = bulk(Notification, [Notification(user=person, kind="weekly_digest", title="Your week")
                                    for person, _, _ in recent])
        for note, (_, _, moment) in zip(notes, recent, strict=True):
            note.created_at = moment
        Notification.objects.bulk_update(notes, ["created_at"], batch_size=BATCH)
        deliveries = bulk(Delivery, [Delivery(notification=note, channel=channel, status=status)
                                     for n, note in enumerate(notes)
                                     for channel, status in (("in_app", DeliveryStatus.SENT),
                                                             ("email", DeliveryStatus.FAILED if n % 20 == 0
                                                              else DeliveryStatus.SENT))])
        for delivery in deliveries:
            delivery.created_at = delivery.notification.created_at
        Delivery.objects.bulk_update(deliveries, ["created_at"], batch_size=BATCH)
        bulk(JobRun, [JobRun(name=rng.choice(["user_insights", "forecast_refresh", "protection_refresh"]),
                             status=JobStatus.FAILED if n % 50 == 0 else JobStatus.OK, started_at=moment,
                             finished_at=moment, duration_ms=rng.randint(5, 900), user_id=person.pk)
                      for n, (person, _, moment) in enumerate(recent) for _ in range(2)])
    subscriptions, invoices = seed_billing(people, active_days, rng=rng, now=now)
    print(f"seeded {users:,} people, {len(txns):,} transactions, {len(rows):,} audit entries, {len(batches):,} imports, "
          f"{len(alerts):,} alerts, {len(feedback):,} feedback events, {len(deliveries):,} deliveries, "
          f"{subscriptions:,} subscriptions, {invoices:,} invoices")


def seed_billing(people: list, active_days: list, *, rng: random.Random, now: dt.datetime) -> tuple[int, int]:
    """One person in three subscribes a week after joining (a third of them with a trial), to one of three plans
    in two currencies; those who stopped coming cancelled; a monthly invoice each, one in twenty failed."""
    plans = [Plan.objects.create(name="Plus", slug=f"bench-plus-{now:%s}", price=Decimal("8.00"), currency="EUR"),
             Plan.objects.create(name="Plus yearly", slug=f"bench-year-{now:%s}", price=Decimal("80.00"),
                                 currency="EUR", interval="year"),
             Plan.objects.create(name="Plus US", slug=f"bench-us-{now:%s}", price=Decimal("9.00"), currency="USD")]
    subscriptions, invoices = [], []
    for n, (person, days) in enumerate(zip(people, active_days, strict=True)):
        if n % 3:
            continue
        start = person.date_joined + dt.timedelta(days=7)
        if start >= now:
            continue
        plan = plans[n % 3]
        ended = days[-1] + dt.timedelta(days=14)
        cancelled = ended if ended < now else None
        subscriptions.append(Subscription(
            user=person, plan=plan, stripe_subscription_id=f"sub_bench_{person.pk}",
            status=SubscriptionStatus.CANCELLED if cancelled else SubscriptionStatus.ACTIVE, cancelled_at=cancelled,
            trial_end=start + dt.timedelta(days=14) if n % 9 == 0 else None))
        month = start
        while month < (cancelled or now):
            invoices.append(Invoice(user=person, stripe_invoice_id=f"in_bench_{person.pk}_{len(invoices)}",
                                    amount=plan.price, currency=plan.currency, created_at=month,
                                    status="failed" if rng.random() < 0.05 else "paid"))
            month += dt.timedelta(days=365 if plan.interval == "year" else 30)
    created = bulk(Subscription, subscriptions)
    for subscription in created:  # created_at is auto_now_add: the day they subscribed
        subscription.created_at = subscription.user.date_joined + dt.timedelta(days=7)
    Subscription.objects.bulk_update(created, ["created_at"], batch_size=BATCH)
    bulk(Invoice, invoices)
    return len(created), len(invoices)


PROFILE = False


def timed(client: Client, url: str, requests: int, *, today_again: bool = False) -> tuple[float, float, int]:
    client.get(url, HTTP_HOST="localhost")  # warm
    times, queries = [], 0
    for _ in range(requests):
        if today_again:  # as on the first visit of a minute: today is read again
            ActivityRollup.objects.update(today_read_at=None)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="localhost")
            if response.streaming:
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    if PROFILE:
        for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:4]:
            print(f"    {float(query['time']) * 1000:6.0f} ms  {query['sql'][:150]}")
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1 if len(times) > 1 else 0], queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="Print each page's slowest queries.")
    args = parser.parse_args()
    global PROFILE
    PROFILE = args.profile
    database_check()
    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        now = timezone.now()
        seed(args.users, now=now)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"set-up {time.perf_counter() - started:.0f} s; database {connection.vendor}")
        staff = role_grant(user=User.objects.create_user(f"staff-{time.time_ns()}@staffbench.invalid"), role=Role.STAFF)
        client = Client()
        client.force_login(staff)
        today = now.date()
        year = f"start={today - dt.timedelta(days=364)}&end={today}"
        print(f"{'request':<50} {'median':>8} {'p95':>8} {'queries':>8}")
        for url, today_again in (("/staff/users/", False), ("/staff/users/", True), (f"/staff/users/?{year}", False),
                                 (f"/staff/users/?{year}", True), ("/staff/revenue/", False),
                                 (f"/staff/revenue/?{year}", False), ("/staff/system/", False),
                                 (f"/staff/system/?{year}", False), (f"/staff/users/?{year}&csv=cohorts", False),
                                 (f"/staff/system/?{year}&csv=deliveries", False)):
            median, p95, queries = timed(client, url, args.requests, today_again=today_again)
            label = url.replace(year, "a year") + (" (today read again)" if today_again else "")
            print(f"{label:<50} {median:>6.0f} ms {p95:>5.0f} ms {queries:>8}")
    finally:
        if SCRATCH:
            shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    main()
