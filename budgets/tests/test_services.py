from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budgets.models import Budget, BudgetSource
from budgets.services import budget_delete, budget_set, suggestion_accept, suggestions_accept_all
from budgets.tests.conftest import NOVEMBER
from transactions.services import category_create
from transactions.tests.factories import category


@pytest.mark.django_db
def test_budget_set_creates_then_updates_the_months_row(owner):
    first = budget_set(user=owner, category=category("food_drink"), month=NOVEMBER.replace(day=17), amount="250")
    again = budget_set(user=owner, category=category("food_drink"), month=NOVEMBER, amount="275.5", rollover=True)

    assert again.pk == first.pk
    assert (again.month, again.amount, again.currency, again.rollover) == (NOVEMBER, Decimal("275.50"), "EUR", True)
    assert Budget.objects.filter(user=owner).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "amount", "field"), [
    ("income.salary", "100", "category"),
    ("transfers", "100", "category"),
    ("food_drink", "-1", "amount"),
    ("food_drink", "abc", "amount"),
    ("food_drink", "NaN", "amount"),
    ("food_drink", "1e20", "amount"),
])
def test_budget_set_refuses_bad_input_with_a_field_message(owner, key, amount, field):
    with pytest.raises(ValidationError) as error:
        budget_set(user=owner, category=category(key), month=NOVEMBER, amount=amount)

    assert field in error.value.message_dict
    assert not Budget.objects.exists()


@pytest.mark.django_db
def test_budget_set_refuses_another_users_category(owner, other_user):
    theirs = category_create(user=other_user, name="Oscar's hobby")

    with pytest.raises(ValidationError) as error:
        budget_set(user=owner, category=theirs, month=NOVEMBER, amount="10")

    assert error.value.message_dict == {"category": ["Choose one of your categories."]}


@pytest.mark.django_db
def test_budget_set_accepts_own_expense_category(owner):
    mine = category_create(user=owner, name="Pets")
    assert budget_set(user=owner, category=mine, month=NOVEMBER, amount="40").category == mine


@pytest.mark.django_db
def test_budget_delete_only_deletes_own(owner, other_user):
    budget = budget_set(user=owner, category=None, month=NOVEMBER, amount="10")
    budget_delete(user=other_user, budget=budget)
    assert Budget.objects.filter(pk=budget.pk).exists()
    budget_delete(user=owner, budget=budget)
    assert not Budget.objects.filter(pk=budget.pk).exists()


@pytest.mark.django_db
def test_accept_one_suggestion_keeps_rollover_and_says_why(owner, history):
    budget_set(user=owner, category=category("food_drink"), month=NOVEMBER, amount="100", rollover=True)

    budget = suggestion_accept(user=owner, month=NOVEMBER, category=category("food_drink"))

    assert (budget.amount, budget.source, budget.rollover) == (Decimal("300.00"), BudgetSource.SUGGESTED, True)
    assert budget.explanation.startswith("Median of your last 3 months (EUR 240, 360, 300)")


@pytest.mark.django_db
def test_accept_without_a_suggestion_says_so(owner, history):
    with pytest.raises(ValidationError) as error:
        suggestion_accept(user=owner, month=NOVEMBER, category=category("travel"))
    assert "no suggestion for Travel in November 2026" in error.value.message_dict["category"][0]


@pytest.mark.django_db
def test_accept_all_sets_every_suggestion(owner, history):
    budgets = suggestions_accept_all(user=owner, month=NOVEMBER)

    amounts = {b.category.name if b.category else "Overall": b.amount for b in budgets}
    assert amounts == {"Food & Drink": Decimal("300.00"), "Transportation": Decimal("80.00"),
                       "Overall": Decimal("380.00")}
    assert Budget.objects.filter(user=owner, month=NOVEMBER, source=BudgetSource.SUGGESTED).count() == 3


@pytest.mark.django_db
def test_accept_all_without_history_says_there_is_nothing(owner):
    with pytest.raises(ValidationError) as error:
        suggestions_accept_all(user=owner, month=NOVEMBER)
    assert error.value.message_dict == {"month": ["There are no suggestions for November 2026 yet."]}
