"""Writes of budgets: set or delete one, open a month from the last one, accept suggestions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from budgets import selectors
from budgets.models import Budget, BudgetSource
from mlcore.services import BudgetSuggestion
from transactions.models import Category, CategoryKind

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
# A user who has not been seen for a long time gets at most this many months filled in at once.
MAX_MONTHS_TO_OPEN = 24


def _clean_amount(amount: object) -> Decimal:
    try:
        value = Decimal(str(amount)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"amount": "Enter an amount such as 250.00."}) from None
    if not value.is_finite():
        raise ValidationError({"amount": "Enter an amount such as 250.00."})
    if value < 0:
        raise ValidationError({"amount": "A budget cannot be negative."})
    if value > MAX_AMOUNT:
        raise ValidationError({"amount": "That amount is too large."})
    return value


def _check_category(user: User, category: Category | None) -> None:
    if category is None:
        return
    if not Category.objects.visible_to(user).filter(pk=category.pk).exists():
        raise ValidationError({"category": "Choose one of your categories."})
    if category.kind != CategoryKind.EXPENSE:
        raise ValidationError({"category": f"“{category.name}” is not an expense category; budgets are for spending."})


def _carried_from_previous(user: User, category: Category | None, month: dt.date) -> Decimal:
    """What is left of the same budget last month (negative when overspent), or 0 without one."""
    previous = (Budget.objects.for_user(user).for_month(selectors.month_add(month, -1))
                .filter(category=category).select_related("category").first())
    if previous is None:
        return Decimal("0.00")
    return previous.available - selectors.budget_spent(user=user, budget=previous)


@transaction.atomic
def budget_set(*, user: User, category: Category | None, month: dt.date, amount: Decimal | str | int,
               rollover: bool = False, source: str = BudgetSource.MANUAL, explanation: str = "") -> Budget:
    """Create or update the budget for ``category`` (None: overall) in ``month``."""
    _check_category(user, category)
    amount = _clean_amount(amount)
    month = selectors.month_start(month)
    # Lock only the budget row: the default ordering joins the (nullable) category, which PostgreSQL won't lock.
    budget = (Budget.objects.select_for_update(of=("self",)).for_user(user).for_month(month)
              .filter(category=category).order_by("pk").first())
    turning_on = rollover and (budget is None or not budget.rollover)
    if budget is None:
        budget = Budget(user=user, category=category, month=month,
                        currency=user.financial_profile.preferred_currency)
    budget.amount = amount
    budget.rollover = bool(rollover)
    budget.source = source
    budget.explanation = (explanation or "")[:300]
    if turning_on:
        budget.rolled_over = _carried_from_previous(user, category, month)
    elif not rollover:
        budget.rolled_over = Decimal("0.00")
    budget.save()
    return budget


@transaction.atomic
def budget_delete(*, user: User, budget: Budget) -> None:
    Budget.objects.for_user(user).filter(pk=budget.pk).delete()


def budget_month_open(*, user: User, month: dt.date, today: dt.date | None = None) -> int:
    """Give ``month`` the budgets of the month before when it has none yet; returns how many were created.

    Months between the last one with budgets and ``month`` are opened in turn, so roll-overs chain. A month
    after the user's current month is not opened (its roll-over would be counted on spending not done yet).
    Safe to run twice at once: rows that already exist are skipped by the unique constraints.
    """
    month = selectors.month_start(month)
    today = today or user.financial_profile.local_today()
    if month > selectors.month_start(today):
        return 0
    budgets = Budget.objects.for_user(user)
    if budgets.for_month(month).exists():
        return 0
    latest = budgets.filter(month__lt=month).order_by("-month").values_list("month", flat=True).first()
    if latest is None:
        return 0
    opening = max(selectors.month_add(latest, 1), selectors.month_add(month, -(MAX_MONTHS_TO_OPEN - 1)))
    source_month = selectors.month_add(opening, -1)
    created = 0
    with transaction.atomic():
        while opening <= month:
            previous = list(selectors.budget_list(user=user, month=source_month))
            progress = {p.budget.pk: p for p in selectors.budget_progress(user=user, month=source_month,
                                                                          today=today, budgets=previous)}
            rows = [
                Budget(user=user, category_id=budget.category_id, month=opening, amount=budget.amount,
                       currency=budget.currency, rollover=budget.rollover, source=BudgetSource.CARRIED,
                       explanation=budget.explanation,
                       rolled_over=progress[budget.pk].remaining if budget.rollover else Decimal("0.00"))
                for budget in previous
            ]
            created += len(Budget.objects.bulk_create(rows, ignore_conflicts=True))
            source_month, opening = opening, selectors.month_add(opening, 1)
    return created


def _suggestion_for(suggestions: list[BudgetSuggestion],
                    category: Category | None) -> BudgetSuggestion | None:
    category_id = category.pk if category is not None else None
    for suggestion in suggestions:
        if (suggestion.category.pk if suggestion.category is not None else None) == category_id:
            return suggestion
    return None


def _accept(user: User, month: dt.date, suggestion: BudgetSuggestion) -> Budget:
    current = (Budget.objects.for_user(user).for_month(month).filter(category=suggestion.category)
               .values_list("rollover", flat=True).first())
    return budget_set(user=user, category=suggestion.category, month=month, amount=suggestion.amount,
                      rollover=bool(current), source=BudgetSource.SUGGESTED, explanation=suggestion.explanation)


@transaction.atomic
def suggestion_accept(*, user: User, month: dt.date, category: Category | None) -> Budget:
    """Set the budget for ``category`` (None: overall) in ``month`` to what is suggested for it."""
    month = selectors.month_start(month)
    suggestion = _suggestion_for(selectors.suggestion_list(user=user, month=month), category)
    if suggestion is None:
        name = category.name if category is not None else "your overall budget"
        raise ValidationError({"category": f"There is no suggestion for {name} in {month:%B %Y}."})
    return _accept(user, month, suggestion)


@transaction.atomic
def suggestions_accept_all(*, user: User, month: dt.date) -> list[Budget]:
    """Set every suggested budget for ``month``; budgets without a suggestion stay as they are."""
    month = selectors.month_start(month)
    suggestions = selectors.suggestion_list(user=user, month=month)
    if not suggestions:
        raise ValidationError({"month": f"There are no suggestions for {month:%B %Y} yet."})
    accepted: list[Budget] = []
    for suggestion in suggestions:
        try:
            accepted.append(_accept(user, month, suggestion))
        except ValidationError:
            continue  # a suggestion for a category that is no longer a budgetable one (checked before any write)
    return accepted
