"""Importing the same money twice creates nothing new; identical rows of one file are all kept."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from imports import services as import_services
from imports.tests.import_fixtures import samples
from mlcore import services as mlcore_services
from transactions import ingest as saving
from transactions.ingest import ImportRow, transactions_import_rows
from transactions.models import ImportStatus, Transaction
from transactions.services import conversion_fields
from transactions.tests.factories import AccountFactory, category


def upload(data: bytes, name: str = "export.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def start(owner, account, data: bytes, name: str = "export.csv", **kwargs):
    return import_services.import_start(user=owner, account=account, upload=upload(data, name), **kwargs)


@pytest.mark.django_db
def test_reimporting_the_same_file_creates_nothing_new(owner, account):
    first = start(owner, account, samples.german_cp1252())
    again = start(owner, account, samples.german_cp1252())

    assert (first.created_count, first.duplicate_count) == (4, 0)
    assert (again.status, again.created_count, again.duplicate_count) == (ImportStatus.DONE, 0, 4)
    assert Transaction.objects.filter(account=account).count() == 4


@pytest.mark.django_db
def test_an_overlapping_export_imports_only_the_new_rows(owner, account):
    start(owner, account, samples.rows_csv(10, start=0))
    overlap = start(owner, account, samples.rows_csv(10, start=5))

    assert (overlap.created_count, overlap.duplicate_count) == (5, 5)
    descriptions = set(Transaction.objects.filter(account=account).values_list("description", flat=True))
    assert descriptions == {f"CARD PAYMENT SHOP {i}" for i in range(15)}


@pytest.mark.django_db
def test_two_identical_rows_in_one_file_are_both_kept_and_stay_two(owner, account):
    first = start(owner, account, samples.identical_rows())
    again = start(owner, account, samples.identical_rows())

    assert first.created_count == 3
    assert (again.created_count, again.duplicate_count) == (0, 3)
    assert Transaction.objects.filter(account=account, date=date(2024, 3, 15)).count() == 2


@pytest.mark.django_db
def test_the_same_rows_in_another_account_are_not_duplicates(owner, account):
    savings = AccountFactory(owner=owner, name="Savings")
    start(owner, account, samples.identical_rows())
    other = start(owner, savings, samples.identical_rows())

    assert other.created_count == 3


@pytest.mark.django_db
def test_ofx_transactions_are_recognised_by_the_banks_id(owner, account):
    start(owner, account, samples.ofx_sgml(), "march.ofx")
    # The bank re-sends the same transactions with a reworded memo: the FITID still identifies them.
    reworded = samples.ofx_sgml().replace(b"SHELL OIL 57442 HOUSTON TX", b"SHELL 57442 HOUSTON")
    again = start(owner, account, reworded, "march-again.ofx")

    assert (again.created_count, again.duplicate_count) == (0, 3)
    assert Transaction.objects.filter(account=account).count() == 3


@pytest.mark.django_db
def test_shared_insert_path_fills_in_review_category_and_conversion(owner, account):
    groceries = category("food_drink.groceries")
    rows = [
        ImportRow(date=date(2024, 3, 1), amount=Decimal("-20.5"), description="  REWE  Markt ", merchant="REWE",
                  category=groceries),
        ImportRow(date=date(2024, 3, 1), amount=Decimal("-20.50"), description="rewe markt", currency="chf"),
    ]

    created, duplicates = transactions_import_rows(user=owner, account=account, rows=rows, source="api")

    assert (created, duplicates) == (2, 0)
    filed, loose = Transaction.objects.filter(account=account).order_by("id")
    assert (filed.amount, filed.category, filed.category_source, filed.needs_review) == (
        Decimal("-20.50"), groceries, "import", False)
    assert (loose.category, loose.category_source, loose.needs_review, loose.currency) == (None, "", True, "CHF")
    assert filed.source == loose.source == "api"
    # Same day, amount and normalised text: the second is the first's twin, not its duplicate.
    assert filed.fingerprint != loose.fingerprint
    expected = conversion_fields(user=owner, amount=Decimal("-20.50"), currency="CHF", on=date(2024, 3, 1))
    assert (loose.amount_converted, loose.fx_rate, loose.fx_date) == (
        expected["amount_converted"], expected["fx_rate"], expected["fx_date"])
    assert transactions_import_rows(user=owner, account=account, rows=rows) == (0, 2)


@pytest.mark.django_db
def test_shared_insert_path_refuses_another_users_account_or_category(owner, other_user, other_account, account):
    row = ImportRow(date=date(2024, 3, 1), amount=Decimal("-1.00"), description="X")
    with pytest.raises(ValidationError):
        transactions_import_rows(user=owner, account=other_account, rows=[row])
    foreign = category("food_drink.groceries")
    foreign.pk, foreign.owner, foreign.key = None, other_user, None
    foreign.save()
    with pytest.raises(ValidationError):
        transactions_import_rows(user=owner, account=account, rows=[ImportRow(
            date=date(2024, 3, 1), amount=Decimal("-1.00"), description="X", category=foreign)])
    assert not Transaction.objects.exists()


@pytest.mark.django_db
def test_repeated_bank_ids_within_one_file_are_not_trusted(owner, account):
    rows = [ImportRow(date=date(2024, 3, d), amount=Decimal("-5.00"), description=f"SHOP {d}", external_id="0")
            for d in (1, 2, 3)]

    assert transactions_import_rows(user=owner, account=account, rows=rows) == (3, 0)


@pytest.mark.django_db
def test_foreign_currency_account_stores_converted_amounts(owner):
    owner.financial_profile.preferred_currency = "EUR"
    owner.financial_profile.save()
    dollars = AccountFactory(owner=owner, name="US checking", currency="USD")

    batch = start(owner, dollars, samples.us_checking(), "stmt.csv")

    assert batch.status == ImportStatus.DONE, batch.errors
    for txn in Transaction.objects.filter(import_batch=batch):
        expected = conversion_fields(user=owner, amount=txn.amount, currency="USD", on=txn.date)
        assert txn.currency == "USD"
        assert (txn.amount_converted, txn.converted_currency, txn.fx_rate, txn.fx_date) == (
            expected["amount_converted"], "EUR", expected["fx_rate"], expected["fx_date"])
        assert abs(txn.amount_converted) < abs(txn.amount)


@pytest.mark.django_db
def test_copy_and_bulk_paths_store_the_same_rows(owner):
    if connection.vendor != "postgresql":
        pytest.skip("the COPY path runs on PostgreSQL")
    rows = [ImportRow(date=date(2024, 3, 1 + i % 28), amount=Decimal(f"-{i}.25"), description=f"SHOP\t{i % 7}\\",
                      merchant="M\nX", currency="USD" if i % 3 else "") for i in range(60)]
    via_copy = AccountFactory(owner=owner, name="A")
    via_bulk = AccountFactory(owner=owner, name="B")

    copied = saving._insert_copy(user=owner, account=via_copy, rows=rows, batch=None, source="csv")
    bulked = saving._insert_bulk(user=owner, account=via_bulk, rows=rows, batch=None, source="csv")

    fields = ["date", "amount", "currency", "amount_converted", "converted_currency", "fx_rate", "fx_date",
              "description", "merchant", "category_source", "needs_review", "source", "notes"]
    assert copied == bulked == 60
    assert list(via_copy.transactions.order_by("id").values_list(*fields)) == \
        list(via_bulk.transactions.order_by("id").values_list(*fields))
    # Fingerprints include the account, so compare their ranks instead.
    assert via_copy.transactions.values("fingerprint").distinct().count() == 60


@pytest.mark.django_db
def test_chunked_copy_prepares_in_a_second_thread_and_stays_atomic(owner, account, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the COPY path runs on PostgreSQL")
    monkeypatch.setattr(saving, "CHUNK_ROWS", 7)
    rows = [ImportRow(date=date(2024, 3, 1), amount=Decimal("-1.00"), description=f"ROW {i}") for i in range(50)]

    assert transactions_import_rows(user=owner, account=account, rows=rows) == (50, 0)
    assert transactions_import_rows(user=owner, account=account, rows=rows + rows[:1]) == (1, 50)

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(saving, "transaction_fingerprint", broken)
    with pytest.raises(RuntimeError):
        transactions_import_rows(user=owner, account=account, rows=[
            ImportRow(date=date(2024, 4, 1), amount=Decimal("-1.00"), description=f"NEW {i}") for i in range(30)])
    assert Transaction.objects.filter(account=account).count() == 51


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_the_same_file_create_each_row_once(owner, account):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    data = samples.rows_csv(300)
    results = []
    barrier = threading.Barrier(3)

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(start(owner, account, data, run_async=False))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [b.status for b in results] == [ImportStatus.DONE] * 3
    assert sum(b.created_count for b in results) == 300
    assert sum(b.duplicate_count for b in results) == 600
    assert Transaction.objects.filter(account=account).count() == 300


@pytest.mark.django_db
def test_fingerprints_are_the_services_own(owner, account):
    from transactions.services import transaction_fingerprint

    rows = [ImportRow(date=date(2024, 3, 1), amount=Decimal("-4.5"), description="  Café\u00a0 CENTRAL\tBerlin "),
            ImportRow(date=date(2024, 3, 1), amount=Decimal("-4.50"), description="café central berlin"),
            ImportRow(date=date(2024, 3, 2), amount=Decimal("-4.50"), description="X", external_id=" FIT-1 ")]

    transactions_import_rows(user=owner, account=account, rows=rows)

    stored = list(Transaction.objects.filter(account=account).order_by("id").values_list("fingerprint", flat=True))
    assert stored == [
        transaction_fingerprint(account_id=account.pk, on=date(2024, 3, 1), amount=Decimal("-4.50"),
                                description=rows[0].description, occurrence=0),
        transaction_fingerprint(account_id=account.pk, on=date(2024, 3, 1), amount=Decimal("-4.50"),
                                description=rows[1].description, occurrence=1),
        transaction_fingerprint(account_id=account.pk, on=date(2024, 3, 2), amount=Decimal("-4.50"),
                                description="X", external_id="FIT-1"),
    ]


@pytest.fixture
def categorized(monkeypatch) -> list[str]:
    """The description of every row handed to mlcore's import categorizer, through the attribute batches.py calls."""

    seen: list[str] = []
    original = mlcore_services.import_rows_categorize

    def spy(*, user, account_kind, rows):
        seen.extend(row.description for row in rows)
        return original(user=user, account_kind=account_kind, rows=rows)

    monkeypatch.setattr(mlcore_services, "import_rows_categorize", spy)
    return seen


@pytest.mark.django_db
def test_a_reimport_categorizes_no_row(owner, account, categorized):
    first = start(owner, account, samples.rows_csv(5))
    assert (first.created_count, len(categorized)) == (5, 5)
    categorized.clear()

    again = start(owner, account, samples.rows_csv(5))

    assert (again.status, again.created_count, again.duplicate_count) == (ImportStatus.DONE, 0, 5)
    assert categorized == []
    assert Transaction.objects.filter(account=account).count() == 5


@pytest.mark.django_db
def test_only_the_new_rows_of_an_overlapping_file_are_categorized(owner, account, categorized):
    start(owner, account, samples.rows_csv(3))
    categorized.clear()

    overlap = start(owner, account, samples.rows_csv(5))

    assert (overlap.created_count, overlap.duplicate_count) == (2, 3)
    assert categorized == ["CARD PAYMENT SHOP 3", "CARD PAYMENT SHOP 4"]
    # The two new rows were written with the categorizer's decision.
    new = Transaction.objects.filter(import_batch=overlap)
    assert new.count() == 2 and all(t.category_explanation or t.category_id for t in new)


@pytest.mark.django_db
def test_identical_rows_keep_their_occurrence_rank_when_only_new_rows_are_categorized(owner, account, categorized):
    once = b"Date,Description,Amount\n15/03/2024,TFL TRAVEL CH,-2.80\n16/03/2024,BAKERY,-3.10\n"
    twice = once + b"15/03/2024,TFL TRAVEL CH,-2.80\n17/03/2024,BAKERY,-3.10\n"
    start(owner, account, once)
    categorized.clear()

    again = start(owner, account, twice)

    # The second TFL row of the day is the first one's twin (rank 1), not its duplicate.
    assert (again.created_count, again.duplicate_count) == (2, 2)
    assert categorized == ["TFL TRAVEL CH", "BAKERY"]
    assert Transaction.objects.filter(account=account, date=date(2024, 3, 15)).count() == 2
    categorized.clear()

    third = start(owner, account, twice)

    assert (third.created_count, third.duplicate_count, categorized) == (0, 4, [])
    assert Transaction.objects.filter(account=account).count() == 4


@pytest.mark.django_db
def test_import_rows_new_is_what_the_insert_creates_chunk_by_chunk(owner, account, monkeypatch):
    monkeypatch.setattr(saving, "LOOKUP_ROWS", 4)
    row = ImportRow
    old = [row(date=date(2024, 3, 1 + i % 3), amount=Decimal("-2.5"), description="SAME SHOP") for i in range(7)]
    old.append(row(date=date(2024, 3, 9), amount=Decimal("-1.00"), description="BANK ID", external_id="FIT-9"))
    transactions_import_rows(user=owner, account=account, rows=old)
    # A fourth March 1st row, second in the file's order of that day; FIT-9 again with another text.
    rows = old[:4] + [row(date=date(2024, 3, 1), amount=Decimal("-2.50"), description=" same  shop")] + old[4:7] + [
        row(date=date(2024, 3, 9), amount=Decimal("-9.00"), description="OTHER TEXT", external_id=" FIT-9 "),
        row(date=date(2024, 3, 10), amount=Decimal("-1.00"), description="NEW", external_id="FIT-10")]

    new = saving.import_rows_new(account=account, rows=rows)

    # Ranks follow the file's order: the last March 1st row takes the new rank 3, not the inserted one.
    assert len(new) == 2 and new[0] is rows[7] and new[1] is rows[9]
    assert transactions_import_rows(user=owner, account=account, rows=rows) == (len(new), len(rows) - len(new))
    assert saving.import_rows_new(account=account, rows=rows) == []
