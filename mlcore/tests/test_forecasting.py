"""The forecaster itself (series in, forecast out) and the evaluate_forecaster backtest command."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from mlcore import forecasting


def _series(days: int, *, end: dt.date = dt.date(2026, 10, 10), seed: int = 1) -> pd.Series:
    """Daily spending: about 20 a day, 60 more on Saturdays, a little noise."""
    rng = np.random.default_rng(seed)
    index = pd.date_range(end - dt.timedelta(days=days - 1), end, freq="D")
    values = 20 + 60 * (index.day_of_week == 5) + rng.normal(0, 3, len(index))
    return pd.Series(np.clip(values, 0, None), index=index)


def test_short_history_uses_the_weekday_heuristic_and_says_why():
    history = _series(41)
    result = forecasting.everyday_forecast(history, start=dt.date(2026, 10, 11), horizon_days=14)
    assert result.method == "heuristic"
    assert result.note == ("Only 41 days of history: the average of your recent weeks until there are 6 whole "
                           "months to compare methods on")
    saturday = result.dates.index(dt.date(2026, 10, 17))
    monday = result.dates.index(dt.date(2026, 10, 12))
    assert 75 < result.yhat[saturday] < 85 and 15 < result.yhat[monday] < 25
    assert (result.lower <= result.yhat).all() and (result.yhat <= result.upper).all()


def test_an_all_zero_series_falls_back_with_a_note():
    history = pd.Series(0.0, index=pd.date_range("2026-01-01", "2026-10-10"))
    result = forecasting.everyday_forecast(history, start=dt.date(2026, 10, 11), horizon_days=7, what="income")
    assert result.method == "heuristic"
    assert result.note == "No everyday income recorded to learn from"
    assert result.yhat.sum() == 0


def test_a_prophet_failure_falls_back_with_a_note(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("stan crashed")

    monkeypatch.setattr(forecasting, "prophet_forecast", broken)
    result = forecasting.everyday_forecast(_series(120), start=dt.date(2026, 10, 11), horizon_days=7,
                                           method=forecasting.PROPHET)
    assert result.method == "heuristic"
    assert result.note.startswith("The average of each weekday over the last 8 weeks")


def test_a_year_of_history_is_forecast_by_the_backtest_without_fitting_prophet():
    history = _series(365)
    fits = forecasting.PROPHET_FITS
    result = forecasting.everyday_forecast(history, start=dt.date(2026, 10, 11), horizon_days=51)
    assert forecasting.PROPHET_FITS == fits
    assert result.method == "backtest"
    assert result.choice is not None and len(result.choice.methods) == 2
    assert result.note.startswith("The monthly total from ")
    assert len(result.dates) == 51 and result.dates[0] == dt.date(2026, 10, 11)
    assert (result.lower <= result.yhat).all() and (result.yhat <= result.upper).all()
    assert (result.lower >= 0).all()
    november = [i for i, d in enumerate(result.dates) if d.month == 11]
    # 30 days at ~20 plus four Saturdays at ~60 more: about 840.
    assert 700 < result.yhat[november].sum() < 980
    saturday = result.dates.index(dt.date(2026, 10, 17))
    assert result.yhat[saturday] > 2 * result.yhat[saturday + 2]
    assert result.samples.shape == (51, forecasting.SAMPLES)
    # The paths' November totals centre on the point forecast.
    assert abs(np.median(result.samples[november].sum(axis=0)) - result.yhat[november].sum()) < 60


def test_prophet_when_asked_on_a_year_of_history_gives_sane_month_totals():
    history = _series(365)
    fits = forecasting.PROPHET_FITS
    result = forecasting.everyday_forecast(history, start=dt.date(2026, 10, 11), horizon_days=51,
                                           method=forecasting.PROPHET)
    assert forecasting.PROPHET_FITS == fits + 1
    assert result.method == "prophet"
    november = [i for i, d in enumerate(result.dates) if d.month == 11]
    assert 700 < result.yhat[november].sum() < 980
    assert result.samples.shape == (51, forecasting.SAMPLES)


def _write_csv(path, months: int = 14) -> None:
    rows = ["Booking date;Amount;Text"]
    day = dt.date(2025, 1, 1)
    end = dt.date(2025, 1, 1) + pd.DateOffset(months=months)
    while day < end.date():
        rows.append(f"{day:%d.%m.%Y};-{20 + (40 if day.weekday() == 5 else 0)},50;CARD {day}")
        if day.day == 1:
            rows.append(f"{day:%d.%m.%Y};2500,00;SALARY")
        day += dt.timedelta(days=1)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_evaluate_forecaster_backtests_a_csv_against_the_baselines(tmp_path, capsys):
    file = tmp_path / "bank.csv"
    _write_csv(file)
    call_command("evaluate_forecaster", csv=str(file), date_col="Booking date", amount_col="Amount",
                 json=True)
    result = json.loads(capsys.readouterr().out)
    assert result["months"] == 14 and result["origins"] == 2
    assert set(result["mae"]) == {"forecaster", "seasonal_naive", "three_month_mean", "ses", "theta",
                                  "robust_level"}
    assert set(result["mase"]) == set(result["mae"])
    assert 0 <= result["coverage"] <= 1
    assert [row["month"] for row in result["per_origin"]] == ["2026-01", "2026-02"]
    assert all(len(row["chosen"]) == 2 for row in result["per_origin"])
    # About 20.50 a day and 40 more on Saturdays: a month is ~800; salary (money in) is not spending.
    assert 700 < result["mean_monthly_spending"] < 900
    assert result["mae"]["forecaster"] < 150


@pytest.mark.parametrize(("content", "options", "message"), [
    (None, {"date_col": "Booking date", "amount_col": "Amount"}, "No such file"),
    ("Date;Amount\n", {"date_col": "Booking date", "amount_col": "Amount"},
     "Column 'Booking date' (--date-col) is not in"),
    ("Booking date;Amount\n01.01.2025;-5,00\nyesterday;-3,00\n", {"date_col": "Booking date", "amount_col": "Amount"},
     "Line 3: 'Booking date' is 'yesterday', not a date."),
    ("Booking date;Amount\n01.01.2025;lots\n", {"date_col": "Booking date", "amount_col": "Amount"},
     "Line 2: 'Amount' is 'lots', not an amount"),
    ("Booking date;Amount\n01.01.2025;-5,00\n01.03.2025;-5,00\n", {"date_col": "Booking date", "amount_col": "Amount"},
     "Only 2 complete months of data; --min-train-months 12 with --horizon 1 needs at least 13."),
])
def test_evaluate_forecaster_explains_bad_input(tmp_path, content, options, message):
    file = tmp_path / "bank.csv"
    if content is not None:
        file.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        call_command("evaluate_forecaster", csv=str(file), json=True, **options)


def test_evaluate_forecaster_needs_a_source():
    with pytest.raises(CommandError, match="Give --csv, --date-col and --amount-col, --demo or --synthetic N"):
        call_command("evaluate_forecaster", json=True)
