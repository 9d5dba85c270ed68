"""Goals: the writes (goals, contributions, linked accounts, risk answers). Each queues the worker's refresh of
the stored plan and readiness (``goals.tasks.goals_refresh_task``, through the outbox after commit); no request
computes them (goals.refresh does, in the worker)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from core.dates import date_problem
from core.months import month_add, month_start
from core.outbox import outbox_enqueue
from goals import readiness, tasks
from goals.models import Contribution, Goal, GoalAccount, GoalKind, RiskProfile
from goals.planning import ZERO
from transactions.models import Account

SHORT_TERM_MONTHS = 24
MAX_YEARS_AHEAD = 50  # a goal's date further out is a typo, not a plan


def latest_date(today: dt.date) -> dt.date:
    """The furthest date a goal (or a what-if) may have."""
    return month_add(month_start(today), 12 * MAX_YEARS_AHEAD)


# ---- writes ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GoalFields:
    name: str
    kind: str
    target_amount: Decimal | None = None
    target_date: dt.date | None = None
    priority: int = 2
    emergency_months: int | None = None
    starting_amount: Decimal = ZERO
    accounts: tuple[tuple[int, int], ...] = ()  # (account id, share %)


def _term(target_date: dt.date | None, today: dt.date, kind: str) -> str:
    """A dated goal's term follows its date: under two years is short-term."""
    if kind == GoalKind.EMERGENCY or target_date is None:
        return kind
    months = (target_date.year - today.year) * 12 + target_date.month - today.month
    return GoalKind.SHORT_TERM if months < SHORT_TERM_MONTHS else GoalKind.LONG_TERM


def _validate(*, user: User, fields: GoalFields, goal: Goal | None, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if not fields.name.strip():
        errors["name"] = "Give the goal a name."
    elif Goal.objects.for_user(user).filter(name__iexact=fields.name.strip()).exclude(
            pk=goal.pk if goal else 0).exists():
        errors["name"] = "You already have a goal with this name."
    if fields.kind not in GoalKind.values:
        errors["kind"] = "Choose emergency fund, short-term or long-term."
    elif fields.kind == GoalKind.EMERGENCY:
        if fields.emergency_months not in (3, 4, 5, 6):
            errors["emergency_months"] = "An emergency fund holds 3 to 6 months of essential spending."
        if Goal.objects.for_user(user).filter(kind=GoalKind.EMERGENCY).exclude(pk=goal.pk if goal else 0).exists():
            errors["kind"] = "You already have an emergency fund."
    elif fields.target_amount is None or fields.target_amount <= 0:
        errors["target_amount"] = "Set how much the goal needs (more than 0)."
    if fields.target_date is not None and fields.target_date <= today:
        errors["target_date"] = "The date must be in the future."
    elif fields.target_date is not None and fields.target_date > latest_date(today):
        errors["target_date"] = f"Choose a date within {MAX_YEARS_AHEAD} years."
    if fields.priority not in (1, 2, 3):
        errors["priority"] = "Priority is 1 (high), 2 (medium) or 3 (low)."
    if fields.starting_amount < 0:
        errors["starting_amount"] = "What you have already saved cannot be negative."
    owned = dict(Account.objects.filter(owner=user).values_list("pk", "currency"))
    currency = goal.currency if goal else user.financial_profile.preferred_currency
    linked = set(goal.linked_accounts.values_list("account_id", flat=True)) if goal else set()
    for account_id, share in fields.accounts:
        if account_id not in owned:
            errors["accounts"] = f"Account {account_id} is not one of yours."
        elif owned[account_id] != currency and account_id not in linked:
            errors["accounts"] = f"Link accounts in {currency}: this goal counts in {currency}."
        elif not 1 <= share <= 100:
            errors["accounts"] = "A linked account's share is 1 to 100 percent."
    if len({account_id for account_id, _ in fields.accounts}) != len(fields.accounts):
        errors["accounts"] = "Link each account once."
    if errors:
        raise ValidationError(errors)


def _refresh_soon(user: User, reason: str) -> None:
    outbox_enqueue(tasks.goals_refresh_task, user.pk, reason)


@transaction.atomic
def goal_create(*, user: User, fields: GoalFields, today: dt.date | None = None) -> Goal:
    today = today or user.financial_profile.local_today()
    _validate(user=user, fields=fields, goal=None, today=today)
    goal = Goal.objects.create(
        user=user, name=fields.name.strip(), kind=_term(fields.target_date, today, fields.kind),
        target_amount=fields.target_amount or ZERO, currency=user.financial_profile.preferred_currency,
        target_date=fields.target_date, priority=fields.priority,
        emergency_months=fields.emergency_months if fields.kind == GoalKind.EMERGENCY else None,
        starting_amount=fields.starting_amount)
    GoalAccount.objects.bulk_create(GoalAccount(goal=goal, account_id=a, share=s) for a, s in fields.accounts)
    _refresh_soon(user, "goal added")
    return goal


@transaction.atomic
def goal_update(*, user: User, goal: Goal, fields: GoalFields, today: dt.date | None = None) -> Goal:
    today = today or user.financial_profile.local_today()
    _validate(user=user, fields=fields, goal=goal, today=today)
    goal.name, goal.kind = fields.name.strip(), _term(fields.target_date, today, fields.kind)
    goal.target_amount = fields.target_amount or (goal.target_amount if fields.kind == GoalKind.EMERGENCY else ZERO)
    goal.target_date, goal.priority, goal.starting_amount = fields.target_date, fields.priority, fields.starting_amount
    goal.emergency_months = fields.emergency_months if fields.kind == GoalKind.EMERGENCY else None
    goal.save()
    goal.linked_accounts.all().delete()
    GoalAccount.objects.bulk_create(GoalAccount(goal=goal, account_id=a, share=s) for a, s in fields.accounts)
    _refresh_soon(user, "goal changed")
    return goal


@transaction.atomic
def goal_delete(*, user: User, goal: Goal) -> None:
    goal.delete()
    _refresh_soon(user, "goal removed")


@transaction.atomic
def contribution_add(*, user: User, goal: Goal, amount: Decimal, date: dt.date | None = None,
                     note: str = "") -> Contribution:
    today = user.financial_profile.local_today()
    date = date or today
    if amount == 0:
        raise ValidationError({"amount": "A contribution is more or less than 0."})
    if date > today:
        raise ValidationError({"date": "A contribution cannot be dated in the future."})
    if problem := date_problem(date, today=today):
        raise ValidationError({"date": problem})
    contribution = Contribution.objects.create(goal=goal, amount=amount, date=date, note=note.strip()[:200])
    _refresh_soon(user, "contribution")
    return contribution


@transaction.atomic
def contribution_delete(*, user: User, contribution: Contribution) -> None:
    contribution.delete()
    _refresh_soon(user, "contribution")


@transaction.atomic
def risk_answers_save(*, user: User, answers: dict[str, str]) -> RiskProfile:
    problems = {question: "Choose one of the answers." for question, spec in readiness.QUESTIONS.items()
                if answers.get(question) not in spec["choices"]}
    if problems:
        raise ValidationError(problems)
    profile, _ = RiskProfile.objects.update_or_create(
        user=user, defaults={"answers": {q: answers[q] for q in readiness.QUESTIONS}})
    _refresh_soon(user, "risk answers")
    return profile
