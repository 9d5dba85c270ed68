"""Many people at once: gunicorn with the production settings on PostgreSQL, hit by concurrent clients.

    .venv/bin/python bench/load.py                             # 50 clients, 60 s mixed, then 60 s of /healthz
    .venv/bin/python bench/load.py --clients 10 --duration 10  # a quick look

Creates a throwaway database (``finsight_loadbench``, dropped afterwards unless --keep), migrates it and seeds the
demo user's ledger with ``manage.py demo`` (which also trains the global categorizer into --models once, kept
between runs), collects the static files, then starts gunicorn (``config.wsgi``, production settings, --workers
sync workers) and the Huey worker (``run_huey``) as README's Production section does, with DEBUG off, JSON logs
at WARNING, and SECURE_SSL_REDIRECT off (plain HTTP on loopback).

The demo user signs in once (the login page with its CSRF token, and a JWT from /api/v1/auth/token/); every client
shares that session and token, so the sign-in rate limits (the only throttled views) are never reached; a 429
would still be counted apart from the errors. Then --clients clients, each sending its next request as soon as
the last is answered, for --duration seconds:

- ``GET /transactions/`` (the transaction list page, first page) — weight 4
- ``GET /`` (the dashboard) — weight 4
- ``POST /api/v1/transactions/`` (a typed-in transaction, JWT) — weight 2

then the same clients on ``GET /healthz`` alone for --duration seconds: the server's ceiling in this run.

An error is any answer other than the expected status (200, or 201 for the create), a redirect included, or
no answer within 30 s. Afterwards every transaction the API answered 201 for is looked up in the database: a
write that answered success and is missing is reported as lost. It prints, per endpoint, requests, requests
per second, errors, 429s, and p50/p95/p99/max latency in milliseconds (the client's view: connect, server time
and reading the whole body). The load generator runs on the same machine as the server and competes with it
for the CPU; on a shared machine the figures are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
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
from cryptography.fernet import Fernet
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


def server_env(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "JWT_SIGNING_KEY": secrets.token_urlsafe(64),
        "JWT_ACCESS_MINUTES": "240",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FINSIGHT_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
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
def processes(env: dict[str, str], args: argparse.Namespace, port: int, log_dir: Path) -> Iterator[None]:
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
        yield
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


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


def report(title: str, tallies: dict[str, Tally], elapsed: float) -> None:
    print(f"\n{title} ({elapsed:.1f} s)")
    print(f"  {'endpoint':<30} {'requests':>8} {'req/s':>7} {'errors':>6} {'429':>5} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    for name, tally in tallies.items():
        ms = sorted(x * 1000 for x in tally.latencies)
        count = len(ms) + sum(tally.errors.values()) + tally.throttled
        if len(ms) >= 2:
            cuts = statistics.quantiles(ms, n=100, method="inclusive")
            p50, p95, p99 = cuts[49], cuts[94], cuts[98]
        else:
            p50 = p95 = p99 = ms[0] if ms else float("nan")
        print(f"  {name:<30} {count:>8} {count / elapsed:>7.1f} {sum(tally.errors.values()):>6} "
              f"{tally.throttled:>5} {p50:>7.0f} {p95:>7.0f} {p99:>7.0f} {(ms[-1] if ms else float('nan')):>7.0f}")
        for what, times in tally.errors.most_common(5):
            print(f"      {times} x {what}")


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
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds of each phase (mixed, then /healthz)")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of the mixed load before measuring")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (README: --workers 4)")
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
                        help="use the database a --keep run left (no reseeding; it holds that run's writes too)")
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

        rows, accounts = ledger_size(database_url)
        print(f"  demo ledger: {rows} transactions in {accounts} accounts", flush=True)
        with processes(env, args, port, data_dir):
            session_cookie, access = sign_in(port)
            accounts_of_demo = account_ids(port, access)
            page = {"Cookie": session_cookie}
            api = {"Authorization": f"Bearer {access}"}
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
                Endpoint("POST /api/v1/transactions/", "POST", "/api/v1/transactions/", 201, 2, api,
                         new_transaction),
            ]
            ceiling = [Endpoint("GET /healthz", "GET", "/healthz", 200, 1, {})]
            if args.warmup:
                # Each worker loads its models and templates on its first requests; not what a running server does.
                asyncio.run(run_phase(port, mixed, args.clients, args.warmup))
            print(f"\nLoad: {args.clients} clients, {args.duration:.0f} s per phase, after {args.warmup:.0f} s of "
                  f"warm-up (not counted)", flush=True)
            tallies, elapsed = asyncio.run(run_phase(port, mixed, args.clients, args.duration))
            report("Mixed: transaction list, dashboard, transaction create", tallies, elapsed)
            ceiling_tallies, ceiling_elapsed = asyncio.run(run_phase(port, ceiling, args.clients, args.duration))
            report("Ceiling: /healthz alone", ceiling_tallies, ceiling_elapsed)

        created = [d for t in tallies.values() for d in t.created]
        lost = lost_writes(database_url, created)
        errors = sum(sum(t.errors.values()) for t in [*tallies.values(), *ceiling_tallies.values()])
        throttled = sum(t.throttled for t in [*tallies.values(), *ceiling_tallies.values()])
        print(f"\nWrites answered 201: {len(created)}; missing from the database: {len(lost)}")
        print(f"Errors: {errors}; throttled (429): {throttled}")
        return 1 if errors or lost else 0
    finally:
        if not args.keep:
            database_recreate(args.database_url, args.database, drop_only=True)
        shutil.rmtree(data_dir / "static", ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
