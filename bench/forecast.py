"""Forecast cost per user and the projected nightly wall time for all users.

    .venv/bin/python bench/forecast.py [--users 10000] [--sample 40] [--workers 1,4]

Runs on bench/nightly.py's data set (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/finsight_bench:
USERS users with two years of demo-like history each, generated with COPY if missing; see that script).

1. In-process, on SAMPLE users spread over the table, with insights.forecasts.forecasts_refresh as the
   nightly job calls it: the fit+predict time of each everyday series (two a user: spending and income)
   with the nightly default (the monthly backtest's blend, mlcore.forecast_select), then with Prophet
   forced (the forecaster before issue 20), then with the heuristic forced, and the whole forecasts_refresh
   per user in each mode (p50/p95), in wall time and in this process's CPU time.
2. The whole nightly job per user (insights.services.user_insights_refresh: detection, bill matching,
   forecasts), the sample reset to its generated state first.
3. The same nightly job in 1 and in 4 process workers (forked, like Huey's process workers; Huey's own
   overhead is in bench/nightly.py), each draining its share of the sample: users/s and the projected wall
   time for USERS users. Prophet is CPU-bound: more workers than cores add little.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
# The nightly bench's setup: the bench database (created if missing) and django.setup().
import nightly  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

import insights.forecasts  # noqa: E402
from accounts.models import User  # noqa: E402
from insights.services import user_insights_refresh  # noqa: E402
from mlcore import forecasting  # noqa: E402
from mlcore import services as mlcore_services  # noqa: E402


def pct(values: list[float], share: float) -> float:
    return nightly.percentile(values, share) if values else float("nan")


def figures(label: str, values: list[float], unit: str = "ms") -> str:
    return (f"{label:<44} p50 {pct(values, 0.5):8.0f} {unit}  p95 {pct(values, 0.95):8.0f} {unit}  "
            f"mean {statistics.fmean(values):8.0f} {unit}  (n={len(values)})")


def forecasts_timed(user_ids: list[int], *, mode: str) -> dict:
    """forecasts_refresh for each user with ``mode`` (backtest, prophet or heuristic) forced; the fit+predict
    time of each series and of the whole call."""
    fits: list[float] = []
    totals: list[float] = []
    cpu: list[float] = []
    methods: dict[str, int] = {}
    original = forecasting.everyday_forecast

    def timed_everyday(history, **kwargs):
        if mode == "heuristic":
            kwargs["min_history_days"] = 10**9
        else:
            kwargs["method"] = mode
        began = time.perf_counter()
        result = original(history, **kwargs)
        fits.append((time.perf_counter() - began) * 1000)
        methods[result.method] = methods.get(result.method, 0) + 1
        return result

    # insights calls it through mlcore.services: patch the name there as well as in its module.
    forecasting.everyday_forecast = timed_everyday
    mlcore_services.everyday_forecast = timed_everyday
    try:
        for user in User.objects.select_related("financial_profile").filter(pk__in=user_ids):
            began, began_cpu = time.perf_counter(), time.process_time()
            insights.forecasts.forecasts_refresh(user=user)
            totals.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
    finally:
        forecasting.everyday_forecast = original
        mlcore_services.everyday_forecast = original
    # Two series a user: the per-user fit+predict time is the sum of its pair.
    per_user = [fits[i] + fits[i + 1] for i in range(0, len(fits) - 1, 2)]
    return {"per_user_fit": per_user, "total": totals, "cpu": cpu, "methods": methods}


def nightly_timed(user_ids: list[int]) -> list[float]:
    times = []
    for user in User.objects.select_related("financial_profile").filter(pk__in=user_ids):
        began = time.perf_counter()
        user_insights_refresh(user=user)
        times.append((time.perf_counter() - began) * 1000)
    return times


def _worker(user_ids: list[int]) -> int:
    connection.close()  # a forked child must not share the parent's connection
    for user in User.objects.select_related("financial_profile").filter(pk__in=user_ids):
        user_insights_refresh(user=user)
    connection.close()
    return len(user_ids)


def drained(user_ids: list[int], workers: int) -> float:
    """Wall seconds for ``workers`` forked processes to run the nightly job for every user in the sample."""
    nightly.sample_reset(user_ids)
    connection.close()
    shares = [user_ids[i::workers] for i in range(workers)]
    began = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(_worker, shares)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000, help="users in the data set and the projection")
    parser.add_argument("--sample", type=int, default=40, help="users timed")
    parser.add_argument("--workers", default="1,4", help="process worker counts to drain the sample with")
    options = parser.parse_args()

    print(f"database: {connection.settings_dict['NAME']}; {os.cpu_count()} CPU cores; prophet "
          f"{__import__('prophet').__version__}")
    call_command("migrate", verbosity=0)
    nightly.dataset_ensure(users=options.users, regenerate=False, today=timezone.localdate())
    everyone = nightly.bench_users(options.users)
    step = max(len(everyone) // options.sample, 1)
    sample = everyone[::step][:options.sample]
    nightly.sample_reset(sample)
    nightly_timed(sample[:2])  # warm-up: imports, Stan model load

    timed = {mode: forecasts_timed(sample, mode=mode) for mode in ("backtest", "prophet", "heuristic")}
    print(f"\n1. forecasts per user ({len(sample)} users, two years of history each; methods used: "
          + "; ".join(f"{mode} forced {result['methods']}" for mode, result in timed.items()) + ")")
    for mode, result in timed.items():
        print(figures(f"fit+predict, spending and income, {mode}", result["per_user_fit"]))
    for mode, result in timed.items():
        print(figures(f"forecasts_refresh, {mode}", result["total"]))
    # This process's CPU time (not the database's): less swayed than wall time by other work on the machine.
    for mode, result in timed.items():
        print(figures(f"forecasts_refresh CPU, {mode}", result["cpu"]))

    nightly.sample_reset(sample)
    whole = nightly_timed(sample)
    print("\n2. the nightly insight job per user (detection, bill matching, forecasts)")
    print(figures("user_insights_refresh", whole))
    print(f"{'projected for ' + format(options.users, ',') + ' users, one worker, serial':<44} "
          f"{statistics.fmean(whole) * options.users / 1000 / 60:8.1f} min")

    print(f"\n3. process workers draining the sample ({len(sample)} users), projected to {options.users:,} users")
    for workers in (int(n) for n in options.workers.split(",") if n.strip()):
        seconds = drained(sample, workers)
        rate = len(sample) / seconds
        print(f"{workers} worker(s): {seconds:6.1f} s, {rate:5.1f} users/s -> {options.users:,} users in "
              f"{options.users / rate / 60:6.1f} min")
    nightly.sample_reset(sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
