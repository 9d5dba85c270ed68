"""GET /api/v1/transactions/export.csv: every filtered row, streamed, formula-safe, nobody else's."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from transactions import services
from transactions.api.views import EXPORT_HEADER
from transactions.models import Transaction
from transactions.tests.factories import TransactionFactory, category

pytestmark = pytest.mark.django_db

URL = "/api/v1/transactions/export.csv"


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="finsight-transactions-')
    text = b"".join(response.streaming_content).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    assert header == EXPORT_HEADER
    return [dict(zip(header, row, strict=True)) for row in reader]


def _bulk(owner, account, count: int, **fields) -> None:
    Transaction.objects.bulk_create([
        Transaction(owner=owner, account=account, date=date(2026, 1, 1 + n % 28), amount=Decimal("-1.25"),
                    currency="EUR", description=f"ROW {n}", fingerprint=f"bulk:{n}", **fields)
        for n in range(count)
    ])


def test_exports_every_row_not_one_page(owner_api, owner, account):
    _bulk(owner, account, 2_150)  # more than a page and more than one iterator chunk of 2000
    rows = _rows(owner_api.get(URL))
    assert len(rows) == 2_150
    assert len({row["id"] for row in rows}) == 2_150


def test_one_row_with_everything(owner_api, owner, account):
    txn = services.transaction_create(user=owner, account=account, on=date(2024, 3, 9), amount=Decimal("-100.00"),
                                      description="HOTEL ZURICH", merchant="Hotel", currency="CHF",
                                      category=category("travel.hotels"), notes="conference", tags=["work", "trip"])
    split = services.transaction_create(user=owner, account=account, on=date(2024, 3, 10), amount=Decimal("-30.00"),
                                        description="DM DROGERIE")
    services.transaction_split_set(user=owner, txn=split, parts=[(category("food_drink.groceries"), "-10"),
                                                                 (category("personal_care"), "-20", "shampoo")])
    rows = {int(row["id"]): row for row in _rows(owner_api.get(URL))}
    row = rows[txn.pk]
    assert row["date"] == "2024-03-09"
    assert row["account"] == "Main checking"
    assert (row["amount"], row["currency"]) == ("-100.00", "CHF")
    assert row["amount_converted"] == str(txn.amount_converted)
    assert (row["converted_currency"], row["fx_date"]) == ("EUR", "2024-03-08")
    assert row["category"] == "Travel > Hotels"
    assert (row["category_source"], row["needs_review"], row["source"]) == ("user", "false", "manual")
    assert row["tags"] == "trip; work"
    assert rows[split.pk]["splits"] == "Food & Drink > Groceries: -10.00; Personal Care: -20.00"
    assert rows[split.pk]["category"] == ""


def test_text_cells_are_neutralised_but_negative_amounts_stay_numbers(owner_api, owner, account):
    formula = TransactionFactory(account=account, amount=Decimal("-12.50"), description="=HYPERLINK(\"http://evil\")",
                                 merchant="+SUM(A1)", notes="@cmd", date=date(2026, 1, 2))
    services.transaction_update(user=owner, txn=formula, data={"tags": ["=tag"]})
    TransactionFactory(account=account, amount=Decimal("-3.00"), description="-2+3", merchant="\tTAB",
                       notes="\rCR", date=date(2026, 1, 1))
    first, second = _rows(owner_api.get(URL))
    assert first["amount"] == "-12.50"  # a number a spreadsheet can sum, not the text "'-12.50"
    assert first["description"] == "'=HYPERLINK(\"http://evil\")"
    assert (first["merchant"], first["notes"], first["tags"]) == ("'+SUM(A1)", "'@cmd", "'=tag")
    assert (second["amount"], second["description"]) == ("-3.00", "'-2+3")
    assert (second["merchant"], second["notes"]) == ("'\tTAB", "'\rCR")


def test_the_list_filters_and_ordering_apply(owner_api, owner, account):
    groceries = TransactionFactory(account=account, date=date(2026, 3, 1), category=category("food_drink.groceries"),
                                   description="REWE")
    TransactionFactory(account=account, date=date(2026, 3, 2), category=category("travel.hotels"),
                       description="HOTEL")
    TransactionFactory(account=account, date=date(2025, 3, 1), category=category("food_drink.restaurants"),
                       description="OLD PIZZA")
    rows = _rows(owner_api.get(URL, {"category": category("food_drink").pk, "date_from": "2026-01-01"}))
    assert [int(r["id"]) for r in rows] == [groceries.pk]
    rows = _rows(owner_api.get(URL, {"ordering": "date"}))
    assert [r["description"] for r in rows] == ["OLD PIZZA", "REWE", "HOTEL"]
    response = owner_api.get(URL, {"date_from": "not a date"})
    assert response.status_code == 400 and "date_from" in response.json()["fields"]
    assert owner_api.get(URL, {"date_from": "bad"}, HTTP_ACCEPT="text/csv").status_code == 400


def test_another_users_rows_never_appear(owner_api, other_api, owner, account, other_account):
    TransactionFactory(account=account, description="MINE")
    TransactionFactory(account=other_account, description="THEIRS")
    assert [r["description"] for r in _rows(owner_api.get(URL))] == ["MINE"]
    assert [r["description"] for r in _rows(other_api.get(URL))] == ["THEIRS"]
    assert owner_api.get(URL, {"account": other_account.pk}).status_code == 400


def test_anonymous_is_refused(api_client):
    assert api_client.get(URL).status_code == 401


def test_constant_number_of_queries_per_chunk(owner_api, owner, account, django_assert_max_num_queries):
    def queries_for_export() -> int:
        with CaptureQueriesContext(connection) as captured:
            _rows(owner_api.get(URL))
        return len(captured)

    for n in range(5):
        services.transaction_create(user=owner, account=account, on=date(2026, 1, 1), amount=Decimal("-9"),
                                    description=f"S{n}", category=category("food_drink.groceries"), tags=["a"])
    with_five = queries_for_export()
    for n in range(5, 50):
        services.transaction_create(user=owner, account=account, on=date(2026, 1, 1), amount=Decimal("-9"),
                                    description=f"S{n}", category=category("food_drink.groceries"), tags=["a"])
    with django_assert_max_num_queries(with_five):
        assert len(_rows(owner_api.get(URL))) == 50


def test_more_rows_than_sent_at_once_are_refused_with_the_way_to_the_export_job(owner_api, owner, account, settings):
    # A direct download that the server's time limit could cut short is never started: no 200 with part of the rows.
    settings.EXPORT_SYNC_MAX_ROWS = 10
    _bulk(owner, account, 11)
    response = owner_api.get(URL)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "export_too_large" and body["extra"] == {"rows": 11, "limit": 10}
    assert "/api/v1/transactions/exports/" in body["message"]
    assert len(_rows(owner_api.get(URL, {"date_from": "2026-01-02"}))) == 10  # filtered down to the limit: sent


def test_look_alike_formulas_are_neutralised_too(owner_api, account):
    TransactionFactory(account=account, description="\uff1dHYPERLINK(\"http://evil\")", merchant="\uff0b1",
                       notes="\uff20cmd")
    [row] = _rows(owner_api.get(URL))
    assert (row["description"], row["merchant"], row["notes"]) == ("'\uff1dHYPERLINK(\"http://evil\")", "'\uff0b1",
                                                                  "'\uff20cmd")
