from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from budgets.models import Budget, BudgetSource
from budgets.selectors import budget_history, budget_progress
from budgets.services import budget_month_open, budget_set
from budgets.tests.conftest import NOVEMBER, TODAY, spend
from transactions import services
from transactions.models import Category, TransactionSplit
from transactions.tests.factories import AccountFactory, category

OCTOBER = dt.date(2026, 10, 1)


def progress_of(user, month=NOVEMBER, today=TODAY):
    return {p.name: p for p in budget_progress(user=user, month=month, today=today)}


@pytest.mark.django_db
def test_parent_category_counts_subcategories_and_refunds(owner, account):
    budget_set(user=owner, category=category("food_drink"), month=NOVEMBER, amount="400")
    budget_set(user=owner, category=category("food_drink.groceries"), month=NOVEMBER, amount="300")
    spend(account, "food_drink.groceries", "-120.50")
    spend(account, "food_drink.restaurants", "-60.00")
    spend(account, "food_drink", "-19.50")
    spend(account, "food_drink.groceries", "20.00")  # a refund
    spend(account, "food_drink.groceries", "-500", on=dt.date(2026, 10, 31))  # last month

    rows = progress_of(owner)

    assert rows["Food & Drink"].spent == Decimal("180.00")
    assert rows["Food & Drink"].remaining == Decimal("220.00")
    assert rows["Food & Drink"].percent == 45
    assert rows["Food & Drink"].status == "ok"
    assert rows["Groceries"].spent == Decimal("100.50")



@pytest.mark.django_db
def test_progress_follows_each_new_edited_or_split_charge_although_the_month_is_kept(owner, account,
                                                                                     django_capture_on_commit_callbacks):
    budget_set(user=owner, category=category("food_drink"), month=NOVEMBER, amount="400")
    assert progress_of(owner)["Food & Drink"].spent == Decimal("0")  # read once: now kept

    with django_capture_on_commit_callbacks(execute=True):
        txn = services.transaction_create(user=owner, account=account, on=dt.date(2026, 11, 6),
                                          amount=Decimal("-80.00"), description="GROCER",
                                          category=category("food_drink.groceries"))
    assert progress_of(owner)["Food & Drink"].spent == Decimal("80.00")

    with django_capture_on_commit_callbacks(execute=True):
        services.transaction_update(user=owner, txn=txn, data={"amount": Decimal("-95.00")})
    assert progress_of(owner)["Food & Drink"].spent == Decimal("95.00")

    with django_capture_on_commit_callbacks(execute=True):
        services.transaction_split_set(user=owner, txn=txn, parts=[(category("food_drink.groceries"), "-45.00"),
                                                                    (category("shopping"), "-50.00")])
    assert progress_of(owner)["Food & Drink"].spent == Decimal("45.00")


@pytest.mark.django_db
def test_overall_counts_expenses_and_uncategorized_money_out_not_transfers_or_income(owner, account):
    budget_set(user=owner, category=None, month=NOVEMBER, amount="1000")
    spend(account, "food_drink.groceries", "-100")
    spend(account, "shopping.clothing", "-50")
    spend(account, "shopping.clothing", "10")  # refund
    spend(account, None, "-40")  # uncategorized money out
    spend(account, None, "25")  # uncategorized money in: not a refund of anything known
    spend(account, "transfers.savings_transfer", "-500")
    spend(account, "transfers.credit_card_payment", "-300")
    spend(account, "income.salary", "3000")
    spend(account, "income.refunds", "-5")  # an income category never counts

    overall = progress_of(owner)["Overall"]

    assert overall.spent == Decimal("180.00")
    assert overall.available == Decimal("1000.00")
    assert overall.remaining == Decimal("820.00")


@pytest.mark.django_db
def test_other_currencies_count_their_converted_amount(owner, account):
    budget_set(user=owner, category=category("travel"), month=NOVEMBER, amount="500")
    usd = AccountFactory(owner=owner, currency="USD")
    spend(usd, "travel.hotels", "-110.00", currency="USD", amount_converted=Decimal("-100.00"),
          converted_currency="EUR")
    spend(usd, "travel.flights", "-50.00", currency="USD")  # never converted: left out, not counted as EUR
    spend(account, "travel.flights", "-20.00")

    assert progress_of(owner)["Travel"].spent == Decimal("120.00")


@pytest.mark.django_db
def test_split_parts_count_under_their_own_categories(owner, account):
    budget_set(user=owner, category=category("food_drink"), month=NOVEMBER, amount="200")
    budget_set(user=owner, category=None, month=NOVEMBER, amount="1000")
    txn = spend(account, None, "-100.00")
    TransactionSplit.objects.create(transaction=txn, category=category("food_drink.groceries"), amount=Decimal("-70"))
    TransactionSplit.objects.create(transaction=txn, category=category("transfers.cash_withdrawal"),
                                    amount=Decimal("-30"))

    rows = progress_of(owner)

    assert rows["Food & Drink"].spent == Decimal("70.00")
    assert rows["Overall"].spent == Decimal("70.00")


@pytest.mark.django_db
def test_status_and_pace(owner, account):
    budget_set(user=owner, category=category("food_drink"), month=NOVEMBER, amount="100")
    budget_set(user=owner, category=category("shopping"), month=NOVEMBER, amount="100")
    budget_set(user=owner, category=category("travel"), month=NOVEMBER, amount="100")
    spend(account, "food_drink.groceries", "-85")
    spend(account, "shopping.clothing", "-100")
    spend(account, "travel.hotels", "-30")

    rows = progress_of(owner, today=dt.date(2026, 11, 15))  # half the month has passed

    assert (rows["Food & Drink"].status, rows["Food & Drink"].pace) == ("warning", "ahead of pace")
    assert (rows["Shopping"].status, rows["Shopping"].percent, rows["Shopping"].remaining) == ("over", 100, 0)
    assert (rows["Travel"].status, rows["Travel"].pace) == ("ok", "on track")
    assert rows["Travel"].month_elapsed == 50


@pytest.mark.django_db
def test_another_users_spending_never_counts(owner, account, other_user, other_account):
    budget_set(user=owner, category=None, month=NOVEMBER, amount="100")
    spend(other_account, "food_drink.groceries", "-999")

    assert progress_of(owner)["Overall"].spent == 0


@pytest.mark.django_db
def test_month_open_copies_budgets_and_carries_unspent_and_overspent(owner, account):
    budget_set(user=owner, category=category("food_drink"), month=OCTOBER, amount="300", rollover=True)
    budget_set(user=owner, category=category("shopping"), month=OCTOBER, amount="100", rollover=True)
    budget_set(user=owner, category=None, month=OCTOBER, amount="1000")
    spend(account, "food_drink.groceries", "-250", on=dt.date(2026, 10, 10))
    spend(account, "shopping.clothing", "-130", on=dt.date(2026, 10, 11))

    assert budget_month_open(user=owner, month=NOVEMBER, today=TODAY) == 3

    rows = progress_of(owner)
    assert rows["Food & Drink"].budget.rolled_over == Decimal("50.00")
    assert rows["Food & Drink"].available == Decimal("350.00")
    assert rows["Shopping"].budget.rolled_over == Decimal("-30.00")
    assert rows["Shopping"].available == Decimal("70.00")
    assert rows["Overall"].budget.rolled_over == 0
    assert rows["Overall"].available == Decimal("1000.00")
    assert {p.budget.source for p in rows.values()} == {BudgetSource.CARRIED}
    # Opening again changes nothing.
    assert budget_month_open(user=owner, month=NOVEMBER, today=TODAY) == 0
    assert Budget.objects.filter(user=owner, month=NOVEMBER).count() == 3


@pytest.mark.django_db
def test_month_open_chains_over_skipped_months_and_never_opens_the_future(owner, account):
    budget_set(user=owner, category=category("food_drink"), month=dt.date(2026, 9, 1), amount="100", rollover=True)
    spend(account, "food_drink.groceries", "-60", on=dt.date(2026, 9, 5))
    spend(account, "food_drink.groceries", "-10", on=dt.date(2026, 10, 5))

    assert budget_month_open(user=owner, month=dt.date(2026, 12, 1), today=TODAY) == 0
    assert budget_month_open(user=owner, month=NOVEMBER, today=TODAY) == 2

    october, november = (Budget.objects.get(user=owner, month=m) for m in (OCTOBER, NOVEMBER))
    assert october.rolled_over == Decimal("40.00")
    assert november.rolled_over == Decimal("130.00")  # 140 available in October, 10 spent


@pytest.mark.django_db
def test_month_open_does_nothing_without_budgets_or_when_the_month_has_some(owner):
    assert budget_month_open(user=owner, month=NOVEMBER, today=TODAY) == 0
    budget_set(user=owner, category=None, month=OCTOBER, amount="100")
    budget_set(user=owner, category=category("travel"), month=NOVEMBER, amount="50")
    assert budget_month_open(user=owner, month=NOVEMBER, today=TODAY) == 0
    assert not Budget.objects.filter(user=owner, month=NOVEMBER, category=None).exists()


@pytest.mark.django_db
def test_setting_rollover_carries_from_the_month_before(owner, account):
    budget_set(user=owner, category=category("food_drink"), month=OCTOBER, amount="200")
    spend(account, "food_drink.groceries", "-150", on=dt.date(2026, 10, 5))

    budget = budget_set(user=owner, category=category("food_drink"), month=NOVEMBER, amount="200", rollover=True)

    assert budget.rolled_over == Decimal("50.00")
    assert budget.available == Decimal("250.00")
    assert budget_set(user=owner, category=category("food_drink"), month=NOVEMBER, amount="200").available == 200


@pytest.mark.django_db
def test_history_per_month(owner, account):
    budget_set(user=owner, category=None, month=OCTOBER, amount="500")
    budget_set(user=owner, category=category("food_drink"), month=NOVEMBER, amount="300")
    spend(account, "food_drink.groceries", "-120", on=dt.date(2026, 10, 5))
    spend(account, "food_drink.groceries", "-80", on=dt.date(2026, 11, 5))

    history = budget_history(user=owner, months=3, today=TODAY)

    assert [m["month"] for m in history] == [dt.date(2026, 9, 1), OCTOBER, NOVEMBER]
    assert history[0]["budgets"] == []
    (october,) = history[1]["budgets"]
    assert (october.name, october.available, october.spent) == ("Overall", Decimal("500.00"), Decimal("120.00"))
    (november,) = history[2]["budgets"]
    assert (november.name, november.available, november.spent) == ("Food & Drink", Decimal("300.00"),
                                                                    Decimal("80.00"))


def _many_budgets(user, account, count):
    tops = list(Category.objects.filter(owner=None, parent=None, kind="expense").order_by("name"))
    subs = list(Category.objects.filter(owner=None, parent__isnull=False, kind="expense").order_by("name"))
    for category_ in (tops + subs)[:count - 1]:
        budget_set(user=user, category=category_, month=NOVEMBER, amount="100")
    budget_set(user=user, category=None, month=NOVEMBER, amount="100")
    for month in (OCTOBER, NOVEMBER):
        for category_ in subs[:count]:
            spend(account, None, "-1", on=month)
            spend(account, category_.key, "-2", on=month + dt.timedelta(days=3))


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 20])
def test_progress_and_history_queries_do_not_grow_with_budgets(owner, account, count, django_assert_max_num_queries):
    _many_budgets(owner, account, count)
    owner.refresh_from_db()
    owner.financial_profile  # noqa: B018 - loaded once, as a request's user is

    with django_assert_max_num_queries(4):
        assert len(budget_progress(user=owner, month=NOVEMBER, today=TODAY)) == count
    with django_assert_max_num_queries(4):
        budget_history(user=owner, months=12, today=TODAY)
