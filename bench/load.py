"""Many people at once: gunicorn with the production settings on PostgreSQL, hit by concurrent clients.

    .venv/bin/python bench/load.py --workers 3                 # each page alone, 20 clients, 60 s each
    .venv/bin/python bench/load.py --clients 10 --duration 10  # a quick look
    .venv/bin/python bench/load.py --mixed                     # also the mixed phase with writes

Creates a throwaway database (``finsight_loadbench``, dropped afterwards unless --keep), migrates it and seeds the
demo user's ledger with ``manage.py demo`` (which also trains the global categorizer into --models once, kept
between runs), adds --user-transactions transactions to the demo user's accounts (one INSERT ... SELECT over
generate_series: seconds for 100,000; a tag on one in ten, a split on one in two hundred) and a group the demo
user belongs to with --group-expenses expenses (bench/groups.py's bulk insert), collects the static files, then starts gunicorn (``config.wsgi``, production settings, --workers
sync workers) and the Huey worker (``run_huey``) as README's Production section does, with DEBUG off, JSON logs
at WARNING, and SECURE_SSL_REDIRECT off (plain HTTP on loopback).

The demo user signs in once (the login page with its CSRF token, and a JWT from /api/v1/auth/token/); every client
shares that session and token, so the sign-in rate limits (the only throttled views) are never reached; a 429
would still be counted apart from the errors. Then --clients clients, each sending its next request as soon as
the last is answered. First each request alone, for --duration seconds each:

- ``GET /healthz``: the server's ceiling in this run, what every other request's ratio is taken against;
- ``GET /api/v1/transactions/`` (JWT), the first page;
- ``GET /transactions/``, the transaction list page; ``GET /`` (the dashboard); ``GET /groups/<id>/`` (the group
  with --group-expenses expenses);

and /healthz again (the ratio is taken to the mean of its two measurements: on a shared machine the ceiling
moves), after --warmup seconds of all of them together (not counted), after which the RSS of each gunicorn
worker is read from /proc. Each line also says the workers' CPU per request (their utime and stime from /proc
over the phase, divided by its requests): what a page costs the server, whatever else shares the machine. With --mixed, then a mixed phase for --duration seconds:

- ``GET /transactions/`` (the transaction list page, first page) — weight 4
- ``GET /`` (the dashboard) — weight 4
- ``POST /api/v1/transactions/`` (a typed-in transaction, JWT) — weight 2

An error is any answer other than the expected status (200, or 201 for the create), a redirect included, or
no answer within 30 s. Afterwards every transaction the API answered 201 for is looked up in the database: a
write that answered success and is missing is reported as lost. It prints, per endpoint, requests, requests
per second, its ratio to /healthz's requests per second, errors, 429s, and p50/p95/p99/max latency in
milliseconds (the client's view: connect, server time and reading the whole body). The load generator runs on the same machine as the server and competes with it
for the CPU; on a shared machine the figures are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import http.client
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import aiohttp
import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO_EMAIL = "demo@finsight.local"
DEMO_PASSWORD = "finsight-demo-2026"
MARK = "LOADBENCH"  # every transaction the bench creates carries it in its description


# --- the server ------------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def database_recreate(url: str, name: str, *, drop_only: bool = False) -> None:
    with psycopg.connect(_database_url(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{name}"')


def bench_key(database: str) -> str:
    """A Fernet key of the throwaway database, derived from its name: nothing in it is secret."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"finsight-loadbench:{database}".encode()).digest()).decode()


def server_env(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "JWT_SIGNING_KEY": secrets.token_urlsafe(64),
        "JWT_ACCESS_MINUTES": "240",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The same key for the same throwaway database, so that --reuse can read what an earlier run encrypted.
        "FINSIGHT_ENCRYPTION_KEYS": os.environ.get("FINSIGHT_ENCRYPTION_KEYS") or bench_key(args.database),
        "DATABASE_URL": _database_url(args.database_url, args.database),
        "REDIS_URL": args.redis_url,
        "HUEY_QUEUE_NAME": f"finsight-loadbench-{os.getpid()}",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; everything else as in production
        "DATA_DIR": str(data_dir),
        "STATIC_ROOT": str(data_dir / "static"),
        "MLCORE_ARTIFACT_DIR": str(args.models),
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
    }


def manage(env: dict[str, str], *arguments: str) -> str:
    started = time.monotonic()
    done = subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}")
    print(f"  manage.py {' '.join(arguments)}: {time.monotonic() - started:.0f} s", flush=True)
    return done.stdout


@contextmanager
def processes(env: dict[str, str], args: argparse.Namespace, port: int, log_dir: Path) -> Iterator[int]:
    """Gunicorn (and the Huey worker) running; yields gunicorn's master pid, whose children are the workers."""
    commands = [[PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", str(args.workers), "--timeout", "60", "--backlog", "2048",
                 "--no-control-socket"]]  # gunicorn 27 would share one control socket path with other servers
    if args.worker:
        commands.append([PYTHON, "manage.py", "run_huey"])
    started: list[subprocess.Popen] = []
    try:
        for command in commands:
            log = (log_dir / f"{Path(command[2]).stem}.log").open("w")
            started.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True))
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = request(port, "GET", "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if started[0].poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {log_dir}")
            time.sleep(0.2)
        yield started[0].pid
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


# --- the big ledger and the big group --------------------------------------------------------------------------

MERCHANTS = ["REWE", "EDEKA", "ALDI", "Trattoria Da Mario", "Starbucks", "Aral", "Netflix", "Amazon", "Uber",
             "Vattenfall", ""]  # "" : no merchant, the description shows

# One statement: PostgreSQL makes the rows itself (100,000 in seconds), in the demo user's accounts, under the
# standard sub-categories, one in forty money in, over five years, already scanned for anomalies (checked_at).
LEDGER_SQL = """
WITH person AS (SELECT id FROM accounts_user WHERE email = %(email)s),
     accounts AS (SELECT array_agg(a.id ORDER BY a.id) AS ids, array_agg(a.currency ORDER BY a.id) AS currencies
                  FROM transactions_account a JOIN person ON a.owner_id = person.id),
     categories AS (SELECT array_agg(id ORDER BY id) AS ids FROM transactions_category
                    WHERE owner_id IS NULL AND parent_id IS NOT NULL AND kind = 'expense'),
     rows AS (SELECT n, person.id AS owner_id,
                     accounts.ids[1 + n %% cardinality(accounts.ids)] AS account_id,
                     accounts.currencies[1 + n %% cardinality(accounts.ids)] AS currency,
                     categories.ids[1 + (n * 7) %% cardinality(categories.ids)] AS category_id,
                     (%(merchants)s::text[])[1 + n %% cardinality(%(merchants)s::text[])] AS merchant,
                     CASE WHEN n %% 40 = 0 THEN (100000 + (n * 7919) %% 300000) / 100.0
                          ELSE -(100 + (n * 7919) %% 15000) / 100.0 END::numeric(14, 2) AS amount
              FROM generate_series(1, %(rows)s) AS n, person, accounts, categories)
INSERT INTO transactions_transaction (
    owner_id, account_id, date, amount, currency, amount_converted, converted_currency, description, merchant,
    category_id, category_source, category_explanation, needs_review, notes, source, fingerprint, alert_level,
    checked_at, created_at, updated_at)
SELECT owner_id, account_id, current_date - (n %% 1826), amount, currency, amount, currency,
       'CARD PAYMENT ' || upper(coalesce(nullif(merchant, ''), 'PAYPAL EUROPE')) || ' ' || n, merchant,
       CASE WHEN merchant = '' THEN NULL ELSE category_id END, CASE WHEN merchant = '' THEN '' ELSE 'import' END,
       '', merchant = '', '', 'csv', %(mark)s || n, '', now(), now(), now()
FROM rows
RETURNING id
"""


def seeded_rows(database_url: str) -> int:
    """How many transactions an earlier run's ledger_seed left (a --reuse run seeds only when there are none)."""
    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT count(*) FROM transactions_transaction WHERE fingerprint LIKE 'loadbench:%%'"
                            ).fetchone()[0]


def ledger_seed(database_url: str, *, email: str, rows: int) -> None:
    """``rows`` more transactions for the demo user, with a tag on one in ten and a split on one in two hundred."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        ids = sorted(pk for (pk,) in conn.execute(LEDGER_SQL, {"email": email, "rows": rows, "merchants": MERCHANTS,
                                                                "mark": "loadbench:"}))
        (owner,) = conn.execute("SELECT id FROM accounts_user WHERE email = %s", (email,)).fetchone()
        tags = []
        for name in ("holiday", "work", "shared", "tax"):
            conn.execute("INSERT INTO transactions_tag (owner_id, name) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                         (owner, name))
            tags.append(conn.execute("SELECT id FROM transactions_tag WHERE owner_id = %s AND name = %s",
                                     (owner, name)).fetchone()[0])
        with conn.cursor() as cursor, cursor.copy(
                "COPY transactions_transaction_tags (transaction_id, tag_id) FROM STDIN") as copy:
            for i, pk in enumerate(ids[::10]):
                copy.write_row((pk, tags[i % len(tags)]))
        conn.execute("""
            INSERT INTO transactions_transactionsplit (transaction_id, category_id, amount, notes)
            SELECT t.id, t.category_id, round(t.amount / 2, 2), '' FROM transactions_transaction t
            WHERE t.id = ANY(%(ids)s) AND t.category_id IS NOT NULL
            UNION ALL
            SELECT t.id, t.category_id, t.amount - round(t.amount / 2, 2), '' FROM transactions_transaction t
            WHERE t.id = ANY(%(ids)s) AND t.category_id IS NOT NULL""", {"ids": ids[::200]})
        for table in ("transactions_transaction", "transactions_transaction_tags", "transactions_transactionsplit"):
            conn.execute(f"VACUUM ANALYZE {table}")  # what autovacuum does soon after a big import


# bench/groups.py's bulk insert (its module sets Django up as it is imported), then the demo user joins as a member.
GROUP_SEED = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("bench_groups", "bench/groups.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
from accounts.models import User
from groups.models import Membership
group, _ = bench.build(members=int(sys.argv[1]), expenses=int(sys.argv[2]), seed=1)
Membership.objects.create(group=group, user=User.objects.get(email=sys.argv[3]))
print(group.pk)
"""


def group_seed(env: dict[str, str], *, email: str, members: int, expenses: int) -> None:
    started = time.monotonic()
    done = subprocess.run([PYTHON, "-c", GROUP_SEED, str(members), str(expenses), email], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"seeding the group failed:\n{done.stdout}\n{done.stderr}")
    print(f"  a group of {members} + the demo user with {expenses} expenses: {time.monotonic() - started:.0f} s",
          flush=True)


def biggest_group(database_url: str, *, email: str) -> tuple[int, int] | None:
    """The demo user's group with the most expenses, and how many, if the user is in any."""
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT m.group_id, count(e.id) FROM groups_membership m JOIN accounts_user u ON u.id = m.user_id "
            "LEFT JOIN groups_groupexpense e ON e.group_id = m.group_id WHERE u.email = %s "
            "GROUP BY m.group_id ORDER BY count(e.id) DESC LIMIT 1", (email,)).fetchone()


def _workers(master: int) -> list[str]:
    return Path(f"/proc/{master}/task/{master}/children").read_text().split()


def workers_cpu(master: int) -> float:
    """CPU seconds (user and system) gunicorn's workers have used so far: per request, what a page costs the
    server whatever else the machine runs (the load generator, PostgreSQL, other programs)."""
    ticks = 0
    for pid in _workers(master):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime, the stat file's 14th and 15th fields
    return ticks / os.sysconf("SC_CLK_TCK")


def workers_rss(master: int) -> list[int]:
    """The resident memory (bytes) of each of gunicorn's workers: the master's children, read from /proc."""
    sizes = []
    for pid in _workers(master):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) * 1024)
    return sizes


# --- signing in (once, before the load) -----------------------------------------------------------------------

def request(port: int, method: str, path: str, *, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, list[str]], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        answer_headers: dict[str, list[str]] = defaultdict(list)
        for name, value in response.getheaders():
            answer_headers[name.lower()].append(value)
        return response.status, answer_headers, response.read()
    finally:
        conn.close()


def _cookies(headers: dict[str, list[str]]) -> dict[str, str]:
    jar = SimpleCookie()
    for value in headers.get("set-cookie", []):
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(port: int) -> tuple[str, str]:
    """The session cookie (the login page, with its CSRF token) and a JWT access token of the demo user."""
    status, headers, body = request(port, "GET", "/accounts/login/")
    assert status == 200, (status, body[:500])
    csrf_cookie = _cookies(headers)["csrftoken"]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode({"csrfmiddlewaretoken": token, "username": DEMO_EMAIL, "password": DEMO_PASSWORD}).encode()
    status, headers, body = request(port, "POST", "/accounts/login/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}"})
    assert status == 302, f"signing in failed: {status} {body[:500]!r}"
    session = _cookies(headers)["sessionid"]
    status, _, body = request(port, "POST", "/api/v1/auth/token/", body=json.dumps(
        {"email": DEMO_EMAIL, "password": DEMO_PASSWORD}).encode(), headers={"Content-Type": "application/json"})
    assert status == 200, (status, body[:500])
    return f"sessionid={session}", json.loads(body)["access"]


def account_ids(port: int, access: str) -> list[int]:
    status, _, body = request(port, "GET", "/api/v1/accounts/", headers={"Authorization": f"Bearer {access}"})
    assert status == 200, (status, body[:500])
    return [account["id"] for account in json.loads(body)["results"]]


# --- the load -----------------------------------------------------------------------------------------------

@dataclass
class Endpoint:
    name: str
    method: str
    path: str
    expect: int
    weight: int
    headers: dict[str, str]
    body: object = None  # a callable giving the JSON body of each request


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: Counter = field(default_factory=Counter)  # what went wrong -> how many
    throttled: int = 0
    created: list[str] = field(default_factory=list)  # descriptions of transactions answered 201


async def client(session: aiohttp.ClientSession, port: int, endpoints: list[Endpoint], stop: float,
                 tallies: dict[str, Tally], rng: random.Random) -> None:
    weights = [e.weight for e in endpoints]
    while time.monotonic() < stop:
        endpoint = rng.choices(endpoints, weights)[0]
        tally = tallies[endpoint.name]
        payload = endpoint.body() if endpoint.body else None
        started = time.perf_counter()
        try:
            async with session.request(endpoint.method, f"http://127.0.0.1:{port}{endpoint.path}",
                                       headers=endpoint.headers, json=payload, allow_redirects=False) as response:
                body = await response.read()
                elapsed = time.perf_counter() - started
                if response.status == endpoint.expect:
                    tally.latencies.append(elapsed)
                    if payload:
                        tally.created.append(payload["description"])
                elif response.status == 429:
                    tally.throttled += 1
                else:
                    detail = body[:120].decode(errors="replace").replace("\n", " ")
                    tally.errors[f"HTTP {response.status} {response.headers.get('Location', '')} {detail}"] += 1
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            tally.errors[f"{type(error).__name__}: {error}"] += 1


async def run_phase(port: int, endpoints: list[Endpoint], clients: int, duration: float) -> tuple[dict, float]:
    tallies = {e.name: Tally() for e in endpoints}
    connector = aiohttp.TCPConnector(limit=clients, force_close=False)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        started = time.monotonic()
        stop = started + duration
        await asyncio.gather(*(client(session, port, endpoints, stop, tallies, random.Random(n))
                               for n in range(clients)))
        elapsed = time.monotonic() - started
    return tallies, elapsed


def quantiles(tally: Tally) -> tuple[float, float, float, float]:
    """p50, p95, p99 and max latency in milliseconds of the successful requests."""
    ms = sorted(x * 1000 for x in tally.latencies)
    if len(ms) >= 2:
        cuts = statistics.quantiles(ms, n=100, method="inclusive")
        return cuts[49], cuts[94], cuts[98], ms[-1]
    only = ms[0] if ms else float("nan")
    return only, only, only, only


def report(title: str, tallies: dict[str, Tally], elapsed: dict[str, float] | float,
           ceiling: float | None = None, cpu: dict[str, float] | None = None) -> None:
    """One line per endpoint; ``elapsed`` per endpoint when each ran alone; with ``ceiling`` (the /healthz
    requests per second of the same run) each line's ratio to it; with ``cpu`` the workers' CPU per request."""
    print(f"\n{title}")
    print(f"  {'endpoint':<34} {'requests':>8} {'req/s':>7} {'ratio':>6} {'errors':>6} {'429':>5} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'cpu ms/req':>10}")
    for name, tally in tallies.items():
        seconds = elapsed[name] if isinstance(elapsed, dict) else elapsed
        count = len(tally.latencies) + sum(tally.errors.values()) + tally.throttled
        rate = count / seconds
        ratio = f"{rate / ceiling:.2f}" if ceiling else "-"
        per_request = f"{cpu[name] / count * 1000:.1f}" if cpu and count else "-"
        p50, p95, p99, top = quantiles(tally)
        print(f"  {name:<34} {count:>8} {rate:>7.1f} {ratio:>6} {sum(tally.errors.values()):>6} "
              f"{tally.throttled:>5} {p50:>7.0f} {p95:>7.0f} {p99:>7.0f} {top:>7.0f} {per_request:>10}")
        for what, times in tally.errors.most_common(5):
            print(f"      {times} x {what}")


def each_alone(port: int, endpoints: list[Endpoint], clients: int, duration: float,
               master: int) -> tuple[dict, dict, dict]:
    """Every endpoint on its own for ``duration`` seconds, one after the other, with the workers' CPU seconds
    each phase used."""
    tallies, elapsed, cpu = {}, {}, {}
    for endpoint in endpoints:
        before = workers_cpu(master)
        phase, seconds = asyncio.run(run_phase(port, [endpoint], clients, duration))
        cpu[endpoint.name] = workers_cpu(master) - before
        tallies[endpoint.name], elapsed[endpoint.name] = phase[endpoint.name], seconds
        print(f"  {endpoint.name}: {len(phase[endpoint.name].latencies) / seconds:.1f} req/s", flush=True)
    return tallies, elapsed, cpu


def lost_writes(database_url: str, created: list[str]) -> list[str]:
    with psycopg.connect(database_url) as conn:
        stored = {d for (d,) in conn.execute(
            "SELECT description FROM transactions_transaction WHERE description LIKE %s", (f"{MARK} %",))}
    return [d for d in created if d not in stored]


def ledger_size(database_url: str) -> tuple[int, int]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT count(*), count(DISTINCT account_id) FROM transactions_transaction t "
            "JOIN accounts_user u ON u.id = t.owner_id WHERE u.email = %s", (DEMO_EMAIL,)).fetchone()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60, help="seconds of each request alone (and of --mixed)")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of all requests together before measuring")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (README: --workers 4)")
    parser.add_argument("--user-transactions", type=int, default=100_000,
                        help="transactions added to the demo user's ledger (0: the demo's own only)")
    parser.add_argument("--group-expenses", type=int, default=10_000,
                        help="expenses of the group the demo user is in (0: no group, no group page)")
    parser.add_argument("--group-members", type=int, default=20, help="the group's members besides the demo user")
    parser.add_argument("--mixed", action="store_true",
                        help="then the mixed phase: list, dashboard and transaction create together, writes checked")
    parser.add_argument("--no-worker", dest="worker", action="store_false",
                        help="do not run the Huey worker beside gunicorn")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server to create the throwaway database on")
    parser.add_argument("--database", default="finsight_loadbench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--models", type=Path, default=ROOT / "var" / "loadbench-models",
                        help="the global categorizer's directory, trained once and kept between runs")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help="use the database a --keep run left (seeding only what it lacks; it holds that run's "
                             "writes too)")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="finsight-loadbench-"))
    args.models.mkdir(parents=True, exist_ok=True)
    env = server_env(args, data_dir)
    database_url = env["DATABASE_URL"]
    port = _free_port()
    print(f"Database {args.database}, gunicorn with {args.workers} workers on port {port}, "
          f"Huey worker {'on' if args.worker else 'off'}, {os.cpu_count()} CPUs; logs in {data_dir}", flush=True)
    try:
        manage(env, "collectstatic", "--noinput")
        if not args.reuse:
            database_recreate(args.database_url, args.database)
            manage(env, "demo")  # migrate, seed the demo user's ledger, bills and insights; train the categorizer
        started = time.monotonic()
        if args.user_transactions and not seeded_rows(database_url):
            ledger_seed(database_url, email=DEMO_EMAIL, rows=args.user_transactions)
            print(f"  {args.user_transactions} more transactions: {time.monotonic() - started:.0f} s", flush=True)
        if args.group_expenses and not biggest_group(database_url, email=DEMO_EMAIL):
            group_seed(env, email=DEMO_EMAIL, members=args.group_members, expenses=args.group_expenses)

        rows, accounts = ledger_size(database_url)
        group = biggest_group(database_url, email=DEMO_EMAIL)
        print(f"  demo ledger: {rows} transactions in {accounts} accounts; "
              f"{f'group {group[0]} with {group[1]} expenses' if group else 'no group'}", flush=True)
        with processes(env, args, port, data_dir) as master:
            session_cookie, access = sign_in(port)
            page = {"Cookie": session_cookie}
            api = {"Authorization": f"Bearer {access}"}
            alone = [
                Endpoint("GET /healthz", "GET", "/healthz", 200, 1, {}),
                Endpoint("GET /api/v1/transactions/ (page 1)", "GET", "/api/v1/transactions/", 200, 1, api),
                Endpoint("GET /transactions/", "GET", "/transactions/", 200, 1, page),
                Endpoint("GET / (dashboard)", "GET", "/", 200, 1, page),
            ]
            if group:
                alone.append(Endpoint(f"GET /groups/{group[0]}/ ({group[1]} expenses)", "GET",
                                      f"/groups/{group[0]}/", 200, 1, page))
            if args.warmup:
                # Each worker loads its models and templates on its first requests; not what a running server does.
                asyncio.run(run_phase(port, alone, args.clients, args.warmup))
            rss = workers_rss(master)
            print(f"\nWorkers' RSS after warm-up: {', '.join(f'{size / 2**20:.0f} MB' for size in rss)}")
            print(f"\nLoad: {args.clients} clients, {args.duration:.0f} s per request alone, after "
                  f"{args.warmup:.0f} s of warm-up (not counted)", flush=True)
            # /healthz first and again last: on a shared machine the ceiling moves; the ratio takes their mean.
            alone.append(Endpoint("GET /healthz (again)", "GET", "/healthz", 200, 1, {}))
            tallies, elapsed, cpu = each_alone(port, alone, args.clients, args.duration, master)
            ceiling = statistics.mean(len(tallies[name].latencies) / elapsed[name]
                                      for name in (alone[0].name, alone[-1].name))
            report(f"Each request alone (ratio: its requests/s over /healthz's in this run, {ceiling:.1f}/s the mean "
                   f"of its two measurements; cpu: the gunicorn workers' CPU per request)", tallies, elapsed,
                   ceiling, cpu)
            rss = workers_rss(master)
            print(f"\nWorkers' RSS afterwards: {', '.join(f'{size / 2**20:.0f} MB' for size in rss)}")
            mixed_tallies = mixed_phase(port, args, page, api) if args.mixed else {}

        created = [d for t in mixed_tallies.values() for d in t.created]
        lost = lost_writes(database_url, created) if created else []
        everything = [*tallies.values(), *mixed_tallies.values()]
        errors = sum(sum(t.errors.values()) for t in everything)
        throttled = sum(t.throttled for t in everything)
        if args.mixed:
            print(f"\nWrites answered 201: {len(created)}; missing from the database: {len(lost)}")
        print(f"Errors: {errors}; throttled (429): {throttled}")
        return 1 if errors or lost else 0
    finally:
        if not args.keep:
            database_recreate(args.database_url, args.database, drop_only=True)
        shutil.rmtree(data_dir / "static", ignore_errors=True)


def mixed_phase(port: int, args: argparse.Namespace, page: dict[str, str], api: dict[str, str]) -> dict[str, Tally]:
    """The list page, the dashboard and typed-in transactions (4 : 4 : 2) together, as many people at once."""
    accounts_of_demo = account_ids(port, api["Authorization"].removeprefix("Bearer "))
    numbers = itertools.count(1)
    today = datetime.now(UTC).date()

    def new_transaction() -> dict[str, object]:
        n = next(numbers)
        return {"account": accounts_of_demo[n % len(accounts_of_demo)], "date": str(today - timedelta(days=n % 30)),
                "amount": f"-{(n % 9000) / 100 + 1:.2f}", "description": f"{MARK} CARD PAYMENT REWE {n}",
                "merchant": "REWE"}

    mixed = [
        Endpoint("GET /transactions/", "GET", "/transactions/", 200, 4, page),
        Endpoint("GET / (dashboard)", "GET", "/", 200, 4, page),
        Endpoint("POST /api/v1/transactions/", "POST", "/api/v1/transactions/", 201, 2, api, new_transaction),
    ]
    tallies, elapsed = asyncio.run(run_phase(port, mixed, args.clients, args.duration))
    report(f"Mixed: transaction list, dashboard, transaction create ({elapsed:.1f} s)", tallies, elapsed)
    return tallies


if __name__ == "__main__":
    sys.exit(main())
