from __future__ import annotations

import datetime as dt

import pytest

from budgets.models import Budget, BudgetSource
from budgets.services import budget_set
from budgets.tests.conftest import NOVEMBER, spend
from transactions.models import Category
from transactions.services import category_create
from transactions.tests.factories import category

URL = "/api/v1/budgets/"


@pytest.fixture
def api(now, owner):
    """The owner's API client, with a token issued on the travelled-to day."""
    from conftest import _token_client

    return _token_client(owner)


@pytest.mark.django_db
def test_list_with_progress(api, owner, account):
    food = budget_set(user=owner, category=category("food_drink"), month=NOVEMBER, amount="200")
    budget_set(user=owner, category=None, month=NOVEMBER, amount="1000")
    budget_set(user=owner, category=None, month=dt.date(2026, 12, 1), amount="5")
    spend(account, "food_drink.groceries", "-170")

    response = api.get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 2
    overall, food_row = response.json()["results"]
    assert overall["category"] is None and overall["category_name"] == "Overall"
    assert food_row == {
        "id": food.pk, "category": category("food_drink").pk, "category_name": "Food & Drink", "month": "2026-11",
        "amount": "200.00", "currency": "EUR", "rollover": False, "rolled_over": "0.00", "source": "manual",
        "explanation": "", "available": "200.00", "spent": "170.00", "remaining": "30.00", "percent": 85,
        "status": "warning", "month_elapsed": 67, "pace": "ahead of pace",
        "pace_text": "Ahead of pace: 85% spent, 67% of the month gone",
    }
    assert [row["amount"] for row in api.get(URL, {"month": "2026-12"}).json()["results"]] == ["5.00"]


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["2026-13", "x", "2026-11-01", "99999-01"])
def test_list_bad_month_is_400(api, month):
    response = api.get(URL, {"month": month})
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert response.json()["fields"] == {"month": ["Enter a month as YYYY-MM, e.g. 2026-11."]}


@pytest.mark.django_db
def test_create_update_delete(api, owner):
    food = category("food_drink")
    response = api.post(URL, {"category": food.pk, "month": "2026-11", "amount": "150.00", "rollover": True},
                        format="json")
    assert response.status_code == 201
    budget_id = response.json()["id"]
    assert response.json()["available"] == "150.00"

    response = api.post(URL, {"category": None, "amount": "900"}, format="json")  # this month, overall
    assert response.status_code == 201 and response.json()["month"] == "2026-11"

    response = api.patch(f"{URL}{budget_id}/", {"amount": "175"}, format="json")
    assert response.status_code == 200 and response.json()["amount"] == "175.00"
    assert response.json()["rollover"] is True
    response = api.put(f"{URL}{budget_id}/", {"amount": "100", "rollover": False}, format="json")
    assert (response.json()["amount"], response.json()["rollover"]) == ("100.00", False)
    assert api.get(f"{URL}{budget_id}/").json()["category_name"] == "Food & Drink"

    assert api.delete(f"{URL}{budget_id}/").status_code == 204
    assert list(Budget.objects.values_list("category", flat=True)) == [None]


@pytest.mark.django_db
def test_create_refuses_bad_input_and_changes_nothing(api, other_user):
    theirs = category_create(user=other_user, name="Oscar's")
    cases = [
        ({"category": category("income.salary").pk, "amount": "5"}, "category", "not an expense category"),
        ({"category": theirs.pk, "amount": "5"}, "category", "does not exist"),
        ({"category": 10**30, "amount": "5"}, "category", ""),
        ({"category": "abc", "amount": "5"}, "category", ""),
        ({"amount": "-5"}, "amount", "Enter 0 or more."),
        ({"amount": "NaN"}, "amount", ""),
        ({"amount": "1e400"}, "amount", ""),
        ({"amount": "5", "month": "November"}, "month", "YYYY-MM"),
        ({}, "amount", "required"),
    ]
    for data, field, message in cases:
        response = api.post(URL, data, format="json")
        assert (response.status_code, response.json()["code"]) == (400, "invalid"), data
        assert message in str(response.json()["fields"][field]), (data, response.json())
    response = api.post(URL, "not json", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")
    assert not Budget.objects.exists()


@pytest.mark.django_db
def test_another_users_budget_is_404(api, other_user):
    theirs = budget_set(user=other_user, category=None, month=NOVEMBER, amount="10")
    url = f"{URL}{theirs.pk}/"
    assert api.get(url).status_code == 404
    assert api.patch(url, {"amount": "1"}, format="json").status_code == 404
    assert api.put(url, {"amount": "1", "rollover": True}, format="json").status_code == 404
    assert api.delete(url).status_code == 404
    assert api.get(f"{URL}9999999999999999999999/").status_code == 404
    listed = api.get(URL).json()
    assert (listed["count"], listed["results"]) == (0, [])
    theirs.refresh_from_db()
    assert theirs.amount == 10


@pytest.mark.django_db
def test_needs_authentication(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(f"{URL}suggestions/accept-all/", {"month": "2026-11"}).status_code == 401


@pytest.mark.django_db
def test_suggestions_with_current_budget(api, owner, history):
    budget_set(user=owner, category=category("food_drink"), month=NOVEMBER, amount="250")

    response = api.get(f"{URL}suggestions/", {"month": "2026-11"})

    assert response.status_code == 200
    rows = {row["category_name"]: row for row in response.json()["results"]}
    assert rows["Food & Drink"] == {
        "category": category("food_drink").pk, "category_name": "Food & Drink", "amount": "300.00", "currency": "EUR",
        "method": "heuristic", "current_amount": "250.00", "explanation": rows["Food & Drink"]["explanation"],
    }
    assert rows["Food & Drink"]["explanation"].startswith("Median of your last 3 months (EUR 240, 360, 300)")
    assert rows["Overall"]["category"] is None and rows["Overall"]["current_amount"] is None
    assert api.get(f"{URL}suggestions/", {"month": "bad"}).status_code == 400


@pytest.mark.django_db
def test_accept_and_accept_all(api, owner, history):
    response = api.post(f"{URL}suggestions/accept/", {"month": "2026-11", "category": category("transportation").pk},
                        format="json")
    assert response.status_code == 200
    assert (response.json()["amount"], response.json()["source"]) == ("80.00", "suggested")

    response = api.post(f"{URL}suggestions/accept/", {"month": "2026-11", "category": None}, format="json")
    assert response.json()["category_name"] == "Overall" and response.json()["amount"] == "380.00"

    response = api.post(f"{URL}suggestions/accept-all/", {"month": "2026-11"}, format="json")
    assert response.status_code == 200
    assert {row["category_name"]: row["amount"] for row in response.json()["results"]} == {
        "Overall": "380.00", "Food & Drink": "300.00", "Transportation": "80.00"}
    assert Budget.objects.filter(source=BudgetSource.SUGGESTED).count() == 3


@pytest.mark.django_db
def test_accept_refuses_bad_input(api, other_user, history):
    theirs = category_create(user=other_user, name="Oscar's")
    cases = [
        (f"{URL}suggestions/accept/", {"month": "2026-11", "category": theirs.pk}, "category"),
        (f"{URL}suggestions/accept/", {"month": "2026-11", "category": category("travel").pk}, "category"),
        (f"{URL}suggestions/accept/", {"month": "2026-11"}, "category"),
        (f"{URL}suggestions/accept/", {"month": "11/2026", "category": None}, "month"),
        (f"{URL}suggestions/accept-all/", {"month": ""}, "month"),
        (f"{URL}suggestions/accept-all/", {"month": "2020-01"}, "month"),  # no suggestions then
    ]
    for url, data, field in cases:
        response = api.post(url, data, format="json")
        assert (response.status_code, response.json()["code"]) == (400, "invalid"), data
        assert field in response.json()["fields"], (data, response.json())
    assert not Budget.objects.exists()


@pytest.mark.django_db
def test_history(api, owner, account):
    budget_set(user=owner, category=None, month=dt.date(2026, 10, 1), amount="500")
    spend(account, "food_drink.groceries", "-120", on=dt.date(2026, 10, 5))

    response = api.get(f"{URL}history/", {"months": "2"})

    assert response.json()["results"] == [
        {"month": "2026-10", "budgets": [{"category": None, "category_name": "Overall", "available": "500.00",
                                          "spent": "120.00", "currency": "EUR"}]},
        {"month": "2026-11", "budgets": []},
    ]
    year = api.get(f"{URL}history/").json()
    assert (year["count"], len(year["results"])) == (12, 12)
    for bad in ("0", "37", "x", "-1", "1" * 40):
        assert api.get(f"{URL}history/", {"months": bad}).status_code == 400


@pytest.mark.django_db
def test_other_users_history_and_suggestions_are_not_shown(api, other_user, other_account):
    budget_set(user=other_user, category=None, month=NOVEMBER, amount="10")
    for month in (8, 9, 10):
        spend(other_account, "food_drink.groceries", "-100", on=dt.date(2026, month, 3))
    assert api.get(f"{URL}suggestions/").json()["results"] == []
    assert all(m["budgets"] == [] for m in api.get(f"{URL}history/").json()["results"])
    assert api.post(f"{URL}suggestions/accept-all/", {"month": "2026-11"}, format="json").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 20])
def test_list_queries_do_not_grow(api, owner, account, count, django_assert_max_num_queries):
    for category_ in list(Category.objects.filter(owner=None, kind="expense").order_by("pk"))[:count - 1]:
        budget_set(user=owner, category=category_, month=NOVEMBER, amount="100")
        spend(account, category_.key, "-10")
    budget_set(user=owner, category=None, month=NOVEMBER, amount="1000")

    with django_assert_max_num_queries(8):
        assert len(api.get(URL).json()["results"]) == count
    with django_assert_max_num_queries(7):
        api.get(f"{URL}history/")
