from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest

from budgets.models import Budget, BudgetSource
from budgets.services import budget_set
from budgets.tests.conftest import NOVEMBER, spend
from transactions.models import Category
from transactions.tests.factories import category

LIST = "/budgets/"


@pytest.fixture
def signed_in(client, owner, now):
    client.force_login(owner)
    return client


def text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.mark.django_db
def test_pages_need_login(client, owner):
    budget = budget_set(user=owner, category=None, month=NOVEMBER, amount="10")
    for url in (LIST, "/budgets/history/", f"/budgets/{budget.pk}/edit/", f"/budgets/{budget.pk}/delete/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


@pytest.mark.django_db
def test_list_shows_overall_categories_progress_and_suggestions(signed_in, owner, account, history):
    budget_set(user=owner, category=None, month=NOVEMBER, amount="1000")
    budget_set(user=owner, category=category("food_drink"), month=NOVEMBER, amount="200", rollover=True)
    spend(account, "food_drink.groceries", "-170.25")

    page = text(signed_in.get(LIST))

    assert "November 2026" in page
    assert "EUR 170.25 <span class=\"text-base font-normal text-slate-500\">of EUR 1,000.00" in page
    assert "Food &amp; Drink" in page and "EUR 29.75 left" in page and "85%" in page
    assert "Roll-over +EUR 0.00" in page
    assert "Suggested: <span class=\"tabular-nums\">EUR 300.00</span>" in page  # beside Food & Drink
    assert "Median of your last 3 months (EUR 240, 360, 300)" in page
    assert "The median of your last 3 months" in page and "Heuristic" not in page
    assert "Ahead of pace: " in page and "% of the month gone" in page
    assert "Suggested budgets" in page and "Transportation" in page  # suggested, no budget yet
    assert "Accept all suggestions" in page
    assert "← Oct 2026" in page and "Dec 2026 →" in page


@pytest.mark.django_db
def test_empty_state_explains_and_offers_the_suggestions(signed_in, history):
    page = text(signed_in.get(LIST))
    assert "No budgets for November 2026" in page
    assert "warns you at 80%" in page
    assert "Accept all suggestions" in page


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["nope", "2026-13", "0000-01", "2026-1", "9999-12", "2026-11-01", "%00"])
def test_a_bad_month_shows_the_current_month(signed_in, month):
    response = signed_in.get(LIST, {"month": month})
    assert response.status_code == 200
    assert "No budgets for November 2026" in text(response)


@pytest.mark.django_db
def test_opening_a_month_copies_last_months_budgets(signed_in, owner):
    budget_set(user=owner, category=category("food_drink"), month=dt.date(2026, 10, 1), amount="321")
    page = text(signed_in.get(LIST))
    assert "of EUR 321.00" in page
    assert Budget.objects.filter(user=owner, month=NOVEMBER, source=BudgetSource.CARRIED).count() == 1


@pytest.mark.django_db
def test_add_budget(signed_in, owner):
    food = category("food_drink")
    response = signed_in.post("/budgets/add/", {"month": "2026-12", "category": food.pk, "amount": "150",
                                                "rollover": "on"})
    assert response.status_code == 302 and response["Location"] == "/budgets/?month=2026-12"
    budget = Budget.objects.get(user=owner)
    assert (budget.category, budget.month, budget.amount, budget.rollover) == (food, dt.date(2026, 12, 1), 150, True)


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "message"), [
    ({"category": "", "amount": "-5"}, "Enter 0 or more."),
    ({"category": "", "amount": "lots"}, "Enter a number."),
    ({"category": "999999999999999999", "amount": "5"}, "Choose one of the categories in the list."),
    ({"category": "abc", "amount": "5"}, "Choose one of the categories in the list."),
])
def test_add_budget_refuses_bad_input(signed_in, data, message):
    response = signed_in.post("/budgets/add/", {"month": "2026-11", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Budget.objects.exists()


@pytest.mark.django_db
def test_add_budget_refuses_income_and_other_users_categories(signed_in, other_user):
    from transactions.services import category_create

    theirs = category_create(user=other_user, name="Oscar's secret")
    for pk in (category("income.salary").pk, theirs.pk):
        response = signed_in.post("/budgets/add/", {"month": "2026-11", "category": pk, "amount": "5"})
        assert response.status_code == 400
        assert "Choose one of the categories in the list." in response.content.decode()
        assert "Oscar" not in response.content.decode()
    assert not Budget.objects.exists()


@pytest.mark.django_db
def test_edit_and_delete(signed_in, owner):
    budget = budget_set(user=owner, category=category("travel"), month=NOVEMBER, amount="100")

    assert "Travel · November 2026" in text(signed_in.get(f"/budgets/{budget.pk}/edit/"))
    response = signed_in.post(f"/budgets/{budget.pk}/edit/", {"amount": "80.5", "rollover": "on"})
    assert response.status_code == 302
    budget.refresh_from_db()
    assert (budget.amount, budget.rollover) == (Decimal("80.50"), True)
    assert signed_in.post(f"/budgets/{budget.pk}/edit/", {"amount": "-1"}).status_code == 400

    assert "Delete the Travel budget for November 2026?" in text(signed_in.get(f"/budgets/{budget.pk}/delete/"))
    assert signed_in.post(f"/budgets/{budget.pk}/delete/").status_code == 302
    assert not Budget.objects.exists()


@pytest.mark.django_db
def test_another_users_budget_is_404(signed_in, other_user):
    theirs = budget_set(user=other_user, category=None, month=NOVEMBER, amount="10")
    for url in (f"/budgets/{theirs.pk}/edit/", f"/budgets/{theirs.pk}/delete/"):
        assert signed_in.get(url).status_code == 404
        assert signed_in.post(url, {"amount": "1"}).status_code == 404
    assert signed_in.get("/budgets/999999999999999999999/edit/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.amount == 10
    assert "EUR 10.00" not in text(signed_in.get(LIST))


@pytest.mark.django_db
def test_accept_one_and_all_suggestions(signed_in, owner, history):
    food = category("food_drink")
    response = signed_in.post("/budgets/suggestions/accept/", {"month": "2026-11", "category": food.pk})
    assert response["Location"] == "/budgets/?month=2026-11"
    assert Budget.objects.get(user=owner).amount == 300

    response = signed_in.post("/budgets/suggestions/accept/", {"month": "2026-11", "category": ""}, follow=True)
    assert "Budget for Overall set to the suggested EUR 380.00." in text(response)

    response = signed_in.post("/budgets/suggestions/accept-all/", {"month": "2026-11"}, follow=True)
    assert "3 suggested budgets set for November 2026." in text(response)
    assert {b.category.name if b.category else "Overall": b.amount
            for b in Budget.objects.filter(user=owner)} == {"Food & Drink": 300, "Transportation": 80,
                                                             "Overall": 380}


@pytest.mark.django_db
@pytest.mark.parametrize("data", [
    {"month": "junk"}, {"month": "2026-11", "category": "abc"}, {"month": "2026-11", "category": "123456789012345678"},
    {"month": "2026-11", "category": "9" * 30}, {},
])
def test_accept_refuses_bad_input_with_a_message(signed_in, history, data):
    response = signed_in.post("/budgets/suggestions/accept/", data, follow=True)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Budget.objects.exists()


@pytest.mark.django_db
def test_accept_refuses_another_users_category(signed_in, other_user, history):
    from transactions.services import category_create

    theirs = category_create(user=other_user, name="Oscar's")
    response = signed_in.post("/budgets/suggestions/accept/", {"month": "2026-11", "category": theirs.pk}, follow=True)
    assert "Choose one of your expense categories." in text(response)
    response = signed_in.post("/budgets/suggestions/accept-all/", {"month": "13"}, follow=True)
    assert "Enter a month as YYYY-MM" in text(response)
    assert not Budget.objects.exists()


@pytest.mark.django_db
def test_history_chart_and_table(signed_in, owner, account):
    budget_set(user=owner, category=None, month=dt.date(2026, 10, 1), amount="500")
    budget_set(user=owner, category=category("food_drink"), month=NOVEMBER, amount="300")
    spend(account, "food_drink.groceries", "-120", on=dt.date(2026, 10, 5))

    response = signed_in.get("/budgets/history/")
    page = text(response)
    assert "vendor/chart.umd.min.js" in page and "js/budgets.js" in page
    data = json.loads(response.content.decode().split('id="budget-history-data" type="application/json">')[1]
                      .split("</script>")[0])
    assert data["labels"][-2:] == ["Oct 2026", "Nov 2026"] and len(data["labels"]) == 12
    assert data["budget"][-2] == "500.00" and data["spent"][-2] == "120.00"
    assert re.search(r'October 2026</th> <td data-label="Budget"[^>]*>EUR 500.00</td>', page)
    assert "EUR 380.00" in page  # left in October

    page = text(signed_in.get("/budgets/history/", {"category": category("food_drink").pk}))
    assert "Food &amp; Drink: budget and spending" in page
    assert text(signed_in.get("/budgets/history/", {"category": "x" * 50})).count("Overall: budget") == 1


@pytest.mark.django_db
def test_history_empty_state(signed_in):
    page = text(signed_in.get("/budgets/history/"))
    assert "No budgets yet" in page and "chart.umd" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 20])
def test_list_page_queries_do_not_grow(signed_in, owner, account, count, django_assert_max_num_queries):
    categories = list(Category.objects.filter(owner=None, kind="expense").order_by("pk"))[:count - 1]
    for category_ in categories:
        budget_set(user=owner, category=category_, month=NOVEMBER, amount="100")
        spend(account, category_.key, "-10")
    budget_set(user=owner, category=None, month=NOVEMBER, amount="1000")

    with django_assert_max_num_queries(16):
        response = signed_in.get(LIST)
    assert response.content.decode().count('role="progressbar"') == count
    with django_assert_max_num_queries(8):  # 8 with the pending-deletion banner's read (privacy)
        signed_in.get("/budgets/history/")
