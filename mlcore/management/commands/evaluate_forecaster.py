"""Rolling-origin backtest of monthly spending: the forecaster against two baselines.

For each origin month from --min-train-months on, every model sees only the daily spending before that
month and predicts the spending of the month --horizon months later (1 = the origin month itself):
- forecaster: mlcore.forecasting.everyday_forecast on the daily series (Prophet; the heuristic only if
  Prophet fails), its daily forecasts summed over the target month;
- seasonal naive: the same month a year before (the last month while there are fewer than 12 months);
- 3-month mean: the mean of the last three months.
MAE is in the file's money; MASE divides each absolute error by the in-sample MAE of the one-month naive
forecast on that origin's training months (Hyndman & Koehler 2006, rolling origin), then averages.
Only complete calendar months count: a partial first or last month is dropped.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand, CommandError

from mlcore.management.csv_cells import parse_amount, parse_date
from mlcore import forecasting
from transactions.management.commands.seed_demo import demo_rows

def csv_spending(path: str, *, date_col: str, amount_col: str, sign_convention: str,
                 skipped: list[int] | None = None) -> pd.Series:
    """Daily spending (positive) from a bank CSV; a bad file, column or row is a CommandError naming it.

    With ``skipped`` (a list), a row whose date or amount does not parse is left out and its line number
    appended instead."""
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"No such file: {path}")
    raw = file.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text.splitlines(), dialect)
    header = next(reader, None)
    if not header:
        raise CommandError(f"{path} is empty.")
    header = [name.strip() for name in header]
    for wanted, option in ((date_col, "--date-col"), (amount_col, "--amount-col")):
        if wanted not in header:
            raise CommandError(f"Column {wanted!r} ({option}) is not in {path}; its columns are: {', '.join(header)}")
    di, ai = header.index(date_col), header.index(amount_col)
    days: dict[dt.date, float] = {}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(di, ai):
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
        days[day] = days.get(day, 0.0) + max(float(spent), 0.0)
    if not days:
        raise CommandError(f"{path} has no data rows.")
    return forecasting.daily_frame(pd.Series(days))


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


def backtest(daily: pd.Series, *, horizon: int = 1, min_train_months: int = 12) -> dict:
    daily = complete_months(daily)
    monthly = daily.groupby(daily.index.to_period("M")).sum()
    n = len(monthly)
    if n < min_train_months + horizon:
        raise CommandError(f"Only {n} complete months of data; --min-train-months {min_train_months} with --horizon "
                           f"{horizon} needs at least {min_train_months + horizon}.")
    values = monthly.to_numpy(dtype=float)
    errors: dict[str, list[float]] = {"forecaster": [], "seasonal_naive": [], "three_month_mean": []}
    scaled: dict[str, list[float]] = {key: [] for key in errors}
    methods: dict[str, int] = {}
    for origin in range(min_train_months, n - horizon + 1):
        target = origin + horizon - 1
        train_end = monthly.index[origin - 1].end_time.normalize()
        history = daily[daily.index <= train_end]
        target_period = monthly.index[target]
        start = (train_end + pd.Timedelta(days=1)).date()
        days = (target_period.end_time.normalize().date() - start).days + 1
        fit = forecasting.everyday_forecast(history, start=start, horizon_days=days)
        methods[fit.method] = methods.get(fit.method, 0) + 1
        in_target = [i for i, d in enumerate(fit.dates) if d >= target_period.start_time.date()]
        predictions = {
            "forecaster": float(fit.yhat[in_target].sum()),
            "seasonal_naive": values[target - 12] if target - 12 >= 0 and origin >= 12 else values[origin - 1],
            "three_month_mean": float(values[max(origin - 3, 0):origin].mean()),
        }
        scale = float(np.mean(np.abs(np.diff(values[:origin])))) if origin > 1 else 0.0
        for key, predicted in predictions.items():
            error = abs(values[target] - predicted)
            errors[key].append(error)
            if scale > 0:
                scaled[key].append(error / scale)
    return {
        "months": n, "first_month": str(monthly.index[0]), "last_month": str(monthly.index[-1]),
        "origins": len(errors["forecaster"]), "horizon": horizon, "min_train_months": min_train_months,
        "mean_monthly_spending": round(float(values.mean()), 2), "forecaster_methods": methods,
        "mae": {key: round(float(np.mean(v)), 2) for key, v in errors.items()},
        "mase": {key: (round(float(np.mean(v)), 3) if v else None) for key, v in scaled.items()},
    }


class Command(BaseCommand):
    help = "Rolling-origin backtest of monthly spending: the forecaster (Prophet) against seasonal-naive and " \
           "3-month-mean baselines; prints MAE and MASE."

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
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        if options["horizon"] < 1 or options["min_train_months"] < 2:
            raise CommandError("--horizon must be at least 1 and --min-train-months at least 2.")
        skipped: list[int] | None = [] if options["skip_bad_rows"] else None
        if options["demo"]:
            daily, source = demo_spending(), "seed_demo (seed 42, 36 months to 2026-06-30)"
        else:
            if not (options["csv"] and options["date_col"] and options["amount_col"]):
                raise CommandError("Give --csv, --date-col and --amount-col, or --demo.")
            daily = csv_spending(options["csv"], date_col=options["date_col"], amount_col=options["amount_col"],
                                 sign_convention=options["sign_convention"], skipped=skipped)
            source = options["csv"]
        result = {"source": source, **backtest(daily, horizon=options["horizon"],
                                               min_train_months=options["min_train_months"])}
        if skipped is not None:
            result["skipped_rows"] = {"count": len(skipped), "first_lines": skipped[:10]}
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self.stdout.write(f"{source}: {result['months']} months ({result['first_month']} to {result['last_month']}),"
                          f" {result['origins']} origins, horizon {result['horizon']} month(s)")
        for key in ("forecaster", "seasonal_naive", "three_month_mean"):
            self.stdout.write(f"  {key:<18} MAE {result['mae'][key]:>10.2f}  MASE {result['mase'][key]}")
