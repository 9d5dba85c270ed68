"""POST /api/v1/transactions/parse/: the draft in the person's own terms, 400s in the one error shape, nothing
saved, and nobody else's accounts or groups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from accounts.tests.factories import UserFactory
from groups import services as groups
from groups.models import Membership
from transactions.models import Transaction
from transactions.tests.factories import AccountFactory

URL = "/api/v1/transactions/parse/"


@pytest.fixture
def visa(owner):
    return AccountFactory(owner=owner, name="Visa", kind="credit_card", currency="EUR")


@pytest.fixture
def flat(owner):
    group = groups.group_create(user=owner, name="Flat", currency="EUR")
    Membership.objects.create(group=group, user=UserFactory(display_name="Anna"))
    return group


def test_a_sentence_is_read_as_a_draft_and_nothing_is_saved(owner_api, owner, account, visa, flat, global_model):
    response = owner_api.post(URL, {"text": "Spent 12.50 on lunch at Chipotle yesterday with my credit card, "
                                            "split with Anna", "today": "2026-12-02"}, format="json")
    assert response.status_code == 200, response.json()
    draft = response.json()
    assert draft["amount"] == "-12.50" and draft["currency"] == "EUR" and draft["kind"] == "expense"
    assert draft["date"] == "2026-12-01"
    assert draft["merchant"] == "Chipotle" and draft["description"] == "Lunch at Chipotle"
    assert draft["category_key"] == "food_drink.restaurants" and draft["category_name"]
    assert (draft["account"], draft["account_name"]) == (visa.pk, "Visa")
    assert draft["group"] == {"id": flat.pk, "name": "Flat"} and draft["split_with"] == ["anna"]
    assert set(draft["confidence"]) >= {"amount", "currency", "date", "merchant", "category", "account", "kind"}
    assert draft["confidence"]["amount"] >= 0.8 and draft["confidence"]["account"] >= 0.9
    assert not Transaction.objects.exists()


def test_the_draft_saves_through_the_transactions_endpoint(owner_api, owner, account, global_model):
    draft = owner_api.post(URL, {"text": "Got 2500 salary", "today": "2026-12-02"}, format="json").json()
    keep = {k: draft[k] for k in ("account", "date", "amount", "currency", "description", "merchant", "category",
                                  "notes")}
    response = owner_api.post("/api/v1/transactions/", keep, format="json")
    assert response.status_code == 201, response.json()
    txn = Transaction.objects.get()
    assert (txn.amount, txn.date, txn.category.key) == (Decimal("2500.00"), dt.date(2026, 12, 2), "income.salary")


def test_relative_dates_count_from_today_on_the_persons_clock(api_client, owner, account, global_model):
    owner.financial_profile.timezone = "Europe/Berlin"
    owner.financial_profile.save()
    api_client.force_authenticate(owner)
    with time_machine.travel(dt.datetime(2026, 12, 2, 23, 30, tzinfo=dt.UTC), tick=False):  # 3 December in Berlin
        draft = api_client.post(URL, {"text": "Coffee 3.20 yesterday"}, format="json").json()
    assert draft["date"] == "2026-12-02"


@pytest.mark.parametrize(("body", "field"), [
    ({"text": ""}, "text"), ({"text": "   "}, "text"), ({"text": "lunch at Chipotle"}, "text"), ({}, "text"),
    ({"text": "x" * 501}, "text"), ({"text": "lunch 12", "today": "yesterday"}, "today"),
])
def test_a_blank_or_unreadable_sentence_is_a_400_in_the_error_shape(owner_api, account, body, field):
    response = owner_api.post(URL, body, format="json")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid" and field in error["fields"] and error["message"]


def test_signing_in_is_required(api_client):
    response = api_client.post(URL, {"text": "lunch 12"}, format="json")
    assert response.status_code == 401


def test_the_parse_route_is_not_taken_for_a_transaction_id(owner_api, account):
    assert owner_api.get(URL).status_code == 405
    assert owner_api.get("/api/v1/transactions/").status_code == 200


def test_another_users_accounts_and_groups_are_never_offered(owner_api, owner, account, other_user, global_model):
    theirs = AccountFactory(owner=other_user, name="Visa", kind="credit_card")
    their_group = groups.group_create(user=other_user, name="Flat", currency="EUR")
    Membership.objects.create(group=their_group, user=UserFactory(display_name="Anna"))
    draft = owner_api.post(URL, {"text": "Lunch 12 with my Visa credit card, split with Anna"},
                           format="json").json()
    assert draft["account"] == account.pk != theirs.pk  # the one account the owner has, not said
    assert draft["confidence"]["account"] < 0.6
    assert draft["group"] is None and draft["split_with"] == ["anna"]
