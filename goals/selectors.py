"""Reads of goals and of the stored plan and readiness, always for one user; another user's goal is a 404.

The what-if recomputes the plan from the stored inputs (arithmetic and a seeded simulation over stored
figures, milliseconds): it fits nothing and reads nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import User
from goals import planning
from goals.models import Contribution, Goal, GoalAccount, GoalPlan, ReadinessReport, RiskProfile
from transactions.models import Account, AccountKind
from transactions.selectors import account_list

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def goal_list(*, user: User) -> QuerySet[Goal]:
    """The user's goals with ``contributed`` (the sum of their contributions) and their linked accounts, in a
    constant number of queries."""
    total = (Contribution.objects.filter(goal=OuterRef("pk")).order_by().values("goal")
             .annotate(total=Sum("amount")).values("total"))
    return (Goal.objects.for_user(user)
            .annotate(contributed=Coalesce(Subquery(total, output_field=MONEY), Value(Decimal("0.00")),
                                           output_field=MONEY))
            .prefetch_related(Prefetch("linked_accounts", queryset=GoalAccount.objects.select_related("account"))))


def goal_get(*, user: User, pk: int) -> Goal:
    return get_object_or_404(goal_list(user=user), pk=pk)


def contribution_list(*, user: User, goal: Goal) -> QuerySet[Contribution]:
    return Contribution.objects.filter(goal=goal, goal__user=user)


def contribution_get(*, user: User, goal: Goal, pk: int) -> Contribution:
    return get_object_or_404(contribution_list(user=user, goal=goal), pk=pk)


@dataclass(frozen=True)
class StoredPlan:
    plan: dict[str, Any]  # goals.planning.Plan as JSON
    inputs: dict[str, Any]
    computed_at: dt.datetime
    reason: str

    def goal(self, goal_id: int) -> dict[str, Any] | None:
        return next((row for row in self.plan["goals"] if row["goal_id"] == goal_id), None)


def plan_get(*, user: User) -> StoredPlan | None:
    row = GoalPlan.objects.filter(user=user).first()
    return None if row is None else StoredPlan(plan=row.result, inputs=row.inputs, computed_at=row.computed_at,
                                               reason=row.reason)


def what_if(*, user: User, extra: Decimal = Decimal("0.00"), dates: dict[int, dt.date | None] | None = None
            ) -> dict[str, Any] | None:
    """The stored plan's inputs with "save ``extra`` more a month" and other dates: every goal's plan again.
    None before the first plan was stored."""
    row = GoalPlan.objects.filter(user=user).only("inputs").first()
    if row is None:
        return None
    inputs = planning.PlanInputs.from_json(row.inputs)
    known = {goal.id for goal in inputs.goals}
    return planning.plan_compute(inputs, extra=extra,
                                 dates={k: v for k, v in (dates or {}).items() if k in known}).to_json()


def readiness_get(*, user: User) -> ReadinessReport | None:
    return ReadinessReport.objects.filter(user=user).first()


def risk_answers_get(*, user: User) -> dict[str, str]:
    return RiskProfile.objects.filter(user=user).values_list("answers", flat=True).first() or {}


# ---- reads for the pages ---------------------------------------------------------------------------------------

def goal_page_list(*, user: User) -> QuerySet[Goal]:
    """``goal_list`` with ``last_contribution_at``: the pages compare it with the stored plan's time to say when
    the plan does not count a change yet."""
    last = Contribution.objects.filter(goal=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    return goal_list(user=user).annotate(last_contribution_at=Subquery(last))


def goal_page_get(*, user: User, pk: int) -> Goal:
    return get_object_or_404(goal_page_list(user=user), pk=pk)


def account_balances(*, user: User) -> dict[int, Decimal]:
    """Each of the user's accounts' balance today, by id (what a linked account gives a goal)."""
    return {account.pk: vars(account)["balance"] for account in account_list(user=user)}


def goal_account_choices(*, user: User, keep: tuple[int, ...] = ()) -> list[Account]:
    """The accounts a goal can count: the user's in their own currency (a goal adds balances up as they are),
    not credit cards (a debt saves nothing), savings first, with ``balance``; ``keep``: accounts already linked."""
    currency = user.financial_profile.preferred_currency
    accounts = [a for a in account_list(user=user)
                if (a.currency == currency and a.kind != AccountKind.CREDIT_CARD) or a.pk in keep]
    return sorted(accounts, key=lambda a: (a.kind != AccountKind.SAVINGS, a.name.lower()))


def risk_profile_get(*, user: User) -> RiskProfile | None:
    return RiskProfile.objects.filter(user=user).first()
