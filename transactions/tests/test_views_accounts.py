"""The accounts page: balances and totals per currency, create, edit and delete with confirmation; only mine."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from transactions import services
from transactions.models import Account, ImportBatch, ImportStatus, Transaction
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

    def account_with_a_statement(i: int) -> None:
        account = AccountFactory(owner=owner, name=f"A{i}")
        TransactionFactory(account=account, date=date(2026, 2, 1), amount=Decimal("-5.00"))
        ImportBatch.objects.create(owner=owner, account=account, filename="x.csv", status=ImportStatus.DONE,
                                   stated_balance=Decimal(i), stated_balance_date=date(2026, 2, 1))

    for i in range(3):
        account_with_a_statement(i)
    with CaptureQueriesContext(connection) as few:
        client_owner.get(URL)
    for i in range(3, 30):
        account_with_a_statement(i)
    with django_assert_max_num_queries(len(few)):
        html = client_owner.get(URL).content.decode()
    assert html.count("data-reconciliation=") == 30 and html.count('data-reconciliation="matches"') == 0


def test_create_an_account_with_todays_balance(client_owner, owner):
    form = client_owner.get(URL).content.decode()
    assert 'value="today"' in form and "checked" in form and "Opening day" in form
    response = client_owner.post(URL, {"name": "  Cash wallet ", "kind": "cash", "currency": "USD",
                                       "balance": "40.00", "balance_as_of": "today"}, follow=True)
    assert "Account “Cash wallet” added." in response.content.decode()
    account = Account.objects.get(owner=owner)
    today = owner.financial_profile.local_today()
    assert (account.name, account.kind, account.currency, account.known_balance, account.known_balance_date) == (
        "Cash wallet", "cash", "USD", Decimal("40.00"), today)
    assert "USD 40.00" in response.content.decode()


def test_create_an_account_with_an_opening_balance(client_owner, owner):
    client_owner.post(URL, {"name": "Savings", "kind": "savings", "currency": "EUR", "balance": "1200.50",
                            "balance_as_of": "opening", "opening_date": "2026-01-01"})
    account = Account.objects.get(owner=owner)
    assert (account.opening_balance, account.opening_date) == (Decimal("1200.50"), date(2026, 1, 1))
    assert account.known_balance_date == date(2025, 12, 31)


def test_create_errors_are_shown_and_nothing_is_created(client_owner, owner, account):
    response = client_owner.post(URL, {"name": "main CHECKING", "kind": "checking", "currency": "EUR",
                                       "balance": "0", "balance_as_of": "today"})
    assert response.status_code == 200
    assert "You already have an account called" in response.content.decode()
    response = client_owner.post(URL, {"name": "", "kind": "yacht", "currency": "XYZ", "balance": "x",
                                       "balance_as_of": "opening", "opening_date": "soon"})
    html = response.content.decode()
    assert "This field is required." in html and "Select a valid choice" in html and "Enter a number." in html
    assert "Enter a valid date." in html
    response = client_owner.post(URL, {"name": "Savings", "kind": "savings", "currency": "EUR", "balance": "5",
                                       "balance_as_of": "opening"})
    assert "Choose the day the opening balance is for." in response.content.decode()
    response = client_owner.post(URL, {"name": "Savings", "kind": "savings", "currency": "EUR", "balance_as_of": "today"})
    assert "This field is required." in response.content.decode()  # the balance: 0.00 is an answer, empty is not
    assert Account.objects.filter(owner=owner).count() == 1


def test_edit_an_account(client_owner, owner, account):
    page = client_owner.get(f"{URL}{account.pk}/edit/").content.decode()
    assert 'value="Main checking"' in page and "cannot change" in page
    # An opening balance in the past is shown as one.
    assert 'value="1000.00"' in page and 'value="2026-01-01"' in page
    assert re.search(r'value="opening"[^>]*checked', page)
    response = client_owner.post(f"{URL}{account.pk}/edit/", {
        "name": "Joint checking", "kind": "checking", "balance": "1500.00", "balance_as_of": "opening",
        "opening_date": "2026-01-01",
    }, follow=True)
    assert "Account “Joint checking” saved." in response.content.decode()
    account.refresh_from_db()
    assert (account.name, account.opening_balance, account.currency) == ("Joint checking", Decimal("1500.00"), "EUR")

    client_owner.post(f"{URL}{account.pk}/edit/", {"name": "Joint checking", "kind": "checking",
                                                    "balance": "321.00", "balance_as_of": "today"})
    account.refresh_from_db()
    today = owner.financial_profile.local_today()
    assert (account.known_balance, account.known_balance_date) == (Decimal("321.00"), today)
    page = client_owner.get(f"{URL}{account.pk}/edit/").content.decode()
    assert re.search(r'value="today"[^>]*checked', page) and 'value="321.00"' in page


def test_edit_errors_are_shown(client_owner, owner, account):
    AccountFactory(owner=owner, name="Savings")
    response = client_owner.post(f"{URL}{account.pk}/edit/", {
        "name": "Savings", "kind": "checking", "balance": "0", "balance_as_of": "opening",
        "opening_date": "2026-01-01"})
    assert "You already have an account called" in response.content.decode()
    account.refresh_from_db()
    assert (account.name, account.opening_balance) == ("Main checking", Decimal("1000.00"))


def test_the_page_compares_with_the_latest_statement_and_adds_the_adjustment(client_owner, owner, account):
    TransactionFactory(account=account, date=date(2026, 2, 1), amount=Decimal("-40.00"))
    batch = ImportBatch.objects.create(owner=owner, account=account, filename="giro.csv", status=ImportStatus.DONE,
                                       stated_balance=Decimal("950.00"), stated_balance_date=date(2026, 2, 28),
                                       stated_balance_source="column")
    html = client_owner.get(URL).content.decode()
    assert "The bank says" in html and "EUR 950.00" in html and "Finsight says" in html and "EUR 960.00" in html
    assert re.search(r"data-difference>EUR -10.00<", html)
    assert "Add an adjustment of EUR -10.00" in html and 'name="date" value="2026-02-28"' in html

    response = client_owner.post(f"{URL}{account.pk}/adjust/", {"date": "2026-02-28", "bank_balance": "950.00",
                                                                 "next": URL}, follow=True)
    html = response.content.decode()
    assert "Added an adjustment of EUR -10.00 on 28 Feb 2026" in html
    assert 'data-reconciliation="matches"' in html and "Matches the bank" in html
    adjustment = Transaction.objects.get(source="adjustment")
    assert (adjustment.account, adjustment.date, adjustment.amount) == (account, date(2026, 2, 28), Decimal("-10.00"))
    # A second click finds nothing to adjust and says so.
    response = client_owner.post(f"{URL}{account.pk}/adjust/", {"date": "2026-02-28", "bank_balance": "950.00",
                                                                 "next": f"/transactions/import/{batch.pk}/"})
    assert response["Location"] == f"/transactions/import/{batch.pk}/"
    assert Transaction.objects.filter(source="adjustment").count() == 1


def test_bad_adjustment_input_changes_nothing_and_says_why(client_owner, owner, account):
    response = client_owner.post(f"{URL}{account.pk}/adjust/", {"date": "yesterday", "bank_balance": "lots"},
                                 follow=True)
    html = response.content.decode()
    assert "Nothing was adjusted." in html and "Enter a valid date." in html and "Enter a number." in html
    response = client_owner.post(f"{URL}{account.pk}/adjust/", {"date": "2999-01-01", "bank_balance": "1"},
                                 follow=True)
    assert "1 Jan 2999 is in the future" in response.content.decode()
    response = client_owner.post(f"{URL}{account.pk}/adjust/", {"date": "2026-01-01", "bank_balance": "1",
                                                                 "next": "https://evil.example.com/"})
    assert response["Location"] == URL
    assert Transaction.objects.filter(source="adjustment").count() == 1  # the last one was valid
    assert not Transaction.objects.filter(date__year=2999).exists()


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
    ("post", "{pk}/adjust/"),
])
def test_someone_elses_account_is_a_404(client_owner, other_account, method, path):
    TransactionFactory(account=other_account)
    response = getattr(client_owner, method)(URL + path.format(pk=other_account.pk),
                                             {"name": "Mine now", "kind": "cash", "balance": "0",
                                              "balance_as_of": "today", "date": "2026-01-01", "bank_balance": "5"})
    assert response.status_code == 404
    other_account.refresh_from_db()
    assert other_account.name == "Oscar's checking"
    assert other_account.transactions.count() == 1


@pytest.mark.parametrize("path", [URL, f"{URL}1/edit/", f"{URL}1/delete/", f"{URL}1/adjust/"])
def test_accounts_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
