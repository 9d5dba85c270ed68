"""The allocation plan: how much of a safe monthly surplus goes to each goal, when each goal is reached, and
the chance of reaching it by its date. Pure functions of stored inputs (no database, no fitting): the nightly
job and the what-if on the page run the same code.

The rule, month by month:
1. the emergency fund first, up to one month of essential spending;
2. goals with a date, most important first, then the nearest date: each gets what it needs per month to make
   its date (its remaining amount over the months left), as far as the surplus goes;
3. what is left goes to the rest of the emergency fund and to goals without a date, most important first.
Nothing is ever allocated beyond the safe surplus, and nothing is negative.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any

from core.lazy import lazy_module
from core.months import month_add, month_start

if TYPE_CHECKING:
    import numpy as np
else:  # imported by the first computation, not by every web worker that imports this module (core.lazy)
    np = lazy_module("numpy")

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HORIZON_MONTHS = 600  # fifty years: a goal not reached by then is "not reachable at this rate"
SIMULATED_MONTHS = 240  # the chance of making a date is worked out up to twenty years ahead
SIMULATIONS = 500  # futures: the chance of making a date to about two percentage points
SEED = 20261205
SURPLUS_BUFFER_PERCENTILE = 20  # a bad month, not the average one
MIN_HISTORY_MONTHS = 3
EMERGENCY_FIRST_MONTHS = 1


class Kind:
    EMERGENCY = "emergency"
    SHORT_TERM = "short_term"
    LONG_TERM = "long_term"


@dataclass(frozen=True)
class GoalState:
    """One goal as the plan sees it: what it needs and what it has."""

    id: int
    name: str
    kind: str
    target: Decimal
    saved: Decimal
    priority: int  # 1 is the most important
    target_date: dt.date | None = None
    essentials_month: Decimal = ZERO  # an emergency fund: one month of essential spending

    @property
    def remaining(self) -> Decimal:
        return max(self.target - self.saved, ZERO)


@dataclass(frozen=True)
class PlanInputs:
    """What the plan is computed from; stored with it so the what-if and "did the inputs move?" use the same."""

    currency: str
    month: dt.date  # the first month of the plan (this month)
    forecast_income: Decimal  # a month's
    forecast_spending: Decimal  # a month's, bills included
    surplus_history: tuple[Decimal, ...]  # the last full months' income minus spending, oldest first
    essentials_month: Decimal
    goals: tuple[GoalState, ...]
    forecast_source: str = "forecast"  # or "history" when no forecast was stored yet

    def to_json(self) -> dict[str, Any]:
        return _json(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanInputs:
        goals = tuple(GoalState(id=g["id"], name=g["name"], kind=g["kind"], target=Decimal(g["target"]),
                                saved=Decimal(g["saved"]), priority=int(g["priority"]),
                                target_date=dt.date.fromisoformat(g["target_date"]) if g["target_date"] else None,
                                essentials_month=Decimal(g["essentials_month"]))
                      for g in data["goals"])
        return cls(currency=data["currency"], month=dt.date.fromisoformat(data["month"]),
                   forecast_income=Decimal(data["forecast_income"]),
                   forecast_spending=Decimal(data["forecast_spending"]),
                   surplus_history=tuple(Decimal(v) for v in data["surplus_history"]),
                   essentials_month=Decimal(data["essentials_month"]), goals=goals,
                   forecast_source=data.get("forecast_source", "forecast"))

    def fingerprint(self) -> str:
        """Equal for inputs that would give the same plan (to say "nothing moved, nothing to redo")."""
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Surplus:
    """What can be saved safely: the coming month from its forecast, later months from the person's own past.

    The coming month: forecast income minus forecast spending and bills, less a buffer (how far a bad past month
    fell below a typical one). A usual month after it: a bad past month (the 20th percentile), not the average
    one. Neither is ever below zero."""

    forecast: Decimal  # the coming month: forecast income minus forecast spending
    buffer: Decimal  # how far a bad month falls below a typical one
    safe: Decimal  # the coming month's safe surplus: forecast minus buffer
    usual: Decimal  # a usual later month's safe surplus: the 20th-percentile past month
    typical: Decimal  # the median past month
    bad_month: Decimal  # the 20th percentile past month


@dataclass(frozen=True)
class GoalPlan:
    goal_id: int
    name: str
    kind: str
    target: Decimal
    saved: Decimal
    monthly: Decimal  # this month's allocation
    starting_monthly: Decimal  # the first allocation it gets (this month's, or later when it waits its turn)
    reached_on: dt.date | None  # the month the plan reaches the target; None: not within fifty years
    months_to_goal: int | None
    target_date: dt.date | None
    on_track: bool  # reached by its date (a goal without a date: reachable at all)
    needed_monthly: Decimal | None  # what making its date takes per month, when it has a date
    confidence: float | None  # the chance of reaching it by its date (without a date: by reached_on); None
    # when that is more than twenty years ahead or never
    progress: float  # 0..1

    def to_json(self) -> dict[str, Any]:
        return _json(self)


@dataclass(frozen=True)
class Plan:
    currency: str
    month: dt.date
    surplus: Surplus
    extra: Decimal  # the what-if's "save this much more a month"
    allocated: Decimal  # this month's total
    unallocated: Decimal
    goals: tuple[GoalPlan, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return _json(self)


def _json(value: Any) -> dict[str, Any]:
    """A dataclass as plain JSON (Decimals and dates as strings)."""
    data: dict[str, Any] = json.loads(json.dumps(dataclasses.asdict(value), default=str))
    return data


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_DOWN)


def surplus_safe(inputs: PlanInputs) -> Surplus:
    """Forecast income minus forecast spending, less the distance from a typical past month to a bad one
    (the 20th percentile): a plan that a bad month does not break."""
    forecast = inputs.forecast_income - inputs.forecast_spending
    history = [float(v) for v in inputs.surplus_history]
    if len(history) >= MIN_HISTORY_MONTHS:
        typical = float(np.median(history))
        bad = float(np.percentile(history, SURPLUS_BUFFER_PERCENTILE))
        buffer = _money(max(typical - bad, 0.0))
    else:  # too few months to know the swings: keep a fifth of the forecast back, every month
        buffer = _money(max(float(forecast) * 0.2, 0.0))
        typical, bad = float(forecast), float(forecast - buffer)
    return Surplus(forecast=_money(forecast), buffer=buffer, safe=max(_money(forecast - buffer), ZERO),
                   usual=max(_money(bad), ZERO), typical=_money(typical), bad_month=_money(bad))


def _months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start``'s month to ``end``'s month: a goal due in March counts March."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _order(goals: Sequence[GoalState]) -> tuple[list[int], list[int]]:
    """(dated goals, the rest) as indexes into ``goals``: dated by priority then date; the rest by priority,
    the emergency fund first among equals."""
    dated = sorted((i for i, g in enumerate(goals) if g.target_date and g.kind != Kind.EMERGENCY),
                   key=lambda i: (goals[i].priority, goals[i].target_date, goals[i].id))
    rest = sorted((i for i, g in enumerate(goals) if not (g.target_date and g.kind != Kind.EMERGENCY)),
                  key=lambda i: (goals[i].priority, goals[i].kind != Kind.EMERGENCY, goals[i].id))
    return dated, rest


def _give(given: np.ndarray, left: np.ndarray, want: np.ndarray) -> None:
    """Give a goal what it wants, as far as what is left goes (both arrays updated in place)."""
    take = np.minimum(left, np.maximum(want, 0))
    given += take
    left -= take


def _run(goals: Sequence[GoalState], month: dt.date, surplus_paths: np.ndarray, *,
         months: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Save month by month along each path, every path at once. ``surplus_paths``: (months, paths) of what can
    be saved each month (the last row repeats). Each month: the emergency fund up to a month of essentials,
    then dated goals what making their date takes, then the rest in order (dated goals may finish early);
    never negative, never more than the month's surplus. Returns (this month's allocation (goals, paths), the
    month index each goal is reached (goals, paths), -1 when not within ``months``, and each goal's first
    allocation (goals, paths): a goal waiting for the emergency fund starts later)."""
    count, paths = len(goals), surplus_paths.shape[1]
    dated, rest = _order(goals)
    remaining = np.array([float(g.remaining) for g in goals])[:, None].repeat(paths, axis=1)
    first_gap = {i: np.full(paths, max(float(g.essentials_month) * EMERGENCY_FIRST_MONTHS - float(g.saved), 0.0))
                 for i, g in enumerate(goals) if g.kind == Kind.EMERGENCY}
    left_months = [(_months_between(month, g.target_date) if g.target_date else 0) for g in goals]
    reached = np.where(remaining <= 0.005, 0, -1)
    first_month = np.zeros((count, paths))
    starting = np.zeros((count, paths))
    if not surplus_paths.any():
        return first_month, reached, starting
    open_goals = {i for i in range(count) if (reached[i] < 0).any()}
    for m in range(months):
        if not open_goals:
            break
        left = surplus_paths[min(m, len(surplus_paths) - 1)].copy()
        given = np.zeros((count, paths))
        for i, gap in first_gap.items():
            if i in open_goals and gap.any():
                _give(given[i], left, np.minimum(gap, remaining[i]))
        for i in dated:
            if i in open_goals:
                _give(given[i], left, np.minimum(remaining[i] / max(left_months[i] - m, 1), remaining[i]) - given[i])
        for i in [*rest, *dated]:
            if i in open_goals:
                _give(given[i], left, remaining[i] - given[i])
        if m == 0:
            first_month = given.copy()
        starting = np.where((starting == 0) & (given > 0), given, starting)
        remaining -= given
        np.maximum(remaining, 0, out=remaining)
        for i, gap in first_gap.items():
            np.maximum(gap - given[i], 0, out=gap)
        done = remaining <= 0.005
        reached = np.where((reached < 0) & done, m, reached)
        open_goals = {i for i in open_goals if not done[i].all()}
    return first_month, reached, starting


def plan_compute(inputs: PlanInputs, *, extra: Decimal = ZERO, dates: dict[int, dt.date | None] | None = None,
                 simulations: int = SIMULATIONS, seed: int = SEED) -> Plan:
    """The plan for these inputs; ``extra`` (save this much more a month) and ``dates`` (goal id: another
    date) are the what-if. Deterministic: the simulation is seeded."""
    if dates:
        inputs = dataclasses.replace(inputs, goals=tuple(
            dataclasses.replace(g, target_date=dates[g.id]) if g.id in dates else g for g in inputs.goals))
    goals = inputs.goals
    surplus = surplus_safe(inputs)
    # The coming month, then every usual month after it.
    planned = np.array([[float(max(surplus.safe + extra, ZERO))], [float(max(surplus.usual + extra, ZERO))]])
    monthly = float(planned[0, 0])
    if not goals:
        return Plan(currency=inputs.currency, month=inputs.month, surplus=surplus, extra=extra, allocated=ZERO,
                    unallocated=_money(monthly))
    first, reached, starting = _run(goals, inputs.month, planned, months=HORIZON_MONTHS)
    chance = _confidence(inputs, surplus, extra=float(extra), planned=reached[:, 0], monthly=planned[:, 0],
                         simulations=simulations, seed=seed)
    rows = []
    for i, goal in enumerate(goals):
        at = int(reached[i, 0])
        reached_on = month_add(inputs.month, at) if at >= 0 else None
        needed = None
        if goal.target_date:
            needed = _money(float(goal.remaining) / max(_months_between(inputs.month, goal.target_date), 1))
        on_track = reached_on is not None and (goal.target_date is None or reached_on <= month_start(goal.target_date))
        rows.append(GoalPlan(
            goal_id=goal.id, name=goal.name, kind=goal.kind, target=goal.target, saved=goal.saved,
            monthly=_money(first[i, 0]), starting_monthly=_money(starting[i, 0]), reached_on=reached_on, months_to_goal=at if at >= 0 else None,
            target_date=goal.target_date, on_track=on_track, needed_monthly=needed, confidence=chance[i],
            progress=float(min(goal.saved / goal.target, Decimal(1))) if goal.target > 0 else 1.0))
    allocated = sum((row.monthly for row in rows), ZERO)
    return Plan(currency=inputs.currency, month=inputs.month, surplus=surplus, extra=extra, allocated=allocated,
                unallocated=max(_money(monthly) - allocated, ZERO), goals=tuple(rows))


def _confidence(inputs: PlanInputs, surplus: Surplus, *, extra: float, planned: np.ndarray, monthly: np.ndarray,
                simulations: int, seed: int) -> list[float | None]:
    """For each goal, the share of simulated futures in which it is reached by its date (a goal without a
    date: by the month the plan reaches it). A future draws each month's surplus from the person's own past
    months (the coming month: the forecast give or take a past month's swing); the person saves the plan's
    amount when the month allows, and catches up on what a bad month missed when a later month allows."""
    goals = inputs.goals
    deadlines = [(_months_between(inputs.month, g.target_date) - 1 if g.target_date else int(planned[i]))
                 for i, g in enumerate(goals)]
    # Beyond twenty years the person's last two years say little: no figure rather than a made-up one.
    deadlines = [d if d < SIMULATED_MONTHS else -1 for d in deadlines]
    if not inputs.surplus_history or max(deadlines) < 0:
        return [None if d < 0 else (1.0 if planned[i] >= 0 and planned[i] <= d else 0.0)
                for i, d in enumerate(deadlines)]
    months = max(deadlines) + 1
    history = np.array([float(v) for v in inputs.surplus_history])
    swings = history - float(np.median(history))
    rng = np.random.default_rng(seed)
    actual = rng.choice(history, size=(months, simulations)) + extra
    actual[0] = float(surplus.forecast) + extra + rng.choice(swings, size=simulations)
    # What goes to the goals: the plan's amount when the month has it, plus any shortfall carried from before.
    saved = np.zeros_like(actual)
    owed = np.zeros(simulations)
    for m in range(months):
        want = monthly[min(m, len(monthly) - 1)] + owed
        saved[m] = np.clip(actual[m], 0, want)
        owed = want - saved[m]
    _, reached, _ = _run(goals, inputs.month, saved, months=months)
    return [None if deadline < 0 else round(float(((reached[i] >= 0) & (reached[i] <= deadline)).mean()), 3)
            for i, deadline in enumerate(deadlines)]
