"""Budget suggestions: next month's spend per top-level expense category, and overall.

A suggestion is the median of the last 3 months when there is too little history (or no model yet),
adjusted down toward the user's savings-rate target, with one line saying how it was made.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from accounts.models import User
from mlcore.budget_data import first_months, month_add, month_index, month_start, monthly_ledger, spend_matrix
from transactions.models import Category

# Categories with less than this spent over the last 3 months get no suggestion (a one-off coffee).
MIN_SPEND_3_MONTHS = 15.0
# The model needs this many months of a user's history; fewer and the median of the last 3 months is used.
MIN_HISTORY_MONTHS = 4
# Bills and obligations: never trimmed toward the savings target.
ESSENTIAL_KEYS = frozenset({"housing", "taxes"})
ESSENTIAL_WORDS = ("rent", "mortgage", "utilit", "insurance", "loan", "tax", "miete", "versicherung", "kredit")
# Trimming toward the savings target never goes below this share of the 3-month median.
TRIM_FLOOR = 0.8


@dataclass(frozen=True, slots=True)
class BudgetSuggestion:
    category: Category | None  # None: the overall budget
    amount: Decimal  # what to budget, rounded
    currency: str
    method: str  # "model" or "heuristic"
    explanation: str
    predicted: Decimal  # the unrounded prediction (or median), before the savings adjustment


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
    """One suggestion per top-level expense category the user spent in over the last 3 months, plus the
    overall one (category None, the sum of the others) last. Only this user's transactions count."""
    target = month_start(month)
    profile = user.financial_profile
    currency = profile.preferred_currency
    since = month_add(target, -12)
    spend, income = monthly_ledger(user_ids=[user.pk], since=since, before=target)
    if spend.empty:
        return []
    starts = first_months(user_ids=[user.pk])
    starts = {u: max(m, since) for u, m in starts.items()}
    matrix = spend_matrix(spend, starts=starts, until=target)
    last = month_index(target) - 1
    known_months = int(np.count_nonzero(~np.isnan(matrix.loc[user.pk].to_numpy()[0])))
    categories = {c.pk: c for c in Category.objects.filter(pk__in=list(matrix.index.get_level_values(1)))}

    drafts: list[_Draft] = []
    for (_, category_id), row in matrix.iterrows():
        category = categories.get(category_id)
        if category is None:
            continue
        last3 = [float(row[m]) for m in range(last - 2, last + 1) if m in row.index and not np.isnan(row[m])]
        if sum(last3) < MIN_SPEND_3_MONTHS:
            continue
        median = statistics.median(last3)
        figures = ", ".join(_whole(v) for v in last3)
        if known_months < MIN_HISTORY_MONTHS:
            reason = f"only {known_months} month{'s' if known_months != 1 else ''} of history, too little for the model"
        else:
            reason = "no trained model yet"
        drafts.append(_Draft(
            category=category, last3=last3, median=median, value=median, predicted=median, method="heuristic",
            explanation=f"Median of your last {len(last3)} months ({currency} {figures}); {reason}",
        ))

    _savings_trim(drafts, income=_monthly_income(profile=profile, income=income, target=target),
                  target_rate=float(profile.savings_rate_target or 0), currency=currency)
    drafts.sort(key=lambda d: -d.value)
    suggestions = [
        BudgetSuggestion(category=d.category, amount=budget_amount_round(d.value), currency=currency,
                         method=d.method, explanation=d.explanation, predicted=_money(d.predicted))
        for d in drafts
    ]
    if suggestions:
        total = sum((s.amount for s in suggestions), Decimal("0"))
        methods = {s.method for s in suggestions}
        suggestions.append(BudgetSuggestion(
            category=None, amount=total, currency=currency, method="model" if methods == {"model"} else "heuristic",
            explanation=f"The sum of your {len(drafts)} category suggestions",
            predicted=_money(sum(d.predicted for d in drafts)),
        ))
    return suggestions


def _monthly_income(*, profile, income, target: dt.date) -> float | None:
    """The profile's monthly net income, else the median income of the last 3 months seen in the ledger."""
    if profile.monthly_net_income is not None and profile.monthly_net_income > 0:
        return float(profile.monthly_net_income)
    if income.empty:
        return None
    recent = income[income["month"] >= month_add(target, -3)]["income"]
    recent = recent[recent > 0]
    return float(recent.median()) if len(recent) else None


def _savings_trim(drafts: list[_Draft], *, income: float | None, target_rate: float, currency: str) -> None:
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
        if trimmed < d.value - 0.5:
            share = round(100 * (1 - trimmed / d.value))
            d.explanation += f"; trimmed {share}% toward your {target_rate:g}% savings target"
            d.value = trimmed
