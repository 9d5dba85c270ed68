"""A transaction typed on the page or posted to the API is categorized like an imported one, before the answer.

Real commits (transactions_added is sent after the commit, inside the request), so the rows are what a person sees.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from mlcore.learning import review_threshold
from transactions import services
from transactions.models import Transaction
from transactions.tests.factories import category
from transactions.tests.test_rules import make_rule

pytestmark = pytest.mark.usefixtures("committed_db", "global_model")

URL = "/api/v1/transactions/"


def post(api, account, description, **extra):
    response = api.post(URL, {"account": account.pk, "date": "2026-03-02", "amount": "-42.10",
                              "description": description, **extra}, format="json")
    assert response.status_code == 201, response.json()
    return response.json(), Transaction.objects.get(pk=response.json()["id"])


def test_a_transaction_posted_to_the_api_comes_back_categorized_with_its_reason(owner_api, account):
    body, txn = post(owner_api, account, "REWE SAGT DANKE 1234")
    assert body["category_name"] == "Food & Drink > Groceries"
    assert body["category_source"] == "model" and not body["needs_review"]
    assert Decimal(body["category_confidence"]) >= Decimal(str(review_threshold()))
    assert txn.category == category("food_drink.groceries")
    assert "rewe" in txn.category_explanation.lower() and "Groceries" in txn.category_explanation


def test_a_transaction_typed_on_the_page_shows_its_category_in_the_new_row(client, owner, account):
    client.force_login(owner)
    response = client.post("/transactions/new/", {
        "date": "2026-03-05", "account": account.pk, "merchant": "", "description": "REWE SAGT DANKE 1234",
        "amount": "-23.80", "currency": "", "category": "", "tags": "", "notes": "",
    }, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    txn = Transaction.objects.get(owner=owner)
    assert response.status_code == 200 and html.lstrip().startswith(f'<tr id="txn-{txn.pk}"')
    assert "Groceries" in html and "By model" in html
    assert (txn.category, txn.category_source, txn.needs_review) == (category("food_drink.groceries"), "model", False)


def test_a_category_the_person_chose_is_never_overwritten(owner_api, account):
    restaurants = category("food_drink.restaurants")
    body, txn = post(owner_api, account, "REWE SAGT DANKE 1234", category=restaurants.pk)
    assert (body["category"], body["category_source"]) == (restaurants.pk, "user")
    assert (txn.category, txn.category_source, txn.category_confidence) == (restaurants, "user", Decimal(1))


def test_the_users_rules_and_history_come_before_the_global_model(owner, owner_api, account):
    household = services.category_create(user=owner, name="Household")
    make_rule(owner, name="Drugstore", match_value="dm drogerie", set_category=household)
    discounter = services.category_create(user=owner, name="Discounter")
    services.transaction_create(user=owner, account=account, on=account.opening_date, amount=Decimal("-9.99"),
                                description="ALDI SUED", category=discounter)

    _, by_rule = post(owner_api, account, "DM DROGERIE MARKT 1234")
    _, by_history = post(owner_api, account, "ALDI SUED")

    assert (by_rule.category, by_rule.category_source) == (household, "rule")
    assert (by_history.category, by_history.category_source) == (discounter, "model")
    assert by_history.category_explanation == "You filed 1 earlier 'Aldi Sued' payment under Discounter"


def test_a_transaction_of_another_user_is_never_touched(owner_api, account, other_user, other_account):
    theirs = services.transaction_create(user=other_user, account=other_account, on=other_account.opening_date,
                                         amount=Decimal("-5"), description="REWE SAGT DANKE 99")
    post(owner_api, account, "REWE SAGT DANKE 1234")
    theirs.refresh_from_db()
    assert theirs.category_source == "model"  # categorized once, by its own creation
    assert Transaction.objects.filter(owner=other_user).count() == 1
