"""The monthly methods and the per-user choice among them (mlcore.forecast_select), and the backtest command's
new figures: coverage, the methods chosen, the synthetic households."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
from django.core.management import call_command

from mlcore import forecast_select as fs


def _daily(month_totals: list[float], *, first: str = "2023-01-01") -> pd.Series:
    """A daily series whose calendar months sum to ``month_totals``, spread evenly over each month's days."""
    values = []
    for period, total in zip(pd.period_range(first, periods=len(month_totals), freq="M"), month_totals, strict=True):
        days = pd.date_range(period.start_time, period.end_time.normalize(), freq="D")
        values.append(pd.Series(total / len(days), index=days))
    return pd.concat(values)


def test_partial_first_and_last_months_are_left_out():
    daily = _daily([300.0, 310.0, 320.0])
    months = fs.MonthHistory.from_daily(daily.iloc[5:-5])
    assert [str(p) for p in months.periods] == ["2023-02"]
    assert round(months.totals[0], 2) == 310.0


def test_a_yearly_pattern_is_forecast_from_last_year_when_it_wins_the_backtest():
    year = [500.0] * 11 + [1500.0]  # December costs three times a usual month
    months = fs.MonthHistory.from_daily(_daily(year * 3))
    choice = fs.month_select(months.before(35), horizons=1)
    assert "seasonal_naive" in choice.methods
    # Forecasting December 2025 from the months before it: near 1500, not the 3-month mean's 500.
    assert choice.totals[0] > 900
    assert choice.backtest_mae["seasonal_naive"] < choice.backtest_mae["three_month_mean"]


def test_rare_large_purchases_do_not_move_the_typical_month():
    rng = np.random.default_rng(3)
    totals = list(800 + rng.normal(0, 20, 24))
    totals[20] += 2000  # a laptop, once
    history = fs.MonthHistory.from_daily(_daily(totals))
    choice = fs.month_select(history.before(22), horizons=1)
    # The month after the laptop: the 3-month mean says ~1470; the chosen blend stays near the usual 800.
    assert fs.three_month_mean(history.before(22), 1) > 1400
    assert abs(choice.totals[0] - 800) < 150


def test_the_band_is_wider_for_a_noisier_household_and_holds_the_point():
    rng = np.random.default_rng(5)
    calm = fs.month_select(fs.MonthHistory.from_daily(_daily(list(800 + rng.normal(0, 10, 18)))), horizons=2)
    noisy = fs.month_select(fs.MonthHistory.from_daily(_daily(list(800 + rng.normal(0, 200, 18)))), horizons=2)
    assert (calm.lower <= calm.totals).all() and (calm.totals <= calm.upper).all()
    assert (noisy.upper - noisy.lower)[0] > 4 * (calm.upper - calm.lower)[0]
    assert calm.judged_months == 12


def test_the_daily_shape_spreads_a_month_by_weekday_and_sums_to_it():
    daily = pd.Series(np.where(pd.date_range("2026-01-01", "2026-03-31").day_of_week == 5, 70.0, 10.0),
                      index=pd.date_range("2026-01-01", "2026-03-31"))
    dates = [dt.date(2026, 4, 1) + dt.timedelta(days=n) for n in range(30)]
    shares, offsets = fs.weekday_shape(dates, weights=fs.weekday_weights(daily), last=pd.Period("2026-03", "M"))
    assert round(shares.sum(), 6) == 1.0 and set(offsets) == {1}
    saturday, monday = dates.index(dt.date(2026, 4, 4)), dates.index(dt.date(2026, 4, 6))
    assert round(shares[saturday] / shares[monday], 6) == 7.0


def test_evaluate_forecaster_on_synthetic_households_reports_coverage_and_choices(capsys):
    call_command("evaluate_forecaster", synthetic=4, seed=1, json=True)
    result = json.loads(capsys.readouterr().out)
    assert result["households"] == 4
    assert {"forecaster", "seasonal_naive", "three_month_mean"} <= set(result["mae"])
    assert 0.5 < result["coverage"] <= 1
    assert sum(result["chosen"].values()) == 2 * result["origins"]
    assert result["best_baseline"] in ("seasonal_naive", "three_month_mean")


def test_the_one_pass_backtest_gives_each_methods_own_forecasts():
    """The backtest runs the recursive methods once over the history: the same numbers as calling each method
    on the months before each judged month."""
    rng = np.random.default_rng(11)
    history = fs.MonthHistory.from_daily(_daily(list(900 + 15 * np.arange(30) + rng.normal(0, 80, 30))))
    judged, fast = fs.month_backtest(history, origins=27)
    _same, slow = fs.month_backtest(history, methods=dict(fs.METHODS), origins=27)
    assert judged == list(range(3, 30))
    for name in fs.METHODS:
        np.testing.assert_allclose(fast[name], slow[name], rtol=1e-9, err_msg=name)
