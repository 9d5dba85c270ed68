"""/api/v1/categories/: the standard taxonomy plus your own; create, rename, hide, merge, delete."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from transactions import services
from transactions.models import Category, Transaction
from transactions.tests.factories import TransactionFactory, category

pytestmark = pytest.mark.django_db

URL = "/api/v1/categories/"


def _by_id(response) -> dict[int, dict]:
    body = response.json()
    assert body["next"] is None, "the whole taxonomy comes on the first page"
    return {c["id"]: c for c in body["results"]}


def test_list_has_the_standard_taxonomy_and_own_categories_only(owner_api, owner, other_user):
    mine = services.category_create(user=owner, name="Pets", parent=category("shopping"))
    theirs = services.category_create(user=other_user, name="Secret hobby")
    listed = _by_id(owner_api.get(URL))
    groceries = listed[category("food_drink.groceries").pk]
    assert groceries == {
        "id": groceries["id"], "name": "Groceries", "full_name": "Food & Drink > Groceries",
        "parent": category("food_drink").pk, "kind": "expense", "key": "food_drink.groceries",
        "is_standard": True, "is_hidden": False,
    }
    assert listed[mine.pk]["full_name"] == "Shopping > Pets"
    assert listed[mine.pk]["is_standard"] is False
    assert theirs.pk not in listed
    assert len(listed) == Category.objects.filter(owner__isnull=True).count() + 1


def test_create_top_level_and_sub_category(owner_api):
    response = owner_api.post(URL, {"name": "Side business", "kind": "income"}, format="json")
    assert response.status_code == 201, response.content
    top = response.json()
    assert (top["parent"], top["kind"], top["is_standard"]) == (None, "income", False)
    response = owner_api.post(URL, {"name": "Consulting", "parent": top["id"]}, format="json")
    assert response.status_code == 201
    assert response.json()["full_name"] == "Side business > Consulting"
    assert response.json()["kind"] == "income"


def test_create_refuses_three_levels_duplicates_and_someone_elses_parent(owner_api, owner, other_user):
    response = owner_api.post(URL, {"name": "Deep", "parent": category("food_drink.groceries").pk}, format="json")
    assert response.status_code == 400 and "two levels" in response.json()["fields"]["parent"][0]
    response = owner_api.post(URL, {"name": "groceries", "parent": category("food_drink").pk}, format="json")
    assert response.status_code == 400 and "already a category" in response.json()["fields"]["name"][0]
    theirs = services.category_create(user=other_user, name="Theirs")
    response = owner_api.post(URL, {"name": "Sneaky", "parent": theirs.pk}, format="json")
    assert response.status_code == 400 and "parent" in response.json()["fields"]
    assert not Category.objects.filter(name="Sneaky").exists()


def test_rename_own_but_not_standard(owner_api, owner):
    mine = services.category_create(user=owner, name="Snacks", parent=category("food_drink"))
    response = owner_api.patch(f"{URL}{mine.pk}/", {"name": "Sweets"}, format="json")
    assert response.status_code == 200
    assert response.json()["full_name"] == "Food & Drink > Sweets"
    response = owner_api.patch(f"{URL}{category('food_drink.groceries').pk}/", {"name": "Food"}, format="json")
    assert response.status_code == 400 and response.json()["fields"] == {}
    assert "Standard categories cannot be changed" in response.json()["message"]
    assert category("food_drink.groceries").name == "Groceries"
    response = owner_api.patch(f"{URL}{mine.pk}/", {"parent": None}, format="json")
    assert response.status_code == 400 and "Only the name" in response.json()["fields"]["parent"][0]
    assert owner_api.put(f"{URL}{mine.pk}/", {"name": "X"}, format="json").status_code == 405


def test_hide_and_unhide_a_standard_category_for_me_only(owner_api, other_api, owner):
    bars = category("food_drink.bars")
    response = owner_api.post(f"{URL}{bars.pk}/hide/")
    assert response.status_code == 200 and response.json()["is_hidden"] is True
    assert _by_id(owner_api.get(URL))[bars.pk]["is_hidden"] is True
    assert _by_id(other_api.get(URL))[bars.pk]["is_hidden"] is False
    response = owner_api.post(f"{URL}{bars.pk}/unhide/")
    assert response.json()["is_hidden"] is False


def test_merge_moves_transactions_and_deletes_the_source(owner_api, owner, account):
    snacks = services.category_create(user=owner, name="Snacks", parent=category("food_drink"))
    txns = [TransactionFactory(account=account, category=snacks) for _ in range(3)]
    groceries = category("food_drink.groceries")
    response = owner_api.post(f"{URL}{snacks.pk}/merge/", {"into": groceries.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["moved"] == 3
    assert response.json()["into"]["full_name"] == "Food & Drink > Groceries"
    assert not Category.objects.filter(pk=snacks.pk).exists()
    assert {t.category_id for t in Transaction.objects.filter(pk__in=[t.pk for t in txns])} == {groceries.pk}


def test_merge_refuses_a_standard_source_and_a_foreign_target(owner_api, owner, other_user):
    response = owner_api.post(f"{URL}{category('food_drink.bars').pk}/merge/",
                              {"into": category("food_drink.restaurants").pk}, format="json")
    assert response.status_code == 400 and response.json()["fields"] == {}
    assert "Standard categories cannot be changed" in response.json()["message"]
    mine = services.category_create(user=owner, name="Mine")
    theirs = services.category_create(user=other_user, name="Theirs")
    response = owner_api.post(f"{URL}{mine.pk}/merge/", {"into": theirs.pk}, format="json")
    assert response.status_code == 400 and "into" in response.json()["fields"]
    assert Category.objects.filter(pk=mine.pk).exists()


def test_delete_own_unused_category_but_not_a_used_or_standard_one(owner_api, owner, account):
    unused = services.category_create(user=owner, name="Unused")
    assert owner_api.delete(f"{URL}{unused.pk}/").status_code == 204
    assert not Category.objects.filter(pk=unused.pk).exists()

    used_parent = services.category_create(user=owner, name="Hobbies 2")
    child = services.category_create(user=owner, name="Climbing", parent=used_parent)
    txn = TransactionFactory(account=account, category=child)
    response = owner_api.delete(f"{URL}{used_parent.pk}/")
    assert response.status_code == 400
    assert "used by 1 transaction" in response.json()["message"]
    assert "merge" in response.json()["message"]
    txn.refresh_from_db()
    assert txn.category_id == child.pk

    # A split part counts as a use too.
    split_cat = services.category_create(user=owner, name="Split only")
    whole = TransactionFactory(account=account, amount=Decimal("-30.00"))
    services.transaction_split_set(user=owner, txn=whole, parts=[(split_cat, "-10"), (category("food_drink"), "-20")])
    assert owner_api.delete(f"{URL}{split_cat.pk}/").status_code == 400

    response = owner_api.delete(f"{URL}{category('food_drink.bars').pk}/")
    assert response.status_code == 400 and "hide it instead" in response.json()["message"]


def test_another_users_category_is_not_found_for_every_action(owner_api, other_user):
    theirs = services.category_create(user=other_user, name="Theirs")
    detail = f"{URL}{theirs.pk}/"
    assert owner_api.get(detail).status_code == 404
    assert owner_api.patch(detail, {"name": "Mine"}, format="json").status_code == 404
    assert owner_api.delete(detail).status_code == 404
    assert owner_api.post(f"{detail}hide/").status_code == 404
    assert owner_api.post(f"{detail}unhide/").status_code == 404
    assert owner_api.post(f"{detail}merge/", {"into": category("food_drink").pk}, format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Theirs" and not theirs.hidden_by.exists()


def test_list_runs_a_constant_number_of_queries(owner_api, owner, django_assert_max_num_queries):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_api.get(URL).status_code == 200
        return len(captured)

    parent = services.category_create(user=owner, name="Mine")
    for n in range(5):
        services.category_create(user=owner, name=f"Sub {n}", parent=parent)
    with_five = queries_for_list()
    for n in range(5, 50):
        services.category_set_hidden(user=owner, category=services.category_create(user=owner, name=f"Sub {n}",
                                                                                   parent=parent), hidden=True)
    with django_assert_max_num_queries(with_five):
        owner_api.get(URL)
    assert queries_for_list() == with_five
