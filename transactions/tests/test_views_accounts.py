"""The accounts page: balances and totals per currency, create, edit and delete with confirmation; only mine."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from transactions import services
from transactions.models import Account, Transaction
from transactions.tests.factories import AccountFactory, TransactionFactory

pytestmark = pytest.mark.django_db

URL = "/money/accounts/"


@pytest.fixture
def client_owner(client, owner):
    client.force_login(owner)
    return client


def test_accounts_show_kind_currency_balance_and_totals_per_currency(client_owner, owner, account, other_account):
    services.transaction_create(user=owner, account=account, on=date(2026, 2, 1), amount=Decimal("2500.00"),
                                description="SALARY")
    services.transaction_create(user=owner, account=account, on=date(2026, 2, 3), amount=Decimal("-820.40"),
                                description="RENT")
    card = AccountFactory(owner=owner, name="Visa", kind="credit_card", currency="EUR",
                          opening_balance=Decimal("-200.00"))
    AccountFactory(owner=owner, name="Zurich savings", kind="savings", currency="CHF",
                   opening_balance=Decimal("1234.50"))
    html = client_owner.get(URL).content.decode()
    assert "Main checking" in html and "Checking" in html and "EUR 2,679.60" in html
    assert "Visa" in html and "Credit card" in html and "EUR -200.00" in html
    assert "CHF 1,234.50" in html and "Savings" in html
    assert re.search(r"Total in EUR</dt>\s*<dd[^>]*>EUR 2,479.60<", html)
    assert re.search(r"Total in CHF</dt>\s*<dd[^>]*>CHF 1,234.50<", html)
    assert f'href="/transactions/?account={card.pk}"' in html
    assert "Oscar" not in html


def test_accounts_page_runs_a_constant_number_of_queries(client_owner, owner, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(3):
        TransactionFactory(account=AccountFactory(owner=owner, name=f"A{i}"))
    with CaptureQueriesContext(connection) as few:
        client_owner.get(URL)
    for i in range(3, 30):
        TransactionFactory(account=AccountFactory(owner=owner, name=f"A{i}"))
    with django_assert_max_num_queries(len(few)):
        client_owner.get(URL)


def test_create_an_account(client_owner, owner):
    response = client_owner.post(URL, {"name": "  Cash wallet ", "kind": "cash", "currency": "USD",
                                       "opening_balance": "40.00", "opening_date": "2026-01-01"}, follow=True)
    assert "Account “Cash wallet” added." in response.content.decode()
    account = Account.objects.get(owner=owner)
    assert (account.name, account.kind, account.currency, account.opening_balance) == (
        "Cash wallet", "cash", "USD", Decimal("40.00"))
    assert "USD 40.00" in response.content.decode()


def test_create_errors_are_shown_and_nothing_is_created(client_owner, owner, account):
    response = client_owner.post(URL, {"name": "main CHECKING", "kind": "checking", "currency": "EUR",
                                       "opening_balance": "0", "opening_date": "2026-01-01"})
    assert response.status_code == 200
    assert "You already have an account called" in response.content.decode()
    response = client_owner.post(URL, {"name": "", "kind": "yacht", "currency": "XYZ", "opening_balance": "x",
                                       "opening_date": "soon"})
    html = response.content.decode()
    assert "This field is required." in html and "Select a valid choice" in html and "Enter a number." in html
    assert Account.objects.filter(owner=owner).count() == 1


def test_edit_an_account(client_owner, owner, account):
    page = client_owner.get(f"{URL}{account.pk}/edit/").content.decode()
    assert 'value="Main checking"' in page and "cannot change" in page
    response = client_owner.post(f"{URL}{account.pk}/edit/", {
        "name": "Joint checking", "kind": "checking", "opening_balance": "1500.00", "opening_date": "2026-01-01",
    }, follow=True)
    assert "Account “Joint checking” saved." in response.content.decode()
    account.refresh_from_db()
    assert (account.name, account.opening_balance, account.currency) == ("Joint checking", Decimal("1500.00"), "EUR")


def test_edit_errors_are_shown(client_owner, owner, account):
    AccountFactory(owner=owner, name="Savings")
    response = client_owner.post(f"{URL}{account.pk}/edit/", {
        "name": "Savings", "kind": "checking", "opening_balance": "0", "opening_date": "2026-01-01"})
    assert "You already have an account called" in response.content.decode()
    account.refresh_from_db()
    assert account.name == "Main checking"


def test_delete_asks_first_and_says_how_many_transactions_go(client_owner, owner, account):
    for _ in range(3):
        TransactionFactory(account=account)
    page = client_owner.get(f"{URL}{account.pk}/delete/").content.decode()
    assert "Delete “Main checking”?" in page and "3 transactions" in page and "cannot be undone" in page
    assert Account.objects.filter(pk=account.pk).exists()

    response = client_owner.post(f"{URL}{account.pk}/delete/", follow=True)
    assert "Account “Main checking” deleted with its 3 transactions." in response.content.decode()
    assert not Account.objects.filter(pk=account.pk).exists()
    assert not Transaction.objects.exists()


@pytest.mark.parametrize(("method", "path"), [
    ("get", "{pk}/edit/"), ("post", "{pk}/edit/"), ("get", "{pk}/delete/"), ("post", "{pk}/delete/"),
])
def test_someone_elses_account_is_a_404(client_owner, other_account, method, path):
    TransactionFactory(account=other_account)
    response = getattr(client_owner, method)(URL + path.format(pk=other_account.pk),
                                             {"name": "Mine now", "kind": "cash", "opening_balance": "0",
                                              "opening_date": "2026-01-01"})
    assert response.status_code == 404
    other_account.refresh_from_db()
    assert other_account.name == "Oscar's checking"
    assert other_account.transactions.count() == 1


@pytest.mark.parametrize("path", [URL, f"{URL}1/edit/", f"{URL}1/delete/"])
def test_accounts_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
