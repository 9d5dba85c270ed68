"""Daily forecasts of one series: monthly totals chosen by the user's own backtest, spread over the days.

Pure: a daily series in (a pandas Series of floats indexed by date, one value per day, zeros included),
an ``EverydayForecast`` out. Nothing here reads the database; insights.forecasts builds the series (with
known bills and salary taken out), calls ``everyday_forecast`` and adds the scheduled flows back.

- Backtest (``BACKTEST``, six complete months or more): mlcore.forecast_select judges cheap monthly methods
  (seasonal naive, 3-month mean, exponential smoothing, Theta, a robust 12-month level) on the user's last
  12 months and blends the two closest; each month's total is spread over its days by the weekday profile of
  the last eight weeks. Milliseconds, where a Prophet fit took ~0.3 s and lost on monthly backtests
  (evaluate_forecaster). The 80% interval and the paths come from the blend's own backtest errors.
- Prophet: only when a caller asks for it (``method=PROPHET``); kept for comparison in evaluate_forecaster
  (--prophet), where it lost to the blend and to the 3-month mean on the demo.

All methods return, besides the point forecast and its 80% interval, ``samples``: simulated paths
(days x paths) of the series. A balance interval is the quantiles of the cumulative sum of those paths,
which keeps the day-to-day dependence a per-day interval would lose.

- Prophet: weekly seasonality, plus yearly with at least two years of history; ``interval_width`` 0.8;
  the paths are Prophet's ``predictive_samples`` (trend and observation noise). The daily point and lower
  bound are clipped at zero (money out, or in, is never negative); the paths are not, so that their sums
  over a month or a balance stay centred on the point forecast instead of drifting up by the clipped tail.
- Heuristic (less than six complete months of history, an all-zero series, or a failure of the learned
  forecast): the mean by weekday of the last eight weeks (or of all the history when shorter); the
  interval is the 10% and 90% empirical quantiles of that weekday's days; the paths draw each day from
  that weekday's days.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mlcore import forecast_select
from mlcore.forecast_select import MonthChoice, MonthHistory

PROPHET = "prophet"
HEURISTIC = "heuristic"
BACKTEST = "backtest"
MIN_PROPHET_DAYS = 60
# Yearly seasonality from two years: with one to two years it overfitted the backtest (evaluate_forecaster
# --demo: MAE 688 with it from one year, 479 from two years, against 425 for the 3-month mean).
YEARLY_SEASONALITY_DAYS = 730
HEURISTIC_WINDOW_DAYS = 56
INTERVAL_WIDTH = 0.8
SAMPLES = 200

# Prophet fits and monthly backtests in this process; tests read them to prove that a page view never fits.
PROPHET_FITS = 0
BACKTESTS = 0


@dataclass(frozen=True)
class EverydayForecast:
    method: str  # BACKTEST, PROPHET or HEURISTIC
    note: str  # why the heuristic, or what Prophet used
    dates: list[dt.date]
    yhat: np.ndarray  # per day, >= 0
    lower: np.ndarray
    upper: np.ndarray
    samples: np.ndarray  # days x paths; Prophet's may dip below zero on a day (see the module docstring)
    history_days: int
    fit_ms: int
    # Why the heuristic: "short_history", "failed", "all_zero" (nothing to learn: zero is the forecast), or "".
    fallback: str = ""
    choice: MonthChoice | None = None  # BACKTEST: the methods chosen, their backtest and the monthly totals


def _quiet_prophet():
    """Import Prophet with its chatter off (cmdstanpy's progress lines, the missing-plotly notice)."""
    logging.getLogger("prophet.plot").disabled = True
    from prophet import Prophet  # noqa: PLC0415 - heavy (Stan, matplotlib): loaded by the first fit, not by every web worker

    # After the import, which sets its own levels. Prophet warns about yearly seasonality on 1-2 years of
    # history: we enable it knowingly from one year, so only its errors are worth a log line.
    logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
    logging.getLogger("prophet").setLevel(logging.ERROR)
    return Prophet


def daily_frame(values: pd.Series, *, until: dt.date | None = None) -> pd.Series:
    """One float per calendar day from the first day to ``until`` (or the last day), missing days as 0."""
    if values.empty:
        return pd.Series(dtype=float)
    values = values.astype(float)
    values.index = pd.to_datetime(values.index)
    values = values.groupby(level=0).sum()
    end = pd.Timestamp(until) if until is not None else values.index.max()
    days = pd.date_range(values.index.min(), end, freq="D")
    return values.reindex(days, fill_value=0.0)


def _future_dates(start: dt.date, horizon_days: int) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range(horizon_days)]


def heuristic_forecast(history: pd.Series, *, start: dt.date, horizon_days: int, note: str,
                       samples: int = SAMPLES, seed: int = 0, fallback: str = "") -> EverydayForecast:
    """Mean by weekday of the last eight weeks, 10%/90% quantiles of that weekday, paths drawn from its days."""
    began = time.perf_counter()
    dates = _future_dates(start, horizon_days)
    window = history.iloc[-HEURISTIC_WINDOW_DAYS:] if len(history) else history
    rng = np.random.default_rng(seed)
    quantiles = ((1 - INTERVAL_WIDTH) / 2, 1 - (1 - INTERVAL_WIDTH) / 2)
    by_weekday: dict[int, np.ndarray] = {}
    for weekday in range(7):
        picked = window[window.index.day_of_week == weekday].to_numpy(dtype=float) if len(window) else np.array([])
        by_weekday[weekday] = picked if len(picked) else (window.to_numpy(dtype=float) if len(window) else
                                                           np.zeros(1))
    yhat = np.array([by_weekday[d.weekday()].mean() for d in dates]) if dates else np.zeros(0)
    lower = np.array([np.quantile(by_weekday[d.weekday()], quantiles[0]) for d in dates]) if dates else np.zeros(0)
    upper = np.array([np.quantile(by_weekday[d.weekday()], quantiles[1]) for d in dates]) if dates else np.zeros(0)
    paths = np.vstack([rng.choice(by_weekday[d.weekday()], size=samples) for d in dates]) if dates else \
        np.zeros((0, samples))
    return EverydayForecast(method=HEURISTIC, note=note, dates=dates, yhat=yhat, lower=lower, upper=upper,
                            samples=paths, history_days=len(history), fallback=fallback,
                            fit_ms=round((time.perf_counter() - began) * 1000))


def prophet_forecast(history: pd.Series, *, start: dt.date, horizon_days: int,
                     samples: int = SAMPLES) -> EverydayForecast:
    """Fit Prophet on the daily history and predict ``horizon_days`` days from ``start``. Raises on failure."""
    global PROPHET_FITS
    Prophet = _quiet_prophet()
    began = time.perf_counter()
    yearly = len(history) >= YEARLY_SEASONALITY_DAYS
    model = Prophet(interval_width=INTERVAL_WIDTH, uncertainty_samples=samples, weekly_seasonality=True,
                    yearly_seasonality=yearly, daily_seasonality=False)
    dates = _future_dates(start, horizon_days)
    future = pd.DataFrame({"ds": pd.to_datetime(dates)})
    with warnings.catch_warnings():
        # Prophet 1.1's own pandas deprecation warnings: not ours to fix, and noise in every nightly log.
        warnings.simplefilter("ignore", category=DeprecationWarning)
        warnings.simplefilter("ignore", category=FutureWarning)
        model.fit(pd.DataFrame({"ds": history.index, "y": history.to_numpy(dtype=float)}))
        PROPHET_FITS += 1
        # The point forecast without sampling, then the paths once: predict() would sample a second time.
        model.uncertainty_samples = 0
        yhat = model.predict(future)["yhat"].to_numpy()
        model.uncertainty_samples = samples
        paths = model.predictive_samples(future)["yhat"]
    if not np.isfinite(yhat).all() or not np.isfinite(paths).all():
        raise ValueError("Prophet returned non-finite values")
    quantiles = ((1 - INTERVAL_WIDTH) / 2, 1 - (1 - INTERVAL_WIDTH) / 2)
    yhat = np.clip(yhat, 0, None)
    lower = np.minimum(np.clip(np.quantile(paths, quantiles[0], axis=1), 0, None), yhat)
    upper = np.maximum(np.quantile(paths, quantiles[1], axis=1), yhat)
    note = ("Learned from your weekly and yearly patterns" if yearly
            else "Learned from your weekly pattern (a yearly one needs two years of history)")
    return EverydayForecast(method=PROPHET, note=note, dates=dates, yhat=yhat, lower=lower, upper=upper,
                            samples=paths, history_days=len(history),
                            fit_ms=round((time.perf_counter() - began) * 1000))


def backtest_forecast(history: pd.Series, *, months: MonthHistory, start: dt.date, horizon_days: int,
                      samples: int = SAMPLES, seed: int = 0) -> EverydayForecast:
    """The monthly blend chosen by the user's backtest, each month spread over its days by weekday.

    Each path draws its months' totals from the blend's backtest errors (one draw a month, shared by its
    days), so a month's sum over the paths has the band the backtest measured."""
    global BACKTESTS
    began = time.perf_counter()
    BACKTESTS += 1
    dates = _future_dates(start, horizon_days)
    last = months.periods[-1]
    shares, offsets = forecast_select.weekday_shape(
        dates, weights=forecast_select.weekday_weights(history), last=last)
    horizons = int(offsets.max()) if len(offsets) else 1
    choice = forecast_select.month_select(months, horizons=max(horizons, 1))
    month_at = np.clip(offsets, 1, None) - 1
    yhat = shares * choice.totals[month_at]
    rng = np.random.default_rng(seed)
    draws = np.vstack([rng.choice(errors, size=samples) for errors in choice.errors])
    totals = np.clip(choice.totals[:, None] + draws, 0, None)
    paths = shares[:, None] * totals[month_at] if dates else np.zeros((0, samples))
    note = (f"The monthly total from {choice.describe()}, the closest on your last {choice.judged_months} "
            f"months, spread over the days by your weekday pattern")
    return EverydayForecast(method=BACKTEST, note=note, dates=dates, yhat=yhat, lower=shares * choice.lower[month_at],
                            upper=shares * choice.upper[month_at], samples=paths, history_days=len(history),
                            fit_ms=round((time.perf_counter() - began) * 1000), choice=choice)


def everyday_forecast(history: pd.Series, *, start: dt.date, horizon_days: int, what: str = "spending",
                      min_history_days: int = MIN_PROPHET_DAYS, samples: int = SAMPLES,
                      method: str = BACKTEST) -> EverydayForecast:
    """The backtest's monthly blend when there are enough whole months (Prophet when asked for), else the
    heuristic with a note saying why."""
    days = len(history)
    months = MonthHistory.from_daily(history)
    if days < min_history_days or (method == BACKTEST and len(months) < forecast_select.MIN_MONTHS):
        note = (f"Only {days} days of history: the average of your recent weeks until there are "
                f"{forecast_select.MIN_MONTHS} whole months to compare methods on")
        return heuristic_forecast(history, start=start, horizon_days=horizon_days, note=note, samples=samples,
                                  fallback="short_history")
    if not (history.to_numpy(dtype=float) != 0).any():
        return heuristic_forecast(history, start=start, horizon_days=horizon_days, samples=samples,
                                  note=f"No everyday {what} recorded to learn from", fallback="all_zero")
    try:
        if method == PROPHET:
            return prophet_forecast(history, start=start, horizon_days=horizon_days, samples=samples)
        return backtest_forecast(history, months=months, start=start, horizon_days=horizon_days, samples=samples)
    except Exception as error:  # noqa: BLE001 - any failure of the fit falls back, and says so
        logging.getLogger(__name__).warning("forecast fit failed, using the weekday average: %r", error)
        note = "The average of each weekday over the last 8 weeks (the learned forecast could not be computed)"
        return heuristic_forecast(history, start=start, horizon_days=horizon_days, note=note, samples=samples,
                                  fallback="failed")
