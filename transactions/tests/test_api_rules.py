"""The rules API: CRUD in run order, clear refusals, preview, apply, reorder, "always do this" from a
transaction, and isolation on every endpoint."""

from __future__ import annotations

from decimal import Decimal

import pytest

from transactions import rules
from transactions.models import Category, Rule, Transaction
from transactions.tests.factories import TransactionFactory, category

pytestmark = pytest.mark.django_db

URL = "/api/v1/rules/"


@pytest.fixture
def groceries():
    return category("food_drink.groceries")


def rule_for(user, name="Supermarkets", value="rewe") -> Rule:
    return rules.rule_create(user=user, data={"name": name, "match_value": value,
                                              "set_category": category("food_drink.groceries")})


def body(**overrides) -> dict:
    return {"name": "Supermarkets", "match_value": "rewe", "sign": "out",
            "set_category": category("food_drink.groceries").pk, "add_tags": ["food"]} | overrides


def test_create_list_update_and_delete(owner_api, owner, groceries):
    created = owner_api.post(URL, body(), format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["set_category_name"] == "Food & Drink > Groceries" and data["position"] == 0
    assert data["add_tags"] == ["food"] and data["match_field"] == "either"
    owner_api.post(URL, body(name="Second", match_value="aldi"), format="json")
    listed = owner_api.get(URL).json()
    assert listed["count"] == 2 and [r["name"] for r in listed["results"]] == ["Supermarkets", "Second"]

    patched = owner_api.patch(f"{URL}{data['id']}/", {"is_active": False, "amount_max": "100.00"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["is_active"] is False and patched.json()["amount_max"] == "100.00"
    assert owner_api.delete(f"{URL}{data['id']}/").status_code == 204
    assert Rule.objects.filter(owner=owner).count() == 1


def test_refusals_name_the_problem(owner_api, other_user, other_account):
    bad_regex = owner_api.post(URL, body(match_operator="regex", match_value="(rewe"), format="json")
    assert bad_regex.status_code == 400
    assert "missing ) at position 5" in bad_regex.json()["fields"]["match_value"][0]
    nested = owner_api.post(URL, body(match_operator="regex", match_value="(a+)+"), format="json")
    assert "repeats a group" in nested.json()["fields"]["match_value"][0]
    assert owner_api.post(f"{URL}preview/", [1], format="json").status_code == 400
    empty = owner_api.post(URL, {"name": "Nothing"}, format="json")
    assert empty.status_code == 400 and "at least one condition" in empty.json()["message"]
    theirs = Category.objects.create(owner=other_user, name="Secret")
    foreign = owner_api.post(URL, body(set_category=theirs.pk, account=other_account.pk), format="json")
    assert foreign.status_code == 400 and {"set_category", "account"} <= foreign.json()["fields"].keys()


def test_preview_saved_and_draft_then_apply(owner_api, owner, account, groceries):
    match = TransactionFactory(account=account, description="REWE 12", amount=Decimal("-9.99"))
    TransactionFactory(account=account, description="REWE REFUND", amount=Decimal("9.99"))
    draft = owner_api.post(f"{URL}preview/", {"match_value": "rewe", "sign": "out", "set_category": groceries.pk},
                           format="json")
    assert draft.status_code == 200, draft.json()
    assert draft.json()["total"] == 1
    change = draft.json()["changes"][0]
    assert (change["transaction"], change["new_category"], change["old_category"]) == (match.pk, groceries.pk, None)

    rule = owner_api.post(URL, body(add_tags=[]), format="json").json()
    assert owner_api.get(f"{URL}{rule['id']}/preview/").json()["total"] == 1
    assert owner_api.post(f"{URL}{rule['id']}/apply/").json() == {"changed": 1}
    match.refresh_from_db()
    assert (match.category, match.category_source) == (groceries, "rule")


def test_reorder(owner_api, owner):
    first, _, third = rule_for(owner, "1"), rule_for(owner, "2"), rule_for(owner, "3")
    response = owner_api.post(f"{URL}reorder/", {"ids": [third.pk, first.pk]}, format="json")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert [r["name"] for r in response.json()["results"]] == ["3", "1", "2"]
    assert owner_api.post(f"{URL}reorder/", {"ids": [first.pk, first.pk]}, format="json").status_code == 400


def test_always_do_this_from_a_transaction(owner_api, owner, account, groceries):
    corrected = TransactionFactory(account=account, description="REWE 1", merchant="Rewe", category=groceries,
                                   category_source="user", needs_review=False)
    other = TransactionFactory(account=account, description="REWE 2", merchant="Rewe")
    response = owner_api.post(f"{URL}from-transaction/", {"transaction": corrected.pk}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["changed"] == 1
    assert response.json()["rule"]["name"] == "Always file ‘Rewe’ under Groceries"
    other.refresh_from_db()
    assert other.category == groceries
    uncategorized = TransactionFactory(account=account, description="X")
    refused = owner_api.post(f"{URL}from-transaction/", {"transaction": uncategorized.pk}, format="json")
    assert refused.status_code == 400 and "Choose a category" in refused.json()["message"]


def test_isolation_on_every_endpoint(owner_api, other_user, other_account, account, groceries):
    theirs = rule_for(other_user, "Theirs")
    their_txn = TransactionFactory(account=other_account, description="REWE", category=groceries,
                                   category_source="user")
    assert owner_api.get(URL).json() == {"count": 0, "next": None, "previous": None, "results": []}
    detail = f"{URL}{theirs.pk}/"
    assert owner_api.get(detail).status_code == 404
    assert owner_api.patch(detail, {"name": "Mine"}, format="json").status_code == 404
    assert owner_api.put(detail, body(), format="json").status_code == 404
    assert owner_api.delete(detail).status_code == 404
    assert owner_api.get(f"{detail}preview/").status_code == 404
    assert owner_api.post(f"{detail}apply/").status_code == 404
    assert owner_api.post(f"{URL}reorder/", {"ids": [theirs.pk]}, format="json").status_code == 400
    assert owner_api.post(f"{URL}from-transaction/", {"transaction": their_txn.pk},
                          format="json").status_code == 404
    # A draft preview and an applied rule of mine never see their transactions.
    TransactionFactory(account=other_account, description="REWE 2")
    assert owner_api.post(f"{URL}preview/", {"match_value": "rewe", "set_category": groceries.pk},
                          format="json").json()["total"] == 0
    mine = owner_api.post(URL, body(sign="any"), format="json").json()
    assert owner_api.post(f"{URL}{mine['id']}/apply/").json() == {"changed": 0}
    assert Transaction.objects.filter(owner=other_user, category_source="rule").count() == 0
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_anonymous_is_refused(api_client):
    assert api_client.get(URL).status_code == 401
