"""Monthly totals chosen per user by their own rolling-origin backtest, and the daily shape that spreads them.

Why: a month's spending is what people plan with, and on monthly backtests Prophet lost to the 3-month mean
(demo) and to seasonal naive (a real 44-month household), while costing ~0.3 s a fit. Cheap methods that
each win somewhere, judged on the user's own past months, do better and cost milliseconds.

- ``MonthHistory``: the complete calendar months of a daily series (totals, and each month's days).
- ``METHODS``: forecasts of a month's total from the months before it (numpy only, microseconds each):
  seasonal naive, 3-month mean, simple exponential smoothing (ETS(A,N,N)), Theta (SES with half the
  linear trend's drift, Hyndman & Billah 2003) and a robust 12-month level (the everyday days winsorized at
  their 90th percentile, plus the median month's excess over it: large one-offs at their typical size).
- ``month_select``: every method forecasts each of the user's last ``SELECT_ORIGINS`` months from the
  months before it; the forecast is the mean of the ``BLEND`` methods with the lowest MAE there (a blend of
  two is steadier than the single winner of a dozen noisy origins). The 80% band adds the 10% and 90%
  quantiles of the blend's own backtest errors (Weibull plotting positions, k/(n+1): unbiased coverage for
  a small sample of errors).
- ``weekday_shape``: the daily forecast is each month's total spread over its days by the mean of each
  weekday over the last eight weeks; paths draw the month total from the backtest errors, so a balance
  band widens with the horizon.

statsforecast is not on this project's package index, and statsmodels' optimizers take milliseconds per
fit; these closed-form methods on 6-60 points need neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

SELECT_ORIGINS = 12  # the user's last months each method is judged on
MIN_TRAIN_MONTHS = 3  # months a method needs before the first judged month
MIN_MONTHS = 6  # complete months before a backtest can choose (3 judged months at least)
BLEND = 2
INTERVAL = (0.1, 0.9)
ROBUST_CAP_QUANTILE = 0.9
ROBUST_MONTHS = 12
SHAPE_DAYS = 56
SES_ALPHAS = np.linspace(0.05, 0.95, 19)

LABELS = {
    "seasonal_naive": "the same month last year",
    "three_month_mean": "the mean of the last 3 months",
    "ses": "exponential smoothing",
    "theta": "the Theta method",
    "robust_level": "your typical month over the last year",
    "prophet": "Prophet",
}


@dataclass(frozen=True)
class MonthHistory:
    """The complete calendar months of a daily series: each month's days, totals and period."""
    periods: list[pd.Period]
    days: list[np.ndarray]
    totals: np.ndarray

    @classmethod
    def from_daily(cls, daily: pd.Series) -> MonthHistory:
        """Whole calendar months only: a partial first or last month would look like a drop in spending."""
        if daily.empty:
            return cls(periods=[], days=[], totals=np.zeros(0))
        months = daily.index.to_period("M")
        periods, days = [], []
        for period, values in daily.groupby(months):
            if len(values) == period.days_in_month:
                periods.append(period)
                days.append(values.to_numpy(dtype=float))
        return cls(periods=periods, days=days, totals=np.array([d.sum() for d in days], dtype=float))

    def __len__(self) -> int:
        return len(self.totals)

    def before(self, origin: int) -> MonthHistory:
        """The months before ``origin``: what a forecast made at that month's start could see."""
        return MonthHistory(periods=self.periods[:origin], days=self.days[:origin], totals=self.totals[:origin])

    def days_in(self, horizon: int) -> int:
        """The number of days of the month ``horizon`` months after the last one (1 = the next month)."""
        return (self.periods[-1] + horizon).days_in_month


def seasonal_naive(history: MonthHistory, horizon: int) -> float:
    """The same month a year before; the last month while there is less than a year."""
    n = len(history)
    back = n - 12 + horizon - 1
    return float(history.totals[back]) if n >= 12 and back < n else float(history.totals[-1])


def three_month_mean(history: MonthHistory, horizon: int) -> float:
    """The mean of the last three months."""
    return float(history.totals[-3:].mean())


def _ses_fit(values: np.ndarray) -> tuple[float, float]:
    """Simple exponential smoothing: the final level and the alpha with the least one-step squared error,
    every alpha of the grid run at once (a vector of levels)."""
    level = np.full(len(SES_ALPHAS), values[0])
    sse = np.zeros(len(SES_ALPHAS))
    for value in values[1:]:
        error = value - level
        sse += error * error
        level = level + SES_ALPHAS * error
    best = int(np.argmin(sse))
    return float(level[best]), float(SES_ALPHAS[best])


def ses(history: MonthHistory, horizon: int) -> float:
    """ETS(A,N,N): the smoothed level, flat over the horizon."""
    return _ses_fit(history.totals)[0]


def theta(history: MonthHistory, horizon: int) -> float:
    """The Theta method: SES plus half the slope of the linear trend, as drift (Hyndman & Billah 2003)."""
    values = history.totals
    level, alpha = _ses_fit(values)
    n = len(values)
    slope = float(np.polyfit(np.arange(n), values, 1)[0]) if n > 2 else 0.0
    return level + slope / 2 * (horizon - 1 + 1 / alpha - (1 - alpha) ** n / alpha)


def robust_level(history: MonthHistory, horizon: int) -> float:
    """The last year's everyday days winsorized at their 90th percentile, per day times the target month's
    days, plus the median month's excess over that cap: rare large purchases at their typical size."""
    recent = history.days[-ROBUST_MONTHS:]
    days = np.concatenate(recent)
    cap = float(np.quantile(days, ROBUST_CAP_QUANTILE))
    excess = [float((month - np.minimum(month, cap)).sum()) for month in recent]
    return float(np.minimum(days, cap).mean()) * history.days_in(horizon) + float(np.median(excess))


MonthMethod = Callable[[MonthHistory, int], float]
METHODS: dict[str, MonthMethod] = {
    "seasonal_naive": seasonal_naive,
    "three_month_mean": three_month_mean,
    "ses": ses,
    "theta": theta,
    "robust_level": robust_level,
}


@dataclass(frozen=True)
class MonthChoice:
    """The chosen blend, its backtest and the monthly forecasts it gives."""
    methods: tuple[str, ...]
    backtest_mae: dict[str, float]  # per method, on the judged months
    errors: np.ndarray  # the blend's signed errors (actual - forecast) on the judged months
    totals: np.ndarray  # per horizon month (1, 2, ...)
    lower: np.ndarray
    upper: np.ndarray
    judged_months: int

    def describe(self) -> str:
        """The methods in words, for the page's note."""
        return " and ".join(LABELS.get(name, name) for name in self.methods)


def _forecasts_at(history: MonthHistory, origin: int, methods: dict[str, MonthMethod]) -> dict[str, float]:
    """Every method's forecast of month ``origin`` from the months before it."""
    seen = history.before(origin)
    return {name: max(method(seen, 1), 0.0) for name, method in methods.items()}


def month_backtest(history: MonthHistory, *, methods: dict[str, MonthMethod] | None = None,
                   origins: int = SELECT_ORIGINS) -> tuple[list[int], dict[str, np.ndarray]]:
    """Each method's forecast of each of the last ``origins`` months (at least MIN_TRAIN_MONTHS before)."""
    methods = methods or METHODS
    judged = list(range(max(MIN_TRAIN_MONTHS, len(history) - origins), len(history)))
    rows = [_forecasts_at(history, origin, methods) for origin in judged]
    return judged, {name: np.array([row[name] for row in rows]) for name in methods}


def month_select(history: MonthHistory, *, horizons: int, methods: dict[str, MonthMethod] | None = None,
                 blend: int = BLEND) -> MonthChoice:
    """The blend of the ``blend`` methods with the lowest backtest MAE on the user's own months, its
    forecasts for the next ``horizons`` months, and an 80% band from the blend's backtest errors."""
    methods = methods or METHODS
    if len(history) < MIN_MONTHS:
        raise ValueError(f"{len(history)} complete months; a backtest needs {MIN_MONTHS}")
    judged, predicted = month_backtest(history, methods=methods)
    actual = history.totals[judged]
    mae = {name: float(np.mean(np.abs(actual - values))) for name, values in predicted.items()}
    chosen = tuple(sorted(mae, key=lambda name: (mae[name], name))[:blend])
    errors = actual - np.mean([predicted[name] for name in chosen], axis=0)
    totals = np.array([max(np.mean([methods[name](history, h) for name in chosen]), 0.0)
                       for h in range(1, horizons + 1)])
    low, high = np.quantile(errors, INTERVAL, method="weibull")
    return MonthChoice(methods=chosen, backtest_mae={k: round(v, 2) for k, v in mae.items()}, errors=errors,
                       totals=totals, lower=np.clip(totals + low, 0, None), upper=np.maximum(totals + high, totals),
                       judged_months=len(judged))


def weekday_weights(daily: pd.Series) -> np.ndarray:
    """The mean of each weekday (Monday first) over the last eight weeks, as relative weights; equal weights
    when those weeks spent nothing."""
    recent = daily.iloc[-SHAPE_DAYS:]
    means = np.array([recent[recent.index.day_of_week == weekday].mean() if len(recent) else 0.0
                      for weekday in range(7)], dtype=float)
    means = np.nan_to_num(means)
    return means / means.sum() if means.sum() > 0 else np.full(7, 1 / 7)


def month_offset(day: dt.date, last: pd.Period) -> int:
    """How many months after the last complete month ``day`` falls (1 = the month after it)."""
    return (day.year - last.year) * 12 + day.month - last.month


def weekday_shape(dates: list[dt.date], *, weights: np.ndarray, last: pd.Period) -> tuple[np.ndarray, np.ndarray]:
    """Each date's share of its month's total (by weekday weight over the whole month) and its month offset."""
    shares, offsets = np.zeros(len(dates)), np.zeros(len(dates), dtype=int)
    month_weight: dict[tuple[int, int], float] = {}
    for i, day in enumerate(dates):
        key = (day.year, day.month)
        if key not in month_weight:
            first = day.replace(day=1)
            month_days = pd.Period(first, "M").days_in_month
            month_weight[key] = float(sum(weights[(first + dt.timedelta(days=n)).weekday()]
                                          for n in range(month_days)))
        shares[i] = weights[day.weekday()] / month_weight[key]
        offsets[i] = month_offset(day, last)
    return shares, offsets
