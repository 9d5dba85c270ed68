"""Rolling-origin backtest of monthly spending: the forecaster against two baselines.

For each origin month from --min-train-months on, every model sees only the daily spending before that
month and predicts the spending of the month --horizon months later (1 = the origin month itself):
- forecaster: mlcore.forecasting.everyday_forecast on the daily series, as the nightly job calls it (the
  monthly blend chosen by a backtest on the months before the origin, mlcore.forecast_select; the weekday
  heuristic while there are fewer than six whole months), its daily forecasts summed over the target month;
  ``coverage`` is the share of origins whose actual lies in its 80% band, ``chosen`` the methods per origin;
- each of the forecaster's candidate methods alone (``mae.ses``, ``mae.theta``, ``mae.robust_level``), and
  Prophet with --prophet (slow: one fit per origin);
- seasonal naive: the same month a year before (the last month while there are fewer than 12 months);
- 3-month mean: the mean of the last three months.
MAE is in the file's money; MASE divides each absolute error by the in-sample MAE of the one-month naive
forecast on that origin's training months (Hyndman & Koehler 2006, rolling origin), then averages.
Only complete calendar months count: a partial first or last month is dropped. ``improvement`` is the
forecaster's MAE below the best baseline's, in percent.

--synthetic N backtests N generated households (mlcore.budget_data: seasonal, trending, noisy categories
with one-off purchases, spread over days) and pools their errors; ``households_won`` is the share of them
where the forecaster's MAE is below both baselines'.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
from pathlib import Path

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand, CommandError

from mlcore import forecast_select, forecasting
from mlcore.budget_data import synthetic_daily_spending, synthetic_population
from mlcore.management.csv_cells import parse_amount, parse_date
from transactions.management.commands.seed_demo import demo_rows

def csv_spending(path: str, *, date_col: str, amount_col: str, sign_convention: str,
                 skipped: list[int] | None = None) -> pd.Series:
    """Daily spending (positive) from a bank CSV; a bad file, column or row is a CommandError naming it.

    With ``skipped`` (a list), a row whose date or amount does not parse is left out and its line number
    appended instead."""
    days: dict[dt.date, float] = {}
    for day, spent, _label in csv_transactions(path, date_col=date_col, amount_col=amount_col,
                                                sign_convention=sign_convention, skipped=skipped):
        days[day] = days.get(day, 0.0) + max(spent, 0.0)
    if not days:
        raise CommandError(f"{path} has no data rows.")
    return forecasting.daily_frame(pd.Series(days))


def _csv_text(path: str) -> str:
    """The file's text: UTF-8 (with or without a BOM), else Windows-1252 as many banks write."""
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"No such file: {path}")
    raw = file.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def csv_transactions(path: str, *, date_col: str, amount_col: str, sign_convention: str,
                     label_col: str | None = None, skipped: list[int] | None = None
                     ) -> list[tuple[dt.date, float, str]]:
    """(date, money spent (negative for money in), label) per row of a bank CSV, the label from ``label_col``
    when given; a bad file, column or row is a CommandError naming it (or, with ``skipped``, a line left out)."""
    text = _csv_text(path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text.splitlines(), dialect)
    header = next(reader, None)
    if not header:
        raise CommandError(f"{path} is empty.")
    header = [name.strip() for name in header]
    wanted = [(date_col, "--date-col"), (amount_col, "--amount-col"), *([(label_col, "--category-col")]
                                                                        if label_col else [])]
    for name, option in wanted:
        if name not in header:
            raise CommandError(f"Column {name!r} ({option}) is not in {path}; its columns are: {', '.join(header)}")
    di, ai = header.index(date_col), header.index(amount_col)
    li = header.index(label_col) if label_col else None
    rows: list[tuple[dt.date, float, str]] = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(di, ai, li or 0):
            raise CommandError(f"Line {line}: only {len(row)} columns, no {date_col!r} or {amount_col!r}.")
        day, amount = parse_date(row[di]), parse_amount(row[ai])
        if (day is None or amount is None) and skipped is not None:
            skipped.append(line)
            continue
        if day is None:
            raise CommandError(f"Line {line}: {date_col!r} is {row[di][:40]!r}, not a date.")
        if amount is None:
            raise CommandError(f"Line {line}: {amount_col!r} is {row[ai][:40]!r}, not an amount "
                               f"(--skip-bad-rows leaves such rows out).")
        spent = -amount if sign_convention == "negative-is-spend" else amount
        rows.append((day, float(spent), row[li].strip() if li is not None else ""))
    if not rows:
        raise CommandError(f"{path} has no data rows.")
    return rows


def demo_spending(*, months: int = 36) -> pd.Series:
    """The seed_demo history's daily spending (transfers between own accounts left out)."""

    rows = demo_rows(seed=42, months=months, today=dt.date(2026, 6, 30))
    spent = {}
    for row in rows:
        if row.amount < 0 and not (row.category or "").startswith("transfers."):
            spent[row.date] = spent.get(row.date, 0.0) + float(-row.amount)
    return forecasting.daily_frame(pd.Series(spent))


def complete_months(daily: pd.Series) -> pd.Series:
    """The daily series cut to whole calendar months."""
    first, last = daily.index.min().date(), daily.index.max().date()
    start = first if first.day == 1 else (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    end = last if last.day == calendar.monthrange(last.year, last.month)[1] else last.replace(day=1) - dt.timedelta(
        days=1)
    return daily[(daily.index >= pd.Timestamp(start)) & (daily.index <= pd.Timestamp(end))]


BASELINES = ("seasonal_naive", "three_month_mean")
CANDIDATES = ("ses", "theta", "robust_level")


def _baselines(values: np.ndarray, *, origin: int, target: int) -> dict[str, float]:
    """The two simple baselines the forecaster must beat, as the issue defines them."""
    return {
        "seasonal_naive": values[target - 12] if target - 12 >= 0 and origin >= 12 else values[origin - 1],
        "three_month_mean": float(values[max(origin - 3, 0):origin].mean()),
    }


def _forecaster_at(daily: pd.Series, monthly: pd.Series, *, origin: int, target: int, method: str) -> dict:
    """The forecaster's view at an origin: its total for the target month, the 80% band and the methods."""
    train_end = monthly.index[origin - 1].end_time.normalize()
    history = daily[daily.index <= train_end]
    target_period = monthly.index[target]
    start = (train_end + pd.Timedelta(days=1)).date()
    days = (target_period.end_time.normalize().date() - start).days + 1
    fit = forecasting.everyday_forecast(history, start=start, horizon_days=days, method=method)
    in_target = [i for i, d in enumerate(fit.dates) if d >= target_period.start_time.date()]
    chosen = list(fit.choice.methods) if fit.choice is not None else [fit.method]
    return {"month": str(target_period), "forecast": float(fit.yhat[in_target].sum()),
            "lower": float(fit.lower[in_target].sum()), "upper": float(fit.upper[in_target].sum()),
            "method": fit.method, "chosen": chosen}


@dataclass
class Backtest:
    """Each method's absolute errors (and scaled ones for MASE) over the origins, and the forecaster's view."""
    monthly: pd.Series
    errors: dict[str, list[float]]
    scaled: dict[str, list[float]]
    methods: dict[str, int] = field(default_factory=dict)
    per_origin: list[dict] = field(default_factory=list)


def backtest_run(daily: pd.Series, *, horizon: int = 1, min_train_months: int = 12, prophet: bool = False) -> Backtest:
    """Every method's forecast of every origin's target month, from the months before the origin only."""
    daily = complete_months(daily)
    monthly = daily.groupby(daily.index.to_period("M")).sum()
    n = len(monthly)
    if n < min_train_months + horizon:
        raise CommandError(f"Only {n} complete months of data; --min-train-months {min_train_months} with --horizon "
                           f"{horizon} needs at least {min_train_months + horizon}.")
    values = monthly.to_numpy(dtype=float)
    months = forecast_select.MonthHistory.from_daily(daily)
    keys = ["forecaster", *BASELINES, *CANDIDATES, *(["prophet"] if prophet else [])]
    run = Backtest(monthly=monthly, errors={key: [] for key in keys}, scaled={key: [] for key in keys})
    for origin in range(min_train_months, n - horizon + 1):
        target = origin + horizon - 1
        view = _forecaster_at(daily, monthly, origin=origin, target=target, method=forecasting.BACKTEST)
        run.methods[view["method"]] = run.methods.get(view["method"], 0) + 1
        seen = months.before(origin)
        predictions = {"forecaster": view["forecast"], **_baselines(values, origin=origin, target=target),
                       **{key: forecast_select.METHODS[key](seen, horizon) for key in CANDIDATES}}
        if prophet:
            predictions["prophet"] = _forecaster_at(daily, monthly, origin=origin, target=target,
                                                    method=forecasting.PROPHET)["forecast"]
        scale = float(np.mean(np.abs(np.diff(values[:origin])))) if origin > 1 else 0.0
        for key, predicted in predictions.items():
            error = abs(values[target] - predicted)
            run.errors[key].append(error)
            if scale > 0:
                run.scaled[key].append(error / scale)
        run.per_origin.append({**view, "actual": round(float(values[target]), 2),
                               "forecast": round(view["forecast"], 2), "lower": round(view["lower"], 2),
                               "upper": round(view["upper"], 2),
                               "inside": bool(view["lower"] <= values[target] <= view["upper"])})
    return run


def backtest(daily: pd.Series, *, horizon: int = 1, min_train_months: int = 12, prophet: bool = False) -> dict:
    """The backtest's figures: MAE and MASE per method, the improvement, the coverage, the methods chosen."""
    run = backtest_run(daily, horizon=horizon, min_train_months=min_train_months, prophet=prophet)
    monthly, values = run.monthly, run.monthly.to_numpy(dtype=float)
    return {
        "months": len(monthly), "first_month": str(monthly.index[0]), "last_month": str(monthly.index[-1]),
        "origins": len(run.errors["forecaster"]), "horizon": horizon, "min_train_months": min_train_months,
        "mean_monthly_spending": round(float(values.mean()), 2), "forecaster_methods": run.methods,
        "mae": {key: round(float(np.mean(v)), 2) for key, v in run.errors.items()},
        "mase": {key: (round(float(np.mean(v)), 3) if v else None) for key, v in run.scaled.items()},
        **_summary(run.errors, run.per_origin),
    }


def _summary(errors: dict[str, list[float]], per_origin: list[dict]) -> dict:
    """The improvement over the best baseline, the 80% band's coverage and the methods chosen per origin."""
    best = min(BASELINES, key=lambda key: float(np.mean(errors[key])))
    mae, best_mae = float(np.mean(errors["forecaster"])), float(np.mean(errors[best]))
    chosen: dict[str, int] = {}
    for row in per_origin:
        for name in row["chosen"]:
            chosen[name] = chosen.get(name, 0) + 1
    return {"best_baseline": best,
            "improvement": round(100 * (1 - mae / best_mae), 1) if best_mae > 0 else None,
            "coverage": round(float(np.mean([row["inside"] for row in per_origin])), 3) if per_origin else None,
            "chosen": chosen, "per_origin": per_origin}


def synthetic_backtest(*, households: int, seed: int, horizon: int, min_train_months: int) -> dict:
    """The backtest on each generated household, errors pooled; and the share of households won."""
    panel = synthetic_population(users=households, months=36, seed=seed)
    pooled: dict[str, list[float]] = {}
    per_origin: list[dict] = []
    won, counted = 0, 0
    for daily in synthetic_daily_spending(panel, seed=seed).values():
        if len(forecast_select.MonthHistory.from_daily(daily)) < min_train_months + horizon:
            continue
        run = backtest_run(daily, horizon=horizon, min_train_months=min_train_months)
        counted += 1
        won += float(np.mean(run.errors["forecaster"])) < min(float(np.mean(run.errors[k])) for k in BASELINES)
        for key, values in run.errors.items():
            pooled.setdefault(key, []).extend(values)
        per_origin += run.per_origin
    if not counted:
        raise CommandError("No generated household has enough months for these options.")
    summary = _summary(pooled, per_origin)
    del summary["per_origin"]
    return {"households": counted, "origins": len(per_origin), "horizon": horizon,
            "min_train_months": min_train_months, "mae": {k: round(float(np.mean(v)), 2) for k, v in pooled.items()},
            **summary, "households_won": round(won / counted, 3)}


class Command(BaseCommand):
    help = ("Rolling-origin backtest of monthly spending: the forecaster (a monthly blend chosen per series by its "
            "own backtest) against seasonal-naive and 3-month-mean baselines; prints MAE, MASE and the 80% band's "
            "coverage.")

    def add_arguments(self, parser):
        parser.add_argument("--csv", help="A bank CSV with one transaction a row.")
        parser.add_argument("--date-col")
        parser.add_argument("--amount-col")
        parser.add_argument("--sign-convention", choices=["negative-is-spend", "positive-is-spend"],
                            default="negative-is-spend")
        parser.add_argument("--horizon", type=int, default=1, help="Months ahead (default 1: the next month).")
        parser.add_argument("--min-train-months", type=int, default=12)
        parser.add_argument("--skip-bad-rows", action="store_true",
                            help="Leave out rows whose date or amount does not parse (counted in the output).")
        parser.add_argument("--demo", action="store_true", help="Use the seed_demo history (36 months) instead.")
        parser.add_argument("--synthetic", type=int, metavar="N",
                            help="Backtest N generated households (36 months each) and pool their errors.")
        parser.add_argument("--seed", type=int, default=0, help="--synthetic: the households' seed.")
        parser.add_argument("--prophet", action="store_true",
                            help="Also backtest Prophet alone (mae.prophet; one fit per origin, slow).")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        if options["horizon"] < 1 or options["min_train_months"] < 2:
            raise CommandError("--horizon must be at least 1 and --min-train-months at least 2.")
        if options["synthetic"] is not None:
            self._synthetic(options)
            return
        skipped: list[int] | None = [] if options["skip_bad_rows"] else None
        if options["demo"]:
            daily, source = demo_spending(), "seed_demo (seed 42, 36 months to 2026-06-30)"
        else:
            if not (options["csv"] and options["date_col"] and options["amount_col"]):
                raise CommandError("Give --csv, --date-col and --amount-col, --demo or --synthetic N.")
            daily = csv_spending(options["csv"], date_col=options["date_col"], amount_col=options["amount_col"],
                                 sign_convention=options["sign_convention"], skipped=skipped)
            source = options["csv"]
        result = {"source": source, **backtest(daily, horizon=options["horizon"],
                                               min_train_months=options["min_train_months"],
                                               prophet=options["prophet"])}
        if skipped is not None:
            result["skipped_rows"] = {"count": len(skipped), "first_lines": skipped[:10]}
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self.stdout.write(f"{source}: {result['months']} months ({result['first_month']} to {result['last_month']}),"
                          f" {result['origins']} origins, horizon {result['horizon']} month(s)")
        self._figures(result)

    def _synthetic(self, options) -> None:
        if not 1 <= options["synthetic"] <= 2000:
            raise CommandError("--synthetic must be between 1 and 2000 households.")
        result = {"source": f"synthetic households (seed {options['seed']})",
                  **synthetic_backtest(households=options["synthetic"], seed=options["seed"],
                                       horizon=options["horizon"], min_train_months=options["min_train_months"])}
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self.stdout.write(f"{result['source']}: {result['households']} households, {result['origins']} origins, "
                          f"horizon {result['horizon']} month(s); the forecaster beats both baselines on "
                          f"{result['households_won']:.0%} of the households")
        self._figures(result)

    def _figures(self, result: dict) -> None:
        """MAE (and MASE when computed) per method, then the improvement, the coverage and the methods chosen."""
        for key, mae in result["mae"].items():
            mase = result.get("mase", {}).get(key)
            self.stdout.write(f"  {key:<18} MAE {mae:>10.2f}" + (f"  MASE {mase}" if mase is not None else ""))
        self.stdout.write(f"  forecaster vs {result['best_baseline']}: {result['improvement']}% lower MAE; "
                          f"80% band holds the actual in {result['coverage']:.1%} of origins")
        chosen = ", ".join(f"{name} {count}" for name, count in sorted(result["chosen"].items(), key=lambda x: -x[1]))
        self.stdout.write(f"  methods chosen (per origin, two blended): {chosen}")
