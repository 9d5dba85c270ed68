"""What the goals and readiness pages show, in words: each goal's stored plan row as sentences ("Reached by
August 2027", "Needs EUR 400.00 a month to make July 2027..."), the safe surplus and why, whether the stored
plan counts the latest changes, and the readiness projection as an SVG chart's points. Reads nothing: the views
pass what goals.selectors read; nothing here computes a plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.timesince import timesince

from core.money import money_text
from goals.models import Goal, GoalKind, ReadinessReport, RiskProfile
from goals.refresh import goal_saved
from goals.selectors import StoredPlan

ZERO = Decimal("0.00")
HORIZON_YEARS = 50
# Why the worker last worked the plan out (GoalPlan.reason), as the page says it.
REASONS = {
    "goal added": "after you added a goal", "goal changed": "after you changed a goal",
    "goal removed": "after you removed a goal", "contribution": "after a contribution",
    "risk answers": "after your answers", "month start": "at the start of the month", "nightly": "overnight",
}


def iso_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _month(day: dt.date) -> str:
    return f"{day:%B %Y}"


def ago(moment: dt.datetime, now: dt.datetime) -> str:
    """ "3 hours ago", "just now"."""
    if now - moment < dt.timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, now, depth=1)} ago"


def duration_text(months: int) -> str:
    """ "8 months", "4 years and 4 months" (months up to two years)."""
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    years, rest = divmod(months, 12)
    return f"{years} years" + (f" and {rest} month{'s' if rest != 1 else ''}" if rest else "")


def months_text(months: int) -> str:
    if months <= 0:
        return "this month"
    if months == 1:
        return "next month"
    return f"in {duration_text(months)}"


@dataclass(frozen=True)
class GoalCard:
    """One goal as a card shows it: saved now against its target, and its stored plan row in sentences."""

    goal: Goal
    currency: str
    saved: Decimal
    target: Decimal
    percent: int  # 0..100, rounded down: 100 only once reached
    planned: bool  # the stored plan has a row for it
    monthly: Decimal = ZERO
    waits: bool = False
    wait_reason: str = ""
    starting_monthly: Decimal = ZERO
    reached: bool = False
    reached_on: dt.date | None = None
    when: str = ""  # "Reached by August 2027", "Not within 50 years at this pace"
    when_detail: str = ""  # "in 8 months"
    chance: str = ""  # "84% chance by July 2027"
    track: str = ""  # "on", "off" or "" (no date)
    off_track: str = ""  # the honest answer when it is off track
    row: dict[str, Any] = field(default_factory=dict)

    @property
    def target_known(self) -> bool:
        return self.target > 0


def goal_card(goal: Goal, row: dict[str, Any] | None, *, balances: dict[int, Decimal], currency: str,
              nothing_safe: bool = False) -> GoalCard:
    saved = goal_saved(goal, balances)
    target = Decimal(row["target"]) if row else goal.target_amount
    reached = target > 0 and saved >= target
    percent = 100 if reached else int(saved / target * 100) if target > 0 else 0
    base = {"goal": goal, "currency": currency, "saved": saved, "target": target, "percent": max(percent, 0),
            "reached": reached}
    if row is None:
        return GoalCard(planned=False, **base)
    reached_on, target_date = iso_date(row["reached_on"]), iso_date(row["target_date"])
    months = row["months_to_goal"]
    monthly, starting = Decimal(row["monthly"]), Decimal(row["starting_monthly"])
    if reached:
        when, detail = "Reached", ""
    elif reached_on is None:
        when, detail = f"Not within {HORIZON_YEARS} years at this pace", ""
    else:
        when, detail = f"Reached by {_month(reached_on)}", months_text(months)
    chance = ""
    if row["confidence"] is not None and not reached:
        by = target_date or reached_on
        if by is not None:
            chance = f"{round(row['confidence'] * 100)}% chance by {_month(by) if target_date else 'then'}"
    track, off_track = "", ""
    if target_date is not None and not reached:
        track = "on" if row["on_track"] else "off"
        if not row["on_track"]:
            off_track = _off_track_text(row, target_date, reached_on, currency)
    waits = monthly == 0 and not reached and starting > 0
    wait_reason = ("Nothing is safe to set aside next month." if nothing_safe
                   else "Goals ahead of it come first.") if waits else ""
    return GoalCard(planned=True, monthly=monthly, waits=waits, wait_reason=wait_reason,
                    starting_monthly=starting, reached_on=reached_on, when=when, when_detail=detail,
                    chance=chance, track=track, off_track=off_track, row=row, **base)


def _off_track_text(row: dict[str, Any], target_date: dt.date, reached_on: dt.date | None, currency: str) -> str:
    pace = (f"at the plan's pace it makes {_month(reached_on)}" if reached_on
            else f"at the plan's pace it is not reached within {HORIZON_YEARS} years")
    plan_month = iso_date(row.get("plan_month"))
    if plan_month is not None and target_date < plan_month:
        return f"Its date, {_month(target_date)}, has passed; {pace}."
    needed = row["needed_monthly"]
    return f"Needs {money_text(needed, currency)} a month to make {_month(target_date)}; {pace}."


def goal_cards(goals: list[Goal], stored: StoredPlan | None, *, balances: dict[int, Decimal],
               currency: str) -> list[GoalCard]:
    cards = []
    for goal in goals:
        row = stored.goal(goal.pk) if stored else None
        if row is not None and stored is not None:
            row = {**row, "plan_month": stored.plan["month"]}
        nothing_safe = stored is not None and Decimal(stored.plan["surplus"]["safe"]) <= 0
        cards.append(goal_card(goal, row, balances=balances, currency=currency, nothing_safe=nothing_safe))
    return cards


def plan_behind(goals: list[Goal], stored: StoredPlan | None, cards: list[GoalCard] | None = None) -> bool:
    """True while the stored plan does not count a change yet (the worker is on it): a goal added, changed or
    removed after it was worked out, or a contribution recorded since; a goal without linked accounts whose
    saved amount moved (a contribution taken back)."""
    if stored is None:
        return bool(goals)
    planned = {row["goal_id"] for row in stored.plan["goals"]}
    if planned != {goal.pk for goal in goals}:
        return True
    for goal in goals:
        last = getattr(goal, "last_contribution_at", None)
        if goal.updated_at > stored.computed_at or (last is not None and last > stored.computed_at):
            return True
    return any(card.planned and not card.goal.linked_accounts.all() and card.saved != Decimal(card.row["saved"])
               for card in cards or [])


def readiness_behind(report: ReadinessReport | None, profile: RiskProfile | None) -> bool:
    """True while the stored readiness does not count the latest answers yet."""
    return profile is not None and (report is None or profile.answered_at > report.computed_at)


@dataclass(frozen=True)
class SurplusShown:
    safe: Decimal
    usual: Decimal
    allocated: Decimal
    unallocated: Decimal
    why: str
    usual_why: str


def surplus_shown(stored: StoredPlan) -> SurplusShown:
    plan, inputs = stored.plan, stored.inputs
    currency = plan["currency"]
    surplus = plan["surplus"]

    def money(value: Any) -> str:
        return money_text(value, currency)

    source = inputs.get("forecast_source", "forecast")
    income, spending = inputs.get("forecast_income", "0"), inputs.get("forecast_spending", "0")
    if source == "none":
        why = "There is no income or spending recorded yet, so nothing can be set aside safely."
    else:
        where = ("Your expected income" if source == "forecast"
                 else "With no forecast yet, your last three months' average income")
        why = (f"{where} of {money(income)} minus {'expected ' if source == 'forecast' else ''}spending and bills "
               f"of {money(spending)} leaves {money(surplus['forecast'])}")
        buffer = Decimal(surplus["buffer"])
        why += (f"; {money(buffer)} of it is kept back for a bad month." if buffer > 0 else ".")
    usual_why = (f"For the months after, the plan counts on what a bad month of yours left over "
                 f"({money(surplus['bad_month'])}), not a typical one ({money(surplus['typical'])}).")
    unallocated = Decimal(plan["unallocated"])
    return SurplusShown(safe=Decimal(surplus["safe"]), usual=Decimal(surplus["usual"]),
                        allocated=Decimal(plan["allocated"]),
                        # Each goal's share is rounded down to the cent: a few cents left are not "left free".
                        unallocated=unallocated if unallocated >= 1 else ZERO,
                        why=why, usual_why=usual_why)


def reason_text(reason: str) -> str:
    return REASONS.get(reason, "")


# ---- the what-if ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WhatIfRow:
    name: str
    now: dict[str, Any]
    then: dict[str, Any]
    change: str  # "2 months sooner", "3 months later", "no change", "now reachable"


def _reached_text(row: dict[str, Any]) -> str:
    if row["progress"] >= 1:
        return "Reached"
    reached_on = iso_date(row["reached_on"])
    return _month(reached_on) if reached_on else f"Not within {HORIZON_YEARS} years"


def _chance_text(row: dict[str, Any]) -> str:
    return "–" if row["confidence"] is None else f"{round(row['confidence'] * 100)}%"


def _shown_row(row: dict[str, Any]) -> dict[str, Any]:
    target_date = iso_date(row["target_date"])
    return {**row, "monthly": Decimal(row["monthly"]), "reached_text": _reached_text(row),
            "chance_text": _chance_text(row), "target_date": target_date,
            "track": "" if target_date is None else ("on" if row["on_track"] else "off")}


def what_if_rows(now: dict[str, Any], then: dict[str, Any]) -> list[WhatIfRow]:
    changed = {row["goal_id"]: row for row in then["goals"]}
    rows = []
    for before in now["goals"]:
        after = changed.get(before["goal_id"])
        if after is None:
            continue
        a, b = before["months_to_goal"], after["months_to_goal"]
        if a == b:
            change = "no change"
        elif a is None:
            change = "now within reach"
        elif b is None:
            change = "out of reach"
        elif b < a:
            change = f"{duration_text(a - b)} sooner"
        else:
            change = f"{duration_text(b - a)} later"
        rows.append(WhatIfRow(name=before["name"], now=_shown_row(before), then=_shown_row(after), change=change))
    return rows


# ---- readiness ------------------------------------------------------------------------------------------------

CHART_WIDTH = 100  # the chart's viewBox is 100 wide and 100 tall; it stretches to its box (strokes do not)


@dataclass(frozen=True)
class ProjectionChart:
    band: str  # polygon points: the low line out and the high line back
    mid: str
    paid_in: str
    top: str  # the value at the top edge, in whole units: "EUR 50,000"
    half: str
    years: int
    label: str


def _nice_top(value: Decimal) -> Decimal:
    """A round number at or above ``value`` for the chart's top line: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= step * magnitude:
            return Decimal(step) * magnitude
    return 10 * magnitude


def projection_chart(projection: dict[str, Any], currency: str) -> ProjectionChart:
    yearly = projection["yearly"]
    top = _nice_top(max(Decimal(point["high"]) for point in yearly))
    years = max(len(yearly) - 1, 1)

    def xy(index: int, value: str) -> str:
        x = Decimal(CHART_WIDTH) * index / years
        y = 100 - Decimal(value) / top * 100
        return f"{x:.2f},{y:.2f}"

    high = [xy(i, p["high"]) for i, p in enumerate(yearly)]
    low = [xy(i, p["low"]) for i, p in enumerate(yearly)]
    last = yearly[-1]
    label = (f"After {projection['years']} years: between {money_text(last['low'], currency)} and "
             f"{money_text(last['high'], currency)}, {money_text(last['mid'], currency)} in the middle, "
             f"of {money_text(last['paid_in'], currency)} paid in.")
    return ProjectionChart(band=" ".join(low + high[::-1]), mid=" ".join(xy(i, p["mid"]) for i, p in enumerate(yearly)),
                           paid_in=" ".join(xy(i, p["paid_in"]) for i, p in enumerate(yearly)),
                           top=f"{currency} {top:,.0f}", half=f"{currency} {top / 2:,.0f}", years=projection["years"], label=label)


def goal_kind_label(kind: str) -> str:
    return dict(GoalKind.choices).get(kind, kind)
