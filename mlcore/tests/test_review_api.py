"""/api/v1/review/: the queue, accept, correct and bulk accept; only ever the caller's own transactions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mlcore.models import FeedbackEvent
from transactions.models import Category, Transaction
from transactions.tests.factories import TransactionFactory, category

pytestmark = pytest.mark.django_db

LIST = "/api/v1/review/"
BULK = "/api/v1/review/accept/"


def accept_url(pk) -> str:
    return f"/api/v1/review/{pk}/accept/"


def correct_url(pk) -> str:
    return f"/api/v1/review/{pk}/correct/"


def waiting(account, **fields) -> Transaction:
    fields.setdefault("suggested_category", category("transportation.gas_fuel"))
    fields.setdefault("category_confidence", Decimal("0.380"))
    fields.setdefault("category_explanation", "Word 'shell' suggests Gas & Fuel")
    fields.setdefault("needs_review", True)
    return TransactionFactory(account=account, **fields)


def test_list_is_the_callers_queue_biggest_first_with_the_suggestion(owner_api, account, other_account):
    small = waiting(account, amount=Decimal("-3.00"), merchant="Shell")
    big = waiting(account, amount=Decimal("-80.00"), amount_converted=Decimal("-80.00"))
    modelled = waiting(account, amount=Decimal("-20.00"), category=category("food_drink.restaurants"),
                       category_source="model", suggested_category=None)
    waiting(account, amount=Decimal("-500.00"), needs_review=False)
    waiting(other_account, amount=Decimal("-1000.00"))
    response = owner_api.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == [big.pk, modelled.pk, small.pk]
    first = body["results"][-1]
    assert first["merchant"] == "Shell" and first["account"] == {"id": account.pk, "name": "Main checking"}
    assert first["amount"] == "-3.00" and first["confidence"] == "0.380"
    assert first["explanation"] == "Word 'shell' suggests Gas & Fuel"
    assert first["suggestion"]["id"] == category("transportation.gas_fuel").pk
    assert first["suggestion"]["full_name"] == str(category("transportation.gas_fuel"))
    assert body["results"][1]["suggestion"]["id"] == category("food_drink.restaurants").pk


def test_list_is_paginated_and_runs_a_constant_number_of_queries(owner_api, account, django_assert_max_num_queries):
    for n in range(5):
        waiting(account, amount=Decimal(-n - 1), category=category("food_drink.bars"), category_source="model")
    with CaptureQueriesContext(connection) as five:
        assert len(owner_api.get(LIST).json()["results"]) == 5
    for n in range(50):
        waiting(account, amount=Decimal(-n - 10))
    with django_assert_max_num_queries(len(five)):
        body = owner_api.get(LIST).json()
    assert body["count"] == 55 and len(body["results"]) == 50 and body["next"]


def test_accept_locks_the_suggestion_and_records_feedback(owner_api, owner, account):
    txn = waiting(account)
    response = owner_api.post(accept_url(txn.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["category"]["id"] == category("transportation.gas_fuel").pk
    assert (body["category_source"], body["needs_review"], body["remaining"]) == ("user", False, 0)
    txn.refresh_from_db()
    assert (txn.category_source, txn.needs_review, txn.suggested_category) == ("user", False, None)
    event = FeedbackEvent.objects.get()
    assert (event.user, event.kind, event.chosen_category) == (owner, "accept", txn.category)
    assert owner_api.post(accept_url(txn.pk)).status_code == 404  # no longer waiting


def test_accept_without_a_suggestion_is_a_400(owner_api, account):
    txn = waiting(account, suggested_category=None)
    response = owner_api.post(accept_url(txn.pk))
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "no suggestion" in response.json()["message"]


def test_correct_files_it_under_the_chosen_category(owner_api, owner, account):
    txn = waiting(account)
    mine = Category.objects.create(owner=owner, name="Road trips")
    response = owner_api.post(correct_url(txn.pk), {"category": mine.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["category"] == {"id": mine.pk, "name": "Road trips", "full_name": "Road trips"}
    txn.refresh_from_db()
    assert (txn.category, txn.category_source, txn.needs_review) == (mine, "user", False)
    event = FeedbackEvent.objects.get()
    assert (event.kind, event.suggested_category, event.chosen_category) == (
        "correct", category("transportation.gas_fuel"), mine)


@pytest.mark.parametrize("body", [{}, {"category": None}, {"category": "groceries"}, {"category": 999_999},
                                  {"category": 10**30}, {"category": -1}, {"category": [1]}])
def test_correct_with_a_missing_or_unknown_category_is_a_400(owner_api, account, body):
    txn = waiting(account)
    response = owner_api.post(correct_url(txn.pk), body, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert list(response.json()["fields"]) == ["category"]
    txn.refresh_from_db()
    assert txn.needs_review and not FeedbackEvent.objects.exists()


def test_correct_with_another_users_category_is_refused(owner_api, account, other_user):
    theirs = Category.objects.create(owner=other_user, name="Oscar's hobby")
    txn = waiting(account)
    response = owner_api.post(correct_url(txn.pk), {"category": theirs.pk}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert list(response.json()["fields"]) == ["category"]
    txn.refresh_from_db()
    assert txn.category is None and not FeedbackEvent.objects.exists()


def test_bulk_accept_counts_only_the_callers_waiting_transactions(owner_api, owner, account, other_account):
    a, b = waiting(account), waiting(account)
    bare = waiting(account, suggested_category=None)
    done = waiting(account, needs_review=False)
    theirs = waiting(other_account)
    response = owner_api.post(BULK, {"ids": [a.pk, b.pk, bare.pk, done.pk, theirs.pk, 999_999]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"accepted": 2, "skipped": 1, "remaining": 1}
    assert FeedbackEvent.objects.filter(user=owner, kind="accept").count() == 2
    for txn in (a, b):
        txn.refresh_from_db()
        assert (txn.category_source, txn.needs_review) == ("user", False)
    theirs.refresh_from_db()
    assert theirs.needs_review and theirs.category is None


@pytest.mark.parametrize("body", [{}, {"ids": []}, {"ids": "1"}, {"ids": ["x"]}, {"ids": [0]}, {"ids": [2**63]},
                                  {"ids": [10**40]}])
def test_bulk_accept_bad_input_is_a_400(owner_api, account, body):
    waiting(account)
    response = owner_api.post(BULK, body, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    # "ids" itself, or one of its items by dotted path ("ids.0")
    assert {path.split(".")[0] for path in response.json()["fields"]} == {"ids"}


def test_other_users_transactions_are_404_and_never_listed(owner_api, other_api, account, other_account):
    theirs = waiting(other_account)
    assert owner_api.get(LIST).json()["count"] == 0
    assert owner_api.post(accept_url(theirs.pk)).status_code == 404
    assert owner_api.post(correct_url(theirs.pk), {"category": category("taxes").pk},
                          format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.needs_review and not FeedbackEvent.objects.exists()
    assert other_api.get(LIST).json()["count"] == 1


@pytest.mark.parametrize("pk", ["9" * 18, "9" * 19, "9" * 40, "abc", "-1"])
def test_huge_or_malformed_ids_are_404(owner_api, account, pk):
    assert owner_api.post(accept_url(pk)).status_code == 404
    assert owner_api.post(correct_url(pk), {"category": category("taxes").pk}, format="json").status_code == 404


def test_needs_authentication(api_client):
    assert api_client.get(LIST).status_code == 401
    assert api_client.post(BULK, {"ids": [1]}, format="json").status_code == 401
