"""Budget suggestions: next month's spend per top-level expense category, and overall.

A LightGBM model trained across all users of the instance predicts next month's spend per user and
category from the last months' spend (lags, level, trend, volatility), the user's income, the month of
year, the recurring bills of that category due in the month and the number of transactions. The
suggestion is a quantile of that prediction (BUDGET_QUANTILE), trimmed toward the user's savings-rate
target, with one line saying how it was made. With fewer than MIN_HISTORY_MONTHS months of history, or
without a usable model, it is the median of the last 3 months, and the line says so.

Artifacts: ``<MLCORE_ARTIFACT_DIR>/budget/<version>/{model.joblib, metadata.json}`` plus ``current``,
written like the categorizer's (temporary directory renamed into place).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import statistics
import threading
import time
import warnings
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import lightgbm
import numpy as np
import pandas as pd
import sklearn
from django.conf import settings

from accounts.models import User
from mlcore.artifacts import (
    CURRENT_FILE,
    ArtifactError,
    ArtifactIncompatible,
    ArtifactKind,
    ArtifactMissing,
    artifact_read,
    artifact_write,
)
from mlcore.results import BudgetSuggestion
from mlcore.budget_data import CUSTOM_CODE, TOP_KEYS, MonthlyPanel, month_add, month_start, panel_for_users
from transactions.models import Category

logger = logging.getLogger(__name__)

# Categories with less than this spent over the last 3 months get no suggestion (a one-off coffee).
MIN_SPEND_3_MONTHS = 15.0
# The model needs this many months since a category's first spending; fewer and the 3-month median is used.
MIN_HISTORY_MONTHS = 4
# Trained "across all users of the instance": fewer households than this would make a model of a few people's
# habits, so suggestions stay on the 3-month median until the instance has them.
MIN_TRAINING_USERS = 5
# Months of history read for a suggestion: 12 for last year's same month, plus the 6 before it.
HISTORY_MONTHS = 24
# Bills and obligations: never trimmed toward the savings target.
ESSENTIAL_KEYS = frozenset({"housing", "taxes"})
ESSENTIAL_WORDS = ("rent", "mortgage", "utilit", "insurance", "loan", "tax", "miete", "versicherung", "kredit")
# Trimming toward the savings target never goes below this share of the 3-month median.
TRIM_FLOOR = 0.8


def budget_amount_round(value: float) -> Decimal:
    """Whole currency units under 20, else the nearest 5."""
    if value <= 0:
        return Decimal("0")
    amount = Decimal(str(value))
    if amount < 20:
        return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return (amount / 5).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * 5


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _whole(value: float) -> str:
    return f"{value:,.0f}"


def category_is_essential(category: Category) -> bool:
    key = (category.key or "").split(".")[0]
    name = category.name.lower()
    return key in ESSENTIAL_KEYS or any(word in name for word in ESSENTIAL_WORDS)


@dataclass(slots=True)
class _Draft:
    category: Category
    last3: list[float]  # known months of the last 3, oldest first
    median: float
    value: float  # before rounding
    predicted: float
    method: str
    explanation: str


def budget_suggestions(*, user: User, month: dt.date) -> list[BudgetSuggestion]:
    """One suggestion per top-level expense category the user spent in over the last 3 months (largest
    first), plus the overall one (category None, the sum of the others) last. Only this user's
    transactions count. For a month after the current one, the suggestion is made from the months
    before the current one (the same as for the current month)."""
    profile = user.financial_profile
    currency = profile.preferred_currency
    # Planning a month ahead reads the complete months only: this month's first days are not a month's spend.
    target = min(month_start(month), month_start(profile.local_today()))
    panel = panel_for_users(user_ids=[user.pk], until=target, history_months=HISTORY_MONTHS)
    if panel is None or not panel.rows():
        return []
    column = panel.column(target)
    three = panel.spend[:, max(0, column - 3):column]
    candidates = np.flatnonzero(np.nansum(three, axis=1) >= MIN_SPEND_3_MONTHS)
    categories = Category.objects.in_bulk([int(panel.category_ids[i]) for i in candidates])
    history = category_history(panel, column)
    model, model_problem = None, ""
    if len(candidates) and history.max(initial=0) >= MIN_HISTORY_MONTHS:
        try:
            model = budget_model_get()
        except ArtifactMissing:
            pass
        except ArtifactError as error:
            logger.warning("Budget suggestions without the model: %s", error)
            model_problem = ""  # the user learns nothing from "the model": the median speaks for itself
    modelled = np.array([i for i in candidates if model is not None and history[i] >= MIN_HISTORY_MONTHS], dtype=int)
    predictions: dict[int, tuple[float, float]] = {}
    if len(modelled):
        point, upper = model.predict(panel, column, modelled)
        predictions = {int(i): (float(p), float(u)) for i, p, u in zip(modelled, point, upper, strict=True)}

    drafts: list[_Draft] = []
    for i in candidates:
        category = categories.get(int(panel.category_ids[i]))
        if category is None:
            continue
        last3 = [float(v) for v in three[i] if not np.isnan(v)]
        median = statistics.median(last3)
        if int(i) in predictions:
            point, upper = predictions[int(i)]
            drafts.append(_Draft(category=category, last3=last3, median=median, value=upper, predicted=point,
                                 method="model", explanation=_model_explanation(
                                     panel=panel, row=int(i), column=column, point=point, upper=upper,
                                     currency=currency)))
            continue
        reason = model_problem
        if history[i] < MIN_HISTORY_MONTHS:
            months = int(history[i])
            reason = (f"{months} month{'s' if months != 1 else ''} of history in this category; from "
                      f"{MIN_HISTORY_MONTHS} months on, the suggestion follows your own pattern")
        figures = ", ".join(_whole(v) for v in last3)
        drafts.append(_Draft(
            category=category, last3=last3, median=median, value=median, predicted=median, method="heuristic",
            explanation=f"Median of your last {len(last3)} months ({currency} {figures})" + (
                f"; {reason}" if reason else ""),
        ))

    _savings_trim(drafts, income=_monthly_income(profile=profile, panel=panel, column=column),
                  target_rate=float(profile.savings_rate_target or 0))
    drafts.sort(key=lambda d: -d.value)
    # A suggestion of nothing (a category spent in once in three months) is no budget: left out, and out of
    # the overall one too, so that "the sum of N" counts what the user sees.
    kept = [d for d in drafts if budget_amount_round(d.value) > 0]
    suggestions = [
        BudgetSuggestion(category=d.category, amount=budget_amount_round(d.value), currency=currency,
                         method=d.method, explanation=d.explanation, predicted=_money(d.predicted))
        for d in kept
    ]
    if suggestions:
        total = sum((s.amount for s in suggestions), Decimal("0"))
        methods = {s.method for s in suggestions}
        count = len(suggestions)
        suggestions.append(BudgetSuggestion(
            category=None, amount=total, currency=currency, method="model" if methods == {"model"} else "heuristic",
            explanation=(f"The sum of the {count} category suggestions above" if count != 1
                         else "The same as the one category suggestion above"),
            predicted=_money(sum(d.predicted for d in kept)),
        ))
    return suggestions


def _model_explanation(*, panel: MonthlyPanel, row: int, column: int, point: float, upper: float,
                       currency: str) -> str:
    six = panel.spend[row, max(0, column - 6):column]
    known = six[~np.isnan(six)]
    mean = float(known.mean()) if len(known) else 0.0
    trend = ""
    if len(known) >= 3 and mean > 0:
        slope = float(np.polyfit(np.arange(len(known)), known, 1)[0])
        percent = round(100 * slope / mean)
        if float(known.std()) > 0.5 * mean:
            trend = ", varying a lot"  # a trend through a lumpy series would be noise
        elif abs(percent) >= 2:
            trend = f", trending {'up' if percent > 0 else 'down'} {abs(percent)}%/month"
        else:
            trend = ", steady"
    bills = float(panel.bills[row, column])
    bill_note = f", {currency} {_whole(bills)} of bills due" if bills >= 1 else ""
    return (f"Predicted {currency} {_whole(point)} from your last {len(known)} months "
            f"(average {currency} {_whole(mean)}{trend}{bill_note}); "
            f"{round(BUDGET_QUANTILE * 100)}th percentile {currency} {_whole(upper)}")


def _monthly_income(*, profile, panel: MonthlyPanel, column: int) -> float | None:
    """The profile's monthly net income, else the median income of the last 3 months seen in the ledger."""
    if profile.monthly_net_income is not None and profile.monthly_net_income > 0:
        return float(profile.monthly_net_income)
    recent = panel.income[0, max(0, column - 3):column]
    recent = recent[~np.isnan(recent) & (recent > 0)]
    return float(np.median(recent)) if len(recent) else None


def _savings_trim(drafts: list[_Draft], *, income: float | None, target_rate: float) -> None:
    """Scale the discretionary suggestions down so the total fits income x (1 - target), never below 80% of
    their 3-month median; bills (housing, taxes, insurance, loans) are left as they are."""
    if not income or not drafts:
        return
    allowed = income * (1 - target_rate / 100)
    total = sum(d.value for d in drafts)
    if total <= allowed:
        return
    flexible = [d for d in drafts if not category_is_essential(d.category)]
    fixed_total = total - sum(d.value for d in flexible)
    flexible_total = total - fixed_total
    if flexible_total <= 0:
        return
    factor = max(0.0, (allowed - fixed_total) / flexible_total)
    for d in flexible:
        trimmed = max(d.value * factor, d.median * TRIM_FLOOR)
        before, after = budget_amount_round(d.value), budget_amount_round(trimmed)
        if after < before:
            # The amounts the user sees, before and after: the text is true whatever the median was.
            d.explanation += (f"; lowered from {_whole(float(before))} to {_whole(float(after))} to leave room for "
                              f"your {target_rate:g}% savings target")
        if trimmed < d.value:
            d.value = trimmed


# --- features and the model --------------------------------------------------------------------------

# The suggestion is the 60th percentile of next month's spend: a budget a little above the typical month,
# so it is met in most months (not a target missed half the time), yet not padded for the rare big month.
BUDGET_QUANTILE = 0.6
FEATURES = [
    "lag1", "lag2", "lag3", "lag4", "lag5", "lag6", "lag12", "mean3", "median3", "median6", "std6", "min6", "max6",
    "slope6", "bills", "bills_last", "log_scale", "history", "share", "count1", "income_ratio", "month_sin",
    "month_cos", "month", "category",
]
CATEGORICAL = ["category"]
# Training reads the last 24 target months (recent habits and prices; two of each calendar month) and at
# most 200,000 of their category-months, a random sample beyond: the l1 and quantile objectives re-fit each
# leaf's percentile, about 4x the cost of least squares, and this keeps a nightly fit near a minute.
TRAINING_MONTHS = 24
MAX_TRAINING_ROWS = 200_000


def _nan_stat(function, values: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        return function(values, axis=1)


def _window(values: np.ndarray, column: int, size: int) -> np.ndarray:
    lo = max(0, column - size)
    window = values[:, lo:column]
    if window.shape[1] < size:
        window = np.hstack([np.full((values.shape[0], size - window.shape[1]), np.nan), window])
    return window


def budget_features(panel: MonthlyPanel, column: int, rows: np.ndarray | None = None
                    ) -> tuple[pd.DataFrame, np.ndarray]:
    """Features for predicting month ``column`` of the panel from the months before it, and each row's
    scale (the mean of its last 6 known months, at least 5): amounts are divided by it, so one tree fits a
    student and a family of five; predictions are multiplied back."""
    rows = np.arange(panel.rows()) if rows is None else rows
    spend = panel.spend[rows]
    six = _window(spend, column, 6)
    three = six[:, 3:]
    mean6 = _nan_stat(np.nanmean, six)
    scale = np.maximum(np.nan_to_num(mean6, nan=0.0), 5.0)
    known = ~np.isnan(six)
    # Least-squares slope over the known months of the last six, per month.
    x = np.where(known, np.arange(6)[None, :], np.nan)
    x_mean = _nan_stat(np.nanmean, x)
    y_mean = mean6
    cov = _nan_stat(np.nansum, (x - x_mean[:, None]) * (six - y_mean[:, None]))
    var = _nan_stat(np.nansum, (x - x_mean[:, None]) ** 2)
    slope = np.where(var > 0, cov / np.where(var > 0, var, 1.0), 0.0)
    # Each user's total over their categories, for the share of this category.
    user_totals = pd.Series(np.nan_to_num(mean6)).groupby(panel.user_ids[rows]).transform("sum").to_numpy()
    income = np.where(np.isnan(panel.profile_income[rows]), _nan_stat(np.nanmedian, _window(panel.income[rows],
                                                                                              column, 3)),
                      panel.profile_income[rows])
    month = panel.month_at(column).month
    lag = (lambda k: spend[:, column - k] / scale if column - k >= 0 else np.full(len(rows), np.nan))
    frame = pd.DataFrame({
        "lag1": lag(1), "lag2": lag(2), "lag3": lag(3), "lag4": lag(4), "lag5": lag(5), "lag6": lag(6),
        "lag12": lag(12),
        "mean3": _nan_stat(np.nanmean, three) / scale, "median3": _nan_stat(np.nanmedian, three) / scale,
        "median6": _nan_stat(np.nanmedian, six) / scale, "std6": _nan_stat(np.nanstd, six) / scale,
        "min6": _nan_stat(np.nanmin, six) / scale, "max6": _nan_stat(np.nanmax, six) / scale,
        "slope6": slope / scale,
        "bills": panel.bills[rows, column] / scale,
        "bills_last": (panel.bills[rows, column - 1] / scale) if column >= 1 else np.zeros(len(rows)),
        "log_scale": np.log(scale),
        "history": np.minimum(category_history(panel, column)[rows], 36).astype(float),
        "share": np.nan_to_num(mean6) / np.maximum(user_totals, 1.0),
        "count1": np.log1p(panel.counts[rows, column - 1]) if column >= 1 else np.zeros(len(rows)),
        "income_ratio": scale / np.where(income > 0, income, np.nan),
        "month_sin": np.full(len(rows), math.sin(2 * math.pi * month / 12)),
        "month_cos": np.full(len(rows), math.cos(2 * math.pi * month / 12)),
        "month": np.full(len(rows), month, dtype=float),
        "category": pd.Categorical(panel.category_codes[rows], categories=range(CUSTOM_CODE + 1)),
    })
    return frame[FEATURES], scale


def category_history(panel: MonthlyPanel, column: int) -> np.ndarray:
    """Months from each row's first spending in its category up to (not including) month ``column``."""
    spent = np.nan_to_num(panel.spend[:, :column]) > 0
    if not column:
        return np.zeros(panel.rows(), dtype=np.int64)
    return np.where(spent.any(axis=1), column - np.argmax(spent, axis=1), 0)


def training_rows(panel: MonthlyPanel, columns: Iterable[int]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """(features, target in scale units, scale) for every row with a known target and enough history."""
    parts, targets, scales = [], [], []
    for column in columns:
        target = panel.spend[:, column]
        rows = np.flatnonzero(~np.isnan(target) & (category_history(panel, column) >= MIN_HISTORY_MONTHS))
        if not len(rows):
            continue
        features, scale = budget_features(panel, column, rows)
        parts.append(features)
        targets.append(target[rows] / scale)
        scales.append(scale)
    if not parts:
        return pd.DataFrame(columns=FEATURES), np.zeros(0), np.zeros(0)
    return (pd.concat(parts, ignore_index=True), np.concatenate(targets), np.concatenate(scales))


class BudgetModel:
    """Two LightGBM models on the same features: a point model (objective l1, the median, which is what
    minimizes MAE: the evaluation scores it) and a quantile model at BUDGET_QUANTILE (the suggestion).
    Targets are next month's spend divided by the row's scale, weighted by the scale, so the losses are
    those of the amounts themselves."""

    FORMAT_VERSION = 1
    PARAMS = {"n_estimators": 200, "learning_rate": 0.05, "num_leaves": 15, "min_child_samples": 20,
              "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8, "reg_lambda": 1.0,
              "max_bin": 63, "random_state": 0, "deterministic": True, "force_col_wise": True, "n_jobs": 1,
              "verbose": -1}

    def __init__(self, *, quantile: float = BUDGET_QUANTILE) -> None:
        self.quantile = quantile
        self.point: lightgbm.LGBMRegressor | None = None
        self.upper: lightgbm.LGBMRegressor | None = None
        self.metadata: dict[str, Any] = {}

    def train(self, panel: MonthlyPanel, *, columns: Iterable[int] | None = None) -> BudgetModel:
        columns = list(range(panel.months)) if columns is None else list(columns)
        columns = columns[-TRAINING_MONTHS:]
        features, target, scale = training_rows(panel, columns)
        if len(target) < 50:
            raise ValueError(f"Too little history to train the budget model ({len(target)} category-months).")
        if len(target) > MAX_TRAINING_ROWS:
            keep = np.sort(np.random.default_rng(0).choice(len(target), MAX_TRAINING_ROWS, replace=False))
            features, target, scale = features.iloc[keep].reset_index(drop=True), target[keep], scale[keep]
        self.point = lightgbm.LGBMRegressor(objective="l1", **self.PARAMS)
        self.point.fit(features, target, sample_weight=scale, categorical_feature=CATEGORICAL)
        self.upper = lightgbm.LGBMRegressor(objective="quantile", alpha=self.quantile, **self.PARAMS)
        self.upper.fit(features, target, sample_weight=scale, categorical_feature=CATEGORICAL)
        self.metadata = {
            "training_rows": int(len(target)),
            "training_users": int(len(np.unique(panel.user_ids))),
            "training_months": [panel.month_at(min(columns)).isoformat(), panel.month_at(max(columns)).isoformat()],
            "training_data_sha256": hashlib.sha256(
                np.ascontiguousarray(np.nan_to_num(target * scale, nan=-1.0)).tobytes()
                + pd.util.hash_pandas_object(features, index=False).to_numpy().tobytes()).hexdigest(),
            "quantile": self.quantile,
        }
        return self

    def predict(self, panel: MonthlyPanel, column: int, rows: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
        """(point, quantile) predictions of month ``column``'s spend, in money."""
        if self.point is None or self.upper is None:
            raise RuntimeError("Train or load the budget model first.")
        features, scale = budget_features(panel, column, rows)
        point = np.maximum(self.point.predict(features) * scale, 0.0)
        upper = np.maximum(self.upper.predict(features) * scale, point)  # quantiles never below the median
        return point, upper

    def save(self, directory: Path | str, *, metrics: Mapping[str, Any] | None = None) -> Path:
        """Write a new version under ``directory`` and point ``current`` at it; returns the version path."""
        if self.point is None:
            raise RuntimeError("Train the budget model before saving it.")
        payload = {"point": self.point, "upper": self.upper, "quantile": self.quantile}
        metadata = {**self.metadata, "features": FEATURES,
                    "metrics": dict(metrics or self.metadata.get("metrics") or {})}
        final, self.metadata = artifact_write(directory, ARTIFACT, payload=payload, metadata=metadata)
        return final

    @classmethod
    def load(cls, directory: Path | str) -> BudgetModel:
        """Load the version ``current`` names under ``directory``. Raises ArtifactMissing,
        ArtifactIncompatible (another format, LightGBM or scikit-learn version) or ArtifactCorrupt."""

        def check(metadata: dict[str, Any], folder: Path) -> None:
            if metadata.get("features") != FEATURES:
                raise ArtifactIncompatible(
                    f"Budget model artifact {folder.name} has other features. {ARTIFACT.retrain}")

        def build(payload: dict[str, Any]) -> BudgetModel:
            model = cls(quantile=payload["quantile"])
            model.point, model.upper = payload["point"], payload["upper"]
            return model

        model, metadata = artifact_read(directory, ARTIFACT, build=build, check=check)
        model.metadata = metadata
        return model


ARTIFACT = ArtifactKind(
    name="Budget model", lowercase="budget model", model_name="Budget model",
    format_version=BudgetModel.FORMAT_VERSION, retrain="Retrain it (manage.py train_budget_model).",
    libraries={"lightgbm_version": ("lightgbm", lightgbm.__version__),
               "sklearn_version": ("sklearn", sklearn.__version__)},
)


# --- evaluation --------------------------------------------------------------------------------------

def _mae(errors: np.ndarray) -> float | None:
    return round(float(np.mean(np.abs(errors))), 2) if len(errors) else None


def budget_model_evaluate(panel: MonthlyPanel, *, holdout_months: int = 6,
                          category_names: Mapping[int, str] | None = None) -> dict[str, Any]:
    """Rolling-origin evaluation: for each of the last ``holdout_months`` months, train on the months before
    it and predict it. Scored on what would get a suggestion (enough history, spent in the last 3 months):
    MAE of the model's point prediction against the actual spend, next to the baselines "last month" and
    "mean of the last 3 months"; the share of months at or under the suggested (quantile) amount; and the
    categories where the model's MAE is above the 3-month mean's (``loses_to_mean_3_months``)."""
    frame, seconds = _holdout_records(panel, holdout_months=holdout_months)
    names = category_names or {i: key for i, key in enumerate(TOP_KEYS)}
    return _evaluation_report(frame, seconds=seconds, users=len(np.unique(panel.user_ids)),
                              category_of=lambda part: names.get(int(part["category"].iloc[0]), "custom"))


def budget_model_evaluate_groups(panel: MonthlyPanel, *, groups: Mapping[str, Collection[int]],
                                 holdout_months: int = 6,
                                 category_labels: Mapping[int, str] | None = None) -> dict[str, dict[str, Any]]:
    """``budget_model_evaluate`` trained once on everyone (as on an instance) and scored per group of users:
    real histories beside generated households, say. With ``category_labels`` (category id -> name, for an
    export's own labels) categories are reported by id, else by their top-level category."""
    frame, seconds = _holdout_records(panel, holdout_months=holdout_months)
    names = {i: key for i, key in enumerate(TOP_KEYS)}

    def category_of(part: pd.DataFrame) -> str:
        if category_labels is not None and int(part["category_id"].iloc[0]) in category_labels:
            return category_labels[int(part["category_id"].iloc[0])]
        return names.get(int(part["category"].iloc[0]), "custom")

    reports = {}
    for name, users in groups.items():
        part = frame[frame["user_id"].isin(list(users))]
        if part.empty:
            raise ValueError(f"Too little history to evaluate the budget model on the {name} users.")
        reports[name] = _evaluation_report(part, seconds=seconds, users=part["user_id"].nunique(),
                                           category_of=category_of, by="category_id")
    return reports


def _holdout_records(panel: MonthlyPanel, *, holdout_months: int) -> tuple[pd.DataFrame, list[float]]:
    """Each held-out month's predictions and baselines for every row that would get a suggestion, and the
    training time of each month's model."""
    last = panel.months - 1
    while last >= 0 and np.all(np.isnan(panel.spend[:, last])):
        last -= 1
    records = []
    seconds = []
    for column in range(last - holdout_months + 1, last + 1):
        if column < MIN_HISTORY_MONTHS + 1:
            continue
        started = time.perf_counter()
        model = BudgetModel().train(panel, columns=range(column))
        seconds.append(time.perf_counter() - started)
        actual = panel.spend[:, column]
        three = _window(panel.spend, column, 3)
        rows = np.flatnonzero(~np.isnan(actual) & (category_history(panel, column) >= MIN_HISTORY_MONTHS)
                              & (np.nansum(three, axis=1) >= MIN_SPEND_3_MONTHS))
        if not len(rows):
            continue
        point, upper = model.predict(panel, column, rows)
        records.append(pd.DataFrame({
            "month": panel.month_at(column).isoformat(), "category": panel.category_codes[rows],
            "category_id": panel.category_ids[rows], "user_id": panel.user_ids[rows],
            "actual": actual[rows], "model": point, "suggested": upper,
            "last_month": panel.spend[rows, column - 1], "mean_3_months": _nan_stat(np.nanmean, three[rows]),
        }))
    if not records:
        raise ValueError("Too little history to evaluate the budget model.")
    return pd.concat(records, ignore_index=True), seconds


def _scores(part: pd.DataFrame) -> dict[str, Any]:
    return {
        "n": int(len(part)),
        "mae_model": _mae(part["model"] - part["actual"]),
        "mae_last_month": _mae(part["last_month"] - part["actual"]),
        "mae_mean_3_months": _mae(part["mean_3_months"] - part["actual"]),
        "within_suggestion": round(float(np.mean(part["actual"] <= part["suggested"])), 3),
        "mean_actual": round(float(part["actual"].mean()), 2),
    }


def _evaluation_report(frame: pd.DataFrame, *, seconds: list[float], users: int,
                       category_of: Callable[[pd.DataFrame], str], by: str = "category") -> dict[str, Any]:
    """The figures overall, per category (named by ``category_of``, grouped by ``by``) and per month."""
    overall = _scores(frame)
    overall["beats_last_month"] = overall["mae_model"] < overall["mae_last_month"]
    overall["beats_mean_3_months"] = overall["mae_model"] < overall["mae_mean_3_months"]
    per_category = {category_of(part): _scores(part) for _key, part in frame.groupby(by, observed=True)}
    return {
        "holdout_months": sorted(frame["month"].unique().tolist()),
        "users": int(users),
        "quantile": BUDGET_QUANTILE,
        "overall": overall,
        "per_category": per_category,
        "loses_to_mean_3_months": _losses(per_category),
        "per_month": {month: _scores(part) for month, part in frame.groupby("month")},
        "training_seconds_mean": round(float(np.mean(seconds)), 3),
    }


def _losses(per_category: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    """Each category where the model's MAE is above the 3-month mean's, with how much above (in percent)."""
    return {name: round(100 * (row["mae_model"] / row["mae_mean_3_months"] - 1), 1)
            for name, row in per_category.items()
            if row["mae_mean_3_months"] and row["mae_model"] > row["mae_mean_3_months"]}


# --- the process's model, training -----------------------------------------------------------------------

_lock = threading.Lock()
_loaded: tuple[str, BudgetModel] | None = None


def budget_artifact_dir() -> Path:
    return Path(getattr(settings, "MLCORE_ARTIFACT_DIR", settings.DATA_DIR / "models")) / "budget"


def budget_model_get() -> BudgetModel:
    """The saved budget model, loaded once per process and again only when ``current`` names a new version
    (the nightly training runs in a worker, suggestions in the web process). Raises ArtifactError."""
    global _loaded
    pointer = budget_artifact_dir() / CURRENT_FILE
    try:
        version = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise ArtifactMissing(f"No budget model artifact under {pointer.parent} (no '{CURRENT_FILE}' file).") from None
    loaded = _loaded
    if loaded is not None and loaded[0] == version:
        return loaded[1]
    with _lock:
        if _loaded is None or _loaded[0] != version:
            _loaded = (version, BudgetModel.load(budget_artifact_dir()))
        return _loaded[1]


def budget_model_reset() -> None:
    global _loaded
    with _lock:
        _loaded = None


def budget_model_train(*, today: dt.date, user_ids: Iterable[int] | None = None,
                       panel: MonthlyPanel | None = None) -> dict[str, Any]:
    """Train on every complete month of all active users (or the given panel), score a model trained without
    the last month on that month, save a new version and return its metadata. ValueError: too little data."""
    if panel is None:
        if user_ids is None:
            user_ids = User.objects.filter(is_active=True).values_list("pk", flat=True)
        current = month_start(today)
        panel = panel_for_users(user_ids=list(user_ids), until=month_add(current, -1), known_until=current,
                                history_months=TRAINING_MONTHS + HISTORY_MONTHS)
        if panel is None:
            raise ValueError("No transactions to train the budget model on.")
        users = len(np.unique(panel.user_ids))
        if users < MIN_TRAINING_USERS:
            raise ValueError(f"Too little history to train the budget model: {users} user(s) with spending, "
                             f"at least {MIN_TRAINING_USERS} needed; suggestions use the 3-month median until then.")
    metrics: dict[str, Any] = {}
    try:
        held_out = budget_model_evaluate(panel, holdout_months=1)
        metrics = {"held_out_month": held_out["holdout_months"][0], **{
            key: held_out["overall"][key] for key in ("n", "mae_model", "mae_last_month", "mae_mean_3_months",
                                                      "within_suggestion")}}
    except ValueError as error:
        logger.info("No held-out month for the budget model: %s", error)
    started = time.perf_counter()
    model = BudgetModel().train(panel)
    metrics["training_seconds"] = round(time.perf_counter() - started, 3)
    model.save(budget_artifact_dir(), metrics=metrics)
    budget_model_reset()
    return model.metadata
