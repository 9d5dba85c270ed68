"""Investment readiness, 0 to 100: hard gates (each with its numbers), a score from weighted components, and,
when every gate passes, a safe amount to invest, a horizon, a category of instrument and a projection range.

Pure functions of stored figures (no database): the worker gathers them (goals.services) and stores the result.
Educational, not financial advice: no security is ever named, only broad categories.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.lazy import lazy_module
from goals.planning import ZERO, Plan, _json, _money

if TYPE_CHECKING:
    import numpy as np
else:  # imported by the first computation, not by every web worker that imports this module (core.lazy)
    np = lazy_module("numpy")

EMERGENCY_MONTHS_MIN = 3
STABLE_MONTHS = 3  # each of the last three full months with a positive surplus
EXPENSE_VOLATILITY_MAX = 0.25  # the coefficient of variation of monthly spending over the last 12 full months
NEAR_GOAL_MONTHS = 24
GATE_CAP = 40  # a failed gate caps the score here: not ready, whatever the rest
WEIGHTS = {"emergency": 30, "surplus": 25, "volatility": 15, "debt": 15, "goals": 15}
INSTRUMENTS_FILE = Path(__file__).parent / "data" / "instrument_categories.json"
DISCLAIMER = ("Educational, not financial advice. Finsight never names a specific investment; the categories and "
              "return ranges are broad historical figures, and the past does not promise the future.")

QUESTIONS: dict[str, dict[str, Any]] = {
    "horizon": {"text": "When might you need the money you invest?",
                "choices": {"under_3": "Within 3 years", "3_to_7": "In 3 to 7 years", "over_7": "Not for 7 years or more"}},
    "drop": {"text": "If what you invested fell by a fifth in one year, you would…",
             "choices": {"sell": "Sell, to stop losing more", "wait": "Wait for it to recover",
                         "buy_more": "Buy more while it is cheaper"}},
    "experience": {"text": "Have you invested before?",
                   "choices": {"none": "Never", "some": "A little", "years": "For years"}},
}
HORIZON_YEARS = {"under_3": 2, "3_to_7": 5, "over_7": 10}
RISK_POINTS = {"drop": {"sell": 0, "wait": 1, "buy_more": 2}, "experience": {"none": 0, "some": 1, "years": 2}}
DEFAULT_HORIZON_YEARS = 5


@dataclass(frozen=True)
class ReadinessInputs:
    currency: str
    essentials_month: Decimal
    emergency_saved: Decimal  # the emergency fund's progress, or the savings accounts' balance without one
    emergency_target: Decimal  # the emergency fund's target (its months of essentials), or 3 months without one
    liquid_savings: Decimal  # savings accounts' balance
    surplus_history: tuple[Decimal, ...]  # full months, oldest first
    spending_history: tuple[Decimal, ...]  # full months, oldest first
    open_high_alerts: int
    revolving_debt: tuple[tuple[str, Decimal], ...]  # credit cards carrying a balance: (name, balance owed)
    answers: dict[str, str]


@dataclass(frozen=True)
class Gate:
    key: str
    title: str
    passed: bool
    figures: str  # the numbers, in a sentence


@dataclass(frozen=True)
class Component:
    key: str
    title: str
    weight: int
    value: float  # 0..1
    points: float


@dataclass(frozen=True)
class Projection:
    category: str
    years: int
    low: Decimal
    mid: Decimal
    high: Decimal
    paid_in: Decimal
    yearly: tuple[dict[str, str], ...]  # {"year", "low", "mid", "high", "paid_in"}


@dataclass(frozen=True)
class Readiness:
    score: int
    ready: bool
    gates: tuple[Gate, ...]
    components: tuple[Component, ...]
    summary: str
    raise_most: str
    currency: str
    monthly_investable: Decimal | None = None
    lump_sum: Decimal | None = None
    horizon_years: int | None = None
    category: str | None = None
    category_reason: str = ""
    projections: tuple[Projection, ...] = ()
    source: str = ""
    disclaimer: str = DISCLAIMER

    def to_json(self) -> dict[str, Any]:
        return _json(self)


@cache
def instruments() -> dict[str, Any]:
    """The bundled table of instrument categories and their historical return ranges (with its source)."""
    table: dict[str, Any] = json.loads(INSTRUMENTS_FILE.read_text())
    return table


def _money_words(value: Decimal, currency: str) -> str:
    return f"{currency} {value:,.2f}"


def _months_ahead(day: dt.date, plan: Plan) -> int:
    return (day.year - plan.month.year) * 12 + day.month - plan.month.month


def _volatility(spending: tuple[Decimal, ...]) -> float | None:
    values = np.array([float(v) for v in spending[-12:]])
    if len(values) < STABLE_MONTHS or values.mean() <= 0:
        return None
    return float(values.std() / values.mean())


def _gates(inputs: ReadinessInputs, plan: Plan) -> list[Gate]:
    money = inputs.currency
    cover = float(inputs.emergency_saved / inputs.essentials_month) if inputs.essentials_month > 0 else 0.0
    gates = [Gate("emergency", "An emergency fund of at least 3 months of essentials",
                  inputs.essentials_month > 0 and cover >= EMERGENCY_MONTHS_MIN,
                  (f"{_money_words(inputs.emergency_saved, money)} saved, {cover:.1f} months of your essential "
                   f"spending ({_money_words(inputs.essentials_month, money)} a month)")
                  if inputs.essentials_month > 0 else "Your essential spending is not known yet: too little history")]
    last = inputs.surplus_history[-STABLE_MONTHS:]
    gates.append(Gate("surplus", "More coming in than going out in each of the last 3 months",
                      len(last) == STABLE_MONTHS and all(v > 0 for v in last),
                      ("Last 3 months: " + ", ".join(_money_words(v, money) for v in last)) if last
                      else "No full month recorded yet"))
    cv = _volatility(inputs.spending_history)
    gates.append(Gate("volatility", "Steady monthly spending",
                      cv is not None and cv < EXPENSE_VOLATILITY_MAX,
                      f"Your monthly spending varies by {cv:.0%} around its average (under "
                      f"{EXPENSE_VOLATILITY_MAX:.0%} passes)" if cv is not None else "Fewer than 3 full months recorded"))
    gates.append(Gate("alerts", "No high-risk alert waiting for you", inputs.open_high_alerts == 0,
                      "No open high-risk alert" if not inputs.open_high_alerts
                      else f"{inputs.open_high_alerts} high-risk alert(s) to answer"))
    gates.append(Gate("debt", "No card balance carried from month to month", not inputs.revolving_debt,
                      "No credit card carries a balance" if not inputs.revolving_debt else
                      "; ".join(f"{name} carries {_money_words(owed, money)}" for name, owed in inputs.revolving_debt)))
    near = [g for g in plan.goals if g.target_date and g.kind != "emergency"
            and (g.target_date.year - plan.month.year) * 12 + g.target_date.month - plan.month.month < NEAR_GOAL_MONTHS]
    behind = [g for g in near if not g.on_track]
    gates.append(Gate("goals", "Goals due within 2 years on track", not behind,
                      "No goal due within 2 years" if not near else
                      ("All on track: " + ", ".join(g.name for g in near)) if not behind else
                      "Behind: " + ", ".join(g.name for g in behind)))
    return gates


def _components(inputs: ReadinessInputs, plan: Plan) -> list[Component]:
    cover = float(inputs.emergency_saved / inputs.essentials_month) if inputs.essentials_month > 0 else 0.0
    recent = inputs.surplus_history[-12:]
    positive = sum(1 for v in recent if v > 0) / len(recent) if recent else 0.0
    cv = _volatility(inputs.spending_history)
    dated = [g for g in plan.goals if g.target_date and g.kind != "emergency"]
    values = {
        "emergency": ("Emergency cover (6 months is full marks)", min(cover / 6, 1.0)),
        "surplus": ("Months with money left over, of the last 12", positive),
        "volatility": ("Steady spending", 0.0 if cv is None else max(0.0, 1 - cv / (2 * EXPENSE_VOLATILITY_MAX))),
        "debt": ("No revolving card debt", 0.0 if inputs.revolving_debt else 1.0),
        "goals": ("Dated goals on track", sum(g.on_track for g in dated) / len(dated) if dated else 1.0),
    }
    return [Component(key, title, WEIGHTS[key], round(value, 3), round(WEIGHTS[key] * value, 1))
            for key, (title, value) in values.items()]


def _category(horizon: int, answers: dict[str, str]) -> tuple[str, str]:
    points = sum(RISK_POINTS[q].get(answers.get(q, ""), 0) for q in RISK_POINTS)
    unanswered = not all(answers.get(q) for q in RISK_POINTS)
    if horizon < 3:
        return "debt", f"Money needed within {horizon} years should not ride the ups and downs of shares."
    if horizon < 7 or points < 3:
        if points >= 1:
            return "hybrid", (f"A {horizon}-year horizon and your answers suit a mix: some shares for growth, "
                              "bonds to soften the falls.")
        if unanswered:
            return "debt", "Until you answer the three questions, the steadiest category is the one shown."
        return "debt", "Your answers say a fall would worry you: steadier lending-type investments suit that."
    return "equity", f"{horizon} years and your answers leave room for shares' ups and downs, for their growth."


def _projection(category: str, monthly: Decimal, lump: Decimal, years: int) -> Projection:
    rates = instruments()["categories"][category]["annual_return"]
    yearly = []

    def future(rate: float, n: int) -> float:
        month_rate = rate / 12
        grown = float(lump) * (1 + rate) ** n
        if month_rate == 0:
            return grown + float(monthly) * 12 * n
        return grown + float(monthly) * ((1 + month_rate) ** (12 * n) - 1) / month_rate

    for year in range(years + 1):
        yearly.append({"year": str(year), "paid_in": str(_money(float(lump) + float(monthly) * 12 * year)),
                       **{band: str(_money(future(rates[band], year))) for band in ("low", "mid", "high")}})
    last = yearly[-1]
    return Projection(category=category, years=years, low=Decimal(last["low"]), mid=Decimal(last["mid"]),
                      high=Decimal(last["high"]), paid_in=Decimal(last["paid_in"]), yearly=tuple(yearly))


def _horizon(plan: Plan, answers: dict[str, str]) -> int:
    """Years the invested money can stay put: the questionnaire's answer, and no later than the nearest
    long-term goal that may need it."""
    stated = HORIZON_YEARS.get(answers.get("horizon", ""), DEFAULT_HORIZON_YEARS)
    long_goals = [g.target_date for g in plan.goals if g.kind == "long_term" and g.target_date]
    if long_goals:
        nearest = min(long_goals)
        stated = min(stated, max((nearest.year - plan.month.year), 1))
    return stated


def readiness_compute(inputs: ReadinessInputs, plan: Plan) -> Readiness:
    gates = _gates(inputs, plan)
    components = _components(inputs, plan)
    raw = round(sum(c.points for c in components))
    failed = [g for g in gates if not g.passed]
    score = min(raw, GATE_CAP) if failed else raw
    biggest = max(components, key=lambda c: c.weight * (1 - c.value))
    if failed:
        summary = (f"{score} of 100: not ready to invest yet. {len(failed)} of {len(gates)} checks to pass first: "
                   + "; ".join(g.title.lower() for g in failed) + ".")
        raise_most = _advice(failed[0].key, inputs, plan)
    else:
        summary = f"{score} of 100: every check passes, so investing some of your surplus is reasonable."
        raise_most = _advice(biggest.key, inputs, plan) if biggest.value < 1 else "Keep doing what you are doing."
    base = Readiness(score=score, ready=not failed, gates=tuple(gates), components=tuple(components),
                     summary=summary, raise_most=raise_most, currency=inputs.currency)
    if failed:
        return base
    monthly = max(plan.unallocated, ZERO)
    near_needs = sum((g.target - g.saved for g in plan.goals if g.kind != "emergency" and g.target_date
                      and (g.target_date.year - plan.month.year) * 12 + g.target_date.month - plan.month.month
                      < NEAR_GOAL_MONTHS), ZERO)
    lump = max(inputs.liquid_savings - inputs.emergency_target - max(near_needs, ZERO), ZERO)
    years = _horizon(plan, inputs.answers)
    category, reason = _category(years, inputs.answers)
    table = instruments()
    projections = tuple(_projection(key, monthly, lump, years) for key in table["categories"])
    return dataclasses.replace(base, monthly_investable=monthly, lump_sum=_money(lump), horizon_years=years,
                               category=category, category_reason=reason, projections=projections,
                               source=table["source"])


def _advice(key: str, inputs: ReadinessInputs, plan: Plan) -> str:
    money = inputs.currency
    if key == "emergency":
        if inputs.essentials_month <= 0:
            return "Record a few months of spending so Finsight can work out your essential costs."
        target = inputs.essentials_month * EMERGENCY_MONTHS_MIN
        gap = max(target - inputs.emergency_saved, ZERO)
        return (f"Build your emergency fund to {_money_words(target, money)} (3 months of essentials): "
                f"{_money_words(gap, money)} to go.")
    if key == "surplus":
        return "Spend less than comes in for three months running; your budgets page shows where the money goes."
    if key == "volatility":
        return "Even out your monthly spending: plan big purchases with a goal instead of paying them in one go."
    if key == "alerts":
        return "Answer your high-risk alerts: each one is either fine, not yours or a duplicate."
    if key == "debt":
        return "Pay off the card balance you carry first: its interest costs more than investing is likely to earn."
    behind = [g.name for g in plan.goals if g.target_date and g.kind != "emergency" and not g.on_track
              and _months_ahead(g.target_date, plan) < NEAR_GOAL_MONTHS]
    return ("Put your near goals back on track (" + ", ".join(behind) + "): save more a month or move their dates."
            if behind else "Set a date on your goals so the plan can check them.")
