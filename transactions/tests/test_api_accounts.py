"""/api/v1/accounts/: CRUD with the derived balance, and nobody else's accounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from transactions.models import Account, ImportBatch, ImportStatus, Transaction
from transactions.tests.factories import AccountFactory, TransactionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/accounts/"


def test_create_then_list_with_balance(owner_api, owner):
    response = owner_api.post(URL, {"name": " Girokonto ", "kind": "checking", "currency": "eur",
                                    "opening_balance": "1000.00", "opening_date": "2026-01-01"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Girokonto"
    assert body["currency"] == "EUR"
    assert body["balance"] == "1000.00"
    account = Account.objects.get(pk=body["id"])
    TransactionFactory(account=account, date=date(2026, 2, 1), amount=Decimal("-250.40"))
    TransactionFactory(account=account, date=date(2025, 12, 31), amount=Decimal("-99.00"))  # before opening

    listed = owner_api.get(URL).json()
    assert listed["count"] == 1
    assert [(a["name"], a["balance"]) for a in listed["results"]] == [("Girokonto", "749.60")]
    assert owner_api.get(f"{URL}{account.pk}/").json()["balance"] == "749.60"


def test_create_with_todays_balance_keeps_it_whatever_history_comes(owner_api, owner):
    response = owner_api.post(URL, {"name": "Girokonto", "kind": "checking", "currency": "EUR",
                                    "current_balance": "2345.67"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    today = owner.financial_profile.local_today()
    assert (body["balance"], body["known_balance"], body["known_balance_date"]) == (
        "2345.67", "2345.67", today.isoformat())
    assert "current_balance" not in body and body["reconciliation"] is None
    account = Account.objects.get(pk=body["id"])
    TransactionFactory(account=account, date=date(2024, 5, 1), amount=Decimal("-99.00"))
    assert owner_api.get(f"{URL}{account.pk}/").json()["balance"] == "2345.67"


def test_both_balances_at_once_is_a_400_that_changes_nothing(owner_api, owner):
    response = owner_api.post(URL, {"name": "Both", "kind": "checking", "currency": "EUR", "current_balance": "1",
                                    "opening_balance": "2"}, format="json")
    assert response.status_code == 400
    assert "either today's balance or an opening balance" in response.json()["fields"]["current_balance"][0]
    assert not Account.objects.exists()


def test_the_account_shows_the_latest_statement_and_adjust_makes_them_agree(owner_api, owner, account):
    TransactionFactory(account=account, date=date(2026, 2, 1), amount=Decimal("-40.00"))
    batch = ImportBatch.objects.create(owner=owner, account=account, filename="giro.ofx", status=ImportStatus.DONE,
                                       stated_balance=Decimal("950.00"), stated_balance_date=date(2026, 2, 28),
                                       stated_balance_source="ledger")
    listed = owner_api.get(URL).json()["results"][0]
    assert listed["reconciliation"] == {
        "date": "2026-02-28", "bank_balance": "950.00", "finsight_balance": "960.00", "difference": "-10.00",
        "matches": False, "stated_in": "ledger", "import_id": batch.pk}

    response = owner_api.post(f"{URL}{account.pk}/adjust/", {"date": "2026-02-28", "bank_balance": "950.00"},
                              format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["adjustment"]["date"], body["adjustment"]["amount"], body["adjustment"]["source"]) == (
        "2026-02-28", "-10.00", "adjustment")
    assert body["adjustment"]["category_name"] == "Transfers"
    assert body["account"]["balance"] == "950.00"
    assert body["account"]["reconciliation"]["matches"] is True
    assert body["account"]["reconciliation"]["difference"] == "0.00"

    again = owner_api.post(f"{URL}{account.pk}/adjust/", {"date": "2026-02-28", "bank_balance": "950.00"},
                           format="json")
    assert again.status_code == 400 and "nothing to adjust" in again.json()["message"]
    assert Transaction.objects.filter(source="adjustment").count() == 1


def test_adjust_refuses_bad_input_and_another_users_account(owner_api, owner, account, other_account):
    bad = owner_api.post(f"{URL}{account.pk}/adjust/", {"date": "soon", "bank_balance": "1e99"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"date", "bank_balance"}
    future = owner_api.post(f"{URL}{account.pk}/adjust/", {"date": "2999-01-01", "bank_balance": "1"},
                            format="json")
    assert future.status_code == 400 and "in the future" in future.json()["fields"]["date"][0]
    theirs = owner_api.post(f"{URL}{other_account.pk}/adjust/", {"date": "2026-01-01", "bank_balance": "1"},
                            format="json")
    assert theirs.status_code == 404 and theirs.json()["code"] == "not_found"
    assert not Transaction.objects.exists()


def test_create_refuses_a_duplicate_name_and_an_unknown_currency(owner_api, owner):
    AccountFactory(owner=owner, name="Cash")
    response = owner_api.post(URL, {"name": "cash", "kind": "cash", "currency": "EUR"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert "already have an account" in response.json()["fields"]["name"][0]
    response = owner_api.post(URL, {"name": "Wallet", "kind": "cash", "currency": "EURO"}, format="json")
    assert response.status_code == 400 and "currency" in response.json()["fields"]
    response = owner_api.post(URL, {"name": "Wallet", "kind": "piggy", "currency": "EUR"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()["fields"]


def test_update_and_partial_update(owner_api, owner):
    account = AccountFactory(owner=owner, name="Main", currency="EUR", opening_balance=Decimal("10.00"))
    response = owner_api.patch(f"{URL}{account.pk}/", {"name": "Main checking", "opening_balance": "20.50"},
                               format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["balance"]) == ("Main checking", "20.50")

    response = owner_api.put(f"{URL}{account.pk}/", {"name": "Joint", "kind": "savings", "currency": "EUR",
                                                     "opening_balance": "0", "opening_date": "2025-05-01"},
                             format="json")
    assert response.status_code == 200, response.content
    account.refresh_from_db()
    assert (account.name, account.kind, account.opening_date) == ("Joint", "savings", date(2025, 5, 1))


def test_the_currency_of_an_existing_account_cannot_change(owner_api, owner):
    account = AccountFactory(owner=owner, currency="EUR")
    response = owner_api.patch(f"{URL}{account.pk}/", {"currency": "USD"}, format="json")
    assert response.status_code == 400
    assert "cannot change" in response.json()["fields"]["currency"][0]
    assert owner_api.patch(f"{URL}{account.pk}/", {"currency": "EUR"}, format="json").status_code == 200


def test_delete_removes_the_account_and_its_transactions(owner_api, owner):
    account = AccountFactory(owner=owner)
    TransactionFactory(account=account)
    assert owner_api.delete(f"{URL}{account.pk}/").status_code == 204
    assert not Account.objects.filter(pk=account.pk).exists()
    assert not Transaction.objects.filter(owner=owner).exists()


def test_another_users_account_is_not_found_anywhere(owner_api, other_user):
    theirs = AccountFactory(owner=other_user, name="Secret savings")
    assert owner_api.get(URL).json() == {"count": 0, "next": None, "previous": None, "results": []}
    detail = f"{URL}{theirs.pk}/"
    assert owner_api.get(detail).status_code == 404
    assert owner_api.patch(detail, {"name": "Mine now"}, format="json").status_code == 404
    assert owner_api.put(detail, {"name": "Mine", "kind": "cash", "currency": "EUR"}, format="json").status_code == 404
    assert owner_api.delete(detail).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Secret savings"


def test_anonymous_is_refused(api_client):
    assert api_client.get(URL).status_code == 401


def test_list_runs_a_constant_number_of_queries(owner_api, owner, django_assert_max_num_queries):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_api.get(URL).status_code == 200
        return len(captured)

    def account_with_a_statement(n: int) -> None:
        account = AccountFactory(owner=owner, name=f"A{n}")
        TransactionFactory(account=account)
        ImportBatch.objects.create(owner=owner, account=account, filename="x.csv", status=ImportStatus.DONE,
                                   stated_balance=Decimal(n), stated_balance_date=date(2026, 2, 1))

    for n in range(5):
        account_with_a_statement(n)
    with_five = queries_for_list()
    for n in range(5, 50):
        account_with_a_statement(n)
    with django_assert_max_num_queries(with_five):
        response = owner_api.get(URL)
    assert response.json()["count"] == 50 and len(response.json()["results"]) == 50
    assert all(a["reconciliation"]["import_id"] for a in response.json()["results"])
    assert queries_for_list() == with_five
