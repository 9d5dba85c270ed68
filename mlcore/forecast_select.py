"""Monthly totals chosen per user by their own rolling-origin backtest, and the daily shape that spreads them.

Why: a month's spending is what people plan with, and on monthly backtests Prophet lost to the 3-month mean
(demo) and to seasonal naive (a real 44-month household), while costing ~0.3 s a fit. Cheap methods that
each win somewhere, judged on the user's own past months, do better and cost milliseconds.

- ``MonthHistory``: the complete calendar months of a daily series (totals, and each month's days).
- ``METHODS``: forecasts of a month's total from the months before it (numpy only, microseconds each):
  seasonal naive, 3-month mean, simple exponential smoothing (ETS(A,N,N)), Theta (SES with half the
  linear trend's drift, Hyndman & Billah 2003) and a robust 12-month level (the everyday days winsorized at
  their 90th percentile, plus the median month's excess over it: large one-offs at their typical size);
  and robust exponential smoothing (Gelper, Fried & Croux 2010: a month's surprise clipped at two scales
  before it moves the level, two surprising months in a row taken whole as a new level), with the Theta
  method and the 3-month mean on its cleaned months.
- ``month_select``: every ``CANDIDATES`` method (seasonal naive, the robust level and the three robust
  smoothers: judged by absolute error, whose best forecast is the median month, the plain means lose to
  their robust versions) forecasts each of the user's last ``SELECT_ORIGINS`` months from the months before
  it; the forecast is the mean of the pair whose mean had the lowest MAE there (a blend of two is steadier
  than the single winner of a dozen noisy origins, and a pair is judged as the blend it makes). The 80%
  band adds the 10% and 90% quantiles of the blend's own backtest errors (Weibull plotting positions,
  k/(n+1)), their distances from the median widened by sqrt(1 + 1/n), and is no narrower for a later
  month than for an earlier one.
- ``weekday_shape``: the daily forecast is each month's total spread over its days by the mean of each
  weekday over the last eight weeks; paths draw the month total from the backtest errors, so a balance
  band widens with the horizon.

statsforecast is not on this project's package index, and statsmodels' optimizers take milliseconds per
fit; these closed-form methods on 6-60 points need neither.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import math
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
HUBER_K = 2.0  # robust smoothing: a month's surprise counts up to 2 scales (Gelper, Fried & Croux 2010)
SCALE_LAMBDA = 0.1  # the scale's smoothing weight (ibid.)
SCALE_FLOOR = 0.05
BURN_IN = 3  # the first surprises are taken whole, and their root mean square starts the scale
# E[min(Z^2, k^2)] for a standard normal Z: the clipped squares' mean without outliers, so the scale stays unbiased.
_PHI_K = 0.5 * (1 + math.erf(HUBER_K / math.sqrt(2)))
HUBER_CONSISTENCY = (2 * _PHI_K - 1) - 2 * HUBER_K * math.exp(-HUBER_K ** 2 / 2) / math.sqrt(2 * math.pi) \
    + HUBER_K ** 2 * 2 * (1 - _PHI_K)

LABELS = {  # shown on the forecast page: what each method looks at, in the person's words
    "seasonal_naive": "the same month last year",
    "three_month_mean": "your last 3 months' average",
    "ses": "your recent months, the newest counting most",
    "theta": "your recent months with their trend",
    "robust_level": "your typical month over the last year",
    "robust_ses": "your recent months, the newest counting most, one-off months set aside",
    "robust_theta": "your recent months with their trend, one-off months set aside",
    "robust_three_month_mean": "your last 3 months' average, one-off months set aside",
    "prophet": "your weekly and yearly patterns",
}


@dataclass(frozen=True)
class MonthHistory:
    """The complete calendar months of a daily series: each month's days, totals and period."""
    periods: list[pd.Period]
    days: list[np.ndarray]
    totals: np.ndarray

    @classmethod
    def from_daily(cls, daily: pd.Series) -> MonthHistory:
        """Whole calendar months only: a partial first or last month would look like a drop in spending.
        The series is one value per consecutive day (mlcore.forecasting.daily_frame)."""
        if daily.empty:
            return cls(periods=[], days=[], totals=np.zeros(0))
        values = daily.to_numpy(dtype=float)
        years, months = daily.index.year.to_numpy(), daily.index.month.to_numpy()
        codes = years * 12 + months - 1
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        periods, days = [], []
        for start, chunk in zip(starts, np.split(values, starts[1:]), strict=True):
            if len(chunk) == calendar.monthrange(int(years[start]), int(months[start]))[1]:
                periods.append(pd.Period(year=int(years[start]), month=int(months[start]), freq="M"))
                days.append(chunk)
        return cls(periods=periods, days=days, totals=np.array([d.sum() for d in days], dtype=float))

    def __len__(self) -> int:
        return len(self.totals)

    def before(self, origin: int) -> MonthHistory:
        """The months before ``origin``: what a forecast made at that month's start could see."""
        return MonthHistory(periods=self.periods[:origin], days=self.days[:origin], totals=self.totals[:origin])

    def days_in(self, horizon: int) -> int:
        """The number of days of the month ``horizon`` months after the last one (1 = the next month)."""
        return int((self.periods[-1] + horizon).days_in_month)


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


@dataclass(frozen=True)
class RobustSmoothing:
    """Robust exponential smoothing of every prefix of a series, every alpha of the grid at once (columns).

    Gelper, Fried & Croux (2010): each month's surprise e = value - level is clipped at +-HUBER_K scales
    before it updates the level, so a one-off month moves the level as a typical surprise would; the
    cleaned month (level + clipped surprise) replaces it. The scale follows the clipped squared surprises
    (weight SCALE_LAMBDA, divided by their no-outlier mean HUBER_CONSISTENCY), started by the root mean
    square of the first BURN_IN surprises, which are taken whole. Each prefix's alpha has the least squared
    clipped one-step surprise on it. Two surprises beyond the clip in a row on the same side are a new
    level (new rent, spending resumed after quiet months) and are taken whole; the scale never falls below
    SCALE_FLOOR of the mean month so far (a flat start must not freeze the level). Row o of ``levels`` is
    the state after values[:o]: one pass serves every prefix, the same numbers as a run on the prefix alone."""
    levels: np.ndarray  # (n + 1, alphas): the level after values[:o]
    cleaned: np.ndarray  # (n, alphas): the cleaned series
    best: np.ndarray  # (n + 1,): the alpha column chosen on values[:o]

    @classmethod
    def run(cls, values: np.ndarray) -> RobustSmoothing:
        n, width = len(values), len(SES_ALPHAS)
        levels, cleaned = np.zeros((n + 1, width)), np.zeros((n, width))
        best = np.zeros(n + 1, dtype=int)
        level = np.full(width, values[0]) if n else np.zeros(width)
        levels[0], levels[min(1, n)] = level, level
        cleaned[:1] = values[:1, None]
        sse, squares, scale = np.zeros(width), np.zeros(width), np.full(width, np.inf)
        magnitude = abs(float(values[0])) if n else 0.0
        previous_side = np.zeros(width)
        for t in range(1, n):
            magnitude += abs(float(values[t]))
            best[t] = int(np.argmin(sse))
            error = values[t] - level
            clipped = np.clip(error, -HUBER_K * scale, HUBER_K * scale)
            # Two surprising months in a row on the same side are a new level, not one-offs: taken whole.
            side = np.sign(error) * (np.abs(error) > HUBER_K * scale)
            clipped = np.where((side != 0) & (side == previous_side), error, clipped)
            previous_side = side
            if t <= BURN_IN:
                squares += error * error
                if t == BURN_IN:
                    scale = np.sqrt(squares / BURN_IN)
            else:
                scale = np.sqrt(SCALE_LAMBDA * clipped * clipped / HUBER_CONSISTENCY
                                + (1 - SCALE_LAMBDA) * scale * scale)
            scale = np.maximum(scale, SCALE_FLOOR * magnitude / (t + 1))
            sse += clipped * clipped
            cleaned[t] = level + clipped
            level = level + SES_ALPHAS * clipped
            levels[t + 1] = level
        best[n] = int(np.argmin(sse))
        return cls(levels=levels, cleaned=cleaned, best=best)

    def level(self, o: int) -> float:
        return float(self.levels[o, self.best[o]])

    def alpha(self, o: int) -> float:
        return float(SES_ALPHAS[self.best[o]])


def _theta_drift(slope: float, alpha: float, n: int, horizon: int) -> float:
    """Theta's drift: half the linear trend's slope over the SES horizon (Hyndman & Billah 2003)."""
    return slope / 2 * (horizon - 1 + 1 / alpha - (1 - alpha) ** n / alpha)


def _slope(values: np.ndarray) -> float:
    """The least-squares slope of values against 0..n-1 (0 for two points or fewer)."""
    if len(values) <= 2:
        return 0.0
    x = np.arange(len(values)) - (len(values) - 1) / 2
    return float(x @ (values - values.mean()) / (x @ x))


def _smoothed(smooth: RobustSmoothing, name: str, o: int, horizon: int) -> float:
    """A robust smoother's forecast ``horizon`` months after values[:o], from the one pass's row o."""
    column = smooth.best[o]
    if name == "robust_three_month_mean":
        return float(smooth.cleaned[max(o - 3, 0):o, column].mean())
    level = float(smooth.levels[o, column])
    if name == "robust_theta":
        return level + _theta_drift(_slope(smooth.cleaned[:o, column]), smooth.alpha(o), o, horizon)
    return level


def robust_ses(history: MonthHistory, horizon: int) -> float:
    """Robust exponential smoothing: the level with one-off months clipped to a typical surprise, flat."""
    return _smoothed(RobustSmoothing.run(history.totals), "robust_ses", len(history), horizon)


def robust_theta(history: MonthHistory, horizon: int) -> float:
    """The Theta method on the cleaned series: robust SES plus half the cleaned months' linear trend."""
    return _smoothed(RobustSmoothing.run(history.totals), "robust_theta", len(history), horizon)


def robust_three_month_mean(history: MonthHistory, horizon: int) -> float:
    """The mean of the last three cleaned months: a one-off month counts as a typical surprise."""
    return _smoothed(RobustSmoothing.run(history.totals), "robust_three_month_mean", len(history), horizon)


ROBUST_SMOOTHERS = ("robust_ses", "robust_theta", "robust_three_month_mean")


def _on_prefixes(smooth: RobustSmoothing, name: str) -> Callable[[MonthHistory, int], float]:
    """The smoother ``name`` for any prefix of the series ``smooth`` ran on, read from its row (no new run)."""
    return lambda prefix, horizon: _smoothed(smooth, name, len(prefix), horizon)


MonthMethod = Callable[[MonthHistory, int], float]
METHODS: dict[str, MonthMethod] = {
    "seasonal_naive": seasonal_naive,
    "three_month_mean": three_month_mean,
    "ses": ses,
    "theta": theta,
    "robust_level": robust_level,
    "robust_ses": robust_ses,
    "robust_theta": robust_theta,
    "robust_three_month_mean": robust_three_month_mean,
}
# The methods month_select judges: under absolute error the best forecast is the median month, and the
# plain means (3-month mean, SES, Theta) chase one-off months; their robust versions take their place.
CANDIDATES = ("seasonal_naive", "robust_level", "robust_ses", "robust_theta", "robust_three_month_mean")


@dataclass(frozen=True)
class MonthChoice:
    """The chosen blend, its backtest and the monthly forecasts it gives."""
    methods: tuple[str, ...]
    backtest_mae: dict[str, float]  # per method, on the judged months
    errors: list[np.ndarray]  # per horizon month: the blend's signed errors (actual - forecast) that far ahead
    totals: np.ndarray  # per horizon month (1, 2, ...)
    lower: np.ndarray
    upper: np.ndarray
    judged_months: int

    def describe(self) -> str:
        """The methods in words, for the page's note."""
        return " and ".join(LABELS.get(name, name) for name in self.methods)


def _ses_prefixes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_ses_fit`` of every prefix values[:o] (o = 1..n) in one pass: the level and alpha per prefix length.

    The recursion's state before it reads values[o] is exactly its final state on values[:o]."""
    level = np.full(len(SES_ALPHAS), values[0])
    sse = np.zeros(len(SES_ALPHAS))
    levels, alphas = np.zeros(len(values) + 1), np.zeros(len(values) + 1)
    for o in range(1, len(values) + 1):
        best = int(np.argmin(sse))
        levels[o], alphas[o] = level[best], SES_ALPHAS[best]
        if o < len(values):
            error = values[o] - level
            sse += error * error
            level = level + SES_ALPHAS * error
    return levels, alphas


def _trend_slopes(values: np.ndarray) -> np.ndarray:
    """The least-squares slope of values[:o] against 0..o-1 for every o (0 while o <= 2), from running sums."""
    x = np.arange(len(values), dtype=float)
    o = np.arange(1, len(values) + 1, dtype=float)
    sx, sy, sxx, sxy = np.cumsum(x), np.cumsum(values), np.cumsum(x * x), np.cumsum(x * values)
    denominator = o * sxx - sx * sx
    slopes = np.divide(o * sxy - sx * sy, denominator, out=np.zeros(len(values)), where=denominator > 0)
    slopes[o <= 2] = 0.0
    return np.concatenate([[0.0], slopes])


def _one_step_forecasts(history: MonthHistory, judged: list[int]) -> dict[str, np.ndarray]:
    """Each method's forecast of each judged month from the months before it, the recursive methods run once
    over the whole history instead of once per month (the same numbers as calling them, far fewer steps)."""
    values = history.totals
    levels, alphas = _ses_prefixes(values)
    slopes = _trend_slopes(values)
    origins = np.array(judged)
    theta_drift = slopes[origins] / 2 * (1 / alphas[origins] - (1 - alphas[origins]) ** origins / alphas[origins])
    smooth = RobustSmoothing.run(values)
    return {
        "seasonal_naive": np.where(origins >= 12, values[np.maximum(origins - 12, 0)], values[origins - 1]),
        "three_month_mean": np.array([values[max(o - 3, 0):o].mean() for o in judged]),
        "ses": levels[origins],
        "theta": levels[origins] + theta_drift,
        "robust_level": _robust_levels(history, judged),
        **{name: np.array([_smoothed(smooth, name, o, 1) for o in judged]) for name in ROBUST_SMOOTHERS},
    }


def _robust_levels(history: MonthHistory, judged: list[int]) -> np.ndarray:
    """``robust_level`` of each judged month from the months before it, on slices of one array of days."""
    days = np.concatenate(history.days)
    starts = np.concatenate([[0], np.cumsum([len(month) for month in history.days])])
    levels = np.zeros(len(judged))
    for i, o in enumerate(judged):
        first = max(o - ROBUST_MONTHS, 0)
        window = days[starts[first]:starts[o]]
        cap = float(np.quantile(window, ROBUST_CAP_QUANTILE))
        excess = np.add.reduceat(np.maximum(window - cap, 0.0), starts[first:o] - starts[first])
        length = (history.periods[o - 1] + 1).days_in_month
        levels[i] = float(np.minimum(window, cap).mean()) * length + float(np.median(excess))
    return levels


def month_backtest(history: MonthHistory, *, methods: dict[str, MonthMethod] | None = None,
                   origins: int = SELECT_ORIGINS) -> tuple[list[int], dict[str, np.ndarray]]:
    """Each method's forecast (clipped at zero) of each of the last ``origins`` months, from the months before
    it (at least MIN_TRAIN_MONTHS)."""
    judged = list(range(max(MIN_TRAIN_MONTHS, len(history) - origins), len(history)))
    if methods is None or methods is METHODS:
        fast = _one_step_forecasts(history, judged)
        return judged, {name: np.clip(values, 0, None) for name, values in fast.items()}
    rows = [{name: max(method(history.before(o), 1), 0.0) for name, method in methods.items()} for o in judged]
    return judged, {name: np.array([row[name] for row in rows]) for name in methods}


def month_select(history: MonthHistory, *, horizons: int, methods: dict[str, MonthMethod] | None = None,
                 blend: int = BLEND) -> MonthChoice:
    """The blend (mean) of ``blend`` candidate methods with the lowest backtest MAE on the user's own months,
    its forecasts for the next ``horizons`` months, and an 80% band from the blend's backtest errors.

    Every set of ``blend`` candidates is judged as the blend it would be (ten pairs of five): two methods
    that err on opposite sides of the actual make a better pair than the two best alone, which often err
    alike."""
    if len(history) < MIN_MONTHS:
        raise ValueError(f"{len(history)} complete months; a backtest needs {MIN_MONTHS}")
    if methods is None:
        judged, every = month_backtest(history)
        smooth = RobustSmoothing.run(history.totals)  # every forecast below is from a prefix of this history
        methods = {name: _on_prefixes(smooth, name) if name in ROBUST_SMOOTHERS else METHODS[name]
                   for name in CANDIDATES}
        predicted = {name: every[name] for name in CANDIDATES}
    else:
        judged, predicted = month_backtest(history, methods=methods)
    actual = history.totals[judged]
    mae = {name: float(np.mean(np.abs(actual - values))) for name, values in predicted.items()}
    blend_mae = {group: float(np.mean(np.abs(actual - np.mean([predicted[name] for name in group], axis=0))))
                 for group in itertools.combinations(sorted(predicted), min(blend, len(predicted)))}
    chosen = min(blend_mae, key=lambda group: (blend_mae[group], group))
    errors = [actual - np.mean([predicted[name] for name in chosen], axis=0)]
    errors += [_blend_errors(history, chosen, methods, judged=judged, horizon=h) for h in range(2, horizons + 1)]
    totals = np.array([max(np.mean([methods[name](history, h) for name in chosen]), 0.0)
                       for h in range(1, horizons + 1)])
    bands = np.array([_band(e) for e in errors])
    # A month further ahead is no surer than a nearer one: its band is at least as wide on either side.
    bands[:, 0] = np.minimum.accumulate(bands[:, 0])
    bands[:, 1] = np.maximum.accumulate(bands[:, 1])
    return MonthChoice(methods=chosen, backtest_mae={k: round(v, 2) for k, v in mae.items()}, errors=errors,
                       totals=totals, lower=np.clip(totals + bands[:, 0], 0, None),
                       upper=np.maximum(totals + bands[:, 1], totals), judged_months=len(judged))


def _band(errors: np.ndarray) -> np.ndarray:
    """The 10% and 90% quantiles of the backtest errors (Weibull positions), their distances from the median
    widened by sqrt(1 + 1/n): a new month's error spreads more than the n judged ones say (the factor of a
    normal prediction interval), and the blend was chosen for its small errors on those very months."""
    low, middle, high = np.quantile(errors, (INTERVAL[0], 0.5, INTERVAL[1]), method="weibull")
    widen = math.sqrt(1 + 1 / len(errors))
    return np.array([middle + (low - middle) * widen, middle + (high - middle) * widen])


def _blend_errors(history: MonthHistory, chosen: tuple[str, ...], methods: dict[str, MonthMethod], *,
                  judged: list[int], horizon: int) -> np.ndarray:
    """The blend's errors ``horizon`` months ahead on the judged months (made ``horizon`` months before each):
    next month's band is wider than this month's when the errors grow with the distance."""
    errors = [history.totals[o] - max(np.mean([methods[name](history.before(o - horizon + 1), horizon)
                                               for name in chosen]), 0.0)
              for o in judged if o - horizon + 1 >= MIN_TRAIN_MONTHS]
    return np.array(errors) if len(errors) >= 2 else _blend_errors(history, chosen, methods, judged=judged,
                                                                   horizon=horizon - 1)


def weekday_weights(daily: pd.Series) -> np.ndarray:
    """The mean of each weekday (Monday first) over the last eight weeks, as relative weights; equal weights
    when those weeks spent nothing."""
    recent = daily.iloc[-SHAPE_DAYS:]
    weekdays = recent.index.day_of_week.to_numpy()
    sums = np.bincount(weekdays, weights=recent.to_numpy(dtype=float), minlength=7)
    counts = np.bincount(weekdays, minlength=7)
    means = np.divide(sums, counts, out=np.zeros(7), where=counts > 0)
    return means / means.sum() if means.sum() > 0 else np.full(7, 1 / 7)


def month_offset(day: dt.date, last: pd.Period) -> int:
    """How many months after the last complete month ``day`` falls (1 = the month after it)."""
    return int((day.year - last.year) * 12 + day.month - last.month)


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
