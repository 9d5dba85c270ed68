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
    assert choice.backtest_mae["seasonal_naive"] < choice.backtest_mae["robust_level"]


def test_rare_large_purchases_do_not_move_the_typical_month():
    rng = np.random.default_rng(3)
    totals = list(800 + rng.normal(0, 20, 24))
    totals[20] += 2000  # a laptop, once
    history = fs.MonthHistory.from_daily(_daily(totals))
    choice = fs.month_select(history.before(22), horizons=1)
    # The month after the laptop: the 3-month mean says ~1470; the chosen blend stays near the usual 800.
    assert fs.three_month_mean(history.before(22), 1) > 1400
    assert abs(choice.totals[0] - 800) < 150


def test_one_large_month_barely_moves_the_robust_level_but_a_lasting_rise_is_followed():
    rng = np.random.default_rng(7)
    usual = list(1000 + rng.normal(0, 30, 20))
    spike = fs.MonthHistory.from_daily(_daily([*usual, 4000.0]))  # a holiday month, once
    # The plain 3-month mean and exponential smoothing jump towards the holiday; the robust ones stay near the
    # usual month.
    assert fs.three_month_mean(spike, 1) > 1900 and fs.ses(spike, 1) > 1100
    assert abs(fs.robust_ses(spike, 1) - 1000) < 40
    assert abs(fs.robust_three_month_mean(spike, 1) - 1000) < 40
    # A rent rise that lasts is no one-off: within six months the robust level has moved most of the way.
    moved = fs.MonthHistory.from_daily(_daily([*usual, *list(1600 + rng.normal(0, 30, 6))]))
    assert fs.robust_ses(moved, 1) > 1400
    # Spending that resumes after quiet months: its first month could be a one-off, its second makes it a new
    # level, which the robust methods then follow instead of clipping it away.
    first = fs.MonthHistory.from_daily(_daily([*usual[:8], *[0.0] * 10, 3000.0]))
    second = fs.MonthHistory.from_daily(_daily([*usual[:8], *[0.0] * 10, 3000.0, 3100.0]))
    assert fs.robust_ses(first, 1) < 500
    assert fs.robust_ses(second, 1) > 2500 and fs.robust_three_month_mean(second, 1) > 1000
    # And a steady rise is followed by the robust Theta method, not left behind at the average.
    rising = fs.MonthHistory.from_daily(_daily(list(1000 + 25 * np.arange(24) + rng.normal(0, 20, 24))))
    assert abs(fs.robust_theta(rising, 1) - (1000 + 25 * 24)) < 80


def test_the_smoothing_of_a_prefix_is_the_one_pass_state_at_that_month():
    rng = np.random.default_rng(2)
    values = 900 + rng.normal(0, 60, 20)
    values[[6, 13]] += 1500
    whole = fs.RobustSmoothing.run(values)
    for o in (4, 9, 15, 20):
        alone = fs.RobustSmoothing.run(values[:o])
        assert whole.level(o) == alone.level(len(alone.cleaned))
        np.testing.assert_allclose(whole.cleaned[:o], alone.cleaned)


def test_the_pair_is_judged_as_the_blend_it_makes():
    rng = np.random.default_rng(4)
    history = fs.MonthHistory.from_daily(_daily(list(700 + 200 * np.tile(np.r_[np.zeros(11), 1.0], 3)
                                                     + rng.normal(0, 40, 36))))
    choice = fs.month_select(history, horizons=1)
    judged, predicted = fs.month_backtest(history)
    actual = history.totals[judged]

    def pair_mae(pair):
        return np.mean(np.abs(actual - (predicted[pair[0]] + predicted[pair[1]]) / 2))

    assert len(choice.methods) == 2 and set(choice.methods) <= set(fs.CANDIDATES)
    pairs = [(a, b) for i, a in enumerate(fs.CANDIDATES) for b in fs.CANDIDATES[i + 1:]]
    assert pair_mae(choice.methods) == min(pair_mae(pair) for pair in pairs)
    # Its band holds its own backtest: roughly 8 in 10 of the judged months' errors.
    errors = actual - np.mean([predicted[name] for name in choice.methods], axis=0)
    inside = np.mean((errors >= choice.lower[0] - choice.totals[0]) & (errors <= choice.upper[0] - choice.totals[0]))
    assert 0.75 <= inside <= 1


def test_the_band_is_wider_for_a_noisier_household_and_holds_the_point():
    rng = np.random.default_rng(5)
    calm = fs.month_select(fs.MonthHistory.from_daily(_daily(list(800 + rng.normal(0, 10, 18)))), horizons=2)
    noisy = fs.month_select(fs.MonthHistory.from_daily(_daily(list(800 + rng.normal(0, 200, 18)))), horizons=2)
    assert (calm.lower <= calm.totals).all() and (calm.totals <= calm.upper).all()
    assert (noisy.upper - noisy.lower)[0] > 4 * (calm.upper - calm.lower)[0]
    assert calm.judged_months == 12
    # Two months ahead is no surer than next month.
    for choice in (calm, noisy):
        assert choice.upper[1] - choice.totals[1] >= choice.upper[0] - choice.totals[0]
        assert choice.totals[1] - choice.lower[1] >= min(choice.totals[0] - choice.lower[0], choice.totals[1])


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
