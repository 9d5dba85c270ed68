"""Balances anchored on a known balance (today's, or an opening balance on a day), reconciliation with a bank
statement, and adjustments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from transactions import selectors, services
from transactions.ingest import ImportRow, transactions_import_rows
from transactions.models import Account, CategoryKind, ImportBatch, ImportStatus, Source, Transaction
from transactions.tests.factories import AccountFactory, TransactionFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 12)
D = Decimal


def two_years_of_history(owner, account, *, until: date = TODAY) -> Decimal:
    """Import a salary and some spending every month for two years up to ``until``; returns their sum."""
    rows = []
    for month in range(24):
        day = until - timedelta(days=30 * month)
        rows += [ImportRow(day, D("2100.00"), f"SALARY {month}"), ImportRow(day, D("-1890.55"), f"RENT {month}")]
    transactions_import_rows(user=owner, account=account, rows=rows)
    return sum((row.amount for row in rows), D(0))


def balance(owner, account) -> Decimal:
    return selectors.account_get(user=owner, pk=account.pk).balance


def test_todays_balance_stays_what_the_bank_shows_whatever_history_is_imported(owner):
    account = services.account_create(user=owner, name="Girokonto", kind="checking", currency="EUR",
                                      current_balance=D("2345.67"), today=TODAY)
    assert (account.known_balance, account.known_balance_date) == (D("2345.67"), TODAY)
    assert balance(owner, account) == D("2345.67")

    history = two_years_of_history(owner, account)

    assert Transaction.objects.filter(account=account).count() == 48
    assert balance(owner, account) == D("2345.67")
    # The history fills in the days before: a year ago the balance was today's less what came since.
    year_ago = TODAY - timedelta(days=365)
    since = sum(t.amount for t in Transaction.objects.filter(account=account, date__gt=year_ago))
    assert selectors.account_balance_on(user=owner, account=account, on=year_ago) == D("2345.67") - since
    first = Transaction.objects.filter(account=account).order_by("date").first().date
    assert selectors.account_balance_on(user=owner, account=account, on=first - timedelta(days=1)) == (
        D("2345.67") - history)
    # What happens after today moves the balance.
    services.transaction_create(user=owner, account=account, on=TODAY + timedelta(days=1), amount=D("-45.67"),
                                description="TOMORROW")
    assert balance(owner, account) == D("2300.00")


def test_an_opening_balance_counts_the_transactions_from_its_day_and_works_back_before_it(owner):
    account = services.account_create(user=owner, name="Savings", kind="savings", currency="EUR",
                                      opening_balance=D("500.00"), opening_date=date(2026, 1, 1), today=TODAY)
    assert account.known_balance_date == date(2025, 12, 31)
    assert (account.opening_balance, account.opening_date) == (D("500.00"), date(2026, 1, 1))
    TransactionFactory(account=account, date=date(2026, 1, 1), amount=D("100.00"))
    TransactionFactory(account=account, date=date(2025, 12, 20), amount=D("-40.00"))  # history before opening

    assert balance(owner, account) == D("600.00")
    assert selectors.account_balance_on(user=owner, account=account, on=date(2026, 1, 1)) == D("600.00")
    assert selectors.account_balance_on(user=owner, account=account, on=date(2025, 12, 31)) == D("500.00")
    assert selectors.account_balance_on(user=owner, account=account, on=date(2025, 12, 19)) == D("540.00")


def test_neither_balance_is_an_opening_balance_of_zero_today(owner):
    account = services.account_create(user=owner, name="Cash", kind="cash", currency="EUR", today=TODAY)
    assert (account.opening_balance, account.opening_date) == (D("0.00"), TODAY)
    TransactionFactory(account=account, date=TODAY, amount=D("-3.50"))
    assert balance(owner, account) == D("-3.50")


def test_both_balances_at_once_are_refused_and_nothing_is_created(owner):
    with pytest.raises(ValidationError) as refused:
        services.account_create(user=owner, name="Both", kind="cash", currency="EUR", current_balance=D("1"),
                                opening_balance=D("2"), today=TODAY)
    assert "either today's balance or an opening balance" in refused.value.message_dict["current_balance"][0]
    assert not Account.objects.exists()


def test_giving_the_balance_again_moves_the_known_balance_only(owner):
    account = services.account_create(user=owner, name="Main", kind="checking", currency="EUR",
                                      opening_balance=D("10.00"), opening_date=date(2026, 1, 1), today=TODAY)
    services.account_update(account=account, data={"opening_balance": D("20.00")}, today=TODAY)
    assert (account.opening_balance, account.opening_date) == (D("20.00"), date(2026, 1, 1))
    services.account_update(account=account, data={"opening_date": date(2026, 2, 1)}, today=TODAY)
    assert (account.opening_balance, account.opening_date) == (D("20.00"), date(2026, 2, 1))
    services.account_update(account=account, data={"current_balance": D("99.99"), "name": "Main checking"},
                            today=TODAY)
    account.refresh_from_db()
    assert (account.name, account.known_balance, account.known_balance_date) == ("Main checking", D("99.99"), TODAY)


def test_a_transaction_in_another_currency_counts_with_its_conversion(owner):
    owner.financial_profile.preferred_currency = "EUR"
    owner.financial_profile.save()
    account = services.account_create(user=owner, name="Main", kind="checking", currency="EUR",
                                      current_balance=D("1000.00"), today=date(2024, 3, 31))
    txn = services.transaction_create(user=owner, account=account, on=date(2024, 3, 9), amount=D("-100.00"),
                                      description="HOTEL ZURICH", currency="CHF")
    assert selectors.account_balance_on(user=owner, account=account, on=date(2024, 3, 8)) == (
        D("1000.00") - txn.amount_converted)
    assert balance(owner, account) == D("1000.00")


# --- reconciliation with a statement -----------------------------------------------------------------

def statement(account, *, balance: str, on: date, status: str = ImportStatus.DONE, source: str = "column"):
    return ImportBatch.objects.create(owner=account.owner, account=account, filename="export.csv", status=status,
                                      stated_balance=D(balance), stated_balance_date=on, stated_balance_source=source)


def test_the_latest_statement_is_compared_with_finsights_balance_on_its_day(owner):
    account = AccountFactory(owner=owner, opening_balance=D("100.00"), opening_date=date(2026, 1, 1))
    TransactionFactory(account=account, date=date(2026, 1, 10), amount=D("50.00"))
    TransactionFactory(account=account, date=date(2026, 2, 10), amount=D("-30.00"))
    assert selectors.account_get(user=owner, pk=account.pk).reconciliation is None

    older = statement(account, balance="150.00", on=date(2026, 1, 31))
    assert selectors.account_get(user=owner, pk=account.pk).reconciliation.matches
    newer = statement(account, balance="125.00", on=date(2026, 2, 28), source="ledger")
    statement(account, balance="1.00", on=date(2026, 3, 1), status=ImportStatus.FAILED)  # imported nothing

    check = selectors.account_get(user=owner, pk=account.pk).reconciliation
    assert (check.on, check.bank_balance, check.finsight_balance, check.difference, check.matches) == (
        date(2026, 2, 28), D("125.00"), D("120.00"), D("5.00"), False)
    assert (check.import_id, check.source, check.currency) == (newer.pk, "ledger", "EUR")
    batches = {b.pk: b.reconciliation for b in selectors.import_batch_list(user=owner)}
    assert batches[older.pk].matches and batches[newer.pk].difference == D("5.00")


def test_an_adjustment_after_the_known_balance_moves_that_day_and_after(owner):
    account = AccountFactory(owner=owner, opening_balance=D("100.00"), opening_date=date(2026, 1, 1))
    TransactionFactory(account=account, date=date(2026, 1, 10), amount=D("50.00"))
    TransactionFactory(account=account, date=date(2026, 3, 1), amount=D("-10.00"))
    statement(account, balance="140.00", on=date(2026, 2, 28))

    adjustment = services.account_balance_adjust(user=owner, account=account, on=date(2026, 2, 28),
                                                 bank_balance=D("140.00"), today=TODAY)

    assert (adjustment.date, adjustment.amount, adjustment.currency, adjustment.source) == (
        date(2026, 2, 28), D("-10.00"), "EUR", Source.ADJUSTMENT)
    assert adjustment.description == "Balance adjustment: the bank says EUR 140.00 on 28 Feb 2026"
    # Under Transfers: neither spending nor income, and nothing to review.
    assert adjustment.category.kind == CategoryKind.TRANSFER and not adjustment.needs_review
    fresh = selectors.account_get(user=owner, pk=account.pk)
    assert fresh.reconciliation.matches
    assert fresh.balance == D("130.00")
    assert selectors.account_balance_on(user=owner, account=account, on=date(2026, 2, 27)) == D("150.00")
    assert (fresh.known_balance, fresh.opening_date) == (D("100.00"), date(2026, 1, 1))


def test_an_adjustment_on_or_before_the_known_balance_takes_the_banks_balance_as_the_known_one(owner):
    account = services.account_create(user=owner, name="Girokonto", kind="checking", currency="EUR",
                                      current_balance=D("2000.00"), today=TODAY)
    TransactionFactory(account=account, date=TODAY - timedelta(days=3), amount=D("-20.00"))
    before = selectors.account_balance_on(user=owner, account=account, on=TODAY - timedelta(days=4))
    statement(account, balance="2034.56", on=TODAY)
    assert selectors.account_get(user=owner, pk=account.pk).reconciliation.difference == D("34.56")

    services.account_balance_adjust(user=owner, account=account, on=TODAY, bank_balance=D("2034.56"), today=TODAY)

    fresh = selectors.account_get(user=owner, pk=account.pk)
    assert fresh.balance == D("2034.56") and fresh.reconciliation.matches
    assert (fresh.known_balance, fresh.known_balance_date) == (D("2034.56"), TODAY)
    # Days before the adjustment keep their balance.
    assert selectors.account_balance_on(user=owner, account=fresh, on=TODAY - timedelta(days=4)) == before


def test_an_adjustment_when_the_balances_match_or_for_a_future_day_changes_nothing(owner, account):
    count = Transaction.objects.count()
    with pytest.raises(ValidationError, match="already EUR 1,000.00, as the bank says"):
        services.account_balance_adjust(user=owner, account=account, on=date(2026, 1, 1),
                                        bank_balance=D("1000.00"), today=TODAY)
    with pytest.raises(ValidationError) as future:
        services.account_balance_adjust(user=owner, account=account, on=TODAY + timedelta(days=1),
                                        bank_balance=D("1.00"), today=TODAY)
    assert "13 Mar 2026 is in the future" in future.value.message_dict["date"][0]
    account.refresh_from_db()
    assert Transaction.objects.count() == count
    assert (account.known_balance, account.opening_date) == (D("1000.00"), date(2026, 1, 1))


def test_another_users_account_cannot_be_adjusted(owner, other_account):
    with pytest.raises(ValidationError):
        services.account_balance_adjust(user=owner, account=other_account, on=date(2026, 1, 1),
                                        bank_balance=D("5.00"), today=TODAY)
    assert not Transaction.objects.exists()


def test_old_style_opening_balances_still_give_the_same_balance(owner):
    # Factories and callers may still say opening_balance/opening_date: the same known balance.
    account = Account.objects.create(owner=owner, name="Legacy", opening_balance=D("75.00"),
                                     opening_date=date(2025, 6, 1))
    assert (account.known_balance, account.known_balance_date) == (D("75.00"), date(2025, 5, 31))
    TransactionFactory(account=account, date=date(2025, 6, 1), amount=D("5.00"))
    TransactionFactory(account=account, date=date(2025, 5, 31), amount=D("-500.00"))
    assert balance(owner, account) == D("80.00")
