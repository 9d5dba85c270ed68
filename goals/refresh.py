"""The worker's refresh of a user's stored plan and readiness: what they are computed from (goals, savings,
the forecast, the patterns, alerts, card balances), the computation (goals.planning, goals.readiness) and the
notifications that follow (milestones, off track, the plan changed with income), each sent once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from alerts.selectors import alert_panel
from core.months import month_add, month_end, month_start
from goals import planning, readiness
from goals.models import Goal, GoalKind, GoalPlan, ReadinessReport, RiskProfile
from goals.planning import ZERO, PlanInputs
from goals.selectors import goal_list
from insights.analytics import savings_history
from insights.models import Forecast, ForecastKind
from mlcore.services import patterns_get, patterns_refresh
from notifications.models import NotificationKind, Severity
from notifications.services import notification_create
from transactions.models import Account, AccountKind, Category
from transactions.selectors import account_balance_on, account_list

HISTORY_MONTHS = 24
MILESTONES = (25, 50, 75, 100)
INCOME_CHANGE = Decimal("0.10")  # the forecast income moving by a tenth changes the plan for a reason worth saying
# Essential spending: what a month cannot do without (the emergency fund covers these).
ESSENTIAL_KEYS = frozenset({
    "housing", "housing.rent", "housing.mortgage", "housing.utilities", "housing.internet_phone", "housing.insurance",
    "food_drink.groceries", "transportation", "transportation.gas_fuel", "transportation.public_transit",
    "transportation.parking", "transportation.car_maintenance", "health_wellness.health_insurance",
    "health_wellness.pharmacy", "health_wellness.doctor", "fees_charges.interest_charged", "taxes",
})
ESSENTIAL_PARENTS = frozenset({"housing", "transportation"})  # a person's own subcategories of these count too
GOALS_LINK = "/goals/"


# ---- what the plan is computed from --------------------------------------------------------------------------

def essentials_month(*, user: User) -> Decimal:
    """A usual month of essential spending (housing, utilities, groceries, insurance, transport, loan interest,
    taxes), from the stored patterns; 0 before the first patterns are computed."""
    stored = patterns_get(user=user)
    if stored is None:
        return ZERO
    patterns, _ = stored
    ids = [c.category_id for c in patterns.categories if c.kind == "expense"]
    keys = {pk: (key or "", parent or "") for pk, key, parent in
            Category.objects.filter(pk__in=ids).values_list("pk", "key", "parent__key")}
    return sum((c.monthly_mean for c in patterns.categories
                if c.category_id in keys and (keys[c.category_id][0] in ESSENTIAL_KEYS
                                              or keys[c.category_id][1] in ESSENTIAL_PARENTS)), ZERO)


@dataclass(frozen=True)
class MonthFlows:
    surplus: tuple[Decimal, ...]
    spending: tuple[Decimal, ...]
    income: tuple[Decimal, ...]


def month_flows(*, user: User, today: dt.date) -> MonthFlows:
    """The full months since the person's history starts (up to two years), oldest first."""
    months = [m for m in savings_history(user=user, months=HISTORY_MONTHS + 1, today=today) if not m.is_partial]
    while months and months[0].income == 0 and months[0].spending == 0:
        months.pop(0)
    return MonthFlows(surplus=tuple(m.savings for m in months), spending=tuple(m.spending for m in months),
                      income=tuple(m.income for m in months))


def _forecast(user: User, flows: MonthFlows) -> tuple[Decimal, Decimal, str]:
    """Next month's income and spending (bills included) from the stored forecast, else the last three months'
    average."""
    stored = dict(Forecast.objects.filter(user=user, account__isnull=True,
                                          kind__in=[ForecastKind.DAILY_INCOME, ForecastKind.DAILY_SPENDING])
                  .values_list("kind", "summary"))
    income = (stored.get(ForecastKind.DAILY_INCOME) or {}).get("next_month", {}).get("yhat")
    spending = (stored.get(ForecastKind.DAILY_SPENDING) or {}).get("next_month", {}).get("yhat")
    if income is not None and spending is not None:
        return Decimal(income), abs(Decimal(spending)), "forecast"
    recent_income, recent_spending = flows.income[-3:], flows.spending[-3:]
    if not recent_income:
        return ZERO, ZERO, "none"
    return (planning._money(sum(recent_income, ZERO) / len(recent_income)),
            planning._money(sum(recent_spending, ZERO) / len(recent_spending)), "history")


def goal_saved(goal: Goal, balances: dict[int, Decimal]) -> Decimal:
    """Saved so far: what it started with, the contributions, and its share of linked accounts' balances.
    ``goal.contributed`` is annotated by goals.selectors.goal_list."""
    linked = sum((max(balances.get(link.account_id, ZERO), ZERO) * link.share / 100
                  for link in goal.linked_accounts.all()), ZERO)
    contributed = getattr(goal, "contributed", None)
    if contributed is None:
        contributed = goal.contributions.aggregate(total=Sum("amount"))["total"] or ZERO
    return planning._money(goal.starting_amount + contributed + linked)


@dataclass(frozen=True)
class Ledger:
    """What the plan and the readiness both read, read once: the months' flows and the accounts' balances."""

    flows: MonthFlows
    accounts: tuple[Account, ...]  # annotated with ``balance`` (transactions.selectors.account_list)

    @property
    def balances(self) -> dict[int, Decimal]:
        return {account.pk: vars(account)["balance"] for account in self.accounts}


def ledger_read(*, user: User, today: dt.date) -> Ledger:
    return Ledger(flows=month_flows(user=user, today=today), accounts=tuple(account_list(user=user)))


def _goal_states(user: User, essentials: Decimal, balances: dict[int, Decimal]) -> tuple[planning.GoalState, ...]:
    states = []
    for goal in goal_list(user=user):
        target = goal.target_amount
        if goal.kind == GoalKind.EMERGENCY:
            target = planning._money(essentials * (goal.emergency_months or 3))
        states.append(planning.GoalState(
            id=goal.pk, name=goal.name, kind=goal.kind, target=target, saved=goal_saved(goal, balances),
            priority=goal.priority, target_date=goal.target_date,
            essentials_month=essentials if goal.kind == GoalKind.EMERGENCY else ZERO))
    return tuple(states)


def plan_inputs(*, user: User, today: dt.date, ledger: Ledger | None = None) -> PlanInputs:
    ledger = ledger or ledger_read(user=user, today=today)
    essentials = planning._money(essentials_month(user=user))
    income, spending, source = _forecast(user, ledger.flows)
    return PlanInputs(currency=user.financial_profile.preferred_currency, month=month_start(today),
                      forecast_income=planning._money(income), forecast_spending=planning._money(spending),
                      surplus_history=ledger.flows.surplus, essentials_month=essentials,
                      goals=_goal_states(user, essentials, ledger.balances), forecast_source=source)


def _revolving_debt(user: User, today: dt.date, accounts: tuple[Account, ...]) -> tuple[tuple[str, Decimal], ...]:
    """Credit cards owing money at the end of each of the last two months: a balance carried, not paid off."""
    last = month_end(month_add(month_start(today), -1))
    before = month_end(month_add(month_start(today), -2))
    carried = []
    for account in (a for a in accounts if a.kind == AccountKind.CREDIT_CARD):
        ends = [account_balance_on(user=user, account=account, on=day) for day in (before, last)]
        if all(balance < 0 for balance in ends):
            carried.append((account.name, -ends[-1]))
    return tuple(carried)


def readiness_inputs(*, user: User, today: dt.date, inputs: PlanInputs,
                     ledger: Ledger | None = None) -> readiness.ReadinessInputs:
    ledger = ledger or ledger_read(user=user, today=today)
    flows = ledger.flows
    savings = sum((vars(a)["balance"] for a in ledger.accounts if a.kind == AccountKind.SAVINGS
                   and a.currency == inputs.currency), ZERO)
    fund = next((g for g in inputs.goals if g.kind == GoalKind.EMERGENCY), None)
    answers = RiskProfile.objects.filter(user=user).values_list("answers", flat=True).first() or {}
    return readiness.ReadinessInputs(
        currency=inputs.currency, essentials_month=inputs.essentials_month,
        emergency_saved=fund.saved if fund else savings,
        emergency_target=fund.target if fund else inputs.essentials_month * readiness.EMERGENCY_MONTHS_MIN,
        liquid_savings=savings, surplus_history=flows.surplus, spending_history=flows.spending,
        open_high_alerts=alert_panel(user=user).open_high, revolving_debt=_revolving_debt(user, today, ledger.accounts),
        answers=answers)


# ---- the worker's refresh ------------------------------------------------------------------------------------

def goals_refresh(*, user: User, reason: str = "nightly", today: dt.date | None = None) -> dict[str, Any]:
    """Recompute and store the plan and the readiness, and send what changed. The nightly run skips the
    work when the inputs did not move since the stored plan (and the month did not turn)."""
    today = today or user.financial_profile.local_today()
    if patterns_get(user=user) is None:  # the essentials come from them
        patterns_refresh(user=user, today=today)
    ledger = ledger_read(user=user, today=today)
    inputs = plan_inputs(user=user, today=today, ledger=ledger)
    ready_inputs = readiness_inputs(user=user, today=today, inputs=inputs, ledger=ledger)
    fingerprint = _fingerprint(inputs, ready_inputs)
    stored = GoalPlan.objects.filter(user=user).first()
    month_turned = stored is None or stored.month != inputs.month
    if reason == "nightly" and stored is not None and not month_turned and stored.fingerprint == fingerprint:
        return {"skipped": 1}
    plan = planning.plan_compute(inputs)
    ready = readiness.readiness_compute(ready_inputs, plan)
    now = timezone.now()
    with transaction.atomic():
        _emergency_targets_store(user, inputs)
        GoalPlan.objects.update_or_create(user=user, defaults={
            "month": inputs.month, "inputs": inputs.to_json(), "fingerprint": fingerprint,
            "result": plan.to_json(), "computed_at": now,
            "reason": "month start" if month_turned and reason == "nightly" else reason})
        ReadinessReport.objects.update_or_create(user=user, defaults={
            "score": ready.score, "ready": ready.ready, "result": ready.to_json(), "computed_at": now})
        sent = _notify(user=user, plan=plan, previous=stored, inputs=inputs)
    return {"goals": len(plan.goals), "score": ready.score, "notifications": sent}


def _fingerprint(inputs: PlanInputs, ready_inputs: readiness.ReadinessInputs) -> str:
    """Equal when neither the plan's nor the readiness's inputs moved (nothing to redo)."""
    seen = json.dumps([inputs.fingerprint(), dataclasses.asdict(ready_inputs)], sort_keys=True, default=str)
    return hashlib.sha256(seen.encode()).hexdigest()[:32]


def _emergency_targets_store(user: User, inputs: PlanInputs) -> None:
    for state in inputs.goals:
        if state.kind == GoalKind.EMERGENCY:
            Goal.objects.filter(pk=state.id, user=user).exclude(target_amount=state.target).update(
                target_amount=state.target)


def _notify(*, user: User, plan: planning.Plan, previous: GoalPlan | None, inputs: PlanInputs) -> int:
    """Milestones (25/50/75/100%), off track, and the plan changed because income did: each once."""
    sent = 0
    money = inputs.currency
    for goal in plan.goals:
        link = f"{GOALS_LINK}{goal.goal_id}/"
        for step in MILESTONES:
            if goal.progress * 100 >= step and goal.target > 0:
                sent += notification_create(
                    user=user, kind=NotificationKind.GOAL_MILESTONE, severity=Severity.SUCCESS, link=link,
                    title=(f"{goal.name}: reached!" if step == 100 else f"{goal.name}: {step}% saved"),
                    body=f"{money} {goal.saved:,.2f} of {money} {goal.target:,.2f}.",
                    dedupe_key=f"goal:{goal.goal_id}:milestone:{step}") is not None
        if goal.target_date and not goal.on_track:
            can = f"it can make {goal.reached_on:%B %Y}" if goal.reached_on else "it cannot be reached at this rate"
            sent += notification_create(
                user=user, kind=NotificationKind.GOAL_OFF_TRACK, severity=Severity.WARNING, link=link,
                title=f"{goal.name} is off track for {goal.target_date:%B %Y}",
                body=(f"Making the date takes {money} {goal.needed_monthly:,.2f} a month; the plan can give "
                      f"{money} {goal.starting_monthly:,.2f}, so {can}."),
                dedupe_key=f"goal:{goal.goal_id}:off-track:{goal.target_date:%Y-%m}") is not None
    if previous is not None:
        before = Decimal(previous.inputs.get("forecast_income", "0"))
        now_income = inputs.forecast_income
        if before > 0 and abs(now_income - before) / before >= INCOME_CHANGE:
            change = "rose" if now_income > before else "fell"
            sent += notification_create(
                user=user, kind=NotificationKind.GOAL_PLAN_CHANGED, severity=Severity.INFO, link=GOALS_LINK,
                title=f"Your goal plan changed: your expected income {change}",
                body=(f"Expected income {money} {before:,.2f} → {money} {now_income:,.2f} a month; you can safely "
                      f"save {money} {plan.surplus.safe:,.2f} a month now."),
                dedupe_key=f"goal-plan:income:{inputs.month:%Y-%m}:{change}") is not None
    return sent
